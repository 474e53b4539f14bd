"""The offline planner: a one-line prompt and the run's options become a valid :class:`Spec`.

Rule-based and deterministic: beats are chosen from :data:`agent.spec.BEAT_LIBRARY` by length
and mood, timed on a 0.5 s grid that sums exactly to the ad's length, and written from stock
copy per product category. The seed varies the optional beats, cameras, palette, key, tempo
and lines through ``random.Random`` instances of its own (never the global one).
"""

from __future__ import annotations

import math
import random
import re
from typing import NamedTuple

from agent.providers.local.brief import Brief, Category, fold, parse_brief, product_category
from agent.providers.local.brief import requested_duration_s as requested_duration_s  # re-export
from agent.spec import (
    BEAT_LIBRARY,
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

#: Stock copy per category, "hook|pain point|lifestyle scene ({p} = the product)|customer quote|
#: three features". English; other languages get stock phrases or names instead.
_COPY: dict[str, list[str]] = {
    k: v.split("|")
    for k, v in {
        "security": "Threats never sleep.|alerts piling up while threats slip through|"
        "a calm security team watches a clean dashboard run by {p}|"
        "We sleep at night again.|Real-time threat detection|One-click response|"
        "Zero trust by default",
        "software": "Work, simplified.|spreadsheets, busywork and missed deadlines|"
        "a small team high-fives around a laptop running {p}|"
        "It saves us hours every week.|Set up in minutes|Automate the busywork|"
        "Insights at a glance",
        "skincare": "Glow starts here.|dull, tired-looking skin|"
        "a woman smiles at her glowing reflection in soft morning light, {p} in hand|"
        "My skin has never looked better.|Clinically proven hydration|"
        "Gentle on sensitive skin|Results in 7 days",
        "cleaning": "Mess? What mess?|stubborn stains and endless scrubbing|"
        "a parent relaxes on the sofa, the mess handled by {p}|"
        "It cut my cleaning time in half.|Lifts tough stains fast|Streak-free shine|"
        "Safe for the whole family",
        "finance": "Your money, made simple.|confusing fees and money stress|"
        "a young couple plans their future at the kitchen table with {p}|"
        "Finally, a bank that gets it.|No hidden fees|Smart savings tools|"
        "Support when you need it",
        "coffee": "But first, coffee.|groggy mornings|"
        "friends share a slow morning by a sunlit window with {p}|The best cup in town.|"
        "Freshly roasted beans|Rich, smooth crema|Ethically sourced",
        "beverage": "Pour yourself happy.|boring drinks|"
        "friends laugh at a sunny picnic, glasses of {p} in hand|I'm never going back.|"
        "Deliciously smooth|Nothing artificial|Better for the planet",
        "food": "Fresh from the oven.|bland, rushed meals|"
        "a family gathers around a rustic table to share {p}|Worth the queue every morning.|"
        "Baked fresh every morning|Simple, honest ingredients|Made by hand",
        "footwear": "Every stride counts.|tired, aching feet|"
        "a young runner sprints through rain-slick city streets at dawn in {p}|"
        "Like running on air.|Responsive cushioning|Featherlight upper|"
        "Grip on every surface",
        "apparel": "Wear it loud.|a closet full of nothing to wear|"
        "friends stroll down a sunlit city street, one wearing {p}|"
        "I get compliments every time.|Tailored fit|All-day comfort|Built to last",
        "luxury": "Made to be remembered.|the ordinary|"
        "an elegant guest arrives at a candle-lit evening with {p}|Simply exquisite.|"
        "Hand-finished detail|Rare materials|Timeless design",
        "car": "Drive the future.|the daily grind of the commute|"
        "a driver glides along a coastal road at golden hour in {p}|It drives like a dream.|"
        "Instant acceleration|Smart driver assistance|Room for everything",
        "tech": "Meet your new favourite.|devices that slow you down|"
        "a creator edits on the go in a bright cafe with {p}|Fast, beautiful, reliable.|"
        "All-day battery|Stunning display|Pro-grade performance",
        "fitness": "Push past the limit.|plateaus and skipped workouts|"
        "an athlete powers through a sunrise workout with {p}|I've never felt stronger.|"
        "Built for real workouts|Tracks every rep|Recovery made easy",
        "home": "Home, upgraded.|a home that never feels finished|"
        "a couple unwinds on a lazy Sunday at home with {p}|Our home finally feels finished.|"
        "Designed for real life|Sustainably made|Comfort that lasts",
        "travel": "Your escape is waiting.|another year without a real break|"
        "travellers watch the sun set over turquoise water on a trip with {p}|"
        "The trip of a lifetime.|Handpicked destinations|Flexible booking|"
        "Service that remembers you",
        "pets": "Tails up!|bored, restless pets|a happy dog bounds across a sunny park toward {p}|"
        "My dog goes crazy for it.|Vet-approved recipe|Real ingredients|Tail-wagging taste",
        "toys": "Game on!|screens and boredom|"
        "kids and parents laugh together on the living-room floor with {p}|"
        "The kids haven't put it down.|Hours of play|Easy to start, hard to stop|"
        "Fun for all ages",
        "generic": "You'll want this.|the same old compromises|"
        "people enjoy a bright, ordinary day made better by {p}|Exactly what I needed.|"
        "Thoughtfully designed|Quality you can feel|Made for everyday life",
    }.items()
}


class _Mood(NamedTuple):
    """How a mood plays: pacing, look, camera and music (tempo in BPM, 60-180)."""

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


_MOODS: dict[str, _Mood] = {
    "energetic": _Mood(
        1.12,
        0.25,
        "hard rim light, high-contrast shadows",
        "fast push-ins, whip pans and quick cuts",
        "Fast",
        ("push-in", "pan-left", "pan-right", "orbit", "tilt-up"),
        ("Ready. Set. Go.", "Feel the rush.", "Move faster."),
        (120, 140),
        "minor",
        ("drums", "synth bass", "synth stabs"),
        (
            (
                "near-black, signal red and electric yellow",
                "#0b0b0f #ff3b1f #f5f5f5 #ffd400 #1f6fff",
            ),
            ("charcoal, acid lime, white and hot pink", "#111111 #c6ff00 #ffffff #ff2d55 #2b2b2b"),
            ("midnight navy, cyan and magenta", "#0a0a23 #00e5ff #ff006e #f8f8f8 #3a0ca3"),
        ),
    ),
    "calm": _Mood(
        0.88,
        0.7,
        "soft diffused daylight",
        "slow glides and lingering static frames",
        "Slow",
        ("pull-out", "static", "pan-right", "pan-left"),
        ("Breathe in.", "Slow down.", "Find your calm."),
        (70, 90),
        "major",
        ("pads", "piano", "soft bass"),
        (
            ("warm off-white, sage and blush", "#f4f1ec #9cc5b4 #d8e2dc #f6d6c8 #6b7f8c"),
            ("mist blue, sand and soft green", "#eef3f7 #a8c5da #f7e1d7 #c9d6c3 #5e6b73"),
        ),
    ),
    "luxurious": _Mood(
        0.88,
        0.7,
        "low-key light with warm golden highlights",
        "slow orbits and deliberate reveals",
        "Slow, smooth",
        ("orbit", "pull-out", "push-in", "tilt-up"),
        ("Pure indulgence.", "Made for the few.", "Quietly extraordinary."),
        (80, 96),
        "minor",
        ("strings", "piano", "upright bass", "brushed drums"),
        (
            ("black, gold and ivory", "#0d0d0d #c9a227 #f5efe0 #3b2f1e #8c7851"),
            ("onyx, champagne gold and ivory", "#111014 #d4af37 #fffff0 #2a2a2a #7a6a4f"),
        ),
    ),
    "playful": _Mood(
        1.06,
        0.4,
        "bright, even light with saturated colour",
        "bouncy moves and snappy cuts",
        "Bouncy",
        ("pan-right", "tilt-up", "push-in", "orbit"),
        ("Wait for it...", "Fun, unlocked.", "Say hello to joy."),
        (105, 120),
        "major",
        ("ukulele", "glockenspiel", "claps", "bass"),
        (
            (
                "cream, bubblegum pink, sky blue and yellow",
                "#fff4e0 #ff5da2 #00c2ff #ffd23f #7b2ff7",
            ),
            ("white, tangerine, mint and grape", "#ffffff #ff8c42 #3ddc97 #7d5ba6 #ffd166"),
        ),
    ),
    "emotional": _Mood(
        0.92,
        0.6,
        "soft golden-hour light",
        "gentle handheld drift and slow push-ins",
        "Gentle",
        ("push-in", "pull-out", "static", "pan-right"),
        ("Some moments stay.", "For the ones you love.", "It's the little things."),
        (70, 85),
        "minor",
        ("piano", "strings", "pads"),
        (
            ("dusk plum, peach and linen", "#1f1a24 #e8a87c #f3e9dc #c38d9e #41b3a3"),
            ("deep teal, rose and cream", "#12343b #e4a3a1 #f6efe6 #2d545e #c89666"),
        ),
    ),
    "bold": _Mood(
        1.06,
        0.4,
        "dramatic hard light, deep shadows",
        "punchy push-ins and low angles",
        "Punchy",
        ("push-in", "tilt-up", "orbit", "pan-left"),
        ("Make your mark.", "No half measures.", "Stand out."),
        (100, 128),
        "minor",
        ("drums", "distorted bass", "brass hits"),
        (
            ("black, pure red and white", "#000000 #e10600 #ffffff #ffcc00 #333333"),
            ("graphite, cobalt and white", "#1c1c1c #0047ff #ffffff #ff4f00 #4a4a4a"),
        ),
    ),
    "minimal": _Mood(
        0.9,
        0.6,
        "clean soft studio light",
        "measured, precise moves and still frames",
        "Measured",
        ("static", "pull-out", "push-in"),
        ("Less, but better.", "Simply better.", "Nothing extra."),
        (90, 110),
        "major",
        ("piano", "sub bass", "clicks"),
        (
            (
                "paper white, ink black and one red accent",
                "#fafafa #111111 #e0e0e0 #9e9e9e #d32f2f",
            ),
            ("stone grey, black and soft white", "#e9e7e4 #1a1a1a #ffffff #b5b1ab #6d6a66"),
        ),
    ),
    "warm": _Mood(
        0.95,
        0.55,
        "warm amber window light",
        "easy pans and unhurried push-ins",
        "Easy",
        ("pan-right", "push-in", "pull-out", "static"),
        ("Made with love.", "Feels like home.", "Good things take time."),
        (85, 100),
        "major",
        ("acoustic guitar", "piano", "soft drums"),
        (
            ("espresso, amber, cream and terracotta", "#2b1a10 #f2a541 #fbe7c6 #c8553d #8c5a3c"),
            ("walnut, honey and oat", "#3e2723 #ffb74d #f5e6ca #d84315 #a1887f"),
        ),
    ),
}


_TONICS = ("C", "D", "E", "F", "G", "A", "Bb", "Eb", "F#")

#: Stock on-screen phrases in en|es|fr|de|it|pt.
_PHRASES: dict[str, dict[str, str]] = {
    k: dict(zip(("en", "es", "fr", "de", "it", "pt"), v.split("|"), strict=True))
    for k, v in {
        "shop": "Shop now|Compra ahora|Achetez maintenant|Jetzt kaufen|Acquista ora|Compre agora",
        "visit": "Visit us today|Visítanos hoy|Venez nous voir|Besuchen Sie uns|Vieni a trovarci|"
        "Visite-nos hoje",
        "try": "Start your free trial|Pruébalo gratis|Essayez gratuitement|Jetzt kostenlos testen|"
        "Provalo gratis|Experimente grátis",
        "book": "Book your escape|Reserva ahora|Réservez maintenant|Jetzt buchen|Prenota ora|"
        "Reserve agora",
        "drive": "Book a test drive|Reserva tu prueba|Réservez un essai|Jetzt Probe fahren|"
        "Prenota un test drive|Agende um test drive",
        "offer": "Limited-time offer|Oferta por tiempo limitado|Offre à durée limitée|"
        "Nur für kurze Zeit|Offerta a tempo limitato|Oferta por tempo limitado",
        "before_after": "Before / After|Antes / Después|Avant / Après|Vorher / Nachher|"
        "Prima / Dopo|Antes / Depois",
    }.items()
}
_OFFER_RE = re.compile(
    r"\d\s*%|%\s*\d|\b(?:sale|discounts?|discounted|special offer|offer|deals?|coupons?|promo "
    r"code|bogo|free shipping|black friday|cyber monday|ofertas?|descuentos?|rebajas?|"
    r"promocion|soldes|remise|promotion|angebot|rabatt|sconto|sconti|saldi|offerta|desconto|"
    r"promocao|liquidacao)\b"
)
_PERCENT_RE = re.compile(r"(\d{1,2})\s*%|%\s*(\d{1,2})")

_DESCRIBE: dict[BeatType, str] = {
    "hook": "A bold opening frame teases {the} behind a big headline to stop the scroll.",
    "problem": "An everyday scene in muted tones shows {pain}, the problem {the} solves.",
    "agitation": "Tight, tense framing makes {pain} impossible to ignore, until {the}.",
    "product_reveal": "A single spotlight reveals {the}, centre frame against a dark backdrop.",
    "hero_shot": "A low-angle hero shot puts {the} on a pedestal, rim light tracing the edges.",
    "feature_highlight": "Callouts beside {the} spell out a key benefit: {feature}.",
    "detail_closeup": "A macro close-up lingers on the material, texture and craft of {the}.",
    "lifestyle": "In the real world, {scene}.",
    "social_proof": "A five-star quote card shares what a happy customer says about {the}.",
    "before_after": "A split frame shows life before {the} on the left and after on the right.",
    "emotional_moment": "A warm, close moment between people, with {the} quietly part of it.",
    "brand_story": "A film strip of moments tells the story behind {the}.",
    "offer": "A bright badge announces the offer ({offer}) over {the}.",
    "call_to_action": "A clear button-like panel invites viewers to act on {the}: {cta}.",
    "logo_end_card": "The {mark} mark settles centred on the base colour, a tagline below.",
}
_ACTION: dict[BeatType, str] = {
    "hook": "a burst of motion reveals {the} as the headline slams on",
    "problem": "a person sighs, weighed down by {pain}",
    "agitation": "the frame tightens and warning accents flicker around {pain}",
    "product_reveal": "the spotlight snaps on over {the}, centre frame",
    "hero_shot": "the pedestal turns slowly, rim light gliding across {the}",
    "feature_highlight": "callout lines draw on beside {the}, naming {feature}",
    "detail_closeup": "light rakes across the surface of {the}, revealing the texture",
    "lifestyle": "{scene}, moving naturally",
    "social_proof": "the quote card slides in beside {the} and five stars fill one by one",
    "before_after": "a wipe sweeps from before to after, revealing the difference {the} makes",
    "emotional_moment": "people share a quiet smile, {the} between them",
    "brand_story": "film frames slide past, each a moment in the story of {the}",
    "offer": "the offer badge pops in over {the} with a bounce",
    "call_to_action": "the action panel pulses gently beside {the}",
    "logo_end_card": "the {mark} mark resolves and settles as the tagline fades in",
}
_CAMERA_WORDS = {
    "pan-left": "pan left",
    "pan-right": "pan right",
    "tilt-up": "tilt up",
    "tilt-down": "tilt down",
    "orbit": "orbit around the subject",
}
_FRAMING: dict[Aspect, str] = {
    "16:9": "wide 16:9 frame",
    "1:1": "square 1:1 frame",
    "9:16": "vertical 9:16 frame, subject centred for mobile",
}

#: Middle beats: narrative order, base weight, extra copies allowed in long ads.
_MIDDLE: dict[BeatType, tuple[float, float, int]] = {
    "problem": (0, 0, 0),
    "agitation": (1, 0, 0),
    "product_reveal": (2, 3, 0),
    "hero_shot": (3, 3, 1),
    "before_after": (3.5, 0, 0),
    "brand_story": (3.7, 1, 0),
    "feature_highlight": (4, 3, 2),
    "detail_closeup": (4.1, 2, 1),
    "lifestyle": (4.2, 2.5, 1),
    "emotional_moment": (6, 1, 0),
    "social_proof": (7, 1.5, 0),
}
_SOLVER_WEIGHT: dict[BeatType, float] = {"problem": 3, "agitation": 2, "before_after": 2.5}
_MOOD_WEIGHT: dict[str, dict[BeatType, float]] = {
    "energetic": {"lifestyle": 2, "feature_highlight": 1, "hero_shot": 1, "brand_story": -0.5},
    "calm": {"detail_closeup": 2, "hero_shot": 2, "brand_story": 2, "lifestyle": -0.5},
    "luxurious": {"detail_closeup": 2.5, "hero_shot": 2, "brand_story": 2, "social_proof": -1},
    "playful": {"lifestyle": 2, "social_proof": 1, "feature_highlight": 1},
    "emotional": {"emotional_moment": 3, "brand_story": 1.5, "lifestyle": 1},
    "bold": {"hero_shot": 2, "feature_highlight": 1, "detail_closeup": 1},
    "minimal": {"hero_shot": 2, "detail_closeup": 2, "lifestyle": -1},
    "warm": {"lifestyle": 2, "brand_story": 2, "emotional_moment": 1, "detail_closeup": 1},
}
#: Beat count by length, (seconds, beats) points interpolated linearly, before the mood factor.
_COUNT_POINTS = ((6.0, 2.0), (10.0, 3.0), (15.0, 4.5), (30.0, 8.0), (45.0, 11.0), (60.0, 14.0))


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


def _middle(k: int, mood: str, solves: bool, rng: random.Random, skip: str) -> list[BeatType]:
    """Pick ``k`` middle beats in narrative order."""
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
    musts: list[tuple[BeatType, bool]] = [
        ("problem", solves and k >= 3),
        ("feature_highlight", k >= 3),
        ("before_after", solves and k >= 5),
    ]
    picked += [(t, 0) for t, wanted in musts if wanted]
    pool = [
        (t, c)
        for t in weight
        for c in range(1 + (_MIDDLE[t][2] if k >= 7 else 0))
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


def _sequence(n: int, mood: str, solves: bool, offer: bool, rng: random.Random) -> list[BeatType]:
    """Beat types for an ad of ``n`` beats: opener, middle, offer, closers."""
    opener: BeatType = "emotional_moment" if mood == "emotional" else "hook"
    closers: list[BeatType]
    if n <= 3 or offer and n <= 5:
        closers = ["call_to_action"] if offer or rng.random() < 0.5 else ["logo_end_card"]
    else:
        closers = ["call_to_action", "logo_end_card"]
    offers: list[BeatType] = ["offer"] if offer and n >= 3 else []
    middle = _middle(n - 1 - len(closers) - len(offers), mood, solves, rng, skip=opener)
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


def _offer_text(prompt: str, language: str) -> str:
    m = _PERCENT_RE.search(prompt)
    if m:
        pct = m.group(1) or m.group(2)
        return f"{pct}% off, limited time" if language == "en" else f"-{pct}%"
    return _PHRASES["offer"].get(language, "")


def _on_screen(
    kind: BeatType,
    brief: Brief,
    cat: Category,
    display: str,
    n_same: int,
    prompt: str,
    rng: random.Random,
) -> str:
    """The beat's on-screen text: English copy, stock phrases in es/fr/de/it/pt, else names."""
    lang = brief.language
    hook, pain, _, quote, *features = _COPY[cat.name]
    if kind in ("call_to_action", "before_after"):
        key = cat.cta if kind == "call_to_action" else kind
        return _PHRASES[key].get(lang, display if kind == "call_to_action" else "")
    if kind == "offer":
        return _offer_text(prompt, lang)
    if kind == "logo_end_card":
        return brief.brand or display
    if kind == "social_proof":
        return f"“{quote}” ★★★★★" if lang == "en" else "★★★★★"
    if lang != "en":
        return display if kind == "hook" else ""
    lines: dict[BeatType, list[str]] = {
        "hook": [hook, *_MOODS[brief.mood].hooks],
        "problem": [f"Tired of {pain}?"],
        "product_reveal": [f"Meet {display}", f"Introducing {display}"],
        "feature_highlight": [features[n_same % 3]],
        "detail_closeup": ["", "Crafted in every detail"] if n_same == 0 else [""],
        "brand_story": [f"The {brief.brand} story" if brief.brand else ""],
        "emotional_moment": list(_MOODS["emotional"].hooks) if brief.mood == "emotional" else [""],
    }
    return rng.choice(lines.get(kind, [""]))


def plan_spec(prompt: str, duration_s: float, aspect: Aspect, seed: int) -> Spec:
    """Plan an ad from a one-line prompt, offline and deterministically.

    The prompt is data: it is parsed for product, brand, mood and language, never followed.

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
    cat = product_category(brief.product, brief.brand, prompt)
    offer = bool(_OFFER_RE.search(fold(prompt)))
    look = _MOODS[mood]

    n = _beat_count(duration_s, mood)
    for _ in range(6):  # grow or shrink until the beats' ranges can cover the length
        types = _sequence(n, mood, cat.solves, offer, _rng(seed, f"beats:{n}"))
        if sum(BEAT_LIBRARY[t].max_s for t in types) < duration_s and n < 20:
            n += 1
        elif sum(BEAT_LIBRARY[t].min_s for t in types) > duration_s and n > 2:
            n -= 1
        else:
            break
    lengths = _durations(types, duration_s, look.aim)

    product, brand = brief.product, brief.brand
    romance = brief.language in ("es", "fr", "it", "pt")
    if not brand or fold(brand) in fold(product):
        name = product
    elif product == "product":
        name = brand
    else:
        name = f"{product} {brand}" if romance else f"{brand} {product}"
    display = _cap(_title(name), 60)
    the = name if name == brand else f"the {name}"
    palette_words, colours = _rng(seed, "palette").choice(look.palettes)
    style_words = ", ".join(["advertising photography", *brief.style_words])
    _, pain, scene, _, *features = _COPY[cat.name]
    cta = _PHRASES[cat.cta].get(brief.language, display)
    fields = {
        "the": the,
        "pain": pain,
        "mark": brand or name,
        "scene": scene.replace("{p}", the),
        "offer": _offer_text(prompt, brief.language),
        "cta": cta,
        "feature": "",
    }

    rng = _rng(seed, "beats")
    beats: list[Beat] = []
    for i, (kind, length) in enumerate(zip(types, lengths, strict=True)):
        n_same = types[:i].count(kind)
        fields["feature"] = features[n_same % 3].lower()
        camera = _camera(kind, mood, beats[-1].camera if beats else "", rng)
        words = _CAMERA_WORDS.get(camera, camera)
        move = "Locked-off static shot" if camera == "static" else f"{look.speed} {words}"
        action = _ACTION[kind].format(**fields)
        description = _DESCRIBE[kind].format(**fields)
        image = (
            f"{BEAT_LIBRARY[kind].composition}, featuring {the}. Style: {style_words}, "
            f"{mood} mood. Palette: {palette_words}. Lighting: {look.lighting}. "
            f"{_FRAMING[aspect]}."
        )
        if kind == "lifestyle":
            image = f"{fields['scene'][:1].upper()}{fields['scene'][1:]}; {image}"
        text = _on_screen(kind, brief, cat, display, n_same, prompt, rng)
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

    music_rng = _rng(seed, "music")
    dur = f"{duration_s:g}s"
    return Spec(
        title=_cap(f"{display} — {mood.capitalize()} {dur}", 120),
        product=_cap(product, 120),
        brand=_cap(brand, 80),
        audience=_cap(brief.audience, 200),
        language=brief.language,
        duration_s=duration_s,
        aspect=aspect,
        style=Style(palette=colours.split(), mood=mood, lighting=look.lighting, camera=look.camera),
        music=MusicBrief(
            mood=mood,
            tempo_bpm=music_rng.randint(*look.tempo_bpm),
            key=f"{music_rng.choice(_TONICS)} {look.mode}",
            instruments=list(look.instruments),
        ),
        beats=retile(beats),
    )
