"""Pricing an ad per video model, and the models paid keys make the defaults."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
from pathlib import Path

import pytest
from pydantic import SecretStr

from agent.estimate import ad_estimate
from agent.media import Media
from agent.phases.chunks import plan_chunks
from agent.providers.local.models import LocalPlanner
from agent.providers.registry import default_registry
from agent.providers.replicate.catalog import load_catalog
from agent.settings import Settings
from agent.spec import Spec
from agent.state import Options
from tests.conftest import run_in_process


def _spec(duration_s: float) -> Spec:
    options = Options(duration_s=duration_s)
    return asyncio.run(LocalPlanner().plan("a sneaker ad, energetic style", options))


@pytest.mark.parametrize("model", ["hailuo-02", "kling-v2.1", "veo-3.1-fast", "wan-2.2-i2v-fast"])
def test_an_ad_is_billed_for_whole_clips_at_the_catalog_price(model: str) -> None:
    spec, catalog = _spec(30), load_catalog()
    e = ad_estimate(spec, catalog, model)
    video = catalog.models[model]
    clips = [j.clip_s for j in plan_chunks(spec, video.clip_lengths_s)]
    assert e.chunks == len(clips)
    assert e.billed_video_s == sum(clips) >= 30  # clips are paid whole, so never less
    images = len(spec.beats) * catalog.models["flux-schnell"].price_usd
    music = 30 * catalog.models["musicgen"].price_usd
    assert e.cost_usd == pytest.approx(images + sum(clips) * video.price_usd + music, abs=1e-4)
    assert not e.commercial_use  # MusicGen's weights are CC-BY-NC


def test_the_parallel_schedule_beats_the_sequential_one() -> None:
    spec, catalog = _spec(30), load_catalog()
    for name, m in catalog.models.items():
        if m.capability != "video":
            continue
        e = ad_estimate(spec, catalog, name)
        assert e.wall_s < e.sequential_wall_s / 2, name
        # One image wave, one clip wave (beats here fit one clip), one music call.
        assert e.wall_s == pytest.approx(
            catalog.models["flux-schnell"].typical_latency_s
            + m.typical_latency_s
            + catalog.models["musicgen"].typical_latency_s
        )


def test_keys_make_the_real_models_the_defaults_but_an_explicit_choice_stays() -> None:
    media = Media("ffmpeg")
    offline = default_registry(media, Settings(home=Path("/nonexistent")))
    assert offline.with_defaults(Options()).video_model == "local"
    keyed = default_registry(
        media,
        Settings(
            home=Path("/nonexistent"),
            replicate_api_token=SecretStr("r8_test"),
            openai_api_key=SecretStr("sk-test"),
        ),
    )
    chosen = keyed.with_defaults(Options())
    assert (chosen.planner, chosen.image_model, chosen.video_model, chosen.music_model) == (
        "openai",
        "replicate:flux-schnell",
        "replicate:hailuo-02",
        "replicate:musicgen",
    )
    kept = keyed.with_defaults(Options(video_model="local", duration_s=12))
    assert kept.video_model == "local" and kept.duration_s == 12
    assert kept.image_model == "replicate:flux-schnell"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    """``reelgraph *args`` in-process (it needs no database), as :class:`tests.conftest.Cli`."""
    return run_in_process(args, dict(os.environ))


def test_models_lists_every_video_model_that_makes_the_aspect_ratio() -> None:
    wide = json.loads(_cli("models", "--json").stdout)
    names = {m["model"] for m in wide["models"]}
    video = {n for n, m in load_catalog().models.items() if m.capability == "video"}
    assert names == {f"replicate:{n}" for n in video}
    square = json.loads(_cli("models", "--aspect", "1:1", "--duration", "15", "--json").stdout)
    assert square["duration_s"] == 15
    assert not any("veo" in m["model"] for m in square["models"])  # Veo: 16:9 and 9:16 only
    bad = _cli("models", "--aspect", "4:3")
    assert bad.returncode == 2 and "aspect" in bad.stderr


def test_remote_models_run_every_beat_of_an_ad_in_one_wave() -> None:
    auto = Settings(home=Path("/nonexistent"))
    assert auto.concurrency(remote=False) == (os.cpu_count() or 2)
    spec = _spec(60)  # the most beats an ad can have
    assert auto.concurrency(remote=True) >= len(spec.beats)
    fixed = Settings(home=Path("/nonexistent"), max_concurrency=3)
    assert fixed.concurrency(remote=True) == fixed.concurrency(remote=False) == 3
