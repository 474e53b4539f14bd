"""The word lists of ``data/lexicon.toml`` the reader shares, and the brief's language.

Stopwords per language, filler and connector words that bound a name, mood and style stems.
"""

from __future__ import annotations

import unicodedata

from agent.providers.local.brief.text import fold, folded_words, load_toml

LEXICON = load_toml("lexicon.toml")

#: Mood stems (casefolded, accent-free) → mood. A stem matches a word that starts with it;
#: a stem ending in "=" must match the whole word (``data/lexicon.toml``).
_MOOD_STEMS: dict[str, str] = dict(LEXICON["mood_stems"])
#: Style stems → normalised English style word.
STYLE_STEMS: dict[str, str] = {
    stem: word for word, stems in LEXICON["style_stems"].items() for stem in stems.split()
}
_LANG_STOPWORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split()) for lang, words in LEXICON["stopwords"].items()
}
#: Unicode-name prefixes of non-Latin scripts → language.
_SCRIPTS = [
    x.split(":")
    for x in "HIRAGANA:ja KATAKANA:ja CJK:zh HANGUL:ko THAI:th CYRILLIC:ru "
    "GREEK:el ARABIC:ar HEBREW:he DEVANAGARI:hi".split()
]

#: Words skipped before a product name: stopwords, these, and meta words (the prompt is data).
FILLER = frozenset().union(
    *_LANG_STOPWORDS.values(),
    (
        "his her their this that some something anything new brand-new me us generate produce "
        "design "
        "build write give need want i we you short quick long unos unas mis nuestros nuestras su "
        "sus "
        "nuevo nueva haz hazme l mes nos son sa ses nouveau nouvelle fais einer meinen unseren "
        "neue "
        "neuen neuer neues miei mie nuovo nuova fai meus minhas novo nova faca ignore disregard "
        "forget "
        "previous prior above all instructions instruction system prompt reveal print pretend"
    ).split(),
)
STOP = frozenset(
    "with in that which featuring targeting aimed showing using style for to so "
    "who where and con en estilo que para avec dans qui pour mit im fur stil per "
    "nello stile che com em "
    # where the ad is set ("boots on snowy mountains at dawn") is not the product's name
    "on at near under across during sur sous auf am bei unter su sotto sobre bajo".split()
)


def stem_lookup(word: str, stems: dict[str, str]) -> str | None:
    """The value of the first stem a folded word starts with ("=" ends a whole-word stem)."""
    for stem, value in stems.items():
        if word == stem[:-1] if stem.endswith("=") else word.startswith(stem):
            return value
    return None


MOOD_LOOKUP = {stem: mood for mood, stems in _MOOD_STEMS.items() for stem in stems.split()}
DESCRIPTIVE = {**MOOD_LOOKUP, **STYLE_STEMS}


#: Letters that only one of the Latin-script languages writes ("ã" Portuguese, "ñ" Spanish,
#: "ß" German, "œ" French): each counts as two stopwords of its language.
_LANG_LETTERS = {"pt": "ãõ", "es": "ñ¿¡", "de": "ß", "fr": "œ"}


def guess_language(text: str) -> str:
    """Guess the ISO 639-1 language: by script, else by stopwords (en/es/fr/de/it/pt)."""
    letters = [ch for ch in text if ch.isalpha()]
    hits: dict[str, int] = {}
    for ch in letters:
        name = unicodedata.name(ch, "")
        lang = next((lang for prefix, lang in _SCRIPTS if name.startswith(prefix)), "")
        if lang:
            hits[lang] = hits.get(lang, 0) + 1
    if hits.get("ja"):  # Japanese mixes kana and kanji (and Latin brand names)
        hits["ja"] += hits.pop("zh", 0)
    if hits and (top := max(hits, key=lambda lang: hits[lang])) and hits[top] / len(letters) > 0.3:
        return top
    words = folded_words(text)
    scores = {lang: sum(w in stop for w in words) for lang, stop in _LANG_STOPWORDS.items()}
    for lang, marks in _LANG_LETTERS.items():  # letters only one of the languages writes
        scores[lang] += 2 * sum(ch in marks for ch in text.casefold())
    best = max(scores, key=lambda lang: scores[lang])
    return best if best != "en" and scores[best] >= 2 and scores[best] > scores["en"] else "en"


def is_one_of(tok: str, words: frozenset[str]) -> bool:
    """Whether a token is one of ``words``, a mood word or a style word."""
    word = fold(tok)
    return word in words or stem_lookup(word, DESCRIPTIVE) is not None
