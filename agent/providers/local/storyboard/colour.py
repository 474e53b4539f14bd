"""Colours: sRGB helpers, WCAG luminance and contrast, the palette a frame is drawn from."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RGB = tuple[int, int, int]
#: A pixel box (left, top, right, bottom); right and bottom are exclusive.
Box = tuple[int, int, int, int]

_WHITE: RGB = (250, 250, 247)
_BLACK: RGB = (14, 14, 18)


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
