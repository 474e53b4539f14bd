"""Words about words: comparatives, and requests that only qualify what is there.

"make beat 2 warmer" asks for the same beat, warmer, not for a beat that shows "warmer".
Both the plan (a beat's description, :class:`agent.edits.SetBeat`) and the storyboard (a new
image's prompt, :class:`agent.editing.RegenerateBeat`) read such a request with
:func:`is_qualifier` and keep what the beat showed (:func:`qualified`), whichever door or
interpreter sent it. English; the edit interpreter reads other languages into English first.
"""

from __future__ import annotations

import re

#: Words ending in "-er" or "-ier" that are no comparative (nouns and adjectives of their own,
#: often colours, materials and seasons: "amber lighting", "a summer mood").
NOT_COMPARATIVE = frozenset(
    "amber silver copper leather lavender timber ember embers summer winter glitter shimmer "
    "thunder powder water paper poster master monster cinder feather weather butter letter "
    "matter banner hammer tiger river never ever over under other rather either neither "
    "whether clever bitter sober tender proper eager slender sinister super hyper inner outer "
    "upper lower former latter further after thriller sticker cover glacier frontier "
    "premier cashier soldier barrier courier drier".split()
)  # fmt: skip
_VOWELS = "aeiou"


def base_of(word: str) -> str:
    """An adjective's base form from its comparative, by English spelling rules.

    "moodier" -> "moody", "punchier" -> "punchy", "smoother" -> "smooth", "bigger" -> "big",
    "wider" -> "wide", "gentler" -> "gentle", "slower" -> "slow"; any other word (and the
    words of :data:`NOT_COMPARATIVE`) unchanged. The style fields take base values, so "a
    punchier mood" asks for the mood "punchy".
    """
    w = word.lower()
    if w in NOT_COMPARATIVE or len(w) < 5 or not w.endswith("er"):
        return word
    stem = w[:-2]
    if w.endswith("ier") and len(w) > 5 and w[-4] not in _VOWELS:
        return w[:-3] + "y"  # moodier, punchier, snappier, grittier
    if len(stem) >= 3 and stem[-1] == stem[-2] and stem[-1] in "bdgmnpt":
        return stem[:-1]  # bigger, hotter, slimmer
    if stem.endswith("l") and len(stem) >= 4 and stem[-2] not in _VOWELS and stem[-2] != "l":
        return stem + "e"  # gentler, simpler, subtler
    if (len(stem) >= 3 and stem[-1] not in _VOWELS + "wxy" and stem[-2] in _VOWELS
            and stem[-3] not in _VOWELS):  # fmt: skip
        return stem + "e"  # wider, finer, paler, cuter
    if stem[-1] == "u":
        return stem + "e"  # bluer, truer
    if stem[-1] in _VOWELS:
        return word  # "-eer", "-oer": no comparative
    return stem  # smoother, darker, warmer, slower, quieter


#: Words of degree around a comparative ("a bit warmer", "much more dramatic").
_DEGREE = frozenset(
    "a bit little lot touch tad much even slightly way far somewhat very really so too and "
    "also rather".split()
)


def is_qualifier(text: str) -> bool:
    """Whether ``text`` only qualifies something ("warmer", "a bit more dramatic, less busy").

    True when every word is a comparative (:func:`base_of`), "more"/"less" with the word after
    it, or a word of degree, and at least one comparative is there; "a sunset", "winter" and
    "the logo" are not qualifiers.
    """
    words = re.findall(r"[a-z]+", text.lower())
    if len(words) > 12:
        return False
    found, i = False, 0
    while i < len(words):
        word = words[i]
        if word in ("more", "less") and i + 1 < len(words):
            found, i = True, i + 2
        elif base_of(word) != word:
            found, i = True, i + 1
        elif word in _DEGREE:
            i += 1
        else:
            return False
    return found


def qualified(base: str, qualifier: str, max_chars: int) -> str:
    """``base`` with ``qualifier`` added ("a runner on a beach" + "warmer"), capped.

    Args:
        base: what is qualified (a description or a prompt).
        qualifier: words that pass :func:`is_qualifier`.
        max_chars: the longest result; the base is cut first, so the qualifier is kept.
    """
    tail = f", {qualifier.strip()}"
    return base.rstrip(" .,")[: max(0, max_chars - len(tail))] + tail
