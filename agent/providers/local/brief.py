"""Parse a one-line ad brief into a :class:`Brief`: offline, rule-based and deterministic.

The prompt is data. Nothing in it is executed or obeyed: control characters are stripped,
fields are picked out by small multilingual lexicons (English, Spanish, French, German,
Italian, Portuguese, Chinese, Japanese, Korean, Arabic, Hebrew) and every field is capped to
the limits of :class:`agent.spec.Spec`.

The facts a brief states are taken out first, as written: URL, promo code, tagline, price and
discount, scenes to show, length, aspect ratio and audience. Brand and product are then read
from what is left, so a tagline's words do not set the mood and "TikTok" is not a brand. The
word lists live in ``data/`` (``categories.toml``: product words → archetype and sector;
``brands.toml``; ``lexicon.toml``: fact, aspect, mood, style, colour and audience words).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

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


class Facts(BaseModel):
    """The facts a brief states, as written, each "" (or empty) when it states none.

    Attributes:
        url: a web address ("beanandleaf.com", "https://x.io/offer").
        promo_code: the code after "code", "código", "Gutscheincode", "优惠码" … ("BEAN10").
        tagline: the quoted line, or the line after "tagline", "slogan", "lema", "end on" ….
        price: the price with its currency and any leading word ("only $8", "89 €", "¥249").
        discount: a discount ("save 30%", "30% off", "-20 %").
        scenes: what the brief asks the ad to show ("school run", "groceries", "rain").
    """

    model_config = ConfigDict(frozen=True)

    url: str = Field(default="", max_length=120)
    promo_code: str = Field(default="", max_length=40)
    tagline: str = Field(default="", max_length=120)
    price: str = Field(default="", max_length=40)
    discount: str = Field(default="", max_length=40)
    scenes: list[str] = Field(default_factory=list, max_length=6)


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


def load_toml(name: str) -> dict[str, Any]:
    """A data file of this package (``agent/providers/local/data/<name>``), parsed.

    Raises:
        FileNotFoundError: the file is not installed with the package.
    """
    text = resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8")
    return tomllib.loads(text)


@dataclass(frozen=True)
class Sector:
    """How ads for a kind of product play (``data/categories.toml``).

    Attributes:
        name: short id ("footwear"); the planner keys its stock copy on it.
        audience: default audience; mood: default mood when the prompt names none.
        solves: whether the product fixes a problem (problem/agitation/before-after beats).
        cta: kind of call to action: shop, visit, try, book or drive.
    """

    name: str
    audience: str
    mood: str
    solves: bool
    cta: str


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


def lexicon_pattern(words: str | list[str], plurals: bool = False, endings: str = "") -> str:
    """A regex alternation for lexicon words, to search text folded by :func:`fold_same_length`.

    Latin-script words match whole words ("_" joins the words of a phrase, across spaces or
    hyphens; with ``plurals`` an "-s"/"-es" ending too, with ``endings`` (a regex alternation)
    one of those on a word of six letters or more); Chinese and Japanese words match
    anywhere; Korean, Arabic and Hebrew words with their particles or prefixes
    (:func:`_script_pattern`). Longer words come first, so the longest match wins at a
    position. A word written ``=thé`` keeps its accents: it is left out here
    (:func:`_exact_pattern` matches it), since without them it would be another word ("the").
    """
    items = words.split() if isinstance(words, str) else words
    alts = []
    for w in sorted({w for w in items if not w.startswith("=")}, key=len, reverse=True):
        if is_cjk(w):
            alts.append(re.escape(w))
            continue
        if _script(w) != "latin":
            alts.append(_script_pattern(w))
            continue
        body = r"[\s-]+".join(re.escape(fold(part)) for part in w.split("_"))
        ending = "(?:e?s)?" if plurals and len(w) >= 3 else ""
        if endings and len(w) >= 6 and "_" not in w:
            ending = f"(?:{endings})?"
        alts.append(rf"(?<![^\W_]){body}{ending}(?![^\W_])")
    return "|".join(alts) or r"(?!x)x"


def _exact_pattern(words: str) -> str:
    """The accent-keeping ``=word`` entries of a lexicon, to search lower-cased text."""
    exact = sorted({w[1:].lower() for w in words.split() if w.startswith("=")}, key=len)
    return "|".join(rf"(?<![^\W_]){re.escape(w)}s?(?![^\W_])" for w in reversed(exact))


def _compound_pattern(words: str) -> str:
    """Single Latin words of 5+ letters as the head of a longer compound ("Mineralwasser")."""
    heads = sorted(
        {fold(w) for w in words.split() if len(w) >= 5 and w.isalpha() and not is_cjk(w)},
        key=len,
        reverse=True,
    )
    body = "|".join(re.escape(w) for w in heads)
    ending = r"(?:e?n|e?s|er|e)?"  # plurals and cases: -en, -n, -es, -s, -er, -e
    return rf"(?<![^\W\d_])(?P<mod>[^\W\d_]{{3,}}?)(?:{body}){ending}(?![^\W_])" if heads else ""


_KIND_PATTERNS: list[
    tuple[re.Pattern[str], re.Pattern[str] | None, re.Pattern[str] | None, str, Sector]
] = [
    (
        re.compile(lexicon_pattern(k["words"], plurals=True)),
        re.compile(exact) if (exact := _exact_pattern(k["words"])) else None,
        re.compile(compound) if (compound := _compound_pattern(k["words"])) else None,
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
    for pattern, exact, compound, archetype, sector in _KIND_PATTERNS:
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
    best = _best_kind(text, language)
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
    kind = kind_of(text, _language(clean_prompt(text)))
    return kind.archetype if kind else ""


def _best_kind(text: str, language: str) -> tuple[int, int, Kind] | None:
    found = kinds_in(text, compounds=language == "de")
    if not found:
        return None
    head_first = language in ("es", "fr", "it", "pt")
    return max(found, key=lambda f: (f[1] - f[0], -f[0] if head_first else f[0]))


#: Characters that end a Chinese or Japanese noun phrase when reading back from its head.
_CJK_BREAK = set("的个款只为做一这那了和与及之の を は が に で と も や 、，。「」")


def _noun_phrase(text: str, language: str) -> str:
    """The product word of text with the words before it that name it ("team planning app").

    Returns:
        The phrase as written, "" when text has no product word.
    """
    best = _best_kind(text, language)
    if best is None:
        return ""
    _, end, kind = best
    start = end - len(kind.word)  # a compound's whole word, not only its head
    if is_cjk(text[start:end]):
        while start > 0 and end - start < 6 and "\u4e00" <= text[start - 1] <= "\u9fff":
            if text[start - 1] in _CJK_BREAK:
                break
            start -= 1
        return text[start:end]
    clause = re.split(r"[,.;:!?()\[\]\n]", text[:start])[-1]
    before = _trim(_phrase_tokens(clause), 8)
    while before and (_is_name(before[0]) or _is(before[0], _FILLER | _STOP)):
        before = before[1:]
    if any(_is(t, _STOP) for t in before):
        before = []
    return " ".join([*before[-3:], text[start:end]])


#: Known brands (folded name → (name as written, default product)).
_BRANDS: dict[str, tuple[str, str]] = {
    fold(name): (name, product) for name, product in load_toml("brands.toml").items()
}
_BRAND_RE = re.compile(
    r"(?<![\w'])("
    + "|".join(re.escape(b[0]) for b in sorted(_BRANDS.values(), key=lambda b: -len(b[0])))
    + r")(?![\w'])",
    re.IGNORECASE,
)
_LEXICON = load_toml("lexicon.toml")

#: Mood stems (casefolded, accent-free) → mood. A stem matches a word that starts with it;
#: a stem ending in "=" must match the whole word (``data/lexicon.toml``).
_MOOD_STEMS: dict[str, str] = dict(_LEXICON["mood_stems"])
#: Style stems → normalised English style word.
_STYLE_STEMS: dict[str, str] = {
    stem: word for word, stems in _LEXICON["style_stems"].items() for stem in stems.split()
}
_LANG_STOPWORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split()) for lang, words in _LEXICON["stopwords"].items()
}
#: Unicode-name prefixes of non-Latin scripts → language.
_SCRIPTS = [
    x.split(":")
    for x in "HIRAGANA:ja KATAKANA:ja CJK:zh HANGUL:ko THAI:th CYRILLIC:ru "
    "GREEK:el ARABIC:ar HEBREW:he DEVANAGARI:hi".split()
]

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


_DURATION_RE = re.compile(
    r"(?:\b(?:de|di|da|von|of|en|in)\s+)?(?<![\w'’.,])"
    rf"(?:(?P<snum>{_NUM}|{_alternatives(_SECOND_WORDS)})\s*[-–]?\s*(?P<sunit>{_SEC_UNIT})"
    rf"|(?P<mnum>{_NUM}|{_alternatives(_MINUTE_WORDS)})\s*[-–]?\s*(?:{_MIN_UNIT})"
    r"|half[- ](?:a[- ])?minute)(?![\w])",
    re.IGNORECASE,
)
_CJK_DURATION_RE = re.compile(
    r"(?P<num>\d{1,3}(?:\.\d)?|半)\s*(?P<unit>秒钟|秒鐘|秒間|秒|分钟|分鐘|分間|分(?![钟鐘間]))"
)
_DECADE_AFTER = re.compile(
    r"[\s-]*(?:style|vibe|aesthetic|look|era|retro|music|fashion|"
    r"inspired|nostalgi|theme|vintage|hip|pop|rock|disco|synth)",
    re.I,
)
_DECADE_BEFORE = re.compile(r"(?:the|early|late|mid)[\s-]*$", re.I)

_AD_NOUNS = (
    r"ads?|adverts?|advertisements?|commercials?|spots?|promos?|videos?|teasers?|"
    r"campaigns?|clips?|anuncios?|comerciales|publicidad|publicités?|pubs?|annonces?|"
    r"réclames?|werbung|werbespots?|werbevideos?|werbefilme?|anzeigen?|pubblicità|"
    r"annunci|anúncios?|propagandas?|vídeos?|films?"
)
_FOR = (
    r"for|about|promoting|showcasing|featuring|of|para|sobre|de|pour|sur|des|du|für|über|"
    r"zu|per|di|do|da"
)
#: Words that end a company's name ("Harbor Lane Coffee Co.", "Kranich GmbH"), whose dot
#: does not end a clause (``data/lexicon.toml`` ``[brand_lead] company_after``).
_COMPANY = _LEXICON["brand_lead"]["company_after"].split()
_CLAUSE = (
    r"(?:[^,.;:!?()\[\]{}\n\"“”«»，。、；：！？「」『』]|(?<=\w)[.](?=\w)|"
    + "|".join(rf"(?i:(?<=\b{w}))[.]" for w in _COMPANY if w.isascii())
    + ")"
)
_AD_FOR_RE = re.compile(
    rf"\b(?:{_AD_NOUNS})(?:\s+\w+){{0,2}}?\s+(?:{_FOR})\s+(?P<x>{_CLAUSE}+)", re.IGNORECASE
)
_AD_NOUN_RE = re.compile(_AD_NOUNS, re.IGNORECASE)
_X_AD_RE = re.compile(rf"(?P<x>{_CLAUSE}{{1,160}}?)\s+(?:{_AD_NOUNS})\b", re.IGNORECASE)
_ELISION = re.compile(r"^(?:l|d|dell|all|nell|un)['’](?=\w)", re.IGNORECASE)

#: Words skipped before a product name: stopwords, these, and meta words (the prompt is data).
_FILLER = frozenset().union(
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
_STOP = frozenset(
    "with in that which featuring targeting aimed showing using style for to so "
    "who where and con en estilo que para avec dans qui pour mit im fur stil per "
    "nello stile che com em "
    # where the ad is set ("boots on snowy mountains at dawn") is not the product's name
    "on at near under across during sur sous auf am bei unter su sotto sobre bajo".split()
)
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


def _words(text: str) -> list[str]:
    """Folded words in order, hyphenated ones followed by their parts."""
    return [w for t in _tokens(text) for w in (t, *(t.split("-") if "-" in t else ()))]


def _stem_lookup(word: str, stems: dict[str, str]) -> str | None:
    for stem, value in stems.items():
        if word == stem[:-1] if stem.endswith("=") else word.startswith(stem):
            return value
    return None


_MOOD_LOOKUP = {stem: mood for mood, stems in _MOOD_STEMS.items() for stem in stems.split()}
_DESCRIPTIVE = {**_MOOD_LOOKUP, **_STYLE_STEMS}


#: Letters that only one of the Latin-script languages writes ("ã" Portuguese, "ñ" Spanish,
#: "ß" German, "œ" French): each counts as two stopwords of its language.
_LANG_LETTERS = {"pt": "ãõ", "es": "ñ¿¡", "de": "ß", "fr": "œ"}


def _language(text: str) -> str:
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
    words = _words(text)
    scores = {lang: sum(w in stop for w in words) for lang, stop in _LANG_STOPWORDS.items()}
    for lang, marks in _LANG_LETTERS.items():  # letters only one of the languages writes
        scores[lang] += 2 * sum(ch in marks for ch in text.casefold())
    best = max(scores, key=lambda lang: scores[lang])
    return best if best != "en" and scores[best] >= 2 and scores[best] > scores["en"] else "en"


def _duration_matches(text: str) -> list[re.Match[str]]:
    found = []
    for m in _DURATION_RE.finditer(text):
        if m.group("sunit") and m.group("sunit").lower() == "s":  # "90s" may be a decade
            num = m.group("snum")
            if not num[0].isdigit():  # "tens", "fives"
                continue
            if (
                num.isdigit()
                and int(num) % 10 == 0
                and (_DECADE_AFTER.match(text, m.end()) or _DECADE_BEFORE.search(text[: m.start()]))
            ):
                continue
        found.append(m)
    return found


def requested_duration_s(prompt: str) -> float | None:
    """The ad length a prompt asks for, for the caller to weigh against the options.

    Understands "30-second", "15s", "1 minute", "half a minute", "30 segundos", "30 Sekunden",
    "30 secondes", "trenta secondi" and the like; "the 90s" or "80s style" are decades.

    Args:
        prompt: the user's prompt.

    Returns:
        Seconds as written (not clamped to 6-60 s), or None if the prompt names no length.
    """
    text = clean_prompt(prompt)
    for m in _CJK_DURATION_RE.finditer(text):  # "15秒", "1分钟", "半分钟"
        scale = 1.0 if m["unit"].startswith("秒") else 60.0
        seconds = 0.5 if m["num"] == "半" else float(m["num"])
        if seconds > 0:
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


def _phrase_tokens(phrase: str) -> list[str]:
    toks = [raw.strip("'\"’‘`*_-–—/\\|<>#~^=") for raw in phrase.split()]
    if toks:  # "l'olio d'oliva": the article goes, the "d'" of the name stays
        toks[0] = _ELISION.sub("", toks[0])
    return [t for t in toks if re.search(r"[^\W_]", t) or t in ("&", "+")]


def _is(tok: str, words: frozenset[str]) -> bool:
    """Whether a token is one of ``words``, a mood word or a style word."""
    word = fold(tok)
    return word in words or _stem_lookup(word, _DESCRIPTIVE) is not None


def _trim(toks: list[str], at_most: int) -> list[str]:
    """Drop leading filler and an owner ("my bakery's"), stop at a connector or style word."""
    toks = toks[:40]  # a product is named in a few words; the rest of a long clause is not it
    while toks and (
        _is(toks[0], _FILLER)
        and not any(e - s_ == len(toks[0]) for s_, e, _ in kinds_in(toks[0]))
        or toks[0] in ("&", "+")
        or len(toks) > 1
        and toks[0][0].islower()
        and re.search(r"['’]s$", toks[0])
    ):
        toks = toks[1:]
    end = next((i for i, t in enumerate(toks) if _is(t, _STOP)), len(toks))
    toks = toks[:end][:at_most]
    while toks and toks[-1] in ("&", "+"):
        toks = toks[:-1]
    return toks


def _product_phrase(text: str) -> tuple[list[str], bool]:
    """Tokens naming the product, and whether they start the prompt."""
    m = _AD_FOR_RE.search(text)  # "an ad for X"
    if m and (toks := _trim(_phrase_tokens(m.group("x")), 8)):
        return toks, False
    for m in _X_AD_RE.finditer(text):  # "a X ad"
        toks = _phrase_tokens(m.group("x"))
        start = len(toks)
        while start > 0 and not _is(toks[start - 1], _FILLER | _STOP):
            start -= 1
        if start < len(toks):
            return toks[max(start, len(toks) - 5) :], start == 0 and m.start("x") == 0
    for i, m in enumerate(re.finditer(f"{_CLAUSE}+", text)):  # a bare "oat milk", "X, Y hoodie"
        toks = _trim([t for t in _phrase_tokens(m[0]) if not _AD_NOUN_RE.fullmatch(t)], 6)
        if toks and (i == 0 and len(toks) <= 3 or kinds_in(" ".join(toks))):
            return toks, i == 0 and not text[: m.start()].strip(" ,")
    return [], False


def _has_digit(tok: str) -> bool:
    return any(c.isdigit() for c in tok)


def _is_name(tok: str) -> bool:
    """A token that can be part of a name: capitalised, a model code ("EQ.9", "X2"), "&"."""
    return tok[:1].isupper() or _has_digit(tok) or tok in ("&", "+")


def _starts_kind(toks: list[str], i: int, language: str) -> bool:
    """Whether a product word starts at token ``i`` ("stain remover", German "Lippenbalsam")."""
    found = kinds_in(" ".join(toks[i:]), compounds=language == "de")
    return any(start == 0 or start < len(toks[i]) == end for start, end, _ in found)


def _split_name(toks: list[str], at_start: bool, language: str) -> tuple[list[str], list[str]]:
    """Split product tokens into the brand's and the product's ("Glow Up" / "lip balm").

    A brand is a run of name tokens (capitalised words, model codes, "&") before the product
    words, or after them in Spanish, French, Italian and Portuguese ("zapatillas Aurora"). A
    model code and what follows stay with the product ("Tesla" / "Model 3"). In German, a name
    right after the product noun is an apposition naming the brand ("das Fahrrad Stadtflitzer").
    """
    for i, tok in enumerate(toks[:-1]):  # "Tidewell's Drift 40 backpack", "Harbor Lane Co. cans"
        if not _is_name(tok):
            break
        if re.search(r"['’]s$", tok):
            return [*toks[:i], tok[:-2]], toks[i + 1 :]
        if i and fold(tok.rstrip(".")) in _COMPANY:
            return toks[: i + 1], toks[i + 1 :]
    lead = 0
    while (
        lead < len(toks)
        and _is_name(toks[lead])
        and (
            not _starts_kind(toks, lead, language)
            or lead == 0  # a common word leading a name: "Voyages Corail", "Maison Verlaine"
            and language != "de"  # German capitalises every noun: "Fahrrad Stadtflitzer"
            and len(toks) > 2
            and toks[1].istitle()
            and not _starts_kind(toks, 1, language)
        )
    ):
        lead += 1
    while lead and toks[lead - 1] in ("&", "+"):
        lead -= 1
    run, rest = toks[:lead], toks[lead:]
    if run and all(t.isdigit() for t in run):
        return [], toks
    if run:
        single_word = len(run) == 1 and run[0].istitle() and not _has_digit(run[0])
        if (
            at_start
            and single_word
            and not (rest and kinds_in(" ".join(rest)))
            or language == "de"
            and single_word
            and not rest
        ):
            return [], toks  # a capital that only starts the sentence ("Stain remover spray")
        model = _model_at(run)
        if model == 0:
            return run, rest
        return run[:model], run[model:] + rest
    tail = len(toks)
    while tail > 0 and _is_name(toks[tail - 1]) and not _starts_kind(toks, tail - 1, language):
        tail -= 1
    after_noun = language in ("es", "fr", "it", "pt") or (  # German "das Fahrrad Stadtflitzer"
        language == "de" and 0 < tail and _starts_kind(toks, tail - 1, language)
    )
    if after_noun and 0 < tail < len(toks):
        run = toks[tail:]
        model = _model_at(run) or len(run)
        return run[:model], toks[:tail] + run[model:]
    return [], toks


def _model_at(run: list[str]) -> int:
    """Where a model name starts in a run of name tokens ("Tesla Model 3" → 1), else its end.

    A model starts at the first token with a digit; a plain number takes the capitalised word
    before it along ("Model 3", "Run 2") when a brand word stays before that.
    """
    model = next((i for i, t in enumerate(run) if _has_digit(t)), len(run))
    if 2 <= model < len(run) and run[model].isdigit() and run[model - 1].istitle():
        model -= 1
    return model


#: Words before a brand named after the product: "by X", "von X", and "brand" words with the
#: article or preposition that joins them to the noun ("der Marke X", "de la marque X",
#: "della marca X", "da marca X", "of the brand X"), matched in any case.
_BY_LEAD = (
    r"(?i:\b(?:(?:of\s+the|of|from\s+the|de\s+la|de|del|della|dello|dal|da|do|dos|das|der|"
    r"des|du|von\s+der|vom|the)\s+)?(?:brand|label|company|marca|marque|marke|marchio|"
    r"firma|hersteller|empresa|entreprise|azienda)\s+|\b(?:by|from|von|par)\s+)"
)
_BY_BRAND_RE = re.compile(
    rf"(?:{_BY_LEAD}|(?:品牌|ブランド)[:：]?\s*)"
    r"(?P<b>[A-Z0-9][\w'’.-]*(?:\s+(?:&|\+|[A-Z0-9][\w'’.-]*))*)"
)
#: A brand joined to the product noun by a bare "of" in Spanish, French, Italian and
#: Portuguese ("la lámpara Orbe de Casa Lumbre", "la borsa Duomo di Pelletteria Serena"): the
#: whole run of capitalised words (and "&") after it, which a lower-case "de" never starts.
_NAME_RUN = r"[A-ZÀ-ÖØ-Þ][\w'’.-]*(?:\s+(?:&|\+|[A-ZÀ-ÖØ-Þ0-9][\w'’.-]*))*"
_OF_WORDS = {
    "es": "de|del",
    "fr": "de|du|d['’]",
    "it": "di|del|della|dello|dei|degli",
    "pt": "de|da|do|dos|das",
}
_OF_BRAND_RE = {
    lang: re.compile(rf"(?:{_BY_LEAD}|(?<![^\W_])(?:{words})(?:\s+|(?<=['’])))(?P<b>{_NAME_RUN})")
    for lang, words in _OF_WORDS.items()
}
_LATIN_RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9&+.'’-]*(?:\s+[A-Za-z0-9&+][A-Za-z0-9&+.'’-]*)*")


def _join(words: list[str], cjk: bool) -> str:
    out = ""
    for w in words:
        glue = "" if not out or cjk and (is_cjk(out[-1]) or is_cjk(w[:1])) else " "
        out += glue + w
    return out


def _brand_and_product(text: str, language: str) -> tuple[str, str]:
    known = next((_BRANDS[fold(m[1])] for m in _BRAND_RE.finditer(text) if m[1][0].isupper()), None)
    if language in ("zh", "ja"):
        return _brand_and_product_cjk(text, language, known)
    if language in ("ko", "ar", "he"):
        return _brand_and_product_spaced(text, language, known)
    of = next(
        (  # "Anuncio de Navidad para …": an ad's "of" names its occasion, not a brand
            m
            for m in (_OF_BRAND_RE[language].finditer(text) if language in _OF_BRAND_RE else ())
            if not _AD_NOUN_RE.fullmatch((text[: m.start()].split() or [""])[-1])
        ),
        None,
    )
    if not known and of:
        brand = " ".join(_phrase_tokens(of["b"].rstrip(".")))[:80]
        toks, _ = _product_phrase(_remove(text, of.start(), of.end()))
        toks = [t for t in toks if fold(t) != fold(brand)]
        return brand, " ".join(toks).strip() or _noun_phrase(text, language) or "product"
    toks, at_start = _product_phrase(text)
    brand = known[0] if known else ""
    if known:
        toks = _phrase_tokens(_BRAND_RE.sub(" ", " ".join(toks)))
    else:
        by_brand = _BY_BRAND_RE.search(" ".join(toks))  # "the Pulse 3 watch from Vanta"
        names, rest = ([], toks) if by_brand else _split_name(toks, at_start, language)
        brand, toks = " ".join(names), rest
        if not brand and (m := by_brand or _BY_BRAND_RE.search(text)):
            if m is by_brand:  # the run as the brief writes it, not cut with the phrase
                m = next((f for f in _BY_BRAND_RE.finditer(text) if f["b"].startswith(m["b"])), m)
            run = re.split(r"[.!?]\s", m["b"])[0]  # a run stops at a sentence's end
            if fold(run.split()[-1].rstrip(".")) not in _COMPANY:
                run = run.rstrip(".")
            brand = " ".join(_trim(_phrase_tokens(run), 4))
            by = rf"(?:{_BY_LEAD})?{re.escape(brand)}"
            toks = _phrase_tokens(re.sub(by, " ", " ".join(toks))) or toks
    if (
        at_start
        and not brand
        and language != "de"
        and len(toks) > 1
        and toks[0].istitle()
        and (toks[1].islower())
    ):
        toks[0] = toks[0].lower()  # "Stain remover spray ad": capitalised only to start a sentence
    product = " ".join(toks).strip()
    if language == "en" and re.search(r"\b(?:sneaker|shoe|trainer|boot)$", product, re.I):
        product += "s"  # "a Nike sneaker ad" is about sneakers
    if not product or product.lower() == brand.lower():
        phrase = _noun_phrase(_BRAND_RE.sub(" ", text), language)
        product = known[1] if known else phrase or "product"
    return brand[:80].strip(), product[:80].strip()


#: A Chinese or Japanese owner: a name, quoted or not, before 的 / の ("星河的耳机",
#: "「ミナト」の腕時計"), after the start of a clause or a verb like 为 / 给.
_CJK_OWNER_RE = re.compile(
    r"(?:^|(?<=[\s,.;:!?，。、；：！？为给給帮替]))"
    r"(?P<b>「[^」]{1,16}」|『[^』]{1,16}』|[^\s\d的の「」『』，。、；：,.;:!?为给給帮替]{1,8}?)(?:的|の)"
)
#: A quoted name ("「潮風 2」") right after a product word or 的 / の names the product's model.
_CJK_NAME_RE = re.compile(r"(?:的|の)?[「『](?P<n>[^」』]{1,16})[」』]")


def _cjk_owner(text: str) -> tuple[str, int] | None:
    """The brand a Chinese or Japanese brief writes as the owner of a product, and its end.

    Returns:
        The name without its quotes and where its 的 / の ends in ``text``; None when no
        owner is followed by a product word or a quoted name.
    """
    for m in _CJK_OWNER_RE.finditer(text):
        after = text[m.end() :]
        name = re.sub(r"^(?:品牌|ブランド)[:：]?", "", m["b"].strip("「」『』 "))
        if m["b"][0] not in "「『" and not all(is_cjk(c) for c in name):
            continue  # a Latin name is read as one (:func:`_brand_and_product_cjk`)
        if not name or _best_kind(name, "zh") and name == _noun_phrase(name, "zh"):
            continue  # "耳机的…": a product word is no brand
        if after[:1] in "「『" or any(start == 0 for start, _, _ in kinds_in(after[:12])):
            return name, m.end()
    return None


def _brand_and_product_cjk(
    text: str, language: str, known: tuple[str, str] | None
) -> tuple[str, str]:
    """Chinese and Japanese: the brand is an owner before 的 / の or a name in Latin letters.

    The product is a quoted name after the brand or a product word ("「潮風 2」"), else the
    product word with the words before it.
    """
    owner = None if known else _cjk_owner(text)
    if owner:
        brand, end = owner
        name = _CJK_NAME_RE.search(text, end)
        if name and (
            name.start() == end
            or any(e == name.start() for _, e, _ in kinds_in(text[: name.start()]))
        ):
            return brand[:80], name["n"].strip()[:80]
        return brand[:80], _noun_phrase(text[end:], language) or _noun_phrase(
            text, language
        ) or brand
    brand, model = (known[0], []) if known else ("", [])
    for m in _LATIN_RUN.finditer(_BRAND_RE.sub(" ", text) if known else text):
        toks = _phrase_tokens(m[0])
        if not toks or all(t.isdigit() for t in toks):
            continue
        names, rest = _split_name(toks, False, "en")
        if known:
            model = [t for t in toks if _has_digit(t)]
        else:
            brand, model = " ".join(names or toks), rest if names else []
        break
    word = _noun_phrase(text, language) or (known[1] if known else "")
    product = _join([*model, word], cjk=True) if word else " ".join(model)
    return brand[:80].strip(), (product or brand or "product")[:80].strip()


#: Words that end a Korean, Arabic or Hebrew product phrase: "ad", "video", "length", "price",
#: "of", "for", "with" and the like (``data/lexicon.toml`` ``[stopwords]``).
_PHRASE_STOP = {
    lang: frozenset(_LEXICON["stopwords"].get(lang, "").split()) for lang in ("ko", "ar", "he")
}


def _brand_and_product_spaced(
    text: str, language: str, known: tuple[str, str] | None
) -> tuple[str, str]:
    """Korean, Arabic and Hebrew: the brand is a Latin or own-script name, the product a phrase.

    A brand in the brief's own script follows a brand word (:func:`own_script_brand`).

    Korean puts modifiers before the noun ("무선 이어폰"), Arabic and Hebrew after it
    ("سماعات لاسلكية", "נעלי ריצה"); the product word keeps one such word of its own script,
    and drops the particles and one-letter prefixes joined to it ("이어폰을", "לנעלי").
    """
    brand, model = (known[0], []) if known else ("", [])
    for m in _LATIN_RUN.finditer(_BRAND_RE.sub(" ", text) if known else text):
        toks = [t for t in _phrase_tokens(m[0]) if not _AD_NOUN_RE.fullmatch(t)]
        if not toks or all(t.isdigit() for t in toks):
            continue
        names, rest = _split_name(toks, False, "en")
        if known:
            model = [t for t in toks if _has_digit(t)]
        else:
            brand, model = " ".join(names or toks), rest if names else []
        break
    if not brand:
        brand = own_script_brand(text, language)
        if brand:  # the brand words are not the product's
            lead = "|".join(map(re.escape, " ".join(_LEXICON["brand_lead"].values()).split()))
            text = re.sub(rf"(?:(?:{lead})\s+)?{re.escape(brand)}\S*(?:\s+(?:{lead}))?", " ", text)
    best = _best_kind(text, language)
    if best is None:
        product = known[1] if known else ""
        return brand[:80].strip(), (" ".join(model) or product or brand or "product")[:80]
    start, end, kind = best
    stop = _PHRASE_STOP[language]
    own = r"[\uac00-\ud7a3]+" if language == "ko" else r"[\u0590-\u06ff]+"
    word = kind.word
    if language == "ko":
        before = re.search(rf"(?:^|\s)({own})\s+$", text[:start])
        if before and before[1] not in stop and not _KO_PARTICLE.search(before[1]):
            word = f"{before[1]} {word}"
    else:
        whole = re.match(rf"{own}", text[end:])  # the rest of the word: an ending
        end += whole.end() if whole else 0
        word = text[start:end]
        after = re.match(rf"\s+({own})(?![^\W_])", text[end:])
        if after and after[1] not in stop:
            word = f"{word} {after[1]}"
    product = " ".join([*model, word]) if model else word
    return brand[:80].strip(), product[:80].strip()


#: Korean endings that make a word a verb or a particle phrase, not a modifier of the noun.
_KO_PARTICLE = re.compile(r"(?:을|를|이|가|은|는|에|에서|의|로|으로|해|해줘|줘|고|다)$")
#: The definite article joined to Arabic and Hebrew words.
_DEFINITE = {"ar": "ال", "he": "ה", "ko": "\0"}
#: Letters of each script a brand may be written in (Hangul; Hebrew; Arabic).
_OWN_LETTERS = {
    "ko": "\uac00-\ud7a3",
    "he": "\u05d0-\u05ea\u05f0-\u05f4",
    "ar": "\u0620-\u064a\u066e-\u06d3",
}


def own_script_brand(text: str, language: str) -> str:
    """A brand written in Korean, Arabic or Hebrew letters after (or before) a brand word.

    The grammar (words in ``data/lexicon.toml`` ``[brand_lead]``): a brand word ("المنتج من
    علامة صباح", "של המותג אור", "브랜드 햇살의 커피") and then the name, one or two words of
    the brief's script up to a stopword or punctuation; in Korean also the name and then the
    brand word ("햇살 브랜드의 커피"). A Korean particle joined to the name ("햇살의") is
    dropped. In Arabic and Hebrew a second word that is a product word, or that carries the
    definite article after a first word without it ("نور الفاخرة", "אור החדש"), is read as the
    product or an adjective, not as part of the name (so a two-word name such as "نجمة
    الصحراء" keeps only its first word: a known limit).

    Args:
        text: the brief, cleaned.
        language: "ko", "ar" or "he"; any other language gives "".

    Returns:
        The brand as written, or "" when no brand word names one.
    """
    letters = _OWN_LETTERS.get(language)
    if letters is None:
        return ""
    lead = _LEXICON["brand_lead"]
    stop = _PHRASE_STOP[language]
    word = rf"[{letters}]+"
    before = "|".join(map(re.escape, lead.get(f"{language}_before", "").split()))
    for m in re.finditer(rf"(?<![{letters}])(?:{before})\s+({word}(?:\s+{word})?)", text):
        kept: list[str] = []
        for w in m[1].split():
            if w in stop or (kept and language == "ko" and _KO_PARTICLE.search(kept[-1])):
                break
            kept.append(w)
        if kept and language == "ko":
            kept = kept[:1]
            kept[0] = _KO_PARTICLE.sub("", kept[0]) or kept[0]
        elif len(kept) == 2 and (
            _best_kind(kept[1], language) is not None
            or (
                kept[1].startswith(_DEFINITE[language])
                and not kept[0].startswith(_DEFINITE[language])
            )
        ):
            # "علامة صباح قهوة": the second word is the product; "علامة نور الفاخرة", "המותג
            # אור החדש": a second word with the article after a name without it is an
            # adjective agreeing with the product, not part of the name
            kept = kept[:1]
        if kept:
            return " ".join(kept)
    after = "|".join(map(re.escape, lead.get(f"{language}_after", "").split()))
    if after:
        named = re.search(rf"({word})\s+(?:{after})(?![{letters}])", text)
        if named and named[1] not in stop:
            return _KO_PARTICLE.sub("", named[1]) or named[1]
    return ""


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
    if found is None and fold(brand) in _BRANDS:
        found = kind_of(_BRANDS[fold(brand)][1])
    return found or kind_of(prompt, language) or Kind("", GENERIC)


_AUDIENCE_LEX = _LEXICON["audience"]
_AUDIENCE_BEFORE = frozenset(fold(w) for w in _AUDIENCE_LEX["before"].split() + ["for"])
_FOR_PEOPLE_RE = re.compile(
    rf"(?:{lexicon_pattern(_AUDIENCE_LEX['before'])})\s+"
    rf"(?P<a>(?:(?!(?:{lexicon_pattern(_AUDIENCE_LEX['before'])})\s)[^\W\d_][\w'-]*\s+){{0,4}}"
    rf"(?:{lexicon_pattern(_AUDIENCE_LEX['people'])}))"
    r"(?![^\W_])"
)


_CLAUSE_END = re.compile(r"\s*(?:[,.;:!?()，。、；：！？]|$)")
_TRAILING_WORDS = re.compile(r"(?:\s+[^\W\d_][\w'-]*){1,2}(?=\s*(?:[,.;:!?()，。、；：！？]|$))")


def _stated_audience(text: str) -> tuple[str, int, int]:
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
        words = _phrase_tokens(text[found.start("a") : end])
        cut = [i for i, w in enumerate(words) if fold(w) in _AUDIENCE_BEFORE]
        words = words[cut[-1] + 1 :] if cut else words
        while len(words) > 1 and fold(words[0]) in _FILLER:
            words.pop(0)
        stop = next((i for i, w in enumerate(words) if i and _is(w, _STOP)), len(words))
        if words[:stop]:
            alone = _CLAUSE_END.match(text, end) is not None
            span = (found.start(), end) if alone else (-1, -1)
            return " ".join(words[:stop][:8]), *span
    m = re.search(
        rf"(?:{lexicon_pattern(_LEXICON['facts']['audience'])})\s*(?:is|es|est|ist|[:：])?\s*"
        r"(?P<a>[^,.;:!?()，。、；：！？的]{2,80})",
        folded,
    )
    if m:
        words = _phrase_tokens(text[m.start("a") : m.end("a")])
        while len(words) > 1 and fold(words[0]) in _FILLER:
            words.pop(0)
        return " ".join(words[:8]), m.start(), m.end()
    if m := re.search(r"(?P<a>[^\s、。，,「」：:]{1,15})(?:の方)?向け", text):  # Japanese "…向け"
        return m["a"], m.start(), m.end()
    return "", -1, -1


# --- facts: URL, promo code, tagline, price, scenes, aspect ratio ---------------------------

_TLDS = (
    "com net org io co app shop store de fr es it pt br cn jp uk eu ai dev me tv us ca au nl be "
    "ch at mx ar cl pl se no dk fi ie nz in kr info biz online site xyz cafe coffee bike fit "
    "studio design"
).split()
_URL_RE = re.compile(
    r"(?<![A-Za-z0-9@.-])(?:https?://[^\s,;()<>\"“”«»「」]+|"
    r"(?:www\.)?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)*\.(?:"
    + "|".join(_TLDS)
    + r"|(?-i:[a-z]{2}))(?![\w-])(?:/[^\s,;()<>\"“”«»「」]*)?)",
    re.IGNORECASE,
)
_QUOTES = (
    ("“", "”"),
    ("„", "“"),
    ("„", "”"),
    ("«", "»"),
    ("»", "«"),
    ("‹", "›"),
    ("「", "」"),
    ("『", "』"),
    ("‘", "’"),
    ('"', '"'),
)
_QUOTED_RE = re.compile(
    "|".join(
        rf"{re.escape(a)}\s*(?P<q{i}>[^{re.escape(a + b)}]{{1,118}}?)\s*{re.escape(b)}"
        for i, (a, b) in enumerate(_QUOTES)
    )
    + r"|(?<![\w])'(?P<qs>[^'\n]{2,118}?)'(?![\w])"
)
_SENTENCE_END = r"[.;!?。！？\n]"
_CUR_BEFORE = r"(?:US\$|R\$|A\$|C\$|HK\$|NT\$|[$€£¥₹₩₽₪]|(?:CHF|EUR|USD|GBP)\s?)"
_CUR_AFTER = (
    r"(?:€|\$|£|¥|₩|₪|円|元|块|美元|欧元|英镑|ユーロ|ドル|원|달러|유로|ש[\"״]ח|שקלים|שקל|"
    r"ريالا?|ريال|درهما?|دينارا?|جنيها?|دولارا?|يورو|(?:EUR|USD|CHF|GBP|euros?|dollars?|"
    r"pounds?|yen|reais|pesos?)(?![^\W_]))"
)
_AMOUNT = r"\d{1,3}(?:[.,\u202f ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_FACTS = _LEXICON["facts"]
_LEAD = lexicon_pattern(_FACTS["price_lead"])
_PRICE_RE = re.compile(
    rf"(?:(?P<lead>{_LEAD})\s*)?(?:{_CUR_BEFORE}\s?(?:{_AMOUNT})(?:,-)?|"
    rf"(?<![.,])(?<![^\W\u3040-\u30ff\u3400-\u9fff])(?:{_AMOUNT})\s?{_CUR_AFTER})",
    re.IGNORECASE,
)
_DISCOUNT_WORDS = lexicon_pattern(_FACTS["discount"])
_PCT = r"\d{1,2}(?:[.,]\d)?\s?%"
_DISCOUNT_RE = re.compile(
    rf"(?:(?:{_LEAD})\s*(?:up to\s+|hasta\s+(?:un\s+)?|jusqu'a\s+|bis zu\s+|fino al\s+|ate\s+)?"
    rf"{_PCT}(?:\s?(?:{_DISCOUNT_WORDS}))?"
    rf"|[-–−]\s?{_PCT}(?:\s?(?:{_DISCOUNT_WORDS}))?"
    rf"|(?<![\w.,]){_PCT}\s?(?:{_DISCOUNT_WORDS})"
    rf"|(?:{_DISCOUNT_WORDS})\s+(?:del\s+|de\s+|von\s+|of\s+|du\s+|di\s+|do\s+|da\s+)?{_PCT})",
    re.IGNORECASE,
)
_CODE_RE = re.compile(
    rf"(?:{lexicon_pattern(_FACTS['code'])})\s*(?:is\s+|es\s+|est\s+|ist\s+|è\s+|é\s+)?[:：]?\s*"
    r"[\"'“”«»「]?(?P<code>[A-Za-z0-9][A-Za-z0-9_-]{2,19})(?![\w-])"
)
_TAGLINE_KEY = rf"(?:{lexicon_pattern(_FACTS['tagline'])})"
_TAGLINE_END = rf"(?:{lexicon_pattern(_FACTS['tagline_end'])})"
_TAGLINE_RE = re.compile(
    rf"(?:{_TAGLINE_KEY}\s*(?:is|es|est|ist|è|é|[:：=-])?|{_TAGLINE_END}(?:\s+(?:the\s+)?"
    rf"(?:line|words?|frase|phrase|satz))?\s*[:：]?)\s*(?P<t>[^\s].*?)\s*(?={_SENTENCE_END}|,\s|$)"
)
_SCENE_RE = re.compile(
    rf"(?:{lexicon_pattern(_FACTS['scene'])})\s*[:：]?\s*(?P<s>[^.;!?。！？\n]+)"
)
_SCENE_AFTER_RE = re.compile(  # Japanese and Korean: "雨を見せて", "일몰을 보여줘"
    r"(?P<s>[^.;!?。！？\n,]+?)(?:"
    + "|".join(r"\s*".join(map(re.escape, w.split("_"))) for w in _FACTS["scene_after"].split())
    + ")"
)
_SCENE_SPLIT = re.compile(
    r"\s*(?:,|、|，|;|/)\s*|\s+(?:and|y|e|et|und|o|or|ou|oder|plus)\s+|\s*(?:和|与|及|と|や)\s*"
    r"|(?<=[\uac00-\ud7a3])(?:과|와|및|랑|하고)\s+|\s+(?=[وו][^\W\d_]{2})"  # Korean, Arabic, Hebrew
)
_ARTICLE = re.compile(
    r"^(?:the|a|an|some|el|la|los|las|un|una|unos|unas|le|les|l['’]|des|du|der|die|das|den|"
    r"dem|ein|eine|einen|il|lo|gli|i|o|os|as|um|uma)\s+",
    re.IGNORECASE,
)
_DETERMINER = re.compile(
    r"(?<![^\W_])(?:the|a|an|my|our|your|el|la|los|las|un|una|le|les|l['’]|ma|mon|notre|votre|"
    r"der|die|das|ein|eine|il|lo|gli|o|os|as|um|uma)\s*$",
    re.IGNORECASE,
)
_SCENE_NOISE = re.compile(r"(?:的)?(?:场景|画面|镜头|シーン|場面)$")


def _remove(text: str, start: int, end: int) -> str:
    return f"{text[:start]} , {text[end:]}"


def _take(pattern: re.Pattern[str], text: str, folded: bool = False) -> tuple[str, str]:
    """The first match as written ("" for none) and the text without it.

    With ``folded`` the pattern is searched in the text folded by :func:`fold_same_length`.
    """
    m = pattern.search(fold_same_length(text) if folded else text)
    return (
        (text[m.start() : m.end()].strip(), _remove(text, m.start(), m.end())) if m else ("", text)
    )


def _quoted(m: re.Match[str]) -> str:
    return next(v for k, v in m.groupdict().items() if k.startswith("q") and v is not None)


def _tagline_end(text: str, end: int) -> int:
    """Where an unquoted tagline that reaches ``end`` really ends (an index in ``text``).

    It runs on past commas ("Open it, and the world opens too") to the end of the sentence,
    up to the first comma-separated part that holds a digit (a length, a price, a model),
    names a frame ("vertical") or a URL: those are other facts.
    """
    while m := re.match(r",\s+([^,.;!?。！？\n]+)", text[end:]):
        part = m[1]
        if any(c.isdigit() for c in part) or requested_aspect(part) or _URL_RE.search(part):
            break
        end += m.end()
    return end


def _tagline(text: str) -> tuple[str, str]:
    """The tagline (quoted, or after "tagline"/"slogan"/"end on" …) and the text without it."""
    folded = fold_same_length(text)
    for m in re.finditer(rf"{_TAGLINE_KEY}|{_TAGLINE_END}", folded):
        j = m.end() + len(text[m.end() :]) - len(text[m.end() :].lstrip(" :：=-はが"))
        if w := re.match(r"(?:is|es|est|ist|è|é)\s+", text[j:], re.IGNORECASE):
            j += w.end()
        if after := _QUOTED_RE.match(text, j):
            return _quoted(after).strip(), _remove(text, m.start(), after.end())
    said = _TAGLINE_RE.search(folded)
    if said and said["t"].strip():
        end = _tagline_end(text, said.end("t"))
        line = text[said.start("t") : end].strip(" \"'“”«»「」,，")
        return line, _remove(text, said.start(), end)
    for q in _QUOTED_RE.finditer(text):
        line = _quoted(q).strip()
        if text[q.end() : q.end() + 1] in ("的", "の") or text[q.start() - 1 : q.start()] in (
            "的",
            "の",
        ):
            continue  # a name that owns or is owned ("「ミナト」の腕時計"), not a tagline
        if any(e == q.start() for _, e, _ in kinds_in(text[: q.start()])) and is_cjk(line):
            continue  # a product word's own name ("耳机「律动 S3」")
        if len(line.split()) >= 2 or is_cjk(line) and len(line) >= 3:
            return line, _remove(text, q.start(), q.end())
    return "", text


def _scenes(text: str) -> tuple[list[str], str]:
    """Scenes the brief asks to show, as written, and the text without them."""
    folded, pos = fold_same_length(text), 0
    while (m := _SCENE_RE.search(folded, pos)) and _DETERMINER.search(text[: m.start()]):
        pos = m.start() + 1  # "la montre Orion" names a watch; "montre le bureau" shows one
    if m is None:
        m = _SCENE_AFTER_RE.search(text)
    if m is None:
        return [], text
    raw = text[m.start("s") : m.end("s")]
    raw = re.sub(r"(?<=\s)[وו](?=[^\W\d_]{2})", "", raw)  # the "and" joined to a word
    scenes = []
    for part in _SCENE_SPLIT.split(raw):
        part = _SCENE_NOISE.sub("", _ARTICLE.sub("", part.strip(" ,:-")))
        words = _words(part)
        if not part or not words and not is_cjk(part):
            continue
        if words and all(
            _stem_lookup(w, _DESCRIPTIVE) or w in _FILLER or w in _STOP for w in words
        ):
            continue  # "energetic style", not a scene
        scenes.append(part[:80])
    return scenes[:6], _remove(text, m.start(), m.end()) if scenes else text


_ASPECT_LEX = _LEXICON["aspect"]
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


def _aspect(text: str) -> tuple[str | None, str]:
    """The aspect ratio the text asks for, and the text without the words that said it."""
    for m in _RATIO_RE.finditer(text):
        ratio = f"{m[1]}:{m[2]}"
        if ratio in ("16:9", "9:16", "1:1"):
            return ratio, _remove(text, m.start(), m.end())
    folded = fold_same_length(text)
    found: str | None = None
    for pattern, aspect in _ASPECT_WORDS:
        for m in pattern.finditer(folded):
            before = re.search(r"([A-Z][\w'’]*)\s+$", text[: m.start()])
            if text[m.start()].isupper() and before and fold(before[1]) not in _FILLER:
                continue  # a word in a name ("Times Square"), not a frame
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
    return _aspect(clean_prompt(prompt))[0]


#: What joins an old price to the new one: "to", "à", "a", "auf", "→", "-" (``[facts]``).
_TO_PRICE_RE = re.compile(rf"\s*(?:[-–→>]+|{lexicon_pattern(_FACTS['price_to'])})\s*$", re.I)


def _new_price(
    text: str, price: re.Match[str], prices: list[re.Match[str]]
) -> re.Match[str] | None:
    """The price right after ``price`` when only a word like "to" / "à" joins them, else None."""
    later = next((m for m in prices if m.start() >= price.end()), None)
    if later is None:
        return None
    between = fold_same_length(text[price.end() : later.start()])
    return later if len(between) <= 12 and _TO_PRICE_RE.fullmatch(between) else None


def _facts(text: str) -> tuple[Facts, str]:
    """The facts in a cleaned prompt, and the prompt without them (for brand and product)."""
    url, text = _take(_URL_RE, text)
    code = ""
    for m in _CODE_RE.finditer(fold_same_length(text)):
        raw = text[m.start("code") : m.end("code")]
        if _has_digit(raw) or raw.isupper():
            code, text = raw, _remove(text, m.start(), m.end())
            break
    tagline, text = _tagline(text)
    prices = list(_PRICE_RE.finditer(fold_same_length(text)))
    chosen = next((m for m in prices if m["lead"]), prices[0] if prices else None)
    while chosen and (later := _new_price(text, chosen, prices)):
        chosen = later  # "de 450 € à 390 €", "from $899 to $749": the offer is the new price
    price = text[chosen.start() : chosen.end()].strip() if chosen else ""
    if chosen:  # "was $299, now $249": the price with a word like "now" or "only" is the offer
        text = _remove(text, chosen.start(), chosen.end())
    discount, text = _take(_DISCOUNT_RE, text, folded=True)
    scenes, text = _scenes(text)
    return (
        Facts(
            url=url.rstrip(".,;:!?/")[:120],
            promo_code=code,
            tagline=tagline[:120],
            price=price[:40],
            discount=discount[:40],
            scenes=scenes,
        ),
        text,
    )


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
    language = _language(text)
    duration_s = requested_duration_s(text)
    facts, stripped = _facts(text)
    stripped = _CJK_DURATION_RE.sub(" , ", _DURATION_RE.sub(" ", stripped))
    aspect, stripped = _aspect(stripped)
    audience, start, end = _stated_audience(stripped)
    named = _remove(stripped, start, end) if start >= 0 else stripped
    brand, product = _brand_and_product(named, language)
    kind = product_kind(product, brand, named, language)
    words = _words(stripped)
    mood = next((m for m in (_stem_lookup(w, _MOOD_LOOKUP) for w in words) if m), None)
    if mood is None and (is_cjk(stripped) or language in ("ko", "ar", "he")):
        mood = next((m for pattern, m in _CJK_MOODS if pattern.search(stripped)), None)
    styles: list[str] = []
    for m in re.finditer(r"(?<![\w'’])'?(?:19)?([5-9]0)s\b", text):
        decade = _DECADE_AFTER.match(text, m.end()) or _DECADE_BEFORE.search(text[: m.start()])
        if (decade or m.group(0)[0] in "'1") and f"{m.group(1)}s" not in styles:
            styles.append(f"{m.group(1)}s")
    for style in (_stem_lookup(w, _STYLE_STEMS) for w in words):
        if style and style not in styles:
            styles.append(style)
    return Brief(
        product=product,
        brand=brand,
        category=kind.archetype,
        sector=kind.sector.name,
        audience=(audience or kind.sector.audience)[:200],
        mood=mood or kind.sector.mood,
        style_words=styles[:8],
        duration_s=duration_s,
        aspect=aspect,
        language=language,
        facts=facts,
        colours=_colours(stripped, brand),
    )


#: Colour names → ``#rrggbb`` (``data/lexicon.toml`` ``[colours]``).
COLOURS: dict[str, str] = {name: v[0] for name, v in _LEXICON["colours"].items()}
_COLOUR_PATTERNS = [
    (re.compile(lexicon_pattern(v[1], plurals=True)), name)
    for name, v in _LEXICON["colours"].items()
]


def _colours(text: str, brand: str) -> list[str]:
    """Colour names the text gives for the look, in order; a brand's name ("Red Bull") is not."""
    if brand:
        text = re.sub(re.escape(brand), " ", text, flags=re.IGNORECASE)
    folded = fold_same_length(text)
    found = sorted(
        (m.start(), name) for pattern, name in _COLOUR_PATTERNS for m in pattern.finditer(folded)
    )
    return list(dict.fromkeys(name for _, name in found))[:4]


_CJK_MOODS = [
    (re.compile("|".join(map(re.escape, words.split()))), mood)
    for mood, words in _LEXICON["moods"].items()
]
