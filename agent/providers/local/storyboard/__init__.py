"""Offline storyboard renderer: one designed animatic frame per beat, drawn with Pillow.

Each of the 15 beat types has its own composition (see ``BeatKind.composition`` in
:mod:`agent.spec`, :mod:`.compositions`), coloured from the spec's palette, with a drawing of
the product's archetype (:mod:`.product`: the spec's category, else the product's words). The
beat's words set the scene under the composition (:mod:`.scene`: a beach at sunset, a city
street in the rain at dawn, a kitchen), in English, Spanish, French, German, Italian,
Portuguese, Chinese or Japanese (:mod:`.lexicon`). On-screen text in any script is shaped with
a font that has its glyphs and fitted inside the title-safe area, the central 80 % of width
and height (SMPTE ST 2046-1, EBU R 95) (:mod:`.text`). The frame carries no panel labels: it
becomes the first frame of the beat's video, so beat numbers belong to the UI that shows the
storyboard. Rendering is deterministic for a given ``(spec, beat, prompt, size_px, seed)``.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from PIL import Image

from agent.providers.local.storyboard.colour import _Palette, _rgb
from agent.providers.local.storyboard.compositions import _COMPOSERS, _LIGHTING, _Ctx
from agent.providers.local.storyboard.paint import _vignette
from agent.providers.local.storyboard.product import ARCHETYPES, product_kind
from agent.providers.local.storyboard.scene import (
    INDOOR,
    Scene,
    paint_scene,
    parse_scene,
    time_light,
    weather,
)
from agent.providers.local.storyboard.text import (
    TextLayout,
    _draw_text,
    action_safe_box,
    layout_text,
    title_safe_box,
)
from agent.spec import Beat, Spec

#: A rating written as stars ("★★★★★", "★★★★☆", "⭐⭐⭐"), which the social-proof beat draws.
_RATING = re.compile(r"[\u2605\u2606\u2b50\ufe0f]+")

__all__ = [
    "ARCHETYPES",
    "Scene",
    "StoryboardFrame",
    "TextLayout",
    "action_safe_box",
    "beat_scene",
    "layout_text",
    "parse_scene",
    "product_kind",
    "render_storyboard_frame",
    "title_safe_box",
]


@dataclass(frozen=True)
class StoryboardFrame:
    """A rendered storyboard frame and where its on-screen text went.

    Attributes:
        image: RGB image of the requested size.
        text: layout of ``beat.on_screen_text`` (no lines if the text is empty).
    """

    image: Image.Image
    text: TextLayout


def beat_scene(spec: Spec, beat: Beat, prompt: str | None = None) -> Scene:
    """The scene a beat's words describe: the user's prompt first, then the beat's own words.

    Args:
        spec: the spec (its product and brand names are not scene words).
        beat: the beat; its image prompt and description are read.
        prompt: a prompt that replaces the beat's image prompt (a user's regenerate prompt).

    Returns:
        The place, time of day and weather named, None where nothing is.
    """
    texts = [beat.image_prompt, beat.description]
    if prompt and prompt != beat.image_prompt:
        texts.insert(0, prompt)
    return parse_scene(*texts, ignore=(spec.product, spec.brand))


def render_storyboard_frame(
    spec: Spec,
    beat: Beat,
    size_px: tuple[int, int],
    seed: int,
    photo: Image.Image | None = None,
    prompt: str | None = None,
    take: int = 0,
) -> StoryboardFrame:
    """Render one beat's storyboard frame offline and report the text layout.

    The frame depends only on the spec's style, product, category and brand, the beat's
    index (through the seed), type, words (its scene) and on-screen text, ``prompt``,
    ``size_px``, ``seed`` and ``photo``; not on timing.

    Args:
        spec: the ad spec (palette, lighting, product, brand).
        beat: the beat to draw; its type picks the composition.
        size_px: (width, height) in pixels, e.g. (1280, 720), (720, 1280), (1080, 1080).
        seed: variation seed; the same inputs give identical pixels.
        photo: a product photo; compositions that show the product show it instead of a
            drawn silhouette of the product's kind.
        prompt: the user's prompt for this beat, read for its scene before the beat's own
            image prompt and description.
        take: how many times the user asked for another take (0: the first). A retake is
            shot anew, as a camera operator would: the picture is reframed (pushed in 12-30 %
            towards another point of the frame) under the same text, so it visibly differs
            and keeps the beat's words.

    Returns:
        The frame and its text layout.
    """
    rng = random.Random(f"{seed}:{beat.index}:{beat.type}")
    img = Image.new("RGB", size_px, _rgb(spec.style.palette[0]))
    pal = _Palette.of(spec.style.palette)
    scene = beat_scene(spec, beat, prompt)
    ground_y = None
    if scene.named:
        ground_y = paint_scene(img, scene, pal, random.Random(f"{seed}:{beat.index}:scene"))
    ctx = _Ctx(
        img,
        pal,
        rng,
        product_kind(spec.product, spec.category),
        spec.brand or spec.product,
        photo,
        ground_y,
    )
    region, font_px = _COMPOSERS[beat.type](ctx)
    if scene.weather is not None and scene.place not in INDOOR:
        weather(img, scene.weather, random.Random(f"{seed}:{beat.index}:weather"))
    time_light(img, scene)
    lighting = spec.style.lighting.lower()
    extra_vignette = 0.0
    for words, colour, opacity, vig in _LIGHTING:
        if any(word in lighting for word in words):
            if opacity:
                img.paste(Image.blend(img, Image.new("RGB", size_px, colour), opacity))
            extra_vignette += vig
    if take:
        _reframe(img, random.Random(f"{seed}:{beat.index}:take:{take}"))
    _vignette(img, 0.3 + extra_vignette)
    text = beat.on_screen_text
    if beat.type == "social_proof":  # the composition draws the rating: stars once, not twice
        text = " ".join(_RATING.sub(" ", text).split())
    layout = layout_text(text, size_px, region, font_px)
    _draw_text(img, layout)
    return StoryboardFrame(img, layout)


def _reframe(img: Image.Image, rng: random.Random) -> None:
    """Push in on the picture towards a point the seed picks (a retake's new framing), in place.

    The zoom is 1.12-1.30x and the crop stays inside the frame, so no edge is invented.
    """
    w, h = img.size
    zoom = rng.uniform(1.12, 1.30)
    cw, ch = round(w / zoom), round(h / zoom)
    x0, y0 = round(rng.random() * (w - cw)), round(rng.random() * (h - ch))
    img.paste(img.crop((x0, y0, x0 + cw, y0 + ch)).resize((w, h), Image.Resampling.BICUBIC))
