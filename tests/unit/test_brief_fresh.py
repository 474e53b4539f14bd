"""Fresh briefs keep every fact, scored as a held-out set scores them (issue 14).

The briefs are in ``tests/fixtures/brief_facts_fresh.toml`` (its header records the untuned
score). Each is planned as every door plans it: length and aspect from the brief
(:func:`agent.brief_options.options_from_brief`), then the offline planner.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from agent.brief_options import options_from_brief
from agent.providers.local.planner import plan_spec
from agent.spec import Spec

FIXTURE = Path(__file__).parent.parent / "fixtures" / "brief_facts_fresh.toml"
CASES: list[dict[str, Any]] = tomllib.loads(FIXTURE.read_text(encoding="utf-8"))["brief"]
FACTS = ("brand", "product", "price", "tagline", "code", "url", "duration", "aspect")


def plan(text: str) -> Spec:
    """The spec a door plans for a brief, at the length and frame the brief names."""
    duration_s, aspect = options_from_brief(text)
    return plan_spec(text, min(max(duration_s, 6.0), 60.0), aspect, seed=0)  # type: ignore[arg-type]


def misses(case: dict[str, Any]) -> dict[str, str]:
    """The facts a brief's spec loses or misplaces: fact → what was found instead."""
    spec = plan(case["text"])
    texts = {b.type: b.on_screen_text for b in spec.beats}
    cta = texts.get("call_to_action", "")
    offer = f"{texts.get('offer', '')} {cta}"
    out: dict[str, str] = {}
    if spec.brand != case.get("brand", ""):
        out["brand"] = spec.brand
    written = [case.get(k, "") for k in ("price", "code", "url", "tagline")]
    if spec.product != case.get("product", spec.product) or any(
        w and w in spec.product for w in written
    ):
        out["product"] = spec.product
    if case.get("price") and case["price"] not in offer:
        out["price"] = offer
    if case.get("tagline") and spec.tagline != case["tagline"]:
        out["tagline"] = spec.tagline
    for fact in ("code", "url"):
        if case.get(fact) and case[fact] not in cta:
            out[fact] = cta
    if spec.duration_s != float(case["duration_s"]):
        out["duration"] = str(spec.duration_s)
    if spec.aspect != case.get("aspect", "16:9"):
        out["aspect"] = spec.aspect
    return out


def test_the_set_spans_eight_languages() -> None:
    assert len(CASES) >= 20
    assert {c["language"] for c in CASES} == {"en", "es", "fr", "de", "it", "pt", "zh", "ja"}
    assert all(plan(c["text"]).language == c["language"] for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["text"][:48])
def test_every_fact_of_a_fresh_brief_is_kept(case: dict[str, Any]) -> None:
    assert misses(case) == {}


if __name__ == "__main__":  # print the score per fact: python tests/unit/test_brief_fresh.py
    lost = {c["text"]: misses(c) for c in CASES}
    for fact in FACTS:
        key = "duration_s" if fact == "duration" else fact
        stated = [c for c in CASES if c.get(key) or fact in ("brand", "product", "aspect")]
        kept = sum(fact not in lost[c["text"]] for c in stated)
        print(f"{fact}: {kept}/{len(stated)}")  # noqa: T201
    print(f"every fact: {sum(not m for m in lost.values())}/{len(CASES)}")  # noqa: T201
    for text, missed in lost.items():
        if missed:
            print(text[:70], missed)  # noqa: T201


@pytest.mark.parametrize(
    "text",
    [
        "Playful 10-second TikTok for Fizzy Pop soda, 2 for $3",
        "Playful TikTok ad for Fizzy Pop soda",
    ],
)
def test_a_platform_named_as_the_ad_is_its_frame_not_its_brand(text: str) -> None:
    spec = plan(text)
    assert (spec.brand, spec.product, spec.aspect) == ("Fizzy Pop", "soda", "9:16")


@pytest.mark.parametrize(
    ("text", "brand", "product", "price"),
    [
        (
            "The new Glide 2 scooter by Urban & Co., 30s, CHF 1'299",
            "Urban & Co.",
            "Glide 2",
            "CHF 1'299",
        ),
        (
            "Ein Werbespot für Glanz & Gloria Handcreme, CHF 79.–",
            "Glanz & Gloria",
            "Handcreme",
            "CHF 79.–",
        ),
        (
            "Preis 1.299,00 €, Spot für den Fernseher Vista 65 von Bildwerk",
            "Bildwerk",
            "Fernseher Vista 65",
            "1.299,00 €",
        ),
        ("京瓷电器 X3 电饭煲 30秒广告，到手价599元", "京瓷电器", "X3", "599元"),
        ("Tokyo Roast の コーヒー豆 15秒広告、1,500円", "Tokyo Roast", "コーヒー豆", "1,500円"),
    ],
)
def test_prices_and_names_are_kept_as_written(
    text: str, brand: str, product: str, price: str
) -> None:
    spec = plan(text)
    texts = {b.type: b.on_screen_text for b in spec.beats}
    assert (spec.brand, spec.product) == (brand, product)
    assert price in f"{texts.get('offer', '')} {texts['call_to_action']}"
