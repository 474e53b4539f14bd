"""The offline planner: a one-line prompt and the run's options become a valid :class:`Spec`.

Rule-based and deterministic: beats are chosen from :data:`agent.spec.BEAT_LIBRARY` by length
and mood (distinct types first: a beat type repeats only when the length needs it), timed on a
0.5 s grid that sums exactly to the ad's length, and written from stock copy per product kind
and language (``data/copy.toml``, ``data/phrases.toml``). The brief's facts land where an ad
puts them: the price on the offer beat, the promo code and URL on the call to action, the
tagline on the end card, the scenes it names in the beats that show them. The brief's words
turn the mood's palette and pick the key, so different products with one mood differ; the
seed varies optional beats, cameras, palette, key, tempo and lines through ``random.Random``
instances of its own (never the global one).
"""

from __future__ import annotations

import colorsys
import math
import random
import re
from typing import Any, NamedTuple

from agent.providers.local import voiceover
from agent.providers.local.brief import (
    COLOURS,
    Brief,
    fold,
    fold_same_length,
    is_cjk,
    lexicon_pattern,
    load_toml,
    parse_brief,
)
from agent.providers.local.brief import SECTORS as _SECTORS
from agent.providers.local.brief import requested_duration_s as requested_duration_s  # re-export
from agent.providers.local.storyboard.scene import parse_scene
from agent.spec import (
    BEAT_LIBRARY,
    BEAT_TYPES,
    CAMERA_MOVES,
    MAX_DURATION_S,
    MIN_DURATION_S,
    Aspect,
    Beat,
    BeatType,
    CameraMove,
    MusicBrief,
    Spec,
    Style,
    retile,
)


class _Mood(NamedTuple):
    """How a mood plays: pacing, look, camera and music (``data/moods.toml``)."""

    count_factor: float  # beats relative to the default count
    aim: float  # where in each beat's min..max range its length aims, 0-1
    lighting: str
    camera: str  # camera language of the whole ad
    speed: str  # speed word for motion prompts
    cameras: tuple[CameraMove, ...]  # preferred moves
    hooks: tuple[str, ...]
    tempo_bpm: tuple[int, int]
    mode: str
    instruments: tuple[str, ...]
    palettes: tuple[tuple[str, str], ...]  # (description, "#base #accent #more ...")


def _mood(fields: dict[str, Any]) -> _Mood:
    return _Mood(
        count_factor=float(fields["count_factor"]),
        aim=float(fields["aim"]),
        lighting=fields["lighting"],
        camera=fields["camera"],
        speed=fields["speed"],
        cameras=tuple(c for c in fields["cameras"] if c in CAMERA_MOVES),
        hooks=tuple(fields["hooks"]),
        tempo_bpm=(int(fields["tempo_bpm"][0]), int(fields["tempo_bpm"][1])),
        mode=fields["mode"],
        instruments=tuple(fields["instruments"]),
        palettes=tuple((d, c) for d, c in fields["palettes"]),
    )


#: Bump when the planner's output for a prompt changes, so memoised plans are not reused.
PLANNER_VERSION = 10

_MOOD_DATA = load_toml("moods.toml")
_SECTOR_INSTRUMENTS: dict[str, list[str]] = _MOOD_DATA.pop("sector_instruments")
_MOODS: dict[str, _Mood] = {name: _mood(fields) for name, fields in _MOOD_DATA.items()}
_COPY_DATA = load_toml("copy.toml")
#: Stock on-screen phrases per language (``data/phrases.toml``).
_PHRASES: dict[str, dict[str, str]] = load_toml("phrases.toml")


class _Copy(NamedTuple):
    """Stock English copy for a product kind, and the lines it has in the brief's language.

    ``local`` is (hook, close) in that language, ``local_features`` its three feature lines.
    """

    hook: str
    pain: str
    scenes: tuple[str, ...]  # the archetype's scene first, then its sector's
    quote: str
    features: tuple[str, str, str]
    close: str
    local: tuple[str, str] | None
    local_features: tuple[str, ...]  # in the brief's language; () for English or none


def _copy(archetype: str, sector: str, language: str) -> _Copy:
    """The copy for an archetype in a sector: the sector's lines, the archetype's overrides."""
    own = _COPY_DATA["sector"][sector]
    lines = {**own, **_COPY_DATA["archetype"].get(archetype, {})}
    local = _COPY_DATA["lang"].get(language, {}).get(sector)
    a, b, c = lines["features"]
    return _Copy(
        lines["hook"],
        lines["pain"],
        tuple(dict.fromkeys([lines["scene"], own["scene"]])),
        lines["quote"],
        (a, b, c),
        lines["close"],
        (local[0], local[1]) if local else None,
        tuple(_COPY_DATA["features"].get(language, {}).get(sector, ())),
    )


def _phrase(key: str, language: str) -> str:
    """A stock phrase in the brief's language; "" where there is none."""
    return _PHRASES.get(language, {}).get(key, "")


_PERCENT_RE = re.compile(r"(\d{1,2})\s*%|%\s*(\d{1,2})")

_BEATS = load_toml("beats.toml")


def _by_beat(table: dict[str, Any]) -> dict[BeatType, Any]:
    """A ``beats.toml`` table keyed by beat type, checked against the beat library."""
    unknown = set(table) - set(BEAT_TYPES)
    if unknown:
        raise ValueError(f"beats.toml names unknown beat types: {sorted(unknown)}")
    return {t: table[t] for t in BEAT_TYPES if t in table}


_DESCRIBE: dict[BeatType, str] = _by_beat(_BEATS["describe"])
_ACTION: dict[BeatType, str] = _by_beat(_BEATS["action"])
_CAMERA_WORDS: dict[str, str] = _BEATS["camera_words"]
_FRAMING: dict[str, str] = _BEATS["framing"]
#: Middle beats: narrative order, base weight, extra copies allowed in long ads.
_MIDDLE: dict[BeatType, tuple[float, float, int]] = {
    t: (float(v[0]), float(v[1]), int(v[2])) for t, v in _by_beat(_BEATS["middle"]).items()
}
_SOLVER_WEIGHT: dict[BeatType, float] = _by_beat(_BEATS["solver_weight"])
_MOOD_WEIGHT: dict[str, dict[BeatType, float]] = {
    mood: _by_beat(table) for mood, table in _BEATS["mood_weight"].items()
}
#: Beat count by length, (seconds, beats) points interpolated linearly, before the mood factor.
_COUNT_POINTS: tuple[tuple[float, float], ...] = tuple(
    (float(a), float(b)) for a, b in _BEATS["count_points"]
)
#: Beats that can show a scene the brief names, in the order scenes are given to them.
_SCENE_BEATS: tuple[BeatType, ...] = tuple(
    _by_beat({t: t for t in _BEATS["scene_beats"]})[t] for t in _BEATS["scene_beats"]
)
#: The twelve tonics a key is chosen from (the spelling :class:`MusicBrief` accepts).
_TONICS: tuple[str, ...] = tuple(_BEATS["tonics"])
_OFFER_RE = re.compile(rf"\d\s*%|%\s*\d|{lexicon_pattern(_BEATS['offer_words'])}")


#: Beats that show the product in the ad's setting: the brief's first scene, else where its
#: kind plays (``copy.toml``'s scene), so the storyboard draws them there.
_SET_BEATS: frozenset[BeatType] = frozenset(
    ("product_reveal", "feature_highlight", "social_proof", "offer", "call_to_action")
)


#: A scene's fields in words the storyboard reads back (``scene_words.py``).
_SETTING_WORDS = {"golden": "golden hour", "day": "daylight"}


def _setting(prompt: str, product: str, brand: str) -> str:
    """Where the brief sets the ad ("on snowy mountains at dawn"), in plain words; "" if nowhere.

    Read with the storyboard's own scene words, so what the planner writes is what it draws.
    """
    scene = parse_scene(prompt, ignore=(product, brand))
    # the place last: a scene word before a colour word reads as a colour ("forest green")
    road = "road" if scene.road else None
    words = [_SETTING_WORDS.get(w, w) for w in (scene.time, scene.weather, scene.place, road) if w]
    return ", ".join(words)


def _rng(seed: int, topic: str) -> random.Random:
    return random.Random(f"reelgraph:{seed}:{topic}")


def _cap(text: str, limit: int) -> str:
    """Shorten text to ``limit`` characters at a word boundary, with an ellipsis if cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:-") + "…"


def _title(text: str) -> str:
    return " ".join(
        w if w[:1].isupper() or w[1:2].isupper() else w[:1].upper() + w[1:] for w in text.split()
    )


def _beat_count(duration_s: float, mood: str) -> int:
    """Beats for this length and mood: ~2-3 at 6-10 s, 4-5 at 15 s, 7-9 at 30 s, 12-16 at 60 s."""
    pts = _COUNT_POINTS
    d = min(max(duration_s, pts[0][0]), pts[-1][0])
    base = next(
        b0 + (b1 - b0) * (d - d0) / (d1 - d0)
        for (d0, b0), (d1, b1) in zip(pts, pts[1:], strict=False)
        if d <= d1
    )
    return min(16, max(2, math.floor(base * _MOODS[mood].count_factor + 0.5)))


def _middle(
    k: int, mood: str, solves: bool, rng: random.Random, skip: str, musts: tuple[BeatType, ...] = ()
) -> list[BeatType]:
    """Pick ``k`` middle beats in narrative order, each type once while types remain."""
    if k <= 0:
        return []
    bonus = _MOOD_WEIGHT.get(mood, {})
    weight = {
        t: max(0.2, w + (_SOLVER_WEIGHT.get(t, 0) if solves else 0) + bonus.get(t, 0))
        for t, (_, w, _) in _MIDDLE.items()
        if t != skip and (w > 0 or solves and t in _SOLVER_WEIGHT)
    }
    picked: list[tuple[BeatType, int]] = []
    if k == 1 or mood in ("calm", "luxurious", "minimal") and not solves:
        picked.append(("hero_shot", 0))
    else:
        picked.append(("product_reveal", 0) if solves or rng.random() < 0.5 else ("hero_shot", 0))
    wanted: list[tuple[BeatType, bool]] = [
        ("problem", solves and k >= 3),
        ("feature_highlight", k >= 3),
        ("before_after", solves and k >= 5),
        *((t, k >= 2) for t in musts),
    ]
    picked += [(t, 0) for t, want in wanted if want and (t, 0) not in picked]
    repeats = k > len(weight)  # only a length with more beats than types repeats one
    pool = [
        (t, c)
        for t in weight
        for c in range(1 + (_MIDDLE[t][2] if repeats else 0))
        if (t, c) not in picked
    ]
    while len(picked) < k and pool:
        weights = [weight[t] * 0.5**c for t, c in pool]
        choice = rng.choices(pool, weights=weights)[0]
        pool.remove(choice)
        picked.append(choice)
    picked += [("feature_highlight", 3 + i) for i in range(k - len(picked))]
    picked = picked[:k]

    def order(tc: tuple[BeatType, int]) -> tuple[float, int, float]:
        phase = _MIDDLE[tc[0]][0] + (2 if tc[0] == "hero_shot" and tc[1] else 0)
        return (4, tc[1], phase) if 4 <= phase < 5 else (phase, 0, phase)  # interleave copies

    out = [t for t, _ in sorted(picked, key=order)]
    for i in range(1, len(out)):  # the same beat twice in a row: swap in a later, nearby one
        j = next(
            (
                j
                for j in range(i + 1, len(out))
                if out[i] == out[i - 1] != out[j] and _MIDDLE[out[j]][0] - _MIDDLE[out[i]][0] < 1
            ),
            None,
        )
        if j is not None:
            out[i], out[j] = out[j], out[i]
    return out


def _distinct_middle(mood: str, solves: bool, skip: str) -> int:
    """How many different middle beat types an ad of this mood can use."""
    return sum(
        1
        for t, (_, w, _) in _MIDDLE.items()
        if t != skip and (w > 0 or solves and t in _SOLVER_WEIGHT)
    )


class _Needs(NamedTuple):
    """Beats the brief's facts need.

    An offer (a price or discount), a call to action (a code or URL), an end card (a tagline),
    lifestyle beats (scenes).
    """

    offer: bool
    cta: bool
    end_card: bool
    scenes: bool


def _sequence(n: int, mood: str, solves: bool, needs: _Needs, rng: random.Random) -> list[BeatType]:
    """Beat types for an ad of ``n`` beats: opener, middle, offer, closers."""
    opener: BeatType = "emotional_moment" if mood == "emotional" else "hook"
    closers: list[BeatType] = ["call_to_action", "logo_end_card"]
    offer_beat = needs.offer and n >= 3
    if n <= 3 or needs.offer and n <= 5:  # room for one closer, or two that the facts need
        room = n - 1
        cta = needs.cta or needs.offer and not offer_beat
        closers = [c for c, want in zip(closers, (cta, needs.end_card), strict=True) if want]
        if offer_beat and len(closers) + 1 > room:  # the price goes on the call to action
            offer_beat, closers = False, list(dict.fromkeys(["call_to_action", *closers]))
        if not closers:
            use_cta = needs.offer or rng.random() < 0.5
            closers = ["call_to_action" if use_cta else "logo_end_card"]
        closers = closers[: max(1, room)]
    offers: list[BeatType] = ["offer"] if offer_beat else []
    musts: tuple[BeatType, ...] = ("lifestyle",) if needs.scenes else ()
    k = n - 1 - len(closers) - len(offers)
    middle = _middle(k, mood, solves, rng, skip=opener, musts=musts)
    return [opener, *middle, *offers, *closers][:n]


def _durations(types: list[BeatType], duration_s: float, aim: float) -> list[float]:
    """Lengths on a 0.5 s grid, in each beat's range if possible; the longest takes the rest."""
    total = math.floor(duration_s * 2 + 1e-9)
    lo = [math.ceil(BEAT_LIBRARY[t].min_s * 2) for t in types]
    hi = [math.floor(BEAT_LIBRARY[t].max_s * 2) for t in types]
    ideal = [a + aim * (b - a) for a, b in zip(lo, hi, strict=True)]
    target = [x * total / sum(ideal) for x in ideal]
    units = list(lo)
    while sum(units) > total and max(units) > 1:
        units[max(range(len(units)), key=lambda i: (units[i], -i))] -= 1
    for _ in range(total - sum(units)):
        room = [i for i in range(len(units)) if units[i] < hi[i]] or list(range(len(units)))
        units[max(room, key=lambda i: (target[i] - units[i], -i))] += 1
    lengths = [u / 2 for u in units]
    longest = max(range(len(lengths)), key=lambda i: (lengths[i], -i))
    lengths[longest] = round(lengths[longest] + duration_s - total / 2, 6)
    return lengths


def _camera(kind: BeatType, mood: str, prev: str, rng: random.Random) -> CameraMove:
    default = BEAT_LIBRARY[kind].camera
    prefer = _MOODS[mood].cameras
    keep = (
        0.8
        if kind in ("call_to_action", "logo_end_card")
        else (0.65 if default in prefer else 0.35)
    )
    camera = default if rng.random() < keep else rng.choice(prefer)
    if camera == prev:
        camera = rng.choice([c for c in (*prefer, default) if c != prev] or [camera])
    return camera


def _offer_text(brief: Brief, prompt: str) -> str:
    """The offer beat's line: the brief's price and discount as written, else a stock line."""
    facts, lang = brief.facts, brief.language
    said = " · ".join(x for x in (facts.price, facts.discount) if x)
    if said:
        return said[:1].upper() + said[1:]
    m = _PERCENT_RE.search(prompt)
    if m:
        pct = m.group(1) or m.group(2)
        return f"{pct}% off, limited time" if lang == "en" else f"-{pct}%"
    return _phrase("offer", lang)


def _fit(parts: list[str], limit: int = 60) -> str:
    """Join parts with " · ", dropping the earliest optional ones until the line fits."""
    parts = [p for p in parts if p]
    while len(" · ".join(parts)) > limit and len(parts) > 1:
        parts.pop(0)
    return " · ".join(parts)


def _cta_text(brief: Brief, cta_kind: str, display: str, with_price: bool) -> str:
    """The call to action: the stock action, then the URL and promo code (these never drop)."""
    facts, lang = brief.facts, brief.language
    code = f"{_phrase('code', lang) or 'Code'} {facts.promo_code}" if facts.promo_code else ""
    price = facts.price or facts.discount if with_price else ""
    action = _phrase(cta_kind, lang) or display
    return _fit([action, price, facts.url, code])


def _on_screen(
    kind: BeatType, brief: Brief, copy: _Copy, display: str, n_same: int, rng: random.Random
) -> str:
    """The beat's on-screen text in the brief's language; "" where no stock line exists."""
    lang = brief.language
    if kind == "before_after":
        return _phrase(kind, lang)
    if kind == "logo_end_card":
        if brief.facts.tagline:
            return brief.facts.tagline
        return copy.close if lang == "en" else copy.local[1] if copy.local else ""
    if lang != "en":
        return _on_screen_local(kind, brief, copy, display, n_same, rng)
    if kind == "social_proof":
        return f"“{copy.quote}” ★★★★★"
    lines: dict[BeatType, list[str]] = {
        "hook": [copy.hook, copy.hook, *_MOODS[brief.mood].hooks],
        "problem": [f"Tired of {copy.pain}?"],
        "product_reveal": [f"Meet {display}", f"Introducing {display}"],
        "feature_highlight": [copy.features[n_same % 3]],
        "detail_closeup": ["", "Crafted in every detail"] if n_same == 0 else [""],
        "brand_story": [f"The {brief.brand} story" if brief.brand else ""],
        "emotional_moment": list(_MOODS["emotional"].hooks) if brief.mood == "emotional" else [""],
    }
    said = fold(brief.facts.tagline).strip(" .!")
    options = [x for x in lines.get(kind, [""]) if not said or fold(x).strip(" .!") != said]
    return rng.choice(options or [""])  # never the tagline twice


def _on_screen_local(
    kind: BeatType, brief: Brief, copy: _Copy, display: str, n_same: int, rng: random.Random
) -> str:
    """A beat's on-screen text in a language other than English; "" where the beat has none.

    Lines come from ``copy.toml`` (``[lang.*]``, ``[features.*]``) and ``phrases.toml``.
    """
    lang = brief.language
    open_q, close_q = ("「", "」") if lang in ("zh", "ja") else ("“", "”")
    quote = _phrase("quote", lang)
    lines: dict[BeatType, list[str]] = {
        "hook": [copy.local[0] if copy.local else display],
        "problem": [_phrase("problem", lang)],
        "product_reveal": [_phrase("reveal", lang).replace("{name}", display) or display],
        "feature_highlight": [
            copy.local_features[n_same % len(copy.local_features)] if copy.local_features else ""
        ],
        "detail_closeup": ["", _phrase("detail", lang)] if n_same == 0 else [""],
        "brand_story": [_phrase("story", lang).replace("{brand}", brief.brand)]
        if brief.brand
        else [""],
        "social_proof": [f"{open_q}{quote}{close_q} ★★★★★" if quote else "★★★★★"],
        "emotional_moment": [_phrase("moment", lang) if brief.mood == "emotional" else ""],
    }
    said = fold(brief.facts.tagline).strip(" .!。！")
    options = [x for x in lines.get(kind, [""]) if not said or fold(x).strip(" .!。！") != said]
    return rng.choice(options or [""])  # never the tagline twice


def _identity(brief: Brief) -> str:
    """What makes this brief's product itself: brand, product and category words."""
    return fold(f"{brief.brand}|{brief.product}|{brief.category}|{brief.sector}")


def _turn(colour: str, degrees: float) -> str:
    """A ``#rrggbb`` colour with its hue turned; greys and near-blacks stay as they are."""
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    h, lum, sat = colorsys.rgb_to_hls(r, g, b)
    if sat < 0.12 or lum < 0.06 or lum > 0.96:
        return colour
    r, g, b = colorsys.hls_to_rgb((h + degrees / 360) % 1.0, lum, sat)
    return "#" + "".join(f"{round(x * 255):02x}" for x in (r, g, b))


def _hls(colour: str) -> tuple[float, float, float]:
    """Hue (0-1), lightness and saturation of a ``#rrggbb`` colour."""
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return colorsys.rgb_to_hls(r, g, b)


def _palette(brief: Brief, look: _Mood, seed: int) -> tuple[str, list[str]]:
    """The mood's palette turned to the product's colour family, then the brief's colours.

    The mood gives the palette's shape (light or dark base, how vivid the accents are;
    ``data/moods.toml``). Its accent (the second colour, else the most vivid) is turned to
    the hue of the product's sector (``hue_deg`` in ``data/categories.toml``: coffee
    amber-brown, skincare rose, finance teal), or for a product of no sector to a hue the
    brief's words choose; the archetype moves it by up to ±20° and the brand and product
    words by up to ±15° more. Every chromatic colour turns with the accent, so the palette
    keeps its harmony; greys, black and white stay. Colours the brief names lead: a dark one
    becomes the base, the others the accents.

    Returns:
        (words naming the colours, the colours as ``#rrggbb``).
    """
    rng = _rng(seed, f"palette:{_identity(brief)}")
    _, colours = rng.choice(look.palettes)
    mood_colours = colours.split()
    accent = mood_colours[1] if _chroma(mood_colours[1]) >= 0.08 else max(mood_colours, key=_chroma)
    accent_deg = 360 * _hls(accent)[0]
    family = _SECTORS[brief.sector].hue_deg if brief.sector in _SECTORS else None
    if family is None:
        target_deg = rng.uniform(0.0, 360.0)
    else:  # each archetype of a sector has its own side of the family's hue ("candle", "lamp")
        side = _rng(0, f"archetype:{brief.category}").uniform(-20.0, 20.0)
        target_deg = family + side + rng.uniform(-15.0, 15.0)
    turned = [_turn(c, target_deg - accent_deg) for c in mood_colours]
    if brief.colours:  # the brief's colours lead, the turned palette fills in
        named = [COLOURS[c] for c in brief.colours]
        dark = [c for c in named if _lightness(c) < 0.25]
        base = dark[0] if dark else turned[0]
        turned = list(dict.fromkeys([base, *[c for c in named if c != base], *turned[1:]]))[:5]
    return _colour_words(turned), turned


def _chroma(colour: str) -> float:
    """How vivid a ``#rrggbb`` colour is: its largest minus its smallest channel, 0-1."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    return max(channels) - min(channels)


#: Hue names by the hue (degrees) where each one ends, around the colour wheel.
_HUE_NAMES = (
    (12, "red"),
    (38, "orange"),
    (50, "amber"),
    (68, "yellow"),
    (95, "lime"),
    (150, "green"),
    (178, "teal"),
    (198, "cyan"),
    (222, "azure"),
    (252, "blue"),
    (278, "indigo"),
    (300, "violet"),
    (328, "magenta"),
    (348, "pink"),
    (360, "red"),
)


def _colour_name(colour: str) -> str:
    """A plain name for a ``#rrggbb`` colour: "pale teal", "deep indigo", "brown", "cream"."""
    hue, lightness, _ = _hls(colour)
    if _chroma(colour) < 0.08:
        steps = ((0.12, "black"), (0.3, "charcoal"), (0.62, "grey"), (0.86, "silver"))
        return next((name for top, name in steps if lightness < top), "white")
    deg = hue * 360
    name = next(n for top, n in _HUE_NAMES if deg < top)
    if (deg < 50 or deg >= 345) and lightness < 0.42 and _hls(colour)[2] < 0.6:
        return "brown" if lightness > 0.15 else "espresso"
    if 25 <= deg < 68 and lightness > 0.85:
        return "cream"
    if lightness > 0.8:
        return f"pale {name}"
    if lightness < 0.3:
        return f"deep {name}"
    return f"muted {name}" if _chroma(colour) < 0.3 else name


def _colour_words(palette: list[str]) -> str:
    """Name each colour of a palette once, in order: "near-black, amber and cream"."""
    names = list(dict.fromkeys(_colour_name(c) for c in palette))
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _lightness(colour: str) -> float:
    """HLS lightness of a ``#rrggbb`` colour, 0-1."""
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return colorsys.rgb_to_hls(r, g, b)[1]


def _music(brief: Brief, look: _Mood, mood: str, seed: int) -> MusicBrief:
    """Tempo in the mood's range, a tonic and a sector instrument chosen by the brief's words."""
    rng = _rng(seed, f"music:{_identity(brief)}")
    extra = _SECTOR_INSTRUMENTS.get(brief.sector) or _SECTOR_INSTRUMENTS["generic"]
    instruments = list(dict.fromkeys([*look.instruments, rng.choice(extra)]))
    return MusicBrief(
        mood=mood,
        tempo_bpm=rng.randint(*look.tempo_bpm),
        key=f"{rng.choice(_TONICS)} {look.mode}",
        instruments=instruments[:8],
    )


def _scene_plan(types: list[BeatType], scenes: list[str]) -> dict[int, str]:
    """Which beat shows which of the brief's scenes (several share a beat when beats run out)."""
    slots = [i for kind in _SCENE_BEATS for i, t in enumerate(types) if t == kind]
    if not scenes or not slots:
        return {}
    plan: dict[int, list[str]] = {}
    for n, scene in enumerate(scenes):
        plan.setdefault(slots[min(n, len(slots) - 1)], []).append(scene)
    return {i: " and ".join(s) for i, s in plan.items()}


def plan_spec(prompt: str, duration_s: float, aspect: Aspect, seed: int) -> Spec:
    """Plan an ad from a one-line prompt, offline and deterministically.

    The prompt is data: it is parsed for its facts (brand, product, category, price, promo
    code, URL, tagline, scenes), mood and language, never followed.

    Args:
        prompt: e.g. "Create a 30-second Nike sneaker ad, energetic style" (any language).
        duration_s: the ad's length, 6-60 s; wins over a length the prompt names.
        aspect: "16:9", "9:16" or "1:1"; sets the image prompts' framing.
        seed: varies optional beats, cameras, palette, key, tempo and lines; the same
            seed and inputs give an equal spec.

    Returns:
        A validated :class:`Spec` whose beat durations sum exactly to ``duration_s``.

    Raises:
        ValueError: ``duration_s`` outside 6-60 s.
    """
    if not MIN_DURATION_S <= duration_s <= MAX_DURATION_S:
        raise ValueError(
            f"duration_s must be {MIN_DURATION_S:g}-{MAX_DURATION_S:g} s, got {duration_s!r}"
        )
    brief = parse_brief(prompt)
    mood = brief.mood if brief.mood in _MOODS else "energetic"
    brief = brief.model_copy(update={"mood": mood})
    sector = _SECTORS[brief.sector]
    facts = brief.facts
    needs = _Needs(
        offer=bool(facts.price or facts.discount or _OFFER_RE.search(fold_same_length(prompt))),
        cta=bool(facts.promo_code or facts.url),
        end_card=bool(facts.tagline),
        scenes=bool(facts.scenes),
    )
    look = _MOODS[mood]

    n = _beat_count(duration_s, mood)
    opener = "emotional_moment" if mood == "emotional" else "hook"
    distinct = 3 + needs.offer + _distinct_middle(mood, sector.solves, opener)
    if n > distinct:  # fewer, longer beats rather than the same beat twice, if they can fill it
        types = _sequence(distinct, mood, sector.solves, needs, _rng(seed, f"beats:{distinct}"))
        if sum(BEAT_LIBRARY[t].max_s for t in types) >= duration_s:
            n = distinct
    n = max(n, 1 + needs.offer + (needs.cta or needs.offer) + needs.end_card)  # room for facts
    for _ in range(6):  # grow or shrink until the beats' ranges can cover the length
        types = _sequence(n, mood, sector.solves, needs, _rng(seed, f"beats:{n}"))
        if sum(BEAT_LIBRARY[t].max_s for t in types) < duration_s and n < 20:
            n += 1
        elif sum(BEAT_LIBRARY[t].min_s for t in types) > duration_s and n > 2:
            n -= 1
        else:
            break
    lengths = _durations(types, duration_s, look.aim)

    product, brand = brief.product, brief.brand
    cjk = brief.language in ("zh", "ja")
    romance = brief.language in ("es", "fr", "it", "pt", "ar", "he")  # the noun, then the name
    if not brand or fold(brand) in fold(product):
        name = product
    elif product == "product":
        name = brand
    elif cjk:
        name = (
            f"{brand}{product}"
            if is_cjk(brand[-1:]) and is_cjk(product[:1])
            else f"{brand} {product}"
        )
    else:
        name = f"{product} {brand}" if romance else f"{brand} {product}"
    display = _cap(_title(name), 60)
    the = name if name == brand or cjk else f"the {name}"
    palette_words, colours = _palette(brief, look, seed)
    style_words = ", ".join(["advertising photography", *brief.style_words])
    copy = _copy(brief.category, brief.sector, brief.language)
    scenes = _scene_plan(types, list(facts.scenes))
    fields = {
        "the": the,
        "pain": copy.pain,
        "mark": brand or name,
        "scene": copy.scenes[0].replace("{p}", the),
        "offer": _offer_text(brief, prompt),
        "cta": _cta_text(brief, sector.cta, display, "offer" not in types),
        "feature": "",
    }

    named_setting = _setting(prompt, product, brand)  # "on snowy mountains at dawn"
    setting = (
        facts.scenes[0] if facts.scenes else named_setting or copy.scenes[0].replace("{p}", the)
    )
    rng = _rng(seed, "beats")
    beats: list[Beat] = []
    for i, (kind, length) in enumerate(zip(types, lengths, strict=True)):
        n_same = types[:i].count(kind)
        fields["feature"] = copy.features[n_same % 3].lower()
        fields["scene"] = copy.scenes[n_same % len(copy.scenes)].replace("{p}", the)
        camera = _camera(kind, mood, beats[-1].camera if beats else "", rng)
        words = _CAMERA_WORDS.get(camera, camera)
        move = "Locked-off static shot" if camera == "static" else f"{look.speed} {words}"
        action = _ACTION[kind].format(**fields)
        description = _DESCRIBE[kind].format(**fields)
        if n_same and any(b.description == _cap(description, 500) for b in beats):
            description = f"From a new angle: {description[:1].lower()}{description[1:]}"
        image = (
            f"{BEAT_LIBRARY[kind].composition}, featuring {the}. Style: {style_words}, "
            f"{mood} mood. Palette: {palette_words}. Lighting: {look.lighting}. "
            f"{_FRAMING[aspect]}."
        )
        if i in scenes:
            scene = scenes[i]
            description = f"A scene of {scene}: {description}"
            image = f"A scene of {scene}, with {the}; {image}"
            action = f"{action}, in a scene of {scene}"
        elif kind == "lifestyle":
            image = f"{fields['scene'][:1].upper()}{fields['scene'][1:]}; {image}"
        elif kind in _SET_BEATS or named_setting and kind != "logo_end_card":
            image = f"Setting: {setting}; {image}"  # where the ad plays, not a void
        if kind == "offer":
            text = fields["offer"]
        elif kind == "call_to_action":
            text = fields["cta"]
        else:
            text = _on_screen(kind, brief, copy, display, n_same, rng)
        beats.append(
            Beat(
                index=i,
                type=kind,
                start_s=0.0,
                duration_s=length,
                camera=camera,
                description=_cap(description[:1].upper() + description[1:], 500),
                image_prompt=_cap(image, 1000),
                motion_prompt=_cap(f"{move}: {action}.", 1000),
                on_screen_text=_cap(text, 60),
            )
        )

    dur = f"{duration_s:g}s"
    spec = Spec(
        title=_cap(f"{display} — {mood.capitalize()} {dur}", 120),
        product=_cap(product, 120),
        brand=_cap(brand, 80),
        category=brief.category,
        price=_cap(facts.price or facts.discount, 40),
        promo_code=facts.promo_code[:40],
        url=facts.url[:120],
        tagline=_cap(facts.tagline, 120),
        audience=_cap(brief.audience, 200),
        language=brief.language,
        duration_s=duration_s,
        aspect=aspect,
        style=Style(palette=colours, mood=mood, lighting=look.lighting, camera=look.camera),
        music=_music(brief, look, mood, seed),
        beats=retile(beats),
    )
    return voiceover.with_lines(spec)
