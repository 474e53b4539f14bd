"""The grammar's general mechanisms, each at the door a user meets (:func:`interpret`).

Ellipsis across clauses, places between and next to beats, comparatives in base form, the
music's gain in dB, and "softer" music as a mood. Each case is worded unlike the phrasing
set's, so a mechanism that only knew those phrasings fails here.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from agent.wording import base_of
from tools.interpreter import VIDEO_MODELS, Context, interpret

TYPES = ("hook", "problem", "product_reveal", "feature_highlight", "lifestyle", "social_proof",
         "offer", "call_to_action", "logo_end_card")  # fmt: skip


def _without_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_none(v) for v in value]
    return value


def _calls(text: str, phase: str) -> list[tuple[str, dict[str, Any]]]:
    ctx = Context(phase=phase, beats=9, chunks=6, beat_types=TYPES)  # type: ignore[arg-type]
    return [(c.tool, _without_none(c.args)) for c in interpret(text, ctx).calls]


def _spec(*ops: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [("edit_spec", {"ops": [{k: v for k, v in o.items() if v is not None} for o in ops]})]


@pytest.mark.parametrize(
    ("text", "phase", "expected"),
    [
        ("redo picture 3 as an orchard in spring, and 8 as a ferry deck", "storyboard",
         [("regenerate_beat", {"beat": 3, "prompt": "an orchard in spring"}),
          ("regenerate_beat", {"beat": 8, "prompt": "a ferry deck"})]),
        ("wan for segment 2, and kling for 6", "chunks",
         [("regenerate_chunk", {"chunk": 2, "model": "wan"}),
          ("regenerate_chunk", {"chunk": 6, "model": "kling"})]),
        ("rerender clip 1 with hailuo 2.3 and clip 4 as well", "chunks",
         [("regenerate_chunk", {"chunk": 1, "model": "hailuo-2.3"}),
          ("regenerate_chunk", {"chunk": 4, "model": "hailuo-2.3"})]),
        ("Clip 5 noch mal mit Kling 2.1", "chunks",
         [("regenerate_chunk", {"chunk": 5, "model": "kling-v2.1"})]),
        ("regenera el segundo fotograma como un tejado nevado", "storyboard",
         [("regenerate_beat", {"beat": 2, "prompt": "un tejado nevado"})]),
        ("redraw image 4 as a pier, then do the same for image 9", "storyboard",
         [("regenerate_beat", {"beat": 4, "prompt": "a pier"}),
          ("regenerate_beat", {"beat": 9, "prompt": "a pier"})]),
        ("wan pour le clip 3 et kling pour le 5", "chunks",
         [("regenerate_chunk", {"chunk": 3, "model": "wan"}),
          ("regenerate_chunk", {"chunk": 5, "model": "kling"})]),
    ],
)  # fmt: skip
def test_a_second_clause_inherits_what_it_leaves_out(
    text: str, phase: str, expected: list[tuple[str, dict[str, Any]]]
) -> None:
    assert _calls(text, phase) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("squeeze a product reveal in between beats 6 and 7",
         _spec({"op": "add_beat", "type": "product_reveal", "position": 7})),
        ("put the end card immediately after the problem",
         _spec({"op": "move_beat", "beat": 9, "position": 3})),
        ("slide the hook right before the CTA",
         _spec({"op": "move_beat", "beat": 1, "position": 7})),
    ],
)  # fmt: skip
def test_places_between_and_next_to_beats_named_by_type(
    text: str, expected: list[tuple[str, dict[str, Any]]]
) -> None:
    assert _calls(text, "plan") == expected


@pytest.mark.parametrize(
    ("text", "after", "expected"),
    [
        ("add a testimonial between beats 6 and 5", "add a testimonial after beat 5",
         _spec({"op": "add_beat", "type": "social_proof", "position": 6})),
        ("move beat 3 between 5 and 6", "move beat 3 after beat 5",  # no unit: beats
         _spec({"op": "move_beat", "beat": 3, "position": 5})),
        ("insert an offer beat between the problem and the product reveal",
         "insert an offer beat after beat 2",
         _spec({"op": "add_beat", "type": "offer", "position": 3})),
        ("mets la scène 8 entre les scènes 1 et 2", "move beat 8 after beat 1",
         _spec({"op": "move_beat", "beat": 8, "position": 2})),
    ],
)  # fmt: skip
def test_between_neighbouring_beats_is_the_place_after_the_first(
    text: str, after: str, expected: list[tuple[str, dict[str, Any]]]
) -> None:
    """ "Between beats N and N+1" is position N+1, as "after beat N" is."""
    assert _calls(text, "plan") == expected
    assert _calls(after, "plan") == expected


@pytest.mark.parametrize(
    "text",
    ["add a testimonial between beats 2 and 6", "move beat 9 between the hook and the offer",
     "put beat 4 between beats 7 and 7"],
)  # fmt: skip
def test_between_beats_that_are_not_neighbours_asks_where(text: str) -> None:
    ctx = Context(phase="plan", beats=9, chunks=0, beat_types=TYPES)
    result = interpret(text, ctx)
    assert result.calls == []
    assert result.reply is not None and "not next to each other" in result.reply
    assert re.search(r"after beat \d.*before beat \d", result.reply)


@pytest.mark.parametrize(
    ("word", "base"),
    [("crunchier", "crunchy"), ("slimmer", "slim"), ("subtler", "subtle"), ("ruder", "rude"),
     ("harsher", "harsh"), ("amber", "amber"), ("summer", "summer"), ("silver", "silver")],
)  # fmt: skip
def test_comparatives_fold_to_their_base_and_nouns_in_er_do_not(word: str, base: str) -> None:
    assert base_of(word) == base


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [("a breezier mood", "mood", "breezy"), ("make the camera jerkier", "camera", "jerky"),
     ("hazier lighting", "lighting", "hazy")],
)  # fmt: skip
def test_a_comparative_sets_the_base_value_of_its_style_field(
    text: str, field: str, value: str
) -> None:
    assert _calls(text, "plan") == _spec({"op": "set_style", "field": field, "value": value})


@pytest.mark.parametrize(
    ("text", "gain_db"),
    [
        ("ease the soundtrack back by 7 decibels", -7.0),  # a step down
        ("could the music sit around -18 dB?", -18.0),  # where it sits
        ("raise the track to -4 dB", -4.0),  # a place, whatever the verb
        ("score +1.5dB", 1.5),
        ("kill the music entirely", -60.0),
        ("baja la música 5 decibelios", -5.0),
    ],
)
def test_the_music_gain_in_db_with_any_verb(text: str, gain_db: float) -> None:
    assert _calls(text, "refine") == [("set_music_volume", {"gain_db": gain_db})]


def test_softer_music_is_a_gentler_mood_and_a_level_only_with_a_number() -> None:
    assert _calls("la música un poco más suave", "refine") == [
        ("regenerate_music", {"mood": "soft"})
    ]
    assert _calls("the music 4 dB softer", "refine") == [("set_music_volume", {"gain_db": -4.0})]


@pytest.mark.parametrize(
    "text",
    ["¿y si lo dejamos en 25 segundos?", "geht das auch in 25 Sekunden?",
     "on peut le faire en 25 secondes ?"],
)  # fmt: skip
def test_a_length_asked_as_a_question(text: str) -> None:
    assert _calls(text, "plan") == _spec({"op": "set_duration", "duration_s": 25.0})


@pytest.mark.parametrize(
    "text",
    ["going forward, never stop between steps", "desde ahora no te detengas entre pasos",
     "ab sofort nicht mehr zwischen den Schritten anhalten"],
)  # fmt: skip
def test_a_standing_instruction_not_to_stop_turns_auto_continue_on(text: str) -> None:
    assert _calls(text, "storyboard") == [
        ("set_auto_continue", {"enabled": True}),
        ("continue_pipeline", {}),
    ]


def test_from_now_on_makes_going_on_a_standing_instruction() -> None:
    assert _calls("from here on, just carry on", "plan") == [
        ("set_auto_continue", {"enabled": True}),
        ("continue_pipeline", {}),
    ]
    assert _calls("carry on", "plan") == [("continue_pipeline", {})]


@pytest.mark.parametrize("text", ["une voix de femme", "voz de hombre", "eine Männerstimme"])
def test_a_kind_of_voice_in_fr_es_de_is_answered_not_taken_for_a_name(text: str) -> None:
    ctx = Context(phase="refine", beats=9, chunks=6)
    result = interpret(text, ctx)
    assert result.calls == [] and "single voice" in (result.reply or "")


def test_every_versioned_model_of_the_registry_is_read_after_nochmal() -> None:
    """Model ids come from the catalog; a version typed with spaces maps onto its id."""
    for name in VIDEO_MODELS:
        typed = name.replace("-", " ").replace(" v2", " 2")
        assert _calls(f"Clip 2 nochmal mit {typed}", "chunks") == [
            ("regenerate_chunk", {"chunk": 2, "model": name})
        ], typed


@pytest.mark.parametrize(
    "text",
    [
        "cut the music",
        "ditch the soundtrack",
        "get rid of the music",
        "take the music out",
        "scrap the music",
        "sin música",
        "ohne Musik",
        "sans musique",
        "coupe la musique",
        "wirf die Musik raus",
        "disable the soundtrack",
        "I don't want any music",
        "pas de musique",
        "coupe le son de la musique",
    ],
)
def test_a_verb_of_removal_on_the_music_mutes_it(text: str) -> None:
    assert _calls(text, "refine") == [("set_music_volume", {"gain_db": -60.0})]


@pytest.mark.parametrize(
    ("text", "gain_db"),
    [("cut the music down a bit", -3.0), ("drop the music level", -3.0),
     ("cut the music by 4 dB", -4.0)],
)  # fmt: skip
def test_a_verb_of_removal_with_a_degree_only_lowers(text: str, gain_db: float) -> None:
    assert _calls(text, "refine") == [("set_music_volume", {"gain_db": gain_db})]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Beat 3 sollte wie ein Wald im Nebel aussehen",
            [("regenerate_beat", {"beat": 3, "prompt": "ein Wald im Nebel"})],
        ),
        (
            "Szene 2 soll nach Schnee aussehen und die Musik leiser",
            [("regenerate_beat", {"beat": 2, "prompt": "Schnee"}),
             ("set_music_volume", {"gain_db": -3.0})],
        ),
        (
            "lass Beat 4 kühler aussehen und Beat 6 wärmer",
            [("regenerate_beat", {"beat": 4, "prompt": "kühler"}),
             ("regenerate_beat", {"beat": 6, "prompt": "wärmer"})],
        ),
        (
            "wirf Beat 5 weg und mach die Musik lauter",
            [*_spec({"op": "remove_beat", "beat": 5}), ("set_music_volume", {"gain_db": 3.0})],
        ),
        (
            "fais que la scène 4 ressemble à une forêt",
            [("regenerate_beat", {"beat": 4, "prompt": "une forêt"})],
        ),
        ("make beat 7 look like a desert",
         [("regenerate_beat", {"beat": 7, "prompt": "a desert"})]),
    ],
)  # fmt: skip
def test_each_clause_keeps_its_own_verb_split_or_at_the_end(
    text: str, expected: list[tuple[str, dict[str, Any]]]
) -> None:
    assert _calls(text, "storyboard") == expected


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("make beat 3 longer and beat 6 shorter", ["beat 3", "beat 6"]),
        ("mach Beat 2 kürzer und Beat 5 länger", ["beat 2", "beat 5"]),
        ("rends la musique plus douce et la vidéo plus courte", ["How long should it be"]),
    ],
)
def test_a_second_clause_borrows_the_verb_of_a_first_that_asks_back(
    text: str, asks: list[str]
) -> None:
    ctx = Context(phase="plan", beats=9, chunks=0, beat_types=TYPES)
    result = interpret(text, ctx)
    assert result.calls == [] and result.reply is not None
    assert all(a in result.reply for a in asks), result.reply
    assert "description" not in result.reply


def test_a_place_said_before_a_new_beat_of_no_type_asks_for_the_type() -> None:
    for text in ("add after beat 2 a beat", "füge nach Beat 2 eine Szene hinzu"):
        result = interpret(text, Context(phase="plan", beats=9, chunks=0, beat_types=TYPES))
        assert result.calls == [] and (result.reply or "").startswith("What type of beat?")
    assert _calls("füge nach Beat 2 eine Angebotsszene hinzu", "plan") == _spec(
        {"op": "add_beat", "type": "offer", "position": 3}
    )
