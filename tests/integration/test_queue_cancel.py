"""``reelgraph cancel`` on a queued run and on a running one, against a real worker process."""

from __future__ import annotations

import signal
import subprocess
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import psycopg
import pytest

from tests.conftest import Cli
from tests.integration.conftest import FRESH_SEEDS
from tests.integration.polling import cli_json, until

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _job(cli: Cli, job_id: int) -> tuple[str, bool]:
    """The job's (status, abort_requested) in Procrastinate's table."""
    with psycopg.connect(cli.env["DATABASE_URL"]) as conn:
        row = conn.execute(
            "SELECT status, abort_requested FROM procrastinate_jobs WHERE id = %s", (job_id,)
        )
        found = row.fetchone()
    assert found is not None
    return str(found[0]), bool(found[1])


def _job_status(cli: Cli, job_id: int) -> str:
    return _job(cli, job_id)[0]


def test_cancel_removes_a_queued_run(cli: Cli) -> None:
    seed = str(next(FRESH_SEEDS))
    queued = cli_json(
        cli, "generate", "A 6-second ad for Quill pens", "--duration", "6", "--seed", seed,
        "--detach",
    )  # fmt: skip
    video = queued["video_id"]
    assert cli_json(cli, "status", video)["status"] == "queued"  # no worker runs here
    done = cli_json(cli, "cancel", video)
    assert [(c["job_id"], c["was"]) for c in done["cancelled"]] == [(queued["job_id"], "queued")]
    assert _job_status(cli, queued["job_id"]) == "cancelled"
    after = cli_json(cli, "status", video)
    assert (after["status"], after["queue_position"], after["phase"]) == ("paused", None, None)
    assert cli_json(cli, "cancel", video)["cancelled"] == []  # nothing left to cancel


def test_cancel_aborts_a_running_run_and_the_branch_keeps_its_last_pause(
    cli: Cli, worker: subprocess.Popen[bytes]
) -> None:
    seed = str(next(FRESH_SEEDS))
    queued = cli_json(
        cli, "generate", "A 6-second ad for Tern kayaks", "--duration", "6", "--seed", seed,
        "--yolo", "--detach",
    )  # fmt: skip
    video, job_id = queued["video_id"], queued["job_id"]

    def past_plan() -> dict[str, Any] | None:
        st = cli_json(cli, "status", video)
        if st["status"] == "complete":
            pytest.fail("the run finished before it could be cancelled")
        past = st["phase"] not in (None, "plan")  # None: the run has not reached its plan
        return st if st["status"] == "running" and past else None

    until("the run to pass its plan", past_plan, 300)
    # Hold the worker where it is until the abort request is in, so the run cannot finish
    # first: what is tested is cancelling a run that is running, not a race against its end.
    worker.send_signal(signal.SIGSTOP)
    try:
        with ThreadPoolExecutor(1) as pool:
            cancelling = pool.submit(cli_json, cli, "cancel", video)
            until("the abort request", lambda: _job(cli, job_id)[1] or None, 60)
            worker.send_signal(signal.SIGCONT)
            done = cancelling.result()
    finally:
        worker.send_signal(signal.SIGCONT)
    assert [(c["job_id"], c["was"], c["stopped"]) for c in done["cancelled"]] == [
        (job_id, "running", True)
    ]
    assert _job_status(cli, job_id) == "aborted"
    st = cli_json(cli, "status", video)
    assert st["status"] == "failed" and "cancelled" in st["error"]
    assert st["final_video"] is None
    assert "spec" in st["artifacts"], "the plan made before the cancel was lost"
    assert worker.poll() is None, "cancelling a run stopped the worker"
