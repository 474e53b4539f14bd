"""Voiceover lines of the offline planner: one per beat, in the spec's language, fitted to it.

Each beat type has a role (hook, reveal, feature, offer, call to action, …) and each role a
few lines per language in ``data/voiceover.toml``, from the fullest to the shortest. A beat
gets the fullest line that a voice can speak inside the beat at a natural rate, with room to
breathe (:data:`FILL`): a short beat gets "Meet {name}.", a long one the whole sentence.

Speaking rates (:func:`speaking_time_s`):

- Languages written with spaces are counted in words at :data:`WORDS_PER_S` (2.5 words/s,
  150 words per minute: the rate voice-over scripts are commonly timed at, e.g. a 30-second
  spot holds about 75 words; 150 wpm is also the average conversational English rate the
  US National Center for Voice and Speech gives).
- Chinese and Japanese are counted in characters (:data:`CHARS_PER_S`). Pellegrino, Coupé
  and Marsico (2011), "A cross-language perspective on speech information rate", Language
  87(3), measured read speech at 5.18 syllables/s in Mandarin (one character is one
  syllable) and 7.84 syllables/s in Japanese (a kana is about one mora); ads are read a
  little slower than that, so we use 4.5 and 7.0 characters per second.

A language without lines in the data file gets no voiceover (``""`` on every beat): the user
can write lines with the ``set_voiceover`` edit.
"""

from __future__ import annotations

import tomllib
import unicodedata
from functools import cache
from importlib import resources
from typing import Final

from agent.spec import MAX_VOICEOVER_CHARS, Beat, BeatType, Spec, Voice

#: Speaking rate of languages written with spaces, words per second (150 wpm).
WORDS_PER_S: Final = 2.5
#: Speaking rate of languages written without spaces, characters per second.
CHARS_PER_S: Final[dict[str, float]] = {"zh": 4.5, "ja": 7.0}
#: Share of a beat a line may fill; the rest is the breath before and after it.
FILL: Final = 0.85

#: The role of each beat type in the script.
ROLE: Final[dict[BeatType, str]] = {
    "hook": "hook",
    "problem": "problem",
    "agitation": "problem",
    "product_reveal": "reveal",
    "hero_shot": "reveal",
    "feature_highlight": "feature",
    "detail_closeup": "feature",
    "lifestyle": "life",
    "emotional_moment": "life",
    "brand_story": "life",
    "social_proof": "proof",
    "before_after": "change",
    "offer": "offer",
    "call_to_action": "cta",
    "logo_end_card": "end",
}


@cache
def _lines() -> dict[str, dict[str, list[str]]]:
    data = resources.files("agent.providers.local").joinpath("data/voiceover.toml").read_text()
    return tomllib.loads(data)


def languages() -> tuple[str, ...]:
    """The languages the offline planner writes voiceover lines in (ISO 639-1 codes)."""
    return tuple(sorted(_lines()))


def _spoken_chars(text: str) -> int:
    """Characters a voice pronounces: letters and digits, not spaces or punctuation."""
    return sum(1 for c in text if unicodedata.category(c)[0] in "LN")


def speaking_time_s(text: str, language: str) -> float:
    """How long a voice takes to say ``text`` at a natural ad-read rate, seconds.

    Args:
        text: the line.
        language: its ISO 639-1 code; ``zh`` and ``ja`` are timed by characters, every other
            language by words (see the module docstring for the rates and their sources).
    """
    rate = CHARS_PER_S.get(language)
    if rate is not None:
        return _spoken_chars(text) / rate
    return len(text.split()) / WORDS_PER_S


def _name(spec: Spec) -> str:
    product, brand = spec.product, spec.brand
    if not brand or brand.casefold() in product.casefold() or product == "product":
        return brand if product == "product" and brand else product
    if spec.language in ("es", "fr", "it", "pt"):  # the planner's order: "café Lavazza"
        return f"{product} {brand}"
    joint = "" if spec.language in CHARS_PER_S else " "
    return f"{brand}{joint}{product}"


def _clean(text: str) -> str:
    """On-screen text as speech: ``·`` separators become commas, no trailing dot doubled."""
    return " ".join(text.replace(" · ", ", ").split()).rstrip(".。!！")


def line_for(spec: Spec, beat: Beat, n_same: int = 0, used: frozenset[str] = frozenset()) -> str:
    """The voiceover line of one beat: the fullest stock line that fits it, or ``""``.

    Args:
        spec: the spec (language, product, brand, price, tagline).
        beat: the beat; its type picks the role, its duration the length of the line.
        n_same: how many beats of the same role came before (varies the line so two
            feature beats do not say the same thing).
        used: lines earlier beats already say; none is said twice.

    Returns:
        A line speakable within :data:`FILL` of the beat, or ``""`` when the language has no
        stock lines or even the shortest line does not fit.
    """
    table = _lines().get(spec.language)
    if table is None:
        return ""
    fields = {
        "name": _name(spec),
        "text": _clean(beat.on_screen_text),
        "offer": _clean(spec.price or beat.on_screen_text),
        "tagline": spec.tagline,
    }
    candidates: list[str] = []
    for template in table.get(ROLE[beat.type], []):
        if any(f"{{{key}}}" in template and not value for key, value in fields.items()):
            continue
        line = " ".join(template.format(**fields).split())
        line = line[:1].upper() + line[1:]
        if line and line not in candidates and line not in used:
            candidates.append(line)
    budget_s = beat.duration_s * FILL
    fitting = [c for c in candidates if speaking_time_s(c, spec.language) <= budget_s]
    if not fitting:
        return ""
    # A repeated role takes a shorter line when there is one, so the script does not repeat.
    line = fitting[min(n_same, len(fitting) - 1)]
    return line[:MAX_VOICEOVER_CHARS]


def with_lines(spec: Spec) -> Spec:
    """``spec`` with a voiceover line on every beat and its voice set (the planner's hook).

    The voice's name is left ``""`` (the ``voice`` option, else the speech model's default);
    its language is the spec's.
    """
    seen: dict[str, int] = {}
    used: set[str] = set()
    beats = []
    for beat in spec.beats:
        role = ROLE[beat.type]
        line = line_for(spec, beat, seen.get(role, 0), frozenset(used))
        beats.append(beat.model_copy(update={"voiceover": line}))
        seen[role] = seen.get(role, 0) + 1
        used.add(line)
    voice = Voice(language=spec.language)
    return Spec.model_validate({**spec.model_dump(), "beats": beats, "voice": voice})
