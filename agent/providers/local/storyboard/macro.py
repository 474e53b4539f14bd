"""The detail close-up: a macro crop of the product drawing with its material's texture.

A close-up in an ad is the product seen from a hand's width: one part of it fills the frame
(the laces of a shoe, the dial of a watch, the label of a bottle), sharp where the lens
focuses and soft around it, with the surface visible (knit, grain, brushed metal, glass).
:func:`macro_layer` finds the most detailed part of the product drawing (or photo), crops a
window around it, enlarges it to the frame and lays the material's texture
(``data/materials.toml``) over the product's pixels only.
"""

from __future__ import annotations

import random
import tomllib
from functools import cache
from importlib import resources

import numpy as np
from PIL import Image, ImageFilter

#: How much the crop enlarges the product drawing: the window is 1/ZOOM of the frame.
ZOOM = 2.4


@cache
def materials() -> dict[str, str]:
    """Archetype -> material, from ``data/materials.toml`` (missing archetypes: "smooth")."""
    text = (
        resources.files("agent.providers.local")
        .joinpath("data", "materials.toml")
        .read_text("utf-8")
    )
    return {kind: material for material, kinds in tomllib.loads(text).items() for kind in kinds}


def focus_point(layer: Image.Image) -> tuple[int, int]:
    """The most detailed point of an RGBA drawing: where light changes most, inside the product.

    Detail is the luminance gradient, weighted by opacity and smoothed over about a tenth of
    the drawing, so an edge of the silhouette counts less than lines inside it.

    Returns:
        (x, y) in the layer's pixels.
    """
    small = layer.copy()
    small.thumbnail((96, 96))
    px = np.asarray(small, dtype=np.float32) / 255
    lum = px[..., :3] @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    alpha = px[..., 3]
    gy, gx = np.gradient(lum)
    inside = np.clip(alpha * 2 - 1, 0, 1)  # opaque interior, not the silhouette's rim
    detail = np.hypot(gx, gy) * inside
    img = Image.fromarray(np.uint8(np.clip(detail / (detail.max() + 1e-6) * 255, 0, 255)), "L")
    blurred = np.asarray(img.filter(ImageFilter.BoxBlur(max(1, small.width // 10))), np.float32)
    score = blurred * (inside > 0.5) + inside * 1e-3  # no inner lines: any opaque point
    y, x = np.unravel_index(int(np.argmax(score)), score.shape)
    return round((x + 0.5) * layer.width / small.width), round(
        (y + 0.5) * layer.height / small.height
    )


def _noise(
    gen: np.random.Generator, cells: tuple[int, int], size_px: tuple[int, int]
) -> np.ndarray:
    """Seeded normal noise on a grid of ``cells`` (columns, rows), stretched to ``size_px``."""
    grid = gen.standard_normal((cells[1], cells[0])).astype(np.float32)
    return np.asarray(Image.fromarray(grid, "F").resize(size_px, Image.Resampling.BILINEAR))


def _texture(material: str, size_px: tuple[int, int], rng: random.Random) -> np.ndarray:
    """A relief in [-1, 1] of ``material``'s surface, ``size_px`` (width, height)."""
    w, h = size_px
    s = min(w, h)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    gen = np.random.default_rng(rng.randrange(2**32))
    noise = _noise(gen, (max(1, w // 3), max(1, h // 3)), size_px)
    period = s / 48
    if material == "mesh":
        holes = np.cos(xx * 2 * np.pi / period) * np.cos(yy * 2 * np.pi / period) > 0.55
        relief = np.where(holes, -1.0, 0.15)
    elif material == "leather":
        relief = np.tanh(noise * 0.9) * 0.7
        stitch_y = h * rng.uniform(0.6, 0.75)
        on = (np.abs(yy - stitch_y) < s * 0.006) & ((xx % (s / 30)) < s / 55)
        relief = np.where(on, 1.0, relief)
    elif material == "metal":
        relief = _noise(gen, (max(1, w // 40), h), size_px) * 0.35
        relief += np.exp(-(((yy - h * 0.3) / (s * 0.05)) ** 2)) * 0.9  # the specular band
    elif material == "glass":
        diag = (xx + yy) / s
        relief = np.exp(-(((diag - 0.55) / 0.04) ** 2)) + 0.6 * np.exp(
            -(((diag - 0.75) / 0.015) ** 2)
        )
    elif material == "fabric":
        relief = (
            0.5
            * np.sign(np.sin(xx * 2 * np.pi / period))
            * np.sign(np.sin(yy * 2 * np.pi / period))
            + 0.2 * noise
        )
    elif material == "paper":
        relief = np.tanh(noise * 0.6) * 0.45
    elif material == "crumb":
        relief = np.tanh(noise * 2.0) * 0.9
    elif material == "fur":
        relief = _noise(gen, (w, max(1, h // 24)), size_px) * 0.5
    else:  # smooth: a broad gloss
        relief = np.exp(-(((xx - w * 0.35) / (s * 0.25)) ** 2 + ((yy - h * 0.3) / (s * 0.2)) ** 2))
    return np.clip(relief, -1, 1)


def macro_layer(
    layer: Image.Image, kind: str, size_px: tuple[int, int], rng: random.Random
) -> tuple[Image.Image, tuple[int, int]]:
    """Crop ``layer`` around its most detailed point, enlarge it to ``size_px``, texture it.

    Args:
        layer: the product as an RGBA drawing (or photo card), about the frame's height.
        kind: the product's archetype (its material comes from ``data/materials.toml``;
            a photo is given ``"photo"``, which is left untextured).
        size_px: the frame's (width, height) in pixels.
        rng: the frame's random source (texture placement).

    Returns:
        The RGBA macro layer of ``size_px``, and the focus point in it (x, y) in pixels,
        which stays sharp while the rest falls out of focus.
    """
    full_w, full_h = size_px
    w, h = max(2, full_w // 2), max(2, full_h // 2)  # drawn at half size: a macro is soft
    fx, fy = focus_point(layer)
    cw, ch = max(2, round(w / ZOOM)), max(2, round(h / ZOOM))
    fx += round(rng.uniform(-0.12, 0.12) * cw)  # each seed frames the detail a little apart
    fy += round(rng.uniform(-0.12, 0.12) * ch)
    x0 = (
        min(max(fx - cw // 2, 0), max(0, layer.width - cw))
        if layer.width > cw
        else (layer.width - cw) // 2
    )
    y0 = (
        min(max(fy - ch // 2, 0), max(0, layer.height - ch))
        if layer.height > ch
        else (layer.height - ch) // 2
    )
    crop = layer.crop((x0, y0, x0 + cw, y0 + ch)).resize((w, h), Image.Resampling.BICUBIC)
    focus = (round((fx - x0) * w / cw), round((fy - y0) * h / ch))
    px = np.asarray(crop, dtype=np.float32)
    if kind != "photo":
        relief = _texture(materials().get(kind, "smooth"), (w, h), rng)
        rgb = (
            px[..., :3] * (1 + 0.28 * relief[..., None])
            + 255 * 0.12 * np.clip(relief, 0, 1)[..., None]
        )
        px = np.concatenate([np.clip(rgb, 0, 255), px[..., 3:]], axis=-1)
    sharp = Image.fromarray(np.uint8(px + 0.5), "RGBA")
    soft = sharp.filter(ImageFilter.GaussianBlur(min(w, h) / 70))
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    dist = np.hypot((xx - focus[0]) / w, (yy - focus[1]) / h)
    keep = np.uint8(np.clip(1.6 - dist * 4.0, 0, 1) * 255)  # sharp within ~15 % of the frame
    soft.paste(sharp, (0, 0), Image.fromarray(keep, "L"))
    scale = full_w / w
    focus_px = (round(focus[0] * scale), round(focus[1] * full_h / h))
    return soft.resize(size_px, Image.Resampling.BILINEAR), focus_px
