"""Benchmark: throughput of the job queue with one and with two workers, and its overhead.

One invocation, one fresh ``REELGRAPH_HOME`` with its own embedded PostgreSQL:

(a) for each worker count W in ``--workers`` (default 1,2): start W ``reelgraph worker``
    processes (concurrency 1 each), wait until all are registered, enqueue ``--runs`` R
    offline 8-second ``--yolo`` ads at once (fresh seeds, so the memo never answers), and time
    from the first enqueue to the last completion: completed ads per minute = R / minutes;
(b) the queue's own overhead per run: from a job's ``deferred`` event (Procrastinate's
    ``procrastinate_events``) to the start of its run on a worker (``reelgraph_job_runs``),
    counted only for jobs that found a worker idle (the first W of each round), so the time
    spent waiting behind other runs is not counted.

    .venv/bin/python benchmarks/queue.py [--runs R] [--workers 1,2] [--json PATH|-]

Choices: each worker runs one job at a time so that W is the parallelism; 8-second ads keep a
round short. On a 2-core machine, two workers cannot double the rate of CPU-bound offline
renders (FFmpeg, Pillow, numpy): the figure measures what the queue lets the machine do, and
with paid models (which wait, not compute) the gain of more workers is larger.
"""

from __future__ import annotations

import os
import sys

# Run as a script, this file's directory comes first on sys.path, and this module would stand
# in for the standard library's ``queue`` (which asyncio imports): put the repository there.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [os.path.dirname(_HERE)] + [p for p in sys.path if os.path.abspath(p or ".") != _HERE]

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

REPO = Path(_HERE).parent

from agent.db import embedded_server  # noqa: E402
from agent.queue import Queue  # noqa: E402
from agent.service.videos import video_request  # noqa: E402
from agent.settings import Settings  # noqa: E402
from agent.studio import Studio  # noqa: E402

USER = "bench"


async def _round(
    settings: Settings, env: dict[str, str], workers: int, runs: int
) -> dict[str, Any]:
    """One round: W workers, R runs; returns its figures."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "ui.cli", "worker", "--concurrency", "1"],
            env=env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    try:
        async with Studio.open(settings) as studio, Queue.open(studio) as queue:
            pool = studio.deps.pool
            deadline = time.monotonic() + 180
            while True:  # every worker registered (its heartbeat row exists)
                async with pool.connection() as conn:
                    cur = await conn.execute("SELECT count(*) AS n FROM procrastinate_workers")
                    row = await cur.fetchone()
                if row and row["n"] >= workers:
                    break
                if time.monotonic() > deadline:
                    raise SystemExit("the workers did not start within 180 s")
                await asyncio.sleep(0.2)
            videos, jobs = [], []
            start = time.monotonic()
            for _ in range(runs):
                seed = random.randrange(1, 2**31 - 1)
                request = video_request(
                    "An 8-second ad for Lumen desk lamps",
                    auto_continue=True,
                    duration_s=8,
                    seed=seed,
                )
                video_id = await studio.create_video(request, USER)
                job = await queue.enqueue(video_id, USER, auto_continue=True)
                videos.append(video_id)
                jobs.append(job.job_id)
            while True:
                async with pool.connection() as conn:
                    cur = await conn.execute(
                        """SELECT count(*) FILTER (WHERE status = 'complete') AS ok,
                                  count(*) FILTER (WHERE status = 'failed') AS bad
                           FROM branches WHERE video_id = ANY(%s)""",
                        (videos,),
                    )
                    row = await cur.fetchone()
                assert row is not None
                if row["bad"]:
                    raise SystemExit(f"{row['bad']} run(s) failed")
                if row["ok"] == runs:
                    break
                await asyncio.sleep(0.2)
            wall_s = time.monotonic() - start
            async with pool.connection() as conn:
                cur = await conn.execute(
                    """SELECT e.job_id, extract(epoch FROM min(a.started_at) - min(e.at)) AS s
                       FROM procrastinate_events e JOIN reelgraph_job_runs a
                         ON a.job_id = e.job_id
                       WHERE e.type = 'deferred' AND e.job_id = ANY(%s)
                       GROUP BY e.job_id ORDER BY e.job_id""",
                    (jobs,),
                )
                waits = [float(r["s"]) for r in await cur.fetchall()]
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=60)
    idle = waits[:workers]  # jobs that found a worker idle
    return {
        "workers": workers,
        "runs": runs,
        "wall_s": round(wall_s, 1),
        "ads_per_min": round(runs / (wall_s / 60), 2),
        "enqueue_to_start_s": [round(w, 3) for w in idle],
        "enqueue_to_start_median_s": round(statistics.median(idle), 3),
    }


def main() -> None:
    """Parse arguments, run the rounds in one fresh home, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=4, help="ads per round")
    parser.add_argument("--workers", default="1,2", help="worker counts, comma-separated")
    parser.add_argument("--json", help="write the figures as JSON here ('-' for stdout)")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="reelgraph-bench-queue-"))
    home.chmod(0o755)
    try:
        url = os.environ.get("DATABASE_URL") or embedded_server(home / "pg", stop_at_exit=True)
        settings = Settings(home=home, database_url=url, user_id=USER)
        env = {**os.environ, "REELGRAPH_HOME": str(home), "DATABASE_URL": url}
        env["REELGRAPH_USER"] = USER
        rounds = [
            asyncio.run(_round(settings, env, int(w), args.runs)) for w in args.workers.split(",")
        ]
    finally:
        shutil.rmtree(home, ignore_errors=True)
    if args.json:
        text = json.dumps({"rounds": rounds}, indent=2)
        if args.json == "-":
            print(text)  # noqa: T201
        else:
            Path(args.json).write_text(text)
    for r in rounds:
        print(  # noqa: T201
            f"{r['workers']} worker(s): {r['runs']} ads of 8 s in {r['wall_s']} s ="
            f" {r['ads_per_min']} ads/min; enqueue→start {r['enqueue_to_start_median_s']} s"
            f" (median of {len(r['enqueue_to_start_s'])} runs that found a worker idle)"
        )


if __name__ == "__main__":
    main()
