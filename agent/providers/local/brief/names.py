"""Brand and product: who makes it and what it is called, read from what the facts left.

Latin-script briefs: a run of name tokens before the product words or after them ("by X",
"von X", "de/di/da X"); Chinese and Japanese: an owner before 的/の (a verb before it cut off
by its part of speech, :mod:`.segment`), a name between the noun and a verb of making, or a
Latin name; Korean, Arabic and Hebrew: a Latin name or one after a brand word. In every
language the product is its own name when the brief gives one (:func:`brand_and_product`).
"""

from __future__ import annotations

import re

from agent.providers.local.brief.cjk import (
    BREAK,
    COMPANY_END,
    MAX_NOUN_CHARS,
    MODEL_SUFFIXES,
    MODIFIER_RE,
    NOT_NAME,
    ORIGIN_RE,
    PHRASE_ENDS,
    VERB_BEFORE,
    bare_noun,
    labelled_fields,
    lead_brand,
    noun_span,
)
from agent.providers.local.brief.facts import product_quote
from agent.providers.local.brief.kinds import KNOWN_BRAND_RE, KNOWN_BRANDS, best_kind, kinds_in
from agent.providers.local.brief.lexicon import FILLER, LEXICON, STOP, is_one_of
from agent.providers.local.brief.segment import leading_verbs, noun_run, starts_with_noun
from agent.providers.local.brief.text import (
    fold,
    fold_same_length,
    has_digit,
    is_cjk,
    join_words,
    lexicon_pattern,
    phrase_tokens,
    remove_span,
)
from agent.providers.local.scene_words import PLACE_WORDS, TIME_WORDS, WEATHER_WORDS
from agent.providers.local.scene_words import find as find_scene_words


def _noun_phrase(text: str, language: str) -> str:
    """The product word of text with the words before it that name it ("team planning app").

    Returns:
        The phrase as written, "" when text has no product word.
    """
    best = best_kind(text, language)
    if best is None and is_cjk(text) and (bare := bare_noun(text)):
        start, end = noun_span(text, *bare)
        return text[start:end]
    if best is None:
        return ""
    _, end, kind = best
    start = end - len(kind.word)  # a compound's whole word, not only its head
    glued = is_cjk(text[start - 1 : start]) or is_cjk(text[end : end + 1])  # "记账App"
    if is_cjk(text[start:end]) or glued:
        # "外卖" + "App": a product word right before a glued Latin one starts the noun
        start = min((b for b, e, _ in kinds_in(text) if e == start), default=start)
        start, end = noun_span(text, start, end)
        return text[start:end]
    clause = re.split(r"[,.;:!?()\[\]\n]", text[:start])[-1]
    before = _trim(phrase_tokens(clause), 8)
    while before and (_is_name(before[0]) or is_one_of(before[0], FILLER | STOP)):
        before = before[1:]
    if any(is_one_of(t, STOP) for t in before):
        before = []
    return " ".join([*before[-3:], text[start:end]])


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
_COMPANY = LEXICON["brand_lead"]["company_after"].split()
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


def _trim(toks: list[str], at_most: int) -> list[str]:
    """Drop leading filler and an owner ("my bakery's"), stop at a connector or style word."""
    toks = toks[:40]  # a product is named in a few words; the rest of a long clause is not it
    while (
        toks
        and (
            is_one_of(toks[0], FILLER)
            and not any(e - s_ == len(toks[0]) for s_, e, _ in kinds_in(toks[0]))
            and not (len(toks) > 1 and toks[1] in ("&", "+"))  # "Nova & Co.": a name, not "new"
            and not (len(toks) > 1 and _is_place(toks[:2]))  # "New York": a place, not "new"
            or toks[0] in ("&", "+")
            or len(toks) > 1
            and toks[0][0].islower()
            and re.search(r"['’]s$", toks[0])
        )
    ):
        toks = toks[1:]
    end = next(
        (i for i, t in enumerate(toks) if is_one_of(t, STOP) and not _is_name_at(toks, i)),
        len(toks),
    )
    toks = toks[:end][:at_most]
    while toks and toks[-1] in ("&", "+"):
        toks = toks[:-1]
    return toks


def _product_phrase(text: str) -> tuple[list[str], bool]:
    """Tokens naming the product, and whether they start the prompt."""
    m = _AD_FOR_RE.search(text)  # "an ad for X"
    if m and (toks := _trim(phrase_tokens(m.group("x")), 8)):
        return toks, False
    for m in _X_AD_RE.finditer(text):  # "a X ad"
        toks = phrase_tokens(m.group("x"))
        start = len(toks)
        while start > 0 and not is_one_of(toks[start - 1], FILLER | STOP):
            start -= 1
        if start < len(toks):
            return toks[max(start, len(toks) - 5) :], start == 0 and m.start("x") == 0
    for i, m in enumerate(re.finditer(f"{_CLAUSE}+", text)):  # a bare "oat milk", "X, Y hoodie"
        toks = _trim([t for t in phrase_tokens(m[0]) if not _AD_NOUN_RE.fullmatch(t)], 6)
        if toks and (i == 0 and len(toks) <= 3 or kinds_in(" ".join(toks))):
            return toks, i == 0 and not text[: m.start()].strip(" ,")
    return [], False


def _is_name(tok: str) -> bool:
    """A token that can be part of a name: capitalised, a model code ("EQ.9", "X2"), "&"."""
    return tok[:1].isupper() or has_digit(tok) or tok in ("&", "+")


#: A number and a unit of a specification ("4K", "5G", "1080p", "2.4GHz"): never a brand.
_SPEC_RE = re.compile(
    rf"\d+(?:[.,]\d+)?(?:{'|'.join(LEXICON['common']['spec_units'].split())})", re.IGNORECASE
)


#: "And" in the languages read, where it joins a company word to a name ("Andes y Cía").
_AND = frozenset("and y e et und".split())


def _is_name_at(toks: list[str], i: int) -> bool:
    """:func:`_is_name` for ``toks[i]``, or an "and" between a name and a company word.

    "Andes y Cía", "Dupont et Fils", "Smith and Sons": the company word makes the "and" part
    of one name, where elsewhere it joins two things ("Andes and Alps").
    """
    tok = toks[i]
    return _is_name(tok) or (
        0 < i < len(toks) - 1
        and fold(tok) in _AND
        and _is_name(toks[i - 1])
        and fold(toks[i + 1].rstrip(".")) in _COMPANY
    )


_ORIGIN_LEXICON = LEXICON["origin"]
#: Words that say what a product is made of or like (``data/lexicon.toml`` ``[common]``).
_COMMON = frozenset(fold(w) for w in LEXICON["common"]["words"].split()) | frozenset(
    w for _, names in LEXICON["colours"].values() for w in fold(names).split()
)


_PLACES = frozenset(fold(w) for w in _ORIGIN_LEXICON["places"].split())


def _is_place(run: list[str]) -> bool:
    """Whether words name a place of ``[origin] places`` ("New York", "Italy")."""
    return "_".join(fold(t) for t in run) in _PLACES


def _only_common(run: list[str]) -> bool:
    """Whether a run of capitalised words holds no name: only common words and places."""
    return _is_place(run) or all(_is_common(t) or _is_place([t]) for t in run)


def _is_common(tok: str) -> bool:
    """A common word written with a capital: a material, a colour, a mood or style word."""
    return fold(tok) in _COMMON or is_one_of(tok, FILLER)


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
        if not _is_name_at(toks, i):
            break
        if re.search(r"['’]s$", tok):
            return [*toks[:i], tok[:-2]], toks[i + 1 :]
        if i and fold(tok.rstrip(".")) in _COMPANY:
            return toks[: i + 1], toks[i + 1 :]
    lead = 0
    while (
        lead < len(toks)
        and _is_name_at(toks, lead)
        and (
            not _starts_kind(toks, lead, language)
            or lead == 0  # a common word leading a name: "Voyages Corail", "Café Rivage"
            and language != "de"  # German capitalises every noun: "Fahrrad Stadtflitzer"
            and (len(toks) > 2 or not at_start)
            and toks[1].istitle()
            and not _starts_kind(toks, 1, language)
        )
    ):
        lead += 1
    while lead and toks[lead - 1] in ("&", "+"):
        lead -= 1
    run, rest = toks[:lead], toks[lead:]
    if run and all(t.isdigit() or _SPEC_RE.fullmatch(t) for t in run):
        return [], toks  # "our 4K webcam": a spec leads the noun, no name
    if run and rest and _only_common(run):
        return [], toks  # "Italian Leather Shoes", "New York cheesecake": Title Case, no name
    if run:
        single_word = len(run) == 1 and run[0].istitle() and not has_digit(run[0])
        if (
            at_start
            and single_word
            and (not (rest and kinds_in(" ".join(rest))) or _is_common(run[0]))
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
    model = next((i for i, t in enumerate(run) if has_digit(t)), len(run))
    if 2 <= model < len(run) and run[model].isdigit() and run[model - 1].istitle():
        model -= 1
    return model


#: Words before a brand named after the product: "by X", "von X", and "brand" words with the
#: article or preposition that joins them to the noun ("der Marke X", "de la marque X",
#: "della marca X", "da marca X", "of the brand X"), matched in any case.
_BY_LEAD = (
    r"(?P<lead>(?i:\b(?:(?:of\s+the|of|from\s+the|de\s+la|de|del|della|dello|dal|da|do|dos|das|der|"
    r"des|du|von\s+der|vom|the)\s+)?(?:brand|label|company|marca|marque|marke|marchio|"
    r"firma|hersteller|empresa|entreprise|azienda)\s+|\b(?:by|from|von|par)\s+))"
)
#: A lower-case "of" inside a name, before a capitalised word ("Óptica del Sur", "Casa da
#: Serra", "Haus von Eden").
_LINK_WORD = r"(?:de|del|della|di|da|do|dos|das|du|des|von|van|der|den)"
_LINK = rf"(?:{_LINK_WORD}\s+(?=[A-ZÀ-ÖØ-Þ]))?"
_BY_BRAND_RE = re.compile(
    rf"(?:{_BY_LEAD}|(?:品牌|ブランド)[:：]?\s*)"
    rf"(?P<b>[A-Z0-9][\w'’.-]*(?:\s+(?:&|\+|{_LINK}[A-ZÀ-ÖØ-Þ0-9][\w'’.-]*))*)"
)
#: A brand joined to the product noun by a bare "of" in Spanish, French, Italian and
#: Portuguese ("la lámpara Orbe de Casa Lumbre", "la borsa Duomo di Pelletteria Serena"): the
#: whole run of capitalised words (and "&") after it, which a lower-case "de" never starts.
_NAME_RUN = rf"[A-ZÀ-ÖØ-Þ][\w'’.-]*(?:\s+(?:&|\+|{_LINK}[A-ZÀ-ÖØ-Þ0-9][\w'’.-]*))*"
_OF_WORDS = {
    "es": "de|del",
    "fr": "de|du|des|d['’]",
    "it": "di|del|della|dello|dei|degli|da|dalla|dal",
    "pt": "de|da|do|dos|das",
}
_OF_BRAND_RE = {
    lang: re.compile(rf"(?:{_BY_LEAD}|(?<![^\W_])(?:{words})(?:\s+|(?<=['’])))(?P<b>{_NAME_RUN})")
    for lang, words in _OF_WORDS.items()
}
_LATIN_RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9&+.'’-]*(?:\s+[A-Za-z0-9&+][A-Za-z0-9&+.'’-]*)*")


def _brand_after_noun(text: str, language: str) -> tuple[str, int, int] | None:
    """A brand named after the product, and its span with the word that leads it.

    Any language: "by X", "from X", "von X", "par X", "der Marke X", "de la marca X"; Spanish,
    French, Italian and Portuguese also a bare "de/di/da X" ("la lámpara Orbe de Casa
    Lumbre"), except right after an ad noun ("Anuncio de Navidad": the ad's occasion). The
    name is the whole run of capitalised words, "&" and model codes; it ends at a sentence's
    end, and keeps a company word's dot ("Fern & Field Co.", "Moo-Free Inc.").

    Returns:
        (brand, start, end) in ``text``; None when no such name is there.
    """
    for m in (
        *_BY_BRAND_RE.finditer(text),
        *_OF_BRAND_RE.get(language, re.compile("$^")).finditer(text),
    ):
        run = re.split(r"[.!?]\s", m["b"])[0]
        if fold(run.split()[-1].rstrip(".")) not in _COMPANY:
            run = run.rstrip(".")
        start, run_at = m.start(), m.start("b")
        named = re.search(r"[A-ZÀ-ÖØ-Þ][\w'’.-]*\s+$", text[: m.start()])
        links = list(re.finditer(rf"\s{_LINK_WORD}\s+(?=[A-ZÀ-ÖØ-Þ])", run))
        coded = links and any(has_digit(t) for t in run[: links[-1].start()].split())
        if not m["lead"] and _AD_NOUN_RE.fullmatch((text[: m.start()].split() or [""])[-1]):
            if not coded:
                continue  # "Anuncio de Navidad": the ad's occasion, no maker
        if (
            not m["lead"]
            and links
            and (coded or named and len(run[links[-1].end() :].split()) >= 2)
        ):
            # "gelato Fior di Latte di Gelateria Stella": the product's own name has a "di"
            # too; the maker's name follows the last one ("Óptica del Sur" stays whole). A
            # model code names a product too: "Anuncio del Redmi Note 13 de Xiaomi".
            start = run_at + links[-1].start() + 1
            run_at += links[-1].end()
            run = run[links[-1].end() :]
        brand = " ".join(phrase_tokens(run)[:6]).rstrip(" &+")  # "Vuelo Sur": a capital "Sur"
        if brand and not all(has_digit(t) for t in brand.split()):
            return brand[:80], start, run_at + len(run)
    return None


_ORIGIN = LEXICON["origin"]
_FROM_WORDS = [w for w in _ORIGIN["from"].split() if not w.endswith("'")]
_FROM_ELIDED = [w[:-1] for w in _ORIGIN["from"].split() if w.endswith("'")]
#: A participle of making and its preposition: "made in", "hecho en", "fabriqué en", "aus".
_MADE_RE = re.compile(
    rf"(?:{lexicon_pattern(_ORIGIN['made'])})\s+(?:{lexicon_pattern(_ORIGIN['made_prep'])})\s+"
    rf"|(?:{lexicon_pattern(_ORIGIN['always'])})\s+"
)
#: A preposition of origin ("from", "de", "dal", "d'"), before a place named in the lexicon.
_FROM_RE = re.compile(
    rf"(?:{lexicon_pattern(_FROM_WORDS)})\s+|(?<![^\W_])(?:{'|'.join(_FROM_ELIDED)})['’]"
)
_PLACE_RE = re.compile(lexicon_pattern(_ORIGIN["places"]))
_PLACE_ARTICLE = re.compile(r"(?:the|el|la|le|les|l['’]|der|dem|den|il|lo|o|a|os|as)\s+|l['’]")
_CAPITAL_RUN = re.compile(r"[A-ZÀ-ÖØ-Þ][\w'’.-]*(?:\s+[A-ZÀ-ÖØ-Þ][\w'’.-]*){0,2}")
#: A company word after a place makes the place a company's name: "de Andes & Co", "from
#: Sierra y Cía", "by Alpine Ltd" name the maker, not where the product comes from.
_COMPANY_NEXT = re.compile(
    rf"\s*(?:(?:&|\+|and|y|e|et|und)\s+)?(?:{'|'.join(_COMPANY)})(?![^\W_])", re.IGNORECASE
)


def without_origin(text: str) -> str:
    """The text with the place a product comes from cut out: an origin is never a brand.

    The grammar (``data/lexicon.toml`` ``[origin]``): a participle of making and its
    preposition before any capitalised place ("made in Portugal", "hechas en España",
    "fabriquées en France", "aus Italien"), or a preposition of origin before a place the
    lexicon names ("from Italy", "de Colombia", "dal Giappone"). "by X", "von X" and "from X"
    before any other name still name the maker ("the Pulse 3 watch from Vanta").

    Args:
        text: a Latin-script brief, facts removed.

    Returns:
        The text with each origin phrase replaced by a clause break.
    """
    folded = fold_same_length(text)
    spans: list[tuple[int, int]] = []
    for m in (*_MADE_RE.finditer(folded), *_FROM_RE.finditer(folded)):
        at = m.end()
        if article := _PLACE_ARTICLE.match(folded, at):
            at = article.end()
        if m.re is _MADE_RE:
            place = _CAPITAL_RUN.match(text, at)
        else:
            place = _PLACE_RE.match(folded, at)
        if place and not _COMPANY_NEXT.match(folded, place.end()):
            spans.append((m.start(), place.end()))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):  # "aus Italien" is both a made-in and a from-place
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    for start, end in reversed(merged):
        text = remove_span(text, start, end)
    return text


def brand_and_product(text: str, language: str) -> tuple[str, str]:
    """The brand ("" for none) and the product ("product" for none) a brief names.

    The product is the product's own name when the brief gives it one, in every language:
    quoted after its noun ('the laptop "Air 14"', "ノートPC「Air 14」"), a model code before
    the noun ("the Aurora X5 Pro wireless earbuds", "X5 Pro智能手表") or a name after it in
    Chinese, Japanese, Spanish, French, Italian and Portuguese ("降噪耳机 M5", "las
    zapatillas de trail Cumbre X3"); the noun then gives only the category. Else it is the
    noun phrase ("hiking boots", "有机燕麦奶").

    Args:
        text: the cleaned brief with its facts and audience removed.
        language: ISO 639-1 code of the brief; chooses the reading for its script.

    Returns:
        (brand, product), as written, at most 80 characters each.
    """
    if quote := product_quote(text):  # 'the laptop "Air 14"', "ノートPC「Air 14」"
        brand, _ = _brand_and_product(remove_span(text, quote[1], quote[2]), language)
        return brand, quote[0][:80]
    brand, product = _brand_and_product(text, language)
    return brand, _own_name(product, language)


#: A product's own name: a capitalised word or a code, then more of them, "&", a model
#: suffix ("mini") or an "of" before a capital ("Cumbre X3", "Flor de Laranjeira", "M1 mini").
_LATIN_LETTER = "0-9A-Za-zÀ-ÖØ-öø-ɏ'’.+-"
_OWN_NAME_RE = re.compile(
    rf"(?<![{_LATIN_LETTER}])[A-ZÀ-ÖØ-Þ0-9][{_LATIN_LETTER}]*"
    rf"(?:\s*(?:&\s+|{_LINK})?(?:[A-ZÀ-ÖØ-Þ0-9][{_LATIN_LETTER}]*|"
    rf"(?:{'|'.join(MODEL_SUFFIXES)})(?![{_LATIN_LETTER}])))*"
)
_NAME_AFTER_NOUN = ("zh", "ja", "es", "fr", "it", "pt")


def _own_name(product: str, language: str) -> str:
    """The product's own name inside its phrase, else the phrase (:func:`brand_and_product`).

    A name with a digit before the noun ("X5 Pro wireless earbuds" → "X5 Pro", "Book 14 Max
    笔记本电脑" → "Book 14 Max"); in the languages that put a name after the noun, a name
    there that is not only common words ("降噪耳机 M5" → "M5", "gafas Brisa" → "Brisa",
    German "Staubsauger Wirbel Pro" → "Wirbel Pro"). A Latin generic word in Chinese or
    Japanese ("外卖App") is no name.
    """
    cjk = is_cjk(product)
    words = product.split()
    if language == "de":  # every noun is capitalised: the name follows the lexicon's noun
        head = max((i for i, w in enumerate(words[:-1]) if kinds_in(w, compounds=True)), default=-1)
        name_words = words[head + 1 :]
        if head >= 0 and all(map(_is_name, name_words)) and not _only_common(name_words):
            return " ".join(name_words)  # "Kaffeemaschine Barista 3000" → "Barista 3000"
    for m in _OWN_NAME_RE.finditer(product):
        name = m[0].strip()
        toks = name.split()
        before, after = product[: m.start()].strip(), product[m.end() :].strip()
        coded = toks[0][:1].isalpha() and any(has_digit(t) for t in toks)  # not "4K", "2-in-1"
        if not before and after and coded:
            if is_cjk(after[0]) or after[0].islower():
                return name  # "X5 Pro wireless earbuds", "X5 Pro智能手表"
        if before and not after and language in _NAME_AFTER_NOUN and not name.isdigit():
            if cjk and is_cjk(before[-1]) and not all(_is_latin_generic(t) for t in toks):
                return name  # "降噪耳机 M5", "冲锋衣 Trail Pro"
            if not cjk and before[-1].islower() and not _only_common(toks):
                return name  # "zapatillas de trail Cumbre X3", "gafas Brisa"

    return product


def _brand_and_product(text: str, language: str) -> tuple[str, str]:
    """:func:`brand_and_product` with the product as its phrase."""
    known = next(
        (KNOWN_BRANDS[fold(m[1])] for m in KNOWN_BRAND_RE.finditer(text) if m[1][0].isupper()), None
    )
    if language in ("zh", "ja"):
        return _brand_and_product_cjk(text, language, known)
    if language in ("ko", "ar", "he"):
        return _brand_and_product_spaced(text, language, known)
    text = without_origin(text)
    after = None if known else _brand_after_noun(text, language)
    if after:
        brand, start, end = after
        toks, _ = _product_phrase(remove_span(text, start, end))
        toks = [t for t in toks if fold(t) not in fold(brand).split()]
        if not toks:  # "…: der Mixer Turbo Max von Küchenprofi": what the brand's name follows
            clause = re.split(r"[,.;:!?()\[\]]", text[:start])[-1]
            toks = [t for t in _trim(phrase_tokens(clause), 8) if not _AD_NOUN_RE.fullmatch(t)]
        return brand, " ".join(toks).strip() or _noun_phrase(text, language) or "product"
    toks, at_start = _product_phrase(text)
    brand = known[0] if known else ""
    if known:
        toks = phrase_tokens(KNOWN_BRAND_RE.sub(" ", " ".join(toks)))
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
            brand = " ".join(_trim(phrase_tokens(run), 4))
            by = rf"(?:{_BY_LEAD})?{re.escape(brand)}"
            toks = phrase_tokens(re.sub(by, " ", " ".join(toks))) or toks
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
    if not product or set(fold(product).split()) <= set(fold(brand).split()):
        # "pour Voyages Azur, l'agence de voyages": the brand's own word is not the product
        phrase = _noun_phrase(
            KNOWN_BRAND_RE.sub(" ", text.replace(brand, " ") if brand else text), language
        )
        product = known[1] if known else phrase or _product_after_brand(text, brand, language)
    return brand[:80].strip(), product[:80].strip()


def _product_after_brand(text: str, brand: str, language: str) -> str:
    """The product named after the brand, when the ad's "for" clause held only the brand.

    "Anúncio da Doce Lar para o travesseiro Nuvem Plus": the brand and the word that joins it
    are blanked, and the product is read again from what follows ("travesseiro Nuvem Plus").

    Returns:
        The product as written, "product" when nothing else names one.
    """
    of = _OF_WORDS.get(language, "of")
    blank = re.sub(rf"(?:\b(?:{of})\s+)?{re.escape(brand)}", lambda m: " " * len(m[0]), text)
    toks = [t for t in _product_phrase(blank)[0] if fold(t) not in fold(brand).split()]
    return " ".join(toks) or "product"


#: A Chinese or Japanese owner: a name, quoted or not, before 的 / の ("星河的耳机",
#: "「ミナト」の腕時計"), after the start of a clause or a verb like 为 / 给.
_CJK_OWNER_RE = re.compile(
    r"(?P<b>「[^」]{1,16}」|『[^』]{1,16}』|“[^”]{1,16}”)(?P<co>"
    + "|".join(COMPANY_END)
    + r")?(?:的|の)?"
    r"|(?:^|(?<=[\s,.;:!?，。、；：！？为给給帮替])"
    + "".join(f"|(?<={re.escape(v)})" for v in VERB_BEFORE)  # "隆重推出" + "青岚科技的"
    + "".join(f"|(?<={re.escape(v)})" for v in LEXICON["cjk"]["name_lead"].split())  # "关于"
    + ")"
    r"(?P<b2>[^\s\d的の「」『』“”，。、；：,.;:!?为给給帮替]{1,8}?)(?:的|の)"
)
#: A quoted name ("「潮風 2」") right after a product word or 的 / の names the product's model.
_CJK_NAME_RE = re.compile(r"(?:的|の)?[「『](?P<n>[^」』]{1,16})[」』]")


def _cjk_owner(text: str, language: str) -> tuple[str, int] | None:
    """The brand a Chinese or Japanese brief writes as the owner of a product, and its end.

    Returns:
        The name without its quotes and where its 的 / の ends in ``text``; None when no
        owner is followed by a product word or a quoted name.
    """
    for m in _CJK_OWNER_RE.finditer(text):
        after = text[m.end() :]
        said = m["b"] or m["b2"]
        name = re.sub(r"^(?:品牌|ブランド)[:：]?", "", said.strip("「」『』“” ")) + (m["co"] or "")
        if not m["b"] and (verb := next((v for v in VERB_BEFORE if v in name), None)):
            name = name.rsplit(verb, 1)[1]  # "隆重推出青岚科技的": the verb is no name
        if not m["b"] and language == "zh":
            name = name[leading_verbs(name, language) :]  # "推广青岚科技的": a verb, no name
        if not m["b"] and not all(is_cjk(c) for c in name):
            continue  # a Latin name is read as one (:func:`_brand_and_product_cjk`)
        if not name or name in NOT_NAME or any(e - b == len(name) for b, e, _ in kinds_in(name)):
            continue  # "耳机的…": a product word is no brand; "新発売の…" describes one
        if _is_scene_word(name):
            continue  # "夕焼けの海辺", "夜の街": a time, place or weather sets the scene
        skip = MODIFIER_RE.match(after)  # "花城の新しい香水": an adjective before the noun
        after = after[skip.end() :] if skip else after
        if after[:1] in "「『" or _heads_noun(after, language):
            return name, m.end() + (skip.end() if skip else 0)
    return None


def _is_scene_word(name: str) -> bool:
    """Whether a whole CJK word is a place, time of day or weather of the storyboard's lexicon.

    Such a word before 的 / の describes where the ad is set ("夕焼けの海辺", "雪の山"), never
    who makes the product; a brand that merely contains one ("雪花秀") is still a name.
    """
    tables = (PLACE_WORDS, TIME_WORDS, WEATHER_WORDS)
    return any(n == len(name) for table in tables for _, n, _ in find_scene_words(name, table))


def _model_after_noun(text: str, language: str) -> tuple[str, int] | None:
    """A Latin model name right after the product's noun ("降噪耳机 M5", "手环 Band 7").

    Returns:
        The model as written and where it starts in ``text``; None when none follows.
    """
    best = best_kind(text, language)
    if best is None:
        return None
    end = noun_span(text, best[1] - len(best[2].word), best[1])[1]
    m = _LATIN_RUN.match(text, end + len(text[end:]) - len(text[end:].lstrip()))
    if m is None or len(m[0].split()) > 3:
        return None
    return m[0].strip(), m.start()


def _heads_noun(text: str, language: str) -> bool:
    """Whether text starts with a product's noun ("玄米茶の…", "X5 智能手表做…", "ノートPC").

    A word the lexicon knows, or any noun the analyser (:mod:`.segment`) finds there that is
    not an ad word ("广告", "動画").
    """
    text = text.lstrip()  # "北屿电子的 Book 14 笔记本电脑": a space after 的
    head = text[: MAX_NOUN_CHARS + 4]
    if any(noun_span(head, b, e)[0] == 0 for b, e, _ in kinds_in(head)):
        return True
    return not text.startswith(PHRASE_ENDS) and starts_with_noun(head, language)


def _brand_and_product_cjk(
    text: str, language: str, known: tuple[str, str] | None
) -> tuple[str, str]:
    """Chinese and Japanese: a labelled field, an owner before 的 / の, or a Latin name.

    Fields a label names win (:func:`~agent.providers.local.brief.cjk.labelled_fields`:
    "品牌：青禾", "ブランドはミドリ堂", "产品是冷萃咖啡"); a place named as the origin
    ("イタリア製の", "来自意大利的") is never the brand. The rest is read by
    :func:`_owner_or_latin_name`.
    """
    said = text
    brand, label_product, text = ("", "", text) if known else labelled_fields(text)
    product = label_product
    text = ORIGIN_RE.sub(lambda m: " " * len(m[0]), text)
    if brand:
        known = (brand, "")
    found_brand, found_product = _owner_or_latin_name(text, language, known)
    brand = brand or found_brand
    if not product or found_product not in ("product", brand) and product in found_product:
        product = found_product  # "产品：M5 耳机" read again with its model
    sold = _SOLD_RE.search(text) or _LAUNCHED_RE.search(said)
    if product in ("product", brand) and sold:
        product = _noun_phrase(sold["p"], language) or sold["p"]  # "卖手工香皂"
    model = _model_after_noun(text, language)
    if (
        model
        and model[0] not in (product, brand)
        and (has_digit(model[0]) or brand)
        and model[1] > text.find(product) >= 0
    ):
        product = f"{product} {model[0]}"  # "電動アシスト自転車 E-Bike 5", "冲锋衣 Trail Pro"
    if (lead := MODIFIER_RE.match(product)) and lead.end() < len(product):
        product = product[lead.end() :]  # "全新电热毯": "brand-new" describes the blanket
    return brand[:80], product[:80]


#: Latin ad words in Chinese and Japanese briefs ("CM", "PR"): never a brand.
_LATIN_AD_WORDS = frozenset(LEXICON["cjk"]["latin_ad"].split())
#: Generic English nouns in Chinese and Japanese text ("App", "Store"): never a brand.
_LATIN_GENERIC = frozenset(fold(w) for w in LEXICON["cjk"]["latin_generic"].split())


def _is_latin_generic(tok: str) -> bool:
    """Whether a Latin token is a common word, not a name: a generic noun or a product word.

    "App", "Store", "Phone" written inside Chinese or Japanese text say what is sold
    (``[cjk] latin_generic``, ``data/categories.toml``), not who makes it.
    """
    if has_digit(tok):
        return False
    folded = fold(tok)
    return folded in _LATIN_GENERIC or any(
        start == 0 and end == len(tok) for start, end, _ in kinds_in(tok, compounds=False)
    )


def _is_model(toks: list[str]) -> bool:
    """Whether Latin tokens are a model code: a code with a digit and its suffixes.

    "X5", "M3 Max", "Z7 Ultra", "S2 mini" (``[cjk] model_suffix``) name the model, which
    belongs to the product's name; a run with any other word ("Nova X5") holds a name.
    """
    return any(has_digit(t) for t in toks) and all(
        has_digit(t) or t in MODEL_SUFFIXES for t in toks
    )


#: What a brief sells, after a verb of selling ("卖手工香皂", "販売する…"): the product when
#: nothing else names one (``data/lexicon.toml`` ``[cjk] product_verb``).
_SOLD_RE = re.compile(
    rf"(?:{'|'.join(LEXICON['cjk']['product_verb'].split())})"
    r"(?P<p>[^\s，。、；;,.!?！？「」『』“”]{2,12})"
)


#: What a maker launches or brings ("推出樱花护手霜", "が発売する…"): the product when the
#: lexicon knows no word of it (``data/lexicon.toml`` ``[cjk] maker_verb``).
_LAUNCHED_RE = re.compile(
    rf"(?:{'|'.join(sorted(LEXICON['cjk']['maker_verb'].split(), key=len, reverse=True))})"
    r"\s*(?P<p>[^\s，。、；;,.!?！？「」『』“”的の]{2,12})"
)


#: A name written right after the product's noun and before a verb of making or an ad word,
#: with no 的 / の between ("外卖App" + "饭来" + "做").
_NAME_THEN_VERB = re.compile(
    rf"\s*(?P<n>[^\s\d{re.escape(''.join(sorted(BREAK)))}A-Za-z]{{2,8}}?)\s*"
    rf"(?:{'|'.join(map(re.escape, PHRASE_ENDS))})"
)


def _name_after_noun(text: str, noun: str) -> str:
    """The brand a Chinese brief juxtaposes after the product's noun, else "".

    "为外卖App饭来做一个广告", "给健身房铁馆拍": the run between the noun and a verb of making
    or an ad word (``[cjk] phrase_end``) names whose noun it is, when it is not itself a
    product word or a word that describes ("新品").
    """
    at = text.find(noun)
    m = _NAME_THEN_VERB.match(text, at + len(noun)) if at >= 0 else None
    if (
        m is None
        or m["n"] in NOT_NAME
        or any(e - b == len(m["n"]) for b, e, _ in kinds_in(m["n"]))  # "茶语" is a name
        or m["n"].startswith(PHRASE_ENDS)
    ):
        return ""
    return m["n"]


def _owner_or_latin_name(
    text: str, language: str, known: tuple[str, str] | None
) -> tuple[str, str]:
    """Chinese and Japanese: the brand is an owner before 的 / の or a name in Latin letters.

    The product is a quoted name after the brand or a product word ("「潮風 2」"), else the
    product word with the words before it and a Latin model code after it ("降噪耳机 M5").
    """
    owner = None if known else _cjk_owner(text, language)
    if owner:
        brand, end = owner
        name = _CJK_NAME_RE.search(text, end)
        if name and (
            name.start() == end
            or any(e == name.start() for _, e, _ in kinds_in(text[: name.start()]))
        ):
            return brand[:80], name["n"].strip()[:80]
        return brand[:80], (
            _noun_phrase(text[end:], language)
            or noun_run(text[end:], language, PHRASE_ENDS)  # a noun the lexicon lacks: "饼干"
            or _noun_phrase(text, language)
            or brand
        )
    brand, model = (known[0], []) if known else ("", [])
    after = _model_after_noun(text, language)
    words = kinds_in(text)
    for m in _LATIN_RUN.finditer(KNOWN_BRAND_RE.sub(" ", text) if known else text):
        if any(b <= m.start() < e for b, e, _ in words):
            continue  # "T恤", "Tシャツ": a letter of a product word, no name
        cut = min((b for b, _, _ in words if m.start() < b < m.end()), default=m.end())
        run = m[0][: cut - m.start()]  # "Nova T恤": the name ends where the product word starts
        toks = [t for t in phrase_tokens(run) if t not in _LATIN_AD_WORDS]  # "CM", "PR"
        if toks and all(_is_latin_generic(t) for t in toks):
            continue  # "记账App", "旗舰Store": what the product or shop is, not who makes it
        if not toks or _is_model(toks) or after and m.start() == after[1]:
            if not (after and m.start() == after[1] and not has_digit(after[0])):
                continue  # "M2 耳机", "降噪耳机 M5": a model, not a brand
        names, rest = _split_name(toks, False, "en")
        if known:  # the brand is named elsewhere: a run with a digit names the model
            model = toks if any(has_digit(t) for t in toks) else []
        else:
            brand, model = " ".join(names or toks), rest if names else []
        break
    word = _noun_phrase(text, language)
    if not brand and word:  # "为外卖App饭来做", "给健身房铁馆拍": a name after the noun
        brand = _name_after_noun(text, word)
    if not brand and (best := best_kind(text, language)):  # "山风户外登山鞋", "星辰数码 M2 耳机"
        brand = lead_brand(text, noun_span(text, best[1] - len(best[2].word), best[1])[0])
    elif not brand and (bare := bare_noun(text)):  # a noun the lexicon lacks: "电饭煲"
        brand = lead_brand(text, noun_span(text, *bare)[0])
    if brand and brand in word:  # "为 Luma App": the product is what follows its maker
        word = word.split(brand, 1)[1].strip() or word
    model = [t for t in model if t not in word]  # "M2 ヘッドホン" has its model already
    word = word or (known[1] if known else "")
    product = join_words([*model, word], cjk=True) if word else " ".join(model)
    return brand[:80].strip(), (product or brand or "product")[:80].strip()


#: Words that end a Korean, Arabic or Hebrew product phrase: "ad", "video", "length", "price",
#: "of", "for", "with" and the like (``data/lexicon.toml`` ``[stopwords]``).
_PHRASE_STOP = {
    lang: frozenset(LEXICON["stopwords"].get(lang, "").split()) for lang in ("ko", "ar", "he")
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
    for m in _LATIN_RUN.finditer(KNOWN_BRAND_RE.sub(" ", text) if known else text):
        toks = [t for t in phrase_tokens(m[0]) if not _AD_NOUN_RE.fullmatch(t)]
        if not toks or all(t.isdigit() for t in toks):
            continue
        names, rest = _split_name(toks, False, "en")
        if known:  # the brand is named elsewhere: a run with a digit names the model
            model = toks if any(has_digit(t) for t in toks) else []
        else:
            brand, model = " ".join(names or toks), rest if names else []
        break
    if not brand:
        brand = own_script_brand(text, language)
        if brand:  # the brand words are not the product's
            lead = "|".join(map(re.escape, " ".join(LEXICON["brand_lead"].values()).split()))
            text = re.sub(rf"(?:(?:{lead})\s+)?{re.escape(brand)}\S*(?:\s+(?:{lead}))?", " ", text)
    best = best_kind(text, language)
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
    lead = LEXICON["brand_lead"]
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
            best_kind(kept[1], language) is not None
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
