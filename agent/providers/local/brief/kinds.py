"""What kind of product a brief names: archetype, sector and known brands.

One lexicon (``data/categories.toml``) serves the brief reader and the storyboard;
``data/brands.toml`` lists brands whose product a brief may leave out ("a Nike ad").
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from agent.providers.local.brief.lexicon import guess_language
from agent.providers.local.brief.text import (
    clean_prompt,
    compound_pattern,
    exact_pattern,
    fold,
    fold_same_length,
    lexicon_pattern,
    load_toml,
)


@dataclass(frozen=True)
class Sector:
    """How ads for a kind of product play (``data/categories.toml``).

    Attributes:
        name: short id ("footwear"); the planner keys its stock copy on it.
        audience: default audience; mood: default mood when the prompt names none.
        solves: whether the product fixes a problem (problem/agitation/before-after beats).
        cta: kind of call to action: shop, visit, try, book or drive.
        hue_deg: the hue its ads' colours lean to, degrees on the colour wheel (0 red, 120
            green, 240 blue); None when it has none (the brief's words choose).
    """

    name: str
    audience: str
    mood: str
    solves: bool
    cta: str
    hue_deg: float | None = None


@dataclass(frozen=True)
class Kind:
    """What a product word says: the archetype drawn and the sector it plays in.

    Attributes:
        archetype: one of :data:`agent.spec.CATEGORIES`, or "" (a service: nothing to hold).
        sector: the :class:`Sector`.
        word: the word of the brief that matched, as written ("zapatillas", "耳机").
    """

    archetype: str
    sector: Sector
    word: str = ""


_CATEGORY_DATA = load_toml("categories.toml")
SECTORS: dict[str, Sector] = {
    name: Sector(name, **fields) for name, fields in _CATEGORY_DATA["sector"].items()
}
#: The sector used when nothing matches.
GENERIC = SECTORS["generic"]


_KindPattern = tuple[re.Pattern[str], re.Pattern[str] | None, re.Pattern[str] | None, str, Sector]


@functools.cache
def _kind_patterns() -> list[_KindPattern]:
    """Each kind's patterns, compiled on first use rather than at import.

    They take about half a second of CPU to compile; a command that reads no brief
    (``status``, ``videos``) does not pay for them.
    """
    return [
        (
            re.compile(lexicon_pattern(k["words"], plurals=True)),
            re.compile(exact) if (exact := exact_pattern(k["words"])) else None,
            re.compile(compound) if (compound := compound_pattern(k["words"])) else None,
            k["archetype"],
            SECTORS[k["sector"]],
        )
        for k in _CATEGORY_DATA["kind"]
    ]


def kinds_in(text: str, compounds: bool = True) -> list[tuple[int, int, Kind]]:
    """Every product word in text, as (start, end, kind), in order of position.

    With ``compounds``, a capitalised compound noun whose head is a product word counts too
    ("Wanderstiefel", German); its span is the head's, its word the whole compound.
    """
    folded, lower = fold_same_length(text), text.lower()
    found = []
    for pattern, exact, compound, archetype, sector in _kind_patterns():
        for m in [*pattern.finditer(folded), *(exact.finditer(lower) if exact else ())]:
            found.append((m.start(), m.end(), Kind(archetype, sector, text[m.start() : m.end()])))
        for m in compound.finditer(folded) if compound and compounds else ():
            if text[m.start()].isupper():
                kind = Kind(archetype, sector, text[m.start() : m.end()])
                found.append((m.end("mod"), m.end(), kind))
    return sorted(found, key=lambda f: (f[0], -f[1]))


def kind_of(text: str, language: str = "en") -> Kind | None:
    """The product kind that text names: the longest product word, then the head noun's.

    The head noun comes last in English, German, Chinese and Japanese ("running shoes",
    "咖啡杯") and first in Spanish, French, Italian and Portuguese ("zapatillas de running").

    Args:
        text: a product name or a whole brief.
        language: ISO 639-1 code of the text.

    Returns:
        The kind, or None when no product word is there.
    """
    best = best_kind(text, language)
    return best[2] if best else None


def archetype_of(text: str) -> str:
    """The archetype a product name's words name, in any language the reader knows.

    One lexicon (``data/categories.toml``) serves the brief reader and the storyboard.

    Args:
        text: a product name ("Kabellose Kopfhörer", "zapatillas de running", "保温杯").

    Returns:
        One of :data:`agent.spec.CATEGORIES`, or "" when no product word is there or the word
        names a service with nothing to draw.
    """
    kind = kind_of(text, guess_language(clean_prompt(text)))
    return kind.archetype if kind else ""


def best_kind(text: str, language: str) -> tuple[int, int, Kind] | None:
    """The product word that names text's product, as (start, end, kind); None if none.

    The longest word wins; among equals the head noun: the last one in English, German,
    Chinese and Japanese, the first in Spanish, French, Italian and Portuguese.
    """
    found = kinds_in(text, compounds=language == "de")
    if not found:
        return None
    head_first = language in ("es", "fr", "it", "pt")
    return max(found, key=lambda f: (f[1] - f[0], -f[0] if head_first else f[0]))


#: Known brands (folded name → (name as written, default product)).
KNOWN_BRANDS: dict[str, tuple[str, str]] = {
    fold(name): (name, product) for name, product in load_toml("brands.toml").items()
}
KNOWN_BRAND_RE = re.compile(
    r"(?<![\w'])("
    + "|".join(re.escape(b[0]) for b in sorted(KNOWN_BRANDS.values(), key=lambda b: -len(b[0])))
    + r")(?![\w'])",
    re.IGNORECASE,
)


def product_kind(product: str, brand: str = "", prompt: str = "", language: str = "en") -> Kind:
    """The kind of a product: from its name, else its brand's usual product, else the prompt.

    Args:
        product: the product as the brief names it ("hiking boots", "耳机").
        brand: the brand ("" for none).
        prompt: the whole brief.
        language: ISO 639-1 code of the brief.

    Returns:
        The :class:`Kind`; archetype "" and the generic sector when nothing matches.
    """
    found = kind_of(product, language)
    if found is None and fold(brand) in KNOWN_BRANDS:
        found = kind_of(KNOWN_BRANDS[fold(brand)][1])
    return found or kind_of(prompt, language) or Kind("", GENERIC)
