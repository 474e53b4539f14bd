"""Edits fork branches, in the style of LangGraph's time-travel tests: real Postgres and FFmpeg.

The parent keeps its history and can still be continued; the fork re-renders only what the
edit changed (the memo answers for the rest).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.editing import EditSpec, RegenerateBeat, RegenerateChunk, RevisitPhase, SetMusicVolume
from agent.edits import SetDuration
from agent.errors import NotFound, UserError, WrongPhase
from agent.service.status import BranchStatus
from agent.state import Options, VideoRequest
from agent.studio import Studio
from tests.integration.conftest import FRESH_SEEDS
from tests.measure import measure
from tools.interpreter import ToolCall
from tools.operations import Session

pytestmark = [pytest.mark.integration, pytest.mark.slow]


async def paused_at_storyboard(studio: Studio, duration_s: float = 8) -> str:
    request = VideoRequest(
        prompt="Energetic ad for Oatly oat milk",
        options=Options(duration_s=duration_s, seed=next(FRESH_SEEDS)),
    )
    vid = await studio.create_video(request, "alice")
    await studio.run(vid, "alice")
    st = await studio.run(vid, "alice")
    assert (st.status, st.phase) == ("paused", "storyboard")
    return vid


def rendered(st: BranchStatus, phase: str) -> int:
    u = st.usage.phases[phase]
    return u.calls - u.reused


@pytest.mark.asyncio
async def test_regenerating_a_beat_forks_and_rerenders_only_that_beat(studio: Studio) -> None:
    vid = await paused_at_storyboard(studio)
    main_before = await studio.status(vid, "alice")

    fork = await studio.edit(vid, "alice", "main", [RegenerateBeat(beat=2, prompt="a sunset")])
    assert (fork.branch, fork.created_branch, fork.parent) == ("main-1", True, "main")
    assert (fork.status, fork.phase) == ("paused", "storyboard")
    assert fork.artifacts["beat_01"].version == 2
    assert fork.artifacts["beat_01"].sha256 != main_before.artifacts["beat_01"].sha256
    assert rendered(fork, "storyboard") == 1, "only beat 2 is drawn again"

    # the parent is untouched and still paused where it was
    main = await studio.status(vid, "alice")
    assert (main.status, main.phase) == ("paused", "storyboard")
    assert main.artifacts == main_before.artifacts

    # both run on to their own final videos
    done_main = await studio.run(vid, "alice", "main", auto_continue=True)
    done_fork = await studio.run(vid, "alice", "main-1", auto_continue=True)
    assert done_main.status == done_fork.status == "complete"
    assert done_main.final_video != done_fork.final_video
    for st in (done_main, done_fork):
        assert measure(Path(st.final_video)).duration_s == pytest.approx(8.0, abs=0.1)
    # on main-1 only beat 2's chunks were rendered again
    beat2 = [n for n in done_fork.artifacts if n.startswith("chunk_")]
    same = [n for n in beat2 if done_fork.artifacts[n] == done_main.artifacts[n]]
    changed = sorted(set(beat2) - set(same))
    motion = await motion_renders(studio, vid, "main-1")
    assert motion == changed and changed, (motion, changed)
    tree = await studio.branches(vid, "alice")
    assert [(b.name, b.parent, b.fork_phase) for b in tree] == [
        ("main", None, None),
        ("main-1", "main", "storyboard"),
    ]


async def motion_renders(studio: Studio, vid: str, branch: str) -> list[str]:
    async with studio.deps.pool.connection() as conn:
        cur = await conn.execute(
            "SELECT DISTINCT artifact FROM cost_events WHERE video_id = %s AND branch = %s"
            " AND model = 'motion' AND NOT reused ORDER BY artifact",
            (vid, branch),
        )
        return [r["artifact"] for r in await cur.fetchall()]


@pytest.mark.asyncio
async def test_further_edits_at_the_same_pause_stay_on_the_new_branch(studio: Studio) -> None:
    vid = await paused_at_storyboard(studio, 8)
    first = await studio.edit(vid, "alice", "main", [RegenerateBeat(beat=1)])
    again = await studio.edit(vid, "alice", first.branch, [RegenerateBeat(beat=1)])
    assert (again.branch, again.created_branch) == ("main-1", False)
    assert again.artifacts["beat_00"].version == 3
    # after continuing, an edit at the new pause forks again
    await studio.run(vid, "alice", "main-1")
    chunked = await studio.edit(vid, "alice", "main-1", [RegenerateChunk(chunk=1)])
    assert (chunked.branch, chunked.phase) == ("main-1-1", "chunks")
    assert [b.name for b in await studio.branches(vid, "alice")] == [
        "main", "main-1", "main-1-1"
    ]  # fmt: skip


@pytest.mark.asyncio
async def test_a_spec_edit_after_the_plan_forks_from_the_plan_checkpoint(studio: Studio) -> None:
    vid = await paused_at_storyboard(studio, 8)
    st = await studio.edit(vid, "alice", "main", [EditSpec(ops=[SetDuration(duration_s=6)])])
    assert (st.branch, st.status, st.phase) == ("main-1", "paused", "plan")
    assert set(st.artifacts) == {"spec"}, "later artifacts do not belong to the new plan"
    assert st.artifacts["spec"].version == 2
    done = await studio.run(st.video_id, "alice", "main-1", auto_continue=True)
    assert measure(Path(done.final_video)).duration_s == pytest.approx(6.0, abs=0.1)


@pytest.mark.asyncio
async def test_refine_edits_and_revisiting_a_phase(studio: Studio) -> None:
    vid = await paused_at_storyboard(studio, 6)
    done = await studio.run(vid, "alice", auto_continue=True)
    quiet = await studio.edit(vid, "alice", "main", [SetMusicVolume(gain_db=-12)])
    assert (quiet.branch, quiet.phase) == ("main-1", "refine")
    assert quiet.artifacts["music"] == done.artifacts["music"], "the music is reused"
    assert quiet.artifacts["final"].sha256 != done.artifacts["final"].sha256
    back = await studio.edit(vid, "alice", "main", [RevisitPhase(to="storyboard")])
    assert (back.branch, back.status, back.phase) == ("main-2", "paused", "storyboard")
    assert rendered(back, "storyboard") == 0
    assert back.artifacts["beat_00"] == done.artifacts["beat_00"]


@pytest.mark.asyncio
async def test_bad_edits_get_clear_errors_and_change_nothing(studio: Studio) -> None:
    vid = await paused_at_storyboard(studio, 8)
    before = await studio.branches(vid, "alice")
    with pytest.raises(NotFound, match="beat 12 does not exist; this video has beats 1"):
        await studio.edit(vid, "alice", "main", [RegenerateBeat(beat=12)])
    with pytest.raises(WrongPhase, match="regenerate_chunk is allowed from the chunks pause"):
        await studio.edit(vid, "alice", "main", [RegenerateChunk(chunk=1)])
    with pytest.raises(NotFound, match="no branch 'nope'"):
        await studio.edit(vid, "alice", "nope", [RegenerateBeat(beat=1)])
    with pytest.raises(NotFound, match="no video"):
        await studio.edit(vid, "bob", "main", [RegenerateBeat(beat=1)])
    session = Session(studio, "alice", vid)
    with pytest.raises(UserError, match="unknown video model 'kling'"):
        await session.execute(
            [ToolCall(tool="regenerate_chunk", args={"chunk": 1, "model": "kling"})]
        )
    text = Path(studio.deps.store.scratch_dir()) / "notes.png"
    text.write_text("not an image")
    session.upload = text
    with pytest.raises(UserError, match="not an image"):
        await session.execute(
            [ToolCall(tool="replace_beat_image", args={"beat": 1, "image": "upload"})]
        )
    assert await studio.branches(vid, "alice") == before


@pytest.mark.asyncio
async def test_an_uploaded_image_replaces_a_beat(studio: Studio, tmp_path: Path) -> None:
    from PIL import Image

    vid = await paused_at_storyboard(studio, 6)
    photo = tmp_path / "product.upload"  # the content decides, not the name
    Image.new("RGB", (800, 600), (200, 30, 30)).save(photo, format="PNG")
    session = Session(studio, "alice", vid, upload=photo)
    st = await session.execute(
        [ToolCall(tool="replace_beat_image", args={"beat": 1, "image": "upload"})]
    )
    assert session.branch == "main-1" and st.branch == "main-1"
    with Image.open(st.artifacts["beat_00"].path) as img:
        assert img.size == (1280, 720)
        assert img.getpixel((640, 360)) == (200, 30, 30)
