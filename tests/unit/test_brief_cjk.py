"""Chinese and Japanese briefs keep brand, product, price, tagline, length and frame (issue 14).

Written for this file, not taken from any held-out set: each brief says its facts in one of
the ways a Chinese or Japanese writer does (a labelled field, a name before a brand label, an
owner before 的 / の, a Latin name, a quoted name, a model code after the noun), and the
Latin-script briefs check that a place of origin is never read as the brand.
"""

from __future__ import annotations

import pytest

from agent.providers.local.brief import parse_brief

#: Chinese and Japanese briefs: (brief, brand, product).
CJK_NAMES = [
    ("为咖啡品牌「晨光」制作一条30秒广告，产品是冷萃咖啡，价格25元", "晨光", "冷萃咖啡"),
    ("我们的品牌叫山月，卖手工香皂，15秒", "山月", "手工香皂"),
    ("品牌：青禾，产品：有机燕麦奶，售价¥19.9", "青禾", "有机燕麦奶"),
    ("帮我给“极光”品牌的X3智能手表做个竖版广告，仅售899元", "极光", "X3"),
    ("推广 Nova 的新款蓝牙音箱 S2，活力风格，竖屏", "Nova", "S2"),
    ("Aurora 降噪耳机 M5，15秒，正方形，结尾「安静由你」", "Aurora", "M5"),
    ("北辰电器空气净化器广告，30 秒，竖屏，限时价 1299 元", "北辰电器", "空气净化器"),
    ("来自意大利的皮靴广告", "", "皮靴"),
    ("ブランド名：ハルカ、商品：保湿クリーム、30秒", "ハルカ", "保湿クリーム"),
    (
        "有機抹茶ラテの広告を作って、30秒、ブランドはミドリ堂、価格は税込540円",
        "ミドリ堂",
        "有機抹茶ラテ",
    ),
    ("KAZEブランドのワイヤレスイヤホン X1 の30秒広告を作って", "KAZE", "X1"),
    ("新発売の「ルミナ」美容液の広告、15秒、縦型", "ルミナ", "美容液"),
    ("アオイ化粧品から新しい日焼け止めが登場、税込1,650円", "アオイ化粧品", "日焼け止め"),
    (
        "北斗自転車の電動アシスト自転車 E-Bike 5 の広告",
        "北斗自転車",
        "E-Bike 5",
    ),
    ("花城の新しい香水「夜想」の広告", "花城", "夜想"),
    ("イタリア製の革靴の広告、15秒", "", "革靴"),
    ("制作一个关于云朵牌羽绒服的竖屏广告，限时特价599元", "云朵", "羽绒服"),
    ("帮“山野”户外的冲锋衣 Trail Pro 做个30秒横屏广告", "山野户外", "Trail Pro"),
    ("Hikariのデスクランプ「Luna」、縦型15秒、税込4,980円", "Hikari", "Luna"),
    ("リュック「Tabi 25」のCM、15秒、価格は¥8,800（税込）", "", "Tabi 25"),
    ("我想为我的面包店「麦香坊」做一个广告", "麦香坊", "面包店"),
    ("请帮我制作一则关于青柠品牌气泡水的宣传视频，15秒", "青柠", "气泡水"),
    ("暖阳推出的全新电热毯，30秒广告，温馨风格，¥299", "暖阳", "电热毯"),
    ("ルミエールが贈る新作リップ「ローズ」の15秒CM、縦型", "ルミエール", "ローズ"),
    ("ミナミ製菓の新商品「とろけるプリン」の広告、30秒", "ミナミ製菓", "とろけるプリン"),
    ("ソラ社のワイヤレスヘッドホン「SORA ONE」を紹介する20秒広告", "ソラ社", "SORA ONE"),
    ("花王より新発売のシャンプー、15秒広告", "花王", "シャンプー"),
    ("イタリアから届いたオリーブオイルの広告", "", "オリーブオイル"),
]


@pytest.mark.parametrize(
    ("text", "price", "tagline", "duration_s", "aspect"),
    [
        (
            "为LUMA的无线耳机做一个15秒竖屏广告，售价¥399，口号「听见自由」",
            "售价¥399",
            "听见自由",
            15.0,
            "9:16",
        ),
        (
            "给Zenith Audio的头戴式耳机做30 秒广告，结尾写「Hear more.」",
            "",
            "Hear more.",
            30.0,
            None,
        ),
        ("帮我给“极光”品牌的X3智能手表做个竖版广告，仅售899元", "仅售899元", "", None, "9:16"),
        ("Aurora 降噪耳机 M5，15秒，正方形，结尾「安静由你」", "", "安静由你", 15.0, "1:1"),
        (
            "ミナトの腕時計「潮風 2」の15秒広告、縦型、税込19,800円、"
            "キャッチコピーは「時を、まとう。」",
            "19,800円",
            "時を、まとう。",
            15.0,
            "9:16",
        ),
        (
            "KAZEのイヤホン、価格は¥12,800。スローガン『音を、自由に。』",
            "¥12,800",
            "音を、自由に。",
            None,
            None,
        ),
        (
            "SORAのランニングシューズ、縦型の15秒動画、2980円、「走れ、もっと遠くへ」",
            "2980円",
            "走れ、もっと遠くへ",
            15.0,
            "9:16",
        ),
    ],
)
def test_cjk_facts(
    text: str, price: str, tagline: str, duration_s: float | None, aspect: str | None
) -> None:
    brief = parse_brief(text)
    assert (brief.facts.price, brief.facts.tagline) == (price, tagline)
    assert (brief.duration_s, brief.aspect) == (duration_s, aspect)


#: Latin-script briefs that name where the product comes from: (brief, brand, product).
ORIGINS = [
    ("Leather boots from Italy, 30 seconds, warm style", "", "leather boots"),
    ("A 15-second ad for olive oil from Spain", "", "olive oil"),
    ("Coffee beans from Colombia, 15s, square", "", "coffee beans"),
    (
        "Handmade leather bags made in Portugal by Casa Serra, $249",
        "Casa Serra",
        "Handmade leather bags",
    ),
    ("A vertical ad for Nordic Wool sweaters from Norway, now $89", "Nordic Wool", "sweaters"),
    ("Swiss chocolate from Zurich by Alpenglanz", "Alpenglanz", "Swiss chocolate"),
    (
        "Botas de cuero hechas en España, marca Suela Brava, 49 €",
        "Suela Brava",
        "Botas de cuero",
    ),
    (
        "Lederstiefel aus Italien von Schuhwerk Berg, 15 Sekunden",
        "Schuhwerk Berg",
        "Lederstiefel",
    ),
    (
        "Stivali di pelle fatti in Italia da Calzoleria Neri, 30 secondi",
        "Calzoleria Neri",
        "Stivali di pelle",
    ),
    (
        "Botas de couro feitas no Brasil, marca Passo Firme, R$ 299",
        "Passo Firme",
        "Botas de couro",
    ),
    ("the Pulse 3 watch from Vanta, 20 seconds", "Vanta", "Pulse 3"),
    # a product's own name with "di/de" before the maker's ("Fior di Latte di Gelateria …")
    (
        "Spot per il gelato Fior di Latte di Gelateria Stella",
        "Gelateria Stella",
        "Fior di Latte",
    ),
    (
        "Vídeo para o sabonete Flor de Laranjeira da Casa Alentejo",
        "Casa Alentejo",
        "Flor de Laranjeira",
    ),
    ("Anuncio para las gafas Brisa de Óptica del Sur, 59 €", "Óptica del Sur", "Brisa"),
    # Title Case with no name in it: nationalities, materials, seasons and places
    ("Italian Leather Shoes ad, 15 seconds", "", "Italian Leather Shoes"),
    ("A 20 second ad for Winter Boots", "", "Winter Boots"),
    ("An ad for Tuscany Olive Oil, 15s", "", "Tuscany Olive Oil"),
    ("Japanese Green Tea from Uji, calm", "", "Japanese Green Tea"),
    ("A vertical ad for Nordic Wool sweaters", "Nordic Wool", "sweaters"),
]


@pytest.mark.parametrize(("text", "brand", "product"), CJK_NAMES + ORIGINS)
def test_brand_and_product_in_cjk_and_a_place_of_origin_is_not_the_brand(
    text: str, brand: str, product: str
) -> None:
    brief = parse_brief(text)
    assert (brief.brand, brief.product) == (brand, product)


@pytest.mark.parametrize(
    ("text", "duration_s", "aspect"),
    [
        ("十五秒的咖啡广告，竖图", 15.0, "9:16"),
        ("四十五秒的横版视频", 45.0, "16:9"),
        ("一分钟的品牌片", 60.0, None),
        ("十分好喝的奶茶广告，二十秒", 20.0, None),  # 十分: "very", not ten minutes
    ],
)
def test_lengths_in_chinese_numerals(text: str, duration_s: float, aspect: str | None) -> None:
    brief = parse_brief(text)
    assert (brief.duration_s, brief.aspect) == (duration_s, aspect)


#: Chinese and Japanese briefs where a Latin word is generic or a model code, the maker is
#: a company (or a coined name) that launches the product, and the product's noun is long:
#: (brief, brand, product, category). Written for this file (issue 14, item 1).
CJK_MAKERS = [
    # a generic English noun glued to the text is what is sold, never the brand
    ("青檬科技推出全新健身App，竖屏15秒", "青檬科技", "健身App", "app_screen"),
    ("银杏实验室上线了AI写作App", "银杏实验室", "AI写作App", "app_screen"),
    ("为云栖的外卖App做一个15秒广告", "云栖", "外卖App", "app_screen"),
    # a model code with its suffix belongs to the product, whoever makes it
    ("雾岛推出 T8 Pro 智能手机，售价3299元", "雾岛", "T8 Pro", "phone"),
    ("帮北屿电子的 Book 14 Max 笔记本电脑做个广告", "北屿电子", "Book 14 Max", "laptop"),
    ("潮汐的新款 S3 Lite 运动手表，竖版", "潮汐", "S3 Lite", "watch"),
    ("极光推出的 Aero 5 Pro 无人机，30秒横屏", "极光", "Aero 5 Pro", ""),
    (
        "カワセミ社が発売するスマートウォッチ R5 Ultra、15秒",
        "カワセミ社",
        "R5 Ultra",
        "watch",
    ),
    (
        "ツムギ株式会社から新登場の M1 mini スピーカー",
        "ツムギ株式会社",
        "M1 mini",
        "speaker",
    ),
    # a company or a coined name as the subject that launches the product
    ("鹿角有限公司推出樱花护手霜，30秒", "鹿角有限公司", "樱花护手霜", "tube"),
    ("栀语带来茉莉护手霜，温柔风格，15秒", "栀语", "茉莉护手霜", "tube"),
    ("禾风上线了新款薰衣草沐浴露，竖版广告", "禾风", "薰衣草沐浴露", "bottle"),
    ("麦田食品的新品燕麦曲奇，30秒", "麦田食品", "燕麦曲奇", "pastry"),
    ("こもれび堂が発売する抹茶ロールケーキの広告", "こもれび堂", "抹茶ロールケーキ", "pastry"),
    # a verb or an adverb before the product or its maker is no name
    ("隆重推出青岚科技的 V2 Max 智能手表", "青岚科技", "V2 Max", "watch"),
    ("全新推出 N7 Pro 手机，竖屏", "", "N7 Pro", "phone"),
    ("Luma 推出记账App，15秒", "Luma", "记账App", "app_screen"),
    ("为 Luma App 做一个广告", "Luma", "App", "app_screen"),
    # the whole noun, with the flower or ingredient before it
    (
        "ひだまり工房の新しいラベンダーボディソープのCM",
        "ひだまり工房",
        "ラベンダーボディソープ",
        "bottle",
    ),
    (
        "ハルニレ株式会社の新しいゆずハンドクリーム、15秒CM",
        "ハルニレ株式会社",
        "ゆずハンドクリーム",
        "tube",
    ),
    ("ハナミズキ堂のさくらラテのCM、縦型", "ハナミズキ堂", "さくらラテ", "coffee"),
    ("いちごミルクの広告、15秒", "", "いちごミルク", "bottle"),
    (
        "ミドリ工房のラベンダーハンドクリームの広告",
        "ミドリ工房",
        "ラベンダーハンドクリーム",
        "tube",
    ),
]


@pytest.mark.parametrize(("text", "brand", "product", "category"), CJK_MAKERS)
def test_cjk_maker_keeps_brand_model_and_whole_noun(
    text: str, brand: str, product: str, category: str
) -> None:
    brief = parse_brief(text)
    assert (brief.brand, brief.product, brief.category) == (brand, product, category)
