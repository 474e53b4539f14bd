"""What an edit changed (agent/effects.py): the measures, their thresholds, and the verdict."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from PIL import Image

from agent.editing import EditSpec, RegenerateBeat, SetVoiceAndCaptions, Target
from agent.edits import SetBeat, SetCaptions, SetDuration, SetStyle, SetVoice, apply_edits
from agent.errors import UserError
from agent.phases.effects import (
    AUDIBLE_DIFF_DB,
    SCENE_MEAN_255,
    Effect,
    Outcome,
    at_pause,
    caption_area,
    difference_db,
    image_change,
    label,
    pending_check,
    picture_change,
    refuse_no_ops,
    spec_changes,
    verdict,
)
from agent.phases.refine import TARGET_LUFS, mix_levels
from agent.providers.local.planner import plan_spec
from agent.state import ArtifactRef, Options
from agent.store import LocalStore
from ui.chat_render import effect_lines, invitation
from ui.cli import effect_line


def _png(path: Path, pixels: np.ndarray) -> Path:
    Image.fromarray(pixels.astype(np.uint8)).save(path)
    return path


def test_an_identical_picture_has_not_changed(tmp_path: Path) -> None:
    grey = np.full((90, 160, 3), 120)
    change = image_change(_png(tmp_path / "a.png", grey), _png(tmp_path / "b.png", grey))
    assert (change.mean_255, change.area_pct, change.visible) == (0.0, 0.0, False)


def test_a_faint_tint_is_not_visible_but_new_text_in_a_corner_is() -> None:
    grey = np.full((100, 100, 3), 120)
    tint = picture_change(grey, grey + 1)
    assert tint.mean_255 == pytest.approx(1.0) and tint.area_pct == 0.0 and not tint.visible
    text = grey.copy()
    text[:10, :20] = 255  # 2% of the picture, white on grey
    local = picture_change(grey, text)
    assert local.mean_255 < 3 and local.area_pct == pytest.approx(2.0) and local.visible


def test_a_new_scene_moves_the_picture_past_the_scene_threshold(tmp_path: Path) -> None:
    day = np.zeros((90, 160, 3))
    day[:45] = (120, 180, 255)  # sky
    day[45:] = (90, 140, 60)  # grass
    dusk = np.zeros((90, 160, 3))
    dusk[:45] = (250, 140, 60)  # sunset sky
    dusk[45:] = (230, 200, 150)  # sand
    change = image_change(_png(tmp_path / "day.png", day), _png(tmp_path / "dusk.png", dusk))
    assert change.mean_255 >= SCENE_MEAN_255 and change.area_pct == 100.0


def test_pictures_of_another_size_are_compared_at_the_old_size(tmp_path: Path) -> None:
    small = _png(tmp_path / "s.png", np.full((90, 160, 3), 50))
    large = _png(tmp_path / "l.png", np.full((180, 320, 3), 50))
    assert image_change(small, large).mean_255 == 0.0


def test_difference_level_of_audio() -> None:
    t = np.arange(16_000) / 16_000
    tone = np.sin(2 * math.pi * 440 * t).astype(np.float32)
    assert difference_db(tone, tone) is None
    assert difference_db(tone, tone * 10 ** (-3 / 20)) == pytest.approx(-10.7, abs=0.1)
    one_db = difference_db(tone, tone * 10 ** (-1 / 20))
    assert one_db is not None and one_db == pytest.approx(-19.3, abs=0.1)
    assert one_db >= AUDIBLE_DIFF_DB
    faint = difference_db(tone, tone * 10 ** (-0.2 / 20))
    assert faint is not None and faint < AUDIBLE_DIFF_DB  # too small to hear
    assert difference_db(np.zeros(100, np.float32), tone[:100]) == math.inf


def test_spec_changes_name_fields_as_users_read_them() -> None:
    spec = plan_spec("Calm ad for a ceramic mug", 8, "16:9", 77)
    assert spec_changes(spec, spec) == []
    edited = apply_edits(
        spec, [SetBeat(beat=3, description="a sunset on the beach"), SetStyle(field="lighting",
                                                                               value="warm")]
    )  # fmt: skip
    changed = spec_changes(spec, edited)
    assert any(c.startswith("beat 3 ") and "description" in c for c in changed), changed
    assert "style lighting" in changed
    longer = apply_edits(spec, [SetDuration(duration_s=12)])
    assert "duration s" in spec_changes(spec, longer)


def test_labels_count_from_one() -> None:
    assert [label("beat_00"), label("beat_11"), label("chunk_01")] == [
        "beat 1", "beat 12", "chunk 2"
    ]  # fmt: skip
    assert label("final") == "the final video" and label("music") == "the music"


def _effect(outcome: str, targeted: bool = True) -> dict[str, object]:
    return {"artifact": "beat_02", "label": "beat 3", "targeted": targeted, "outcome": outcome,
            "message": f"beat 3 {outcome}"}  # fmt: skip


def test_the_verdict_never_calls_an_unchanged_result_a_success() -> None:
    assert verdict([_effect("unchanged")]) == "none"
    assert verdict([_effect("unchanged"), _effect("changed", targeted=False)]) == "none"
    assert verdict([_effect("changed")]) == "visible"
    assert verdict([_effect("changed"), _effect("unchanged")]) == "partial"
    assert verdict([_effect("slight")]) == "partial"
    assert verdict([_effect("pending")]) is None
    assert verdict([]) is None


def _typed(outcome: Outcome, targeted: bool = True) -> Effect:
    return Effect("beat_02", "beat 3", targeted, outcome, None, "/255", f"beat 3 {outcome}")


def test_the_chat_and_the_cli_say_plainly_when_nothing_changed() -> None:
    chat = effect_lines([_typed("unchanged"), _typed("slight"), _typed("changed")])
    assert chat[0].startswith("**Nothing visible changed.** Beat 3")
    assert chat[1].startswith("**Only a small change.**")
    assert chat[2] == "Beat 3 changed."
    assert effect_line(_typed("unchanged")) == "no change: beat 3 unchanged"
    assert effect_line(_typed("slight")).startswith("warning: ")
    assert effect_line(_typed("pending")) == "next: beat 3 pending"
    assert effect_line(_typed("changed", targeted=False)) == "note: beat 3 changed"


def test_music_gain_moves_the_music_against_other_sound_or_the_soundtrack_level() -> None:
    assert mix_levels(-6, music=True, other_audio=True) == (-6, TARGET_LUFS)
    assert mix_levels(3, music=True, other_audio=True) == (3, TARGET_LUFS)
    # The music is the whole soundtrack: normalisation would undo a gain, so the gain sets the
    # delivered loudness; it cannot go above the -14 LUFS target platforms play at.
    assert mix_levels(-3, music=True, other_audio=False) == (0.0, TARGET_LUFS - 3)
    assert mix_levels(3, music=True, other_audio=False) == mix_levels(
        0, music=True, other_audio=False
    )
    assert mix_levels(-60, music=True, other_audio=False)[0] == -60  # muted


def test_the_chat_suggests_an_edit_that_belongs_to_the_pause() -> None:
    assert invitation("storyboard").endswith("(for example *regenerate beat 2 as a sunset*).")
    assert "beat" not in invitation("refine") and "music" in invitation("refine")
    assert invitation(None) == "Continue, or tell me what to change."


@pytest.mark.asyncio
async def test_an_edit_is_measured_at_the_pause_it_leads_to_after_a_trip_through_json() -> None:
    """The LangGraph server keeps what an edit was made from in the state (forks as JSON)."""
    spec = plan_spec("Calm ad for a ceramic mug", 8, "16:9", 77)
    edit = EditSpec(ops=[SetStyle(field="mood", value="playful")])
    before = {"spec": spec, "artifacts": {}, "music_gain_db": 0.0}
    check = json.loads(json.dumps(pending_check(before, [edit], "plan")))
    after = {"spec": edit.apply(before, Target(spec, 0))["spec"], "artifacts": {},
             "phase": "plan", "edit_check": check}  # fmt: skip
    no_deps: Any = None  # a spec edit's effect reads no file
    found = await at_pause(no_deps, after, "plan")
    assert found["effect"] == "visible"
    assert [(e["label"], e["outcome"]) for e in found["effects"]] == [("the spec", "changed")]
    assert "style mood" in found["effects"][0]["message"]
    # only at the pause the edit leads to, and nothing where no edit led
    nothing = {"effect": None, "effects": [], "effect_error": None}
    assert await at_pause(no_deps, after, "storyboard") == nothing
    assert await at_pause(no_deps, {**after, "edit_check": None}, "plan") == nothing


@pytest.mark.asyncio
async def test_a_pause_whose_edit_cannot_be_measured_says_why_and_stays_usable(
    tmp_path: Path,
) -> None:
    store = LocalStore(tmp_path / "store")
    grey, _ = store.put_bytes(b"not a picture at all", ".png")
    missing = "ab" * 32  # a digest the store never held

    def ref(sha: str) -> ArtifactRef:
        return ArtifactRef(
            name="beat_00", key="t/beat_00_v1.png", version=1, sha256=sha, mime="image/png",
            size_bytes=1, provider="local", model="local",
        )  # fmt: skip

    before = {"artifacts": {"beat_00": ref(missing)}, "music_gain_db": 0.0}
    check = pending_check(before, [RegenerateBeat(beat=1)], "storyboard")
    after = {"artifacts": {"beat_00": ref(grey)}, "phase": "storyboard", "options": Options(),
             "edit_check": check}  # fmt: skip
    deps: Any = SimpleNamespace(store=store)  # only the store is read before the failure
    found = await at_pause(deps, after, "storyboard")
    assert (found["effect"], found["effects"]) == (None, [])
    assert found["effect_error"].startswith("what the edit changed could not be measured: blob ")


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("subtitles", "voiceover", "ops", "why"),
    [
        ("off", True, [SetCaptions(mode="off")], "already has that (voiceover on, captions off)"),
        ("burn", False, [SetVoice(enabled=False)], "already has that (voiceover off"),
        ("burn", True, [SetVoice(name="heart")], "nothing would change"),
        ("burn", True, [SetCaptions(scale_by=1.5), SetCaptions(scale_by=1.5)], None),
        ("soft", True, [SetCaptions(scale_by=1.25)], "not burned into the picture"),
        ("off", True, [SetCaptions(mode="burn", scale_by=1.25)], None),
        ("soft", True, SetVoiceAndCaptions(subtitles="soft"), "captions soft"),
        ("soft", False, SetVoiceAndCaptions(voiceover=False), "voiceover off, captions soft"),
        ("soft", True, SetVoiceAndCaptions(caption_scale_by=1.25), None),  # burns them in
        ("burn", True, SetVoiceAndCaptions(subtitles="off"), None),
    ],
)
async def test_voice_and_caption_settings_the_video_already_has_are_refused(
    subtitles: str, voiceover: bool, ops: Any, why: str | None
) -> None:
    spec = plan_spec("Calm ad for a ceramic mug", 8, "16:9", 77)
    spec = apply_edits(spec, [SetVoice(name="heart")]) if "heart" in str(ops) else spec
    if not voiceover:  # the generate option turned the voice off
        spec = spec.model_copy(update={"voice": spec.voice.model_copy(update={"enabled": None})})
    options = Options(subtitles=subtitles, voiceover=voiceover)  # type: ignore[arg-type]
    values = {"spec": spec, "options": options, "artifacts": {}, "music_gain_db": 0.0}
    edit = ops if isinstance(ops, SetVoiceAndCaptions) else EditSpec(ops=ops)
    no_deps: Any = None  # spec edits read no file
    if why is None:
        assert await refuse_no_ops(no_deps, values, [edit]) == [edit]
    else:
        with pytest.raises(UserError, match=re.escape(why)):
            await refuse_no_ops(no_deps, values, [edit])


def test_caption_edits_are_measured_in_the_caption_area() -> None:
    frames = np.zeros((4, 180, 320, 3), np.uint8)
    burned = frames.copy()
    burned[:, 140:150, 100:220] = 255  # a line of white text above the bottom margin
    area = caption_area(frames)
    assert area.shape[1] == round(180 * 0.92) - round(180 * 0.55)
    change = picture_change(area, caption_area(burned))
    whole = picture_change(frames, burned)
    assert change.visible and change.area_pct > 2 * whole.area_pct
