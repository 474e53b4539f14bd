"""Text of a brief as the reader sees it: cleaned, folded, tokenised, matched by script.

The layer every other part of the reader stands on: control characters out, accents folded
per character (indices kept), scripts told apart (Latin, Chinese/Japanese, Korean, Arabic and
Hebrew), lexicon words turned into regexes that know how each script joins words, and spans
cut out of a text.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from importlib import resources
from typing import Any

#: Longest prompt looked at, characters; the rest is ignored.
MAX_PROMPT_CHARS = 2000


def fold(text: str) -> str:
    """Casefold and strip accents, for matching words in any Latin-script language.

    Args:
        text: any text.

    Returns:
        The text casefolded with combining marks removed ("Enérgico" → "energico").
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def load_toml(name: str) -> dict[str, Any]:
    """A data file of the offline providers (``agent/providers/local/data/<name>``), parsed.

    Raises:
        FileNotFoundError: the file is not installed with the package.
    """
    text = (
        resources.files("agent.providers.local").joinpath("data", name).read_text(encoding="utf-8")
    )
    return tomllib.loads(text)


def is_cjk(text: str) -> bool:
    """Whether text holds Chinese characters or Japanese kana (written without spaces)."""
    return any(
        "\u3040" <= ch <= "\u30ff" or "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"
        for ch in text
    )


def fold_same_length(text: str) -> str:
    """Lower-case and strip accents character by character, keeping every index in place.

    Only Latin-script letters lose their marks: Japanese kana keep theirs ("プ" is not "フ").
    """
    out = []
    for ch in text:
        if ord(ch) >= 0x2E80:
            out.append(ch)
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        base = base if len(base) == 1 else ch
        low = base.lower()
        out.append(low if len(low) == 1 else base)
    return "".join(out)


def _script(word: str) -> str:
    """The script a lexicon word is matched by: "cjk", "hangul", "semitic" or "latin"."""
    if is_cjk(word):
        return "cjk"
    if any("\uac00" <= ch <= "\ud7a3" or "\u1100" <= ch <= "\u11ff" for ch in word):
        return "hangul"
    if any("\u0590" <= ch <= "\u06ff" for ch in word):
        return "semitic"
    return "latin"


#: One-letter prefixes written joined to an Arabic or Hebrew word ("ل" for, "ال" the, Hebrew
#: "ל" to, "ה" the, "ב" in, "ו" and, "מ" from, "ש" that, "כ" as), up to three of them.
_SEMITIC_PREFIX = "[وفبلكالסובכלמשה]"
_SEMITIC_BEFORE = "|".join(
    [r"(?<![^\W_])", *(rf"(?<=(?<![^\W_]){_SEMITIC_PREFIX}{{{n}}})" for n in (1, 2, 3))]
)
#: Short endings (plural, feminine, possessive) after an Arabic or Hebrew word.
_SEMITIC_AFTER = r"[اتةهيكنوימותהן]{0,2}(?![^\W_])"


def _script_pattern(word: str) -> str:
    """A Korean, Arabic or Hebrew lexicon word as a regex over folded text.

    Korean particles follow a word with no space ("이어폰을") and compounds join without one
    ("무선이어폰"), so a word of two or more syllables matches anywhere; Arabic and Hebrew join
    one-letter prefixes and short endings to a word ("لسماعات", "לבקבוק").
    """
    if _script(word) == "hangul":  # folding would split syllables into letters
        parts = [re.escape(part) for part in word.split("_")]
        body = r"\s*".join(parts)
        return body if len(word) >= 2 else rf"(?<![^\W_]){body}"
    parts = [re.escape(fold(part)) for part in word.split("_")]
    body = r"[\s-]+".join(parts)
    return rf"(?:{_SEMITIC_BEFORE}){body}{_SEMITIC_AFTER}"


#: A word character that is not Chinese or Japanese: a Latin word glued to Chinese or
#: Japanese text ("记账App", "スマホケース") still stands as a word of its own.
_LATIN_WORD_CHAR = r"[^\W_\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]"


def lexicon_pattern(words: str | list[str], plurals: bool = False, endings: str = "") -> str:
    """A regex alternation for lexicon words, to search text folded by :func:`fold_same_length`.

    Latin-script words match whole words ("_" joins the words of a phrase, across spaces or
    hyphens; with ``plurals`` an "-s"/"-es" ending too, with ``endings`` (a regex alternation)
    one of those on a word of six letters or more); Chinese and Japanese words match
    anywhere; Korean, Arabic and Hebrew words with their particles or prefixes
    (:func:`_script_pattern`). Longer words come first, so the longest match wins at a
    position. A word written ``=thé`` keeps its accents: it is left out here
    (:func:`exact_pattern` matches it), since without them it would be another word ("the").
    """
    items = words.split() if isinstance(words, str) else words
    latin, others = [], []
    for w in sorted({w for w in items if not w.startswith("=")}, key=len, reverse=True):
        if is_cjk(w):
            others.append(re.escape(w))
            continue
        if _script(w) != "latin":
            others.append(_script_pattern(w))
            continue
        body = r"[\s-]+".join(re.escape(fold(part)) for part in w.split("_"))
        ending = "(?:e?s)?" if plurals and len(w) >= 3 else ""
        if endings and len(w) >= 6 and "_" not in w:
            ending = f"(?:{endings})?"
        latin.append(body + ending)
    # The word boundary is written once around all Latin words: a character class with
    # ranges this wide costs ``re`` milliseconds to compile each time it is written, and one
    # per word made importing the brief reader take seconds. A failed lookahead backtracks
    # into the group, so the longest word that ends on a boundary still wins. Words of other
    # scripts never start where a Latin word does, so their place in the order is kept.
    if latin:
        others.insert(0, rf"(?<!{_LATIN_WORD_CHAR})(?:{'|'.join(latin)})(?!{_LATIN_WORD_CHAR})")
    return "|".join(others) or r"(?!x)x"


def exact_pattern(words: str) -> str:
    """The accent-keeping ``=word`` entries of a lexicon, to search lower-cased text."""
    exact = sorted({w[1:].lower() for w in words.split() if w.startswith("=")}, key=len)
    return "|".join(rf"(?<![^\W_]){re.escape(w)}s?(?![^\W_])" for w in reversed(exact))


def compound_pattern(words: str) -> str:
    """Single Latin words of 5+ letters as the head of a longer compound ("Mineralwasser")."""
    heads = sorted(
        {fold(w) for w in words.split() if len(w) >= 5 and w.isalpha() and not is_cjk(w)},
        key=len,
        reverse=True,
    )
    body = "|".join(re.escape(w) for w in heads)
    ending = r"(?:e?n|e?s|er|e)?"  # plurals and cases: -en, -n, -es, -s, -er, -e
    return rf"(?<![^\W\d_])(?P<mod>[^\W\d_]{{3,}}?)(?:{body}){ending}(?![^\W_])" if heads else ""


_ELISION = re.compile(r"^(?:l|d|dell|all|nell|un)['’](?=\w)", re.IGNORECASE)


def clean_prompt(prompt: str) -> str:
    """Strip control and format characters, collapse whitespace and cap the length.

    Args:
        prompt: the user's prompt, untrusted.

    Returns:
        At most :data:`MAX_PROMPT_CHARS` characters of printable text on one line.
    """
    kept = []
    for ch in unicodedata.normalize("NFC", prompt):
        kind = unicodedata.category(ch)
        if kind in ("Cc", "Cf", "Zl", "Zp"):
            kept.append(" ")
        elif kind not in ("Cs", "Co"):
            kept.append(ch)
    return " ".join("".join(kept).split())[:MAX_PROMPT_CHARS]


def _tokens(text: str) -> list[str]:
    return re.findall(r"[^\W_]+(?:-[^\W_]+)*", fold(text))


def folded_words(text: str) -> list[str]:
    """Folded words in order, hyphenated ones followed by their parts."""
    return [w for t in _tokens(text) for w in (t, *(t.split("-") if "-" in t else ()))]


#: A plural possessive ("kids'", "runners’"): its apostrophe is part of the word.
_PLURAL_POSSESSIVE = re.compile(r"(?<=[^\W\d_]{2}s)['’]$")


def phrase_tokens(phrase: str) -> list[str]:
    """The words of a phrase as written, quotes and marks stripped, "&" and "+" kept."""
    marks = "'\"’‘`*_-–—/\\|<>#~^="
    toks = [
        raw.strip(marks) + ("'" if _PLURAL_POSSESSIVE.search(raw) else "") for raw in phrase.split()
    ]
    if toks:  # "l'olio d'oliva": the article goes, the "d'" of the name stays
        toks[0] = _ELISION.sub("", toks[0])
    return [t for t in toks if re.search(r"[^\W_]", t) or t in ("&", "+")]


def has_digit(tok: str) -> bool:
    """Whether a token holds a digit (a model number: "X2", "EQ.9")."""
    return any(c.isdigit() for c in tok)


def join_words(words: list[str], cjk: bool) -> str:
    """Words joined by spaces; with ``cjk`` none next to a Chinese or Japanese character."""
    out = ""
    for w in words:
        glue = "" if not out or cjk and (is_cjk(out[-1]) or is_cjk(w[:1])) else " "
        out += glue + w
    return out


def remove_span(text: str, start: int, end: int) -> str:
    """The text with ``text[start:end]`` replaced by a clause break (" , ")."""
    return f"{text[:start]} , {text[end:]}"


def take_first(pattern: re.Pattern[str], text: str, folded: bool = False) -> tuple[str, str]:
    """The first match as written ("" for none) and the text without it.

    With ``folded`` the pattern is searched in the text folded by :func:`fold_same_length`.
    """
    m = pattern.search(fold_same_length(text) if folded else text)
    return (
        (text[m.start() : m.end()].strip(), remove_span(text, m.start(), m.end()))
        if m
        else ("", text)
    )
