"""A forged graph state is refused by the app's own runs too, before any provider call.

The LangGraph server refuses clients' state writes at its door (see
``test_langgraph_server.py``); these tests write a forged state straight into a checkpoint
through the app's graph, as a bug or a hand in the database could, and run the branch the way
``reelgraph continue`` does (:meth:`agent.studio.Studio.run`), on real PostgreSQL and FFmpeg.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from agent.errors import UserError
from agent.state import ArtifactRef, Options, Override, VideoRequest
from agent.studio import Studio
from tests.integration.conftest import FRESH_SEEDS

pytestmark = [pytest.mark.integration, pytest.mark.slow]


async def _video(studio: Studio, user: str, phases: int) -> str:
    """A 6-second video of ``user`` run through ``phases`` pauses (1: plan, 2: storyboard)."""
    request = VideoRequest(
        prompt="An ad for Acme lamps", options=Options(duration_s=6, seed=next(FRESH_SEEDS))
    )
    vid = await studio.create_video(request, user)
    for _ in range(phases):
        await studio.run(vid, user)
    return vid


async def _made(studio: Studio, video_id: str) -> tuple[list[Any], list[Any]]:
    async with studio.deps.pool.connection() as conn:
        cur = await conn.execute(
            "SELECT name, version FROM artifacts WHERE video_id = %s ORDER BY 1, 2", (video_id,)
        )
        artifacts = await cur.fetchall()
        cur = await conn.execute(
            "SELECT id FROM cost_events WHERE video_id = %s ORDER BY 1", (video_id,)
        )
        return artifacts, await cur.fetchall()


async def _forge(studio: Studio, video_id: str, values: dict[str, Any], as_node: str) -> None:
    thread = (await studio.status(video_id, (await _owner(studio, video_id)))).thread_id
    await studio.graph.aupdate_state({"configurable": {"thread_id": thread}}, values, as_node)


async def _owner(studio: Studio, video_id: str) -> str:
    async with studio.deps.pool.connection() as conn:
        cur = await conn.execute("SELECT user_id FROM videos WHERE id = %s", (video_id,))
        row = await cur.fetchone()
    assert row is not None
    return str(row["user_id"])


@pytest.mark.asyncio
async def test_another_videos_images_and_uploads_are_refused(studio: Studio) -> None:
    alice = await _video(studio, "alice", phases=2)  # paused at storyboard
    snapshot = (await studio.status(alice, "alice")).thread_id
    state = (await studio.graph.aget_state({"configurable": {"thread_id": snapshot}})).values
    beats = {n: r for n, r in state["artifacts"].items() if n.startswith("beat_")}
    bob = await _video(studio, "bob", phases=1)  # paused at plan
    made = await _made(studio, bob)

    # alice's storyboard images as bob's: render_beat would animate them
    await _forge(studio, bob, {"spec": state["spec"], "artifacts": beats}, "review_storyboard")
    with pytest.raises(UserError, match="are not artifacts of video"):
        await studio.run(bob, "bob")
    assert await _made(studio, bob) == made

    # alice's image as bob's upload for beat 1: draw_beat would use it as it is
    upload = Override(image=next(iter(beats.values())))
    gone: dict[str, Any] = dict.fromkeys(beats)  # None removes a name
    await _forge(studio, bob, {"artifacts": gone, "overrides": {"beat_00": upload}}, "review_plan")
    with pytest.raises(UserError, match="are not artifacts of video"):
        await studio.run(bob, "bob")
    assert await _made(studio, bob) == made


@pytest.mark.asyncio
async def test_a_state_naming_another_users_video_writes_nothing_into_it(studio: Studio) -> None:
    alice = await _video(studio, "alice", phases=1)
    alice_state = (
        await studio.graph.aget_state(
            {"configurable": {"thread_id": (await studio.status(alice, "alice")).thread_id}}
        )
    ).values
    alices = await _made(studio, alice)
    bob = await _video(studio, "bob", phases=1)
    await _forge(studio, bob, {**alice_state, "branch": "zz"}, "review_plan")
    with pytest.raises(UserError, match="of yours|not this thread"):
        await studio.run(bob, "bob")
    await _forge(studio, bob, {**alice_state}, "review_plan")  # alice's own branch name
    with pytest.raises(UserError, match="not this thread"):
        await studio.run(bob, "bob")
    assert await _made(studio, alice) == alices


@pytest.mark.asyncio
async def test_a_path_as_a_digest_builds_no_video(studio: Studio, tmp_path: Path) -> None:
    vid = await _video(studio, "carol", phases=1)
    made = await _made(studio, vid)
    secret = tmp_path / "secret.mp4"
    secret.write_bytes(b"not yours")
    forged = ArtifactRef.model_construct(
        name="spec", key=f"carol/videos/{vid}/spec_v1.json", version=1,
        sha256="../" * 12 + str(secret).lstrip("/"), mime="application/json", size_bytes=1,
        provider="local", model="m", cost_usd=0.0,
    )  # fmt: skip
    await _forge(studio, vid, {"artifacts": {"spec": forged}}, "review_plan")
    with pytest.raises(UserError, match="malformed blob digest"):
        await studio.run(vid, "carol")
    assert await _made(studio, vid) == made
    assert not list(studio.deps.store.root.rglob("beat_*"))


@pytest.mark.asyncio
async def test_options_the_video_was_not_made_with_are_refused(studio: Studio) -> None:
    request = VideoRequest(
        prompt="An ad for Acme lamps",
        options=Options(duration_s=6, seed=next(FRESH_SEEDS), budget_usd=0.0),
    )
    vid = await studio.create_video(request, "dave")
    await studio.run(vid, "dave")
    made = await _made(studio, vid)
    thread = (await studio.status(vid, "dave")).thread_id
    options = (await studio.graph.aget_state({"configurable": {"thread_id": thread}})).values[
        "options"
    ]
    for forged in (
        options.model_copy(update={"budget_usd": None}),  # the cap lifted
        options.model_copy(update={"image_model": "replicate:flux-dev"}),  # a paid model
        options.model_copy(update={"reference_images": ("f" * 64,)}),  # someone's photo
    ):
        await _forge(studio, vid, {"options": forged}, "review_plan")
        with pytest.raises(UserError, match="are not the options of video"):
            await studio.run(vid, "dave")
        assert await _made(studio, vid) == made
