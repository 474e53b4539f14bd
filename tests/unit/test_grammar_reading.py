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


_STORYBOARD = Context(phase="storyboard", beats=9, chunks=6)


@pytest.mark.parametrize(
    ("text", "beat", "prompt"),
    [
        ("drop beat 5 into a harbour at low tide", 5, "a harbour at low tide"),
        ("the fourth beat: a library, late at night", 4, "a library, late at night"),
        ("beat 8 should look like a frozen lake", 8, "a frozen lake"),
        ("place l'image 2 dans un jardin fleuri", 2, "un jardin fleuri"),
        ("verwandle Bild 6 in einen Bahnhof", 6, "einen Bahnhof"),
        ("convierte la imagen 1 en un mercado", 1, "un mercado"),
    ],
)  # fmt: skip
def test_a_beat_is_redrawn_as_the_scene_whatever_the_verb(
    text: str, beat: int, prompt: str
) -> None:
    calls = interpret(text, _STORYBOARD).calls
    assert [(c.tool, c.args) for c in calls] == [
        ("regenerate_beat", {"beat": beat, "prompt": prompt})
    ]


@pytest.mark.parametrize(
    ("text", "ops"),
    [
        ("move beat 2 to position 7", [{"op": "move_beat", "beat": 2, "position": 7}]),
        ("move beat 2 to the end", [{"op": "move_beat", "beat": 2, "position": 9}]),
        ("set beat 2 to 4 seconds", [{"op": "retime_beat", "beat": 2, "duration_s": 4.0}]),
    ],
)  # fmt: skip
def test_a_move_or_a_length_is_no_scene(text: str, ops: list[dict[str, object]]) -> None:
    calls = interpret(text, Context(phase="plan", beats=9, chunks=6)).calls
    assert [(c.tool, c.args) for c in calls] == [("edit_spec", {"ops": ops})]


@pytest.mark.parametrize("text", ["use a woman's voice", "eine männliche Stimme bitte"])
def test_a_kind_of_voice_is_answered_not_taken_for_a_name(text: str) -> None:
    result = interpret(text, Context(phase="refine", beats=9, chunks=6))
    assert result.calls == [] and "by its name" in (result.reply or "")


def test_neu_regenerates_and_leaves_the_mood_alone() -> None:
    calls = interpret(
        "mach die Musik neu, fröhlicher", Context(phase="refine", beats=9, chunks=6)
    ).calls
    assert [(c.tool, c.args.get("mood")) for c in calls] == [("regenerate_music", "happy")]
