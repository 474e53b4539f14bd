"""Briefs keep their brand and product in every language (issue 14, part 1).

The cases are in ``tests/fixtures/brief_names.toml``: one or more briefs per construction the
reader used to get wrong, in several languages each, written for these tests (none is taken
from a held-out set). Each is checked on the spec the offline planner makes, the brand,
product and category a user sees in ``reelgraph generate … --json``.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from agent.brief_options import options_from_brief
from agent.providers.local.brief.lexicon import guess_language
from agent.providers.local.planner import plan_spec
from agent.spec import Spec


def plan(text: str) -> Spec:
    """The spec a door plans for a brief, at the length and frame the brief names."""
    duration_s, aspect = options_from_brief(text)
    return plan_spec(text, min(max(duration_s, 6.0), 60.0), aspect, seed=0)  # type: ignore[arg-type]


FIXTURE = Path(__file__).parent.parent / "fixtures" / "brief_names.toml"
#: Briefs with the brand, product and (where checked) category and tagline their spec shows.
CASES: list[dict[str, str]] = tomllib.loads(FIXTURE.read_text(encoding="utf-8"))["case"]


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:40] for c in CASES])
def test_the_spec_keeps_brand_product_and_category(case: dict[str, str]) -> None:
    spec = plan(case["text"])
    got = {
        "brand": spec.brand,
        "product": spec.product,
        "category": spec.category,
        "tagline": spec.tagline,
    }
    assert {k: v for k, v in got.items() if k in case} == {k: case[k] for k in got if k in case}


def test_every_construction_is_checked_in_several_languages() -> None:
    owner = [c for c in CASES if c["group"] == "owner"]
    assert len({guess_language(c["text"]) for c in owner}) >= 6


def test_a_latin_brief_never_loads_the_cjk_analysers() -> None:
    code = (
        "import sys; from agent.providers.local.brief import parse_brief; "
        "parse_brief('A 15-second ad for the Aurora X5 Pro wireless earbuds'); "
        "print(sorted(m for m in ('jieba', 'janome') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
