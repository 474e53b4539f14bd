"""``REELGRAPH_CHAT_WORKER=0``: the chat runs no worker, and its runs wait for one.

The setting goes through the chat's own wiring (:mod:`ui.chat_jobs`, which reads it through
:func:`ui.process.settings` when its queue opens). The chat process then queues a run that
shows ``queued`` with its position, and a worker started afterwards (what ``reelgraph
worker`` runs) completes it. The test has a database of its own, so no other test's worker
takes its job and the chat's start-up finds no other test's runs to finish.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from agent.queue import Queue
from agent.service.videos import video_request
from tests.integration.conftest import FRESH_SEEDS
from ui import chat_jobs, process

pytestmark = [pytest.mark.integration]


@pytest.mark.asyncio
async def test_with_chat_worker_0_a_chat_run_waits_queued_until_a_worker_starts(
    own_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REELGRAPH_CHAT_WORKER", "0")
    monkeypatch.setenv("DATABASE_URL", own_database)
    monkeypatch.setenv("REELGRAPH_HOME", str(tmp_path))
    monkeypatch.setenv("REELGRAPH_USER", "tester")
    monkeypatch.setattr(process, "_settings", None)  # read from this environment
    try:
        q = await chat_jobs.queue()
        assert not chat_jobs._queue.working, "the chat started a worker"
        request = video_request("A 6-second ad for Rowan jam", duration_s=6, seed=next(FRESH_SEEDS))
        video = await q.studio.create_video(request, "tester")
        job = await q.enqueue(video, "tester")
        st = await q.status(video, "tester")
        assert (st.status, st.queue_position, st.job_id) == ("queued", 1, job.job_id)

        async with Queue.open(q.studio) as other:  # as `reelgraph worker` does
            worker = asyncio.get_running_loop().create_task(
                other.work(install_signal_handlers=False)
            )
            try:
                done = await q.wait_result(job.job_id, 120)
            finally:
                worker.cancel()
                await asyncio.gather(worker, return_exceptions=True)
        assert done is not None and (done.status, done.phase) == ("paused", "plan"), done
        async with q.studio.deps.pool.connection() as conn:
            cur = await conn.execute(
                "SELECT count(*) AS n FROM reelgraph_job_runs WHERE job_id = %s", (job.job_id,)
            )
            ran = await cur.fetchone()
        assert ran is not None and ran["n"] == 1, "the job ran more than once"
    finally:
        await chat_jobs.close()
        await process.close()
