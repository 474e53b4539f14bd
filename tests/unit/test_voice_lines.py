"""Voiceover lines, their timing, captions' layout, and the voice and caption edits (offline)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pysubs2
import pytest

from agent.captions import Cue, caption_size_px, font_for, place, write_ass, write_srt
from agent.editing import SetVoiceAndCaptions, SetVoiceoverLine, Target
from agent.edits import SetCaptions, SetProduct, SetVoice, SetVoiceover, apply_edits
from agent.errors import NotFound, UserError
from agent.phases.refine import VoiceSettings, voice_for
from agent.providers.local.brief import is_cjk
from agent.providers.local.planner import plan_spec
from agent.providers.local.speech import LocalVoice
from agent.providers.local.voiceover import FILL, speaking_time_s
from agent.providers.registry import Registry
from agent.spec import Spec
from agent.state import Options, State

#: Briefs the line templates were not written against: languages, sectors, facts, lengths.
BRIEFS = [
    ("A 45-second ad for a budget airline, flights from $39, book at flyhigh.com", 45),
    ("Make a calm 20 second spot for organic oat milk", 20),
    ("Promo for a cybersecurity app for small business, code SAFE10", 12),
    ("Crea un anuncio de 25 segundos para zapatillas de trail Salomon", 25),
    ("Une publicité de 30 secondes pour une montre Tissot, élégante", 30),
    ("Ein 15-Sekunden-Spot für den Kaffeevollautomaten Jura E8", 15),
    ("Spot di 20 secondi per una pizzeria a Napoli, -20% il martedì", 20),
    ("Anúncio de 10 segundos para protetor solar, compre já", 10),
    ("为华为手表做一个15秒的广告，科技感", 15),
    ("ソニーのワイヤレスイヤホンの30秒広告を作って", 30),
    ("A 6-second bumper for a dog food brand", 6),
    ("60 second emotional ad for a family car, test drive today", 60),
]


@pytest.mark.parametrize(("brief", "duration_s"), BRIEFS)
def test_every_line_fits_its_beat_in_the_briefs_language(brief: str, duration_s: float) -> None:
    spec = plan_spec(brief, duration_s, "16:9", 3)
    lines = [b for b in spec.beats if b.voiceover]
    assert len(lines) >= max(1, len(spec.beats) // 2), "most beats have a line"
    assert spec.voice.language == spec.language
    for beat in lines:
        spoken_s = speaking_time_s(beat.voiceover, spec.language)
        assert spoken_s <= beat.duration_s * FILL + 1e-9, (beat.type, beat.voiceover)
        if spec.language in ("zh", "ja"):
            assert is_cjk(beat.voiceover), beat.voiceover
    texts = [b.voiceover for b in lines]
    assert len(set(texts)) == len(texts), "no line is said twice"


def test_lines_follow_the_brief_language_not_english() -> None:
    en = plan_spec("A 20-second ad for Lavazza coffee", 20, "16:9", 0)
    es = plan_spec("Un anuncio de 20 segundos para café Lavazza", 20, "16:9", 0)
    assert es.language == "es"
    assert {b.voiceover for b in en.beats if b.voiceover}.isdisjoint(
        b.voiceover for b in es.beats if b.voiceover
    )


def test_speaking_rates() -> None:
    assert speaking_time_s("one two three four five", "en") == pytest.approx(2.0)
    assert speaking_time_s("Uno, dos: tres.", "es") == pytest.approx(1.2)
    assert speaking_time_s("立即购买。小米手机。", "zh") == pytest.approx(8 / 4.5)  # no punctuation
    assert speaking_time_s("", "ja") == 0


def test_place_keeps_lines_apart_in_order_and_inside_the_video() -> None:
    cues = place(
        [(0, 0.0, "a", 3.0), (1, 2.0, "b", 1.0), (2, 5.0, "c", 9.0), (3, 7.9, "d", 1.0)], 8.0
    )
    assert [c.text for c in cues] == ["a", "b", "c"]  # "d" has no room left
    assert cues[0].start_s == pytest.approx(0.15)
    assert cues[1].start_s == pytest.approx(cues[0].end_s + 0.1)  # pushed past "a"
    assert cues[2].end_s == pytest.approx(7.95)  # cut at the end
    assert all(a.end_s < b.start_s for a, b in zip(cues, cues[1:], strict=False))


def test_captions_are_sized_for_the_frame_and_kept_title_safe(tmp_path: Path) -> None:
    assert caption_size_px((1280, 720)) == caption_size_px((720, 1280)) == 40
    assert caption_size_px((1080, 1080)) == 59
    assert caption_size_px((1280, 720), 1.25) == 50
    cues = [Cue(0, "Meet the Pegasus.", 0.15, 1.6), Cue(1, "Just do it.", 2.0, 3.0)]
    path, family = font_for("en")
    assert path.is_file() and family == "DejaVu Sans"
    write_ass(cues, tmp_path / "c.ass", (720, 1280), family)
    ass = pysubs2.load(str(tmp_path / "c.ass"))
    style = ass.styles["Default"]
    assert ass.info["PlayResX"] == "720" and ass.info["PlayResY"] == "1280"
    assert (style.marginl, style.marginr, style.marginv) == (72, 72, 128)
    assert style.fontname == "DejaVu Sans" and style.fontsize == 40
    write_srt(cues, tmp_path / "c.srt")
    srt = (tmp_path / "c.srt").read_text(encoding="utf-8")
    assert "00:00:00,150 --> 00:00:01,600\nMeet the Pegasus." in srt


def test_cjk_captions_use_a_font_with_the_glyphs() -> None:
    try:
        path, family = font_for("ja")
    except FileNotFoundError as exc:
        assert "fonts-noto-cjk" in str(exc)
        return
    assert path.name == "NotoSansCJK-Bold.ttc" and family == "Noto Sans CJK JP"


def _spec() -> Spec:
    return plan_spec("Create a 15-second Nike sneaker ad, energetic style", 15, "16:9", 0)


def test_voiceover_edits_change_only_what_they_name() -> None:
    spec = _spec()
    out = apply_edits(spec, [SetVoiceover(beat=2, text="  A   new line. ")])
    assert out.beats[1].voiceover == "A new line."
    assert [b.voiceover for b in out.beats[2:]] == [b.voiceover for b in spec.beats[2:]]
    assert out.beats[1].image_prompt == spec.beats[1].image_prompt
    with pytest.raises(NotFound):
        apply_edits(spec, [SetVoiceover(beat=99, text="x")])
    off = apply_edits(spec, [SetVoice(enabled=False)])
    assert off.voice.enabled is False and off.voice.language == "en"
    named = apply_edits(off, [SetVoice(name="nova")])
    assert named.voice.name == "nova" and named.voice.enabled is True
    big = apply_edits(spec, [SetCaptions(scale_by=1.25), SetCaptions(scale_by=1.25)])
    assert big.captions.scale == pytest.approx(1.5625)
    assert apply_edits(spec, [SetCaptions(mode="off")]).captions.mode == "off"
    with pytest.raises(UserError):
        apply_edits(spec, [SetCaptions()])
    renamed = apply_edits(spec, [SetProduct(name="Pegasus 41")])
    assert not any("sneakers" in b.voiceover.lower() for b in renamed.beats)


def test_refine_edits_set_the_branch_settings_over_the_options() -> None:
    spec = _spec()
    values: dict[str, Any] = {"spec": spec, "options": Options(subtitles="soft")}
    target = Target(spec, 3)
    bigger = SetVoiceAndCaptions(caption_scale_by=1.25).apply(values, target)
    wanted = VoiceSettings.of(bigger["spec"], values["options"])
    assert wanted.subtitles == "burn", "bigger captions must be visible"
    assert wanted.caption_scale == pytest.approx(1.25)
    muted = SetVoiceAndCaptions(voiceover=False).apply(values, target)
    assert VoiceSettings.of(muted["spec"], values["options"]).speak is False
    assert SetVoiceAndCaptions(voiceover=False).phase == "refine"
    line = SetVoiceoverLine(beat=1, text="Go.").apply(values, target)
    assert line["spec"].beats[0].voiceover == "Go."
    assert VoiceSettings.of(spec, Options(voice="heart", voiceover=False)) == VoiceSettings(
        speak=False, voice="heart", subtitles="burn", caption_scale=1.0
    )


def _state(spec: Spec, options: Options) -> State:
    return {"spec": spec, "options": options}


def test_the_offline_voice_speaks_english_only_and_says_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    registry = Registry(voices={"local": LocalVoice()})
    en = _spec()
    assert voice_for(_state(en, Options()), registry) == (registry.voices["local"], "heart")
    with pytest.raises(UserError, match="unknown voice 'nova'.*known: heart"):
        voice_for(_state(en, Options(voice="nova")), registry)
    assert voice_for(_state(en, Options(voiceover=False)), registry) is None
    es = plan_spec("Un anuncio de 10 segundos para café Lavazza", 10, "16:9", 0)
    with caplog.at_level(logging.WARNING):
        assert voice_for(_state(es, Options()), registry) is None
    assert "does not speak 'es'" in caplog.text and "subtitles only" in caplog.text


def test_the_chat_plays_the_voiceover_and_shows_the_lines(tmp_path: Path) -> None:
    from agent.service.status import BranchStatus
    from ui.chat_render import media, spec_markdown

    spec = _spec()
    table = spec_markdown(spec)
    assert "| Voiceover |" in table and spec.beats[0].voiceover in table
    arts = {
        name: {"key": name, "version": 1, "sha256": name * 8, "mime": "", "size_bytes": 1,
               "path": name, "url": name, "label": name}
        for name in ("final", "music", "voiceover", "subtitles", "stitched")
    }  # fmt: skip
    status = BranchStatus.model_validate(
        {"video_id": "v", "branch": "main", "thread_id": "t", "status": "paused",
         "phase": "refine", "title": "t", "prompt": "an ad", "options": {}, "artifacts": arts,
         "usage": {"calls": 0, "reused": 0, "cost_usd": 0.0}, "licence_notes": [],
         "final_video": None, "error": None, "allowed": []}
    )  # fmt: skip
    shown = media(status, tmp_path, lambda sha: tmp_path / sha)
    voice = [m for m in shown if m.name == "Voiceover"]
    assert len(voice) == 1 and voice[0].kind == "audio" and voice[0].mime == "audio/wav"


def test_music_level_sets_the_gain_the_interpreter_resolved() -> None:
    from agent.editing import SetMusicVolume

    spec = _spec()
    target = Target(spec, 3)
    values: dict[str, Any] = {"spec": spec, "options": Options(), "music_gain_db": -3.0}
    assert SetMusicVolume(gain_db=-6.0).apply(values, target)["music_gain_db"] == -6.0
    assert SetMusicVolume(gain_db=-6.0).phase == "refine"
