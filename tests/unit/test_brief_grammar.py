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
