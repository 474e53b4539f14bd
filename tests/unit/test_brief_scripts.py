"""Korean, Arabic and Hebrew briefs keep their brand as written, in its own script (issue 14)."""

from __future__ import annotations

import pytest

from agent.providers.local.brief import own_script_brand, parse_brief
from agent.providers.local.planner import plan_spec
from agent.providers.local.storyboard import render_storyboard_frame


@pytest.mark.parametrize(
    ("brief", "brand", "product"),
    [
        ("إعلان لقهوة البن من شركة صباح، 15 ثانية", "صباح", "قهوة البن"),
        ("إعلان لعطر من علامة نور الفاخرة", "نور", "عطر"),
        ("פרסומת לבושם של המותג אור, 15 שניות", "אור", "בושם"),
        ("פרסומת לאופניים חשמליים מבית דרור", "דרור", "אופניים חשמליים"),
        ("광고: 브랜드 별빛의 무선 헤드폰, 15초", "별빛", "무선 헤드폰"),
        ("햇살 브랜드의 커피 광고를 만들어줘", "햇살", "커피"),
    ],
)
def test_a_brand_written_in_its_own_script_is_kept_as_written(
    brief: str, brand: str, product: str
) -> None:
    parsed = parse_brief(brief)
    assert (parsed.brand, parsed.product) == (brand, product)
    spec = plan_spec(brief, 15.0, "16:9", 0)
    assert spec.brand == brand
    assert brand in spec.title


def test_no_brand_word_no_brand_and_latin_names_still_win() -> None:
    assert own_script_brand("إعلان لسماعات لاسلكية", "ar") == ""
    assert own_script_brand("브랜드 햇살의 커피", "en") == ""
    assert parse_brief("פרסומת לאוזניות Aurora").brand == "Aurora"


def test_the_end_card_draws_a_right_to_left_brand_without_a_font_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    spec = plan_spec("פרסומת לבושם של המותג אור, 15 שניות", 15.0, "16:9", 0)
    end_card = next(b for b in spec.beats if b.type == "logo_end_card")
    with caplog.at_level("WARNING"):
        render_storyboard_frame(spec, end_card, (640, 360), 0)
    assert not [r for r in caplog.records if "font" in r.getMessage().lower()]
