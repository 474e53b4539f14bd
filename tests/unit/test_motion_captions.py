"""Burned captions drawn by the offline video model: on their cue's frames only, in the
title-safe area, split across chunks, never in the frame a chained chunk starts from."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from agent.captions import SAFE_MARGIN, Cue, caption_image
from agent.phases.chunks import chunk_captions, plan_chunks
from agent.providers.base import CaptionCue, CaptionTrack
from agent.providers.local import motion
from agent.providers.local.planner import plan_spec
from agent.spec import FPS

SIZE_PX = (320, 180)


class _Frames:
    """Stands in for :class:`agent.media.Media`: keeps the frames instead of encoding them."""

    def __init__(self) -> None:
        self.frames: list[bytes] = []

    async def encode_frames(
        self, frames: Iterable[bytes], dst: Path, size_px: tuple[int, int], fps: int = FPS
    ) -> int:
        self.frames = list(frames)
        return len(self.frames)


def _still() -> bytes:
    rng = np.random.default_rng(7)
    pixels = rng.integers(40, 200, size=(180, 320, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels, "RGB").save(out, "PNG")
    return out.getvalue()


def _luma(frame: bytes) -> np.ndarray:
    w, h = SIZE_PX
    return np.frombuffer(frame[: w * h], dtype=np.uint8).reshape(h, w).astype(np.int16)


def _render(captions: CaptionTrack | None, camera: motion.CameraMove = "pan-left") -> list[bytes]:
    media = _Frames()
    asyncio.run(
        motion.render_clip(
            media,  # type: ignore[arg-type]
            _still(),
            camera,
            SIZE_PX,
            Path("unused.mp4"),
            seed=3,
            duration_s=1.0,
            captions=captions,
        )
    )
    return media.frames


def test_a_caption_is_on_the_frames_of_its_cue_and_nowhere_else() -> None:
    cue = CaptionCue(text="Just do it.", start_s=0.25, end_s=0.5)  # frames 6 to 11 at 24 fps
    clean = _render(None)
    captioned = _render(CaptionTrack(language="en", cues=(cue,)))
    assert len(clean) == len(captioned) == FPS
    changed = [i for i, (a, b) in enumerate(zip(clean, captioned, strict=True)) if a != b]
    assert changed == list(range(6, 12)), "the other frames are byte-identical"
    for i in changed:
        ink = np.abs(_luma(clean[i]) - _luma(captioned[i])) > 48
        rows = np.nonzero(ink.any(axis=1))[0]
        assert ink.sum() > 100, f"frame {i}: no caption to see"
        assert rows.min() > SIZE_PX[1] * 0.6, f"frame {i}: the caption is at the bottom"


def test_the_frame_a_chained_chunk_starts_from_has_no_caption(tmp_path: Path) -> None:
    cue = CaptionCue(text="Just do it.", start_s=0.0, end_s=1.0)
    captioned = _render(CaptionTrack(language="en", cues=(cue,)))
    clean = _render(None)
    png = tmp_path / "last.png"
    asyncio.run(
        motion.render_last_frame(_still(), "pan-left", SIZE_PX, png, seed=3, duration_s=1.0)
    )
    rgb = np.asarray(Image.open(png).convert("RGB"), dtype=np.float32)
    luma = 16 + 219 * (rgb @ np.array([0.2126, 0.7152, 0.0722], dtype=np.float32)) / 255
    assert np.abs(luma - _luma(clean[-1])).mean() < 1.0, "the last frame as drawn"
    assert np.abs(luma - _luma(captioned[-1])).max() > 48, "and without the caption"


@pytest.mark.parametrize("size_px", [(1280, 720), (720, 1280), (1080, 1080)])
def test_captions_sit_inside_the_title_safe_area_and_scale(size_px: tuple[int, int]) -> None:
    w, h = size_px
    text = "Step into the new running shoe, built for every single mile you will ever run."
    normal, big = caption_image(text, size_px, "en"), caption_image(text, size_px, "en", 1.5)
    for drawn in (normal, big):
        alpha = np.asarray(drawn.image)[..., 3]
        rows, cols = np.nonzero(alpha > 0)
        assert drawn.left_px + cols.min() >= w * SAFE_MARGIN - 2
        assert drawn.left_px + cols.max() <= w * (1 - SAFE_MARGIN) + 2
        assert drawn.top_px + rows.max() <= h * (1 - SAFE_MARGIN) + 2
        assert drawn.left_px % 2 == 0 and drawn.top_px % 2 == 0
    ink = [(np.asarray(d.image)[..., 3] > 128).sum() for d in (normal, big)]
    assert ink[1] > 1.8 * ink[0], "1.5x captions cover about 2.25x the area"


def test_a_cue_across_a_chunk_boundary_is_on_both_chunks() -> None:
    spec = plan_spec("Create a 30-second Nike sneaker ad, energetic style", 30.0, "16:9", 5)
    jobs = plan_chunks(spec, (motion.CLIP_S,))
    starts_s = [sum(j.frames for j in jobs[: j.index]) / FPS for j in jobs]
    edge_s = starts_s[2]
    cues = [Cue(0, "one", 0.15, 1.0), Cue(1, "across", edge_s - 0.5, edge_s + 0.75)]
    tracks = [chunk_captions(cues, spec, jobs, job, 1.2) for job in jobs]
    assert tracks[0] is not None and [c.text for c in tracks[0].cues] == ["one"]
    before, after = tracks[1], tracks[2]
    assert before is not None and after is not None
    assert before.cues[-1].text == after.cues[0].text == "across"
    assert before.cues[-1].end_s == pytest.approx(edge_s - starts_s[1])
    assert after.cues[0].start_s == 0.0 and after.cues[0].end_s == pytest.approx(0.75)
    assert after.scale == 1.2 and after.language == spec.language
    assert all(t is None for t in tracks[3:]), "no caption where no cue is"
