"""Who an ad is for, when the brief says it ("for busy parents", "忙しい親向け")."""

from __future__ import annotations

import re

from agent.providers.local.brief.lexicon import FILLER, LEXICON, STOP, is_one_of
from agent.providers.local.brief.text import fold, fold_same_length, lexicon_pattern, phrase_tokens

_PEOPLE = (
    r"people|runners?|moms|mums|dads|parents|famil(?:y|ies)|kids|teens|teenagers|students|"
    r"professionals|gamers|women|men|athletes|millennials|gen z|customers|owners|lovers|"
    r"fans|travell?ers|drivers|developers|teams|leaders|businesses|seniors|adults|"
    r"shoppers|users|commuters|creators|foodies|buyers"
)
_AUDIENCE_RE = re.compile(
    r"\b(?:targeting|aimed at|audience(?:\s+is|\s*:)?|geared towards?|for)\s+"
    rf"(?P<a>(?:(?!(?:for|targeting)\b)[\w'-]+\s+){{0,4}}?(?:{_PEOPLE}))\b",
    re.IGNORECASE,
)


_AUDIENCE_LEX = LEXICON["audience"]
_AUDIENCE_BEFORE = frozenset(fold(w) for w in _AUDIENCE_LEX["before"].split() + ["for"])
_FOR_PEOPLE_RE = re.compile(
    rf"(?:{lexicon_pattern(_AUDIENCE_LEX['before'])})\s+"
    rf"(?P<a>(?:(?!(?:{lexicon_pattern(_AUDIENCE_LEX['before'])})\s)[^\W\d_][\w'-]*\s+){{0,4}}"
    rf"(?:{lexicon_pattern(_AUDIENCE_LEX['people'])}))"
    r"(?![^\W_])"
)


_CLAUSE_END = re.compile(r"\s*(?:[,.;:!?()，。、；：！？]|$)")
_TRAILING_WORDS = re.compile(r"(?:\s+[^\W\d_][\w'-]*){1,2}(?=\s*(?:[,.;:!?()，。、；：！？]|$))")


def stated_audience(text: str) -> tuple[str, int, int]:
    """The audience a brief states, and its span when it stands alone in its clause.

    Returns:
        (audience, start, end); ("", -1, -1) when the brief states none; start and end are -1
        too when the words run on into the clause ("for a family hotel" names a hotel).
    """
    folded = fold_same_length(text)
    english = _AUDIENCE_RE.search(text)
    found = english or _FOR_PEOPLE_RE.search(folded)
    if found is not None:
        end = found.end("a")
        if not english and (tail := _TRAILING_WORDS.match(text, end)):  # "madres ocupadas"
            end = tail.end()
        words = phrase_tokens(text[found.start("a") : end])
        cut = [i for i, w in enumerate(words) if fold(w) in _AUDIENCE_BEFORE]
        words = words[cut[-1] + 1 :] if cut else words
        while len(words) > 1 and fold(words[0]) in FILLER:
            words.pop(0)
        stop = next((i for i, w in enumerate(words) if i and is_one_of(w, STOP)), len(words))
        if words[:stop]:
            alone = _CLAUSE_END.match(text, end) is not None
            span = (found.start(), end) if alone else (-1, -1)
            return " ".join(words[:stop][:8]), *span
    m = re.search(
        rf"(?:{lexicon_pattern(LEXICON['facts']['audience'])})\s*(?:is|es|est|ist|[:：])?\s*"
        r"(?P<a>[^,.;:!?()，。、；：！？的]{2,80})",
        folded,
    )
    if m:
        words = phrase_tokens(text[m.start("a") : m.end("a")])
        while len(words) > 1 and fold(words[0]) in FILLER:
            words.pop(0)
        return " ".join(words[:8]), m.start(), m.end()
    if m := re.search(r"(?P<a>[^\s、。，,「」：:]{1,15})(?:の方)?向け", text):  # Japanese "…向け"
        return m["a"], m.start(), m.end()
    return "", -1, -1
