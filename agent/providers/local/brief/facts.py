"""The facts a brief states, taken out as written: URL, code, tagline, price, scenes.

Each is removed from the text once read, so a tagline's words do not name the product and a
price does not join the product's name.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field

from agent.providers.local.brief.cjk import quote_names_maker
from agent.providers.local.brief.frame import requested_aspect
from agent.providers.local.brief.kinds import kinds_in
from agent.providers.local.brief.lexicon import DESCRIPTIVE, FILLER, LEXICON, STOP, stem_lookup
from agent.providers.local.brief.segment import cjk_language, noun_before
from agent.providers.local.brief.text import (
    fold_same_length,
    folded_words,
    has_digit,
    is_cjk,
    lexicon_pattern,
    remove_span,
    take_first,
)


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
#: An amount as written: thousands grouped by ".", ",", a (thin) space or the Swiss "'"
#: ("1.299,00", "29 990", "1'299"), then cents after "." or ",", or a Swiss ".–" / ",-".
_AMOUNT = (
    r"(?:\d{1,3}(?:[.,\u202f '’]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)"
    r"(?:[.,][-–](?![\w]))?"
)
_FACTS = LEXICON["facts"]
_LEAD = lexicon_pattern(_FACTS["price_lead"])
_PRICE_RE = re.compile(
    rf"(?:(?P<lead>{_LEAD})\s*)?(?:{_CUR_BEFORE}\s?(?:{_AMOUNT})|"
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


#: A short name: at most three words, no sentence punctuation ("Air 14", "Nuit", "律动 S3").
_NAME_LIKE_RE = re.compile(r"[^.,;:!?。、，！？…]{1,30}")


#: A word of a name: capitalised or a code, or a linking "of" ("Nuit d'Été", "Fior di Latte").
_NAME_WORD_RE = re.compile(r"(?:[dl]['’])?[A-ZÀ-Þ0-9]|(?:de|di|da|du|del|of|von|van)$")


def names_product(text: str, start: int, end: int) -> bool:
    """Whether the quote ``text[start:end]`` is the product's own name, not a tagline.

    It is when it stands right after the product's noun (a space between at most): a noun
    of the lexicon in any language ('the new laptop "Air 14"', "le parfum « Nuit »",
    "耳机「律动 S3」"), or in Chinese and Japanese any noun the analyser finds there
    ("ノートPC「Air 14」", :mod:`.segment`); and it reads as a name: Chinese or Japanese
    words, a particle after it ("「SORA ONE」を"), or at most three capitalised words or
    codes without sentence punctuation ("Air 14", not "Just do it").

    Args:
        text: the brief.
        start: where the quote's opening mark is, an index in ``text``.
        end: where its closing mark ends.
    """
    before = text[:start].rstrip()
    if not before or quote_names_maker(text, start, end):
        return False  # "咖啡品牌「晨光」", "面包店「麦香坊」": the maker's name
    after_noun = any(e == len(before) for _, e, _ in kinds_in(before)) or (
        is_cjk(before) and noun_before(before, len(before), cjk_language(text))
    )
    inner = text[start + 1 : end - 1].strip()
    return after_noun and (
        is_cjk(inner)
        or bool(re.match(r"\s*[のをがはでにと]", text[end:]))
        or len(inner.split()) <= 3
        and bool(_NAME_LIKE_RE.fullmatch(inner))
        and all(_NAME_WORD_RE.match(w) for w in inner.split())  # not "Just do it"
    )


def product_quote(text: str) -> tuple[str, int, int] | None:
    """The product's own name quoted right after its noun (:func:`names_product`).

    Returns:
        (name without its marks, start, end of the quote in ``text``), None when none is.
    """
    for q in _QUOTED_RE.finditer(text):
        if names_product(text, q.start(), q.end()):
            return _quoted(q).strip(), q.start(), q.end()
    return None


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


#: A verb of up to three characters or one word between a tagline's key and its quote.
_VERB_GAP_RE = re.compile(r"(?:[^\W\d_]{1,3}|[^\W\d_]+\s+)(?=[“„«»‹「『‘\"])")


def _tagline(text: str) -> tuple[str, str]:
    """The tagline (quoted, or after "tagline"/"slogan"/"end on" …) and the text without it."""
    folded = fold_same_length(text)
    for m in re.finditer(rf"{_TAGLINE_KEY}|{_TAGLINE_END}", folded):
        j = m.end() + len(text[m.end() :]) - len(text[m.end() :].lstrip(" :：=-はが"))
        if w := re.match(r"(?:is|es|est|ist|è|é)\s+", text[j:], re.IGNORECASE):
            j += w.end()
        gap = _VERB_GAP_RE.match(text, j)  # "结尾写「…」", "slogan reads “…”": a verb between
        if after := _QUOTED_RE.match(text, j) or gap and _QUOTED_RE.match(text, gap.end()):
            return _quoted(after).strip(), remove_span(text, m.start(), after.end())
    said = _TAGLINE_RE.search(folded)
    if said and said["t"].strip():
        end = _tagline_end(text, said.end("t"))
        line = text[said.start("t") : end].strip(" \"'“”«»「」,，")
        return line, remove_span(text, said.start(), end)
    for q in _QUOTED_RE.finditer(text):
        line = _quoted(q).strip()
        if text[q.end() : q.end() + 1] in ("的", "の") or text[q.start() - 1 : q.start()] in (
            "的",
            "の",
        ):
            continue  # a name that owns or is owned ("「ミナト」の腕時計"), not a tagline
        if names_product(text, q.start(), q.end()):
            continue  # a product's own name ("耳机「律动 S3」", 'the laptop "Air 14"')
        if quote_names_maker(text, q.start(), q.end()):
            continue  # a shop's or brand's name ("面包店「麦香坊」")
        if len(line.split()) >= 2 or is_cjk(line) and len(line) >= 3:
            return line, remove_span(text, q.start(), q.end())
    return "", text


#: An owner and its product in Chinese or Japanese ("云帆的Z7 Ultra手机", "ソラのイヤホン"):
#: what a scene verb shows then is the product itself.
_OWNED_PRODUCT = re.compile(r"\s*[^\s，。、,的の]{1,12}[的の]\s*")


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
    if (owned := _OWNED_PRODUCT.match(raw)) and (
        re.match(r"[A-Za-z0-9「『“]", raw[owned.end() :])
        or any(b == owned.end() for b, _, _ in kinds_in(raw))
    ):
        return [], text  # "展示云帆的Z7手机": showing the brand's product, not a scene
    raw = re.sub(r"(?<=\s)[وו](?=[^\W\d_]{2})", "", raw)  # the "and" joined to a word
    scenes = []
    for part in _SCENE_SPLIT.split(raw):
        part = _SCENE_NOISE.sub("", _ARTICLE.sub("", part.strip(" ,:-")))
        words = folded_words(part)
        if not part or not words and not is_cjk(part):
            continue
        if words and all(stem_lookup(w, DESCRIPTIVE) or w in FILLER or w in STOP for w in words):
            continue  # "energetic style", not a scene
        scenes.append(part[:80])
    return scenes[:6], remove_span(text, m.start(), m.end()) if scenes else text


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


def take_facts(text: str) -> tuple[Facts, str]:
    """The facts in a cleaned prompt, and the prompt without them (for brand and product)."""
    url, text = take_first(_URL_RE, text)
    code = ""
    for m in _CODE_RE.finditer(fold_same_length(text)):
        raw = text[m.start("code") : m.end("code")]
        if has_digit(raw) or raw.isupper():
            code, text = raw, remove_span(text, m.start(), m.end())
            break
    tagline, text = _tagline(text)
    prices = list(_PRICE_RE.finditer(fold_same_length(text)))
    chosen = next((m for m in prices if m["lead"]), prices[0] if prices else None)
    while chosen and (later := _new_price(text, chosen, prices)):
        chosen = later  # "de 450 € à 390 €", "from $899 to $749": the offer is the new price
    price = text[chosen.start() : chosen.end()].strip() if chosen else ""
    for m in reversed(prices):  # "was $299, now $249": the price with "now" or "only" is the
        text = remove_span(text, m.start(), m.end())  # offer; the old one names nothing either
    discount, text = take_first(_DISCOUNT_RE, text, folded=True)
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
