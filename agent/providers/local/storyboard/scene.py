"""Scenes: where, when and in what weather a beat happens, read from its words and painted.

:func:`parse_scene` reads a place ("beach", "city", "kitchen", ...), a time of day ("dawn",
"day", "golden", "sunset", "night") and weather ("rain", "snow", "fog") from a beat's image
prompt and description in any language the :mod:`.lexicon` knows. :func:`paint_scene` paints
the place under the beat's composition, lit for the time (an open sky when only a time is
named), and :func:`weather` lays rain, snow or fog over the finished picture.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageEnhance

from agent.providers.local.scene_words import PLACE_WORDS, TIME_WORDS, WEATHER_WORDS, find
from agent.providers.local.storyboard.colour import _BLACK, _WHITE, RGB, _grey, _mix, _Palette
from agent.providers.local.storyboard.paint import _soft_shadow, _vertical

#: Places painted as open air: a sky, a horizon, weather falls on them.
OUTDOOR = frozenset(
    {
        "beach",
        "mountains",
        "city",
        "forest",
        "desert",
        "countryside",
        "waterside",
        "road",
        "stadium",
    }
)
#: Places painted as rooms: a wall, a floor, a window onto the time of day.
INDOOR = frozenset({"kitchen", "office", "gym", "studio", "home"})


@dataclass(frozen=True)
class Scene:
    """Where and when a beat happens; None where its words say nothing.

    Attributes:
        place: one of :data:`OUTDOOR` or :data:`INDOOR`.
        time: "dawn", "day", "golden", "sunset" or "night".
        weather: "rain", "snow" or "fog".
        road: a road runs across the place ("a desert road", "a road through the forest").
    """

    place: str | None = None
    time: str | None = None
    weather: str | None = None
    road: bool = False

    @property
    def named(self) -> bool:
        """Whether the words named anything at all."""
        return bool(self.place or self.time or self.weather)


def _first(text: str, table: dict[str, str]) -> str | None:
    hits = find(text, table)
    return hits[0][2] if hits else None


def _place(text: str) -> tuple[str | None, bool]:
    """The place ``text`` names first, and whether a road runs across it.

    A road named with another open-air place is drawn across that place ("a desert road at
    golden hour", "a road through the forest"); alone it is a country road.
    """
    places = [name for _, _, name in find(text, PLACE_WORDS)]
    others = [name for name in places if name != "road"]
    if "road" in places and others and others[0] in OUTDOOR:
        return others[0], True
    return (places[0] if places else None), False


def _scene_words(text: str, ignore: tuple[str, ...]) -> str:
    """The part of a prompt that describes the picture.

    The planner and the edits append the spec's style after "Style:" (palette names such as
    "midnight navy" and the global lighting are not the beat's scene); the product and brand
    names are dropped too ("Night Cream", "Sunset Lamp" name a product, not a time of day).
    """
    at = text.find("Style:")
    text = text[:at] if at >= 0 else text
    for name in ignore:
        if name.strip():
            text = re.sub(re.escape(name.strip()), " ", text, flags=re.IGNORECASE)
    return text


def parse_scene(*texts: str, ignore: tuple[str, ...] = ()) -> Scene:
    """Read place, time of day and weather from a beat's words.

    The first text that names anything sets the scene; a later text fills what it left
    unsaid only when it names no other place (an image prompt "at sunset" and a description
    "on the beach" make a beach at sunset; a new prompt "a sunset on the beach" is not mixed
    with an old description's "rain-slick city streets"). Weather falls outdoors: a first
    text that names weather but no place does not take a room (kitchen, office, ...) from a
    later one, so "in the rain" over a kitchen beat paints open air in the rain.

    Args:
        texts: the words to read, most authoritative first (the image prompt, then the
            beat's description).
        ignore: names to leave out (the product and brand).

    Returns:
        The scene; fields the words do not name are None.
    """
    scene = Scene()
    for raw in texts:
        text = _scene_words(raw, ignore)
        place, road = _place(text)
        found = Scene(place, _first(text, TIME_WORDS), _first(text, WEATHER_WORDS), road)
        if not found.named:
            continue
        if not scene.named:
            scene = found
        elif found.place is None or scene.place in (None, found.place):
            place = scene.place or found.place
            if scene.place is None and scene.weather is not None and place in INDOOR:
                place = None  # weather falls outdoors: "in the rain" takes a room outside
            road = scene.road or found.road and found.place == place
            scene = Scene(place, scene.time or found.time, scene.weather or found.weather, road)
    return scene


# ------------------------------------------------------------------------------------ sky

#: Time of day -> (sky at the top, sky at the horizon, light on the ground), sRGB.
_SKY: dict[str, tuple[RGB, RGB, RGB]] = {
    "dawn": ((62, 74, 138), (250, 176, 160), (236, 200, 190)),
    "day": ((52, 128, 222), (178, 214, 244), (255, 255, 250)),
    "golden": ((86, 118, 186), (255, 196, 112), (255, 214, 150)),
    "sunset": ((52, 34, 104), (255, 112, 58), (240, 150, 110)),
    "night": ((12, 24, 72), (54, 80, 156), (70, 86, 140)),
}


def _sky(scene: Scene) -> tuple[RGB, RGB, RGB]:
    top, low, light = _SKY[scene.time or "day"]
    if scene.weather in ("rain", "fog"):
        top, low = _grey(_mix(top, (110, 118, 128), 0.45), 0.6), _grey(low, 0.55)
        light = _mix(light, (170, 176, 186), 0.5)
    elif scene.weather == "snow":
        top, low = _mix(top, (200, 206, 216), 0.4), _mix(low, (236, 240, 246), 0.5)
    return top, low, light


def _lit(c: RGB, light: RGB) -> RGB:
    """``c`` under light of colour ``light`` (multiply blend)."""
    return (c[0] * light[0] // 255, c[1] * light[1] // 255, c[2] * light[2] // 255)


@dataclass
class _Paint:
    img: Image.Image
    d: ImageDraw.ImageDraw
    scene: Scene
    pal: _Palette
    rng: random.Random
    w: int
    h: int
    s: int
    hy: int
    top: RGB
    low: RGB
    light: RGB

    def sky(self) -> None:
        self.img.paste(_vertical((self.w, self.hy), self.top, self.low), (0, 0))
        time = self.scene.time or "day"
        if self.scene.weather in ("rain", "fog"):
            return
        if time == "night":
            for _ in range(60):
                x, y = self.rng.random() * self.w, self.rng.random() * self.hy * 0.8
                r = self.s * self.rng.uniform(0.001, 0.004)
                self.d.ellipse((x - r, y - r, x + r, y + r), fill=(240, 240, 255, 200))
            self.disc(0.78, 0.16, 0.05, (236, 236, 226))
        elif time == "day":
            self.disc(0.8, 0.14, 0.06, (255, 250, 225))
        else:
            colour = {"dawn": (255, 226, 190), "golden": (255, 222, 150)}.get(time, (255, 180, 90))
            self.disc(0.66, (self.hy - self.s * 0.07) / self.h, 0.09, colour)

    def disc(self, fx: float, fy: float, fr: float, colour: RGB) -> None:
        x, y, r = self.w * fx, self.h * fy, self.s * fr
        glow = (round(x - 3 * r), round(y - 3 * r), round(x + 3 * r), round(y + 3 * r))
        _soft_shadow(self.img, glow, r, 0.5, ellipse=True, colour=colour)
        self.d.ellipse((x - r, y - r, x + r, y + r), fill=colour)

    def ground(self, colour: RGB, far: RGB | None = None) -> None:
        near = _lit(colour, self.light)
        self.img.paste(
            _vertical((self.w, self.h - self.hy), _lit(far or colour, self.light), near),
            (0, self.hy),
        )

    def ridge(self, base_y: float, amp: float, step: float, colour: RGB, jag: bool) -> None:
        pts = [(0.0, float(self.h))]
        x = -step * self.s * self.rng.random()
        while x < self.w + step * self.s:
            up = self.rng.uniform(0.3, 1.0) * amp * self.s
            pts.append((x, base_y - up if jag else base_y - up * 0.5))
            x += step * self.s * self.rng.uniform(0.6, 1.3)
        pts.append((float(self.w), float(self.h)))
        self.d.polygon(pts, fill=colour)


def _sky_only(p: _Paint) -> None:
    """Open sky over low hills in the palette's colours: a time of day with no place."""
    p.hy = round(p.h * 0.72)
    p.sky()
    hill = _lit(_mix(p.pal.support, _BLACK, 0.45), p.light)
    p.ridge(p.hy, 0.1, 0.35, _mix(hill, p.low, 0.4), jag=False)
    p.ground(_mix(hill, _BLACK, 0.3), hill)


def _beach(p: _Paint) -> None:
    p.sky()
    sea_end = p.hy + round((p.h - p.hy) * 0.42)
    sea = _mix(_mix(p.low, (20, 90, 150), 0.55), p.top, 0.2)
    p.img.paste(_vertical((p.w, sea_end - p.hy), _mix(sea, p.low, 0.3), sea), (0, p.hy))
    if (p.scene.time or "day") in ("dawn", "golden", "sunset"):
        for i in range(10):
            y = p.hy + (i + 0.5) * (sea_end - p.hy) / 10
            half = p.s * (0.02 + 0.012 * i)
            p.d.line([(p.w * 0.66 - half, y), (p.w * 0.66 + half, y)], fill=(*p.low, 170), width=2)
    sand = _lit((232, 206, 160), p.light)
    p.img.paste(_vertical((p.w, p.h - sea_end), _mix(sand, _WHITE, 0.1), sand), (0, sea_end))
    pts = []
    for i in range(0, 41):
        x = p.w * i / 40
        pts.append((x, sea_end + math.sin(i * 0.9 + p.rng.random()) * p.s * 0.008))
    p.d.line(pts, fill=(250, 250, 245, 220), width=max(3, p.s // 90), joint="curve")
    p.hy = sea_end + (p.h - sea_end) // 3


def _mountains(p: _Paint) -> None:
    p.sky()
    far = _mix(_mix(p.top, (90, 100, 130), 0.5), p.low, 0.3)
    near = _lit((56, 68, 82), p.light)
    for k, (amp, colour) in enumerate(((0.42, far), (0.3, _mix(far, near, 0.5)), (0.18, near))):
        base = p.hy + k * p.s * 0.03
        pts = [(0.0, float(p.h))]
        x = -p.s * 0.2
        while x < p.w + p.s * 0.3:
            pts.append((x, base - _peak(p, amp)))
            x += p.s * p.rng.uniform(0.12, 0.24)
            pts.append((x, base - _peak(p, amp) * 0.35))
            x += p.s * p.rng.uniform(0.1, 0.2)
        pts.append((float(p.w), float(p.h)))
        p.d.polygon(pts, fill=colour)
        if k == 0:
            for (x0, y0), (x1, y1) in zip(pts[1:-2:2], pts[2:-1:2], strict=False):
                cap = 0.3
                p.d.polygon(
                    [
                        (x0, y0),
                        (x0 + (x1 - x0) * cap, y0 + (y1 - y0) * cap),
                        (x0 - p.s * 0.03, y0 + (y1 - y0) * cap * 0.9),
                    ],
                    fill=(245, 247, 252),
                )
    snow = p.scene.weather == "snow"
    p.ground((238, 242, 248) if snow else (70, 92, 66), (200, 208, 220) if snow else (92, 110, 84))


def _peak(p: _Paint, amp: float) -> float:
    """A peak's height in pixels, ``amp`` shorter sides at most."""
    return p.rng.uniform(0.55, 1.0) * amp * p.s


def _windows(p: _Paint, box: tuple[float, float, float, float], lit: float) -> None:
    x0, y0, x1, y1 = box
    step = max(6.0, p.s * 0.022)
    glow = (255, 214, 120) if (p.scene.time or "day") in ("night", "sunset", "dawn") else p.low
    y = y0 + step * 0.6
    while y < y1 - step:
        x = x0 + step * 0.5
        while x < x1 - step * 0.6:
            on = p.rng.random() < lit
            p.d.rectangle(
                (x, y, x + step * 0.45, y + step * 0.55),
                fill=(*glow, 230) if on else (*_mix(p.top, _BLACK, 0.4), 200),
            )
            x += step
        y += step


def _skyline(p: _Paint, base: int, height_s: float) -> None:
    night = (p.scene.time or "day") in ("night", "sunset")
    x = -p.s * 0.05
    body = _mix(_lit((70, 76, 96), p.light), p.top, 0.35)
    while x < p.w:
        bw = p.s * p.rng.uniform(0.09, 0.2)
        bh = p.s * height_s * p.rng.uniform(0.45, 1.0)
        p.d.rectangle((x, base - bh, x + bw, base), fill=_mix(body, _BLACK, p.rng.random() * 0.3))
        _windows(p, (x, base - bh, x + bw, base), 0.55 if night else 0.2)
        x += bw + p.s * 0.008


def _city(p: _Paint) -> None:
    p.sky()
    _skyline(p, p.hy, 0.55)
    asphalt = _lit((58, 60, 66), p.light)
    p.img.paste(_vertical((p.w, p.h - p.hy), _mix(asphalt, _BLACK, 0.2), asphalt), (0, p.hy))
    walk = p.hy + round(p.s * 0.05)
    p.d.rectangle((0, p.hy, p.w, walk), fill=_lit((150, 150, 156), p.light))
    mid = (p.hy + p.h) // 2 + p.s // 20
    x = 0.0
    while x < p.w:
        p.d.rectangle((x, mid, x + p.s * 0.12, mid + p.s * 0.015), fill=(236, 220, 150))
        x += p.s * 0.22
    if (p.scene.time or "day") == "night" or p.scene.weather == "rain":
        for _ in range(24):
            rx = p.rng.random() * p.w
            colour = p.rng.choice([(255, 210, 120), (255, 90, 160), (90, 200, 255)])
            p.d.line(
                [(rx, walk), (rx + p.rng.uniform(-4, 4), p.h)],
                fill=(*colour, 70),
                width=max(2, p.s // 120),
            )
    p.hy = walk


def _forest(p: _Paint) -> None:
    p.sky()
    for k, colour in enumerate(((46, 84, 62), (30, 64, 44), (18, 44, 30))):
        colour = _mix(_lit(colour, p.light), p.low, 0.25 - 0.1 * k)
        base = p.hy + k * p.s * 0.05
        x = -p.s * 0.05 + p.rng.random() * p.s * 0.05
        while x < p.w + p.s * 0.1:
            th, tw = p.s * p.rng.uniform(0.25, 0.45) * (1 + 0.3 * k), p.s * 0.07 * (1 + 0.3 * k)
            p.d.polygon([(x, base - th), (x + tw, base), (x - tw, base)], fill=colour)
            x += tw * p.rng.uniform(0.9, 1.4)
    p.hy += round(p.s * 0.1)
    p.ground((60, 80, 44), (40, 60, 36))


def _desert(p: _Paint) -> None:
    p.sky()
    sand = _lit((226, 170, 104), p.light)
    p.ground(_mix(sand, _BLACK, 0.1), _mix(sand, p.low, 0.2))
    for k in range(3):
        y = p.hy + (p.h - p.hy) * (0.15 + 0.3 * k)
        cx = p.w * p.rng.uniform(0.1, 0.9)
        p.d.ellipse(
            (cx - p.w * 0.7, y, cx + p.w * 0.5, y + p.s * 0.5),
            fill=_mix(sand, _WHITE if k % 2 else _BLACK, 0.12),
        )
    cx, base = p.w * 0.14, p.hy + p.s * 0.1
    green = _lit((60, 110, 60), p.light)
    p.d.rounded_rectangle((cx - p.s * 0.02, base - p.s * 0.22, cx + p.s * 0.02, base), 8, green)
    for side in (-1, 1):
        ax = cx + side * p.s * 0.05
        p.d.rounded_rectangle(
            (min(cx, ax), base - p.s * 0.12, max(cx, ax), base - p.s * 0.095), 4, green
        )
        p.d.rounded_rectangle(
            (ax - p.s * 0.014, base - p.s * 0.18, ax + p.s * 0.014, base - p.s * 0.1), 6, green
        )


def _countryside(p: _Paint) -> None:
    p.sky()
    grass = _lit((104, 160, 80), p.light)
    p.ground(_mix(grass, _BLACK, 0.25), grass)
    p.d.ellipse(
        (-p.w * 0.2, p.hy - p.s * 0.12, p.w * 0.7, p.hy + p.s * 0.4), fill=_mix(grass, p.low, 0.3)
    )
    p.d.ellipse((p.w * 0.4, p.hy - p.s * 0.06, p.w * 1.3, p.hy + p.s * 0.5), fill=grass)
    for _ in range(4):
        tx, ty = p.rng.random() * p.w, p.hy + p.rng.random() * p.s * 0.05
        r = p.s * p.rng.uniform(0.04, 0.07)
        p.d.rectangle((tx - r * 0.12, ty - r, tx + r * 0.12, ty + r * 0.6), fill=(70, 50, 36))
        p.d.ellipse((tx - r, ty - 2.4 * r, tx + r, ty - 0.4 * r), fill=_mix(grass, _BLACK, 0.4))


def _waterside(p: _Paint) -> None:
    """A river or lake: far hills, water mirroring the sky, a grassy bank with a path."""
    p.sky()
    bank = _lit((70, 110, 70), p.light)
    p.ridge(p.hy, 0.08, 0.3, _mix(bank, p.low, 0.45), jag=False)
    water_end = p.hy + round((p.h - p.hy) * 0.5)
    water = _mix(_lit((24, 70, 110), _mix(p.light, _WHITE, 0.5)), p.top, 0.25)
    p.img.paste(_vertical((p.w, water_end - p.hy), _mix(water, p.low, 0.35), water), (0, p.hy))
    ripple = (*_mix(p.low, _WHITE, 0.3), 150)
    for _ in range(40):
        x, y = p.rng.random() * p.w, p.hy + p.rng.random() * (water_end - p.hy)
        half = p.s * p.rng.uniform(0.01, 0.04)
        p.d.line([(x - half, y), (x + half, y)], fill=ripple, width=2)
    grass = _lit((96, 150, 76), p.light)
    p.img.paste(_vertical((p.w, p.h - water_end), _mix(grass, _BLACK, 0.1), grass), (0, water_end))
    path = _lit((214, 196, 160), p.light)
    y = water_end + (p.h - water_end) * 0.45
    p.d.polygon(
        [(0, y), (p.w, y - p.s * 0.03), (p.w, y + p.s * 0.05), (0, y + p.s * 0.09)], fill=path
    )
    p.hy = water_end + (p.h - water_end) // 3


def _road(p: _Paint) -> None:
    p.sky()
    p.ridge(p.hy, 0.12, 0.3, _mix(_lit((80, 100, 80), p.light), p.low, 0.4), jag=False)
    p.ground((110, 130, 90), (90, 110, 80))
    _lane(p)


def _lane(p: _Paint) -> None:
    """An asphalt road from the horizon's middle to the bottom edge, its centre line dashed."""
    vx = p.w * 0.5
    asphalt = _lit((54, 56, 62), p.light)
    p.d.polygon(
        [(vx - p.s * 0.02, p.hy), (vx + p.s * 0.02, p.hy), (p.w * 0.95, p.h), (p.w * 0.05, p.h)],
        fill=asphalt,
    )
    for i in range(6):
        t0, t1 = (i / 6) ** 1.6, ((i + 0.45) / 6) ** 1.6
        y0, y1 = p.hy + (p.h - p.hy) * t0, p.hy + (p.h - p.hy) * t1
        p.d.polygon(
            [
                (vx - 1 - 8 * t0, y0),
                (vx + 1 + 8 * t0, y0),
                (vx + 1 + 8 * t1, y1),
                (vx - 1 - 8 * t1, y1),
            ],
            fill=(240, 220, 140),
        )


def _stadium(p: _Paint) -> None:
    p.sky()
    stand_top = p.hy - round(p.s * 0.22)
    p.d.rectangle((0, stand_top, p.w, p.hy), fill=_lit((40, 44, 60), p.light))
    for _ in range(int(p.w * (p.hy - stand_top) / (p.s * p.s) * 900)):
        x, y = p.rng.random() * p.w, stand_top + p.rng.random() * (p.hy - stand_top)
        r = p.s * 0.004
        colour = p.rng.choice([p.pal.accent, p.pal.support, (230, 230, 230), (200, 60, 60)])
        p.d.ellipse((x - r, y - r, x + r, y + r), fill=_lit(colour, p.light))
    for fx in (0.08, 0.92):
        x = p.w * fx
        p.d.rectangle((x - 3, stand_top - p.s * 0.2, x + 3, stand_top), fill=(120, 120, 130))
        p.disc(fx, (stand_top - p.s * 0.22) / p.h, 0.025, (255, 255, 235))
    grass = _lit((56, 150, 70), p.light)
    p.ground(grass, _mix(grass, _WHITE, 0.1))
    stripe = (p.h - p.hy) / 6
    for i in range(0, 6, 2):
        p.d.rectangle(
            (0, p.hy + i * stripe, p.w, p.hy + (i + 1) * stripe),
            fill=(*_mix(grass, _WHITE, 0.12), 255),
        )
    p.d.line([(0, p.hy + stripe * 2.5), (p.w, p.hy + stripe * 2.5)], fill=_WHITE, width=3)


def _room(p: _Paint, wall: RGB, floor: RGB, window: bool = True) -> None:
    """A wall, a floor at ``p.hy`` and a window showing the sky of the time of day."""
    indoor = _mix(p.light, _WHITE, 0.5)
    p.img.paste(_vertical((p.w, p.hy), _lit(_mix(wall, _WHITE, 0.1), indoor), _lit(wall, indoor)))
    p.img.paste(
        _vertical((p.w, p.h - p.hy), _lit(floor, indoor), _lit(_mix(floor, _BLACK, 0.3), indoor)),
        (0, p.hy),
    )
    if window:
        wx0, wy0 = round(p.w * 0.08), round(p.h * 0.1)
        wx1, wy1 = wx0 + round(p.s * 0.34), wy0 + round(p.s * 0.36)
        p.img.paste(_vertical((wx1 - wx0, wy1 - wy0), p.top, p.low), (wx0, wy0))
        frame = _mix(wall, _WHITE, 0.5)
        p.d.rectangle((wx0, wy0, wx1, wy1), outline=frame, width=max(4, p.s // 70))
        p.d.line([((wx0 + wx1) / 2, wy0), ((wx0 + wx1) / 2, wy1)], fill=frame, width=p.s // 90)


def _kitchen(p: _Paint) -> None:
    p.hy = round(p.h * 0.6)
    _room(p, (236, 230, 218), (150, 110, 74))
    tile = p.s * 0.05
    y = p.hy - p.s * 0.2
    while y < p.hy:
        x = 0.0
        while x < p.w:
            p.d.rectangle((x, y, x + tile - 2, y + tile * 0.5 - 2), fill=(222, 228, 230))
            x += tile
        y += tile * 0.5
    top = (226, 224, 220)
    p.d.rectangle((0, p.hy, p.w, p.hy + p.s * 0.04), fill=_lit(top, p.light))
    p.d.rectangle((0, p.hy + p.s * 0.04, p.w, p.h), fill=_lit((96, 128, 122), p.light))
    x = p.s * 0.02
    while x < p.w:
        door = (x, p.hy + p.s * 0.07, x + p.s * 0.2, p.h)
        p.d.rectangle(door, outline=_lit((70, 100, 96), p.light), width=3)
        x += p.s * 0.23
    lx = p.w * 0.72
    p.d.line([(lx, 0), (lx, p.h * 0.16)], fill=(40, 40, 40), width=3)
    p.d.pieslice((lx - p.s * 0.06, p.h * 0.14, lx + p.s * 0.06, p.h * 0.26), 180, 360, (40, 40, 44))


def _office(p: _Paint) -> None:
    p.hy = round(p.h * 0.66)
    wall = (206, 212, 220)
    indoor = _mix(p.light, _WHITE, 0.5)
    p.img.paste(_vertical((p.w, p.hy), _lit(wall, indoor), _lit(_mix(wall, _BLACK, 0.1), indoor)))
    gx0, gx1 = round(p.w * 0.05), round(p.w * 0.95)
    gy0, gy1 = round(p.h * 0.06), round(p.hy - p.s * 0.06)
    p.img.paste(_vertical((gx1 - gx0, gy1 - gy0), p.top, p.low), (gx0, gy0))
    sky = _Paint(p.img, p.d, p.scene, p.pal, p.rng, p.w, p.h, p.s, gy1, p.top, p.low, p.light)
    _skyline(sky, gy1, 0.4)
    for x in range(gx0, gx1 + 1, max(1, (gx1 - gx0) // 4)):
        p.d.rectangle((x - 4, gy0, x + 4, gy1), fill=(60, 64, 72))
    p.d.rectangle((gx0, gy0, gx1, gy1), outline=(60, 64, 72), width=8)
    desk = _lit((120, 90, 64), indoor)
    p.img.paste(_vertical((p.w, p.h - p.hy), desk, _mix(desk, _BLACK, 0.4)), (0, p.hy))
    mx = p.w * 0.16
    p.d.rounded_rectangle(
        (mx, p.hy - p.s * 0.2, mx + p.s * 0.3, p.hy - p.s * 0.03), 6, (24, 26, 30)
    )
    p.d.rectangle(
        (mx + p.s * 0.012, p.hy - p.s * 0.19, mx + p.s * 0.288, p.hy - p.s * 0.045),
        fill=_mix(p.pal.accent, _WHITE, 0.4),
    )
    p.d.rectangle((mx + p.s * 0.14, p.hy - p.s * 0.03, mx + p.s * 0.16, p.hy), fill=(24, 26, 30))


def _gym(p: _Paint) -> None:
    """A gym: dark wall with an accent stripe, a squat rack with a loaded barbell, kettlebells."""
    p.hy = round(p.h * 0.72)
    _room(p, (58, 60, 66), (34, 34, 38), window=False)
    p.d.rectangle((0, p.h * 0.2, p.w, p.h * 0.25), fill=_mix(p.pal.accent, _BLACK, 0.2))
    for x in range(0, p.w, max(8, p.s // 6)):
        p.d.line([(x, p.hy), (x - p.s * 0.1, p.h)], fill=(48, 48, 54), width=2)
    steel = (150, 152, 160)
    rx0, rx1 = p.w * 0.56, p.w * 0.56 + p.s * 0.62
    for post in (rx0, rx1):
        p.d.rectangle((post - p.s * 0.012, p.hy - p.s * 0.5, post + p.s * 0.012, p.hy), fill=steel)
    bar_y = p.hy - p.s * 0.3
    p.d.rectangle((rx0 - p.s * 0.12, bar_y - 3, rx1 + p.s * 0.12, bar_y + 3), fill=(200, 200, 206))
    for plate in (rx0 - p.s * 0.08, rx1 + p.s * 0.05):
        for k, colour in enumerate(((20, 20, 22), _mix(p.pal.accent, _BLACK, 0.3))):
            dx = k * p.s * 0.03
            p.d.rounded_rectangle(
                (
                    plate + dx,
                    bar_y - p.s * (0.1 - 0.02 * k),
                    plate + dx + p.s * 0.028,
                    bar_y + p.s * (0.1 - 0.02 * k),
                ),
                radius=4,
                fill=colour,
            )
    for i in range(3):
        kx, r = p.w * 0.08 + i * p.s * 0.14, p.s * (0.045 + 0.008 * i)
        p.d.ellipse((kx - r, p.hy - 2 * r, kx + r, p.hy), fill=(26, 26, 30))
        p.d.arc(
            (kx - r * 0.6, p.hy - 2.9 * r, kx + r * 0.6, p.hy - 1.5 * r),
            180,
            360,
            fill=(26, 26, 30),
            width=max(3, round(r * 0.3)),
        )
    for lx in (0.25, 0.5, 0.75):
        p.d.rectangle(
            (p.w * lx - p.s * 0.08, 0, p.w * lx + p.s * 0.08, p.s * 0.015), fill=(250, 250, 240)
        )


def _studio(p: _Paint) -> None:
    p.hy = round(p.h * 0.72)
    light = (244, 244, 242) if (p.scene.time or "day") != "night" else (60, 62, 70)
    p.img.paste(_vertical((p.w, p.h), _mix(light, _WHITE, 0.5), _mix(light, _BLACK, 0.12)))
    _soft_shadow(
        p.img,
        (round(p.w * 0.2), p.hy - p.s // 30, round(p.w * 0.8), p.hy + p.s // 30),
        p.s / 20,
        0.18,
        ellipse=True,
    )


def _home(p: _Paint) -> None:
    p.hy = round(p.h * 0.7)
    _room(p, (226, 210, 188), (164, 118, 80))
    sx0, sy0 = p.w * 0.5, p.hy - p.s * 0.22
    sofa = _lit(_mix(p.pal.support, (120, 110, 100), 0.5), _mix(p.light, _WHITE, 0.5))
    p.d.rounded_rectangle((sx0, sy0, sx0 + p.s * 0.6, p.hy - p.s * 0.02), p.s * 0.03, sofa)
    p.d.rounded_rectangle(
        (sx0 - p.s * 0.03, sy0 + p.s * 0.08, sx0 + p.s * 0.63, p.hy + p.s * 0.02),
        p.s * 0.03,
        _mix(sofa, _BLACK, 0.15),
    )
    lx = p.w * 0.45
    p.d.line([(lx, p.hy), (lx, p.hy - p.s * 0.42)], fill=(50, 44, 40), width=max(3, p.s // 150))
    shade = (lx - p.s * 0.05, p.hy - p.s * 0.5, lx + p.s * 0.05, p.hy - p.s * 0.42)
    warm = (255, 220, 160) if (p.scene.time or "day") in ("night", "sunset") else (236, 226, 210)
    p.d.polygon(
        [
            (shade[0] + 10, shade[1]),
            (shade[2] - 10, shade[1]),
            (shade[2], shade[3]),
            (shade[0], shade[3]),
        ],
        fill=warm,
    )


_PAINTERS: dict[str, Callable[[_Paint], None]] = {
    "sky": _sky_only,
    "beach": _beach,
    "mountains": _mountains,
    "city": _city,
    "forest": _forest,
    "desert": _desert,
    "countryside": _countryside,
    "waterside": _waterside,
    "road": _road,
    "stadium": _stadium,
    "kitchen": _kitchen,
    "office": _office,
    "gym": _gym,
    "studio": _studio,
    "home": _home,
}


def paint_scene(img: Image.Image, scene: Scene, pal: _Palette, rng: random.Random) -> int:
    """Paint ``scene``'s place over the whole of ``img``, lit for its time of day.

    Args:
        img: the RGB frame to paint on, any size.
        scene: the scene; with no place, an open sky for its time of day.
        pal: the spec's palette (crowds, screens, fabrics take its colours).
        rng: the frame's random source (window lights, trees, stars).

    Returns:
        The y in pixels of the ground line where people and products stand.
    """
    w, h = img.size
    top, low, light = _sky(scene)
    hy = round(h * (0.6 if h > w else 0.58))
    p = _Paint(
        img, ImageDraw.Draw(img, "RGBA"), scene, pal, rng, w, h, min(w, h), hy, top, low, light
    )
    _PAINTERS[scene.place or "sky"](p)
    if scene.road and scene.place != "road":
        _lane(p)
    return p.hy


def weather(img: Image.Image, kind: str, rng: random.Random) -> None:
    """Lay rain streaks, snowflakes or fog over the finished picture.

    Args:
        img: the RGB frame, changed in place.
        kind: "rain", "snow" or "fog".
        rng: the frame's random source.
    """
    w, h = img.size
    s = min(w, h)
    if kind == "fog":
        veil = _vertical(img.size, (196, 202, 210), (226, 230, 236))
        mask = _vertical(img.size, (110, 110, 110), (150, 150, 150)).convert("L")
        img.paste(veil, (0, 0), mask)
        return
    layer = Image.new("L", (w, h), 0)
    d = ImageDraw.Draw(layer)
    if kind == "rain":
        _grade(img, (0.62, 0.68, 0.8), (40, 48, 64), 0.12, desaturate=0.45)
        for _ in range(int(w * h / s / s * 260)):
            x, y = rng.random() * (w + s * 0.2), rng.random() * h
            n = s * rng.uniform(0.03, 0.07)
            d.line(
                [(x, y), (x - n * 0.25, y + n)], fill=rng.randrange(90, 170), width=max(1, s // 500)
            )
    else:
        _grade(img, (1.0, 1.0, 1.0), (226, 234, 246), 0.3, desaturate=0.3)
        for _ in range(int(w * h / s / s * 220)):
            x, y, r = rng.random() * w, rng.random() * h, s * rng.uniform(0.002, 0.008)
            d.ellipse((x - r, y - r, x + r, y + r), fill=rng.randrange(170, 250))
    img.paste(_WHITE, (0, 0, w, h), layer)


#: Time of day -> (multiplier per channel, colour of the light, share of that light), the
#: light a scene's time casts over the whole finished picture: the product and the people in
#: it stand in that light too, as in a photograph (night is dark and blue, dawn pink, golden
#: hour amber, sunset orange). Daylight is the neutral light every other picture is drawn in.
_TIME_LIGHT: dict[str, tuple[tuple[float, float, float], RGB, float]] = {
    "dawn": ((0.9, 0.8, 0.88), (250, 160, 176), 0.3),
    "golden": ((1.0, 0.9, 0.74), (255, 180, 84), 0.3),
    "sunset": ((0.9, 0.72, 0.66), (255, 112, 58), 0.28),
    "night": ((0.4, 0.46, 0.72), (20, 30, 80), 0.12),
}


def _grade(
    img: Image.Image,
    gain: tuple[float, float, float],
    colour: RGB,
    share: float,
    desaturate: float = 0.0,
) -> None:
    """Relight ``img`` in place: grey it by ``desaturate``, scale each channel, mix in ``colour``.

    Args:
        img: an RGB image.
        gain: per-channel multipliers (1.0 keeps the channel).
        colour: the light's colour, mixed in by ``share`` (0-1).
        share: how much of ``colour`` replaces the picture, 0-1.
        desaturate: how far towards grey (0 keeps the colours, 1 is grey).
    """
    src = ImageEnhance.Color(img).enhance(1 - desaturate) if desaturate else img
    lut = [
        min(255, round(v * g * (1 - share) + c * share))
        for g, c in zip(gain, colour, strict=True)
        for v in range(256)
    ]
    img.paste(src.point(lut))


def time_light(img: Image.Image, scene: Scene) -> None:
    """Light the finished picture for ``scene``'s time of day, in place (see :data:`_TIME_LIGHT`).

    Indoors the light is half as strong: a room keeps its lamps.

    Args:
        img: the RGB frame, before its on-screen text is drawn.
        scene: the beat's scene; no time (or daytime) leaves the picture as it is.
    """
    light = _TIME_LIGHT.get(scene.time or "day")
    if light is None:
        return
    gain, colour, share = light
    if scene.place in INDOOR:
        r, g, b = ((1 + k) / 2 for k in gain)
        gain = (r, g, b)
        share /= 2
    _grade(img, gain, colour, share)
