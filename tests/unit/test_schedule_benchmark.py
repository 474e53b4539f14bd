"""The benchmarks: the schedule's simulated paid providers, the pipeline's phase times."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from agent.media import Media
from agent.providers.base import ClipRequest, ImageRequest
from agent.providers.local.models import LocalImages, LocalVideo
from agent.providers.local.planner import plan_spec
from agent.settings import Settings
from benchmarks.pipeline import Mark, split_times
from benchmarks.schedule import (
    DOCUMENTED,
    Meter,
    SimImages,
    SimVideo,
    lower_bound_min,
    replicate_facts,
)

SPEC = plan_spec("Create a 30-second Nike sneaker ad, energetic style", 30.0, "16:9", 0)


def clip(end_sha256: str | None = None) -> ClipRequest:
    return ClipRequest(
        start_image=Path("start.png"),
        start_sha256="a" * 64,
        end_image=Path("end.png") if end_sha256 else None,
        end_sha256=end_sha256,
        prompt="push in",
        camera="push-in",
        clip_s=6.0,
        size_px=(1280, 720),
        seed=1,
    )


def test_facts_come_from_the_replicate_catalog() -> None:
    facts, source = replicate_facts()
    assert "models.toml" in source
    assert facts["hailuo-02"].end_frame and not facts["kling-v2.1"].end_frame
    assert facts["hailuo-02"].latency_s > 0 and facts["flux-schnell"].usd_per_unit > 0


def test_a_clip_costs_its_seconds_and_its_end_frame_is_part_of_the_key() -> None:
    local = LocalVideo(Media(Settings().ffmpeg()))
    video = SimVideo(local, DOCUMENTED["hailuo-02"], 0.0, Meter())
    plain, ended = video.describe(clip()), video.describe(clip("b" * 64))
    assert plain.cost_usd == pytest.approx(6.0 * 0.045)
    assert plain.provider == "replicate-sim" and plain.model == "hailuo-02"
    assert ended.inputs[-1] == "b" * 64 and ended.key != plain.key


@pytest.mark.asyncio
async def test_images_wait_their_latency_in_parallel_and_are_counted(tmp_path: Path) -> None:
    meter = Meter()
    facts = DOCUMENTED["flux-schnell"]
    images = SimImages(LocalImages(), facts, 0.2 / facts.latency_s * 60, meter)  # waits 0.2 s
    beat = SPEC.beats[0]
    req = ImageRequest(spec=SPEC, beat=beat, prompt=beat.image_prompt, size_px=(64, 36), seed=0)
    start = time.perf_counter()
    await asyncio.gather(*(images.draw(req, tmp_path / f"{i}.png") for i in range(3)))
    assert 0.2 <= time.perf_counter() - start < 1.5
    assert meter.calls["image"] == 3 and meter.peak["image"] == 3
    assert images.describe(req).cost_usd == pytest.approx(0.003)


def test_the_bound_of_a_sequential_schedule_sums_every_wait() -> None:
    facts = DOCUMENTED
    n = len(SPEC.beats)
    seq = lower_bound_min(SPEC, facts, "kling-v2.1", 1)
    par = lower_bound_min(SPEC, facts, "kling-v2.1", 16)
    assert seq == pytest.approx((n * (3.0 + 180.0) + 60.0) / 60)
    assert par == pytest.approx((3.0 + 180.0 + 60.0) / 60)


def test_the_pipeline_benchmark_times_every_phase_and_step_it_hears_of() -> None:
    marks = [
        Mark("plan", "spec", 10.5, 1.0),
        Mark("chunks", "chunk_00", 12.0, 2.0),
        Mark("chunks", "chunk_01", 13.0, 3.5),
        Mark("chunks", "stitched", 13.25, 3.75),
        Mark("refine", "voiceover", 14.0, 4.0),  # a step no list names appears by itself
        Mark("refine", "final", 16.0, 6.0),
    ]
    times = split_times(marks, start_wall_s=10.0, start_cpu_s=0.5)
    assert list(times) == ["plan", "chunks", "refine"]
    assert times["plan"][""] == (0.5, 0.5)
    assert times["chunks"] == {"": (2.75, 2.75), "chunk_*": (2.5, 2.5), "stitched": (0.25, 0.25)}
    assert list(times["refine"]) == ["", "voiceover", "final"]
    assert sum(p[""][0] for p in times.values()) == 6.0, "the phases add up to the run"
