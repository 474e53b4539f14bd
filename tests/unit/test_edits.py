"""Spec edits: each op gives a new valid spec, errors are one-line UserErrors, edits replay."""

from __future__ import annotations

import random
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any, cast

import pytest
from pydantic import TypeAdapter

from agent.editing import RegenerateBeat, Target
from agent.edits import (
    NAMED_COLOURS,
    PALETTE_SHIFTS,
    AddBeat,
    AdjustPalette,
    MoveBeat,
    RemoveBeat,
    RetimeBeat,
    SetBeat,
    SetBrand,
    SetCamera,
    SetDuration,
    SetMusic,
    SetProduct,
    SetStyle,
    SetTagline,
    SetTitle,
    SpecEdit,
    apply_edits,
    shift_colour,
)
from agent.errors import NotFound, UserError
from agent.providers.local.planner import plan_spec
from agent.spec import BEAT_TYPES, Spec

EDITS = TypeAdapter(list[SpecEdit])


@pytest.fixture(scope="module")
def spec() -> Spec:
    return plan_spec("Create a 30-second Nike sneaker ad, energetic style", 30.0, "16:9", 0)


def check(spec: Spec) -> Spec:
    """Assert the spec is sound and return it."""
    Spec.model_validate(spec.model_dump())
    assert abs(sum(b.duration_s for b in spec.beats) - spec.duration_s) < 1e-6
    assert [b.index for b in spec.beats] == list(range(len(spec.beats)))
    assert all(b.duration_s >= 1.0 - 1e-9 for b in spec.beats)
    return spec


def types(spec: Spec) -> list[str]:
    return [b.type for b in spec.beats]


def lengths(spec: Spec) -> list[float]:
    return [b.duration_s for b in spec.beats]


@pytest.fixture(autouse=True)
def original_is_untouched(spec: Spec) -> Iterator[None]:
    before = spec.model_dump_json()
    yield
    assert spec.model_dump_json() == before


def test_the_fixture_is_a_nine_beat_ad(spec: Spec) -> None:
    assert len(spec.beats) == 9 and spec.beats[-1].type == "logo_end_card"
    assert spec.product == "sneakers" and spec.duration_s == 30.0


@pytest.mark.parametrize("duration_s", [6.0, 7.0, 13.7, 15.0, 29.5, 45.0, 60.0])
def test_set_duration_rescales_on_the_half_second_grid(spec: Spec, duration_s: float) -> None:
    out = check(SetDuration(duration_s=duration_s).apply(spec))

    assert out.duration_s == duration_s
    assert out.title == f"Nike Sneakers — Energetic {duration_s:g}s"
    off_grid = [d for d in lengths(out) if (d * 2) % 1]
    assert len(off_grid) <= (0 if (duration_s * 2) % 1 == 0 else 1)
    assert out.beats[0].type == "hook" and out.beats[-1].type == "logo_end_card"


def test_set_duration_twice_keeps_the_title_in_step(spec: Spec) -> None:
    out = apply_edits(spec, [SetDuration(duration_s=13.7), SetDuration(duration_s=20)])
    assert check(out).title == "Nike Sneakers — Energetic 20s"


def test_set_duration_keeps_proportions_when_growing(spec: Spec) -> None:
    out = check(SetDuration(duration_s=60).apply(spec))
    assert types(out) == types(spec)
    assert lengths(out) == [2 * d for d in lengths(spec)]


def test_set_duration_drops_middle_beats_but_keeps_the_ask(spec: Spec) -> None:
    out = check(SetDuration(duration_s=6).apply(spec))
    assert len(out.beats) < len(spec.beats)
    assert types(out) == ["hook", "product_reveal", "call_to_action", "logo_end_card"]


@pytest.mark.parametrize("duration_s", [5.9, 60.5, 0, -3])
def test_set_duration_outside_6_to_60_s_is_refused(spec: Spec, duration_s: float) -> None:
    with pytest.raises(UserError, match="6-60 s"):
        SetDuration(duration_s=duration_s).apply(spec)


def test_set_style_palette_accepts_hex_and_names(spec: Spec) -> None:
    out = check(SetStyle(field="palette", value="#111111, #445566 gold ivory").apply(spec))
    assert out.style.palette == ["#111111", "#445566", "#d4af37", "#fffff0"]
    assert all("Palette: black, charcoal, gold and ivory." in b.image_prompt for b in out.beats)
    assert "midnight navy, cyan" not in out.model_dump_json()
    short = check(SetStyle(field="palette", value="#FFF black red").apply(spec))
    assert short.style.palette == ["#ffffff", "#000000", "#e10600"]
    two = check(SetStyle(field="palette", value="black and gold").apply(spec))
    assert two.style.palette[:2] == [NAMED_COLOURS["black"], NAMED_COLOURS["gold"]]
    assert len(two.style.palette) == 3 and two.style.palette[2] in spec.style.palette


@pytest.mark.parametrize(
    ("value", "match"),
    [
        ("red green blue black white gold pink", "got 7"),
        ("red green chartreuse", "unknown colour 'chartreuse'"),
        ("#12345g red blue", "unknown colour"),
        ("bed red blue", "unknown colour 'bed'"),
        ("", "got 0"),
    ],
)
def test_set_style_bad_palette_is_a_user_error(spec: Spec, value: str, match: str) -> None:
    with pytest.raises(UserError, match=match):
        SetStyle(field="palette", value=value).apply(spec)


def test_set_style_mood_and_lighting_follow_into_the_image_prompts(spec: Spec) -> None:
    out = check(SetStyle(field="mood", value="calm").apply(spec))
    assert out.style.mood == "calm"
    assert all(
        "calm mood" in b.image_prompt and "energetic" not in b.image_prompt for b in out.beats
    )
    lit = check(SetStyle(field="lighting", value="golden hour").apply(spec))
    assert all("Lighting: golden hour." in b.image_prompt for b in lit.beats)
    cam = check(SetStyle(field="camera", value="slow glides").apply(spec))
    assert cam.style.camera == "slow glides" and cam.beats == spec.beats
    with pytest.raises(UserError, match="must not be empty"):
        SetStyle(field="mood", value="   ").apply(spec)


def test_set_product_rewrites_mentions(spec: Spec) -> None:
    out = check(SetProduct(name="running shoes").apply(spec))
    assert out.product == "running shoes"
    assert out.title == "Nike Running Shoes — Energetic 30s"
    assert out.beats[1].on_screen_text == "Meet Nike Running Shoes"
    assert "the Nike running shoes" in out.beats[0].description
    assert "sneakers" not in out.model_dump_json().lower()
    with pytest.raises(UserError):
        SetProduct(name=" ").apply(spec)


def test_set_title(spec: Spec) -> None:
    out = check(SetTitle(title="  Just   run  ").apply(spec))
    assert out.title == "Just run" and out.beats == spec.beats
    assert len(SetTitle(title="word " * 100).apply(spec).title) <= 120


def test_set_tagline_is_what_the_end_card_says(spec: Spec) -> None:
    out = check(SetTagline(tagline="  Run   further ").apply(spec))
    assert out.tagline == "Run further"
    ends = [b for b in out.beats if b.type == "logo_end_card"]
    assert ends and all(b.on_screen_text == "Run further" for b in ends)
    pairs = zip(spec.beats, out.beats, strict=True)
    assert all(a == b for a, b in pairs if a.type != "logo_end_card")
    gone = check(SetTagline(tagline="").apply(out))
    assert gone.tagline == ""
    assert all(b.on_screen_text == "" for b in gone.beats if b.type == "logo_end_card")
    with pytest.raises(UserError, match="limit is 60"):
        SetTagline(tagline="word " * 20).apply(spec)


def test_set_music(spec: Spec) -> None:
    out = check(SetMusic(tempo_bpm=90, instruments=["piano", " ", "strings"]).apply(spec))
    assert out.music.tempo_bpm == 90 and out.music.instruments == ["piano", "strings"]
    assert out.music.mood == spec.music.mood and out.music.key == spec.music.key
    assert check(SetMusic(mood="uplifting").apply(spec)).music.mood == "uplifting"
    for bad in (SetMusic(tempo_bpm=200), SetMusic(instruments=[]), SetMusic()):
        with pytest.raises(UserError):
            bad.apply(spec)


def test_add_beat_defaults_before_the_end_card(spec: Spec) -> None:
    out = check(AddBeat(type="offer").apply(spec))
    assert types(out)[-3:] == ["call_to_action", "offer", "logo_end_card"]
    beat = out.beats[-2]
    assert beat.duration_s == 3.0 and beat.camera == "push-in"
    assert beat.on_screen_text == "Limited-time offer"
    assert "Nike sneakers" in beat.description and "Style:" in beat.image_prompt
    assert beat.motion_prompt.startswith("Fast push-in: ")
    assert out.duration_s == 30.0 and len(out.beats) == 10


def test_add_beat_at_a_position_with_a_description(spec: Spec) -> None:
    out = check(AddBeat(type="social_proof", position=1, description="Fans cheer.").apply(spec))
    assert out.beats[0].type == "social_proof" and out.beats[0].description == "Fans cheer."
    assert out.beats[1].type == "hook"
    assert check(AddBeat(type="hook", position=10).apply(spec)).beats[-1].type == "hook"
    blank = check(AddBeat(type="hook", description="  ").apply(spec)).beats[-2]
    assert blank.description.startswith("Bold graphic frame")
    with pytest.raises(UserError, match="out of range; use 1-10"):
        AddBeat(type="hook", position=11).apply(spec)


def test_add_beat_without_room_is_refused() -> None:
    small = plan_spec("Create a 6-second Nike sneaker ad", 6.0, "16:9", 0)
    full = small
    while True:
        try:
            full = AddBeat(type="detail_closeup").apply(full)
        except UserError as exc:
            assert "no room" in str(exc)
            break
        check(full)
    assert len(full.beats) == 6 and lengths(full) == [1.0] * 6


def test_remove_beat_spreads_its_time(spec: Spec) -> None:
    out = check(RemoveBeat(beat=2).apply(spec))
    assert len(out.beats) == 8 and "product_reveal" not in types(out)
    kept = lengths(spec)[:1] + lengths(spec)[2:]
    assert all(new >= old for new, old in zip(lengths(out), kept, strict=True))


def test_remove_the_only_beat_is_refused(spec: Spec) -> None:
    one = spec
    while len(one.beats) > 1:
        one = check(RemoveBeat(beat=1).apply(one))
    assert one.beats[0].duration_s == 30.0
    with pytest.raises(UserError, match="only beat"):
        RemoveBeat(beat=1).apply(one)
    with pytest.raises(NotFound, match="this spec has beat 1$"):
        RemoveBeat(beat=2).apply(one)


def test_move_beat(spec: Spec) -> None:
    out = check(MoveBeat(beat=9, position=1).apply(spec))
    assert types(out) == [types(spec)[8], *types(spec)[:8]]
    assert lengths(out)[0] == 2.0 and out.beats[1].start_s == 2.0
    with pytest.raises(UserError, match="out of range"):
        MoveBeat(beat=1, position=10).apply(spec)


def test_retime_beat(spec: Spec) -> None:
    out = check(RetimeBeat(beat=2, duration_s=8).apply(spec))
    assert out.beats[1].duration_s == 8.0 and out.duration_s == 30.0
    assert lengths(out)[0] < lengths(spec)[0]
    odd = check(RetimeBeat(beat=1, duration_s=2.3).apply(spec))
    assert odd.beats[0].duration_s == 2.3


@pytest.mark.parametrize("duration_s", [0.5, 0.99, 22.5, 100])
def test_retime_beat_impossible_lengths(spec: Spec, duration_s: float) -> None:
    with pytest.raises(UserError, match="can last 1-22 s"):
        RetimeBeat(beat=1, duration_s=duration_s).apply(spec)


def test_set_beat_description_rewrites_the_prompts(spec: Spec) -> None:
    out = check(SetBeat(beat=3, description="A runner laces up at dawn.").apply(spec))
    beat = out.beats[2]
    assert beat.description == "A runner laces up at dawn."
    assert beat.image_prompt.startswith("A runner laces up at dawn, featuring the Nike sneakers.")
    palette = spec.beats[2].image_prompt.split("Palette: ")[1].split(".")[0]
    assert f"Palette: {palette}." in beat.image_prompt  # the style clauses are kept
    assert beat.motion_prompt == "Fast pan left: a runner laces up at dawn."
    assert beat.camera == spec.beats[2].camera and beat.type == "hero_shot"


@pytest.mark.parametrize("words", ["warmer", "a bit more dramatic", "darker and moodier"])
def test_a_description_that_only_qualifies_keeps_what_the_beat_shows(
    spec: Spec, words: str
) -> None:
    """ "make beat 3 warmer" is beat 3 as it was, warmer: never a beat that shows "warmer"."""
    old = spec.beats[2]
    beat = check(SetBeat(beat=3, description=words).apply(spec)).beats[2]
    assert beat.description == f"{old.description.rstrip('. ')}, {words}"
    assert beat.image_prompt.startswith(old.description.rstrip(". ")[:40])


def test_a_description_that_names_a_scene_replaces_the_old_one(spec: Spec) -> None:
    beat = check(SetBeat(beat=3, description="winter").apply(spec)).beats[2]
    assert beat.description == "winter"


def test_a_new_take_with_a_qualifier_keeps_the_image_prompt(spec: Spec) -> None:
    target = Target(spec=spec, chunks=6)
    values = RegenerateBeat(beat=2, prompt="darker").apply({}, target)
    first = values["overrides"]["beat_01"]
    assert first.prompt == f"{spec.beats[1].image_prompt.rstrip(' .,')}, darker"
    again = RegenerateBeat(beat=2, prompt="more colourful").apply(values, target)
    assert again["overrides"]["beat_01"].prompt.endswith(", darker, more colourful")
    scene = RegenerateBeat(beat=2, prompt="a sunset on the beach").apply({}, target)
    assert scene["overrides"]["beat_01"].prompt == "a sunset on the beach"


def test_set_beat_type_and_text(spec: Spec) -> None:
    out = check(SetBeat(beat=1, type="hero_shot", on_screen_text="Run.").apply(spec))
    beat = out.beats[0]
    assert beat.type == "hero_shot" and beat.camera == "orbit" and beat.on_screen_text == "Run."
    assert beat.image_prompt.startswith("low-angle product on a pedestal")
    assert beat.motion_prompt.startswith("Fast orbit around the subject: a burst of motion")
    assert beat.description == spec.beats[0].description
    text_only = check(SetBeat(beat=1, on_screen_text="").apply(spec)).beats[0]
    assert text_only == spec.beats[0].model_copy(update={"on_screen_text": ""})


def test_set_beat_errors(spec: Spec) -> None:
    with pytest.raises(UserError, match="61 characters; the limit is 60"):
        SetBeat(beat=1, on_screen_text="x" * 61).apply(spec)
    with pytest.raises(UserError, match="needs a description"):
        SetBeat(beat=1).apply(spec)
    long = check(SetBeat(beat=1, description="word " * 200).apply(spec))
    assert len(long.beats[0].description) <= 500


@pytest.mark.parametrize(
    "edit",
    [
        RemoveBeat(beat=12),
        MoveBeat(beat=12, position=1),
        RetimeBeat(beat=12, duration_s=2),
        SetBeat(beat=12, on_screen_text="x"),
        RemoveBeat(beat=0),
    ],
)
def test_unknown_beat_is_not_found(
    spec: Spec, edit: RemoveBeat | MoveBeat | RetimeBeat | SetBeat
) -> None:
    with pytest.raises(NotFound) as info:
        edit.apply(spec)
    assert str(info.value) == f"beat {edit.beat} does not exist; this spec has beats 1–9"


def test_apply_edits_in_order(spec: Spec) -> None:
    out = check(
        apply_edits(
            spec,
            [SetDuration(duration_s=15), AddBeat(type="offer"), MoveBeat(beat=1, position=2)],
        )
    )
    assert out.duration_s == 15 and "offer" in types(out) and out.beats[1].type == "hook"
    assert apply_edits(spec, []) is spec


def test_apply_edits_is_all_or_nothing(spec: Spec) -> None:
    edits: list[SpecEdit] = [
        SetTitle(title="New"),
        RemoveBeat(beat=1),
        RetimeBeat(beat=30, duration_s=2),
    ]
    with pytest.raises(NotFound, match=r"^edit 3 \(retime_beat\): beat 30 does not exist"):
        apply_edits(spec, edits)
    with pytest.raises(UserError, match=r"^edit 1 \(set_style\): a palette needs"):
        apply_edits(spec, [SetStyle(field="palette", value="red " * 7)])
    assert spec.title != "New"  # and the autouse fixture checks the whole spec


def test_the_union_round_trips_through_json(spec: Spec) -> None:
    edits: list[SpecEdit] = [
        SetDuration(duration_s=20),
        SetStyle(field="palette", value="black gold ivory"),
        SetProduct(name="trainers"),
        SetTitle(title="Go"),
        SetMusic(tempo_bpm=100),
        AddBeat(type="offer", position=2),
        RemoveBeat(beat=3),
        MoveBeat(beat=1, position=2),
        RetimeBeat(beat=1, duration_s=3),
        SetBeat(beat=2, description="Sparks fly.", type="hook"),
        AdjustPalette(change="warmer"),
        SetBrand(name="Bean & Leaf"),
        SetCamera(beat=2, camera="pan-left"),
    ]
    raw = EDITS.dump_json(edits)
    back = EDITS.validate_json(raw)
    assert back == edits and [type(e) for e in back] == [type(e) for e in edits]
    assert check(apply_edits(spec, back)) == apply_edits(spec, edits)
    parsed = EDITS.validate_python([{"op": "remove_beat", "beat": 2}])
    assert parsed == [RemoveBeat(beat=2)]
    with pytest.raises(ValueError):
        EDITS.validate_python([{"op": "explode"}])


def random_edit(rng: random.Random, n_beats: int) -> SpecEdit:
    beat = rng.randint(0, n_beats + 2)
    kind = rng.choice(BEAT_TYPES)
    text = rng.choice(["", "Sparks fly.", "x" * 70, "  ", "Nike " * 30])
    options: list[SpecEdit] = [
        SetDuration(duration_s=rng.choice([5, 6, 6.5, 9.3, 15, 30, 44.5, 60, 61])),
        SetStyle(
            field=rng.choice(["mood", "palette", "lighting", "camera"]),
            value=rng.choice(["red blue gold", "#123456 #abcdef", "bold", "", "teal " * 4]),
        ),
        SetProduct(name=rng.choice(["shoes", "Air Max", "", "sneakers"])),
        SetTitle(title=rng.choice(["A", "", "t" * 200])),
        SetMusic(tempo_bpm=rng.choice([None, 50, 120]), mood=rng.choice([None, "", "calm"])),
        AddBeat(type=kind, position=rng.choice([None, beat]), description=rng.choice([None, text])),
        RemoveBeat(beat=beat),
        MoveBeat(beat=beat, position=rng.randint(0, n_beats + 1)),
        RetimeBeat(beat=beat, duration_s=rng.choice([0.5, 1.0, 2.25, 3.0, 7.5, 40.0])),
        SetBeat(
            beat=beat,
            description=rng.choice([None, text]),
            type=rng.choice([None, kind]),
            on_screen_text=rng.choice([None, text]),
        ),
        AdjustPalette(change=rng.choice(PALETTE_SHIFTS)),
        SetBrand(name=rng.choice(["Bean & Leaf", "", "b" * 90])),
        SetCamera(beat=beat, camera=rng.choice(["pan-left", "orbit", "static"])),
    ]
    return rng.choice(options)


def test_random_edit_sequences_give_a_valid_spec_or_a_user_error(spec: Spec) -> None:
    rng = random.Random(20240607)
    applied = refused = 0
    for _ in range(150):
        current = spec
        for _ in range(rng.randint(1, 12)):
            edit = random_edit(rng, len(current.beats))
            try:
                current = check(edit.apply(current))
                applied += 1
            except UserError as exc:
                assert "\n" not in str(exc)
                refused += 1
            EDITS.validate_json(EDITS.dump_json([edit]))  # every edit can be logged and replayed
    assert applied > 300 and refused > 100


def hue_shift(before: str, after: str) -> tuple[int, int]:
    """(red change, blue change) from one #rrggbb to another."""
    return (int(after[1:3], 16) - int(before[1:3], 16), int(after[5:7], 16) - int(before[5:7], 16))


def lightness(colour: str) -> float:
    return sum(int(colour[i : i + 2], 16) for i in (1, 3, 5)) / 3


def test_adjust_palette_moves_every_colour_of_the_current_palette(spec: Spec) -> None:
    old = spec.style.palette
    warm = check(AdjustPalette(change="warmer").apply(spec)).style.palette
    assert len(warm) == len(old)
    for a, b in zip(old, warm, strict=True):
        red, blue = hue_shift(a, b)
        # Warmer: red up or blue down, never the reverse. A colour already at full red and
        # no blue (#ff9400, from a brief's palette) can only move its green towards yellow.
        assert red >= 0 and blue <= 0 and a != b, (a, b)
    cool = AdjustPalette(change="cooler").apply(spec).style.palette
    assert all(hue_shift(a, b)[1] >= 0 for a, b in zip(old, cool, strict=True))
    dark = AdjustPalette(change="darker").apply(spec).style.palette
    assert all(lightness(b) <= lightness(a) for a, b in zip(old, dark, strict=True))
    assert sum(map(lightness, dark)) < sum(map(lightness, old)) - 20
    pastel = AdjustPalette(change="pastel").apply(spec).style.palette
    assert sum(map(lightness, pastel)) > sum(map(lightness, old))


def test_adjust_palette_names_the_new_colours_in_the_image_prompts(spec: Spec) -> None:
    black = SetStyle(field="palette", value="black navy charcoal").apply(spec)
    lighter = apply_edits(black, [AdjustPalette(change="lighter")] * 4)
    assert "Palette: black" in black.beats[0].image_prompt
    assert "Palette: black" not in lighter.beats[0].image_prompt


def test_adjust_palette_at_a_limit_says_so(spec: Spec) -> None:
    white = SetStyle(field="palette", value="white white white").apply(spec)
    with pytest.raises(UserError, match="cannot get any lighter"):
        AdjustPalette(change="lighter").apply(white)
    assert shift_colour("#ffffff", "warmer") != "#ffffff"  # white can still be tinted


def test_set_brand_renames_the_brand_and_its_mentions(spec: Spec) -> None:
    assert spec.brand and any(spec.brand in b.image_prompt for b in spec.beats)
    out = check(SetBrand(name="Bean & Leaf").apply(spec))
    assert out.brand == "Bean & Leaf"
    assert not any(spec.brand in b.image_prompt for b in out.beats)
    assert any("Bean & Leaf" in b.image_prompt for b in out.beats)
    with pytest.raises(UserError, match="brand must not be empty"):
        SetBrand(name="  ").apply(spec)


def test_set_camera_changes_one_beat_and_its_motion_prompt(spec: Spec) -> None:
    out = check(SetCamera(beat=2, camera="pan-left").apply(spec))
    assert out.beats[1].camera == "pan-left"
    assert "pan left" in out.beats[1].motion_prompt.lower()
    old_action = spec.beats[1].motion_prompt.partition(": ")[2]
    assert out.beats[1].motion_prompt.endswith(old_action)
    assert out.beats[2:] == spec.beats[2:] and out.beats[0] == spec.beats[0]
    with pytest.raises(NotFound):
        SetCamera(beat=12, camera="orbit").apply(spec)


@pytest.mark.asyncio
async def test_the_resume_node_reads_a_music_step_from_the_thread_gain() -> None:
    """At the LangGraph server's refine pause, "2 dB quieter" steps from the thread's gain."""
    from agent.phases.resume import _interpret

    offline = cast(Any, SimpleNamespace(settings=SimpleNamespace(openai_api_key=None)))
    state = cast(Any, {"artifacts": {}, "music_gain_db": -5.0})
    calls = await _interpret("music 2 dB quieter", state, "refine", offline)
    assert [(c.tool, c.args) for c in calls] == [("set_music_volume", {"gain_db": -7.0})]
