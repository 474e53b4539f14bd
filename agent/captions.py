"""Voiceover timing and captions: where each line goes, the SRT file, the burned-in style.

Lines are placed at their beats (:func:`place`) with their synthesised lengths, so the cues
follow the audio, not the script. The SRT (soft track, and the ``subtitles_v1.srt``
artifact) and the ASS file that libass burns in are written with pysubs2.

Burned captions sit inside the title-safe area: 10 % of the frame's width from each side and
10 % of its height from the bottom (the 80 % title-safe area of SMPTE RP 27.3, stricter than
EBU R 95's 90 % graphics-safe area, so captions survive any player's overscan or UI). Their
size follows the frame's short side (:data:`CAPTION_SIZE`): 40 px on 1280x720 and 720x1280,
59 px on 1080x1080, times the user's ``caption_scale``. The font has the language's glyphs:
DejaVu Sans Bold (Latin, Greek, Cyrillic; shipped in matplotlib's wheel) or the Noto faces the
storyboard uses for other scripts.

Two ways to put captions in the picture, one style: :func:`write_ass` for libass (FFmpeg's
``subtitles`` filter re-encodes a finished video with them: what refine does for clips from
real video models), and :func:`caption_image` for the offline motion renderer, which draws
them into its frames as it makes them, so the video is encoded once. Both place the text by
the same rules (size, outline, margins, bottom centre) from the same cues.
"""

from __future__ import annotations

import importlib.util
import math
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

import pysubs2
from PIL import Image, ImageDraw, ImageFont, features

#: Caption height against the frame's short side (at ``caption_scale`` 1.0).
CAPTION_SIZE: Final = 0.055
#: Title-safe margin, share of the frame's width (sides) and height (bottom).
SAFE_MARGIN: Final = 0.10
#: A line starts this long after its beat does, seconds (after the cut).
LEAD_S: Final = 0.15
#: Silence kept between two lines, seconds.
GAP_S: Final = 0.1
#: A line ends at least this long before the video does, seconds.
TAIL_S: Final = 0.05
#: Shortest cue worth showing, seconds.
MIN_CUE_S: Final = 0.3
#: Version of :func:`caption_image`'s drawing; bump when drawn captions look different, so
#: memoised chunks with the old ones are not reused.
DRAWING_VERSION: Final = 2

_SYSTEM_FONTS: Final = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
#: (file name, family libass matches) per language written outside Latin/Greek/Cyrillic.
_NOTO: Final[dict[str, tuple[str, str]]] = {
    "ja": ("NotoSansCJK-Bold.ttc", "Noto Sans CJK JP"),
    "zh": ("NotoSansCJK-Bold.ttc", "Noto Sans CJK SC"),
    "ko": ("NotoSansCJK-Bold.ttc", "Noto Sans CJK KR"),
    "ar": ("NotoSansArabic-Bold.ttf", "Noto Sans Arabic"),
    "fa": ("NotoSansArabic-Bold.ttf", "Noto Sans Arabic"),
    "he": ("NotoSansHebrew-Bold.ttf", "Noto Sans Hebrew"),
    "th": ("NotoSansThai-Bold.ttf", "Noto Sans Thai"),
    "hi": ("NotoSansDevanagari-Bold.ttf", "Noto Sans Devanagari"),
}
#: Face of each family inside the Noto CJK collection (``NotoSansCJK-Bold.ttc``).
_TTC_INDEX: Final[dict[str, int]] = {
    "Noto Sans CJK JP": 0, "Noto Sans CJK KR": 1, "Noto Sans CJK SC": 2, "Noto Sans CJK TC": 3,
}  # fmt: skip
#: Languages written without spaces between words: wrapped between any two characters.
_UNSPACED: Final = frozenset({"ja", "zh", "th"})


@dataclass(frozen=True)
class Cue:
    """One spoken line on the timeline.

    Attributes:
        beat_index: the beat it belongs to (0-based).
        text: the line.
        start_s, end_s: when it is spoken (and captioned), seconds from the start.
    """

    beat_index: int
    text: str
    start_s: float
    end_s: float


def place(lines: list[tuple[int, float, str, float]], total_s: float) -> list[Cue]:
    """Lay lines on the timeline, each at its beat's start and never over the previous line.

    A line starts :data:`LEAD_S` after its beat, or :data:`GAP_S` after the previous line
    ends if that is later; it is cut at the end of the video.

    Args:
        lines: (beat index, beat start in s, text, spoken length in s), in beat order.
        total_s: the video's length, seconds.

    Returns:
        Cues in beat order, inside ``[0, total_s]``; a line with no room left is dropped.
    """
    cues: list[Cue] = []
    free_s = 0.0
    for index, beat_start_s, text, length_s in lines:
        start_s = max(beat_start_s + LEAD_S, free_s)
        end_s = min(start_s + length_s, total_s - TAIL_S)
        if end_s - start_s < MIN_CUE_S:
            continue
        cues.append(Cue(index, text, round(start_s, 3), round(end_s, 3)))
        free_s = end_s + GAP_S
    return cues


def font_for(language: str) -> tuple[Path, str]:
    """The font file and family name captions in ``language`` are drawn with.

    Raises:
        FileNotFoundError: the font is not installed (names the Debian package).
    """
    noto = _NOTO.get(language)
    if noto is not None:
        file_name, family = noto
        for root in _SYSTEM_FONTS:
            found = next(iter(sorted(root.rglob(file_name))), None) if root.is_dir() else None
            if found is not None:
                return found, family
        package = "fonts-noto-cjk" if file_name.startswith("NotoSansCJK") else "fonts-noto-core"
        raise FileNotFoundError(f"no {file_name} for {language} captions: install {package}")
    spec = importlib.util.find_spec("matplotlib")
    for package_dir in (spec.submodule_search_locations or []) if spec else []:
        dejavu = Path(package_dir) / "mpl-data" / "fonts" / "ttf" / "DejaVuSans-Bold.ttf"
        if dejavu.is_file():
            return dejavu, "DejaVu Sans"
    raise FileNotFoundError("no DejaVuSans-Bold.ttf for captions: install matplotlib")


def fonts_dir(language: str, into: Path) -> tuple[Path, str]:
    """A directory holding only the captions' font (libass's ``fontsdir``), and its family.

    Args:
        language: ISO 639-1 code of the captions.
        into: an empty directory to link the font into.
    """
    path, family = font_for(language)
    link = into / path.name
    if not link.exists():
        os.symlink(path, link)
    return into, family


def _subs(cues: list[Cue]) -> pysubs2.SSAFile:
    subs = pysubs2.SSAFile()
    for cue in cues:
        subs.append(
            pysubs2.SSAEvent(
                start=round(cue.start_s * 1000), end=round(cue.end_s * 1000), text=cue.text
            )
        )
    return subs


def write_srt(cues: list[Cue], path: Path) -> None:
    """Write the cues as an SRT file (UTF-8)."""
    _subs(cues).save(os.fspath(path), format_="srt", encoding="utf-8")


def caption_size_px(size_px: tuple[int, int], scale: float = 1.0) -> int:
    """Caption font size for a frame of ``size_px`` (width, height), pixels."""
    return max(12, round(min(size_px) * CAPTION_SIZE * scale))


def write_ass(
    cues: list[Cue], path: Path, size_px: tuple[int, int], family: str, scale: float = 1.0
) -> None:
    """Write the cues as an ASS file styled for burning in (see the module docstring).

    Args:
        cues: the lines.
        path: where to write.
        size_px: (width, height) of the video, pixels; the script's resolution.
        family: the font family (:func:`font_for`).
        scale: the user's caption scale (1.0 default).
    """
    width, height = size_px
    subs = _subs(cues)
    subs.info["PlayResX"] = str(width)
    subs.info["PlayResY"] = str(height)
    subs.info["WrapStyle"] = "0"
    size = caption_size_px(size_px, scale)
    subs.styles["Default"] = pysubs2.SSAStyle(
        fontname=family,
        fontsize=size,
        bold=True,
        primarycolor=pysubs2.Color(255, 255, 255),
        outlinecolor=pysubs2.Color(0, 0, 0),
        backcolor=pysubs2.Color(0, 0, 0, 128),
        outline=max(1.0, size / 12),
        shadow=0,
        alignment=pysubs2.Alignment.BOTTOM_CENTER,
        marginl=round(width * SAFE_MARGIN),
        marginr=round(width * SAFE_MARGIN),
        marginv=round(height * SAFE_MARGIN),
    )
    subs.save(os.fspath(path), format_="ass", encoding="utf-8")


def caption_outline_px(size_px: tuple[int, int], scale: float = 1.0) -> float:
    """Width of the black outline around the captions' letters, pixels (ASS ``Outline``)."""
    return max(1.0, caption_size_px(size_px, scale) / 12)


@cache
def _font(path: Path, family: str, size: int) -> ImageFont.FreeTypeFont:
    """The font at a libass font size: libass fits ascender + descender into ``size``."""
    engine = ImageFont.Layout.RAQM if features.check_feature("raqm") else ImageFont.Layout.BASIC
    index = _TTC_INDEX.get(family, 0)
    probe = ImageFont.truetype(os.fspath(path), 1000, index=index, layout_engine=engine)
    ascent, descent = probe.getmetrics()  # at 1000 px, so whole-pixel rounding is negligible
    em_px = max(1, round(size * 1000 / max(1, ascent + descent)))
    return ImageFont.truetype(os.fspath(path), em_px, index=index, layout_engine=engine)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width_px: float, unspaced: bool) -> list[str]:
    """Break ``text`` into lines no wider than ``width_px`` (a long word stays whole).

    Greedy over words (characters for languages written without spaces), then evened out:
    the same number of lines, each as close to the same width as the words allow, as
    libass's smart wrapping (``WrapStyle 0``) does.
    """
    units = list(text) if unspaced else text.split()
    sep = "" if unspaced else " "
    if not units:
        return []

    def fits(parts: list[str], limit: float) -> list[str] | None:
        lines: list[str] = []
        for unit in parts:
            candidate = f"{lines[-1]}{sep}{unit}" if lines else unit
            if lines and font.getlength(candidate) <= limit:
                lines[-1] = candidate
            else:
                lines.append(unit)
        return lines

    greedy = fits(units, width_px) or []
    if len(greedy) < 2:
        return greedy
    low, high = width_px / len(greedy), width_px  # the narrowest width that keeps the count
    for _ in range(12):
        mid = (low + high) / 2
        if len(fits(units, mid) or []) <= len(greedy):
            high = mid
        else:
            low = mid
    return [line.strip() for line in fits(units, high) or greedy]


@dataclass(frozen=True)
class CaptionImage:
    """One caption drawn for the motion renderer.

    Attributes:
        image: RGBA, white letters with a black outline on transparency; even width and
            height.
        left_px, top_px: where its top-left corner goes on the frame, both even (so it lines
            up with the half-size chroma planes of ``yuv420p``).
    """

    image: Image.Image
    left_px: int
    top_px: int


def caption_image(
    text: str, size_px: tuple[int, int], language: str, scale: float = 1.0
) -> CaptionImage:
    """Draw one caption as libass draws :func:`write_ass`'s style, for a frame of ``size_px``.

    Same font (:func:`font_for`), size (:func:`caption_size_px`, as libass sizes fonts:
    ascender + descender), outline (:func:`caption_outline_px`), wrapping inside the
    title-safe width, centred, its last line's box :data:`SAFE_MARGIN` of the height above
    the bottom. Scripts written right to left or with joined letters are shaped with raqm.

    Args:
        text: the cue's text.
        size_px: (width, height) of the video, pixels.
        language: ISO 639-1 code (picks the font).
        scale: the user's caption scale (1.0 default).

    Raises:
        FileNotFoundError: the language's font is not installed (names the package).
    """
    width, height = size_px
    path, family = font_for(language)
    font = _font(path, family, caption_size_px(size_px, scale))
    stroke = round(caption_outline_px(size_px, scale))
    margin = round(width * SAFE_MARGIN)
    lines = _wrap(text, font, width - 2 * margin - 2 * stroke, language in _UNSPACED) or [""]
    ascent, descent = font.getmetrics()
    line_h = ascent + descent
    boxes = [font.getbbox(line, stroke_width=stroke) for line in lines]
    text_w = math.ceil(max(b[2] - b[0] for b in boxes))
    img_w = min(width, text_w + 2 * stroke + 4)
    img_h = line_h * len(lines) + 2 * stroke + 4
    img_w, img_h = img_w + img_w % 2, img_h + img_h % 2
    image = Image.new("RGBA", (img_w, img_h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    for k, (line, box) in enumerate(zip(lines, boxes, strict=True)):
        x = (img_w - (box[2] - box[0])) / 2 - box[0]
        y = stroke + 2 + k * line_h
        draw.text(
            (x, y), line, font=font, fill=(255, 255, 255, 255),
            stroke_width=stroke, stroke_fill=(0, 0, 0, 255),
        )  # fmt: skip
    left = max(0, (width - img_w) // 2)
    top = max(0, height - round(height * SAFE_MARGIN) - img_h + stroke + 2)
    return CaptionImage(image, left - left % 2, top - top % 2)
