"""The offline storyboard renderer: sizes, determinism, compositions, palette, safe areas."""

from __future__ import annotations

import itertools
from functools import cache

import numpy as np
import pytest
from PIL import Image

from agent.providers.local.storyboard import (
    StoryboardFrame,
    layout_text,
    product_kind,
    render_storyboard_frame,
    title_safe_box,
)
from agent.providers.local.storyboard.text import _FONT_FILE, _has_glyph
from agent.spec import (
    ASPECT_SIZE_PX,
    BEAT_LIBRARY,
    BEAT_TYPES,
    Beat,
    BeatType,
    MusicBrief,
    Spec,
    Style,
    retile,
)
from tests.measure import PHOTO_RGB, photo_share

SIZES_PX = list(ASPECT_SIZE_PX.values())
PALETTE = ("#2b59c3", "#f2c14e", "#f78154", "#4d9078")
LIGHT_PALETTE = ("#f4efe9", "#b2364a", "#3d2c2e")
#: 60 characters, the longest on-screen text a beat may carry.
LONG_TEXT = "Forty-two percent lighter soles for every single run you do!"


def make_spec(
    text: str = "Run further",
    palette: tuple[str, ...] = PALETTE,
    product: str = "trail running sneakers",
) -> Spec:
    """A valid spec with one 2-second beat of each of the 15 types, in library order."""
    beats = retile(
        [
            Beat(
                index=0,
                type=t,
                start_s=0.0,
                duration_s=2.0,
                description=f"A {t} beat.",
                image_prompt=f"{t} frame",
                motion_prompt="slow move",
                camera=BEAT_LIBRARY[t].camera,
                on_screen_text=text,
            )
            for t in BEAT_TYPES
        ]
    )
    return Spec(
        title="Trail launch",
        product=product,
        brand="Stride",
        audience="weekend runners",
        style=Style(
            palette=list(palette), mood="energetic", lighting="soft daylight", camera="fast cuts"
        ),
        music=MusicBrief(mood="upbeat", tempo_bpm=120, key="A minor", instruments=["drums"]),
        duration_s=2.0 * len(beats),
        beats=beats,
    )


def beat_of(spec: Spec, beat_type: BeatType) -> Beat:
    return next(b for b in spec.beats if b.type == beat_type)


@cache
def frame(
    beat_type: BeatType,
    size_px: tuple[int, int] = (1280, 720),
    text: str = "Run further",
    palette: tuple[str, ...] = PALETTE,
    seed: int = 1,
) -> StoryboardFrame:
    """One rendered frame, cached: several tests look at the same frames."""
    spec = make_spec(text, palette)
    return render_storyboard_frame(spec, beat_of(spec, beat_type), size_px, seed)


def pixels(img: Image.Image) -> np.ndarray:
    return np.asarray(img, dtype=np.int16)


def inside(box: tuple[int, int, int, int], outer: tuple[int, int, int, int]) -> bool:
    return outer[0] <= box[0] and outer[1] <= box[1] and box[2] <= outer[2] and box[3] <= outer[3]


@pytest.mark.parametrize("size_px", SIZES_PX)
def test_every_beat_type_renders_an_rgb_frame_of_the_requested_size(
    size_px: tuple[int, int],
) -> None:
    for beat_type in BEAT_TYPES:
        img = frame(beat_type, size_px).image
        assert img.mode == "RGB"
        assert img.size == size_px


def test_same_seed_gives_identical_pixels_and_another_seed_changes_them() -> None:
    spec = make_spec()
    for beat in spec.beats:
        first = frame(beat.type).image.tobytes()
        again = render_storyboard_frame(spec, beat, (1280, 720), seed=1).image.tobytes()
        other = render_storyboard_frame(spec, beat, (1280, 720), seed=2).image.tobytes()
        assert first == again, beat.type
        assert first != other, beat.type


def test_each_beat_type_has_its_own_composition() -> None:
    small = {t: pixels(frame(t).image.resize((160, 90))) for t in BEAT_TYPES}
    for a, b in itertools.combinations(BEAT_TYPES, 2):
        mean_abs_diff = float(np.abs(small[a] - small[b]).mean())
        assert mean_abs_diff > 8.0, f"{a} and {b} look alike ({mean_abs_diff:.1f})"


def test_end_card_sits_on_the_palette_base_colour() -> None:
    img = frame("logo_end_card").image
    base = np.array([0x2B, 0x59, 0xC3])
    near_base = np.linalg.norm(pixels(img) - base, axis=2) < 24
    assert near_base.mean() > 0.5


def test_changing_the_base_colour_recolours_every_frame() -> None:
    red_base = np.array([0xB2, 0x22, 0x22])
    for beat_type in BEAT_TYPES:
        means = [
            pixels(frame(beat_type, palette=p).image).reshape(-1, 3).mean(axis=0)
            for p in (PALETTE, ("#b22222", *PALETTE[1:]))
        ]
        dist_blue, dist_red = (float(np.linalg.norm(m - red_base)) for m in means)
        assert dist_red < dist_blue - 10, beat_type


@pytest.mark.parametrize("size_px", SIZES_PX)
def test_long_text_stays_inside_the_title_safe_area(size_px: tuple[int, int]) -> None:
    """Every pixel the text changes (ink, shadow, plate) lies in the central 80 %."""
    w, h = size_px
    left, top, right, bottom = safe = title_safe_box(size_px)
    outside = [(0, 0, w, top), (0, bottom, w, h), (0, top, left, bottom), (right, top, w, bottom)]
    for beat_type in BEAT_TYPES:
        with_text, bare = frame(beat_type, size_px, LONG_TEXT), frame(beat_type, size_px, "")
        assert with_text.text.lines, beat_type
        assert inside(with_text.text.box_px, safe), (beat_type, with_text.text.box_px, safe)
        assert with_text.image.tobytes() != bare.image.tobytes(), beat_type
        for band in outside:
            assert with_text.image.crop(band).tobytes() == bare.image.crop(band).tobytes(), (
                beat_type,
                band,
            )


def test_text_contrasts_with_what_is_behind_it() -> None:
    """The ink differs strongly in luminance from the frame under it, light or dark palette."""
    for palette in (PALETTE, LIGHT_PALETTE):
        for beat_type in BEAT_TYPES:
            with_text = frame(beat_type, palette=palette)
            bare = frame(beat_type, text="", palette=palette)
            box = with_text.text.box_px
            luma = [pixels(f.image.crop(box).convert("L")) for f in (with_text, bare)]
            ink = np.abs(luma[0] - luma[1]) > 60
            assert ink.sum() > 200, beat_type
            assert float(np.abs(luma[0][ink] - luma[1][ink]).mean()) > 90, beat_type


@pytest.mark.parametrize("size_px", SIZES_PX)
def test_layout_wraps_and_shrinks_to_fit_a_small_region(size_px: tuple[int, int]) -> None:
    w, h = size_px
    region = (w // 3, h // 3, w // 3 + w // 4, h // 3 + h // 10)
    layout = layout_text(LONG_TEXT, size_px, region, max_font_px=200)
    assert len(layout.lines) > 1
    assert layout.font_px < 200
    assert inside(layout.box_px, region)


def test_layout_clips_a_region_that_spills_outside_the_safe_area() -> None:
    size_px = (720, 1280)
    layout = layout_text(LONG_TEXT, size_px, (-500, -500, 5000, 5000))
    assert inside(layout.box_px, title_safe_box(size_px))


def test_layout_breaks_a_word_longer_than_the_line() -> None:
    size_px = (720, 1280)
    layout = layout_text("W" * 60, size_px)
    assert len(layout.lines) > 1
    assert "".join(layout.lines) == "W" * 60
    assert inside(layout.box_px, title_safe_box(size_px))


def test_empty_text_has_no_lines() -> None:
    assert layout_text("  ", (1280, 720)).lines == ()


@pytest.mark.parametrize("text", ["Café crème", "Ñandú Über", "Кофе", "Καφές"])
def test_latin_accents_greek_and_cyrillic_are_drawn_as_written(text: str) -> None:
    assert layout_text(text, (1280, 720)).lines == (text,)
    # drawn with their own glyphs (DejaVu Sans): no letter comes out as the "missing" box
    assert _FONT_FILE is not None and _FONT_FILE.name == "DejaVuSans-Bold.ttf"
    assert all(_has_glyph(ch) for ch in text), text
    assert not _has_glyph("日"), "the check itself can fail: DejaVu has no CJK"


def test_an_accent_changes_the_pixels() -> None:
    plain, accented = (frame("hook", (1280, 720), t) for t in ("Cafe creme", "Café crème"))
    assert plain.image.tobytes() != accented.image.tobytes()


@pytest.mark.parametrize(
    "text", ["日本語のキャッチコピーです", "Бегите дальше", "اركض أبعد", "Ünïcödé ✓ 🚀 — “ok”"]
)
def test_non_latin_text_renders_inside_the_safe_area(text: str) -> None:
    for size_px in SIZES_PX:
        for beat_type in ("hook", "call_to_action"):
            f = frame(beat_type, size_px, text)
            assert f.image.size == size_px
            assert f.text.lines
            assert inside(f.text.box_px, title_safe_box(size_px))


def test_title_safe_box_is_the_central_80_percent() -> None:
    assert title_safe_box((1280, 720)) == (128, 72, 1152, 648)
    assert title_safe_box((720, 1280)) == (72, 128, 648, 1152)
    assert title_safe_box((1080, 1080)) == (108, 108, 972, 972)


@pytest.mark.parametrize(
    ("product", "kind"),
    [
        ("Trail running sneakers", "shoe"),
        ("TrailMax hiking boots", "boot"),
        ("Eau de parfum, 50 ml perfume", "perfume"),
        ("Cold brew coffee", "coffee"),
        ("A budget Android phone", "phone"),
        ("Titanium dive watch", "watch"),
        ("Electric family car", "car"),
        ("Noise-cancelling headphones", "headphones"),
        ("Cardigan knitted from merino", "garment"),
        ("Glow Up lip balm", "cosmetic"),
        ("Polarised sunglasses", "sunglasses"),
        ("zapatillas de running", "shoe"),
        ("Kabellose Kopfhörer", "headphones"),
        ("rouge à lèvres mat", "cosmetic"),
        ("Concert tickets", "box"),
    ],
)
def test_product_kind_picks_a_silhouette_from_keywords(product: str, kind: str) -> None:
    assert product_kind(product) == kind


@pytest.mark.parametrize(
    "product", ["sneakers", "perfume", "phone", "watch", "car", "headphones", "meal kit"]
)
def test_every_product_silhouette_renders_in_every_aspect(product: str) -> None:
    spec = make_spec(product=product)
    for size_px, beat_type in zip(
        SIZES_PX, ("product_reveal", "hero_shot", "feature_highlight"), strict=True
    ):
        img = render_storyboard_frame(spec, beat_of(spec, beat_type), size_px, seed=0).image
        assert img.size == size_px


@pytest.mark.parametrize("beat_type", ["product_reveal", "hero_shot", "offer"])
def test_a_product_photo_stands_in_for_the_drawn_product(beat_type: BeatType) -> None:
    spec = make_spec()
    beat = beat_of(spec, beat_type)
    photo = Image.new("RGB", (400, 300), PHOTO_RGB)
    with_photo = render_storyboard_frame(spec, beat, (1280, 720), 1, photo).image
    assert photo_share(frame(beat_type).image) < 0.001
    assert photo_share(with_photo) > 0.03, beat_type
    # still deterministic, and the same size whatever the photo's
    assert (
        with_photo.tobytes()
        == render_storyboard_frame(spec, beat, (1280, 720), 1, photo).image.tobytes()
    )
    tall = render_storyboard_frame(
        spec, beat, (720, 1280), 1, Image.new("RGB", (300, 600), PHOTO_RGB)
    ).image
    assert tall.size == (720, 1280) and photo_share(tall) > 0.01
