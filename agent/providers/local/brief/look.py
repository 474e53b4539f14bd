"""How a brief wants the ad to look: mood, style words and the colours it names."""

from __future__ import annotations

import re

from agent.providers.local.brief.frame import DECADE_AFTER, DECADE_BEFORE
from agent.providers.local.brief.kinds import kinds_in
from agent.providers.local.brief.lexicon import LEXICON, MOOD_LOOKUP, STYLE_STEMS, stem_lookup
from agent.providers.local.brief.text import fold_same_length, is_cjk, lexicon_pattern

#: Colour names → ``#rrggbb`` (``data/lexicon.toml`` ``[colours]``).
COLOURS: dict[str, str] = {name: v[0] for name, v in LEXICON["colours"].items()}
_COLOUR_PATTERNS = [
    (re.compile(lexicon_pattern(v[1], plurals=True)), name)
    for name, v in LEXICON["colours"].items()
]


def colours_named(text: str, brand: str) -> list[str]:
    """Colour names the text gives for the look, in order.

    A colour word inside the brand's name ("Red Bull") or inside a product word ("face
    cream", "crema") names no colour of the look; one that describes the product does
    ("zapatillas rojas").

    Args:
        text: the brief without its facts.
        brand: the brand as read ("" for none).

    Returns:
        Up to four keys of :data:`COLOURS`, in the order the brief names them.
    """
    if brand:
        text = re.sub(re.escape(brand), " ", text, flags=re.IGNORECASE)
    for start, end, _ in kinds_in(text):
        text = text[:start] + " " * (end - start) + text[end:]
    folded = fold_same_length(text)
    found = sorted(
        (m.start(), name) for pattern, name in _COLOUR_PATTERNS for m in pattern.finditer(folded)
    )
    return list(dict.fromkeys(name for _, name in found))[:4]


CJK_MOODS = [
    (re.compile("|".join(map(re.escape, words.split()))), mood)
    for mood, words in LEXICON["moods"].items()
]


def mood_of(words: list[str], text: str, language: str) -> str | None:
    """The first mood a brief's words name, normalised to English; None when none does.

    Args:
        words: the brief's folded words (:func:`.text.folded_words`), facts removed.
        text: the same text as written, for Chinese, Japanese, Korean, Arabic and Hebrew
            mood words (``data/lexicon.toml`` ``[moods]``).
        language: ISO 639-1 code of the brief.
    """
    mood = next((m for m in (stem_lookup(w, MOOD_LOOKUP) for w in words) if m), None)
    if mood is None and (is_cjk(text) or language in ("ko", "ar", "he")):
        mood = next((m for pattern, m in CJK_MOODS if pattern.search(text)), None)
    return mood


def styles_of(words: list[str], text: str) -> list[str]:
    """Style words a brief names, normalised to English, decades first ("90s", "retro").

    Args:
        words: the brief's folded words, facts removed.
        text: the whole brief as written ("the 80s", "'90s style"; "90s" alone is a length).
    """
    styles: list[str] = []
    for m in re.finditer(r"(?<![\w'’])'?(?:19)?([5-9]0)s\b", text):
        decade = DECADE_AFTER.match(text, m.end()) or DECADE_BEFORE.search(text[: m.start()])
        if (decade or m.group(0)[0] in "'1") and f"{m.group(1)}s" not in styles:
            styles.append(f"{m.group(1)}s")
    for style in (stem_lookup(w, STYLE_STEMS) for w in words):
        if style and style not in styles:
            styles.append(style)
    return styles[:8]
