"""The offline storyboard draws what the spec says: the product's archetype, the beat's scene,
and text in every script (issue 14)."""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

import agent.spec
from agent.edits import SetBeat
from agent.phases.effects import SCENE_MEAN_255
from agent.providers.base import ImageRequest
from agent.providers.local.models import LocalImages
from agent.providers.local.planner import plan_spec
from agent.providers.local.storyboard import (
    ARCHETYPES,
    Scene,
    beat_scene,
    layout_text,
    parse_scene,
    product_kind,
    render_storyboard_frame,
)
from agent.providers.local.storyboard import text as text_module
from agent.providers.local.storyboard.colour import _Palette
from agent.providers.local.storyboard.product import _product_layer
from agent.providers.local.storyboard.text import draw_line
from agent.spec import Spec

# ------------------------------------------------------------------------------- scenes


@pytest.mark.parametrize(
    ("words", "scene"),
    [
        (
            "a runner sprinting through rain-slick city streets at dawn",
            Scene("city", "dawn", "rain"),
        ),
        ("a sunset on the beach", Scene("beach", "sunset", None)),
        ("snowy mountains under a clear blue sky", Scene("mountains", "day", "snow")),
        ("una cocina luminosa al amanecer", Scene("kitchen", "dawn", None)),
        ("paseo por el bosque con niebla", Scene("forest", None, "fog")),
        ("ein Spaziergang im Wald bei Nebel", Scene("forest", None, "fog")),
        ("une plage au coucher du soleil", Scene("beach", "sunset", None)),
        ("dans la rue, la nuit, sous la pluie", Scene("city", "night", "rain")),
        ("Sonnenuntergang am Strand", Scene("beach", "sunset", None)),
        ("Schneebedeckte Berge im Nebel", Scene("mountains", None, "snow")),
        ("im Büro am Mittag", Scene("office", "day", None)),
        ("una spiaggia al tramonto", Scene("beach", "sunset", None)),
        ("夕阳下的海滩", Scene("beach", "sunset", None)),
        ("夜の街", Scene("city", "night", None)),
        ("해변에서 노을", Scene("beach", "sunset", None)),
        ("שקיעה בחוף", Scene("beach", "sunset", None)),
        ("في الصحراء عند الغروب", Scene("desert", "sunset", None)),
        ("the stadium lights at night", Scene("stadium", "night", None)),
        ("a bright gym", Scene("gym", None, None)),
        ("on a white background", Scene("studio", None, None)),
        ("an apple orchard in the morning", Scene("countryside", "day", None)),
        ("un olivar al amanecer", Scene("countryside", "dawn", None)),
        ("dans les vignobles sous la pluie", Scene("countryside", None, "rain")),
        ("ein Obstgarten bei Nebel", Scene("countryside", None, "fog")),
        ("a riverside path at golden hour", Scene("waterside", "golden", None)),
        ("au bord du lac, la nuit", Scene("waterside", "night", None)),
        ("im Hafen bei Regen", Scene("waterside", None, "rain")),
        ("湖畔的日落", Scene("waterside", "sunset", None)),
        ("a desert road at golden hour", Scene("desert", "golden", None, road=True)),
        ("a road through the forest", Scene("forest", road=True)),
        ("una carretera en la montaña", Scene("mountains", road=True)),
        ("on the open road", Scene("road")),
        # An ending on the first word of a phrase, not only on its last.
        ("am Fluss zur goldenen Stunde", Scene("waterside", "golden", None)),
        ("en las orillas del rio", Scene("waterside", None, None)),
        ("the USB-C port of the headphones", Scene()),
    ],
)
def test_scene_words_are_read_in_many_languages(words: str, scene: Scene) -> None:
    assert parse_scene(words) == scene


def test_colour_names_product_names_and_the_style_suffix_are_not_scenes() -> None:
    assert not parse_scene("Palette: midnight navy, forest green and snow white.").named
    assert not parse_scene("colours: sunset orange, sand, ocean blue").named
    prompt = "A close-up of the Sunset Night Cream. Style: golden hour, rain. Palette: navy."
    assert not parse_scene(prompt, ignore=("Sunset Night Cream",)).named


def test_a_new_prompt_sets_the_scene_and_is_not_mixed_with_an_old_place() -> None:
    old = "A runner sprints through rain-slick city streets at dawn."
    assert parse_scene("a sunset on the beach", old) == Scene("beach", "sunset", None)
    # a prompt that names only a time keeps the place the description names
    assert parse_scene("at night", "On the beach.") == Scene("beach", "night", None)


def test_weather_takes_an_indoor_beat_outside_and_a_snowstorm_is_snow() -> None:
    kitchen = "Breakfast in a sunlit kitchen."
    assert parse_scene("in the rain", kitchen) == Scene(None, None, "rain")
    assert parse_scene("at night", kitchen) == Scene("kitchen", "night", None)
    assert parse_scene("a snowstorm") == Scene(None, None, "snow")
    assert parse_scene("ein Schneesturm in den Bergen") == Scene("mountains", None, "snow")


# ------------------------------------------------------------------------- scene edits

BRIEF = "A 30s ad for TrailMax hiking boots, adventurous, for weekend hikers"


def _draw(spec: Spec, index: int, tmp: Path, prompt: str | None = None) -> tuple[str, np.ndarray]:
    """Memo key and pixels of beat ``index`` drawn by the offline image provider."""
    beat = spec.beats[index]
    req = ImageRequest(
        spec=spec, beat=beat, prompt=prompt or beat.image_prompt, size_px=(640, 360), seed=0
    )
    images = LocalImages()
    dst = tmp / f"{images.describe(req).key}.png"
    asyncio.run(images.draw(req, dst))
    with Image.open(dst) as img:
        return images.describe(req).key, np.asarray(img.convert("RGB"), dtype=np.int16)


SCENE_EDITS = [
    (None, "A sunset on the beach."),
    ("A hiker sprints through rain-slick city streets at dawn.", "A hiker on a snowy mountain."),
    ("Friends laugh in a forest at golden hour.", "Friends laugh in the desert at night."),
    ("Desayuno en la cocina al amanecer.", "Una noche en la ciudad bajo la lluvia."),
    ("Dans un bureau, en plein jour.", "Au stade, la nuit."),
    ("Training im Fitnessstudio.", "Am Strand bei Sonnenuntergang."),
    ("A hiker laces up the boots.", "The same moment, at night."),
]


@pytest.mark.parametrize(("before", "after"), SCENE_EDITS)
def test_a_scene_edit_redraws_that_beat_and_nothing_else(
    before: str | None, after: str, tmp_path: Path
) -> None:
    spec = plan_spec(BRIEF, 30.0, "16:9", 0)
    edited_beat = 3  # 1-based, as users say it
    if before is not None:
        spec = SetBeat(beat=edited_beat, description=before).apply(spec)
    edited = SetBeat(beat=edited_beat, description=after).apply(spec)
    drawn = {i: _draw(spec, i, tmp_path) for i in (edited_beat - 1, edited_beat)}
    redrawn = {i: _draw(edited, i, tmp_path) for i in (edited_beat - 1, edited_beat)}
    i = edited_beat - 1
    change = float(np.abs(drawn[i][1] - redrawn[i][1]).mean())
    assert change >= 20.0, f"{before!r} -> {after!r} changed beat {edited_beat} by {change:.1f}"
    assert drawn[i][0] != redrawn[i][0]
    # the next beat keeps its memo key, so it is not drawn again, and its pixels
    assert drawn[edited_beat][0] == redrawn[edited_beat][0]
    assert np.array_equal(drawn[edited_beat][1], redrawn[edited_beat][1])


def test_a_road_named_with_a_place_runs_across_that_place() -> None:
    """A desert road is the desert with dark asphalt from the horizon to the bottom edge, the
    sky above it untouched (before, the first place named won and the road was not drawn)."""
    spec = plan_spec(BRIEF, 30, "16:9", 0)
    beat = next(b for b in spec.beats if b.type == "hero_shot")
    sand, road = (
        np.asarray(render_storyboard_frame(spec, beat, (640, 360), 0, prompt=p).image, np.int16)
        for p in ("the desert at golden hour", "a desert road at golden hour")
    )
    bottom = (slice(-22, None), slice(128, 512))  # the road's widest part, under the product
    assert road[bottom].mean() < sand[bottom].mean() - 20, "no dark road across the sand"
    assert np.abs(road[:144] - sand[:144]).max() == 0, "the sky changed too"


def test_a_regenerate_prompt_redraws_the_beat_in_its_scene(tmp_path: Path) -> None:
    spec = plan_spec(BRIEF, 30.0, "16:9", 0)
    key, before = _draw(spec, 2, tmp_path)
    new_key, after = _draw(spec, 2, tmp_path, prompt="make it a sunset on the beach")
    assert new_key != key
    assert float(np.abs(before - after).mean()) >= 20.0


LIGHT_AND_WEATHER_BRIEFS = [
    "Kettle & Co. stainless steel kettle, cosy morning vibe",
    "Lumina vitamin C serum for glowing skin, elegant and minimal",
    "Voltix electric scooter for city commuters, energetic",
]
LIGHT_AND_WEATHER_PROMPTS = [
    "in the rain", "a snowstorm", "foggy", "at dawn", "golden hour", "at night", "at sunset",
]  # fmt: skip


@pytest.mark.parametrize("brief", LIGHT_AND_WEATHER_BRIEFS)
def test_a_time_of_day_or_weather_alone_makes_a_new_picture(brief: str) -> None:
    """The words name no place: the time's light and the weather still change the whole frame.

    Drawn as the same take (no reframing), so the change is the scene's own.
    """
    spec = plan_spec(brief, 15.0, "16:9", 0)
    beat = spec.beats[1]
    size_px = (480, 270)
    before = np.asarray(render_storyboard_frame(spec, beat, size_px, 0).image, dtype=np.int16)
    for prompt in LIGHT_AND_WEATHER_PROMPTS:
        frame = render_storyboard_frame(spec, beat, size_px, 0, prompt=prompt)
        after = np.asarray(frame.image, dtype=np.int16)
        change = float(np.abs(before - after).mean())
        assert change >= SCENE_MEAN_255, f"{prompt!r} changed {beat.type} by {change:.1f}/255"


# ------------------------------------------------------------------------------ products


@pytest.mark.parametrize(
    ("product", "kind"),
    [
        ("TrailMax hiking boots", "boot"),
        ("Glow Up lip balm", "cosmetic"),
        ("Bean & Leaf coffee", "coffee"),
        ("polarised sunglasses", "sunglasses"),
        ("zapatillas de running", "shoe"),
        ("Kabellose Kopfhörer", "headphones"),
        ("rouge à lèvres", "cosmetic"),
        ("Laufschuhe", "shoe"),
        ("無線イヤホン", "headphones"),
        ("保温杯", "cup"),
        ("保湿面霜", "jar"),
        ("大家都爱的运动鞋", "shoe"),
        ("自転車", "bike"),
        ("무선 헤드폰", "headphones"),
        ("בושם יוקרתי", "perfume"),
        ("عطر الورد", "perfume"),
        ("a leather backpack", "bag"),
        ("an e-bike", "bike"),
        ("a budgeting app", "app_screen"),
        ("scented candles", "candle"),
        ("a carry-on suitcase", "suitcase"),
        ("sourdough bread", "pastry"),
        ("Concert tickets", "box"),
    ],
)
def test_the_product_words_pick_an_archetype_in_any_language(product: str, kind: str) -> None:
    assert product_kind(product) == kind


def test_every_category_the_planner_may_set_has_a_drawing() -> None:
    assert set(getattr(agent.spec, "CATEGORIES", ())) <= set(ARCHETYPES)


def test_the_spec_category_wins_over_the_product_words() -> None:
    assert product_kind("Aurora", "sunglasses") == "sunglasses"
    assert product_kind("Aurora running shoes", "bag") == "bag"
    assert product_kind("Aurora running shoes", "no-such-category") == "shoe"


def test_at_least_twenty_archetypes_each_its_own_drawing() -> None:
    """Each pair differs in silhouette, or (a phone and an app screen) in what is drawn."""
    assert len(ARCHETYPES) >= 20
    pal = _Palette.of(["#2b59c3", "#f2c14e", "#f78154", "#4d9078"])
    masks, pictures = {}, {}
    for kind in ARCHETYPES:  # each drawing at its own aspect ratio, centred in a square
        layer = _product_layer(kind, 96, pal)
        side = max(layer.size)
        square = Image.new("RGB", (side, side), (128, 128, 128))
        square.paste(layer, ((side - layer.width) // 2, (side - layer.height) // 2), layer)
        alpha = Image.new("L", (side, side), 0)
        alpha.paste(layer.getchannel("A"), ((side - layer.width) // 2, (side - layer.height) // 2))
        masks[kind] = np.asarray(alpha.resize((96, 96))) > 40
        pictures[kind] = np.asarray(square.resize((96, 96)), dtype=np.int16)
    for a, b in itertools.combinations(ARCHETYPES, 2):
        iou = (masks[a] & masks[b]).sum() / (masks[a] | masks[b]).sum()
        diff = float(np.abs(pictures[a] - pictures[b]).mean())
        assert iou < 0.85 or diff > 15, f"{a} and {b} look alike ({iou:.2f}, {diff:.1f})"


@pytest.mark.parametrize("kind", ARCHETYPES)
def test_every_archetype_renders_in_every_aspect(kind: str) -> None:
    spec = plan_spec("A 20s ad for the Aurora product", 20.0, "16:9", 0)
    spec = spec.model_copy(update={"category": kind})
    beat = next(b for b in spec.beats if b.type in ("hero_shot", "product_reveal"))
    for size_px in ((320, 180), (180, 320), (240, 240)):
        img = render_storyboard_frame(spec, beat, size_px, 0).image
        assert img.size == size_px


# ---------------------------------------------------------------------------- scripts

SAME_LENGTH = {
    "zh": ("跑得更远", "今天就买"),
    "ja": ("走り続けろ", "今すぐ買う"),
    "ko": ("더멀리달려", "지금구매해"),
    "arabic": ("اركض أبعد", "تسوق الآن"),
    "hebrew": ("רוץ רחוק", "קנה עכשי"),
}


def _ink(text: str) -> np.ndarray:
    img = Image.new("L", (900, 200), 0)
    draw_line(ImageDraw.Draw(img), (450, 100), text, 60, (255,))
    return np.asarray(img) > 128


@pytest.mark.parametrize("face", SAME_LENGTH)
def test_non_latin_text_is_drawn_with_its_own_glyphs_not_boxes(face: str) -> None:
    first, second = SAME_LENGTH[face]
    layout = layout_text(first, (1280, 720))
    assert layout.face == face
    assert "".join(layout.lines).replace(" ", "") == first.replace(" ", "")
    # "missing" boxes look alike whatever the letter: two different texts would draw alike
    a, b = _ink(first), _ink(second)
    assert a.sum() > 500 and b.sum() > 500
    assert (a ^ b).sum() > 0.3 * (a | b).sum()


def test_hebrew_runs_right_to_left_and_its_numbers_left_to_right() -> None:
    alef, bet = _ink("א"), _ink("ב")
    line = _ink("אב")

    def left_column(mask: np.ndarray) -> int:
        return int(np.argmax(mask.any(axis=0)))

    # in "אב" the first letter, alef, is on the right: the left end is bet's
    assert line[:, left_column(line) : left_column(line) + 8].sum() > 0
    shift = left_column(line) - left_column(bet)
    overlap_bet = (np.roll(bet, shift, axis=1) & line).sum() / bet.sum()
    overlap_alef = (np.roll(alef, shift, axis=1) & line).sum() / alef.sum()
    assert overlap_bet > 0.9 > overlap_alef
    digits = _ink("12")
    assert (_ink("הנחה 12") & digits).sum() < digits.sum()  # moved aside, not overdrawn
    assert layout_text("הנחה 50%", (1280, 720)).lines == ("הנחה 50%",)


def test_arabic_letters_are_joined() -> None:
    joined, apart = _ink("بببب"), _ink("ب\u200cب\u200cب\u200cب")  # ZWNJ stops joining
    assert (joined ^ apart).sum() > 0.2 * joined.sum()


@pytest.fixture
def no_system_fonts(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    caches = (text_module._face_path, text_module._font, text_module._has_glyph)
    for cache in caches:
        cache.cache_clear()
    monkeypatch.setattr(text_module, "_FONT_DIRS", ())
    yield
    monkeypatch.undo()
    for cache in caches:
        cache.cache_clear()


@pytest.mark.usefixtures("no_system_fonts")
def test_a_missing_font_is_named_in_a_warning_and_never_drawn_as_boxes(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING):
        layout = layout_text("跑得更远 Run", (1280, 720))
    warnings = [r.getMessage() for r in caplog.records if "fonts-noto-cjk" in r.getMessage()]
    assert len(warnings) == 1 and "\n" not in warnings[0]
    assert layout.lines == ("Run",)


def test_a_long_brand_name_in_any_script_fits_the_end_card() -> None:
    spec = plan_spec("A 20s ad for Aurora headphones", 20.0, "9:16", 0)
    spec = spec.model_copy(update={"brand": "ワイヤレスイヤホン「Oto」の広告、夕焼けの海辺で"})
    end_card = next(b for b in spec.beats if b.type == "logo_end_card")
    bare = spec.model_copy(update={"brand": "\u200b"})
    for size_px in ((720, 1280), (1280, 720)):
        named = np.asarray(render_storyboard_frame(spec, end_card, size_px, 0).image, np.int16)
        plain = np.asarray(render_storyboard_frame(bare, end_card, size_px, 0).image, np.int16)
        changed = np.abs(named - plain).sum(axis=2) > 60
        columns = np.flatnonzero(changed.any(axis=0))
        assert columns.size, "the name is drawn"
        margin = size_px[0] // 10  # the title-safe area
        assert columns[0] >= margin and columns[-1] < size_px[0] - margin


def test_another_take_is_framed_anew_under_the_same_text() -> None:
    # "regenerate beat 2" with no new words: the retake must visibly differ, every take.
    spec = plan_spec("Energetic ad for a ceramic mug", 8.0, "16:9", seed=0)
    for beat in spec.beats:
        first = np.asarray(render_storyboard_frame(spec, beat, (640, 360), 0).image, float)
        for take in (1, 2):
            seed = (7919 * take) % 2**31
            frame = render_storyboard_frame(spec, beat, (640, 360), seed, take=take)
            again = render_storyboard_frame(spec, beat, (640, 360), seed, take=take)
            assert frame.image.tobytes() == again.image.tobytes()  # still deterministic
            change = np.abs(np.asarray(frame.image, float) - first).mean()
            assert change >= 2.0, (beat.type, take, change)


MID_AD = ("product_reveal", "feature_highlight", "social_proof", "offer", "call_to_action")


def test_the_product_beats_are_drawn_in_the_setting_the_brief_names() -> None:
    # "on the beach at sunset": the reveal, features, proof, offer and call to action show the
    # product there, not on the dark backdrop they get when the brief names no setting.
    brief = "Aurora headphones, now $199, code AUR10, {}30 seconds"
    seen = set()
    for seed in range(4):
        set_there = plan_spec(brief.format("on the beach at sunset, "), 45.0, "16:9", seed)
        nowhere = plan_spec(brief.format(""), 45.0, "16:9", seed)
        for beat, plain in zip(set_there.beats, nowhere.beats, strict=True):
            if beat.type not in MID_AD or beat.type != plain.type or beat.type in seen:
                continue
            seen.add(beat.type)
            assert beat_scene(set_there, beat) == Scene("beach", "sunset", None), beat.type
            there = render_storyboard_frame(set_there, beat, (640, 360), 0).image
            void = render_storyboard_frame(nowhere, plain, (640, 360), 0).image
            change = np.abs(np.asarray(there, float) - np.asarray(void, float)).mean()
            assert change >= 20.0, (beat.type, change)
    assert seen == set(MID_AD)


def test_the_offer_puts_the_price_on_a_tag_beside_the_product() -> None:
    spec = plan_spec("Aurora headphones, now $199, 20 seconds", 20.0, "16:9", 0)
    offer = next(b for b in spec.beats if b.type == "offer")
    frame = render_storyboard_frame(spec, offer, (1280, 720), 0)
    assert " ".join(frame.text.lines) == "Now $199"
    x0, y0, x1, y1 = frame.text.box_px
    tag = np.asarray(frame.image.crop((x0, y0, x1, y1)), float)
    yellowish = (tag[..., 0] > 180) & (tag[..., 1] > 140) & (tag[..., 2] < 120)
    assert yellowish.mean() > 0.4  # the words sit on the tag
    assert x0 > 1280 * 0.45  # beside the product, which stands on the left


@pytest.mark.parametrize("name", ["飞跃", "ヤマ", "VELOZ", "עוז", "نور", "Bean & Leaf"])
def test_the_end_card_name_fills_its_title_band_in_any_script(name: str) -> None:
    spec = plan_spec("A 20s ad for Aurora headphones", 20.0, "16:9", 0)
    end_card = next(b for b in spec.beats if b.type == "logo_end_card")
    w, h = size_px = (1280, 720)
    named = spec.model_copy(update={"brand": name})
    bare = spec.model_copy(update={"brand": name[0] + "\u200b"})  # the same mark, no name
    a = np.asarray(render_storyboard_frame(named, end_card, size_px, 0).image, float)
    b = np.asarray(render_storyboard_frame(bare, end_card, size_px, 0).image, float)
    rows = np.flatnonzero((np.abs(a - b).sum(axis=2) > 60).any(axis=1))
    assert rows.size
    ink_h = rows[-1] - rows[0] + 1
    assert ink_h >= 0.06 * min(w, h), (name, ink_h)  # a band of 0.085 of the short side


def test_the_social_proof_card_draws_its_stars_once() -> None:
    spec = plan_spec("A 30s ad for TrailMax hiking boots", 30.0, "16:9", 0)
    beat = spec.beats[3].model_copy(
        update={"type": "social_proof", "on_screen_text": "“Best boots I own” ★★★★★"}
    )
    frame = render_storyboard_frame(spec, beat, (640, 360), 0)
    assert " ".join(frame.text.lines) == "“Best boots I own”"  # the card draws the rating


def test_the_detail_closeup_is_a_macro_of_the_product_not_a_stand_in() -> None:
    """Each archetype's close-up is its own picture, and shows more of it than the hero shot."""
    spec = plan_spec("A 30s ad for TrailMax hiking boots", 30.0, "16:9", 0)
    beat = spec.beats[3].model_copy(update={"type": "detail_closeup", "on_screen_text": ""})
    size_px = (480, 270)
    frames = {
        kind: np.asarray(
            render_storyboard_frame(
                spec.model_copy(update={"category": kind}), beat, size_px, 0
            ).image,
            dtype=np.int16,
        )
        for kind in ("boot", "bottle", "watch", "garment", "pastry", "phone")
    }
    for (a, x), (b, y) in itertools.combinations(frames.items(), 2):
        change = float(np.abs(x - y).mean())
        assert change >= 10.0, f"the {a} and {b} close-ups differ by {change:.1f}/255 only"
