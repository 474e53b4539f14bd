"""The length and aspect ratio a brief asks for, in digits or words, in any language.

"30-second", "15s", "half a minute", "15 Sekunden", "15秒"; "vertical", "hochkant",
"carré", "縦型", "TikTok". Decades ("the 90s") are not lengths.
"""

from __future__ import annotations

import re

from agent.providers.local.brief.lexicon import FILLER, LEXICON, is_one_of
from agent.providers.local.brief.text import (
    clean_prompt,
    fold_same_length,
    lexicon_pattern,
    remove_span,
)

_SECOND_WORDS = {
    w: int(n)
    for w, n in (
        pair.split(":")
        for pair in (
            "five:5 six:6 ten:10 fifteen:15 twenty:20 thirty:30 sixty:60 forty-five:45 diez:10 "
            "quince:15 veinte:20 treinta:30 sesenta:60 dix:10 quinze:15 vingt:20 trente:30 "
            "soixante:60 zehn:10 fünfzehn:15 zwanzig:20 dreißig:30 dreissig:30 sechzig:60 dieci:10 "
            "quindici:15 venti:20 trenta:30 sessanta:60 dez:10 vinte:20 trinta:30 sessenta:60"
        ).split()
    )
}
_SECOND_WORDS.update(  # Arabic and Hebrew numbers in words ("ثلاثين ثانية", "עשרים שניות")
    {
        "عشر": 10,
        "عشرة": 10,
        "خمس عشرة": 15,
        "خمسة عشر": 15,
        "عشرين": 20,
        "عشرون": 20,
        "ثلاثين": 30,
        "ثلاثون": 30,
        "ستين": 60,
        "עשר": 10,
        "חמש עשרה": 15,
        "עשרים": 20,
        "שלושים": 30,
        "שישים": 60,
    }
)
_MINUTE_WORDS = {
    w: 2 if w in ("two", "dos", "deux", "zwei", "due", "dois") else 1
    for w in ("a an one un una uno une um uma ein eine einer two dos deux zwei due dois").split()
}
_NUM = r"\d{1,3}(?:[.,]\d{1,2})?"
_SEC_UNIT = (
    r"seconds?|secs?|sec\.|segundos?|segs?|secondes?|sekunden|sekunde|sek\.?|"
    r"secondi|secondo|ثانية|ثوان[يٍ]?|ثواني|초짜리|초|שניות|שנייה|s"
)
_MIN_UNIT = r"minutes?|mins?|minutos?|minuten|minuti|minuto|min\.|دقيقة|دقائق|분짜리|분|דקות|דקה"


def _alternatives(d: dict[str, int]) -> str:
    return "|".join(re.escape(w) for w in sorted(d, key=len, reverse=True))


DURATION_RE = re.compile(
    r"(?:\b(?:de|di|da|von|of|en|in)\s+)?(?<![\w'’.,])"
    rf"(?:(?P<snum>{_NUM}|{_alternatives(_SECOND_WORDS)})\s*[-–]?\s*(?P<sunit>{_SEC_UNIT})"
    rf"|(?P<mnum>{_NUM}|{_alternatives(_MINUTE_WORDS)})\s*[-–]?\s*(?:{_MIN_UNIT})"
    r"|half[- ](?:a[- ])?minute)(?![\w])",
    re.IGNORECASE,
)
CJK_DURATION_RE = re.compile(
    r"(?P<num>\d{1,3}(?:\.\d)?|半|[一二两兩三四五六七八九十]{1,3})\s*"
    r"(?P<unit>秒钟|秒鐘|秒間|秒|分钟|分鐘|分間|分(?![钟鐘間]))"
)
_CJK_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"两": 2, "兩": 2}


def _cjk_number(numeral: str) -> float | None:
    """A number written in Chinese numerals up to 99 ("十五" 15, "三十" 30, "四十五" 45)."""
    if "十" not in numeral:
        return float(_CJK_DIGITS[numeral]) if len(numeral) == 1 else None
    tens, _, ones = numeral.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    return float(_CJK_DIGITS.get(tens, 1) * 10 + _CJK_DIGITS.get(ones, 0))


DECADE_AFTER = re.compile(
    r"[\s-]*(?:style|vibe|aesthetic|look|era|retro|music|fashion|"
    r"inspired|nostalgi|theme|vintage|hip|pop|rock|disco|synth)",
    re.I,
)
DECADE_BEFORE = re.compile(r"(?:the|early|late|mid)[\s-]*$", re.I)


def _duration_matches(text: str) -> list[re.Match[str]]:
    found = []
    for m in DURATION_RE.finditer(text):
        if m.group("sunit") and m.group("sunit").lower() == "s":  # "90s" may be a decade
            num = m.group("snum")
            if not num[0].isdigit():  # "tens", "fives"
                continue
            if (
                num.isdigit()
                and int(num) % 10 == 0
                and (DECADE_AFTER.match(text, m.end()) or DECADE_BEFORE.search(text[: m.start()]))
            ):
                continue
        found.append(m)
    return found


def requested_duration_s(prompt: str) -> float | None:
    """The ad length a prompt asks for, for the caller to weigh against the options.

    Understands "30-second", "15s", "1 minute", "half a minute", "30 segundos", "30 Sekunden",
    "30 secondes", "trenta secondi", "15秒", "三十秒", "一分钟" and the like; "the 90s" or "80s
    style" are decades.

    Args:
        prompt: the user's prompt.

    Returns:
        Seconds as written (not clamped to 6-60 s), or None if the prompt names no length.
    """
    text = clean_prompt(prompt)
    for m in CJK_DURATION_RE.finditer(text):  # "15秒", "1分钟", "半分钟"
        scale = 1.0 if m["unit"].startswith("秒") else 60.0
        num = m["num"]
        if not num[0].isdigit() and m["unit"] == "分":
            continue  # "十分好喝": "very", not ten minutes; a numeral takes "分钟" / "分間"
        seconds = 0.5 if num == "半" else float(num) if num[0].isdigit() else _cjk_number(num)
        if seconds:
            return seconds * scale
    for m in _duration_matches(text):
        if m.group("snum"):
            num, scale = m.group("snum"), 1.0
        elif m.group("mnum"):
            num, scale = m.group("mnum"), 60.0
        else:
            return 30.0
        word = num.lower()
        value = _SECOND_WORDS.get(word, _MINUTE_WORDS.get(word))
        seconds = float(value) if value is not None else float(num.replace(",", "."))
        if seconds > 0:
            return seconds * scale
    return None


_ASPECT_LEX = LEXICON["aspect"]
#: Endings an adjective takes in German, French, Spanish, Italian and Portuguese
#: ("quadratischer", "verticales", "quadrate"): a frame word matches with any of them.
_ADJECTIVE_ENDINGS = "e|en|er|es|em|s|a|as|i|o|os"
_RATIO_RE = re.compile(r"(?<![\d.])(16|9|1)\s*[:x×/]\s*(9|16|1)(?![\d.])")
_ASPECT_WORDS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(lexicon_pattern(words, endings=_ADJECTIVE_ENDINGS)), aspect)
    for level in ("orientation", "platform")
    for aspect, words in _ASPECT_LEX[level].items()
]
_FORMAT_AFTER = re.compile(r"\s*(?:format|formato|video|vídeo|mode|modus)\b", re.IGNORECASE)


def take_aspect(text: str) -> tuple[str | None, str]:
    """The aspect ratio the text asks for, and the text without the words that said it."""
    for m in _RATIO_RE.finditer(text):
        ratio = f"{m[1]}:{m[2]}"
        if ratio in ("16:9", "9:16", "1:1"):
            return ratio, remove_span(text, m.start(), m.end())
    folded = fold_same_length(text)
    found: str | None = None
    for pattern, aspect in _ASPECT_WORDS:
        for m in pattern.finditer(folded):
            before = re.search(r"([A-Z][\w'’]*) $", text[: m.start()])
            if text[m.start()].isupper() and before and not is_one_of(before[1], FILLER):
                continue  # a word in a name ("Times Square"); not "Playful TikTok", a frame
            if found is None:
                found = aspect
            end = m.end() + (f.end() if (f := _FORMAT_AFTER.match(text[m.end() :])) else 0)
            text = text[: m.start()] + " " * (end - m.start()) + text[end:]
            folded = fold_same_length(text)
    return found, text


def requested_aspect(prompt: str) -> str | None:
    """The aspect ratio a prompt asks for in words, for the caller to weigh against options.

    A ratio written out wins ("9:16", "1x1"); then orientation words ("vertical", "hochkant",
    "verticale", "square", "carré", "landscape", "竖屏", "縦型"); then platforms, each for its
    usual format ("TikTok", "Reels", "YouTube Shorts" → 9:16, "YouTube" → 16:9, "Instagram"
    → 1:1).

    Args:
        prompt: the user's prompt.

    Returns:
        "16:9", "9:16" or "1:1", or None if the prompt says nothing about the frame.
    """
    return take_aspect(clean_prompt(prompt))[0]


def without_length(text: str) -> str:
    """The text with every length it names blanked out ("30 Sekunden", "15秒")."""
    return CJK_DURATION_RE.sub(
        lambda m: m[0] if not m["num"][0].isdigit() and m["unit"] == "分" else " , ",
        DURATION_RE.sub(" ", text),
    )
