"""On-screen text: fonts per script, shaping, fitting text inside the title-safe area."""

from __future__ import annotations

import importlib.util
import math
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from agent.providers.local.storyboard.colour import (
    _BLACK,
    _WHITE,
    Box,
    _contrast,
    _luminance,
    _luminances,
    _rgba,
)

_MIN_FONT_PX = 10


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
