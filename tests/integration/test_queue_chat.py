"""The chat's runs are jobs of the queue, and its progress comes from the queue.

The chat keeps no runs of its own: a brief's plan and a Continue are jobs (each recorded in
``reelgraph_job_runs``), which the chat's own worker (or any worker) runs, and the live
progress steps the user sees are read from the job's record.
"""

from __future__ import annotations

from typing import Any

import pytest

from agent.queue import Queue
from agent.studio import Studio
from tests.integration.chat_browser import Chat, Server

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_the_chats_runs_are_jobs_of_the_queue(chat: Chat, chat_site: Server) -> None:
    from playwright.sync_api import expect

    chat.send("A 6-second ad for Quill pens, blue ink")
    chat.pause("main", "paused at plan")
    chat.click("Continue")
    chat.pause("main", "paused at storyboard")

    async def jobs(studio: Studio) -> tuple[list[Any], list[Any]]:
        video = next(v for v in await studio.videos("alice") if "Quill" in v.prompt)
        async with Queue.open(studio) as queue:
            steps = await queue.progress(video.video_id, "main")
        thread = next(b.thread_id for b in await studio.branches(video.video_id, "alice"))
        async with studio.deps.pool.connection() as conn:
            cur = await conn.execute(
                "SELECT outcome FROM reelgraph_job_runs WHERE thread_id = %s ORDER BY id",
                (thread,),
            )
            return [r["outcome"] for r in await cur.fetchall()], steps

    outcomes, steps = chat_site.studio_call(jobs)
    assert outcomes == ["succeeded", "succeeded"], "the plan and the Continue, one job each"
    board = [s for s in steps if s.phase == "storyboard"]
    assert len(board) == 1 and board[0].done == board[0].total > 0, steps
    beats = board[0].total
    expect(chat.page.get_by_text(f"beat {beats} of {beats} drawn")).to_be_visible()
