"""Offline storyboard renderer: one designed animatic frame per beat, drawn with Pillow.

Each of the 15 beat types has its own composition (see ``BeatKind.composition`` in
:mod:`agent.spec`), coloured from the spec's palette, with a product silhouette picked from
keywords in ``spec.product``. On-screen text is wrapped and shrunk to lie entirely inside the
title-safe area, the central 80 % of width and height (SMPTE ST 2046-1, EBU R 95). The frame
carries no panel labels: it becomes the first frame of the beat's video, so beat numbers belong
to the UI that shows the storyboard. Rendering is deterministic for a given
``(spec, beat, size_px, seed)`` and takes a few tens of milliseconds per 1280x720 frame.
"""

from __future__ import annotations

import importlib.util
import math
import random
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from agent.spec import Beat, BeatType, Spec

RGB = tuple[int, int, int]
#: A pixel box (left, top, right, bottom); right and bottom are exclusive.
Box = tuple[int, int, int, int]

_WHITE: RGB = (250, 250, 247)
_BLACK: RGB = (14, 14, 18)
_MIN_FONT_PX = 10


# ---------------------------------------------------------------------------------- colour


def _rgb(hex_colour: str) -> RGB:
    return (int(hex_colour[1:3], 16), int(hex_colour[3:5], 16), int(hex_colour[5:7], 16))


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    """Blend ``a`` towards ``b`` by ``t`` in [0, 1]."""
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def _luminances(rgb: np.ndarray) -> np.ndarray:
    """Relative luminance in [0, 1] of sRGB colours, shape (..., 3) -> (...) (WCAG 2.x)."""
    v = rgb.astype(np.float32) / 255
    lin = np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)
    return np.asarray(lin @ np.array([0.2126, 0.7152, 0.0722], np.float32))


def _luminance(c: RGB) -> float:
    """Relative luminance in [0, 1] of one sRGB colour (WCAG 2.x)."""
    return float(_luminances(np.array(c)))


def _contrast(a: float, b: float) -> float:
    """WCAG contrast ratio (1-21) between two relative luminances."""
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


def _grey(c: RGB, t: float) -> RGB:
    """Desaturate ``c`` by ``t`` in [0, 1]."""
    y = round(0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2])
    return _mix(c, (y, y, y), t)


def _rgba(c: RGB, alpha: float) -> tuple[int, int, int, int]:
    return (*c, round(255 * alpha))


@dataclass(frozen=True)
class _Palette:
    base: RGB
    accent: RGB
    support: RGB
    extra: RGB

    @classmethod
    def of(cls, colours: list[str]) -> _Palette:
        cs = [_rgb(c) for c in colours]
        return cls(cs[0], cs[1], cs[2], cs[3] if len(cs) > 3 else _mix(cs[1], cs[2], 0.5))

    @property
    def dark(self) -> RGB:
        return _mix(self.base, _BLACK, 0.4)

    @property
    def light(self) -> RGB:
        return _mix(self.base, _WHITE, 0.88)

    @property
    def body(self) -> RGB:
        """Product body colour: a supporting tone that stands out from the base."""
        lb = _luminance(self.base)
        for c in (self.support, self.extra, self.accent):
            if _contrast(_luminance(c), lb) >= 2.0:
                return c
        return self.light if lb < 0.4 else self.dark


# ----------------------------------------------------------------------------- safe areas


def title_safe_box(size_px: tuple[int, int]) -> Box:
    """The title-safe area: the central 80 % of width and height.

    Args:
        size_px: frame size (width, height) in pixels.

    Returns:
        (left, top, right, bottom) in pixels, right and bottom exclusive. Source: SMPTE ST
        2046-1 and EBU R 95 (title-safe 80 %, action-safe 90 %).
    """
    w, h = size_px
    dx, dy = round(w * 0.1), round(h * 0.1)
    return (dx, dy, w - dx, h - dy)


def action_safe_box(size_px: tuple[int, int]) -> Box:
    """The action-safe area: the central 90 % of width and height (SMPTE ST 2046-1).

    Args:
        size_px: frame size (width, height) in pixels.

    Returns:
        (left, top, right, bottom) in pixels, right and bottom exclusive.
    """
    w, h = size_px
    dx, dy = round(w * 0.05), round(h * 0.05)
    return (dx, dy, w - dx, h - dy)


# ----------------------------------------------------------------------------------- text


def _dejavu_bold() -> Path | None:
    """DejaVu Sans Bold as shipped in matplotlib's wheel (found without importing matplotlib).

    DejaVu covers Latin with its accents, Greek and Cyrillic (dejavu-fonts.github.io); None if
    the file is missing, and the text falls back to Pillow's ASCII-only font.
    """
    spec = importlib.util.find_spec("matplotlib")
    for root in (spec.submodule_search_locations or []) if spec else []:
        path = Path(root) / "mpl-data" / "fonts" / "ttf" / "DejaVuSans-Bold.ttf"
        if path.is_file():
            return path
    return None


_FONT_FILE = _dejavu_bold()


@lru_cache(maxsize=64)
def _font(size_px: int) -> ImageFont.FreeTypeFont:
    if _FONT_FILE is not None:
        return ImageFont.truetype(str(_FONT_FILE), size_px)
    font = ImageFont.load_default(size=size_px)
    assert isinstance(font, ImageFont.FreeTypeFont)  # Pillow >= 10.1 built with FreeType
    return font


_NOTDEF = "\U0010fffd"
_ASCII_LOOKALIKES = str.maketrans(
    {
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u201e": '"',
        "\u201a": "'",
        "\u2022": "\u00b7",
    }
)


@lru_cache(maxsize=4096)
def _has_glyph(ch: str) -> bool:
    """Whether the default font draws ``ch`` as something other than its "missing" box."""
    font = _font(20)

    def ink(c: str) -> bytes:
        im = Image.new("L", (40, 40), 0)
        ImageDraw.Draw(im).text((4, 4), c, fill=255, font=font)
        return im.tobytes()

    return ch.isspace() or ink(ch) != ink(_NOTDEF)


def _displayable(text: str) -> str:
    """``text`` with glyphs the font lacks replaced by look-alikes.

    DejaVu Sans draws Latin, Greek and Cyrillic; CJK and Arabic it lacks stay and render as
    boxes. Without DejaVu, Pillow's bundled font (Aileron) covers ASCII only, and accented
    Latin loses its accents ("dès" -> "des").
    """
    out = []
    for ch in text:
        if _has_glyph(ch):
            out.append(ch)
            continue
        alike = ch.translate(_ASCII_LOOKALIKES)
        base = "".join(c for c in unicodedata.normalize("NFKD", alike) if c.isascii())
        out.append(base or alike)
    return "".join(out)


@dataclass(frozen=True)
class TextLayout:
    """Where on-screen text goes.

    Attributes:
        lines: the wrapped lines, top to bottom (empty for no text).
        font_px: font size in pixels.
        origins_px: (x, y) of each line's left ascender point (Pillow anchor ``"la"``).
        box_px: (left, top, right, bottom) pixel box enclosing the ink of all lines.
    """

    lines: tuple[str, ...]
    font_px: int
    origins_px: tuple[tuple[int, int], ...]
    box_px: Box


def _width(font: ImageFont.FreeTypeFont, text: str) -> float:
    """Ink or advance width of ``text``, whichever is wider, in pixels."""
    left, _, right, _ = font.getbbox(text, anchor="la")
    return max(font.getlength(text), right - min(left, 0))


def _wrap(text: str, font: ImageFont.FreeTypeFont, width_px: int) -> list[str]:
    """Greedy word wrap; words wider than ``width_px`` are broken between characters."""
    lines: list[str] = []
    for word in text.split():
        while _width(font, word) > width_px and len(word) > 1:
            n = len(word) - 1
            while n > 1 and _width(font, word[:n]) > width_px:
                n -= 1
            lines.append(word[:n])
            word = word[n:]
        if lines and _width(font, f"{lines[-1]} {word}") <= width_px:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def layout_text(
    text: str,
    size_px: tuple[int, int],
    region_px: Box | None = None,
    max_font_px: int | None = None,
) -> TextLayout:
    """Wrap and shrink ``text`` to fit ``region_px`` clipped to the title-safe area.

    The font shrinks by 10 % steps from ``max_font_px`` until the wrapped lines fit; at the
    smallest size (10 px) lines that still do not fit are dropped and the last kept line
    ends in "...". The ink never leaves the title-safe box, inset by a margin that leaves
    room for the text's shadow or plate.

    Args:
        text: the text, any script; accents the font lacks are dropped, other missing
            glyphs render as boxes.
        size_px: frame size (width, height) in pixels.
        region_px: preferred (left, top, right, bottom) box; defaults to the title-safe box.
        max_font_px: largest font size in pixels; defaults to 8 % of the shorter side.

    Returns:
        The layout, lines centred horizontally and vertically in the region.
    """
    sl, st, sr, sb = title_safe_box(size_px)
    rl, rt, rr, rb = region_px or (sl, st, sr, sb)
    pad = max(4, round(min(size_px) * 0.014))
    left, top = max(rl, sl) + pad, max(rt, st) + pad
    right, bottom = max(min(rr, sr) - pad, left + 1), max(min(rb, sb) - pad, top + 1)
    text = _displayable(text)
    if not text.strip():
        cx, cy = (left + right) // 2, (top + bottom) // 2
        return TextLayout((), 0, (), (cx, cy, cx, cy))
    font_px = max(max_font_px or round(min(size_px) * 0.08), _MIN_FONT_PX)
    while True:
        font = _font(font_px)
        ascent, descent = font.getmetrics()
        line_h = ascent + descent + round(font_px * 0.08)
        lines = _wrap(text, font, right - left)
        fits = len(lines) * line_h <= bottom - top
        if fits or font_px == _MIN_FONT_PX:
            break
        font_px = max(_MIN_FONT_PX, int(font_px * 0.9))
    if not fits:
        lines = lines[: max(1, (bottom - top) // line_h)]
        last = lines[-1]
        while last and _width(font, last + "...") > right - left:
            last = last[:-1]
        lines[-1] = last + "..."
    boxes = [font.getbbox(line, anchor="la") for line in lines]
    y = top + (bottom - top - len(lines) * line_h) // 2
    origins: list[tuple[int, int]] = []
    ink = [right, bottom, left, top]
    for i, (bl, bt, br, bb) in enumerate(boxes):
        x = (left + right - round(br - bl)) // 2 - round(bl)
        oy = y + i * line_h
        origins.append((x, oy))
        ink = [
            min(ink[0], x + math.floor(bl)),
            min(ink[1], oy + math.floor(bt)),
            max(ink[2], x + math.ceil(br)),
            max(ink[3], oy + math.ceil(bb)),
        ]
    if ink[0] < left - pad or ink[1] < top - pad or ink[2] > right + pad or ink[3] > bottom + pad:
        return TextLayout((), 0, (), (left, top, left, top))  # a region too small for "..."
    return TextLayout(tuple(lines), font_px, tuple(origins), (ink[0], ink[1], ink[2], ink[3]))


def _draw_text(img: Image.Image, layout: TextLayout) -> None:
    """Draw ``layout`` in black or white by the luminance behind it, with a soft shadow.

    A translucent plate is added when the background is busy or the contrast stays below
    WCAG 2.x AA (3:1 for text 24 px and up, 4.5:1 below).
    """
    if not layout.lines:
        return
    pad = max(4, round(min(img.size) * 0.014))
    left, top, right, bottom = layout.box_px
    crop_box = (left - pad, top - pad, right + pad, bottom + pad)
    lums = _luminances(np.asarray(img.crop(crop_box).reduce(4)))
    lum = float(lums.mean())
    dark_text = _contrast(lum, _luminance(_BLACK)) > _contrast(lum, _luminance(_WHITE))
    ink, halo = (_BLACK, _WHITE) if dark_text else (_WHITE, _BLACK)
    font = _font(layout.font_px)
    draw = ImageDraw.Draw(img, "RGBA")
    min_contrast = 3.0 if layout.font_px >= 24 else 4.5  # WCAG 2.x AA, large / normal text
    if float(lums.std()) > 0.12 or _contrast(lum, _luminance(ink)) < min_contrast:
        draw.rounded_rectangle(crop_box, radius=pad, fill=_rgba(halo, 0.55))
    mask = Image.new("L", (crop_box[2] - crop_box[0], crop_box[3] - crop_box[1]), 0)
    mdraw = ImageDraw.Draw(mask)
    shift = max(1, layout.font_px // 24)
    for line, (x, y) in zip(layout.lines, layout.origins_px, strict=True):
        mdraw.text(
            (x - crop_box[0], y - crop_box[1] + shift), line, fill=150, font=font, anchor="la"
        )
    mask = mask.filter(ImageFilter.GaussianBlur(max(1.0, layout.font_px / 16)))
    img.paste(halo, crop_box, mask)
    for line, xy in zip(layout.lines, layout.origins_px, strict=True):
        draw.text(xy, line, fill=ink, font=font, anchor="la")


def _label(img: Image.Image, text: str, xy: tuple[int, int], font_px: int, right: bool) -> None:
    """A small translucent pill label; ``xy`` is its top-left (or top-right if ``right``)."""
    font = _font(font_px)
    draw = ImageDraw.Draw(img, "RGBA")
    x0, y0, x1, y1 = font.getbbox(text, anchor="la")
    px, py = font_px * 2 // 3, font_px // 3
    w, h = round(x1 - x0) + 2 * px, round(y1 - y0) + 2 * py
    x = xy[0] - w if right else xy[0]
    draw.rounded_rectangle((x, xy[1], x + w, xy[1] + h), radius=h // 2, fill=(10, 10, 14, 150))
    draw.text((x + px - x0, xy[1] + py - y0), text, fill=(245, 245, 245), font=font, anchor="la")


# ---------------------------------------------------------------------------- backgrounds


def _field(
    size_px: tuple[int, int], fn: Callable[[np.ndarray, np.ndarray], np.ndarray], c0: RGB, c1: RGB
) -> Image.Image:
    """Colour ``c0``..``c1`` by ``t = fn(x, y)`` (x, y in [0, 1]), computed at 1/8 scale."""
    w, h = size_px
    sw, sh = max(2, w // 8), max(2, h // 8)
    ys, xs = np.mgrid[0:sh, 0:sw].astype(np.float32)
    t = np.clip(fn(xs / (sw - 1), ys / (sh - 1)), 0.0, 1.0)[..., None]
    a, b = np.array(c0, np.float32), np.array(c1, np.float32)
    small = Image.fromarray((a + (b - a) * t).astype(np.uint8), "RGB")
    return small.resize(size_px, Image.Resampling.BILINEAR)


def _vertical(size_px: tuple[int, int], c0: RGB, c1: RGB) -> Image.Image:
    return _field(size_px, lambda x, y: y, c0, c1)


def _radial(
    size_px: tuple[int, int],
    c0: RGB,
    c1: RGB,
    centre: tuple[float, float] = (0.5, 0.5),
    reach: float = 0.7,
) -> Image.Image:
    """``c0`` at ``centre`` (fractions of the frame) fading to ``c1`` at ``reach`` widths."""
    aspect = size_px[1] / size_px[0]
    return _field(
        size_px, lambda x, y: np.hypot(x - centre[0], (y - centre[1]) * aspect) / reach, c0, c1
    )


@lru_cache(maxsize=16)
def _vignette_mask(size_px: tuple[int, int], strength: float) -> Image.Image:
    return _field(
        size_px,
        lambda x, y: (np.hypot(x - 0.5, y - 0.5) / 0.72) ** 2.2 * strength,
        (0, 0, 0),
        (255, 255, 255),
    ).convert("L")


def _vignette(img: Image.Image, strength: float) -> None:
    """Darken the corners by up to ``strength`` (0-1)."""
    img.paste(_BLACK, (0, 0, *img.size), _vignette_mask(img.size, strength))


def _soft_shadow(
    img: Image.Image,
    box: Box,
    blur_px: float,
    opacity: float,
    offset_px: tuple[int, int] = (0, 0),
    ellipse: bool = False,
    radius_px: int = 0,
    colour: RGB = (0, 0, 0),
) -> None:
    """Paste a blurred shape (drawn at 1/4 scale for speed) under where ``box`` will be drawn."""
    m = round(blur_px * 2.5) + 4
    x, y = box[0] - m + offset_px[0], box[1] - m + offset_px[1]
    w, h = box[2] - box[0] + 2 * m, box[3] - box[1] + 2 * m
    mask = Image.new("L", (max(1, w // 4), max(1, h // 4)), 0)
    inner = (m // 4, m // 4, (w - m) // 4, (h - m) // 4)
    if ellipse:
        ImageDraw.Draw(mask).ellipse(inner, fill=round(255 * opacity))
    else:
        ImageDraw.Draw(mask).rounded_rectangle(
            inner, radius=radius_px // 4, fill=round(255 * opacity)
        )
    mask = mask.filter(ImageFilter.GaussianBlur(blur_px / 4)).resize((w, h))
    img.paste(colour, (x, y, x + w, y + h), mask)


def _paste_layer(
    img: Image.Image,
    layer: Image.Image,
    xy: tuple[int, int],
    shadow: float = 0.45,
    glow: RGB | None = None,
) -> None:
    """Paste an RGBA ``layer`` with a soft drop shadow, optionally a rim glow, behind it."""
    blur = max(layer.size) / 28
    m = round(blur * 3)
    alpha = Image.new("L", (layer.width + 2 * m, layer.height + 2 * m), 0)
    alpha.paste(layer.getchannel("A"), (m, m))
    small = alpha.reduce(4)

    def at(dx: int, dy: int) -> Box:
        return (
            xy[0] - m + dx,
            xy[1] - m + dy,
            xy[0] - m + dx + alpha.width,
            xy[1] - m + dy + alpha.height,
        )

    if glow is not None:
        g = small.filter(ImageFilter.GaussianBlur(blur / 5)).resize(alpha.size)
        img.paste(glow, at(0, -round(blur)), g.point(lambda v: min(255, 2 * v)))
    if shadow > 0:
        sh = small.filter(ImageFilter.GaussianBlur(blur / 4)).resize(alpha.size)
        off = round(blur * 0.8)
        img.paste(_BLACK, at(off, 2 * off), sh.point(lambda v: round(v * shadow)))
    img.paste(layer, xy, layer)


# ------------------------------------------------------------------------------- products

_PRODUCT_KEYWORDS: dict[str, tuple[str, ...]] = {
    "sneaker": ("sneaker", "shoe", "trainer", "boot", "footwear", "runner", "sandal"),
    "bottle": (
        "bottle",
        "drink",
        "perfume",
        "fragrance",
        "soda",
        "water",
        "juice",
        "beer",
        "wine",
        "serum",
        "lotion",
        "shampoo",
        "cologne",
        "kombucha",
        "beverage",
    ),
    "phone": ("phone", "smartphone", "device", "tablet", "app", "iphone", "android", "gadget"),
    "watch": ("watch", "smartwatch", "clock", "timepiece", "wristwatch"),
    "car": ("car", "vehicle", "suv", "sedan", "ev", "truck", "automobile", "coupe"),
    "headphones": ("headphone", "earbud", "headset", "earphone", "speaker", "audio"),
}
#: Width / height of each product silhouette.
_PRODUCT_ASPECT = {
    "sneaker": 2.1,
    "bottle": 0.42,
    "phone": 0.5,
    "watch": 0.55,
    "car": 2.3,
    "headphones": 0.95,
    "box": 0.9,
}


def product_kind(product: str) -> str:
    """Which silhouette stands for ``product``.

    Args:
        product: the spec's product description, any language.

    Returns:
        One of "sneaker", "bottle", "phone", "watch", "car", "headphones" or "box" (fallback).
    """
    words = set(re.findall(r"[a-z]+", product.lower()))
    words |= {w[:-1] for w in words if w.endswith("s")}
    for kind, keys in _PRODUCT_KEYWORDS.items():
        if words & set(keys):
            return kind
    return "box"


def _product_layer(kind: str, height_px: int, pal: _Palette) -> Image.Image:
    """The product silhouette as an RGBA layer ``height_px`` tall, drawn at 2x and reduced."""
    ss = 2
    w, h = max(8, round(height_px * _PRODUCT_ASPECT[kind])) * ss, max(8, height_px) * ss
    layer = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(layer, "RGBA")
    body, acc = pal.body, pal.accent
    shade, hi = _mix(body, _BLACK, 0.35), _mix(body, _WHITE, 0.55)

    def p(*xy: float) -> list[tuple[float, float]]:
        return [(xy[i] * w, xy[i + 1] * h) for i in range(0, len(xy), 2)]

    def bx(x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        return (x0 * w, y0 * h, x1 * w, y1 * h)

    if kind == "sneaker":
        d.polygon(
            p(
                0.04,
                0.8,
                0.03,
                0.42,
                0.08,
                0.12,
                0.2,
                0.06,
                0.3,
                0.24,
                0.42,
                0.18,
                0.5,
                0.06,
                0.58,
                0.2,
                0.76,
                0.38,
                0.92,
                0.48,
                0.99,
                0.66,
                0.99,
                0.8,
            ),
            fill=body,
        )
        d.polygon(p(0.82, 0.43, 0.92, 0.48, 0.99, 0.66, 0.99, 0.8, 0.84, 0.8), fill=shade)
        d.polygon(p(0.1, 0.14, 0.2, 0.1, 0.29, 0.3, 0.2, 0.34), fill=_mix(body, _BLACK, 0.6))
        d.polygon(p(0.03, 0.42, 0.08, 0.12, 0.13, 0.14, 0.09, 0.5), fill=acc)
        d.polygon(p(0.14, 0.74, 0.62, 0.42, 0.72, 0.46, 0.3, 0.76), fill=acc)
        for i in range(4):
            d.line(
                p(0.44 + i * 0.07, 0.26 + i * 0.06, 0.5 + i * 0.07, 0.2 + i * 0.06),
                fill=hi,
                width=max(2, w // 100),
            )
        d.rounded_rectangle(bx(0.01, 0.74, 0.995, 0.94), radius=0.1 * h, fill=hi)
        d.rectangle(bx(0.03, 0.88, 0.98, 0.94), fill=_mix(hi, _BLACK, 0.3))
    elif kind == "bottle":
        d.rounded_rectangle(bx(0.32, 0, 0.68, 0.13), radius=0.04 * w, fill=acc)
        d.rectangle(bx(0.39, 0.12, 0.61, 0.22), fill=shade)
        d.rounded_rectangle(bx(0.04, 0.2, 0.96, 1), radius=0.28 * w, fill=body)
        d.rectangle(bx(0.04, 0.5, 0.96, 0.76), fill=_mix(acc, _WHITE, 0.25))
        d.rectangle(bx(0.04, 0.58, 0.96, 0.6), fill=acc)
        d.rounded_rectangle(bx(0.14, 0.28, 0.24, 0.94), radius=0.05 * w, fill=(255, 255, 255, 80))
    elif kind == "phone":
        d.rounded_rectangle(bx(0, 0, 1, 1), radius=0.14 * w, fill=_mix(body, _BLACK, 0.6))
        d.rounded_rectangle(
            bx(0.06, 0.035, 0.94, 0.965), radius=0.1 * w, fill=_mix(acc, pal.base, 0.35)
        )
        d.rounded_rectangle(bx(0.36, 0.05, 0.64, 0.075), radius=0.02 * w, fill=_BLACK)
        for i in range(9):
            x, y = 0.16 + (i % 3) * 0.25, 0.16 + (i // 3) * 0.13
            d.rounded_rectangle(
                bx(x, y, x + 0.18, y + 0.09), radius=0.04 * w, fill=_mix(hi, acc, 0.2)
            )
        d.polygon(p(0.06, 0.5, 0.94, 0.2, 0.94, 0.38, 0.06, 0.68), fill=(255, 255, 255, 38))
    elif kind == "watch":
        d.rounded_rectangle(bx(0.22, 0, 0.78, 0.32), radius=0.08 * w, fill=shade)
        d.rounded_rectangle(bx(0.22, 0.68, 0.78, 1), radius=0.08 * w, fill=shade)
        d.rounded_rectangle(bx(0.92, 0.44, 1, 0.56), radius=0.02 * w, fill=hi)
        d.ellipse(bx(0.02, 0.24, 0.94, 0.76), fill=hi)
        d.ellipse(bx(0.1, 0.285, 0.86, 0.715), fill=_mix(body, _BLACK, 0.7))
        c = (0.48 * w, 0.5 * h)
        d.line([c, (c[0], 0.34 * h)], fill=_WHITE, width=max(2, w // 40))
        d.line([c, (0.7 * w, 0.54 * h)], fill=acc, width=max(2, w // 50))
    elif kind == "car":
        d.polygon(p(0.2, 0.48, 0.34, 0.14, 0.68, 0.14, 0.84, 0.48), fill=body)
        d.polygon(p(0.27, 0.46, 0.37, 0.2, 0.5, 0.2, 0.5, 0.46), fill=_mix(pal.base, _WHITE, 0.55))
        d.polygon(
            p(0.53, 0.46, 0.53, 0.2, 0.66, 0.2, 0.76, 0.46), fill=_mix(pal.base, _WHITE, 0.55)
        )
        d.rounded_rectangle(bx(0, 0.42, 1, 0.82), radius=0.14 * h, fill=body)
        d.rectangle(bx(0.02, 0.62, 0.98, 0.66), fill=acc)
        d.rounded_rectangle(bx(0.9, 0.5, 0.995, 0.58), radius=0.03 * h, fill=_mix(acc, _WHITE, 0.5))
        for cx in (0.22, 0.78):
            d.ellipse(bx(cx - 0.09, 0.62, cx + 0.09, 1), fill=_BLACK)
            d.ellipse(bx(cx - 0.045, 0.72, cx + 0.045, 0.9), fill=hi)
    elif kind == "headphones":
        d.arc(bx(0.12, 0.02, 0.88, 0.9), 180, 360, fill=body, width=round(0.07 * w))
        for x0 in (0.02, 0.74):
            d.rounded_rectangle(bx(x0 + 0.04, 0.42, x0 + 0.2, 0.92), radius=0.06 * w, fill=shade)
            d.rounded_rectangle(bx(x0, 0.46, x0 + 0.24, 0.96), radius=0.09 * w, fill=body)
            d.rounded_rectangle(bx(x0 + 0.05, 0.56, x0 + 0.19, 0.86), radius=0.05 * w, fill=acc)
    else:
        d.polygon(p(0.05, 0.3, 0.5, 0.42, 0.5, 1, 0.05, 0.86), fill=body)
        d.polygon(p(0.5, 0.42, 0.95, 0.3, 0.95, 0.86, 0.5, 1), fill=shade)
        d.polygon(p(0.05, 0.3, 0.5, 0.18, 0.95, 0.3, 0.5, 0.42), fill=hi)
        d.polygon(p(0.24, 0.25, 0.7, 0.37, 0.7, 0.94, 0.62, 0.96, 0.62, 0.4, 0.16, 0.27), fill=acc)
        d.polygon(p(0.7, 0.37, 0.79, 0.35, 0.79, 0.91, 0.7, 0.94), fill=_mix(acc, _BLACK, 0.3))
    return layer.reduce(ss)


def _photo_layer(photo: Image.Image, height_px: int) -> Image.Image:
    """A product photo as an RGBA card ``height_px`` tall: rounded corners, a light edge."""
    h = max(8, height_px)
    w = max(8, round(h * photo.width / photo.height))
    card = photo.convert("RGB").resize((w, h), Image.Resampling.LANCZOS).convert("RGBA")
    radius, edge = max(2, round(min(w, h) * 0.06)), max(1, round(min(w, h) / 160))
    mask = Image.new("L", (w, h), 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, w - 1, h - 1), radius=radius, fill=255)
    card.putalpha(mask)
    ImageDraw.Draw(card, "RGBA").rounded_rectangle(
        (0, 0, w - 1, h - 1), radius=radius, outline=(255, 255, 255, 150), width=edge
    )
    return card


def _product_aspect(ctx: _Ctx) -> float:
    """Width / height of what stands for the product: the photo, or the drawn silhouette."""
    if ctx.photo is not None:
        return ctx.photo.width / ctx.photo.height
    return _PRODUCT_ASPECT[ctx.kind]


def _place_product(
    ctx: _Ctx,
    centre: tuple[int, int],
    max_w: int,
    max_h: int,
    glow: RGB | None = None,
    floor: bool = True,
    pool: bool = False,
) -> Box:
    """Draw the product fitted in ``max_w`` x ``max_h`` around ``centre``; returns its box.

    The product is the user's photo when there is one, else a silhouette of its kind.
    ``floor`` adds a contact shadow, ``pool`` a pool of light under it, ``glow`` a rim light.
    """
    height = min(max_h, round(max_w / _product_aspect(ctx)))
    if ctx.photo is not None:
        layer = _photo_layer(ctx.photo, height)
    else:
        layer = _product_layer(ctx.kind, height, ctx.pal)
    x, y = centre[0] - layer.width // 2, centre[1] - layer.height // 2
    if pool:
        pw, bottom = round(layer.width * 0.62), y + layer.height
        _soft_shadow(
            ctx.img,
            (centre[0] - pw, bottom - ctx.s // 14, centre[0] + pw, bottom + ctx.s // 14),
            ctx.s / 30,
            0.45,
            ellipse=True,
            colour=_WHITE,
        )
    if floor:
        fw = round(layer.width * 0.55)
        _soft_shadow(
            ctx.img,
            (
                centre[0] - fw,
                y + layer.height - layer.height // 30,
                centre[0] + fw,
                y + layer.height + layer.height // 12,
            ),
            blur_px=layer.height / 18,
            opacity=0.55,
            ellipse=True,
        )
    _paste_layer(ctx.img, layer, (x, y), glow=glow)
    return (x, y, x + layer.width, y + layer.height)


# --------------------------------------------------------------------------- compositions


@dataclass
class _Ctx:
    """What a composition draws on and with; ``s`` is the frame's shorter side in pixels."""

    img: Image.Image
    pal: _Palette
    rng: random.Random
    kind: str
    brand: str
    photo: Image.Image | None = None
    w: int = field(init=False)
    h: int = field(init=False)
    s: int = field(init=False)
    tall: bool = field(init=False)

    def __post_init__(self) -> None:
        self.w, self.h = self.img.size
        self.s, self.tall = min(self.w, self.h), self.h > self.w

    def draw(self) -> ImageDraw.ImageDraw:
        return ImageDraw.Draw(self.img, "RGBA")

    def jitter(self, amount: float) -> int:
        return round(self.rng.uniform(-amount, amount) * self.s)


#: A composition draws the scene and returns (text region, max font px).
_Composer = Callable[[_Ctx], tuple[Box, int]]


def _star(
    d: ImageDraw.ImageDraw,
    c: tuple[float, float],
    r: float,
    inner: float,
    points: int,
    fill: tuple[int, ...],
    turn_deg: float = -90,
) -> None:
    pts = []
    for i in range(points * 2):
        a = math.radians(turn_deg + i * 180 / points)
        rr = r if i % 2 == 0 else r * inner
        pts.append((c[0] + rr * math.cos(a), c[1] + rr * math.sin(a)))
    d.polygon(pts, fill=fill)


def _figure(
    d: ImageDraw.ImageDraw,
    x: float,
    ground: float,
    height: float,
    fill: tuple[int, ...],
    lean: float = 0.0,
) -> None:
    """A person silhouette standing on ``ground``, ``height`` px tall, leaning by ``lean``."""
    u = height / 8
    hx = x + lean * u
    d.ellipse((hx - u * 0.75, ground - 8 * u, hx + u * 0.75, ground - 6.5 * u), fill=fill)
    d.rounded_rectangle(
        (
            x - 1.1 * u + lean * u / 2,
            ground - 6.3 * u,
            x + 1.1 * u + lean * u / 2,
            ground - 3.2 * u,
        ),
        radius=u * 0.7,
        fill=fill,
    )
    d.polygon(
        [
            (x - u, ground - 3.6 * u),
            (x + u, ground - 3.6 * u),
            (x + 1.3 * u, ground),
            (x + 0.5 * u, ground),
            (x, ground - 2.5 * u),
            (x - 0.5 * u, ground),
            (x - 1.3 * u, ground),
        ],
        fill=fill,
    )


def _hook(c: _Ctx) -> tuple[Box, int]:
    c.img.paste(_field(c.img.size, lambda x, y: (x + y) / 2, c.pal.base, c.pal.dark))
    d = c.draw()
    w, h, s = c.w, c.h, c.s
    k = 0.55 + c.rng.uniform(-0.05, 0.05)
    d.polygon([(w * k, 0), (w, 0), (w, h), (w * (k - 0.25), h)], fill=c.pal.accent)
    d.ellipse(
        (w * 0.62 - s * 0.4, h * 0.45 - s * 0.4, w * 0.62 + s * 0.4, h * 0.45 + s * 0.4),
        outline=_rgba(_WHITE, 0.35),
        width=max(3, s // 120),
    )
    wide = w > h * 1.2
    _place_product(
        c,
        (round(w * (0.8 if wide else 0.68)), round(h * (0.5 if wide else 0.36))),
        round(w * (0.55 if wide else 0.75)),
        round(h * (0.8 if wide else 0.42)),
    )
    sl, st, sr, sb = title_safe_box(c.img.size)
    region = (sl, st, round(w * 0.52), sb) if wide else (sl, round(h * 0.62), sr, sb)
    return region, round(s * 0.11)


def _problem(c: _Ctx) -> tuple[Box, int]:
    wall, floor = _grey(c.pal.base, 0.5), _grey(_mix(c.pal.base, _BLACK, 0.45), 0.5)
    w, h, s = c.w, c.h, c.s
    gy = round(h * (0.72 if not c.tall else 0.68))
    c.img.paste(_vertical((w, gy), _mix(wall, _WHITE, 0.15), wall), (0, 0))
    c.img.paste(_vertical((w, h - gy), floor, _mix(floor, _BLACK, 0.4)), (0, gy))
    d = c.draw()
    wx = round(w * 0.62) + c.jitter(0.03)
    win = (wx, round(h * 0.14), wx + round(s * 0.32), round(h * 0.14) + round(s * 0.36))
    d.rectangle(win, fill=_grey(_mix(c.pal.support, _WHITE, 0.4), 0.75))
    d.line(
        [((win[0] + win[2]) // 2, win[1]), ((win[0] + win[2]) // 2, win[3])],
        fill=wall,
        width=s // 60,
    )
    d.line(
        [(win[0], (win[1] + win[3]) // 2), (win[2], (win[1] + win[3]) // 2)],
        fill=wall,
        width=s // 60,
    )
    for i in range(7):
        x = win[0] + (i + c.rng.random()) * (win[2] - win[0]) / 7
        d.line(
            [(x, win[1] + s * 0.04), (x - s * 0.03, win[1] + s * 0.12)],
            fill=_rgba(wall, 0.6),
            width=max(2, s // 300),
        )
    _soft_shadow(
        c.img,
        (round(w * 0.18), gy - s // 60, round(w * 0.5), gy + s // 40),
        s / 60,
        0.5,
        ellipse=True,
    )
    tx = round(w * 0.22)
    d.rectangle((tx, gy - round(s * 0.2), tx + round(s * 0.38), gy - round(s * 0.17)), fill=floor)
    d.rectangle((tx + s * 0.03, gy - s * 0.17, tx + s * 0.05, gy), fill=floor)
    d.rectangle((tx + s * 0.33, gy - s * 0.17, tx + s * 0.35, gy), fill=floor)
    _figure(d, tx + s * 0.2, gy, s * 0.42, _rgba(_grey(c.pal.dark, 0.7), 1), lean=1.4)
    return (0, round(h * 0.74), w, h), round(s * 0.07)


def _agitation(c: _Ctx) -> tuple[Box, int]:
    w, h, s = c.w, c.h, c.s
    warn = _mix(c.pal.accent, (230, 40, 30), 0.5)
    c.img.paste(
        _radial(c.img.size, _mix(c.pal.dark, warn, 0.3), _mix(c.pal.dark, _BLACK, 0.6), reach=0.8)
    )
    d = c.draw()
    for i in range(5):
        y0 = h * (i + 0.5) / 5 + c.jitter(0.04)
        pts = [(0.0, y0)]
        x = 0.0
        while x < w:
            x += s * c.rng.uniform(0.05, 0.11)
            pts.append((x, y0 + c.rng.uniform(-0.09, 0.09) * s))
        d.line(pts, fill=_rgba(warn, 0.22 + 0.1 * (i % 2)), width=max(3, s // 90), joint="curve")
    bw = round(s * 0.09)
    for band_y in (0, h - bw):
        d.rectangle((0, band_y, w, band_y + bw), fill=(240, 200, 30))
        for x in range(-bw, w + bw, bw):
            d.polygon(
                [(x, band_y), (x + bw // 2, band_y), (x, band_y + bw), (x - bw // 2, band_y + bw)],
                fill=_BLACK,
            )
    cx, cy, r = w / 2 + c.jitter(0.02), h * 0.42, s * 0.2
    tri = [(cx, cy - r), (cx + r * 1.1, cy + r * 0.8), (cx - r * 1.1, cy + r * 0.8)]
    _soft_shadow(
        c.img, (round(cx - r), round(cy - r * 0.6), round(cx + r), round(cy + r * 0.8)), s / 30, 0.7
    )
    d.polygon(tri, fill=warn)
    d.rounded_rectangle(
        (cx - r * 0.09, cy - r * 0.45, cx + r * 0.09, cy + r * 0.3), radius=r * 0.08, fill=_WHITE
    )
    d.ellipse((cx - r * 0.1, cy + r * 0.42, cx + r * 0.1, cy + r * 0.62), fill=_WHITE)
    return (0, round(cy + r * 0.95), w, h), round(s * 0.08)


def _product_reveal(c: _Ctx) -> tuple[Box, int]:
    w, h, s = c.w, c.h, c.s
    cy = 0.42 + c.rng.uniform(-0.02, 0.02)
    c.img.paste(
        _radial(c.img.size, c.pal.base, _mix(c.pal.dark, _BLACK, 0.6), centre=(0.5, cy), reach=0.55)
    )
    beam = Image.new("L", (w // 4, h // 4), 0)
    ImageDraw.Draw(beam).polygon(
        [(w * 0.11, 0), (w * 0.14, 0), (w * 0.2, h * 0.25), (w * 0.05, h * 0.25)], fill=70
    )
    beam = beam.filter(ImageFilter.GaussianBlur(s / 80)).resize(c.img.size)
    c.img.paste(_WHITE, (0, 0, w, h), beam)
    box = _place_product(c, (w // 2, round(h * cy)), round(s * 0.62), round(s * 0.46), pool=True)
    return (0, box[3] + s // 20, w, h), round(s * 0.075)


def _hero_shot(c: _Ctx) -> tuple[Box, int]:
    w, h, s = c.w, c.h, c.s
    hy = round(h * 0.7)
    c.img.paste(
        _field(
            c.img.size,
            lambda x, y: np.where(y < 0.7, y / 0.7 * 0.6, 1 - (y - 0.7)),
            c.pal.base,
            c.pal.dark,
        )
    )
    d = c.draw()
    pw, ph = s * 0.36, s * 0.08
    top = hy - ph
    _soft_shadow(
        c.img,
        (
            round(w / 2 - pw * 1.2),
            round(hy + ph * 0.4),
            round(w / 2 + pw * 1.2),
            round(hy + ph * 1.6),
        ),
        s / 30,
        0.6,
        ellipse=True,
    )
    d.rectangle((w / 2 - pw, top, w / 2 + pw, hy + ph), fill=_mix(c.pal.support, _BLACK, 0.35))
    d.ellipse(
        (w / 2 - pw, hy + ph * 0.5, w / 2 + pw, hy + ph * 1.5),
        fill=_mix(c.pal.support, _BLACK, 0.35),
    )
    d.ellipse(
        (w / 2 - pw, top - ph * 0.5, w / 2 + pw, top + ph * 0.5),
        fill=_mix(c.pal.support, _WHITE, 0.25),
    )
    sl, st, sr, _ = title_safe_box(c.img.size)
    band = max(round(s * 0.16), round((top - st) * 0.3))
    ph_px = min(round(s * 0.44), round(top - st - band))
    mh = min(ph_px, round(s * 0.62 / _product_aspect(c)))
    _place_product(
        c,
        (w // 2 + c.jitter(0.02), round(top - mh / 2)),
        round(s * 0.62),
        ph_px,
        glow=_mix(c.pal.accent, _WHITE, 0.3),
        floor=False,
    )
    return (sl, st, sr, round(top - mh - s * 0.02)), round(s * 0.07)


def _feature_highlight(c: _Ctx) -> tuple[Box, int]:
    w, h, s = c.w, c.h, c.s
    c.img.paste(_field(c.img.size, lambda x, y: x * 0.7 + y * 0.3, c.pal.base, c.pal.dark))
    sl, st, sr, sb = title_safe_box(c.img.size)
    if c.tall:
        pbox = _place_product(c, (w // 2, round(h * 0.3)), round(w * 0.6), round(h * 0.28))
        lx0, ly0, lx1, ly1 = sl, round(h * 0.52), sr, round(h * 0.72)
    else:
        pbox = _place_product(c, (round(w * 0.3), h // 2), round(w * 0.4), round(h * 0.55))
        lx0, ly0, lx1, ly1 = round(w * 0.58), st, sr, round(h * 0.55)
    d = c.draw()
    lw = max(2, s // 260)
    for i in range(3):
        ly = round(ly0 + (i + 0.5) * (ly1 - ly0) / 3)
        ax = pbox[0] + (pbox[2] - pbox[0]) * (0.35 + 0.2 * i + c.rng.uniform(-0.05, 0.05))
        ay = pbox[1] + (pbox[3] - pbox[1]) * (0.3 + 0.2 * i)
        d.line([(ax, ay), (lx0 - s * 0.03, ly), (lx0, ly)], fill=_rgba(_WHITE, 0.85), width=lw)
        d.ellipse(
            (ax - s * 0.012, ay - s * 0.012, ax + s * 0.012, ay + s * 0.012),
            fill=c.pal.accent,
            outline=_WHITE,
            width=lw,
        )
        d.rounded_rectangle(
            (lx0, ly - s * 0.035, lx0 + s * 0.07, ly + s * 0.035),
            radius=s * 0.015,
            fill=c.pal.accent,
        )
        d.text(
            (lx0 + s * 0.035, ly),
            f"0{i + 1}",
            font=_font(round(s * 0.035)),
            anchor="mm",
            fill=_WHITE if _luminance(c.pal.accent) < 0.5 else _BLACK,
        )
        bar = (lx1 - lx0 - s * 0.1) * (0.9 - 0.2 * c.rng.random())
        d.rounded_rectangle(
            (lx0 + s * 0.09, ly - s * 0.02, lx0 + s * 0.09 + bar, ly - s * 0.005),
            radius=s * 0.008,
            fill=_rgba(_WHITE, 0.8),
        )
        d.rounded_rectangle(
            (lx0 + s * 0.09, ly + s * 0.008, lx0 + s * 0.09 + bar * 0.6, ly + s * 0.02),
            radius=s * 0.006,
            fill=_rgba(_WHITE, 0.45),
        )
    region = (sl, ly1, sr, sb) if c.tall else (lx0, round(h * 0.58), sr, sb)
    return region, round(s * 0.065)


def _detail_closeup(c: _Ctx) -> tuple[Box, int]:
    w, h, s = c.w, c.h, c.s
    c.img.paste(_radial(c.img.size, c.pal.body, _mix(c.pal.base, _BLACK, 0.3), reach=0.8))
    step = max(6, s // 40)
    for colour, opacity, sign in ((_mix(c.pal.body, _WHITE, 0.3), 0.18, 1), (_BLACK, 0.12, -1)):
        tile = Image.new("L", (step * 8, step * 8), 0)
        for i in range(-8, 17):
            ImageDraw.Draw(tile).line(
                [(i * step, 0), (i * step + sign * step * 8, step * 8)],
                fill=round(255 * opacity),
                width=max(1, step // 3),
            )
        mask = Image.new("L", c.img.size, 0)
        for ty in range(0, h, tile.height):
            for tx in range(0, w, tile.width):
                mask.paste(tile, (tx, ty))
        c.img.paste(colour, (0, 0, w, h), mask)
    d = c.draw()
    sy = h * (0.66 + c.rng.uniform(-0.04, 0.04))
    dash = s * 0.03
    x = 0.0
    while x < w:
        d.line([(x, sy), (x + dash, sy - s * 0.006)], fill=c.pal.accent, width=max(3, s // 110))
        x += dash * 1.7
    cx, cy, r = w / 2 + c.jitter(0.05), h * 0.42, s * 0.24
    _soft_shadow(
        c.img,
        (round(cx - r), round(cy - r), round(cx + r), round(cy + r)),
        s / 25,
        0.6,
        ellipse=True,
        offset_px=(s // 60, s // 40),
    )
    d.ellipse(
        (cx - r, cy - r, cx + r, cy + r),
        fill=_mix(c.pal.body, _WHITE, 0.15),
        outline=_WHITE,
        width=max(3, s // 110),
    )
    for j in range(-6, 7):
        y = cy + j * r / 7
        half = math.sqrt(max(0.0, r * r - (j * r / 7) ** 2)) * 0.92
        d.line(
            [(cx - half, y), (cx + half, y + r * 0.08)],
            fill=_rgba(c.pal.body, 0.9),
            width=max(2, s // 150),
        )
    d.arc(
        (cx - r * 0.8, cy - r * 0.8, cx + r * 0.8, cy + r * 0.8),
        200,
        250,
        fill=_rgba(_WHITE, 0.7),
        width=max(3, s // 120),
    )
    a, m = s * 0.06, s * 0.12
    for fx, fy, sx, sy2 in (
        (m, m, 1, 1),
        (w - m, m, -1, 1),
        (m, h - m, 1, -1),
        (w - m, h - m, -1, -1),
    ):
        d.line(
            [(fx, fy + a * sy2), (fx, fy), (fx + a * sx, fy)], fill=_WHITE, width=max(2, s // 200)
        )
    return (0, round(cy + r + s * 0.05), w, h), round(s * 0.065)


def _lifestyle(c: _Ctx) -> tuple[Box, int]:
    w, h, s = c.w, c.h, c.s
    hy = round(h * (0.7 if not c.tall else 0.64))
    sky_top, sky_low = _mix(c.pal.base, c.pal.support, 0.3), _mix(c.pal.accent, _WHITE, 0.45)
    c.img.paste(_vertical((w, hy), sky_top, sky_low))
    sx, sy, sr = w * (0.72 + c.rng.uniform(-0.05, 0.05)), hy - s * 0.1, s * 0.09
    _soft_shadow(
        c.img,
        (round(sx - sr * 2), round(sy - sr * 2), round(sx + sr * 2), round(sy + sr * 2)),
        s / 12,
        0.6,
        ellipse=True,
        colour=_WHITE,
    )
    d = c.draw()
    d.ellipse((sx - sr, sy - sr, sx + sr, sy + sr), fill=_mix(c.pal.accent, _WHITE, 0.7))
    hill = _mix(c.pal.support, _BLACK, 0.35)
    d.ellipse((-w * 0.3, hy - s * 0.1, w * 0.65, hy + s * 0.5), fill=_mix(hill, sky_low, 0.45))
    d.rectangle((0, hy, w, h), fill=_mix(hill, _BLACK, 0.25))
    d.ellipse((w * 0.45, hy - s * 0.04, w * 1.5, hy + s * 0.6), fill=hill)
    fx, fh, ink = w * (0.3 if not c.tall else 0.32), s * 0.36, _mix(c.pal.dark, _BLACK, 0.4)
    _figure(d, fx, hy + s * 0.02, fh, ink, lean=0.4)
    if c.kind == "car":
        _place_product(c, (round(fx + s * 0.34), round(hy - s * 0.06)), round(s * 0.46), s // 4)
    else:
        d.line(
            [(fx + s * 0.04, hy - fh * 0.52), (fx + s * 0.085, hy - fh * 0.3)],
            fill=ink,
            width=round(s * 0.024),
        )
        item = _product_layer(c.kind, round(s * 0.06), c.pal)
        _paste_layer(c.img, item, (round(fx + s * 0.085 - item.width / 2), round(hy - fh * 0.3)), 0)
    sl, st, sr2, _ = title_safe_box(c.img.size)
    return (sl, st, sr2, round(hy - fh - s * 0.03)), round(s * 0.075)


def _social_proof(c: _Ctx) -> tuple[Box, int]:
    w, h, s = c.w, c.h, c.s
    c.img.paste(_field(c.img.size, lambda x, y: y * 0.8 + x * 0.2, c.pal.base, c.pal.dark))
    d = c.draw()
    for _ in range(6):
        bx, by, br = c.rng.random() * w, c.rng.random() * h, s * c.rng.uniform(0.04, 0.1)
        d.ellipse((bx - br, by - br, bx + br, by + br), fill=_rgba(c.pal.accent, 0.12))
    sl, st, sr, sb = title_safe_box(c.img.size)
    card = (sl + s // 40, st + s // 40, sr - s // 40, sb - s // 40)
    if not c.tall:
        card = (card[0] + round(w * 0.06), card[1], card[2] - round(w * 0.06), card[3])
    _soft_shadow(c.img, card, s / 25, 0.55, offset_px=(0, s // 50), radius_px=s // 25)
    d.rounded_rectangle(card, radius=s // 25, fill=_mix(c.pal.light, _WHITE, 0.6))
    d.text(
        (card[0] + s * 0.04, card[1] - s * 0.03),
        "\u201c",
        font=_font(round(s * 0.22)),
        fill=c.pal.accent,
        anchor="la",
    )
    sy, sr2 = card[1] + s * 0.09, s * 0.03
    for i in range(5):
        _star(d, ((card[0] + card[2]) / 2 + (i - 2) * sr2 * 2.4, sy), sr2, 0.45, 5, (245, 180, 30))
    ay = card[3] - s * 0.08
    ax = card[0] + (card[2] - card[0]) * 0.3
    d.ellipse((ax - s * 0.035, ay - s * 0.035, ax + s * 0.035, ay + s * 0.035), fill=c.pal.support)
    d.rounded_rectangle(
        (ax + s * 0.05, ay - s * 0.018, ax + s * 0.3, ay - s * 0.002),
        radius=s * 0.008,
        fill=_mix(c.pal.dark, _WHITE, 0.3),
    )
    d.rounded_rectangle(
        (ax + s * 0.05, ay + s * 0.008, ax + s * 0.2, ay + s * 0.02),
        radius=s * 0.006,
        fill=_mix(c.pal.dark, _WHITE, 0.6),
    )
    inner = (card[0] + s // 25, round(sy + sr2 * 1.6), card[2] - s // 25, round(ay - s * 0.06))
    return inner, round(s * 0.07)


def _before_after(c: _Ctx) -> tuple[Box, int]:
    w, h, s = c.w, c.h, c.s
    mid = w // 2 + c.jitter(0.02)
    c.img.paste(_vertical((mid, h), _grey(c.pal.base, 0.85), _grey(c.pal.dark, 0.85)), (0, 0))
    c.img.paste(
        _radial((w - mid, h), _mix(c.pal.accent, _WHITE, 0.55), c.pal.base, reach=0.9), (mid, 0)
    )
    d = c.draw()
    cy = h * 0.42
    for _ in range(9):
        x0 = mid * (0.15 + 0.7 * c.rng.random())
        y0 = cy + s * c.rng.uniform(-0.18, 0.18)
        d.line(
            [(x0, y0), (x0 + s * 0.08, y0 + s * 0.05), (x0 + s * 0.02, y0 + s * 0.1)],
            fill=_rgba(_grey(c.pal.dark, 0.9), 0.8),
            width=max(3, s // 100),
            joint="curve",
        )
    _place_product(c, ((mid + w) // 2, round(cy)), round((w - mid) * 0.7), round(s * 0.36))
    for i in range(4):
        _star(
            d,
            (mid + (w - mid) * (0.15 + 0.22 * i), cy - s * (0.2 + 0.04 * (i % 2))),
            s * 0.025,
            0.3,
            4,
            _rgba(_WHITE, 0.9),
        )
    d.rectangle((mid - s // 200, 0, mid + s // 200, h), fill=_WHITE)
    d.ellipse((mid - s * 0.04, cy - s * 0.04, mid + s * 0.04, cy + s * 0.04), fill=_WHITE)
    for side in (-1, 1):
        tip, back = mid + side * s * 0.025, mid + side * s * 0.01
        d.polygon([(tip, cy), (back, cy - s * 0.015), (back, cy + s * 0.015)], fill=_BLACK)
    _, st, _, _ = title_safe_box(c.img.size)
    _label(c.img, "BEFORE", (mid - s // 30, st), round(s * 0.03), right=True)
    _label(c.img, "AFTER", (mid + s // 30, st), round(s * 0.03), right=False)
    return (0, round(cy + s * 0.24), w, h), round(s * 0.065)


def _emotional_moment(c: _Ctx) -> tuple[Box, int]:
    w, h, s = c.w, c.h, c.s
    warm = _mix(c.pal.base, (255, 170, 90), 0.2)
    c.img.paste(
        _radial(
            c.img.size,
            _mix(warm, _WHITE, 0.35),
            _mix(warm, _BLACK, 0.55),
            centre=(0.5, 0.4),
            reach=0.75,
        )
    )
    d = c.draw()
    for _ in range(14):
        bx, by, br = c.rng.random() * w, c.rng.random() * h * 0.7, s * c.rng.uniform(0.02, 0.06)
        d.ellipse(
            (bx - br, by - br, bx + br, by + br), fill=_rgba(_WHITE, c.rng.uniform(0.08, 0.2))
        )
    fill = _mix(c.pal.dark, _BLACK, 0.3)
    gy, u = h * 0.6, s * 0.42
    for side in (-1, 1):
        bx = w / 2 + side * u * 0.42
        hx = bx - side * u * 0.2
        d.rounded_rectangle((bx - u * 0.5, gy, bx + u * 0.5, h + u), radius=u * 0.4, fill=fill)
        d.rectangle((hx - u * 0.08, gy - u * 0.12, hx + u * 0.08, gy + u * 0.1), fill=fill)
        d.ellipse((hx - u * 0.2, gy - u * 0.6, hx + u * 0.2, gy - u * 0.06), fill=fill)
    hx, hy, r = w / 2, gy - u * 0.78, s * 0.035
    d.ellipse((hx - r, hy - r * 0.6, hx, hy + r * 0.4), fill=c.pal.accent)
    d.ellipse((hx, hy - r * 0.6, hx + r, hy + r * 0.4), fill=c.pal.accent)
    d.polygon([(hx - r * 0.97, hy), (hx + r * 0.97, hy), (hx, hy + r * 1.2)], fill=c.pal.accent)
    sl, _, sr, sb = title_safe_box(c.img.size)
    return (sl, round(gy + u * 0.3), sr, sb), round(s * 0.065)


def _brand_story(c: _Ctx) -> tuple[Box, int]:
    w, h, s = c.w, c.h, c.s
    sepia = _mix(c.pal.base, (120, 90, 60), 0.25)
    c.img.paste(_vertical(c.img.size, _mix(sepia, _WHITE, 0.15), _mix(sepia, _BLACK, 0.5)))
    d = c.draw()
    sh = round(s * 0.36)
    top = round(h * 0.4 - sh / 2) + c.jitter(0.02)
    _soft_shadow(c.img, (0, top, w, top + sh), s / 40, 0.6, offset_px=(0, s // 50))
    d.rectangle((0, top, w, top + sh), fill=(22, 20, 18))
    hole, gap = s * 0.022, s * 0.05
    x = c.rng.random() * gap - gap
    while x < w:
        for y in (top + s * 0.02, top + sh - s * 0.02 - hole):
            d.rounded_rectangle(
                (x, y, x + hole * 1.3, y + hole), radius=hole * 0.25, fill=_mix(sepia, _WHITE, 0.4)
            )
        x += gap
    fh = sh - s * 0.1
    fw = fh * 1.3
    n = math.ceil(w / (fw + s * 0.03)) + 1
    x0 = -c.rng.random() * fw * 0.5
    year = c.rng.randrange(1950, 1990)
    for i in range(n):
        fx = x0 + i * (fw + s * 0.03)
        fy = top + s * 0.05
        tone = _mix(sepia, _WHITE, 0.25 + 0.1 * (i % 3))
        d.rectangle((fx, fy, fx + fw, fy + fh), fill=tone)
        ink = _mix(tone, _BLACK, 0.55)
        if i % 3 == 0:
            d.ellipse((fx + fw * 0.6, fy + fh * 0.15, fx + fw * 0.8, fy + fh * 0.4), fill=ink)
            d.polygon(
                [(fx, fy + fh), (fx + fw * 0.35, fy + fh * 0.45), (fx + fw * 0.7, fy + fh)],
                fill=ink,
            )
        elif i % 3 == 1:
            _figure(d, fx + fw / 2, fy + fh, fh * 0.85, _rgba(ink, 1))
        else:
            d.rectangle((fx + fw * 0.2, fy + fh * 0.35, fx + fw * 0.8, fy + fh), fill=ink)
            d.polygon(
                [
                    (fx + fw * 0.12, fy + fh * 0.38),
                    (fx + fw / 2, fy + fh * 0.1),
                    (fx + fw * 0.88, fy + fh * 0.38),
                ],
                fill=ink,
            )
        d.text(
            (fx + fw * 0.06, fy + fh * 0.05),
            str(year + 10 * i),
            font=_font(round(s * 0.028)),
            fill=_rgba(_WHITE, 0.85),
            anchor="la",
        )
    return (0, top + sh, w, h), round(s * 0.07)


def _offer(c: _Ctx) -> tuple[Box, int]:
    w, h, s = c.w, c.h, c.s
    bright = _mix(c.pal.accent, _WHITE, 0.3)
    c.img.paste(_radial(c.img.size, bright, c.pal.base, reach=0.75))
    d = c.draw()
    rays, turn = 18, c.rng.uniform(0, 20)
    for i in range(rays):
        a0, a1 = math.radians(turn + i * 360 / rays), math.radians(turn + (i + 0.5) * 360 / rays)
        d.polygon(
            [
                (w / 2, h / 2),
                (w / 2 + 2 * w * math.cos(a0), h / 2 + 2 * w * math.sin(a0)),
                (w / 2 + 2 * w * math.cos(a1), h / 2 + 2 * w * math.sin(a1)),
            ],
            fill=_rgba(_WHITE, 0.1),
        )
    px = w * (0.22 if not c.tall else 0.5)
    py = h * (0.62 if not c.tall else 0.76)
    _place_product(c, (round(px), round(py)), round(s * 0.45), round(s * 0.3))
    r = s * 0.3
    cx, cy = w * (0.58 if not c.tall else 0.5), h * (0.46 if not c.tall else 0.4)
    badge = (
        _mix(c.pal.support, (255, 210, 40), 0.5)
        if _contrast(_luminance(c.pal.accent), _luminance((255, 210, 40))) < 1.5
        else (255, 210, 40)
    )
    _soft_shadow(
        c.img,
        (round(cx - r), round(cy - r), round(cx + r), round(cy + r)),
        s / 25,
        0.5,
        ellipse=True,
        offset_px=(0, s // 40),
    )
    _star(d, (cx, cy), r, 0.86, 20, badge, turn_deg=turn)
    d.ellipse(
        (cx - r * 0.78, cy - r * 0.78, cx + r * 0.78, cy + r * 0.78),
        outline=_rgba(_WHITE, 0.8),
        width=max(2, s // 200),
    )
    q = round(r * 0.66)
    return (round(cx) - q, round(cy) - q, round(cx) + q, round(cy) + q), round(s * 0.08)


def _call_to_action(c: _Ctx) -> tuple[Box, int]:
    w, h, s = c.w, c.h, c.s
    c.img.paste(_radial(c.img.size, c.pal.base, c.pal.dark, centre=(0.5, 0.3)))
    _place_product(c, (w // 2, round(h * 0.33)), round(s * 0.45), round(s * 0.26))
    sl, _, sr, sb = title_safe_box(c.img.size)
    bw = min(sr - sl, round(s * (0.85 if c.tall else 0.7)))
    bh = round(s * 0.15)
    btn = (w // 2 - bw // 2, round(h * 0.6), w // 2 + bw // 2, round(h * 0.6) + bh)
    _soft_shadow(c.img, btn, s / 30, 0.6, offset_px=(0, s // 40), radius_px=bh // 2)
    d = c.draw()
    d.rounded_rectangle(btn, radius=bh // 2, fill=c.pal.accent)
    d.rounded_rectangle(
        (btn[0] + bh // 6, btn[1] + bh // 10, btn[2] - bh // 6, btn[1] + bh // 2),
        radius=bh // 3,
        fill=_rgba(_WHITE, 0.12),
    )
    ax, ay = btn[2] - bh * 0.4 + c.jitter(0.01), btn[3] - bh * 0.25
    arrow = [(0, 0), (0, 1.0), (0.27, 0.78), (0.45, 1.15), (0.58, 1.09), (0.41, 0.72), (0.75, 0.72)]
    d.polygon(
        [(ax + x * bh * 0.8, ay + y * bh * 0.8) for x, y in arrow],
        fill=_WHITE,
        outline=_BLACK,
        width=max(2, s // 300),
    )
    return (btn[0] + bh // 3, btn[1], btn[2] - bh // 3, btn[3]), round(bh * 0.42)


def _logo_end_card(c: _Ctx) -> tuple[Box, int]:
    w, h, s = c.w, c.h, c.s
    c.img.paste(_radial(c.img.size, _mix(c.pal.base, _WHITE, 0.08), c.pal.base, reach=0.6))
    d = c.draw()
    cx, cy, r = w / 2, h * 0.4, s * 0.13
    turn = c.rng.uniform(0, 360)
    d.arc(
        (cx - r * 1.3, cy - r * 1.3, cx + r * 1.3, cy + r * 1.3),
        turn,
        turn + 250,
        fill=_rgba(c.pal.accent, 0.5),
        width=max(2, s // 250),
    )
    _soft_shadow(
        c.img,
        (round(cx - r), round(cy - r), round(cx + r), round(cy + r)),
        s / 30,
        0.45,
        ellipse=True,
        offset_px=(0, s // 50),
    )
    d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=c.pal.accent)
    d.ellipse(
        (cx - r * 0.86, cy - r * 0.86, cx + r * 0.86, cy + r * 0.86),
        outline=_rgba(_WHITE, 0.7),
        width=max(2, s // 200),
    )
    name = c.brand.strip() or "Brand"
    on_accent = _WHITE if _luminance(c.pal.accent) < 0.45 else _BLACK
    d.text((cx, cy), name[0].upper(), font=_font(round(r * 1.1)), fill=on_accent, anchor="mm")
    base_ink = _WHITE if _luminance(c.pal.base) < 0.45 else _BLACK
    font = _font(round(s * 0.06))
    d.text((cx, cy + r * 1.55), name.upper()[:24], font=font, fill=base_ink, anchor="mm")
    d.line(
        [(cx - s * 0.08, cy + r * 2.2), (cx + s * 0.08, cy + r * 2.2)],
        fill=c.pal.accent,
        width=max(2, s // 250),
    )
    return (0, round(cy + r * 2.35), w, h), round(s * 0.05)


_COMPOSERS: dict[BeatType, _Composer] = {
    "hook": _hook,
    "problem": _problem,
    "agitation": _agitation,
    "product_reveal": _product_reveal,
    "hero_shot": _hero_shot,
    "feature_highlight": _feature_highlight,
    "detail_closeup": _detail_closeup,
    "lifestyle": _lifestyle,
    "social_proof": _social_proof,
    "before_after": _before_after,
    "emotional_moment": _emotional_moment,
    "brand_story": _brand_story,
    "offer": _offer,
    "call_to_action": _call_to_action,
    "logo_end_card": _logo_end_card,
}

#: Lighting words -> (overlay colour, opacity, extra vignette).
_LIGHTING: tuple[tuple[tuple[str, ...], RGB, float, float], ...] = (
    (("golden", "warm", "sunset", "sunrise", "amber", "candle"), (255, 165, 60), 0.12, 0.0),
    (("cool", "cold", "blue", "moon", "neon", "night"), (60, 120, 255), 0.10, 0.1),
    (("dramatic", "hard", "moody", "low-key", "low key", "noir", "chiaroscuro"), _BLACK, 0.0, 0.25),
)


# ---------------------------------------------------------------------------------- public


@dataclass(frozen=True)
class StoryboardFrame:
    """A rendered storyboard frame and where its on-screen text went.

    Attributes:
        image: RGB image of the requested size.
        text: layout of ``beat.on_screen_text`` (no lines if the text is empty).
    """

    image: Image.Image
    text: TextLayout


def render_storyboard_frame(
    spec: Spec,
    beat: Beat,
    size_px: tuple[int, int],
    seed: int,
    photo: Image.Image | None = None,
) -> StoryboardFrame:
    """Render one beat's storyboard frame offline and report the text layout.

    The frame depends only on the spec's style, product and brand, the beat's index (through
    the seed), type and on-screen text, ``size_px``, ``seed`` and ``photo``; not on timing or
    prompts.

    Args:
        spec: the ad spec (palette, lighting, product, brand).
        beat: the beat to draw; its type picks the composition.
        size_px: (width, height) in pixels, e.g. (1280, 720), (720, 1280), (1080, 1080).
        seed: variation seed; the same inputs give identical pixels.
        photo: a product photo; compositions that show the product show it instead of a
            drawn silhouette of the product's kind.

    Returns:
        The frame and its text layout.
    """
    rng = random.Random(f"{seed}:{beat.index}:{beat.type}")
    img = Image.new("RGB", size_px, _rgb(spec.style.palette[0]))
    ctx = _Ctx(
        img,
        _Palette.of(spec.style.palette),
        rng,
        product_kind(spec.product),
        spec.brand or spec.product,
        photo,
    )
    region, font_px = _COMPOSERS[beat.type](ctx)
    lighting = spec.style.lighting.lower()
    extra_vignette = 0.0
    for words, colour, opacity, vig in _LIGHTING:
        if any(word in lighting for word in words):
            if opacity:
                img.paste(Image.blend(img, Image.new("RGB", size_px, colour), opacity))
            extra_vignette += vig
    _vignette(img, 0.3 + extra_vignette)
    layout = layout_text(beat.on_screen_text, size_px, region, font_px)
    _draw_text(img, layout)
    return StoryboardFrame(img, layout)
