"""Parse a one-line ad brief into a :class:`Brief`: offline, rule-based and deterministic.

The prompt is data. Nothing in it is executed or obeyed: control characters are stripped,
fields are picked out by small multilingual lexicons (English, Spanish, French, German,
Italian, Portuguese, Chinese, Japanese, Korean, Arabic, Hebrew) and every field is capped to
the limits of :class:`agent.spec.Spec`.

The facts a brief states are taken out first, as written (:mod:`.facts`: URL, promo code,
tagline, price and discount, scenes; :mod:`.frame`: length and aspect ratio; :mod:`.audience`).
Brand and product are then read from what is left (:mod:`.names`, over the product kinds of
:mod:`.kinds`), so a tagline's words do not set the mood and "TikTok" is not a brand; mood,
style and colours come last (:mod:`.look`). All of them stand on :mod:`.text` (cleaning,
folding, scripts, tokens, lexicon patterns) and :mod:`.lexicon` (shared word lists); Chinese
and Japanese words and parts of speech come from jieba and janome (:mod:`.segment`, loaded
for those briefs only). The word
lists live in ``agent/providers/local/data/`` (``categories.toml``, ``brands.toml``,
``lexicon.toml``).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from agent.providers.local.brief.audience import stated_audience
from agent.providers.local.brief.facts import Facts, take_facts
from agent.providers.local.brief.frame import (
    requested_aspect,
    requested_duration_s,
    take_aspect,
    without_length,
)
from agent.providers.local.brief.kinds import (
    GENERIC,
    SECTORS,
    Kind,
    Sector,
    archetype_of,
    kind_of,
    kinds_in,
    product_kind,
)
from agent.providers.local.brief.lexicon import guess_language
from agent.providers.local.brief.look import COLOURS, colours_named, mood_of, styles_of
from agent.providers.local.brief.names import brand_and_product, own_script_brand
from agent.providers.local.brief.text import (
    MAX_PROMPT_CHARS,
    clean_prompt,
    fold,
    fold_same_length,
    folded_words,
    is_cjk,
    lexicon_pattern,
    load_toml,
    remove_span,
)

__all__ = [
    "COLOURS",
    "GENERIC",
    "MAX_PROMPT_CHARS",
    "SECTORS",
    "Brief",
    "Facts",
    "Kind",
    "Sector",
    "archetype_of",
    "clean_prompt",
    "fold",
    "fold_same_length",
    "is_cjk",
    "kind_of",
    "kinds_in",
    "lexicon_pattern",
    "load_toml",
    "own_script_brand",
    "parse_brief",
    "product_kind",
    "requested_aspect",
    "requested_duration_s",
]


class Brief(BaseModel):
    """What a one-line prompt says about the ad.

    Attributes:
        product: what is advertised, e.g. "sneakers" ("product" if nothing was found).
        brand: the brand, e.g. "Nike"; "" if none was found.
        audience: who the ad is for, stated or inferred ("everyday customers" by default).
        mood: one normalised English mood word: energetic, calm, luxurious, playful,
            emotional, bold, minimal or warm.
        style_words: other style adjectives, normalised to English ("cinematic", "retro").
        category: the product archetype (one of :data:`agent.spec.CATEGORIES`), "" if none.
        sector: the kind of business (a ``[sector.*]`` of ``data/categories.toml``).
        duration_s: the length the prompt names, seconds, as written (not clamped to the
            6-60 s range); None if it names none.
        aspect: the aspect ratio the prompt names in words or digits; None if none.
        language: ISO 639-1 guess of the prompt's language, "en" by default.
        facts: URL, promo code, tagline, price, discount and scenes, as written.
        colours: colours the brief names for the look, as keys of :data:`COLOURS` ("black",
            "gold"), in order; a colour inside the brand's name does not count.
    """

    model_config = ConfigDict(frozen=True)

    product: str = Field(min_length=1, max_length=120)
    brand: str = Field(default="", max_length=80)
    audience: str = Field(min_length=1, max_length=200)
    mood: str = Field(min_length=1, max_length=80)
    category: str = Field(default="", max_length=40)
    sector: str = "generic"
    style_words: list[str] = Field(default_factory=list, max_length=8)
    duration_s: float | None = None
    aspect: str | None = None
    language: str = Field(default="en", pattern=r"^[a-z]{2}$")
    facts: Facts = Field(default_factory=lambda: Facts())
    colours: list[str] = Field(default_factory=list, max_length=4)


#: Arabic comma, semicolon and question mark, read as their Latin counterparts.
_PUNCTUATION = str.maketrans({"،": ",", "؛": ";", "؟": "?"})


def parse_brief(prompt: str) -> Brief:
    """Read a one-line ad prompt: the facts it states, product, brand, mood, style, format.

    The prompt is treated as data only; nothing in it is followed. Facts are taken out
    first (URL, promo code, tagline, price and discount, scenes, length, aspect ratio), so a
    tagline's words do not set the mood and "TikTok" is not read as a brand.

    Args:
        prompt: e.g. "Create a 30-second Nike sneaker ad, energetic style", in English,
            Spanish, French, German, Italian, Portuguese, Chinese or Japanese (other languages:
            best effort).

    Returns:
        The :class:`Brief`, every field within the limits of :class:`agent.spec.Spec`.
    """
    text = clean_prompt(prompt).translate(_PUNCTUATION)
    language = guess_language(text)
    facts, stripped = take_facts(text)
    aspect, stripped = take_aspect(without_length(stripped))
    audience, start, end = stated_audience(stripped)
    named = remove_span(stripped, start, end) if start >= 0 else stripped
    brand, product = brand_and_product(named, language)
    kind = product_kind(product, brand, named, language)
    words = folded_words(stripped)
    return Brief(
        product=product,
        brand=brand,
        category=kind.archetype,
        sector=kind.sector.name,
        audience=(audience or kind.sector.audience)[:200],
        mood=mood_of(words, stripped, language) or kind.sector.mood,
        style_words=styles_of(words, text),
        duration_s=requested_duration_s(text),
        aspect=aspect,
        language=language,
        facts=facts,
        colours=colours_named(stripped, brand),
    )
