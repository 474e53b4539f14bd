"""Runs on the job queue, met where users meet it: ``reelgraph worker`` processes and the CLI.

Three real worker processes share the session's PostgreSQL; detached runs go in with
``reelgraph generate --detach`` (in-process through typer's runner, as a user's command would
run); one worker is killed with SIGKILL in the middle of a run. Every run must complete, the
killed run must resume from its checkpoint (nothing finished is made again), and the audit
(``reelgraph_job_runs``) must show no branch running on two workers at once.
"""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from agent.queue import Queue
from agent.service.videos import video_request
from agent.studio import Studio
from tests.conftest import Cli
from tests.integration.conftest import FRESH_SEEDS, start_worker
from tests.integration.polling import cli_json, until

pytestmark = [pytest.mark.integration, pytest.mark.slow]


#: Worker settings that notice a dead worker within seconds (the defaults are 10 s and 30 s).
WORKER_ARGS = ("--heartbeat", "1", "--stalled-after", "6", "--grace", "5")


def _workers(cli: Cli, n: int) -> list[subprocess.Popen[bytes]]:
    return [start_worker(cli, *WORKER_ARGS) for _ in range(n)]


@pytest.fixture
def three_workers(cli: Cli) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Three ``reelgraph worker`` processes, stopped (SIGTERM, then SIGKILL) after the test."""
    procs = _workers(cli, 3)
    yield procs
    for p in procs:
        if p.poll() is None:
            p.terminate()
    for p in procs:
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def test_eight_detached_runs_on_three_workers_survive_a_killed_worker(
    cli: Cli, three_workers: list[subprocess.Popen[bytes]]
) -> None:
    seeds = [next(FRESH_SEEDS) for _ in range(8)]
    queued = [
        cli_json(
            cli,
            "generate",
            f"A 6-second ad for Pebble soap, take {s}",
            "--duration",
            "6",
            "--yolo",
            "--seed",
            str(s),
            "--detach",
        )  # fmt: skip
        for s in seeds
    ]
    assert all(q["status"] in ("queued", "running") for q in queued)
    assert any(q["queue_position"] for q in queued), "no run was ever seen waiting in the queue"
    videos = [q["video_id"] for q in queued]
    pids = {p.pid: p for p in three_workers}
    conn = psycopg.connect(cli.env["DATABASE_URL"], autocommit=True)
    try:
        # A worker in the middle of a run whose plan is done (its checkpoint exists).
        def victim() -> tuple[int, str, int] | None:
            row = conn.execute(
                """SELECT a.worker, b.video_id, a.job_id FROM reelgraph_job_runs a
                   JOIN branches b ON b.thread_id = a.thread_id
                   WHERE a.ended_at IS NULL AND b.status = 'running'
                     AND b.phase IN ('storyboard', 'chunks') AND b.video_id = ANY(%s)
                   ORDER BY a.id LIMIT 1""",
                (videos,),
            ).fetchone()
            if row is None:
                return None
            pid = int(str(row[0]).rpartition(":")[2])
            return (pid, str(row[1]), int(row[2])) if pid in pids else None

        pid, killed_video, killed_job = until("a run past its plan on a worker", victim, 300)
        os.kill(pid, signal.SIGKILL)
        pids[pid].wait()

        def all_settled() -> list[tuple[str, str]] | None:
            rows = conn.execute(
                "SELECT video_id, status FROM branches WHERE video_id = ANY(%s) AND name = 'main'",
                (videos,),
            ).fetchall()
            done = [(str(v), str(s)) for v, s in rows if s in ("complete", "failed")]
            return done if len(done) == len(videos) else None

        settled = until("every run to finish", all_settled, 900)
        assert {s for _, s in settled} == {"complete"}, settled

        # The killed run went on elsewhere from its checkpoint: nothing finished was made twice.
        attempts = conn.execute(
            "SELECT worker, outcome FROM reelgraph_job_runs WHERE job_id = %s ORDER BY id",
            (killed_job,),
        ).fetchall()
        assert attempts[0] == (attempts[0][0], "worker stopped"), attempts
        assert attempts[-1][1] == "succeeded" and attempts[-1][0] != attempts[0][0], attempts
        made = conn.execute(
            """SELECT artifact, count(*) FROM cost_events WHERE video_id = %s AND NOT reused
               GROUP BY artifact HAVING count(*) > 1""",
            (killed_video,),
        ).fetchall()
        assert made == [], f"made twice after the kill: {made}"
        plans = conn.execute(
            "SELECT count(*) FROM cost_events WHERE video_id = %s AND phase = 'plan'",
            (killed_video,),
        ).fetchone()
        assert plans == (1,), "the plan ran again instead of resuming from its checkpoint"

        # No branch ever ran on two workers at once (attempts that found the branch busy
        # never ran the graph).
        overlaps = conn.execute(
            """SELECT a.job_id, a.worker, b.worker FROM reelgraph_job_runs a
               JOIN reelgraph_job_runs b ON a.thread_id = b.thread_id AND a.id < b.id
               WHERE a.outcome IS DISTINCT FROM 'busy' AND b.outcome IS DISTINCT FROM 'busy'
                 AND b.started_at < coalesce(a.ended_at, 'infinity')
                 AND a.started_at < coalesce(b.ended_at, 'infinity')
                 AND a.thread_id IN (SELECT thread_id FROM branches WHERE video_id = ANY(%s))""",
            (videos,),
        ).fetchall()
        assert overlaps == [], overlaps
        workers = conn.execute(
            """SELECT count(DISTINCT worker) FROM reelgraph_job_runs
               WHERE thread_id IN (SELECT thread_id FROM branches WHERE video_id = ANY(%s))""",
            (videos,),
        ).fetchone()
        assert workers == (3,), "the runs did not spread over the three workers"
    finally:
        conn.close()
    finals = [cli_json(cli, "status", v) for v in videos]
    assert all(f["status"] == "complete" and f["final_video"] for f in finals)


@pytest.mark.asyncio
async def test_a_run_tried_again_after_it_paused_does_not_go_past_its_pause(
    studio: Studio,
) -> None:
    """A worker that dies after its run paused, before the queue heard, leaves a job to retry.

    Running it again must not continue past the pause the user asked to stop at.
    """
    request = video_request("A 6-second ad for Oak tables", duration_s=6, seed=next(FRESH_SEEDS))
    video = await studio.create_video(request, "tester")
    own = f"test-{uuid.uuid4().hex[:8]}"
    async with Queue.open(studio) as queue:

        async def work() -> None:
            await queue.app.run_worker_async(
                queues=[own], wait=False, install_signal_handlers=False, listen_notify=False
            )

        job = await queue.enqueue(video, "tester", queue=own)
        await work()
        paused = await studio.head(video)
        assert paused[1] and (await studio.status(video, "tester")).phase == "plan"
        # as if its worker died after the pause: the job is still 'doing', the reaper retries it
        async with studio.deps.pool.connection() as conn:
            await conn.execute(
                "UPDATE procrastinate_jobs SET status = 'doing' WHERE id = %s", (job.job_id,)
            )
        await queue.app.job_manager.retry_job_by_id_async(
            job.job_id, retry_at=datetime.datetime.now(datetime.UTC)
        )
        await work()
        assert await studio.head(video) == paused, "the retried run went on past its pause"
        async with studio.deps.pool.connection() as conn:
            cur = await conn.execute(
                "SELECT outcome FROM reelgraph_job_runs WHERE job_id = %s ORDER BY id",
                (job.job_id,),
            )
            outcomes = [r["outcome"] for r in await cur.fetchall()]
        assert outcomes == ["succeeded", "already ran"]


def test_a_worker_stopped_with_sigterm_hands_its_run_back_to_the_queue(cli: Cli) -> None:
    """SIGTERM past ``--grace``: the run goes back to the queue and another worker finishes it."""
    seed = str(next(FRESH_SEEDS))
    first = start_worker(cli, *WORKER_ARGS[:-1], "0")  # --grace 0
    second: list[subprocess.Popen[bytes]] = []
    try:
        queued = cli_json(
            cli, "generate", "A 6-second ad for Wren bicycles", "--duration", "6", "--yolo",
            "--seed", seed, "--detach",
        )  # fmt: skip
        video, job_id = queued["video_id"], queued["job_id"]

        def past_plan() -> bool | None:
            # Each look holds a SHARE lock on ``artifacts``; once the run is past its plan the
            # transaction stays open, so the run cannot record its next artifact (it waits)
            # and is caught mid-run however fast the machine is.
            hold.execute("LOCK TABLE artifacts IN SHARE MODE")
            row = hold.execute(
                "SELECT status, phase FROM branches WHERE video_id = %s AND name = 'main'",
                (video,),
            ).fetchone()
            if row is not None and row[0] == "complete":
                pytest.fail("the run finished before the worker could be stopped")
            if row is not None and row[0] == "running" and row[1] not in (None, "plan"):
                return True
            hold.rollback()
            return None

        with psycopg.connect(cli.env["DATABASE_URL"]) as hold:
            until("the run to pass its plan", past_plan, 300)
            first.terminate()
            assert first.wait(timeout=60) == 0, "the worker did not stop cleanly on SIGTERM"
            hold.rollback()
        back = cli_json(cli, "status", video)
        assert (back["status"], back["job_id"]) == ("queued", job_id), back
        second = _workers(cli, 1)

        def finished() -> dict[str, Any] | None:
            st = cli_json(cli, "status", video)
            return st if st["status"] in ("complete", "failed") else None

        assert until("the run to finish on the second worker", finished, 300)["status"] == (
            "complete"
        )
    finally:
        for p in [first, *second]:
            if p.poll() is None:
                p.terminate()
                p.wait(timeout=60)
    with psycopg.connect(cli.env["DATABASE_URL"]) as conn:
        outcomes = conn.execute(
            "SELECT outcome FROM reelgraph_job_runs WHERE job_id = %s ORDER BY id", (job_id,)
        ).fetchall()
    assert [o for (o,) in outcomes] == ["handed back", "succeeded"]
