"""Script-aware segmentation of Chinese and Japanese noun phrases, written without spaces.

A product word found by the lexicon ("茶", "ヘッドホン") is grown into the noun it heads: to
the left over the ideographs and katakana that modify it ("普洱茶", "ワイヤレスイヤホン"), to
the right over the rest of a katakana word ("日焼け止めクリーム") or to the end of the word
that jieba or janome finds there and a one-character noun after it ("茶叶", "普洱茶" + "叶",
:mod:`.segment`), and to a Latin model code right before it ("X5 智能手表", "M2 ヘッドホン").
It stops at particles, punctuation, spaces, verbs and ad words that follow a product
(``data/lexicon.toml`` ``[cjk] phrase_end``), and where a company's name ends
(``[cjk] company_end``: "山风户外" + "登山鞋").
"""

from __future__ import annotations

import re

from agent.providers.local.brief.kinds import kinds_in
from agent.providers.local.brief.lexicon import LEXICON
from agent.providers.local.brief.segment import cjk_language, tokens, word_end

#: Characters that never belong inside a product's noun: particles, measure words, "for",
#: "this", "and", quotes, punctuation and spaces.
BREAK = frozenset(
    "的个款只为给給帮替做一这那了和与及之是叫卖则条支段部"
    "のをはがにでともや、，。「」『』“”：:;,.!?！？ \t"
)
_PHRASE_END = sorted(LEXICON["cjk"]["phrase_end"].split(), key=len, reverse=True)
#: Words that end a company's name (``[cjk] company_end``), longest first.
COMPANY_END = tuple(sorted(set(LEXICON["cjk"]["company_end"].split()), key=len, reverse=True))
#: Words that finish a Latin model code ("X5 Pro", "M3 Max"; ``[cjk] model_suffix``).
MODEL_SUFFIXES = frozenset(LEXICON["cjk"]["model_suffix"].split())
_SUFFIX = "|".join(sorted(map(re.escape, MODEL_SUFFIXES), key=len, reverse=True))
#: A Latin model code ("X5", "M2", "S3-Pro", "Z7 Ultra") right before a noun, with the space
#: written.
_MODEL_BEFORE = re.compile(
    rf"(?<![A-Za-z0-9])(?:[A-Z][a-z]+\s(?=\d))?[A-Za-z]*\d[A-Za-z0-9.+-]*(?:\s?(?:{_SUFFIX})(?![A-Za-z0-9]))*\s?$"
)
PHRASE_ENDS = tuple(_PHRASE_END)
#: An acronym in capitals glued to the noun after it ("AI写作App", "VR眼镜").
_ACRONYM_BEFORE = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2,4}$")
#: Ad words in Latin letters ("CM", "PR", ``[cjk] latin_ad``): never part of a noun.
_LATIN_AD = frozenset(LEXICON["cjk"]["latin_ad"].split())
#: A run of ideographs and katakana with no break character in it.
_PIECE = re.compile(
    "(?:(?![" + re.escape("".join(sorted(BREAK))) + "])[\u3400-\u9fff\uf900-\ufaff\u30a0-\u30ff])+"
)
#: Verbs of launching or selling that stand before a product's noun ("推出", "卖"): the noun
#: never grows over them (``[cjk] maker_verb`` without 的, ``product_verb``).
VERB_BEFORE = tuple(
    w
    for w in sorted(
        LEXICON["cjk"]["maker_verb"].split() + LEXICON["cjk"]["product_verb"].split(),
        key=len,
        reverse=True,
    )
    if not w.endswith(("的", "の"))
)
#: Longest noun grown from a product word, characters.
MAX_NOUN_CHARS = 14


def is_ideograph(ch: str) -> bool:
    """Whether a character is a Chinese character (kanji), CJK extension A or compatibility."""
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


#: Particles and verbs that end what stands before a company's name ("为", "の", "が").
_OWNS = frozenset("的のをはがにで为给給帮替和与及")


def is_kana_or_ideograph(ch: str) -> bool:
    """Whether a character is hiragana, katakana or a Chinese character."""
    return "\u3040" <= ch <= "\u30ff" or is_ideograph(ch)


def is_katakana(ch: str) -> bool:
    """Whether a character is katakana, its long-vowel mark "ー" or middle dot "・"."""
    return "\u30a0" <= ch <= "\u30ff"


def ends_company(text: str) -> bool:
    """Whether text ends with a word that ends a company's name ("光速科技", "ミドリ堂")."""
    return text.endswith(COMPANY_END)


def is_hiragana(ch: str) -> bool:
    """Whether a character is hiragana."""
    return "\u3040" <= ch <= "\u309f"


def _hiragana_word(text: str, end: int) -> int:
    """Where a word in hiragana that ends at ``end`` starts, -1 when it is not one by itself.

    A run of hiragana with no particle in it counts when a break, a space or the start of the
    text stands before it ("、ゆず", "いちご"); after a kanji it ends a verb or an adjective
    ("新しい") and does not.
    """
    start = end
    while start > 0 and is_hiragana(text[start - 1]) and text[start - 1] not in BREAK:
        start -= 1
    if start == 0 or text[start - 1] in BREAK or not is_kana_or_ideograph(text[start - 1]):
        return start
    return -1


def _named_company(text: str, start: int) -> bool:
    """Whether a company's name ends at ``start``: a company word with a name before it.

    "山风户外" + "登山鞋" is a company and its product; "S3 运动" + "手表" is not, since
    nothing stands before "运动" but a break: the word modifies the noun.
    """
    for word in COMPANY_END:
        if text.startswith(word, start - len(word)):
            before = text[start - len(word) - 1 : start - len(word)]
            return bool(before) and before not in BREAK and is_kana_or_ideograph(before)
    return False


def noun_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Grow a product word's span ``text[start:end]`` into the whole noun it heads.

    Args:
        text: a Chinese or Japanese brief (facts removed).
        start: where the product word starts, an index in ``text``.
        end: where it ends.

    Returns:
        (start, end) of the noun, with any Latin model code before it.
    """
    if end < len(text) and is_katakana(text[end]) and is_katakana(text[end - 1]):
        while end < len(text) and is_katakana(text[end]):
            end += 1  # the rest of a katakana word
    elif end < len(text) and is_katakana(text[end]) and not is_katakana(text[start]):
        while end < len(text) and is_katakana(text[end]):
            end += 1  # "日焼け止め" + "クリーム": a katakana head after a native word
    elif end < len(text) and is_ideograph(text[end]) and is_kana_or_ideograph(text[end - 1]):
        # "茶叶": the analyser's word. A Latin word ends where its letters do: "健身App动起来"
        # is the app, then its name.
        end = word_end(text, end, cjk_language(text))
        end = next(  # "普洱茶" + "叶", "料理" + "锅": a one-character noun heads the compound
            (
                t.end
                for t in tokens(text, cjk_language(text))
                if t.start == end
                and t.noun
                and len(t.surface) == 1
                and is_ideograph(t.surface)
                and not t.surface.startswith(PHRASE_ENDS)
            ),
            end,
        )
    words = kinds_in(text)  # the lexicon's words, longest first at a position
    while start > 0 and end - start < MAX_NOUN_CHARS:
        ch = text[start - 1]
        if word := next((b for b, e, _ in words if b < start <= e and e <= end), None):
            start = word  # "外卖": a lexicon word holds "卖", which breaks elsewhere
            continue
        if is_hiragana(ch) and ch not in BREAK and (word_start := _hiragana_word(text, start)) >= 0:
            start = word_start  # "ゆず" + "ハンドクリーム": a word in hiragana standing alone
            continue
        if ch in BREAK or not (is_ideograph(ch) or is_katakana(ch)) or _named_company(text, start):
            break
        if text[:start].endswith(VERB_BEFORE):  # "Luma 推出" + "记账App": a verb, no modifier
            break
        start -= 1
    if model := _MODEL_BEFORE.search(text[:start]):
        start = model.start()
    elif (acronym := _ACRONYM_BEFORE.search(text[:start])) and acronym[0] not in _LATIN_AD:
        start = acronym.start()  # "AI" + "写作App", "VR" + "眼镜": glued, part of the noun
    return start, end


def bare_noun(text: str) -> tuple[int, int] | None:
    """A noun the lexicon does not know, by where it stands: right before a verb or ad word.

    "为北极星电器的空气净化器做一个广告": the run of ideographs and katakana (two or more)
    that a word of ``[cjk] phrase_end`` follows ("做", "广告", "の広告" is not: "の" breaks).

    Returns:
        (start, end) of the first such run in ``text``, None when there is none.
    """
    for m in _PIECE.finditer(text):
        for cut in range(m.start() + 2, m.end() + 1):  # the shortest run a phrase end follows
            gap = re.match(
                r"[\s,，、]*の?", text[cut:]
            )  # "ミルクの広告": an ad of it  # "电饭煲 , 广告": a removed length between
            if text.startswith(PHRASE_ENDS, cut + (gap.end() if gap else 0)):
                start = max(  # "北辰电器空气净化器": the noun starts after the company's name
                    (p for p in range(m.start() + 2, cut - 1) if ends_company(text[:p])),
                    default=m.start(),
                )
                return start, cut
    return None


def lead_brand(text: str, start: int) -> str:
    """A brand written right before a product's noun with no particle, else "".

    The run of ideographs and katakana from the start of the clause (or after 为/给) up to
    ``start`` is a brand when it ends with a company word ("山风户外登山鞋") or a space
    separates it from the noun ("星辰数码 M2 耳机").

    Args:
        text: a Chinese or Japanese brief (facts removed).
        start: where the product's noun starts (:func:`noun_span`).
    """
    before = text[:start]
    spaced = before != before.rstrip()
    end = len(before.rstrip())
    begin = end
    while begin > 0 and (is_ideograph(before[begin - 1]) or is_katakana(before[begin - 1])):
        if before[begin - 1] in BREAK:  # "为", "给": the verb before the name
            break
        begin -= 1
    name = before[begin:end]
    if verb := next((v for v in VERB_BEFORE if name.endswith(v)), None):
        name = name[: -len(verb)]  # "Luma 推出" / "全新推出 N7 手机": the verb is no name
        spaced = True
    if name in NOT_NAME:
        return ""
    if not 2 <= len(name) <= 12:
        return ""
    return name if spaced or ends_company(name) else ""


_CJK = LEXICON["cjk"]


def _words(key: str) -> str:
    """A ``[cjk]`` word list as a regex alternation, longest first."""
    return "|".join(re.escape(w) for w in sorted(_CJK[key].split(), key=len, reverse=True))


#: Words that describe a product rather than name its maker ("新発売", "最新", "我们").
NOT_NAME = frozenset(_CJK["not_name"].split())
#: Adjectives between an owner's 的 / の and the product's noun ("新しい", "新款").
MODIFIER_RE = re.compile(rf"(?:{_words('modifier')})\s*")
_BREAK_CLASS = re.escape("".join(sorted(BREAK)))
_QUOTE = r"「[^」]{1,20}」|『[^』]{1,20}』|“[^”]{1,20}”|\"[^\"]{1,20}\""
#: An unquoted value: up to a clause break, a particle that owns, or a verb/ad word after it.
_BARE = r"[^\s，。、；;,.!?！？「」『』“”()（）的の]{1,20}?"
_VALUE_END = rf"(?=$|[\s，。、；;,.!?！？()（）的の「『]|{'|'.join(map(re.escape, _PHRASE_END))})"
_COPULA = rf"\s*(?:[:：]\s*|(?:{_words('copula')})\s*)"
_LABEL_VALUE = {
    field: re.compile(
        rf"(?<!新)(?:{_words(key)})(?:(?P<c>{_COPULA})?(?P<q>{_QUOTE})|(?P<c2>{_COPULA})?(?P<v>{_BARE}){_VALUE_END})"
    )
    for field, key in (("brand", "brand_label"), ("product", "product_label"))
}
#: A name right before a brand label: quoted, Latin, or a run of the brief's script.
_NAME_LABEL = re.compile(
    rf"(?P<q>{_QUOTE})\s*(?:{_words('brand_label')})"
    rf"|(?:^|(?<=[{_BREAK_CLASS}]))(?:{_words('name_lead')})?"
    rf"(?P<v>[^{_BREAK_CLASS}]{{2,12}}?)"
    rf"\s*(?:{_words('brand_label')})(?![名:：是为叫はが])"
)
#: A shop's quoted name: "我的面包店「麦香坊」", "カフェ『こもれび』".
_SHOP_NAME = re.compile(rf"(?:{_words('shop_end')})(?P<q>{_QUOTE})")
#: A maker's name before a verb of making or giving: "暖阳推出的", "ルミエールが贈る".
_MAKER_VERB = re.compile(
    rf"(?:^|(?<=[{_BREAK_CLASS}]))(?:{_words('name_lead')})?"
    rf"(?P<v>[^{_BREAK_CLASS}]{{2,12}}?)(?:{_words('maker_verb')})"
)
#: A company's name before "from": "アオイ化粧品から新しい日焼け止め".
_MAKER_FROM = re.compile(
    rf"(?:^|(?<=[\s，。、；;,:：]))(?P<v>[^\s，。、；;,.!?！？「」『』“”：:的の]{{2,12}}?)(?:{_words('from_after')})"
)
#: A place named as the origin: "イタリア製の", "日本产", "来自意大利的".
ORIGIN_RE = re.compile(
    rf"(?:{_words('origin_before')})[^\s，。、；;,.!?！？的の]{{1,8}}?(?=的|の|[\s，。、])"
    rf"|[^\s，。、；;,.!?！？的の为给]{{1,8}}?(?:{_words('origin_after')})(?=的|の|[\s，。、\u30a0-\u30ff])"
)


def _unquote(value: str) -> str:
    return value.strip('「」『』“”" ')


def labelled_fields(text: str) -> tuple[str, str, str]:
    """The brand and product a Chinese or Japanese brief names by a label, and the rest.

    The grammar: a label (``[cjk] brand_label``: "品牌", "ブランド"; ``product_label``: "产品",
    "商品"), an optional copula or colon ("是", "叫", "は", "："), then the value, quoted or
    up to a clause break ("品牌：青禾", "ブランドはミドリ堂", "产品是冷萃咖啡", "咖啡品牌「晨光」");
    or a name right before a brand label ("“极光”品牌的", "KAZEブランドの", "山月品牌"); or a
    company's name before "from" ("アオイ化粧品から"). A product needs a copula, a colon or
    quotes; words that describe rather than name (``[cjk] not_name``) are never a brand.

    Args:
        text: a Chinese or Japanese brief, facts removed.

    Returns:
        (brand, product, text without them), "" for a field no label names.
    """
    found = {"brand": "", "product": ""}
    for field, pattern in _LABEL_VALUE.items():
        for m in pattern.finditer(text):
            value = _unquote(m["q"] or m["v"] or "")
            bare = m["v"] is not None
            copula = m["c"] or m["c2"]
            if not value or value in NOT_NAME or bare and field == "product" and not copula:
                continue
            if bare and field == "brand" and not copula and not value.isascii():
                continue  # "品牌做广告": a label alone
            found[field] = value
            text = text[: m.start()] + "，" + text[m.end() :]
            break
    if not found["brand"]:
        for m in (
            *_SHOP_NAME.finditer(text),
            *_MAKER_VERB.finditer(text),
            *_NAME_LABEL.finditer(text),
            *_MAKER_FROM.finditer(text),
        ):
            value = _unquote(m.groupdict().get("q") or m["v"] or "")
            maker = m.re is _MAKER_FROM
            if not value or value in NOT_NAME or maker and not ends_company(value):
                continue
            start = m.start("q") if m.re is _SHOP_NAME else m.start()
            if m.re is not _SHOP_NAME and ends_company(value):  # "こもれび堂": "も" is no particle
                while start > 0 and is_kana_or_ideograph(text[start - 1]):
                    if text[start - 1] in _OWNS:
                        break
                    start -= 1
                value = text[start : m.start("v")] + value
            found["brand"] = value
            text = text[:start] + "，" + text[m.end() :]
            break
    return found["brand"], found["product"], text


_NAMING_BEFORE = tuple(_CJK["shop_end"].split() + _CJK["brand_label"].split())
_NAMING_AFTER = tuple(_CJK["brand_label"].split())


def quote_names_maker(text: str, start: int, end: int) -> bool:
    """Whether the quote ``text[start:end]`` names a shop or brand, not a tagline.

    It does when a shop word or a brand label stands right before it ("面包店「麦香坊」",
    "品牌「晨光」") or a brand label right after it ("“极光”品牌").
    """
    return text[:start].rstrip().endswith(_NAMING_BEFORE) or text[end:].lstrip().startswith(
        _NAMING_AFTER
    )
