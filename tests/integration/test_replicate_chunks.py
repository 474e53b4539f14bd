"""Replicate against real PostgreSQL and FFmpeg: crash resume and the end-frame chunk schedule.

Replicate's HTTP API is mocked with respx; the memo, the journal, the store and FFmpeg are real.
"""

from __future__ import annotations

import asyncio
import base64
import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
import respx
from langchain_core.runnables.config import var_child_runnable_config
from langgraph.runtime import Runtime

from agent.deps import Deps, open_deps
from agent.errors import ProviderError
from agent.phases.chunks import beat_frames, plan_chunks, render_beat
from agent.phases.common import BeatTask, chunk_name
from agent.providers.base import ClipRequest
from agent.providers.local.planner import plan_spec
from agent.providers.replicate import (
    PredictionJournal,
    ReplicateVideo,
)
from agent.settings import Settings
from agent.spec import Spec
from agent.state import ArtifactRef, Options
from tests.replicate_mock import BASE, CATALOG, fast_client, fixture, png

pytestmark = pytest.mark.integration


@pytest_asyncio.fixture
async def deps(database_url: str, tmp_path: Path) -> AsyncIterator[Deps]:
    settings = Settings(home=tmp_path / "home", database_url=database_url)
    async with open_deps(settings) as deps:
        video = ReplicateVideo(
            CATALOG.models["hailuo-02"], fast_client, PredictionJournal(deps.pool), deadline_s=30
        )
        deps.registry.videos["replicate:hailuo-02"] = video
        deps.registry.aliases["hailuo"] = "replicate:hailuo-02"
        yield deps


async def new_video(deps: Deps, options: Options | None = None) -> str:
    """A video of 'tester' with these options and a ``main`` branch on thread ``main-<id>``."""
    video_id = f"vid-{uuid.uuid4().hex[:10]}"
    stored = options.model_dump_json() if options is not None else "{}"
    async with deps.pool.connection() as conn:
        await conn.execute(
            "INSERT INTO users (identifier) VALUES ('tester') ON CONFLICT DO NOTHING"
        )
        await conn.execute(
            "INSERT INTO videos (id, user_id, prompt, options) VALUES (%s, 'tester', 'ad', %s)",
            (video_id, stored),
        )
        await conn.execute(
            """INSERT INTO branches (video_id, name, thread_id, status, phase)
               VALUES (%s, 'main', %s, 'paused', 'storyboard')""",
            (video_id, f"main-{video_id}"),
        )
    return video_id


# --------------------------------------------------------------------------- crash resume


def six_second_clip(tmp_path: Path, prompt: str, camera: str) -> ClipRequest:
    """A 6 s 16:9 clip from a red start frame, with a fresh memo key."""
    start = tmp_path / "start.png"
    start.write_bytes(png("red"))
    return ClipRequest(
        start_image=start,
        start_sha256=uuid.uuid4().hex * 2,  # a fresh key for each test
        prompt=prompt,
        camera=camera,
        clip_s=6.0,
        size_px=(1280, 720),
        seed=1,
    )


@pytest.mark.asyncio
async def test_a_pending_prediction_is_polled_again_not_paid_twice(
    deps: Deps, tmp_path: Path, clip_mp4: bytes
) -> None:
    video = deps.registry.video("replicate:hailuo-02")
    req = six_second_clip(tmp_path, "the sneaker spins", "orbit")
    call = video.describe(req)
    # the state a crash leaves behind: the prediction was created and journalled, then the
    # process died while waiting
    await PredictionJournal(deps.pool).started(call, "rg0000created")
    rec = deps.recorder(await new_video(deps), "tester", "main", "chunks", None)
    output = "https://replicate.delivery/xezq/rg0000created/output.bin"
    with respx.mock(assert_all_called=False) as router:
        create = router.post(url__regex=rf"{BASE}/.*predictions$").mock(
            return_value=httpx.Response(201, json=fixture("created"))
        )
        poll = router.get(f"{BASE}/predictions/rg0000created").mock(
            side_effect=[
                httpx.Response(200, json=fixture("processing")),
                httpx.Response(200, json=fixture("succeeded")),
            ]
        )
        router.get(output).mock(return_value=httpx.Response(200, content=clip_mp4))

        async def animate(dst: Path) -> None:
            await video.animate(req, dst)

        blob = await rec.produce(call, "chunk_00", ".mp4", animate)
    assert create.call_count == 0
    assert poll.call_count == 2
    assert blob.path.read_bytes() == clip_mp4
    async with deps.pool.connection() as conn:
        cur = await conn.execute(
            "SELECT status, prediction_id, sha256 FROM generations WHERE key = %s", (call.key,)
        )
        row = await cur.fetchone()
    assert row == {"status": "done", "prediction_id": "rg0000created", "sha256": blob.sha256}


@pytest.mark.asyncio
async def test_a_failed_prediction_is_journalled_so_the_retry_creates_a_new_one(
    deps: Deps, tmp_path: Path
) -> None:
    video = deps.registry.video("replicate:hailuo-02")
    req = six_second_clip(tmp_path, "p", "static")
    with respx.mock(assert_all_called=False) as router:
        create = router.post(f"{BASE}/models/minimax/hailuo-02/predictions").mock(
            return_value=httpx.Response(201, json=fixture("created"))
        )
        router.get(f"{BASE}/predictions/rg0000created").mock(
            return_value=httpx.Response(200, json=fixture("failed"))
        )
        for _ in range(2):
            with pytest.raises(ProviderError, match="content filter"):
                await video.animate(req, tmp_path / "o.mp4")
    assert create.call_count == 2  # the failed one was not re-attached
    async with deps.pool.connection() as conn:
        cur = await conn.execute(
            "SELECT status FROM generations WHERE key = %s", (video.describe(req).key,)
        )
        assert await cur.fetchone() == {"status": "failed"}


# --------------------------------------------------------------------------- end frames


def two_beat_spec() -> Spec:
    """A 16 s ad: a 12 s beat (two chunks on Hailuo's 6/10 s grid) and a 4 s beat."""
    spec = plan_spec("A 30-second Nike sneaker ad, energetic", 30.0, "16:9", 1)
    first, second = spec.beats[0], spec.beats[1]
    beats = [
        {**first.model_dump(), "index": 0, "start_s": 0.0, "duration_s": 12.0},
        {**second.model_dump(), "index": 1, "start_s": 12.0, "duration_s": 4.0},
    ]
    return Spec.model_validate({**spec.model_dump(), "duration_s": 16.0, "beats": beats})


@pytest.mark.asyncio
async def test_hailuo_chunks_render_in_parallel_towards_the_next_storyboard_image(
    deps: Deps, clip_mp4: bytes
) -> None:
    spec = two_beat_spec()
    jobs = plan_chunks(spec, (6.0, 10.0))
    assert [(j.beat_index, j.clip_s) for j in jobs] == [(0, 10.0), (0, 6.0), (1, 6.0)]
    options = Options(duration_s=16.0, video_model="hailuo", seed=5)
    video_id = await new_video(deps, options)
    rec = deps.recorder(video_id, "tester", "main", "storyboard", None)
    images = {"beat_00": png("red"), "beat_01": png("blue")}
    artifacts: dict[str, ArtifactRef] = {
        name: await rec.keep(name, "png", "image/png", data, "local", "storyboard")
        for name, data in images.items()
    }

    creates: list[dict[str, Any]] = []
    ids = iter(f"rg{n:010d}" for n in range(100))

    def create(request: httpx.Request) -> httpx.Response:
        creates.append(json.loads(request.content)["input"])
        return httpx.Response(201, json=fixture("created", id=next(ids)))

    def poll(request: httpx.Request) -> httpx.Response:
        pid = request.url.path.rsplit("/", 1)[1]
        if len(creates) < len(jobs):  # every chunk must be asked for before any finishes
            return httpx.Response(200, json=fixture("processing", id=pid))
        out = f"https://replicate.delivery/xezq/{pid}/output.mp4"
        return httpx.Response(200, json=fixture("succeeded", id=pid, output=out))

    with respx.mock(assert_all_called=False) as router:
        router.post(f"{BASE}/models/minimax/hailuo-02/predictions").mock(side_effect=create)
        router.get(url__regex=rf"{BASE}/predictions/rg\d+$").mock(side_effect=poll)
        router.get(url__regex=r"https://replicate\.delivery/.*").mock(
            return_value=httpx.Response(200, content=clip_mp4)
        )
        runtime = Runtime(context=deps, stream_writer=lambda _: None)
        # Nodes check their state against the run's thread (agent.trust.guard).
        var_child_runnable_config.set({"configurable": {"thread_id": f"main-{video_id}"}})
        tasks = [
            BeatTask(
                video_id=video_id,
                user_id="tester",
                branch="main",
                options=options,
                spec=spec,
                beat_index=i,
                artifacts=artifacts,
                overrides={},
            )
            for i in range(2)
        ]
        outs = await asyncio.wait_for(
            asyncio.gather(*(render_beat(t, runtime=runtime) for t in tasks)), timeout=120
        )

    def frame(data_uri: str) -> str:
        data = base64.b64decode(data_uri.partition(",")[2])
        return next(name for name, png_data in images.items() if png_data == data)

    by_duration = sorted(creates, key=lambda i: (frame(i["first_frame_image"]), -i["duration"]))
    assert [
        (frame(i["first_frame_image"]), i.get("last_frame_image") and frame(i["last_frame_image"]),
         i["duration"])
        for i in by_duration
    ] == [
        ("beat_00", "beat_00", 10),  # the long beat's first chunk comes back to its own image
        ("beat_00", "beat_01", 6),  # its last chunk ends on the next beat's image
        ("beat_01", None, 6),  # the last beat ends where the model likes
    ]  # fmt: skip
    refs = {**outs[0]["artifacts"], **outs[1]["artifacts"]}
    assert set(refs) == {chunk_name(j.index) for j in jobs}
    frames = [deps.media.probe(deps.store.local_path(refs[chunk_name(j.index)].sha256)).frames
              for j in jobs]  # fmt: skip
    assert frames == [j.frames for j in jobs]
    assert sum(frames) == sum(beat_frames(spec)) == 16 * 24
