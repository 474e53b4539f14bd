"""A ``reelgraph worker`` meets database errors: a heartbeat that fails comes back, a worker
that cannot take jobs exits 1 saying why.

A worker process has a process manager (systemd, Kubernetes) that starts it again when it
exits with an error; one that exited 0, hung, or went on without heartbeats would stay broken.
The errors are real: the queue's tables disappear from under the worker (renamed, in a
database of the test's own), then come back.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.conftest import Cli
from tests.integration.conftest import start_worker
from tests.integration.polling import until

pytestmark = [pytest.mark.integration]


@pytest.fixture
def worker_on_own(
    own_database: str, tmp_path: Path
) -> Iterator[tuple[subprocess.Popen[bytes], psycopg.Connection[tuple[object, ...]], Path]]:
    """``reelgraph worker --heartbeat 0.2`` on its own database, registered; killed after."""
    env = {
        **os.environ,
        "DATABASE_URL": own_database,
        "REELGRAPH_HOME": str(tmp_path),
        "REELGRAPH_USER": "tester",
    }
    err_path = tmp_path / "worker.err"
    with err_path.open("wb") as err_file:
        proc = start_worker(Cli(env, tmp_path), "--heartbeat", "0.2", stderr=err_file)
    try:
        with psycopg.connect(own_database, autocommit=True) as conn:

            def registered() -> bool | None:
                if conn.execute("SELECT to_regclass('reelgraph_workers')").fetchone() == (None,):
                    return None
                row = conn.execute("SELECT count(*) FROM reelgraph_workers").fetchone()
                return True if row and row[0] else None

            until("the worker to register", registered, 60)
            yield proc, conn, err_path
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_a_worker_whose_heartbeat_failed_beats_again_when_the_database_is_back(
    worker_on_own: tuple[subprocess.Popen[bytes], psycopg.Connection[tuple[object, ...]], Path],
) -> None:
    proc, conn, _ = worker_on_own
    conn.execute("ALTER TABLE procrastinate_workers RENAME TO gone_workers")

    def failed_a_beat() -> bool | None:
        # its beats fail while the table is gone: the last one recorded grows old
        row = conn.execute(
            "SELECT now() - max(last_heartbeat) > interval '1 second' FROM gone_workers"
        ).fetchone()
        return True if row and row[0] else None

    until("a heartbeat to fail", failed_a_beat, 60)
    conn.execute("ALTER TABLE gone_workers RENAME TO procrastinate_workers")
    back = conn.execute("SELECT now()").fetchone()
    assert back is not None

    def beats_again() -> bool | None:
        row = conn.execute(
            "SELECT max(last_heartbeat) > %s FROM procrastinate_workers", (back[0],)
        ).fetchone()
        return True if row and row[0] else None

    until("the worker to beat again", beats_again, 60)
    assert proc.poll() is None, "the worker exited"


def test_a_worker_that_cannot_take_jobs_exits_1_saying_why(
    worker_on_own: tuple[subprocess.Popen[bytes], psycopg.Connection[tuple[object, ...]], Path],
) -> None:
    proc, conn, err_path = worker_on_own
    conn.execute("ALTER TABLE procrastinate_jobs RENAME TO gone_jobs")
    assert proc.wait(timeout=60) == 1, err_path.read_text()
    last = err_path.read_text().strip().splitlines()[-1]
    assert last.startswith("error: worker ") and "stopped on an error of the job queue" in last
    # PostgreSQL names what is missing by the first statement to meet it: the table (a
    # relation) or its row type (a type), depending on which of the worker's queries ran first
    assert '"procrastinate_jobs" does not exist' in last, last
