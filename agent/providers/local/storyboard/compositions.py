"""The 15 beat compositions, each drawn over the beat's scene."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from agent.providers.local.storyboard.colour import (
    _BLACK,
    _WHITE,
    RGB,
    Box,
    _contrast,
    _grey,
    _luminance,
    _mix,
    _Palette,
    _rgba,
)
from agent.providers.local.storyboard.macro import macro_layer
from agent.providers.local.storyboard.paint import (
    _field,
    _paste_layer,
    _radial,
    _soft_shadow,
    _vertical,
)
from agent.providers.local.storyboard.product import (
    _PRODUCT_ASPECT,
    LARGE,
    _photo_layer,
    _product_layer,
)
from agent.providers.local.storyboard.text import (
    _font,
    _label,
    draw_line,
    fit_line_px,
    title_safe_box,
)
from agent.spec import BeatType


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
    #: The y of the scene's ground line in pixels, or None when no place is painted.
    ground_y: int | None = None
    w: int = field(init=False)
    h: int = field(init=False)
    s: int = field(init=False)
    tall: bool = field(init=False)

    def __post_init__(self) -> None:
        self.w, self.h = self.img.size
        self.s, self.tall = min(self.w, self.h), self.h > self.w

    @property
    def scened(self) -> bool:
        """Whether a scene's place is painted under the composition (its own backdrop is not)."""
        return self.ground_y is not None

    def backdrop(self, paint: Callable[[], Image.Image], xy: tuple[int, int] = (0, 0)) -> None:
        """Paste the composition's own backdrop, unless a scene is painted there already."""
        if not self.scened:
            self.img.paste(paint(), xy)

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
    c.backdrop(lambda: _field(c.img.size, lambda x, y: (x + y) / 2, c.pal.base, c.pal.dark))
    d = c.draw()
    w, h, s = c.w, c.h, c.s
    k = 0.55 + c.rng.uniform(-0.05, 0.05)
    if c.scened:  # a thin accent stripe: the scene stays in view
        band = [(w * (k + 0.3), 0), (w * (k + 0.34), 0), (w * (k + 0.09), h), (w * (k + 0.05), h)]
        d.polygon(band, fill=_rgba(c.pal.accent, 0.85))
    else:
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


def _rainy_room(c: _Ctx, wall: RGB, floor: RGB, gy: int) -> None:
    """The problem beat's own backdrop: a grey room, rain on the window."""
    w, h, s = c.w, c.h, c.s
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


def _problem(c: _Ctx) -> tuple[Box, int]:
    wall, floor = _grey(c.pal.base, 0.5), _grey(_mix(c.pal.base, _BLACK, 0.45), 0.5)
    w, h, s = c.w, c.h, c.s
    gy = c.ground_y or round(h * (0.72 if not c.tall else 0.68))
    d = c.draw()
    if not c.scened:
        _rainy_room(c, wall, floor, gy)
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
    c.backdrop(
        lambda: _radial(
            c.img.size, _mix(c.pal.dark, warn, 0.3), _mix(c.pal.dark, _BLACK, 0.6), reach=0.8
        )
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


def _pedestal(c: _Ctx, cx: float, top: float, half_w: float, height: float) -> None:
    """A round pedestal whose top face is centred on (``cx``, ``top``), with its shadow."""
    d = c.draw()
    _soft_shadow(
        c.img,
        (
            round(cx - half_w * 1.2),
            round(top + height * 1.4),
            round(cx + half_w * 1.2),
            round(top + height * 2.6),
        ),
        c.s / 30,
        0.6,
        ellipse=True,
    )
    side = _mix(c.pal.support, _BLACK, 0.35)
    d.rectangle((cx - half_w, top, cx + half_w, top + height * 2), fill=side)
    d.ellipse((cx - half_w, top + height * 1.5, cx + half_w, top + height * 2.5), fill=side)
    d.ellipse(
        (cx - half_w, top - height * 0.5, cx + half_w, top + height * 0.5),
        fill=_mix(c.pal.support, _WHITE, 0.25),
    )


def _product_reveal(c: _Ctx) -> tuple[Box, int]:
    w, h, s = c.w, c.h, c.s
    if c.scened:  # unveiled on a pedestal standing in the scene, under a spotlight
        sl, st, sr, sb = title_safe_box(c.img.size)
        gy = c.ground_y if c.ground_y is not None else round(h * 0.7)
        top = min(max(gy, round(h * 0.62)), round(sb - s * 0.12))
        _pedestal(c, w / 2, top, s * 0.22, s * 0.05)
        ph_px = round(min(s * 0.42, top - st - s * 0.14))
        mh = min(ph_px, round(s * 0.5 / _product_aspect(c)))
        box = _place_product(
            c,
            (w // 2 + c.jitter(0.02), round(top - mh / 2)),
            round(s * 0.5),
            ph_px,
            glow=_mix(c.pal.accent, _WHITE, 0.4),
            floor=False,
        )
        beam = Image.new("L", c.img.size, 0)
        ImageDraw.Draw(beam).polygon(
            [(w / 2 - s * 0.05, 0), (w / 2 + s * 0.05, 0), (box[2], top), (box[0], top)], fill=60
        )
        c.img.paste(_WHITE, (0, 0, w, h), beam.filter(ImageFilter.GaussianBlur(s / 40)))
        return (sl, st, sr, max(st + s // 10, box[1] - s // 40)), round(s * 0.07)
    cy = 0.42 + c.rng.uniform(-0.02, 0.02)
    c.backdrop(
        lambda: _radial(
            c.img.size, c.pal.base, _mix(c.pal.dark, _BLACK, 0.6), centre=(0.5, cy), reach=0.55
        )
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
    c.backdrop(
        lambda: _field(
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
    c.backdrop(lambda: _field(c.img.size, lambda x, y: x * 0.7 + y * 0.3, c.pal.base, c.pal.dark))
    sl, st, sr, sb = title_safe_box(c.img.size)
    stacked = c.h * 1.1 >= c.w  # square and tall frames: product above, callouts under it
    if stacked:
        pbox = _place_product(c, (w // 2, round(h * 0.3)), round(w * 0.6), round(h * 0.28))
        lx0, ly0, lx1, ly1 = sl, round(h * 0.52), sr, round(h * 0.72)
    else:
        pbox = _place_product(c, (round(w * 0.3), h // 2), round(w * 0.4), round(h * 0.55))
        lx0, ly0, lx1, ly1 = round(w * 0.58), st, sr, round(h * 0.55)
    d = c.draw()
    lw = max(2, s // 260)
    if c.scened:  # a dark glass panel keeps the callouts legible over the scene
        d.rounded_rectangle(
            (lx0 - s * 0.02, ly0 - s * 0.01, lx1 + s * 0.01, ly1 + s * 0.01),
            radius=s // 40,
            fill=_rgba(_mix(c.pal.dark, _BLACK, 0.5), 0.6),
        )
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
    region = (sl, ly1, sr, sb) if stacked else (lx0, round(h * 0.58), sr, sb)
    return region, round(s * 0.065)


def _detail_closeup(c: _Ctx) -> tuple[Box, int]:
    """A macro shot: the product's most detailed part fills the frame, its material visible.

    The backdrop (or the scene) falls out of focus behind it; focus marks frame the shot.
    """
    w, h, s = c.w, c.h, c.s
    c.backdrop(lambda: _radial(c.img.size, c.pal.body, _mix(c.pal.base, _BLACK, 0.3), reach=0.8))
    c.img.paste(c.img.filter(ImageFilter.GaussianBlur(s / 40)))
    aspect = _product_aspect(c)
    height = max(16, round(min(h * 0.95, w * 0.95 / aspect)))
    if c.photo is not None:
        layer, kind = _photo_layer(c.photo, height), "photo"
    else:
        layer, kind = _product_layer(c.kind, height, c.pal), c.kind
    macro, (fx, fy) = macro_layer(layer, kind, c.img.size, c.rng)
    c.img.paste(macro, (0, 0), macro)
    # the set's colour spills over what is out of focus, none at the focus point
    spill = _field(c.img.size, lambda x, y: np.hypot(x - fx / w, y - fy / h) * 1.6, _BLACK, _WHITE)
    c.img.paste(
        Image.blend(c.img, Image.new("RGB", c.img.size, c.pal.base), 0.45),
        (0, 0),
        spill.convert("L"),
    )
    d = c.draw()
    ring = s * 0.09
    d.ellipse((fx - ring, fy - ring, fx + ring, fy + ring), outline=_rgba(_WHITE, 0.55), width=2)
    a, m = s * 0.06, s * 0.12
    for cx, cy, sx, sy2 in (
        (m, m, 1, 1),
        (w - m, m, -1, 1),
        (m, h - m, 1, -1),
        (w - m, h - m, -1, -1),
    ):
        d.line(
            [(cx, cy + a * sy2), (cx, cy), (cx + a * sx, cy)], fill=_WHITE, width=max(2, s // 200)
        )
    return (0, round(h * 0.72), w, h), round(s * 0.065)


def _hills(c: _Ctx, hy: int) -> None:
    """The lifestyle beat's own backdrop: a sky in the palette, a low sun, hills."""
    w, h, s = c.w, c.h, c.s
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


def _lifestyle(c: _Ctx) -> tuple[Box, int]:
    w, h, s = c.w, c.h, c.s
    hy = c.ground_y or round(h * (0.7 if not c.tall else 0.64))
    if not c.scened:
        _hills(c, hy)
    d = c.draw()
    fx, fh, ink = w * (0.3 if not c.tall else 0.32), s * 0.36, _mix(c.pal.dark, _BLACK, 0.4)
    _figure(d, fx, hy + s * 0.02, fh, ink, lean=0.4)
    if c.kind in LARGE:
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


def _social_proof_in_scene(c: _Ctx) -> tuple[Box, int]:
    """Stars and the customer's words on a glass card over the scene, the product above."""
    w, h, s = c.w, c.h, c.s
    sl, st, sr, sb = title_safe_box(c.img.size)
    card_top = round(h * (0.58 if c.tall else 0.5))
    _place_product(
        c,
        (w // 2 + c.jitter(0.02), round((st + card_top) / 2)),
        round(s * 0.45),
        round((card_top - st) * 0.85),
    )
    card = (sl, card_top, sr, sb)
    _soft_shadow(c.img, card, s / 25, 0.5, offset_px=(0, s // 50), radius_px=s // 30)
    d = c.draw()
    d.rounded_rectangle(card, radius=s // 30, fill=_rgba(_mix(c.pal.dark, _BLACK, 0.5), 0.78))
    sy, sr2 = card[1] + s * 0.06, s * 0.03
    for i in range(5):
        _star(d, ((card[0] + card[2]) / 2 + (i - 2) * sr2 * 2.4, sy), sr2, 0.45, 5, (245, 180, 30))
    inner = (card[0] + s // 25, round(sy + sr2 * 1.6), card[2] - s // 25, card[3] - s // 40)
    return inner, round(s * 0.065)


def _social_proof(c: _Ctx) -> tuple[Box, int]:
    if c.scened:
        return _social_proof_in_scene(c)
    w, h, s = c.w, c.h, c.s
    c.backdrop(lambda: _field(c.img.size, lambda x, y: y * 0.8 + x * 0.2, c.pal.base, c.pal.dark))
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
    if c.scened:  # the scene as it was (grey, dim) and as it is
        left = c.img.crop((0, 0, mid, h)).convert("L").point(lambda v: v * 3 // 4)
        c.img.paste(left.convert("RGB"), (0, 0))
    else:
        c.img.paste(_vertical((mid, h), _grey(c.pal.base, 0.85), _grey(c.pal.dark, 0.85)), (0, 0))
        c.img.paste(
            _radial((w - mid, h), _mix(c.pal.accent, _WHITE, 0.55), c.pal.base, reach=0.9),
            (mid, 0),
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
    c.backdrop(
        lambda: _radial(
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
    c.backdrop(lambda: _vertical(c.img.size, _mix(sepia, _WHITE, 0.15), _mix(sepia, _BLACK, 0.5)))
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
    """The product with a price tag tied to it; the offer's words go on the tag."""
    w, h, s = c.w, c.h, c.s
    bright = _mix(c.pal.accent, _WHITE, 0.3)
    c.backdrop(lambda: _radial(c.img.size, bright, c.pal.base, reach=0.75))
    d = c.draw()
    turn = c.rng.uniform(0, 20)
    if not c.scened:  # the sale's sunburst, only on the composition's own backdrop
        rays = 18
        for i in range(rays):
            a0 = math.radians(turn + i * 360 / rays)
            a1 = math.radians(turn + (i + 0.5) * 360 / rays)
            d.polygon(
                [
                    (w / 2, h / 2),
                    (w / 2 + 2 * w * math.cos(a0), h / 2 + 2 * w * math.sin(a0)),
                    (w / 2 + 2 * w * math.cos(a1), h / 2 + 2 * w * math.sin(a1)),
                ],
                fill=_rgba(_WHITE, 0.1),
            )
    sl, st, sr, sb = title_safe_box(c.img.size)
    if c.tall:
        pbox = _place_product(c, (w // 2, round(h * 0.64)), round(s * 0.6), round(h * 0.3))
        th, x0, x1 = s * 0.3, sl + s * 0.02, sr - s * 0.02
        y0 = max(st + s * 0.02, pbox[1] - th - s * 0.12)
    else:
        pbox = _place_product(c, (round(w * 0.32), round(h * 0.56)), round(s * 0.5), round(h * 0.5))
        th = s * 0.28
        x0 = max(pbox[2] + s * 0.06, w * 0.48)
        x1 = min(sr, x0 + s * 0.8)
        y0 = max(st, pbox[1] + s * 0.02)
    y1, ym = y0 + th, y0 + th / 2
    tag_colour = (
        _mix(c.pal.support, (255, 210, 40), 0.5)
        if _contrast(_luminance(c.pal.accent), _luminance((255, 210, 40))) < 1.5
        else (255, 210, 40)
    )
    tip = th * 0.38
    shape = [(x0 + tip, y0), (x1, y0), (x1, y1), (x0 + tip, y1), (x0, ym)]
    _soft_shadow(
        c.img,
        (round(x0), round(y0), round(x1), round(y1)),
        s / 40,
        0.5,
        offset_px=(0, s // 50),
    )
    d = c.draw()
    hole = (x0 + tip * 0.7, ym)
    anchor = (pbox[2] - (pbox[2] - pbox[0]) * 0.2, pbox[1] + (pbox[3] - pbox[1]) * 0.15)
    lw = max(2, s // 260)
    d.line([anchor, hole], fill=_WHITE, width=lw)  # the string, under the tag
    d.polygon(shape, fill=tag_colour)
    d.line([*shape, shape[0]], fill=_rgba(_WHITE, 0.8), width=lw)
    hr = th * 0.07
    d.ellipse(
        (hole[0] - hr, hole[1] - hr, hole[0] + hr, hole[1] + hr), fill=_mix(c.pal.base, _BLACK, 0.3)
    )
    return (
        round(x0 + tip + th * 0.08),
        round(y0 + th * 0.1),
        round(x1 - th * 0.1),
        round(y1 - th * 0.1),
    ), round(th * 0.4)


def _call_to_action(c: _Ctx) -> tuple[Box, int]:
    w, h, s = c.w, c.h, c.s
    c.backdrop(lambda: _radial(c.img.size, c.pal.base, c.pal.dark, centre=(0.5, 0.3)))
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
    card = _radial(c.img.size, _mix(c.pal.base, _WHITE, 0.08), c.pal.base, reach=0.6)
    # over a scene, the brand's colour veils it: the card still reads as the brand's
    c.img.paste(Image.blend(c.img, card, 0.6) if c.scened else card)
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
    draw_line(d, (cx, cy), name[0].upper(), round(r * 1.1), on_accent)
    base_ink = _WHITE if _luminance(c.pal.base) < 0.45 else _BLACK
    sl, _, sr, _ = title_safe_box(c.img.size)
    # the title band under the mark: the name fills it, whatever its script and length
    shown = name.upper()
    band_w, band_h = min(sr - sl, s * 1.1) * 0.8, s * 0.085
    name_px = fit_line_px(shown, band_w, band_h)
    draw_line(d, (cx, cy + r * 1.85), shown, name_px, base_ink, max_width_px=sr - sl)
    d.line(
        [(cx - s * 0.08, cy + r * 2.6), (cx + s * 0.08, cy + r * 2.6)],
        fill=c.pal.accent,
        width=max(2, s // 250),
    )
    return (0, round(cy + r * 2.75), w, h), round(s * 0.05)


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
