"""On-screen text: fonts per script, shaping, fitting text inside the title-safe area."""

from __future__ import annotations

import importlib.util
import logging
import math
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont, features

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
log = logging.getLogger(__name__)


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


# ---------------------------------------------------------------------------------- fonts


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
#: Where the system's fonts are (Debian and most Linux distributions).
_FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))


@dataclass(frozen=True)
class _Face:
    """A font for one script: the file to look for, the face in it, the package that has it.

    Attributes:
        file: font file name, searched under :data:`_FONT_DIRS`.
        index: face index in a collection (.ttc).
        package: the Debian package that installs the file.
        direction: "rtl" for scripts written right to left, else "ltr".
        language: the BCP 47 language given to the shaper (picks CJK glyph variants).
        label: the script's name in a warning.
    """

    file: str
    index: int
    package: str
    direction: str
    language: str
    label: str


#: Non-Latin faces by key. Noto Sans CJK holds the Japanese, Korean and Simplified Chinese
#: faces at indexes 0, 1 and 2 of one collection (notofonts.github.io/noto-cjk).
_FACES: dict[str, _Face] = {
    "ja": _Face("NotoSansCJK-Bold.ttc", 0, "fonts-noto-cjk", "ltr", "ja", "Japanese"),
    "ko": _Face("NotoSansCJK-Bold.ttc", 1, "fonts-noto-cjk", "ltr", "ko", "Korean"),
    "zh": _Face("NotoSansCJK-Bold.ttc", 2, "fonts-noto-cjk", "ltr", "zh-Hans", "Chinese"),
    "arabic": _Face("NotoSansArabic-Bold.ttf", 0, "fonts-noto-core", "rtl", "ar", "Arabic"),
    "hebrew": _Face("NotoSansHebrew-Bold.ttf", 0, "fonts-noto-core", "rtl", "he", "Hebrew"),
    "thai": _Face("NotoSansThai-Bold.ttf", 0, "fonts-noto-core", "ltr", "th", "Thai"),
    "devanagari": _Face(
        "NotoSansDevanagari-Bold.ttf", 0, "fonts-noto-core", "ltr", "hi", "Devanagari"
    ),
}
#: The Latin face (DejaVu, also Greek and Cyrillic).
LATIN = "latin"
#: Pillow's raqm layout (HarfBuzz shaping, FriBiDi) when this Pillow has it, else basic.
_LAYOUT = ImageFont.Layout.RAQM if features.check_feature("raqm") else ImageFont.Layout.BASIC


@lru_cache(maxsize=16)
def _face_path(key: str) -> Path | None:
    """The file of face ``key``, or None (with a one-line warning naming the package)."""
    face = _FACES[key]
    for root in _FONT_DIRS:
        for path in sorted(root.rglob(face.file)) if root.is_dir() else []:
            return path
    log.warning(
        "no font for %s text (%s): install the Debian package %s; drawing what other fonts have",
        face.label,
        face.file,
        face.package,
    )
    return None


@lru_cache(maxsize=128)
def _font(size_px: int, key: str = LATIN) -> ImageFont.FreeTypeFont:
    """The font for face ``key`` at ``size_px`` (DejaVu Sans Bold for Latin)."""
    if key != LATIN:
        path = _face_path(key)
        if path is not None:
            return ImageFont.truetype(
                str(path), size_px, index=_FACES[key].index, layout_engine=_LAYOUT
            )
        key = LATIN
    if _FONT_FILE is not None:
        return ImageFont.truetype(str(_FONT_FILE), size_px, layout_engine=_LAYOUT)
    font = ImageFont.load_default(size=size_px)
    assert isinstance(font, ImageFont.FreeTypeFont)  # Pillow >= 10.1 built with FreeType
    return font


def _available(key: str) -> bool:
    return key == LATIN or _face_path(key) is not None


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


@lru_cache(maxsize=8192)
def _has_glyph(ch: str, key: str = LATIN) -> bool:
    """Whether face ``key`` draws ``ch`` as something other than its "missing" box (.notdef).

    Pillow has no font fallback: a character the font lacks is drawn as .notdef, whose
    mask is compared here with the character's.
    """
    if ch.isspace():
        return True
    if not _available(key):
        return False
    font = _font(24, key)

    def ink(c: str) -> bytes:
        im = Image.new("L", (64, 64), 0)
        ImageDraw.Draw(im).text((8, 8), c, fill=255, font=font)
        return im.tobytes()

    return ink(ch) != ink(_NOTDEF)


#: Code point ranges of the non-Latin scripts, with the face that draws them.
_SCRIPT_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0590, 0x05FF, "hebrew"),
    (0xFB1D, 0xFB4F, "hebrew"),
    (0x0600, 0x06FF, "arabic"),
    (0x0750, 0x077F, "arabic"),
    (0x08A0, 0x08FF, "arabic"),
    (0xFB50, 0xFDFF, "arabic"),
    (0xFE70, 0xFEFF, "arabic"),
    (0x0900, 0x097F, "devanagari"),
    (0x0E00, 0x0E7F, "thai"),
    (0x3040, 0x30FF, "ja"),
    (0x31F0, 0x31FF, "ja"),
    (0x1100, 0x11FF, "ko"),
    (0x3130, 0x318F, "ko"),
    (0xAC00, 0xD7AF, "ko"),
    (0x2E80, 0x2FFF, "zh"),
    (0x3000, 0x303F, "zh"),
    (0x3400, 0x4DBF, "zh"),
    (0x4E00, 0x9FFF, "zh"),
    (0xF900, 0xFAFF, "zh"),
    (0xFF00, 0xFFEF, "zh"),
)


def _script_of(ch: str) -> str | None:
    cp = ord(ch)
    for lo, hi, key in _SCRIPT_RANGES:
        if lo <= cp <= hi:
            return key
    return None


def _primary(text: str) -> str:
    """The face for ``text``'s main non-Latin script, or Latin.

    Han characters are Japanese when kana appear, Korean when Hangul does, else Chinese.
    """
    keys = {k for k in map(_script_of, text) if k}
    if "ja" in keys:
        return "ja"
    if "ko" in keys:
        return "ko"
    for key in ("arabic", "hebrew", "zh", "thai", "devanagari"):
        if key in keys:
            return key
    return LATIN


def _face_for(ch: str, primary: str) -> str | None:
    """The first face that has ``ch``: its script's, the text's main one, Latin, then CJK.

    In right-to-left text, European digits and the signs that go with numbers ("50%",
    "$8.99") take the Latin face: they form a left-to-right run, as Unicode bidi lays them.
    """
    if _rtl(primary) and unicodedata.bidirectional(ch) in ("EN", "ES", "ET", "CS"):
        if _has_glyph(ch, LATIN):
            return LATIN
    own = _script_of(ch)
    order = [own] if own else []
    order += [primary, LATIN, "zh"]
    for key in dict.fromkeys(k for k in order if k):
        if _has_glyph(ch, key):
            return key
    return None


def _displayable(text: str, primary: str) -> str:
    """``text`` without characters no font here can draw (never a "missing" box).

    A character no face has is replaced by an ASCII look-alike or its unaccented letter
    ("—" -> "-", "dès" -> "des" when only Pillow's ASCII font is present), else left out.
    """
    out = []
    for ch in text:
        if _face_for(ch, primary) is not None:
            out.append(ch)
            continue
        alike = ch.translate(_ASCII_LOOKALIKES)
        base = "".join(c for c in unicodedata.normalize("NFKD", alike) if c.isascii())
        out.append(base if all(_face_for(c, primary) for c in base) else "")
    return "".join(out)


#: A run of text drawn with one face: (face key, text).
Run = tuple[str, str]


def _runs(line: str, primary: str) -> list[Run]:
    """Split ``line`` into runs of one face each; spaces and punctuation join the run before."""
    runs: list[list[str]] = []
    for ch in line:
        key = _face_for(ch, primary) or primary
        neutral = not ch.isalnum()
        if runs and (runs[-1][0] == key or neutral and _has_glyph(ch, runs[-1][0])):
            runs[-1][1] += ch
        else:
            runs.append([key, ch])
    return [(k, t) for k, t in runs]


def _rtl(key: str) -> bool:
    return key in _FACES and _FACES[key].direction == "rtl"


def _shape_args(key: str) -> tuple[str | None, str | None]:
    """(direction, language) for the shaper; (None, None) for Latin or without raqm."""
    if key == LATIN or _LAYOUT != ImageFont.Layout.RAQM:
        return None, None
    face = _FACES[key]
    return face.direction, face.language


def _run_width(size_px: int, run: Run) -> float:
    key, text = run
    direction, language = _shape_args(key)
    return _font(size_px, key).getlength(text, direction=direction, language=language)


def _visual(runs: list[Run], primary: str) -> list[Run]:
    """Runs in drawing order, left to right: reversed for a right-to-left line.

    A line whose main script is written right to left lays its runs from the right (a
    simplified Unicode bidi: each run keeps its own direction inside).
    """
    return list(reversed(runs)) if _rtl(primary) else runs


def _line_width(size_px: int, line: str, primary: str) -> float:
    return sum(_run_width(size_px, r) for r in _runs(line, primary))


def _line_ink(size_px: int, line: str, primary: str) -> tuple[float, float, float, float]:
    """Ink box of ``line`` drawn from x = 0 on baseline y = 0: (left, top, right, bottom)."""
    x, box = 0.0, [0.0, 0.0, 0.0, 0.0]
    first = True
    for key, text in _visual(_runs(line, primary), primary):
        font = _font(size_px, key)
        direction, language = _shape_args(key)
        left, top, right, bottom = font.getbbox(
            text, anchor="ls", direction=direction, language=language
        )
        if right > left:
            ink = (x + min(left, 0), top, x + max(right, font.getlength(text)), bottom)
            box = (
                list(ink)
                if first
                else [
                    min(box[0], ink[0]),
                    min(box[1], ink[1]),
                    max(box[2], ink[2]),
                    max(box[3], ink[3]),
                ]
            )
            first = False
        x += _run_width(size_px, (key, text))
    return (box[0], box[1], max(box[2], x), box[3])


def _metrics(size_px: int, primary: str) -> tuple[int, int]:
    """(ascent, descent) in pixels covering the main face and Latin."""
    keys = {primary, LATIN}
    ms = [_font(size_px, k).getmetrics() for k in keys]
    return max(m[0] for m in ms), max(m[1] for m in ms)


def fit_line_px(text: str, max_width_px: float, max_height_px: float) -> int:
    """The largest font size at which one line's ink fits a band, by the glyphs' own metrics.

    Scripts differ in how much of the em their glyphs fill (Chinese and Japanese characters
    fill it, Latin capitals about 70 %), so a size fixed in pixels draws a two-character
    Chinese name far smaller than a Latin one; measuring the ink makes each fill the band.

    Args:
        text: the line, in any script.
        max_width_px: the band's width in pixels.
        max_height_px: the band's height in pixels (the ink's height, ascent to descent).

    Returns:
        The font size in pixels, at least the smallest size drawn (10 px).
    """
    primary = _primary(text)
    shown = _displayable(text, primary)
    left, top, right, bottom = _line_ink(100, shown, primary)
    if right <= left or bottom <= top:
        return _MIN_FONT_PX
    scale = min(max_width_px / (right - left), max_height_px / (bottom - top))
    return max(_MIN_FONT_PX, int(100 * scale))


def draw_line(
    draw: ImageDraw.ImageDraw,
    xy: tuple[float, float],
    text: str,
    size_px: int,
    fill: tuple[int, ...],
    anchor: str = "mm",
    max_width_px: int | None = None,
) -> None:
    """Draw one line of text in any script, centred (``anchor="mm"``) or left-aligned ("ls").

    A line wider than ``max_width_px`` is drawn smaller (down to 10 px), then cut short
    with "...".

    Args:
        draw: where to draw.
        xy: the anchor point in pixels: the centre for "mm", left end of the baseline for "ls".
        text: the text; characters no font here has are left out.
        size_px: font size in pixels.
        fill: RGB or RGBA colour.
        anchor: "mm" (middle) or "ls" (left, baseline).
        max_width_px: the widest the line may be, in pixels; None for no limit.
    """
    primary = _primary(text)
    text = _displayable(text, primary)
    if max_width_px is not None:
        while size_px > _MIN_FONT_PX and _line_width(size_px, text, primary) > max_width_px:
            size_px = max(_MIN_FONT_PX, int(size_px * 0.9))
        while len(text) > 1 and _line_width(size_px, text + "...", primary) > max_width_px:
            text = text[:-1]
            if _line_width(size_px, text + "...", primary) <= max_width_px:
                text += "..."
                break
    left, top, right, bottom = _line_ink(size_px, text, primary)
    x, y = xy
    if anchor == "mm":
        x, y = x - (left + right) / 2, y - (top + bottom) / 2
    for key, run in _visual(_runs(text, primary), primary):
        draw.text(
            (x, y),
            run,
            fill=fill,
            font=_font(size_px, key),
            anchor="ls",
            direction=_shape_args(key)[0],
            language=_shape_args(key)[1],
        )
        x += _run_width(size_px, (key, run))


# ----------------------------------------------------------------------------------- text


@dataclass(frozen=True)
class TextLayout:
    """Where on-screen text goes.

    Attributes:
        lines: the wrapped lines, top to bottom (empty for no text), in reading order.
        font_px: font size in pixels.
        origins_px: (x, y) of each line's left end on its baseline (Pillow anchor ``"ls"``).
        box_px: (left, top, right, bottom) pixel box enclosing the ink of all lines.
        face: the main font face: "latin" (DejaVu Sans: Latin, Greek, Cyrillic), "zh", "ja",
            "ko", "arabic", "hebrew", "thai" or "devanagari" (Noto Sans); runs of other
            scripts in a line use a face that has them.
    """

    lines: tuple[str, ...]
    font_px: int
    origins_px: tuple[tuple[int, int], ...]
    box_px: Box
    face: str = LATIN


#: Characters a Chinese or Japanese line must not start with (JIS X 4051 "kinsoku").
_NO_LINE_START = frozenset(
    "ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶー、。，．・：；！？）」』】〕〉》"
)


def _wrap(text: str, size_px: int, primary: str, width_px: int) -> list[str]:
    """Greedy word wrap; words wider than ``width_px`` are broken between characters.

    Chinese and Japanese, written without spaces, break between any two characters.
    """

    def width(t: str) -> float:
        return _line_width(size_px, t, primary)

    lines: list[str] = []
    for word in text.split():
        while width(word) > width_px and len(word) > 1:
            n = len(word) - 1
            while n > 1 and width(word[:n]) > width_px:
                n -= 1
            lines.append(word[:n])
            word = word[n:]
        if lines and width(f"{lines[-1]} {word}") <= width_px:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    for i in range(1, len(lines)):  # no line opens on a small kana or closing punctuation
        prev, line = lines[i - 1], lines[i]
        moved = prev[-1:] + line
        if line[:1] in _NO_LINE_START and len(prev) > 1 and width(moved) <= width_px:
            lines[i - 1], lines[i] = prev[:-1], moved
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
        text: the text, any script: each is drawn with a font that has it (Noto Sans CJK,
            Arabic, Hebrew, Thai, Devanagari; DejaVu Sans for Latin, Greek, Cyrillic), shaped
            and, for Arabic and Hebrew, laid out right to left. A character no installed
            font has is left out, never drawn as a box.
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
    primary = _primary(text)
    text = _displayable(text, primary)
    if not text.strip():
        cx, cy = (left + right) // 2, (top + bottom) // 2
        return TextLayout((), 0, (), (cx, cy, cx, cy), primary)
    font_px = max(max_font_px or round(min(size_px) * 0.08), _MIN_FONT_PX)
    while True:
        ascent, descent = _metrics(font_px, primary)
        line_h = ascent + descent + round(font_px * 0.08)
        lines = _wrap(text, font_px, primary, right - left)
        fits = len(lines) * line_h <= bottom - top
        if fits or font_px == _MIN_FONT_PX:
            break
        font_px = max(_MIN_FONT_PX, int(font_px * 0.9))
    if not fits:
        lines = lines[: max(1, (bottom - top) // line_h)]
        last = lines[-1]
        while last and _line_width(font_px, last + "...", primary) > right - left:
            last = last[:-1]
        lines[-1] = last + "..."
    boxes = [_line_ink(font_px, line, primary) for line in lines]
    y = top + (bottom - top - len(lines) * line_h) // 2
    origins: list[tuple[int, int]] = []
    ink = [right, bottom, left, top]
    for i, (bl, bt, br, bb) in enumerate(boxes):
        x = (left + right - round(br - bl)) // 2 - round(bl)
        oy = y + i * line_h + ascent
        origins.append((x, oy))
        ink = [
            min(ink[0], x + math.floor(bl)),
            min(ink[1], oy + math.floor(bt)),
            max(ink[2], x + math.ceil(br)),
            max(ink[3], oy + math.ceil(bb)),
        ]
    if ink[0] < left - pad or ink[1] < top - pad or ink[2] > right + pad or ink[3] > bottom + pad:
        return TextLayout((), 0, (), (left, top, left, top), primary)  # too small for "..."
    box = (ink[0], ink[1], ink[2], ink[3])
    return TextLayout(tuple(lines), font_px, tuple(origins), box, primary)


def _draw_runs(
    draw: ImageDraw.ImageDraw,
    layout: TextLayout,
    fill: tuple[int, ...] | int,
    shift: tuple[int, int] = (0, 0),
) -> None:
    for line, (x0, y0) in zip(layout.lines, layout.origins_px, strict=True):
        x = float(x0 + shift[0])
        for key, run in _visual(_runs(line, layout.face), layout.face):
            draw.text(
                (x, y0 + shift[1]),
                run,
                fill=fill,
                font=_font(layout.font_px, key),
                anchor="ls",
                direction=_shape_args(key)[0],
                language=_shape_args(key)[1],
            )
            x += _run_width(layout.font_px, (key, run))


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
    draw = ImageDraw.Draw(img, "RGBA")
    min_contrast = 3.0 if layout.font_px >= 24 else 4.5  # WCAG 2.x AA, large / normal text
    if float(lums.std()) > 0.12 or _contrast(lum, _luminance(ink)) < min_contrast:
        draw.rounded_rectangle(crop_box, radius=pad, fill=_rgba(halo, 0.55))
    mask = Image.new("L", (crop_box[2] - crop_box[0], crop_box[3] - crop_box[1]), 0)
    shift = max(1, layout.font_px // 24)
    _draw_runs(ImageDraw.Draw(mask), layout, 150, (-crop_box[0], -crop_box[1] + shift))
    mask = mask.filter(ImageFilter.GaussianBlur(max(1.0, layout.font_px / 16)))
    img.paste(halo, crop_box, mask)
    _draw_runs(draw, layout, ink)


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
