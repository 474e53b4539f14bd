"""Palettes vary with the brief: the product's colour family, the mood's shape, named colours.

Issue 14: every seed-0 brief with one mood got the same few near-identical palettes.
"""

from __future__ import annotations

import colorsys

import pytest

from agent.providers.local.brief import SECTORS, parse_brief
from agent.providers.local.planner import plan_spec


def _hue_deg(colour: str) -> float:
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 360 * colorsys.rgb_to_hls(r, g, b)[0]


def _gap_deg(a: float, b: float) -> float:
    return abs((a - b + 180) % 360 - 180)


CALM = [
    "A calm 15-second ad for Velour face cream",
    "A calm 15-second ad for Hearth coffee beans",
    "A calm 15-second ad for Ledger, the savings app",
    "A calm 15-second ad for Orbit wireless headphones",
    "A calm 15-second ad for Tidewater mattresses",
]


@pytest.mark.parametrize("prompt", CALM)
def test_the_accent_leans_to_the_product_s_colour_family(prompt: str) -> None:
    spec = plan_spec(prompt, 15.0, "16:9", seed=0)
    family = SECTORS[parse_brief(prompt).sector].hue_deg
    assert family is not None
    assert _gap_deg(_hue_deg(spec.style.palette[1]), family) <= 35.0, spec.style.palette


def test_one_mood_gives_each_sector_its_own_accent() -> None:
    accents = [_hue_deg(plan_spec(p, 15.0, "16:9", seed=0).style.palette[1]) for p in CALM]
    sectors = {parse_brief(p).sector for p in CALM}
    assert len(sectors) == len(CALM)
    hues = sorted(accents)
    gaps = [_gap_deg(a, b) for a, b in zip(hues, [*hues[1:], hues[0]], strict=True)]
    assert sum(g >= 15.0 for g in gaps) >= len(CALM) - 1, [round(h) for h in hues]


def test_the_palette_words_name_the_colours_drawn() -> None:
    spec = plan_spec("A luxurious ad for Noir perfume, black and gold", 15.0, "16:9", seed=0)
    assert spec.style.palette[:2] == ["#0d0d0d", "#c9a227"]
    words = spec.beats[0].image_prompt.split("Palette: ")[1].split(".")[0]
    assert words.startswith("espresso, amber") or words.startswith("black, amber"), words
    coffee = plan_spec("A warm ad for Hearth coffee beans", 15.0, "16:9", seed=0)
    assert "pink" not in coffee.beats[0].image_prompt.split("Palette: ")[1].split(".")[0]
