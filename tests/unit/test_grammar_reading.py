"""The lexicon's reading of word order the grammar does not have: split verbs and clitics."""

from __future__ import annotations

import pytest

from tools.interpreter import Context, interpret
from tools.lexicon import canonical


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("nimm die Musik raus", "remove the music"),
        ("dreh die Musik auf", "turn up the music"),
        ("schalte die Untertitel ein", "turn on the subtitles"),
        ("bájala un poco", "lower it a bit"),
        ("cámbiale el título a 'Verano'", "change the title to 'Verano'"),
        ("baisse-la un peu", "lower it a bit"),
        ("música menos fuerte", "music quieter"),
    ],
)
def test_split_verbs_clitics_and_less_read_as_english_slots(text: str, reading: str) -> None:
    assert canonical(text).text == reading


@pytest.mark.parametrize(
    ("text", "tool", "args"),
    [
        ("nimm Szene 3 raus", "edit_spec", {"ops": [{"op": "remove_beat", "beat": 3}]}),
        ("súbele a la música", "set_music_volume", {"gain_db": 3.0}),
        ("15 instead of 30 seconds", "edit_spec",
         {"ops": [{"op": "set_duration", "duration_s": 15.0}]}),
    ],
)  # fmt: skip
def test_they_reach_the_right_tool(text: str, tool: str, args: dict[str, object]) -> None:
    """At the door the user meets: the interpreter's calls for the message."""
    ctx = Context(phase="plan" if tool == "edit_spec" else "refine", beats=9, chunks=6)
    calls = interpret(text, ctx).calls
    assert [(c.tool, c.args) for c in calls] == [(tool, args)]
