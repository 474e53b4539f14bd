"""Product archetypes: one recognisable vector drawing per product category.

:func:`product_kind` picks the archetype: the spec's ``category`` when it names one, else the
words of the product's name looked up in the shared :mod:`.lexicon` (any of its languages),
else a generic package. Each drawing is made of a few flat shapes in the palette's body and
accent colours, drawn at 2x and reduced for smooth edges.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PIL import Image, ImageDraw

from agent.providers.local.brief import archetype_of
from agent.providers.local.storyboard.colour import _BLACK, _WHITE, _mix, _Palette

#: Products drawn beside a person rather than held in a hand.
LARGE = frozenset({"car", "bike", "furniture", "suitcase", "lamp", "pet"})


def product_kind(product: str, category: str = "") -> str:
    """Which archetype stands for the product.

    Args:
        product: the spec's product name, any language ("Kopfhörer", "zapatillas", "口红").
        category: the spec's category; used when it names an archetype.

    Returns:
        One of :data:`ARCHETYPES`: the category, else the archetype of the longest product
        word in ``product`` (``data/categories.toml``, shared with the brief reader), else
        "box", a generic package.
    """
    if category in ARCHETYPES:
        return category
    kind = archetype_of(product)  # the brief reader's lexicon, data/categories.toml
    return kind if kind in ARCHETYPES else "box"


class _Pen:
    """Normalised drawing on a ``w`` x ``h`` RGBA layer: coordinates are fractions."""

    def __init__(self, layer: Image.Image, pal: _Palette) -> None:
        self.w, self.h = layer.size
        self.d = ImageDraw.Draw(layer, "RGBA")
        self.body, self.acc = pal.body, pal.accent
        self.base = pal.base
        self.shade, self.hi = _mix(self.body, _BLACK, 0.35), _mix(self.body, _WHITE, 0.55)
        self.dark = _mix(self.body, _BLACK, 0.7)

    def p(self, *xy: float) -> list[tuple[float, float]]:
        return [(xy[i] * self.w, xy[i + 1] * self.h) for i in range(0, len(xy), 2)]

    def bx(self, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        return (x0 * self.w, y0 * self.h, x1 * self.w, y1 * self.h)

    def rect(self, x0: float, y0: float, x1: float, y1: float, fill: object, r: float = 0) -> None:
        self.d.rounded_rectangle(self.bx(x0, y0, x1, y1), radius=r * self.w, fill=fill)  # type: ignore[arg-type]

    def oval(self, x0: float, y0: float, x1: float, y1: float, fill: object) -> None:
        self.d.ellipse(self.bx(x0, y0, x1, y1), fill=fill)  # type: ignore[arg-type]

    def poly(self, fill: object, *xy: float) -> None:
        self.d.polygon(self.p(*xy), fill=fill)  # type: ignore[arg-type]

    def line(self, fill: object, width: float, *xy: float) -> None:
        self.d.line(self.p(*xy), fill=fill, width=max(2, round(width * self.w)))  # type: ignore[arg-type]

    def shine(self, x0: float, y0: float, x1: float, y1: float) -> None:
        """A highlight strip, opaque: a translucent fill on a layer lets the frame through."""
        self.rect(x0, y0, x1, y1, _mix(self.body, _WHITE, 0.4), (x1 - x0) / 2)


def _shoe(k: _Pen) -> None:
    k.poly(
        k.body,
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
    )
    k.poly(k.shade, 0.82, 0.43, 0.92, 0.48, 0.99, 0.66, 0.99, 0.8, 0.84, 0.8)
    k.poly(k.dark, 0.1, 0.14, 0.2, 0.1, 0.29, 0.3, 0.2, 0.34)
    k.poly(k.acc, 0.03, 0.42, 0.08, 0.12, 0.13, 0.14, 0.09, 0.5)
    k.poly(k.acc, 0.14, 0.74, 0.62, 0.42, 0.72, 0.46, 0.3, 0.76)
    for i in range(4):
        k.line(k.hi, 0.01, 0.44 + i * 0.07, 0.26 + i * 0.06, 0.5 + i * 0.07, 0.2 + i * 0.06)
    k.rect(0.01, 0.74, 0.995, 0.94, k.hi, 0.05)
    k.rect(0.03, 0.88, 0.98, 0.94, _mix(k.hi, _BLACK, 0.3))


def _boot(k: _Pen) -> None:
    k.poly(
        k.body,
        0.1,
        0.02,
        0.5,
        0.02,
        0.52,
        0.5,
        0.8,
        0.58,
        0.96,
        0.68,
        0.98,
        0.84,
        0.06,
        0.84,
        0.08,
        0.4,
    )
    k.poly(k.shade, 0.52, 0.5, 0.8, 0.58, 0.96, 0.68, 0.98, 0.84, 0.6, 0.84)
    k.rect(0.08, 0.0, 0.52, 0.08, k.acc, 0.02)
    for i in range(6):
        y = 0.14 + i * 0.07
        k.line(k.hi, 0.012, 0.36, y, 0.5, y + 0.03)
        k.oval(0.34, y - 0.015, 0.38, y + 0.015, k.dark)
    k.rect(0.03, 0.82, 1.0, 1.0, _mix(k.dark, _BLACK, 0.3), 0.03)
    for i in range(9):
        k.rect(0.06 + i * 0.1, 0.94, 0.1 + i * 0.1, 1.0, k.dark)
    k.line(k.acc, 0.01, 0.06, 0.8, 0.98, 0.8)


def _bottle(k: _Pen) -> None:
    k.rect(0.32, 0, 0.68, 0.13, k.acc, 0.04)
    k.rect(0.39, 0.12, 0.61, 0.22, k.shade)
    k.rect(0.04, 0.2, 0.96, 1, k.body, 0.28)
    k.rect(0.04, 0.5, 0.96, 0.76, _mix(k.acc, _WHITE, 0.25))
    k.rect(0.04, 0.58, 0.96, 0.6, k.acc)
    k.shine(0.14, 0.28, 0.24, 0.94)


def _can(k: _Pen) -> None:
    k.rect(0.02, 0.04, 0.98, 0.98, k.body, 0.12)
    k.oval(0.02, 0.0, 0.98, 0.1, _mix(k.hi, (200, 200, 205), 0.6))
    k.oval(0.3, 0.02, 0.6, 0.07, (150, 150, 156))
    k.rect(0.02, 0.36, 0.98, 0.66, k.acc)
    k.poly(_mix(k.acc, _WHITE, 0.4), 0.02, 0.52, 0.98, 0.4, 0.98, 0.46, 0.02, 0.58)
    k.rect(0.02, 0.92, 0.98, 0.98, (170, 170, 176), 0.1)
    k.shine(0.12, 0.12, 0.2, 0.88)


def _cup(k: _Pen, steam: bool = False, coffee: bool = False) -> None:
    k.d.arc(k.bx(0.62, 0.36, 0.98, 0.72), 270, 90, fill=k.body, width=round(0.07 * k.w))
    k.poly(k.body, 0.04, 0.3, 0.8, 0.3, 0.72, 0.96, 0.12, 0.96)
    k.oval(0.04, 0.25, 0.8, 0.36, _mix(k.body, _WHITE, 0.2))
    k.oval(0.08, 0.27, 0.76, 0.34, (92, 56, 34) if coffee else _mix(k.acc, _WHITE, 0.3))
    k.rect(0.14, 0.52, 0.7, 0.66, k.acc)
    k.shine(0.16, 0.4, 0.22, 0.9)
    if steam:
        for x in (0.26, 0.42, 0.58):
            k.d.arc(
                k.bx(x - 0.06, 0.02, x + 0.06, 0.14),
                90,
                270,
                fill=(255, 255, 255, 170),
                width=max(2, round(0.02 * k.w)),
            )
            k.d.arc(
                k.bx(x - 0.06, 0.12, x + 0.06, 0.24),
                270,
                90,
                fill=(255, 255, 255, 170),
                width=max(2, round(0.02 * k.w)),
            )


def _coffee(k: _Pen) -> None:
    """A takeaway cup: lid, tapered paper body, a sleeve with a bean on it."""
    k.poly(k.body, 0.1, 0.14, 0.9, 0.14, 0.8, 1.0, 0.2, 1.0)
    k.rect(0.02, 0.06, 0.98, 0.16, k.dark, 0.04)
    k.rect(0.14, 0.0, 0.86, 0.08, _mix(k.dark, _WHITE, 0.2), 0.04)
    k.poly(_mix(k.acc, (120, 80, 50), 0.45), 0.13, 0.4, 0.87, 0.4, 0.84, 0.7, 0.16, 0.7)
    k.oval(0.4, 0.46, 0.6, 0.64, (86, 52, 30))
    k.line((50, 30, 18), 0.015, 0.5, 0.47, 0.48, 0.63)
    k.shine(0.2, 0.2, 0.26, 0.92)


def _jar(k: _Pen) -> None:
    k.rect(0.1, 0.0, 0.9, 0.16, k.acc, 0.04)
    for i in range(5):
        k.line(_mix(k.acc, _BLACK, 0.3), 0.01, 0.16 + i * 0.16, 0.02, 0.16 + i * 0.16, 0.14)
    k.rect(0.02, 0.14, 0.98, 1.0, k.body, 0.14)
    k.rect(0.14, 0.42, 0.86, 0.78, _mix(k.acc, _WHITE, 0.55), 0.04)
    k.oval(0.36, 0.5, 0.64, 0.7, k.acc)
    k.shine(0.1, 0.22, 0.18, 0.9)


def _tube(k: _Pen) -> None:
    k.poly(k.body, 0.08, 0.0, 0.92, 0.0, 0.86, 0.78, 0.14, 0.78)
    k.rect(0.04, 0.0, 0.96, 0.05, k.shade)
    k.rect(0.26, 0.76, 0.74, 1.0, k.acc, 0.1)
    k.rect(0.2, 0.28, 0.8, 0.5, _mix(k.acc, _WHITE, 0.4), 0.04)
    k.line(k.acc, 0.02, 0.24, 0.56, 0.76, 0.56)
    k.shine(0.18, 0.08, 0.26, 0.7)


def _box(k: _Pen) -> None:
    k.poly(k.body, 0.05, 0.3, 0.5, 0.42, 0.5, 1, 0.05, 0.86)
    k.poly(k.shade, 0.5, 0.42, 0.95, 0.3, 0.95, 0.86, 0.5, 1)
    k.poly(k.hi, 0.05, 0.3, 0.5, 0.18, 0.95, 0.3, 0.5, 0.42)
    k.poly(k.acc, 0.24, 0.25, 0.7, 0.37, 0.7, 0.94, 0.62, 0.96, 0.62, 0.4, 0.16, 0.27)
    k.poly(_mix(k.acc, _BLACK, 0.3), 0.7, 0.37, 0.79, 0.35, 0.79, 0.91, 0.7, 0.94)


def _bag(k: _Pen) -> None:
    k.d.arc(k.bx(0.24, 0.0, 0.76, 0.5), 180, 360, fill=k.shade, width=round(0.06 * k.w))
    k.poly(k.body, 0.08, 0.3, 0.92, 0.3, 1.0, 1.0, 0.0, 1.0)
    k.poly(k.shade, 0.08, 0.3, 0.92, 0.3, 0.94, 0.44, 0.06, 0.44)
    k.rect(0.4, 0.4, 0.6, 0.5, k.acc, 0.02)
    k.line(_mix(k.body, _WHITE, 0.3), 0.006, 0.04, 0.9, 0.96, 0.9)


def _screen(k: _Pen, x0: float, y0: float, x1: float, y1: float, app: bool) -> None:
    k.rect(x0, y0, x1, y1, _mix(k.acc, k.base, 0.35), 0.04)
    ww, hh = x1 - x0, y1 - y0
    if app:
        k.rect(x0, y0, x1, y0 + hh * 0.12, k.acc)
        k.oval(x0 + ww * 0.3, y0 + hh * 0.18, x0 + ww * 0.7, y0 + hh * 0.18 + ww * 0.4, k.hi)
        for i in range(3):
            y = y0 + hh * (0.52 + i * 0.11)
            k.rect(
                x0 + ww * 0.1, y, x0 + ww * (0.9 - 0.15 * i), y + hh * 0.05, (255, 255, 255, 190)
            )
        k.rect(x0 + ww * 0.2, y1 - hh * 0.1, x1 - ww * 0.2, y1 - hh * 0.04, k.hi, 0.04)
    else:
        for i in range(9):
            x, y = x0 + ww * (0.12 + (i % 3) * 0.28), y0 + hh * (0.1 + (i // 3) * 0.14)
            k.rect(x, y, x + ww * 0.2, y + hh * 0.09, _mix(k.hi, k.acc, 0.2), 0.03)
    k.poly(
        _mix(_mix(k.acc, k.base, 0.35), _WHITE, 0.12),
        x0,
        y0 + hh * 0.5,
        x1,
        y0 + hh * 0.2,
        x1,
        y0 + hh * 0.38,
        x0,
        y0 + hh * 0.68,
    )


def _phone(k: _Pen) -> None:
    k.rect(0, 0, 1, 1, k.dark, 0.14)
    _screen(k, 0.06, 0.035, 0.94, 0.965, False)
    k.rect(0.36, 0.05, 0.64, 0.075, _BLACK, 0.02)


def _app_screen(k: _Pen) -> None:
    """An app window: title bar with three dots, a sidebar, a rising bar chart."""
    k.rect(0.0, 0.0, 1.0, 1.0, _mix(k.hi, _WHITE, 0.6), 0.05)
    k.rect(0.0, 0.0, 1.0, 0.14, k.dark, 0.05)
    k.rect(0.0, 0.08, 1.0, 0.14, k.dark)
    for i, colour in enumerate(((240, 90, 80), (245, 190, 60), (90, 200, 100))):
        k.oval(0.04 + i * 0.06, 0.04, 0.08 + i * 0.06, 0.1, colour)
    k.rect(0.0, 0.14, 0.24, 1.0, k.body, 0.0)
    for i in range(4):
        k.rect(0.04, 0.24 + i * 0.12, 0.2, 0.29 + i * 0.12, _mix(k.body, _WHITE, 0.5), 0.01)
    for i in range(5):
        top = 0.8 - 0.11 * i - 0.04 * (i % 2)
        k.rect(0.32 + i * 0.13, top, 0.42 + i * 0.13, 0.9, k.acc, 0.01)
    k.line(k.shade, 0.012, 0.3, 0.62, 0.5, 0.5, 0.66, 0.54, 0.94, 0.24)


def _tablet(k: _Pen) -> None:
    k.rect(0, 0, 1, 1, k.dark, 0.06)
    _screen(k, 0.04, 0.05, 0.96, 0.95, False)


def _laptop(k: _Pen) -> None:
    k.rect(0.1, 0.0, 0.9, 0.78, k.dark, 0.03)
    _screen(k, 0.13, 0.04, 0.87, 0.74, True)
    k.poly(k.hi, 0.02, 0.8, 0.98, 0.8, 1.0, 0.94, 0.0, 0.94)
    k.rect(0.0, 0.94, 1.0, 1.0, k.shade, 0.01)
    k.rect(0.42, 0.8, 0.58, 0.84, k.shade, 0.01)


def _headphones(k: _Pen) -> None:
    k.d.arc(k.bx(0.12, 0.02, 0.88, 0.9), 180, 360, fill=k.body, width=round(0.07 * k.w))
    for x0 in (0.02, 0.74):
        k.rect(x0 + 0.04, 0.42, x0 + 0.2, 0.92, k.shade, 0.06)
        k.rect(x0, 0.46, x0 + 0.24, 0.96, k.body, 0.09)
        k.rect(x0 + 0.05, 0.56, x0 + 0.19, 0.86, k.acc, 0.05)


def _speaker(k: _Pen) -> None:
    k.rect(0.0, 0.0, 1.0, 1.0, k.body, 0.14)
    k.oval(0.2, 0.08, 0.8, 0.38, k.dark)
    k.oval(0.34, 0.16, 0.66, 0.3, k.shade)
    k.oval(0.1, 0.44, 0.9, 0.94, k.dark)
    k.oval(0.3, 0.58, 0.7, 0.8, k.shade)
    k.oval(0.45, 0.65, 0.55, 0.73, k.acc)


def _camera(k: _Pen) -> None:
    k.rect(0.3, 0.02, 0.6, 0.2, k.dark, 0.03)
    k.rect(0.0, 0.14, 1.0, 1.0, k.body, 0.08)
    k.rect(0.0, 0.3, 1.0, 0.84, k.shade)
    k.oval(0.26, 0.22, 0.74, 0.94, k.dark)
    k.oval(0.34, 0.34, 0.66, 0.82, _mix(k.acc, _BLACK, 0.4))
    k.oval(0.42, 0.46, 0.52, 0.6, (255, 255, 255, 150))
    k.rect(0.8, 0.2, 0.92, 0.28, k.acc, 0.02)


def _watch(k: _Pen) -> None:
    k.rect(0.22, 0, 0.78, 0.32, k.shade, 0.08)
    k.rect(0.22, 0.68, 0.78, 1, k.shade, 0.08)
    k.rect(0.92, 0.44, 1, 0.56, k.hi, 0.02)
    k.oval(0.02, 0.24, 0.94, 0.76, k.hi)
    k.oval(0.1, 0.285, 0.86, 0.715, k.dark)
    k.line(_WHITE, 0.025, 0.48, 0.5, 0.48, 0.34)
    k.line(k.acc, 0.02, 0.48, 0.5, 0.7, 0.54)


def _jewellery(k: _Pen) -> None:
    gold = _mix((212, 175, 55), k.body, 0.2)
    k.d.ellipse(k.bx(0.06, 0.3, 0.94, 1.0), outline=gold, width=round(0.09 * k.w))
    k.d.ellipse(
        k.bx(0.1, 0.34, 0.9, 0.96), outline=_mix(gold, _WHITE, 0.4), width=round(0.02 * k.w)
    )
    k.poly(_mix(k.acc, _WHITE, 0.5), 0.3, 0.16, 0.5, 0.0, 0.7, 0.16, 0.5, 0.4)
    k.poly(_mix(k.acc, _WHITE, 0.2), 0.3, 0.16, 0.7, 0.16, 0.5, 0.4)
    k.poly((255, 255, 255, 160), 0.4, 0.08, 0.5, 0.0, 0.5, 0.16)


def _perfume(k: _Pen) -> None:
    k.oval(0.3, 0.0, 0.7, 0.3, k.acc)
    k.oval(0.38, 0.04, 0.5, 0.12, (255, 255, 255, 110))
    k.rect(0.42, 0.26, 0.58, 0.4, _mix(k.hi, (200, 200, 200), 0.5))
    glass = (*_mix(k.body, _WHITE, 0.25), 225)
    k.poly(
        glass,
        0.14,
        0.38,
        0.86,
        0.38,
        1.0,
        0.52,
        1.0,
        0.86,
        0.86,
        1.0,
        0.14,
        1.0,
        0.0,
        0.86,
        0.0,
        0.52,
    )
    k.poly(
        (*k.body, 255),
        0.18,
        0.46,
        0.82,
        0.46,
        0.92,
        0.56,
        0.92,
        0.84,
        0.82,
        0.94,
        0.18,
        0.94,
        0.08,
        0.84,
        0.08,
        0.56,
    )
    k.rect(0.26, 0.62, 0.74, 0.78, _mix(k.acc, _WHITE, 0.5), 0.02)
    k.shine(0.1, 0.56, 0.16, 0.86)


def _sunglasses(k: _Pen) -> None:
    frame = k.dark
    k.line(frame, 0.03, 0.02, 0.2, 0.98, 0.2)
    for x0 in (0.02, 0.54):
        k.rect(x0, 0.16, x0 + 0.44, 0.92, frame, 0.16)
        k.rect(x0 + 0.03, 0.22, x0 + 0.41, 0.86, _mix(k.acc, _BLACK, 0.45), 0.14)
        k.poly(_mix(k.acc, _WHITE, 0.2), x0 + 0.08, 0.3, x0 + 0.2, 0.26, x0 + 0.08, 0.6)
    k.d.arc(k.bx(0.42, 0.12, 0.58, 0.44), 200, 340, fill=frame, width=round(0.03 * k.w))


def _cosmetic(k: _Pen) -> None:
    k.poly(_mix(k.acc, (200, 20, 60), 0.4), 0.3, 0.26, 0.7, 0.12, 0.7, 0.38, 0.3, 0.38)
    k.rect(0.26, 0.36, 0.74, 0.52, (212, 175, 55), 0.02)
    k.rect(0.2, 0.5, 0.8, 1.0, k.body, 0.06)
    k.rect(0.2, 0.56, 0.8, 0.6, k.acc)
    k.shine(0.26, 0.62, 0.32, 0.96)


def _garment(k: _Pen) -> None:
    k.poly(
        k.body,
        0.3,
        0.02,
        0.4,
        0.06,
        0.6,
        0.06,
        0.7,
        0.02,
        1.0,
        0.2,
        0.88,
        0.44,
        0.78,
        0.38,
        0.78,
        1.0,
        0.22,
        1.0,
        0.22,
        0.38,
        0.12,
        0.44,
        0.0,
        0.2,
    )
    k.d.chord(k.bx(0.38, -0.08, 0.62, 0.16), 0, 180, fill=k.shade)
    k.rect(0.22, 0.9, 0.78, 1.0, k.shade)
    k.rect(0.4, 0.34, 0.6, 0.5, k.acc, 0.02)


def _car(k: _Pen) -> None:
    glass = _mix(k.base, _WHITE, 0.55)
    k.poly(k.body, 0.2, 0.48, 0.34, 0.14, 0.68, 0.14, 0.84, 0.48)
    k.poly(glass, 0.27, 0.46, 0.37, 0.2, 0.5, 0.2, 0.5, 0.46)
    k.poly(glass, 0.53, 0.46, 0.53, 0.2, 0.66, 0.2, 0.76, 0.46)
    k.rect(0, 0.42, 1, 0.82, k.body, 0.06)
    k.rect(0.02, 0.62, 0.98, 0.66, k.acc)
    k.rect(0.9, 0.5, 0.995, 0.58, _mix(k.acc, _WHITE, 0.5), 0.01)
    for cx in (0.22, 0.78):
        k.oval(cx - 0.09, 0.62, cx + 0.09, 1, _BLACK)
        k.oval(cx - 0.045, 0.72, cx + 0.045, 0.9, k.hi)


def _bike(k: _Pen) -> None:
    wide = round(0.025 * k.w)
    for cx in (0.2, 0.8):
        k.d.ellipse(k.bx(cx - 0.19, 0.34, cx + 0.19, 1.0), outline=k.dark, width=wide * 2)
        k.oval(cx - 0.025, 0.63, cx + 0.025, 0.71, k.hi)
    k.line(k.body, 0.03, 0.2, 0.67, 0.42, 0.3, 0.72, 0.3, 0.8, 0.67)
    k.line(k.body, 0.03, 0.42, 0.3, 0.5, 0.67, 0.72, 0.3)
    k.line(k.body, 0.03, 0.2, 0.67, 0.5, 0.67)
    k.line(k.dark, 0.025, 0.4, 0.22, 0.44, 0.3)
    k.rect(0.34, 0.17, 0.5, 0.23, k.acc, 0.02)
    k.line(k.dark, 0.025, 0.72, 0.3, 0.7, 0.16, 0.8, 0.14)


def _lamp(k: _Pen) -> None:
    k.poly(_mix(k.acc, _WHITE, 0.3), 0.14, 0.3, 0.86, 0.3, 0.7, 0.0, 0.3, 0.0)
    k.oval(0.14, 0.26, 0.86, 0.34, _mix(k.acc, _WHITE, 0.7))
    k.oval(0.38, 0.3, 0.62, 0.4, (255, 240, 190))
    k.rect(0.47, 0.32, 0.53, 0.92, k.dark)
    k.oval(0.18, 0.88, 0.82, 1.0, k.body)


def _furniture(k: _Pen) -> None:
    k.rect(0.12, 0.0, 0.88, 0.56, k.body, 0.08)
    k.rect(0.0, 0.46, 1.0, 0.78, k.shade, 0.06)
    k.rect(0.06, 0.42, 0.94, 0.6, _mix(k.body, _WHITE, 0.15), 0.06)
    for x in (0.06, 0.88):
        k.rect(x, 0.76, x + 0.06, 1.0, k.dark)
    k.rect(0.28, 0.1, 0.72, 0.36, k.acc, 0.06)


def _candle(k: _Pen) -> None:
    k.oval(0.42, 0.0, 0.58, 0.22, (255, 200, 80))
    k.oval(0.46, 0.08, 0.54, 0.2, (255, 245, 210))
    k.rect(0.49, 0.18, 0.51, 0.28, k.dark)
    k.rect(0.06, 0.26, 0.94, 1.0, (*_mix(k.body, _WHITE, 0.2), 235), 0.1)
    k.oval(0.06, 0.22, 0.94, 0.34, _mix(k.body, _WHITE, 0.55))
    k.rect(0.2, 0.56, 0.8, 0.8, k.acc, 0.03)


def _card(k: _Pen) -> None:
    k.rect(0.0, 0.0, 1.0, 1.0, k.body, 0.07)
    k.poly(_mix(k.body, k.acc, 0.5), 0.5, 0.0, 1.0, 0.0, 1.0, 1.0, 0.8, 1.0)
    k.rect(0.08, 0.34, 0.26, 0.56, (218, 184, 90), 0.03)
    k.line((180, 150, 70), 0.008, 0.08, 0.45, 0.26, 0.45)
    for i in range(4):
        k.rect(0.08 + i * 0.2, 0.7, 0.24 + i * 0.2, 0.78, (255, 255, 255, 200), 0.01)
    k.oval(0.72, 0.12, 0.86, 0.34, (235, 60, 50, 220))
    k.oval(0.8, 0.12, 0.94, 0.34, (250, 180, 30, 220))


def _bowl_of_food(k: _Pen) -> None:
    for i, colour in enumerate(((90, 160, 70), (230, 90, 60), (250, 210, 90), (120, 190, 90))):
        x = 0.14 + i * 0.18
        k.oval(x, 0.12 + (i % 2) * 0.06, x + 0.24, 0.5, colour)
    k.oval(0.3, 0.04, 0.5, 0.22, (240, 230, 210))
    k.d.chord(k.bx(0.0, -0.2, 1.0, 1.0), 0, 180, fill=k.body)
    k.rect(0.0, 0.38, 1.0, 0.44, k.hi, 0.02)
    k.rect(0.3, 0.92, 0.7, 1.0, k.shade, 0.03)
    k.line(k.acc, 0.015, 0.06, 0.6, 0.94, 0.6)


def _pastry(k: _Pen) -> None:
    """A croissant: five layered segments along a crescent, the middle one largest."""
    crust = _mix((214, 150, 70), k.body, 0.15)
    order = (0, 4, 1, 3, 2)  # the ends first, the middle on top
    for i in order:
        t = i / 4
        angle = math.radians(200 + 140 * t)
        cx, cy = 0.5 + 0.36 * math.cos(angle), 0.98 + 0.62 * math.sin(angle)
        rx, ry = 0.09 + 0.07 * (1 - abs(t - 0.5) * 2), 0.2 + 0.14 * (1 - abs(t - 0.5) * 2)
        tone = _mix(crust, _WHITE if i % 2 else _BLACK, 0.1)
        k.oval(cx - rx, cy - ry, cx + rx, cy + ry, tone)
        k.line(
            _mix(crust, _BLACK, 0.35),
            0.01,
            cx - rx * 0.5,
            cy - ry * 0.6,
            cx + rx * 0.3,
            cy + ry * 0.7,
        )
    k.oval(0.42, 0.1, 0.52, 0.16, _mix(crust, _WHITE, 0.45))


def _toy(k: _Pen) -> None:
    bear = _mix((176, 120, 70), k.body, 0.25)
    for x in (0.14, 0.66):
        k.oval(x, 0.0, x + 0.2, 0.2, bear)
        k.oval(x + 0.05, 0.05, x + 0.15, 0.15, _mix(bear, _WHITE, 0.4))
    k.oval(0.16, 0.04, 0.84, 0.5, bear)
    k.oval(0.1, 0.42, 0.9, 1.0, bear)
    k.oval(0.3, 0.56, 0.7, 0.92, _mix(bear, _WHITE, 0.4))
    k.oval(0.36, 0.24, 0.64, 0.44, _mix(bear, _WHITE, 0.45))
    k.oval(0.45, 0.26, 0.55, 0.33, _BLACK)
    for x in (0.33, 0.6):
        k.oval(x, 0.18, x + 0.07, 0.25, _BLACK)
    k.poly(k.acc, 0.34, 0.46, 0.5, 0.52, 0.66, 0.46, 0.66, 0.58, 0.5, 0.52, 0.34, 0.58)


def _pet(k: _Pen) -> None:
    fur = _mix((200, 150, 90), k.body, 0.2)
    k.oval(0.0, 0.46, 0.64, 0.94, fur)
    k.rect(0.06, 0.7, 0.16, 1.0, fur, 0.04)
    k.rect(0.44, 0.7, 0.54, 1.0, fur, 0.04)
    k.line(fur, 0.05, 0.02, 0.6, -0.02, 0.42)
    k.oval(0.44, 0.1, 0.94, 0.6, fur)
    k.oval(0.76, 0.32, 1.0, 0.52, _mix(fur, _WHITE, 0.3))
    k.oval(0.9, 0.34, 0.98, 0.42, _BLACK)
    k.poly(_mix(fur, _BLACK, 0.4), 0.46, 0.16, 0.58, 0.1, 0.6, 0.46, 0.5, 0.44)
    k.oval(0.7, 0.24, 0.76, 0.3, _BLACK)
    k.rect(0.5, 0.54, 0.8, 0.6, k.acc, 0.02)


def _suitcase(k: _Pen) -> None:
    k.rect(0.32, 0.0, 0.68, 0.14, k.dark, 0.04)
    k.rect(0.4, 0.04, 0.6, 0.14, (0, 0, 0, 0))
    k.rect(0.02, 0.12, 0.98, 0.94, k.body, 0.1)
    for x in (0.3, 0.5, 0.7):
        k.rect(x - 0.02, 0.16, x + 0.02, 0.9, k.shade, 0.02)
    k.rect(0.02, 0.46, 0.98, 0.52, k.acc)
    for x in (0.14, 0.78):
        k.oval(x, 0.92, x + 0.1, 1.0, _BLACK)


#: Archetype -> (drawing, width / height).
_ARCHETYPES: dict[str, tuple[Callable[[_Pen], None], float]] = {
    "shoe": (_shoe, 2.1),
    "boot": (_boot, 1.15),
    "bottle": (_bottle, 0.42),
    "can": (_can, 0.55),
    "cup": (_cup, 1.0),
    "coffee": (_coffee, 0.72),
    "jar": (_jar, 0.85),
    "tube": (_tube, 0.38),
    "box": (_box, 0.9),
    "bag": (_bag, 1.0),
    "phone": (_phone, 0.5),
    "laptop": (_laptop, 1.5),
    "tablet": (_tablet, 1.35),
    "headphones": (_headphones, 0.95),
    "speaker": (_speaker, 0.62),
    "camera": (_camera, 1.45),
    "watch": (_watch, 0.55),
    "jewellery": (_jewellery, 0.85),
    "perfume": (_perfume, 0.82),
    "sunglasses": (_sunglasses, 2.4),
    "cosmetic": (_cosmetic, 0.4),
    "garment": (_garment, 1.05),
    "car": (_car, 2.3),
    "bike": (_bike, 1.7),
    "lamp": (_lamp, 0.6),
    "furniture": (_furniture, 1.2),
    "candle": (_candle, 0.75),
    "app_screen": (_app_screen, 1.3),
    "card": (_card, 1.58),
    "bowl_of_food": (_bowl_of_food, 1.5),
    "pastry": (_pastry, 1.6),
    "toy": (_toy, 0.85),
    "pet": (_pet, 1.2),
    "suitcase": (_suitcase, 0.72),
}
#: The archetypes the storyboard draws.
ARCHETYPES: tuple[str, ...] = tuple(_ARCHETYPES)
#: Width / height of each archetype's drawing.
_PRODUCT_ASPECT: dict[str, float] = {kind: aspect for kind, (_, aspect) in _ARCHETYPES.items()}


def _product_layer(kind: str, height_px: int, pal: _Palette) -> Image.Image:
    """The product drawing as an RGBA layer ``height_px`` tall, drawn at 2x and reduced."""
    ss = 2
    draw, aspect = _ARCHETYPES[kind]
    w, h = max(8, round(height_px * aspect)) * ss, max(8, height_px) * ss
    layer = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    draw(_Pen(layer, pal))
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
