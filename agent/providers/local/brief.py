"""Parse a one-line ad brief into a :class:`Brief`: offline, rule-based and deterministic.

The prompt is data. Nothing in it is executed or obeyed: control characters are stripped,
fields are picked out by small multilingual lexicons (English, Spanish, French, German,
Italian, Portuguese) and every field is capped to the limits of :class:`agent.spec.Spec`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

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


class Brief(BaseModel):
    """What a one-line prompt says about the ad.

    Attributes:
        product: what is advertised, e.g. "sneakers" ("product" if nothing was found).
        brand: the brand, e.g. "Nike"; "" if none was found.
        audience: who the ad is for, stated or inferred ("everyday customers" by default).
        mood: one normalised English mood word: energetic, calm, luxurious, playful,
            emotional, bold, minimal or warm.
        style_words: other style adjectives, normalised to English ("cinematic", "retro").
        duration_s: the length the prompt names, seconds, as written (not clamped to the
            6-60 s range); None if it names none.
        language: ISO 639-1 guess of the prompt's language, "en" by default.
    """

    model_config = ConfigDict(frozen=True)

    product: str = Field(min_length=1, max_length=120)
    brand: str = Field(default="", max_length=80)
    audience: str = Field(min_length=1, max_length=200)
    mood: str = Field(min_length=1, max_length=80)
    style_words: list[str] = Field(default_factory=list, max_length=8)
    duration_s: float | None = None
    language: str = Field(default="en", pattern=r"^[a-z]{2}$")


@dataclass(frozen=True)
class Category:
    """A product category, found from keywords in six languages.

    Attributes:
        name: short id ("footwear"); the planner keys its stock copy on it.
        audience: default audience; mood: default mood when the prompt names none.
        solves: whether the product fixes a problem (problem/agitation/before-after beats).
        cta: kind of call to action: shop, visit, try, book or drive.
        keywords: casefolded, accent-free words; "_" joins the words of a phrase.
    """

    name: str
    audience: str
    mood: str
    solves: bool
    cta: str
    keywords: str = ""


CATEGORIES: tuple[Category, ...] = (
    Category(
        "security",
        "IT and security leaders",
        "bold",
        True,
        "try",
        "cybersecurity security antivirus vpn firewall ciberseguridad seguridad "
        "cybersecurite securite sicherheit cybersicherheit sicurezza seguranca",
    ),
    Category(
        "software",
        "busy teams and business leaders",
        "minimal",
        True,
        "try",
        "software saas app platform crm cloud dashboard analytics startup aplicacion "
        "plataforma logiciel application plateforme anwendung plattform applicazione "
        "piattaforma aplicativo",
    ),
    Category(
        "skincare",
        "skincare-conscious adults",
        "calm",
        True,
        "shop",
        "skincare skin serum cream moisturizer moisturiser lotion makeup lipstick shampoo "
        "cosmetic crema piel maquillaje hidratante creme soin peau maquillage hautpflege "
        "pelle trucco pele maquiagem",
    ),
    Category(
        "cleaning",
        "busy households",
        "playful",
        True,
        "shop",
        "cleaner cleaning detergent vacuum mop soap dishwasher laundry stain limpieza "
        "limpiador detergente aspiradora nettoyant lessive menage aspirateur reiniger "
        "waschmittel putzmittel staubsauger detersivo pulizia limpeza",
    ),
    Category(
        "finance",
        "people planning their future",
        "calm",
        True,
        "try",
        "bank banking insurance loan mortgage credit_card investing investment fintech "
        "savings banco seguro prestamo banque assurance pret versicherung kredit banca "
        "assicurazione prestito emprestimo",
    ),
    Category(
        "coffee",
        "busy coffee lovers",
        "warm",
        False,
        "visit",
        "coffee espresso latte cappuccino cafe kaffee caffe",
    ),
    Category(
        "beverage",
        "health-minded shoppers",
        "playful",
        False,
        "shop",
        "milk oat_milk juice soda water beer wine tea smoothie drink kombucha leche zumo "
        "jugo cerveza vino bebida lait jus biere vin boisson milch saft bier wein getrank "
        "succo birra bevanda leite suco cerveja vinho",
    ),
    Category(
        "food",
        "local food lovers",
        "warm",
        False,
        "visit",
        "bread sourdough bakery pizza burger cake pastry chocolate snack cookie restaurant "
        "croissant pasta sandwich panaderia pastel boulangerie gateau patisserie brot "
        "backerei kuchen pane panetteria torta pao padaria bolo",
    ),
    Category(
        "footwear",
        "young urban runners",
        "energetic",
        False,
        "shop",
        "sneaker shoe trainer running_shoe boot zapatilla zapato tenis chaussure baskets "
        "schuh schuhe turnschuh turnschuhe laufschuh laufschuhe scarpa scarpe sapato",
    ),
    Category(
        "apparel",
        "style-conscious shoppers",
        "bold",
        False,
        "shop",
        "jacket hoodie t-shirt tshirt shirt dress jeans clothing apparel fashion legging "
        "sweater coat chaqueta ropa vestido camiseta veste robe vetement jacke kleid "
        "kleidung giacca vestito abbigliamento roupa jaqueta",
    ),
    Category(
        "luxury",
        "discerning shoppers",
        "luxurious",
        False,
        "shop",
        "perfume fragrance cologne watch jewelry jewellery ring necklace handbag parfum "
        "reloj joya montre bijou uhr schmuck orologio gioiello relogio joia",
    ),
    Category(
        "car",
        "modern drivers",
        "bold",
        False,
        "drive",
        "car suv truck ev sedan vehicle electric_car coche auto carro voiture wagen "
        "automobile macchina",
    ),
    Category(
        "tech",
        "tech enthusiasts",
        "minimal",
        False,
        "shop",
        "phone smartphone laptop headphone earbud camera tablet speaker gadget smartwatch "
        "console computer movil telefono portatil auricular telephone ordinateur casque "
        "handy kopfhorer cuffie celular fone",
    ),
    Category(
        "fitness",
        "active people chasing goals",
        "energetic",
        False,
        "shop",
        "gym fitness workout protein yoga bike bicycle treadmill gimnasio entrenamiento "
        "musculation fitnessstudio palestra allenamento academia treino",
    ),
    Category(
        "home",
        "homeowners who love comfort",
        "calm",
        False,
        "shop",
        "sofa chair furniture mattress bed lamp kitchen candle pillow mueble colchon lampara "
        "vela meuble canape matelas bougie mobel matratze kerze kerzen mobili divano "
        "materasso candela moveis colchao",
    ),
    Category(
        "travel",
        "travellers seeking their next escape",
        "emotional",
        False,
        "book",
        "hotel travel resort airline flight trip vacation holiday cruise viaje vacaciones "
        "vuelo voyage vacances reise urlaub flug viaggio vacanza volo viagem ferias voo",
    ),
    Category(
        "pets",
        "pet parents",
        "playful",
        False,
        "shop",
        "dog cat pet puppy kitten perro gato mascota chien chiot hund katze haustier cane "
        "gatto cucciolo cao cachorro",
    ),
    Category(
        "toys",
        "families and kids at heart",
        "playful",
        False,
        "shop",
        "toy game videogame puzzle juguete juego jouet jeu spielzeug spiel giocattolo gioco "
        "brinquedo jogo",
    ),
)

#: The category used when nothing matches.
GENERIC = Category("generic", "everyday customers", "energetic", False, "shop")
_CATEGORY_BY_NAME = {c.name: c for c in (*CATEGORIES, GENERIC)}

#: Known brands by folded name: (name, default product, category).
_BRANDS: dict[str, tuple[str, ...]] = {
    fold(b[0]): b
    for b in (
        tuple(x.replace("_", " ").split(":"))
        for x in (
            "Nike:sneakers:footwear Adidas:sneakers:footwear Puma:sneakers:footwear "
            "Reebok:sneakers:footwear New_Balance:sneakers:footwear Asics:running_shoes:footwear "
            "Converse:sneakers:footwear Apple:iPhone:tech Samsung:smartphone:tech "
            "Google:Pixel_phone:tech "
            "Sony:headphones:tech Bose:headphones:tech Tesla:electric_car:car BMW:car:car "
            "Audi:car:car "
            "Mercedes-Benz:car:car Mercedes:car:car Toyota:car:car Volkswagen:car:car "
            "Ford:truck:car "
            "Porsche:sports_car:car Coca-Cola:soda:beverage Pepsi:soda:beverage "
            "Oatly:oat_milk:beverage "
            "Red_Bull:energy_drink:beverage Heineken:beer:beverage Starbucks:coffee:coffee "
            "Nespresso:coffee:coffee McDonald's:burger:food Rolex:watch:luxury "
            "Chanel:perfume:luxury "
            "Dior:perfume:luxury Gucci:handbag:luxury Louis_Vuitton:handbag:luxury "
            "IKEA:furniture:home "
            "Cartier:jewellery:luxury L'Oréal:skincare:skincare L'Oreal:skincare:skincare "
            "Nivea:skin_cream:skincare LEGO:building_sets:toys Nintendo:game_console:toys "
            "Spotify:music_app:software Airbnb:stays:travel Patagonia:jacket:apparel "
            "Zara:fashion:apparel "
            "Uniqlo:clothing:apparel Levi's:jeans:apparel Lululemon:leggings:apparel "
            "Peloton:bike:fitness "
            "Microsoft:software:software Salesforce:CRM:software "
            "CrowdStrike:security_platform:security"
        ).split()
    )
}
_BRAND_RE = re.compile(
    r"(?<![\w'])("
    + "|".join(re.escape(b[0]) for b in sorted(_BRANDS.values(), key=lambda b: -len(b[0])))
    + r")(?![\w'])",
    re.IGNORECASE,
)

#: Mood stems (casefolded, accent-free) → mood. A stem matches a word that starts with it;
#: a stem ending in "=" must match the whole word.
_MOOD_STEMS: dict[str, str] = {
    "energetic": "energ dynam dinam upbeat hype= hyped punchy fast= faster sporty intens adrenal "
    "explosiv schwungvoll vivace",
    "calm": "calm tranquil seren peace paisib sooth relax relaj apais entspann gelassen ruhig "
    "zen= chill= chilled gentle= rilass",
    "luxurious": "luxur luxe luxus luxue luxuo lujo lujos luss premium eleg opulen upscale "
    "high-end sophistic sofistic edel=",
    "playful": "playful fun= funny whims quirk cheer joyful joyeu alegr allegr divert amus ludi "
    "verspielt lustig frohlich giocos brincalh humor cute",
    "emotional": "emot emoc emoz heartfelt heartwarm touching touchant conmov commov bewegend "
    "beruhr nostalg inspiring inspiration inspirad inspirant inspirier ispira "
    "sentiment",
    "bold": "bold audac audaz atrevid ousad mutig kuhn edgy fierce dramat powerful potent puissan "
    "kraftv epic episch gritty",
    "minimal": "minimal sleek schlicht epure",
    "warm": "warm cozy cosy calid acoged chaleur gemutl herzlich accogl aconcheg acolhed rustic "
    "homely inviting",
}
#: Style stems → normalised English style word, as "stem:word".
_STYLE_STEMS: dict[str, str] = dict(
    pair.split(":")
    for pair in (
        "cinema:cinematic filmisch:cinematic retro:retro vintage:vintage modern:modern "
        "futuris:futuristic neon:neon pastel:pastel grainy:grainy documenta:documentary "
        "dokumentar:documentary handheld:handheld slow-mo:slow-motion slowmo:slow-motion "
        "animat:animated animad:animated cartoon:cartoon 3d=:3D dark=:dark moody:moody oscur:dark "
        "sombre:dark dunkel:dark scur:dark colorful:colourful colourful:colourful "
        "colorid:colourful colore:colourful bunt:colourful colorat:colourful natural:natural "
        "organic:natural urban:urban urbain:urban dreamy:dreamy ethereal:dreamy surreal:surreal "
        "vibrant:vibrant gritty:gritty"
    ).split()
)

_LANG_STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "the a an and for with of to in on my our your is ad create make style "
        "seconds second commercial video please".split()
    ),
    "es": frozenset(
        "el la los las un una y para con de del en mi nuestro nuestra es crea "
        "crear anuncio segundos estilo que por".split()
    ),
    "fr": frozenset(
        "le la les un une et pour avec de des du en mon ma notre est cree creer "
        "creez publicite secondes style qui sur pub".split()
    ),
    "de": frozenset(
        "der die das den dem ein eine einen und fur mit von zu im ist erstelle "
        "erstellen werbung werbespot sekunden stil meine unser unsere".split()
    ),
    "it": frozenset(
        "il lo la gli le un una uno e per con di del della in mio mia nostro "
        "nostra crea creare pubblicita annuncio secondi stile che".split()
    ),
    "pt": frozenset(
        "o a os as um uma e para com de do da dos das em meu minha nosso nossa "
        "crie criar anuncio segundos estilo que".split()
    ),
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
_MINUTE_WORDS = {
    w: 2 if w in ("two", "dos", "deux", "zwei", "due", "dois") else 1
    for w in ("a an one un una uno une um uma ein eine einer two dos deux zwei due dois").split()
}
_NUM = r"\d{1,3}(?:[.,]\d{1,2})?"
_SEC_UNIT = (
    r"seconds?|secs?|sec\.|segundos?|segs?|secondes?|sekunden|sekunde|sek\.?|"
    r"secondi|secondo|s"
)
_MIN_UNIT = r"minutes?|mins?|minutos?|minuten|minuti|minuto|min\."


def _alternatives(d: dict[str, int]) -> str:
    return "|".join(re.escape(w) for w in sorted(d, key=len, reverse=True))


_DURATION_RE = re.compile(
    r"(?:\b(?:de|di|da|von|of|en|in)\s+)?(?<![\w'’.,])"
    rf"(?:(?P<snum>{_NUM}|{_alternatives(_SECOND_WORDS)})\s*[-–]?\s*(?P<sunit>{_SEC_UNIT})"
    rf"|(?P<mnum>{_NUM}|{_alternatives(_MINUTE_WORDS)})\s*[-–]?\s*(?:{_MIN_UNIT})"
    r"|half[- ](?:a[- ])?minute)(?![\w])",
    re.IGNORECASE,
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
    r"annunci|anúncios?|propagandas?|vídeos?"
)
_FOR = (
    r"for|about|promoting|showcasing|featuring|of|para|sobre|de|pour|sur|des|du|für|über|"
    r"zu|per|di|do|da"
)
_CLAUSE = r"[^,.;:!?()\[\]{}\n\"“”«»]"
_AD_FOR_RE = re.compile(
    rf"\b(?:{_AD_NOUNS})(?:\s+\w+){{0,2}}?\s+(?:{_FOR})\s+(?P<x>{_CLAUSE}+)", re.IGNORECASE
)
_X_AD_RE = re.compile(rf"(?P<x>{_CLAUSE}+?)\s+(?:{_AD_NOUNS})\b", re.IGNORECASE)
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
    "nello stile che com em".split()
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


def _language(text: str) -> str:
    """Guess the ISO 639-1 language: by script, else by stopwords (en/es/fr/de/it/pt)."""
    letters = [ch for ch in text if ch.isalpha()]
    for prefix, lang in _SCRIPTS:
        hits = sum(1 for ch in letters if unicodedata.name(ch, "").startswith(prefix))
        if letters and hits / len(letters) > 0.3:
            kana = any(unicodedata.name(ch, "").startswith(("HIRA", "KATA")) for ch in letters)
            return "ja" if lang == "zh" and kana else lang
    words = _words(text)
    scores = {lang: sum(w in stop for w in words) for lang, stop in _LANG_STOPWORDS.items()}
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
    toks = (_ELISION.sub("", raw.strip("'\"’‘`*_-–—/\\|<>#~^=+")) for raw in phrase.split())
    return [t for t in toks if re.search(r"[^\W_]", t)]


def _is(tok: str, words: frozenset[str]) -> bool:
    """Whether a token is one of ``words``, a mood word or a style word."""
    word = fold(tok)
    return word in words or _stem_lookup(word, _DESCRIPTIVE) is not None


def _trim(toks: list[str], at_most: int) -> list[str]:
    """Drop leading filler and an owner ("my bakery's"), stop at a connector or style word."""
    while toks and (
        _is(toks[0], _FILLER)
        or len(toks) > 1
        and toks[0][0].islower()
        and re.search(r"['’]s$", toks[0])
    ):
        toks = toks[1:]
    end = next((i for i, t in enumerate(toks) if _is(t, _STOP)), len(toks))
    return toks[:end][:at_most]


def _product_phrase(text: str) -> tuple[list[str], bool]:
    """Tokens naming the product, and whether they start the prompt."""
    m = _AD_FOR_RE.search(text)  # "an ad for X"
    if m and (toks := _trim(_phrase_tokens(m.group("x")), 6)):
        return toks, False
    for m in _X_AD_RE.finditer(text):  # "a X ad"
        toks = _phrase_tokens(m.group("x"))
        start = len(toks)
        while start > 0 and not _is(toks[start - 1], _FILLER | _STOP):
            start -= 1
        if start < len(toks):
            return toks[max(start, len(toks) - 5) :], start == 0 and m.start("x") == 0
    for i, m in enumerate(re.finditer(f"{_CLAUSE}+", text)):  # a bare "oat milk", "X, Y hoodie"
        toks = _trim(_phrase_tokens(m[0]), 4)
        if toks and (i == 0 and len(toks) <= 3 or _category_in(" ".join(toks))):
            return toks, True
    return [], False


def _category_in(text: str) -> Category | None:
    words = _words(text)
    joined = " " + " ".join(words) + " "
    for cat in CATEGORIES:
        for kw in (k.replace("_", " ") for k in cat.keywords.split()):
            plurals = (kw + "s", kw + "es") if len(kw) >= 4 else (kw + "s",)
            if " " in kw and f" {kw} " in joined or any(w == kw or w in plurals for w in words):
                return cat
    return None


def product_category(product: str, brand: str = "", prompt: str = "") -> Category:
    """The category of a product: from its name, else its brand ("" for none), else the prompt.

    Returns :data:`GENERIC` when nothing matches.
    """
    found = _category_in(product)
    if found:
        return found
    if fold(brand) in _BRANDS:
        return _CATEGORY_BY_NAME[_BRANDS[fold(brand)][2]]
    return _category_in(prompt) or GENERIC


def _brand_and_product(text: str, language: str) -> tuple[str, str]:
    toks, at_start = _product_phrase(text)
    known = next((_BRANDS[fold(m[1])] for m in _BRAND_RE.finditer(text) if m[1][0].isupper()), None)
    brand = known[0] if known else ""
    if known:
        toks = _phrase_tokens(_BRAND_RE.sub(" ", " ".join(toks)))
    elif len(toks) >= 2 and language != "de":
        lower_rest = any(t[:1].islower() for t in toks[1:])
        if toks[0].istitle() and lower_rest and not at_start and not _category_in(toks[0]):
            brand, toks = toks[0], toks[1:]
        elif (
            language in ("es", "fr", "it", "pt")
            and toks[-1].istitle()
            and (at_start or toks[0][:1].islower())
        ):
            brand, toks = toks[-1], toks[:-1]
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
    if not product:
        product = known[1] if known else "product"
    return brand[:80].strip(), product[:80].strip()


def _audience(text: str, category: Category) -> str:
    m = _AUDIENCE_RE.search(text)
    if m:
        words = _phrase_tokens(m.group("a"))
        while len(words) > 1 and fold(words[0]) in _FILLER:
            words.pop(0)
        if words:
            return " ".join(words)[:200]
    return category.audience


def parse_brief(prompt: str) -> Brief:
    """Read a one-line ad prompt: product, brand, audience, mood, style, length, language.

    The prompt is treated as data only; nothing in it is followed.

    Args:
        prompt: e.g. "Create a 30-second Nike sneaker ad, energetic style", in English,
            Spanish, French, German, Italian or Portuguese (other languages: best effort).

    Returns:
        The :class:`Brief`, every field within the limits of :class:`agent.spec.Spec`.
    """
    text = clean_prompt(prompt)
    language = _language(text)
    duration_s = requested_duration_s(text)
    stripped = _DURATION_RE.sub(" ", text)
    brand, product = _brand_and_product(stripped, language)
    category = product_category(product, brand, stripped)
    words = _words(stripped)
    mood = next((m for m in (_stem_lookup(w, _MOOD_LOOKUP) for w in words) if m), category.mood)
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
        audience=_audience(stripped, category),
        mood=mood,
        style_words=styles[:8],
        duration_s=duration_s,
        language=language,
    )
