"""The brief's grammar: inflected frame words, price lead words, letters that mark a language."""

from __future__ import annotations

import pytest

from agent.providers.local.brief import parse_brief, requested_aspect


@pytest.mark.parametrize(
    ("text", "aspect"),
    [
        ("Ein quadratischer Werbespot für Bergwerk Stiefel", "1:1"),
        ("Ein vertikales Video für Lumen Kerzen", "9:16"),
        ("Anuncios verticales para Veloz", "9:16"),
        ("Uno spot quadrato per lo zaino Vetta", "1:1"),
        ("An ad for Squarespace websites", None),  # a name that starts with a frame word
    ],
)
def test_frame_words_match_with_their_adjective_endings(text: str, aspect: str | None) -> None:
    assert requested_aspect(text) == aspect


def test_an_italian_price_keeps_its_lead_words() -> None:
    brief = parse_brief("Uno spot di 20 secondi per il gelato Dolce Vita, a soli 3,50 €")
    assert brief.facts.price == "a soli 3,50 €"


def test_letters_only_one_language_writes_decide_between_close_languages() -> None:
    assert parse_brief("Anúncio de 15 segundos para o pão Trigo, por R$ 9").language == "pt"
    assert parse_brief("Anuncio de 15 segundos para la piña Dulce, por 3 €").language == "es"


@pytest.mark.parametrize(
    ("text", "price"),
    [
        ("A 20s ad for Larkspur tents, from $420 to $310", "$310"),
        ("Spot pour la lampe Noor, de 95 € à 70 €", "70 €"),
        ("Spot per il casco Raggio, da 80 € a 59 €", "59 €"),
        ("Spot für die Jacke Nordlicht, von 240 € auf 180 €", "180 €"),
        ("Anuncio de la mochila Ruta, 60 € - 45 €", "45 €"),
        ("A 15s ad for Larkspur tents, only $310, 20% off accessories", "only $310"),
    ],
)
def test_from_an_old_price_to_a_new_one_the_offer_is_the_new_one(text: str, price: str) -> None:
    assert parse_brief(text).facts.price == price


@pytest.mark.parametrize(
    ("text", "price"),
    [
        ("给木森的保温杯做一个广告，售价129元", "售价129元"),
        ("木森保温杯广告，59元", "59元"),
        ("カエデの水筒の広告、たったの2980円", "たったの2980円"),
    ],
)
def test_a_price_written_right_after_chinese_or_japanese_words_is_kept(
    text: str, price: str
) -> None:
    assert parse_brief(text).facts.price == price


@pytest.mark.parametrize(
    ("text", "tagline"),
    [
        (
            "Ad for Larkspur tents. Tagline: Pitch it, sleep, repeat. 20 seconds.",
            "Pitch it, sleep, repeat",
        ),
        (
            "Ad for Larkspur tents, slogan: Go far, go light, 15 seconds, vertical",
            "Go far, go light",
        ),
        ("Pub pour Noor, slogan : La nuit, enfin douce, carré", "La nuit, enfin douce"),
        ("Ad for Larkspur tents, slogan: Go far, larkspur.com", "Go far"),
    ],
)
def test_an_unquoted_tagline_runs_past_commas_up_to_the_next_fact(text: str, tagline: str) -> None:
    assert parse_brief(text).facts.tagline == tagline


@pytest.mark.parametrize(
    ("text", "brand", "product"),
    [
        (
            "Anuncio para la mesa Roble Alto de Muebles Sierra Norte, 15 segundos",
            "Muebles Sierra Norte",
            "Roble Alto",
        ),
        ("Pub pour la lampe Noor de la marque Atelier Sur, carrée", "Atelier Sur", "Noor"),
        (
            "Spot per il casco Raggio di Officina Vento, 20 secondi",
            "Officina Vento",
            "Raggio",
        ),
        ("Vídeo para o tênis Onda 3 da marca Passo Leve", "Passo Leve", "Onda 3"),
        ("Pub pour le sac à dos Cime 30 de Maison Pic", "Maison Pic", "Cime 30"),
    ],
)
def test_a_brand_after_of_keeps_all_its_words_and_leaves_the_product(
    text: str, brand: str, product: str
) -> None:
    brief = parse_brief(text)
    assert (brief.brand, brief.product) == (brand, product)


def test_an_ads_own_of_names_its_occasion_not_the_brand() -> None:
    assert parse_brief("Anuncio de Navidad para las zapatillas Ruta de Vuelo Sur").brand == (
        "Vuelo Sur"
    )


@pytest.mark.parametrize(
    ("text", "brand", "product"),
    [
        ("A 15s ad for Marlow's Tern 2 kayak", "Marlow", "Tern 2"),
        ("Ad for Quillon Paper Company notebooks, vertical", "Quillon Paper Company", "notebooks"),
        (
            "Teaser film for the Orca 5 drone by Lind & Berg, 20 seconds",
            "Lind & Berg",
            "Orca 5",
        ),
        (
            "Promo film for the Sable Mini speaker from Hart & Vale. Only $59",
            "Hart & Vale",
            "Sable Mini speaker",
        ),
    ],
)
def test_possessives_company_words_and_by_runs_bound_the_brand(
    text: str, brand: str, product: str
) -> None:
    brief = parse_brief(text)
    assert (brief.brand, brief.product) == (brand, product)


@pytest.mark.parametrize(
    ("text", "brand", "product"),
    [
        ("帮山岚的保温杯做一个广告", "山岚", "保温杯"),
        ("为「白鹭」的台灯「微光 5」做一个20秒广告", "白鹭", "微光 5"),
        ("「カエデ」のヘッドホンの広告、15秒", "カエデ", "ヘッドホン"),
        ("ヒバリの腕時計「朝凪」の広告", "ヒバリ", "朝凪"),
        ("品牌Lumo的耳机，30秒广告", "Lumo", "耳机"),
    ],
)
def test_a_chinese_or_japanese_owner_is_the_brand_and_a_quoted_name_the_product(
    text: str, brand: str, product: str
) -> None:
    brief = parse_brief(text)
    assert (brief.brand, brief.product, brief.facts.tagline) == (brand, product, "")


def test_a_price_after_an_old_chinese_price_is_the_offer_and_no_digit_is_the_brand() -> None:
    brief = parse_brief("鹤鸣的茶壶，原价299元，现价199元")
    assert (brief.brand, brief.facts.price) == ("鹤鸣", "现价199元")


@pytest.mark.parametrize(
    ("text", "brand", "product"),
    [
        ("Coffee Orla espresso beans ad, only $12", "Coffee Orla", "espresso beans"),
        ("Voyage Lumen luggage set ad, 20 seconds", "Voyage Lumen", "luggage set"),
        ("Shoe Haven sneakers ad", "Shoe Haven", "sneakers"),
    ],
)
def test_a_common_word_leading_a_name_stays_in_the_brand(
    text: str, brand: str, product: str
) -> None:
    brief = parse_brief(text)
    assert (brief.brand, brief.product) == (brand, product)
