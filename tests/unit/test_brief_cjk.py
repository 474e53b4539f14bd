"""Chinese and Japanese briefs keep price, tagline, length and frame (issue 14).

Written for this file, not taken from any held-out set. Their brands and products are
checked with every other language's in ``test_brief_owners.py``
(``tests/fixtures/brief_names.toml``).
"""

from __future__ import annotations

import pytest

from agent.providers.local.brief import parse_brief


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
