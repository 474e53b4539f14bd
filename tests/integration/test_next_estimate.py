"""The next phase's estimate at each pause, against real PostgreSQL and FFmpeg.

Replicate's models are registered with a fake token and their HTTP API is mocked with respx;
prices are read from the catalog (``models.toml``), independently of the code under test.
"""

from __future__ import annotations

import json
import math
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
import respx

from agent.deps import open_deps
from agent.editing import RegenerateBeat
from agent.estimate import ad_estimate
from agent.phases.chunks import plan_chunks
from agent.providers.replicate import (
    PredictionJournal,
    ReplicateImages,
    ReplicateMusic,
    ReplicateVideo,
)
from agent.service.status import BranchStatus
from agent.settings import Settings
from agent.state import Options, VideoRequest
from agent.studio import Studio
from tests.replicate_mock import BASE, CATALOG, fast_client, fixture

pytestmark = [pytest.mark.integration, pytest.mark.slow]

FLUX = CATALOG.models["flux-schnell"]
HAILUO = CATALOG.models["hailuo-02"]
MUSICGEN = CATALOG.models["musicgen"]
VEO = CATALOG.models["veo-3.1-fast"]
BRIEF = "Energetic ad for Oatly oat milk"


@pytest_asyncio.fixture
async def studio(database_url: str, tmp_path: Path) -> AsyncIterator[Studio]:
    """A studio whose registry also has FLUX schnell, Hailuo-02, Veo and MusicGen on Replicate."""
    settings = Settings(home=tmp_path / "home", database_url=database_url)
    async with open_deps(settings) as deps:
        journal = PredictionJournal(deps.pool)
        reg = deps.registry
        reg.images["replicate:flux-schnell"] = ReplicateImages(FLUX, fast_client, journal)
        reg.videos["replicate:hailuo-02"] = ReplicateVideo(
            HAILUO, fast_client, journal, deadline_s=30
        )
        reg.videos["replicate:veo-3.1-fast"] = ReplicateVideo(VEO, fast_client, journal)
        reg.music["replicate:musicgen"] = ReplicateMusic(MUSICGEN, fast_client, deps.media, journal)
        reg.aliases.update(flux="replicate:flux-schnell", hailuo="replicate:hailuo-02")
        reg.aliases.update(musicgen="replicate:musicgen")
        yield Studio(deps)


async def pause(studio: Studio, st: BranchStatus) -> dict[str, Any]:
    """The payload of the pause the branch is at (what the chat and the server API show).

    The branch's status (``st``) must report the same estimate.
    """
    assert st.status == "paused", st
    snapshot = await studio.graph.aget_state({"configurable": {"thread_id": st.thread_id}})
    payload: dict[str, Any] = snapshot.interrupts[0].value
    # every door's status carries the pause's estimate (the CLI's --json, the HTTP API)
    assert st.next_phase == payload["next_phase"]
    assert st.estimate_next_usd == payload["estimate_next_usd"]
    assert st.estimate_error == payload["estimate_error"]
    return payload


async def start(studio: Studio, options: Options) -> str:
    return await studio.create_video(VideoRequest(prompt=BRIEF, options=options), "alice")


@pytest.mark.asyncio
async def test_offline_every_estimate_is_zero(studio: Studio) -> None:
    vid = await start(studio, Options(duration_s=6, seed=11))
    seen = []
    for _ in range(4):
        payload = await pause(studio, await studio.run(vid, "alice"))
        seen.append((payload["phase"], payload["next_phase"], payload["estimate_next_usd"]))
        assert payload["estimate_error"] is None
    assert seen == [
        ("plan", "storyboard", 0.0),
        ("storyboard", "chunks", 0.0),
        ("chunks", "refine", 0.0),
        ("refine", None, 0.0),
    ]


@pytest.mark.asyncio
async def test_after_the_plan_the_estimate_is_one_flux_image_per_beat(studio: Studio) -> None:
    vid = await start(
        studio, Options(duration_s=12, seed=12, image_model="flux", video_model="hailuo")
    )
    with respx.mock() as router:  # nothing is asked of Replicate to price the storyboard
        st = await studio.run(vid, "alice")
    assert not router.calls
    payload = await pause(studio, st)
    spec = await studio.spec(vid, "alice")
    assert spec is not None and len(spec.beats) == 4
    assert payload["next_phase"] == "storyboard"
    assert payload["estimate_next_usd"] == pytest.approx(4 * FLUX.price_usd)  # $0.012


def mock_hailuo(router: respx.MockRouter, clip: bytes) -> list[dict[str, Any]]:
    """Answer Hailuo-02 predictions with ``clip``; returns the inputs of those created."""
    creates: list[dict[str, Any]] = []

    def create(request: httpx.Request) -> httpx.Response:
        creates.append(json.loads(request.content)["input"])
        return httpx.Response(201, json=fixture("created", id=f"rg{len(creates):010d}"))

    def poll(request: httpx.Request) -> httpx.Response:
        pid = request.url.path.rsplit("/", 1)[1]
        out = f"https://replicate.delivery/xezq/{pid}/output.mp4"
        return httpx.Response(200, json=fixture("succeeded", id=pid, output=out))

    router.post(f"{BASE}/models/minimax/hailuo-02/predictions").mock(side_effect=create)
    router.get(url__regex=rf"{BASE}/predictions/rg\d+$").mock(side_effect=poll)
    router.get(url__regex=r"https://replicate\.delivery/.*").mock(
        return_value=httpx.Response(200, content=clip)
    )
    return creates


@pytest.mark.asyncio
async def test_the_chunk_estimate_is_what_the_clips_cost_and_drops_for_reused_ones(
    studio: Studio,
    clip_mp4: bytes,
) -> None:
    options = Options(duration_s=12, seed=13, video_model="hailuo", music_model="musicgen")
    vid = await start(studio, options)
    await studio.run(vid, "alice")
    drawn = await studio.run(vid, "alice")  # storyboard drawn locally
    # MusicGen's weights are CC-BY-NC: an ad made with it is told so at every pause
    assert drawn.licence_notes == ["musicgen: MusicGen weights: CC-BY-NC 4.0 (non-commercial)"]
    payload = await pause(studio, drawn)
    spec = await studio.spec(vid, "alice")
    assert spec is not None
    jobs = plan_chunks(spec, HAILUO.clip_lengths_s)
    assert [j.clip_s for j in jobs] == [6.0] * 4  # 4 beats of 2.5-4 s: one 6 s clip each
    catalog_price = ad_estimate(spec, CATALOG, "hailuo-02").billed_video_s * HAILUO.price_usd
    assert payload["next_phase"] == "chunks"
    assert payload["estimate_next_usd"] == pytest.approx(catalog_price)  # 24 s x $0.045
    assert payload["estimate_next_usd"] == pytest.approx(24 * 0.045)

    with respx.mock(assert_all_called=False) as router:
        creates = mock_hailuo(router, clip_mp4)
        chunked = await studio.run(vid, "alice")
    assert len(creates) == len(jobs)
    after_chunks = await pause(studio, chunked)
    assert after_chunks["next_phase"] == "refine"
    music_usd = MUSICGEN.price_usd * math.ceil(spec.duration_s)
    assert after_chunks["estimate_next_usd"] == pytest.approx(music_usd)

    # a new image for beat 2 forks from the storyboard pause: of its clips, only beat 2's and
    # beat 1's (which ends on beat 2's image) would be made again
    fork = await studio.edit(vid, "alice", "main", [RegenerateBeat(beat=2)])
    assert (fork.branch, fork.phase) == ("main-1", "storyboard")
    forked = await pause(studio, fork)
    assert forked["estimate_next_usd"] == pytest.approx(2 * 6 * HAILUO.price_usd)
    with respx.mock(assert_all_called=False) as router:
        creates = mock_hailuo(router, clip_mp4)
        await studio.run(vid, "alice", "main-1")
    assert len(creates) == 2, "the estimate counted exactly the clips that were paid for"
    # the parent is still paused after its chunks, with the music to come
    assert (await pause(studio, await studio.status(vid, "alice")))["estimate_next_usd"] == (
        pytest.approx(music_usd)
    )


@pytest.mark.asyncio
async def test_a_next_phase_that_would_refuse_to_run_still_pauses_and_says_why(
    studio: Studio,
) -> None:
    vid = await start(
        studio, Options(duration_s=6, seed=14, aspect="1:1", video_model="replicate:veo-3.1-fast")
    )
    await studio.run(vid, "alice")
    st = await studio.run(vid, "alice")
    assert (st.status, st.phase) == ("paused", "storyboard")
    payload = await pause(studio, st)
    assert payload["estimate_next_usd"] == 0.0
    assert "16:9 and 9:16 videos only" in payload["estimate_error"]
