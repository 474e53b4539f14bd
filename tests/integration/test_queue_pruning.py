"""Workers that beat at different rates share one database and none breaks another.

Procrastinate deletes, as a worker starts, the rows of workers whose heartbeat is older than
the new worker's stalled-after, and a worker whose row is gone stops on its next job. Seen in
CI: a ``--stalled-after 6`` worker pruned the chat's worker (10 s heartbeats), which died and
never took the chat's runs again. Each worker here is a real Procrastinate worker of its own
:class:`agent.queue.Queue` (its own pool and app) on the session's PostgreSQL, taking jobs from
a queue of its own, so the test decides which worker runs what.
"""

from __future__ import annotations

import asyncio
import subprocess
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import psycopg
import pytest

from agent.queue import Queue
from agent.service.videos import video_request
from agent.studio import Studio
from tests.conftest import Cli
from tests.integration.conftest import FRESH_SEEDS
from tests.integration.polling import cli_json, until

pytestmark = [pytest.mark.integration, pytest.mark.slow]

T = TypeVar("T")


async def _until(what: str, check: Callable[[], Awaitable[T | None]], timeout_s: float) -> T:
    """Poll ``check`` (a look at the database) until it returns something, or fail."""
    deadline = time.monotonic() + timeout_s
    while True:
        found = await check()
        if found is not None:
            return found
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout_s:.0f} s waiting for {what}")
        await asyncio.sleep(0.1)


async def _one(studio: Studio, sql: str, *args: Any) -> Any:
    async with studio.deps.pool.connection() as conn:
        cur = await conn.execute(sql.encode(), args)
        row = await cur.fetchone()
    return None if row is None else next(iter(row.values()))


async def _worker_id(studio: Studio, heartbeat_s: float, name: str) -> int | None:
    """The id of the live worker of this process that recorded ``heartbeat_s``."""
    found = await _one(
        studio,
        """SELECT w.id FROM procrastinate_workers w
           JOIN reelgraph_workers r ON r.worker_id = w.id
           WHERE r.heartbeat_s = %s AND r.name = %s ORDER BY w.id DESC LIMIT 1""",
        heartbeat_s,
        name,
    )
    return None if found is None else int(found)


async def _video(studio: Studio, product: str) -> str:
    request = video_request(f"A 6-second ad for {product}", duration_s=6, seed=next(FRESH_SEEDS))
    return await studio.create_video(request, "tester")


def _start(queue: Queue, own: str) -> asyncio.Task[None]:
    return asyncio.get_running_loop().create_task(
        queue.work(queues=[own], install_signal_handlers=False, grace_s=5)
    )


async def _stop(*tasks: asyncio.Task[None]) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


@pytest.mark.asyncio
async def test_a_fast_pruning_worker_leaves_a_slower_worker_and_its_jobs_alone(
    studio: Studio,
) -> None:
    video = await _video(studio, "Fern tea")
    slow_own, fast_own = f"slow-{uuid.uuid4().hex[:8]}", f"fast-{uuid.uuid4().hex[:8]}"
    async with (
        Queue.open(studio, heartbeat_s=10, stalled_after_s=30) as slow,
        Queue.open(studio, heartbeat_s=0.1, stalled_after_s=0.3) as fast,
    ):
        slow_task = _start(slow, slow_own)
        fast_task: asyncio.Task[None] | None = None
        parked = await slow.enqueue(await _video(studio, "Birch soap"), "tester", queue="nowhere")
        try:
            slow_id = await _until(
                "the slow worker to register", lambda: _worker_id(studio, 10, slow.worker_name), 60
            )

            async def beat_is_old() -> bool | None:
                # older than the fast worker's stalled-after, long before its next beat (10 s)
                old = await _one(
                    studio,
                    """SELECT now() - last_heartbeat > interval '1 second'
                       FROM procrastinate_workers WHERE id = %s""",
                    slow_id,
                )
                return True if old else None

            await _until("the slow worker's heartbeat to age", beat_is_old, 30)
            # a job the slow worker runs (as the queue records it) must not be taken from it
            async with studio.deps.pool.connection() as conn:
                await conn.execute(
                    "UPDATE procrastinate_jobs SET status = 'doing', worker_id = %s WHERE id = %s",
                    (slow_id, parked.job_id),
                )
            fast_task = _start(fast, fast_own)
            # registered after pruning (Procrastinate prunes first, then registers)
            await _until(
                "the fast worker to register", lambda: _worker_id(studio, 0.1, fast.worker_name), 60
            )
            assert await _worker_id(studio, 10, slow.worker_name) == slow_id, (
                "the fast worker pruned the slow one"
            )
            await fast.retry_stalled()  # as its reaper does, every stalled-after / 2
            running = await _one(
                studio, "SELECT status FROM procrastinate_jobs WHERE id = %s", parked.job_id
            )
            assert running == "doing", "the fast worker re-queued a job of a slower worker"

            job = await slow.enqueue(video, "tester", queue=slow_own)
            status = await slow.wait_result(job.job_id, 120)
            assert status is not None, "the slow worker no longer runs jobs"
            assert (status.status, status.phase) == ("paused", "plan")
            assert not slow_task.done() and not fast_task.done()
        finally:
            await _stop(slow_task, *([fast_task] if fast_task else []))
            async with studio.deps.pool.connection() as conn:
                await conn.execute("DELETE FROM procrastinate_jobs WHERE id = %s", (parked.job_id,))


@pytest.mark.asyncio
async def test_a_worker_another_program_pruned_registers_again_and_keeps_working(
    studio: Studio,
) -> None:
    video = await _video(studio, "Elm chairs")
    own = f"pruned-{uuid.uuid4().hex[:8]}"
    async with Queue.open(studio, heartbeat_s=7) as queue:
        task = _start(queue, own)
        try:
            worker_id = await _until(
                "the worker to register", lambda: _worker_id(studio, 7, queue.worker_name), 60
            )
            # what a worker of another program (or an older reelgraph) does when it prunes
            async with studio.deps.pool.connection() as conn:
                await conn.execute("DELETE FROM procrastinate_workers WHERE id = %s", (worker_id,))
            job = await queue.enqueue(video, "tester", queue=own)
            status = await queue.wait_result(job.job_id, 120)
            assert status is not None and status.phase == "plan", status
            assert not task.done(), "the worker stopped"
            assert await _worker_id(studio, 7, queue.worker_name) == worker_id
        finally:
            await _stop(task)


@pytest.mark.asyncio
async def test_an_idle_pruned_worker_registers_again_at_its_next_heartbeat(studio: Studio) -> None:
    """With no job to fetch, its next heartbeat finds its row gone and puts it back."""
    async with Queue.open(studio, heartbeat_s=0.2) as queue:
        task = _start(queue, f"idle-{uuid.uuid4().hex[:8]}")
        try:
            worker_id = await _until(
                "the worker to register", lambda: _worker_id(studio, 0.2, queue.worker_name), 60
            )
            async with studio.deps.pool.connection() as conn:
                await conn.execute("DELETE FROM procrastinate_workers WHERE id = %s", (worker_id,))

            async def back() -> int | None:
                return await _worker_id(studio, 0.2, queue.worker_name)

            assert await _until("the worker's row to come back", back, 30) == worker_id
            assert not task.done(), "the worker stopped"
        finally:
            await _stop(task)


def test_a_reelgraph_worker_whose_row_was_deleted_goes_on_taking_runs(
    cli: Cli, worker: subprocess.Popen[bytes]
) -> None:
    """The CI failure at the door: ``reelgraph worker`` pruned by another program keeps working."""
    with psycopg.connect(cli.env["DATABASE_URL"], autocommit=True) as conn:

        def registered() -> int | None:
            row = conn.execute(
                "SELECT worker_id FROM reelgraph_workers WHERE name LIKE %s",
                (f"%:{worker.pid}",),
            ).fetchone()
            return None if row is None else int(row[0])

        worker_id = until("the worker to register", registered, 60)
        conn.execute("DELETE FROM procrastinate_workers WHERE id = %s", (worker_id,))
        queued = cli_json(
            cli, "generate", "A 6-second ad for Yew bows", "--duration", "6",
            "--seed", str(next(FRESH_SEEDS)), "--detach",
        )  # fmt: skip

        def settled() -> dict[str, Any] | None:
            st = cli_json(cli, "status", queued["video_id"])
            return None if st["status"] in ("queued", "running") else st

        st = until("the run to reach its pause", settled, 120)
        assert (st["status"], st["phase"]) == ("paused", "plan"), st
        assert worker.poll() is None, "the worker exited"
        assert registered() == worker_id
