"""Drawing primitives: gradient fields, vignettes, soft shadows, layers with shadows."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from agent.providers.local.storyboard.colour import _BLACK, RGB, Box

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
