"""Words and parts of speech of Chinese and Japanese text, from well-kept analysers.

Chinese is segmented by ``jieba`` (MIT; ``jieba.posseg``, its dictionary inside the package),
Japanese by ``janome`` (Apache-2.0; a pure-Python morphological analyser with IPADIC inside
the wheel). Both are imported on the first Chinese or Japanese brief only, so a Latin-script
brief never pays for them. Neither downloads anything; jieba writes one cache of its prefix
dictionary to the temporary directory (``tempfile.gettempdir()``), janome writes nothing.

A token is ``(start, end, surface, noun)``: character offsets in the text given, and whether
the analyser calls it a noun (a name, a common noun, a Latin word or a number).
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any, NamedTuple


class Token(NamedTuple):
    """One word of Chinese or Japanese text.

    Attributes:
        start: where it starts in the text, characters.
        end: where it ends, characters.
        surface: the word as written.
        noun: whether the analyser tags it a noun (including names and Latin words).
        verb: whether it is tagged a verb (Chinese ``v*``; Japanese 動詞 or a サ変 noun).
        tag: the analyser's own tag (jieba's ``flag``, janome's first two POS fields).
    """

    start: int
    end: int
    surface: str
    noun: bool
    verb: bool
    tag: str = ""


@lru_cache(maxsize=1)
def _jieba() -> Any:
    import jieba  # type: ignore[import-untyped]
    import jieba.posseg  # type: ignore[import-untyped]

    jieba.setLogLevel(logging.WARNING)  # it prints "Building prefix dict…" otherwise
    return jieba.posseg


@lru_cache(maxsize=1)
def _janome() -> Any:
    from janome.tokenizer import Tokenizer  # type: ignore[import-untyped]

    return Tokenizer()


@lru_cache(maxsize=256)
def tokens(text: str, language: str) -> tuple[Token, ...]:
    """The words of a Chinese (``language="zh"``) or Japanese (any other) text, in order.

    Args:
        text: the text; spaces and punctuation come back as tokens of their own.
        language: "zh" for Chinese (jieba), anything else for Japanese (janome).

    Returns:
        Every token with its offsets; their surfaces joined give ``text`` back.
    """
    out: list[Token] = []
    at = 0
    if language == "zh":
        for pair in _jieba().cut(text, HMM=True):
            word, flag = pair.word, pair.flag
            start = text.find(word, at)
            noun = flag[:1] in "nj" or flag == "eng"  # "j": an abbreviation ("叶")
            out.append(Token(start, start + len(word), word, noun, flag[:1] == "v", flag))
            at = start + len(word)
        return tuple(out)
    for tok in _janome().tokenize(text):
        word = tok.surface
        pos = tok.part_of_speech.split(",")
        start = text.find(word, at)
        verb = pos[0] == "動詞" or pos[1] == "サ変接続"
        noun = pos[0] == "名詞" and pos[1] not in ("非自立", "代名詞")
        out.append(Token(start, start + len(word), word, noun, verb, ",".join(pos[:2])))
        at = start + len(word)
    return tuple(out)


def cjk_language(text: str) -> str:
    """Which analyser reads text: "ja" when it holds kana, else "zh"."""
    return "ja" if any("\u3040" <= ch <= "\u30ff" for ch in text) else "zh"


def word_end(text: str, end: int, language: str) -> int:
    """Where the word holding the character before ``end`` ends ("茶" in "茶叶" → after "叶").

    Args:
        text: Chinese or Japanese text.
        end: an offset in ``text``, at least 1.
        language: "zh" or "ja".

    Returns:
        The end of that word, ``end`` itself when a word ends there.
    """
    return next((t.end for t in tokens(text, language) if t.start < end <= t.end), end)


#: jieba's tags of what may follow a verb before its object: a numeral or measure ("一下"),
#: an adverb, a particle, a preposition ("关于").
_AFTER_VERB = ("m", "q", "d", "u", "p")


def leading_verbs(text: str, language: str) -> int:
    """How many characters of verbs start ``text`` ("推广青岚科技" → 2), leaving a word after.

    A verb's complement ("介绍一下") and a preposition ("关于") go with it. A name is never all
    verbs: when nothing else is there, 0.
    """
    toks = tokens(text, language)
    cut = 0
    for i, tok in enumerate(toks):
        lead = tok.verb or tok.tag.startswith(_AFTER_VERB) and (cut or tok.tag == "p")
        if not lead or i == len(toks) - 1:
            break
        cut = tok.end
    return cut


def starts_with_noun(text: str, language: str) -> bool:
    """Whether ``text`` starts with a noun, after spaces ("ノートPC「Air 14」…" → True)."""
    stripped = text.lstrip()
    toks = tokens(stripped, language)
    return bool(toks) and toks[0].noun and not toks[0].surface.isdigit()


def noun_before(text: str, at: int, language: str) -> bool:
    """Whether a noun ends right at ``at`` in ``text`` ("ノートPC" before "「Air 14」")."""
    return any(t.end == at and t.noun for t in tokens(text, language))


def noun_run(text: str, language: str, stop: tuple[str, ...] = ()) -> str:
    """The nouns that start ``text``, as written ("燕麦饼干", "X5 Pro智能手表"), else "".

    Spaces between two nouns stay inside; a word that starts with one of ``stop`` ends it.
    """
    stripped = text.lstrip()
    end = 0
    for tok in tokens(stripped, language):
        if tok.surface.isspace():
            continue
        if not tok.noun or tok.surface.startswith(stop) or tok.surface.isdigit():
            break
        end = tok.end
    return stripped[:end]
