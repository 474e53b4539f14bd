"""The next phase's calls and prices, laid out from a branch's state without running anything.

The registry has Replicate's models (a fake token: nothing is called); prices are read from
the catalog.
"""

from __future__ import annotations

import hashlib

import imageio_ffmpeg
import pytest

from agent.errors import UserError
from agent.media import Media
from agent.phases.chunks import plan_chunks
from agent.phases.common import beat_name
from agent.phases.forecast import upcoming_calls
from agent.providers.local.planner import plan_spec
from agent.providers.registry import Registry, default_registry
from agent.providers.replicate import load_catalog
from agent.settings import Settings
from agent.spec import Aspect
from agent.state import ArtifactRef, Options, Override, State

CATALOG = load_catalog()


@pytest.fixture(scope="module")
def registry() -> Registry:
    media = Media(imageio_ffmpeg.get_ffmpeg_exe())
    return default_registry(media, Settings(replicate_api_token="r8_test"))


def image(name: str) -> ArtifactRef:
    sha = hashlib.sha256(name.encode()).hexdigest()
    return ArtifactRef(
        name=name, key=f"u/videos/v/{name}_v1.png", version=1, sha256=sha, mime="image/png",
        size_bytes=1, provider="local", model="storyboard",
    )  # fmt: skip


def state(
    options: Options, aspect: Aspect = "16:9", overrides: dict[str, Override] | None = None
) -> State:
    """A branch paused after its storyboard: a 16 s plan and an image per beat."""
    spec = plan_spec("A sneaker ad, energetic", 16.0, aspect, 1)
    return State(
        video_id="v",
        user_id="u",
        branch="main",
        options=options,
        spec=spec,
        artifacts={beat_name(b.index): image(beat_name(b.index)) for b in spec.beats},
        overrides=overrides or {},
    )


def test_a_beat_with_an_uploaded_image_is_not_drawn(registry: Registry) -> None:
    upload = Override(image=image("upload"))
    st = state(Options(image_model="replicate:flux-dev"), overrides={"beat_01": upload})
    calls = upcoming_calls(st, "storyboard", registry)
    assert st["spec"] is not None
    assert len(calls) == len(st["spec"].beats) - 1
    assert {c.call.cost_usd for c in calls} == {CATALOG.models["flux-dev"].price_usd}


def test_chained_chunks_are_all_priced_and_only_first_ones_can_be_reused(
    registry: Registry,
) -> None:
    kling = CATALOG.models["kling-v2.1"]  # no end frame: a beat's chunks follow one another
    st = state(Options(video_model="kling"))
    assert st["spec"] is not None
    jobs = plan_chunks(st["spec"], kling.clip_lengths_s)
    calls = upcoming_calls(st, "chunks", registry)
    assert [c.call.units for c in calls] == [j.clip_s for j in jobs]
    assert sum(c.call.cost_usd for c in calls) == pytest.approx(
        kling.price_usd * sum(j.clip_s for j in jobs)
    )
    assert [c.exact for c in calls] == [j.first_in_beat for j in jobs]


def test_a_chunk_override_prices_its_own_model(registry: Registry) -> None:
    other = Override(model="replicate:hailuo-2.3")
    st = state(Options(video_model="hailuo"), overrides={"chunk_00": other})
    calls = upcoming_calls(st, "chunks", registry)
    assert calls[0].call.model == "hailuo-2.3"
    assert calls[0].call.cost_usd == pytest.approx(
        CATALOG.models["hailuo-2.3"].price_usd * calls[0].call.units
    )
    assert {c.call.model for c in calls[1:]} == {"hailuo-02"}


def test_no_music_and_no_next_phase_cost_nothing(registry: Registry) -> None:
    assert upcoming_calls(state(Options(music=False)), "refine", registry) == []
    assert upcoming_calls(state(Options(music_model="musicgen")), None, registry) == []


def test_a_request_the_model_refuses_says_why(registry: Registry) -> None:
    with pytest.raises(UserError, match="16:9 and 9:16 videos only"):
        upcoming_calls(state(Options(video_model="veo"), aspect="1:1"), "chunks", registry)
