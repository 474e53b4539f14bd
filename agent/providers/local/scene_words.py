"""The multilingual lexicon of the scene words the storyboard draws from: place, time, weather.

The brief reader uses it too: a whole scene word is never a brand ("夕焼けの海辺").

Product words live in one place for the whole planner and storyboard,
``agent/providers/local/data/categories.toml`` (read through
:func:`agent.providers.local.brief.archetype_of`).

Words are matched on a folded form of the text (casefolded, accents removed: "Kopfhörer" ->
"kopfhorer", "rouge à lèvres" -> "rouge_a_levres"), whole words only, with common plural and
inflection endings ("streets", "Schuhe", "zapatillas") and German compounds; keys written in
Chinese, Japanese, Korean, Arabic or Hebrew are matched as substrings, since those scripts write
no spaces or join particles and prefixes to their words.

Languages: English, Spanish, French, German, Italian and Portuguese throughout, with Chinese,
Japanese, Korean, Arabic and Hebrew for the common words. The lists are data: a new word is a
new entry, not new code.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

#: Scene places -> words that name them.
PLACE_WORDS: dict[str, str] = {
    "beach": "해변 바닷가 חוף شاطئ بحر beach seaside shore shoreline coast ocean sea surf waves "
    "playa costa "
    "mar orilla "
    "plage mer cote bord_de_mer strand meer kuste spiaggia mare praia 海滩 沙滩 海边 ビーチ 海辺",
    "mountains": "산맥 설산 등산 הרים جبال جبل mountain alps alpine peak summit ridge glacier "
    "trail "
    "hike hiking "
    "montana "
    "sierra cumbre montagne sommet alpes berg gebirge gipfel alpen montagna vetta montanha "
    "山 山峰 雪山 山頂 登山",
    "city": "도시 거리 مدينة شارع city street downtown urban skyline avenue boulevard sidewalk "
    "rooftop "
    "metropolis "
    "ciudad calle urbano avenida ville rue urbain trottoir stadt strasse innenstadt grossstadt "
    "citta strada cidade rua 城市 街道 都市 街",
    "forest": "숲 יער غابة forest woods woodland jungle rainforest pine_trees bosque selva "
    "arboles foret "
    "bois jungle wald walder dschungel foresta bosco floresta 森林 树林 森",
    "desert": "사막 מדבר صحراء desert dune sand_dunes sahara canyon desierto duna desert dune "
    "wuste dune "
    "deserto 沙漠 砂漠",
    "countryside": "field meadow park countryside farm garden hills lawn vineyard orchard grove "
    "olive_grove plantation ranch pasture farmland campo prado parque jardin granja huerto "
    "olivar vinedo finca champ prairie campagne parc jardin ferme verger oliveraie vignoble "
    "feld wiese garten bauernhof obstgarten olivenhain weinberg prato giardino frutteto "
    "uliveto vigneto pomar olival vinha fazenda 公园 田野 草地 果园 农场 公園 草原 果樹園 畑",
    "waterside": "강변 호숫가 호수 נהר אגם نهر بحيرة waterside river riverside riverbank lake "
    "lakeside lakeshore harbour harbor harbourside harborside seaport marina pier jetty quay "
    "canal waterfront rio ribera orilla_del_rio lago puerto muelle riviere fleuve lac quai "
    "fluss flussufer seeufer hafen kanal fiume lungolago porto molo canale cais "
    "河边 河畔 湖边 湖畔 江边 港口 码头 川辺 桟橋",
    "road": "road highway freeway motorway open_road carretera autopista route autoroute "
    "landstrasse autobahn strada autostrada estrada rodovia 公路 高速 道路",
    "kitchen": "주방 부엌 מטבח مطبخ kitchen countertop cooking cocina cuisine kuche cucina cozinha "
    "厨房 "
    "キッチン 台所",
    "office": "사무실 משרד office workspace workplace coworking meeting_room boardroom oficina "
    "despacho "
    "bureau buro ufficio escritorio 办公室 オフィス",
    "gym": "헬스장 체육관 gym fitness workout weights training gimnasio entrenamiento "
    "salle_de_sport "
    "musculation fitnessstudio training palestra academia 健身房 健身 ジム",
    "stadium": "stadium arena pitch court estadio cancha stade terrain stadion "
    "spielfeld stadio estadio 体育场 球场 スタジアム",
    "studio": "studio white_background cyclorama packshot estudio "
    "fondo_blanco fond_blanc weisser_hintergrund sfondo_bianco fundo_branco 摄影棚 白背景 スタジオ",
    "home": "home window indoors interior living_room bedroom lounge apartment sofa couch casa "
    "salon sala hogar "
    "dormitorio maison chambre appartement wohnzimmer zuhause wohnung schlafzimmer "
    "soggiorno 家里 客厅 卧室 リビング 部屋",
}

#: Times of day -> words that name them.
TIME_WORDS: dict[str, str] = {
    "dawn": "새벽 일출 זריחה فجر dawn sunrise daybreak first_light early_morning amanecer alba "
    "madrugada aube "
    "aurore lever_du_soleil morgengrauen sonnenaufgang fruhmorgens tagesanbruch "
    "nascer_do_sol 黎明 日出 清晨 夜明け 朝焼け 早朝",
    "day": "noon midday daylight daytime afternoon morning sunny blue_sky mediodia soleado "
    "tarde midi journee ensoleille apres-midi matin mittag mittags sonnig nachmittag "
    "vormittag mezzogiorno soleggiato pomeriggio meio-dia ensolarado 中午 白天 晴天 昼 晴れ",
    "golden": "golden_hour magic_hour late_afternoon hora_dorada heure_doree goldene_stunde "
    "ora_d'oro hora_dourada 黄金时刻 ゴールデンアワー",
    "sunset": "일몰 노을 석양 שקיעה غروب sunset sundown dusk twilight evening atardecer "
    "puesta_de_sol "
    "ocaso anochecer "
    "coucher_de_soleil coucher_du_soleil crepuscule soir soiree sonnenuntergang abend "
    "abenddammerung dammerung "
    "tramonto por_do_sol entardecer 日落 黄昏 夕阳 傍晚 夕日 夕焼け 夕方",
    "night": "야경 밤거리 밤에 לילה ليل ليلة night midnight nighttime moonlight moonlit starry "
    "after_dark neon noche "
    "nocturno medianoche nuit nocturne minuit nacht nachts mitternacht notte notturno noite "
    "夜 夜晚 晚上 夜景",
}

#: Weather -> words that name it.
WEATHER_WORDS: dict[str, str] = {
    "rain": "빗속 비오는 גשם مطر rain rainy raining rain-slick wet storm stormy drizzle downpour "
    "puddle lluvia "
    "lluvioso tormenta llovizna pluie pluvieux orage averse regen regnerisch gewitter nass "
    "pioggia piovoso temporale chuva chuvoso 雨 下雨 暴雨",
    "snow": "설경 눈밭 눈이 שלג ثلج snow snowy snowfall snowing snowstorm snow_storm blizzard "
    "winter_wonderland schneesturm tormenta_de_nieve tempete_de_neige bufera_di_neve nevasca "
    "nieve "
    "nevado nevando "
    "invierno neige enneige hiver schnee verschneit schneefall neve nevoso inverno 雪 下雪 冬",
    "fog": "안개 ערפל ضباب fog foggy mist misty haze hazy niebla neblina bruma brouillard brume "
    "nebel "
    "neblig dunst nebbia foschia nevoa 雾 霧 もや",
}

#: Words that make a scene word a colour name ("forest green", "midnight navy", "snow white").
_COLOUR_WORDS = frozenset(
    "navy blue green red orange pink gold golden yellow white black grey gray beige brown "
    "purple violet teal tan cream ivory azul verde rojo naranja rosa dorado blanco negro gris "
    "bleu vert rouge rose dore blanc noir blau grun rot gelb weiss schwarz grau rosso giallo "
    "bianco nero azzurro branco preto".split()
)
#: Inflection endings tried on a word before looking it up ("streets", "zapatillas", "Schuhe").
_ENDINGS = ("", "s", "es", "e", "en", "n")
#: Scripts whose keys match as substrings: Chinese and Japanese write no spaces, Arabic and
#: Hebrew join prefixes to their words ("لعطر", for perfume; "בחוף", on the beach), Korean
#: joins particles ("해변에서", at the beach).
_SUBSTRING_SCRIPTS = re.compile(r"[\u0590-\u06ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def fold(text: str) -> str:
    """Casefold ``text`` and drop accents ("Kopfhörer" -> "kopfhorer"); other scripts stay."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("ß", "ss")


class _Index(NamedTuple):
    """A table's keys, ready for :func:`find`."""

    #: Folded word sequences -> name.
    phrases: dict[tuple[str, ...], str]
    #: Every proper leading part of a phrase of two words or more.
    openings: frozenset[tuple[str, ...]]
    #: Substring keys (Chinese, Japanese, Korean, Arabic, Hebrew) -> name.
    by_substring: dict[str, str]


@lru_cache(maxsize=8)
def _index(table: tuple[tuple[str, str], ...]) -> _Index:
    """The keys of ``table`` (name -> words), indexed.

    In the tables "_" joins the words of a phrase ("lip_balm"); a hyphen is a phrase too.
    """
    phrases: dict[tuple[str, ...], str] = {}
    by_substring: dict[str, str] = {}
    for name, words in table:
        for word in words.split():
            if _SUBSTRING_SCRIPTS.search(word):
                by_substring.setdefault(word, name)
            else:
                phrases.setdefault(
                    tuple(fold(word).replace("_", " ").replace("-", " ").split()), name
                )
    openings = frozenset(key[:k] for key in phrases for k in range(1, len(key)))
    return _Index(phrases, openings, by_substring)


def _stems(word: str) -> list[str]:
    """``word`` and what is left of it without each of :data:`_ENDINGS` (2 letters or more)."""
    return [
        word[: len(word) - len(end)]
        for end in _ENDINGS
        if word.endswith(end) and len(word) - len(end) >= 2
    ]


def _phrase_at(words: list[str], index: _Index) -> str | None:
    """The name of the key that ``words`` spells, all of them, endings allowed on every word.

    Every word may carry an ending, not just the last ("zur goldenen Stunde" is
    "goldene_stunde"); a word's stems are tried only where they open some key, so a phrase
    costs a few lookups, not every combination of endings.
    """
    spellings: list[tuple[str, ...]] = [()]
    for k, word in enumerate(words):
        last = k == len(words) - 1
        spellings = [
            (*head, stem)
            for head in spellings
            for stem in _stems(word)
            if last or (*head, stem) in index.openings
        ]
    for spelling in spellings:
        name = index.phrases.get(spelling)
        if name is not None:
            return name
    return None


def _tokens(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", fold(text).replace("-", " "))


def _compound(token: str, phrases: dict[tuple[str, ...], str]) -> tuple[int, str] | None:
    """A one-word key of 5 letters or more that ``token`` starts or ends with.

    German and Dutch write compounds as one word ("Schneelandschaft", "Laufschuhe"); the
    longest key found wins.
    """
    best: tuple[int, str] | None = None
    for end in _ENDINGS:
        if end and not token.endswith(end):
            continue
        stem = token[: len(token) - len(end)] if end else token
        for cut in range(5, len(stem) - 2):
            for part in (stem[:cut], stem[-cut:]):
                name = phrases.get((part,))
                if name is not None and (best is None or cut > best[0]):
                    best = (cut, name)
    return (1, best[1]) if best else None


def find(text: str, table: dict[str, str]) -> list[tuple[int, int, str]]:
    """Every name of ``table`` that ``text`` mentions, as (position, key length, name).

    Args:
        text: any text, any language.
        table: name -> space-separated words (one of this module's tables).

    Returns:
        (position, length, name) in the order they occur: position counts words, then
        characters (after the last word) for substring keys; length is the key's words or
        characters. A scene word followed by a colour word ("forest green", "midnight navy")
        is a colour and not counted.
    """
    index = _index(tuple(table.items()))
    toks = _tokens(text)
    hits: list[tuple[int, int, str]] = []
    i = 0
    while i < len(toks):
        found = None
        for n in (3, 2, 1):
            name = _phrase_at(toks[i : i + n], index) if i + n <= len(toks) else None
            if name is not None:
                found = (n, name)
                break
        if not found:
            found = _compound(toks[i], index.phrases)
        if found:
            n, name = found
            nxt = toks[i + n] if i + n < len(toks) else ""
            if nxt not in _COLOUR_WORDS:
                hits.append((i, n, name))
            i += n
        else:
            i += 1
    for key, name in index.by_substring.items():
        at = text.find(key)
        if at >= 0:
            hits.append((len(toks) + at, len(key), name))
    return sorted(hits)
