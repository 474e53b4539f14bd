"""Edits are jobs of the queue, and a run waiting in it shows as ``queued`` over HTTP.

``reelgraph edit --detach`` only enqueues: a worker process applies the edit and runs the branch
it makes to its pause. ``GET /api/status`` says ``queued`` with the position in the queue while a
continue waits for a worker, not the pause the branch is still at. The HTTP test has a database
of its own (on the session's server), so no other test's worker takes its jobs.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import psycopg
import pytest

from tests.conftest import ApiServer, Cli
from tests.integration.conftest import FRESH_SEEDS
from tests.integration.polling import cli_json, until
from tests.servers import free_port, serving

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_a_detached_edit_is_a_job_a_worker_applies(
    cli: Cli, worker: subprocess.Popen[bytes]
) -> None:
    seed = str(next(FRESH_SEEDS))
    made = cli_json(
        cli, "generate", "A 6-second ad for Quill pens", "--duration", "6", "--seed", seed
    )
    video = made["video_id"]
    assert (made["status"], made["phase"]) == ("paused", "plan")

    queued = cli_json(cli, "edit", video, "make it 8 seconds", "--detach")
    assert queued["status"] in ("queued", "running") and isinstance(queued["job_id"], int)
    assert queued["branch"] == "main", "the edit has not run yet: nothing forked here"

    def ended() -> str | None:
        with psycopg.connect(cli.env["DATABASE_URL"]) as conn:
            row = conn.execute(
                "SELECT status FROM procrastinate_jobs WHERE id = %s", (queued["job_id"],)
            ).fetchone()
        return None if row is None or row[0] in ("todo", "doing") else str(row[0])

    assert until("the worker to apply the edit", ended, 120) == "succeeded"
    rows = {b["name"]: b for b in cli_json(cli, "branches", video)["branches"]}
    assert (rows["main-1"]["parent"], rows["main-1"]["status"]) == ("main", "paused")
    assert rows["main-1"]["phase"] == "plan"
    st = cli_json(cli, "status", video, "--branch", "main-1")
    assert st["queue_position"] is None and st["job_id"] is None
    with psycopg.connect(cli.env["DATABASE_URL"]) as conn:
        ran = conn.execute(
            "SELECT worker, outcome, result->>'branch' FROM reelgraph_job_runs WHERE job_id = %s",
            (queued["job_id"],),
        ).fetchall()
    # a worker ran it once (this one, or another test's server's worker on the same database)
    assert [(o, b) for _, o, b in ran] == [("succeeded", "main-1")], ran
    assert ran[0][0].rpartition(":")[2] != str(os.getpid()), "the command only queued it"
    main = cli_json(cli, "status", video)
    assert (main["status"], main["phase"]) == ("paused", "plan"), "the parent stays as it was"


def test_http_status_says_queued_with_its_position_while_a_run_waits(
    own_database: str, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": own_database,
        "REELGRAPH_HOME": str(tmp_path),
        "REELGRAPH_API_TOKENS": "tok:tester",
        "REELGRAPH_USER": "tester",
    }
    cli = Cli(env, tmp_path)
    seed = str(next(FRESH_SEEDS))
    videos = [
        cli_json(cli, "generate", f"A 6-second ad for Quill pens, take {i}", "--duration", "6",
              "--seed", seed)["video_id"]
        for i in (1, 2)
    ]  # fmt: skip
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    argv = [sys.executable, "-m", "ui.cli", "serve", "--port", str(port), "--no-worker"]
    auth = {"Authorization": "Bearer tok"}
    with serving(argv, env, tmp_path / "server.log", f"{url}/api/openapi.json"):
        with httpx.Client(base_url=url, headers=auth, timeout=30) as http:
            before = http.get(f"/api/status/{videos[0]}").json()
            assert (before["status"], before["queue_position"]) == ("paused_at_phase1", None)
            for position, video in enumerate(videos, start=1):
                cps = http.get(f"/api/video/{video}/checkpoints").json()["checkpoints"]
                go = http.post(
                    f"/api/video/{video}/continue", json={"checkpoint_id": cps[-1]["id"]}
                )
                assert go.status_code == 200, go.text
                st = http.get(f"/api/status/{video}").json()
                assert (st["status"], st["queue_position"]) == ("queued", position), st
                assert st["current_checkpoint"]["id"] == cps[-1]["id"], "nothing ran yet"
            # no worker serves this database: the runs wait; cancelling one moves the other up
            cli("cancel", videos[0])
            assert http.get(f"/api/status/{videos[0]}").json()["status"] == "paused_at_phase1"
            st = http.get(f"/api/status/{videos[1]}").json()
            assert (st["status"], st["queue_position"]) == ("queued", 1), st
            cli("cancel", videos[1])


def test_a_detached_edit_that_fails_before_it_forks_shows_its_error_in_status(
    cli: Cli, worker: subprocess.Popen[bytes], api_server: ApiServer
) -> None:
    """The user queued an edit and must learn it failed: at the CLI and over HTTP alike."""
    seed = str(next(FRESH_SEEDS))
    video = cli_json(
        cli, "generate", "A 6-second ad for Linden honey", "--duration", "6", "--seed", seed
    )["video_id"]
    db_url = cli.env["DATABASE_URL"]

    def ended(job_id: int) -> Callable[[], str | None]:
        def check() -> str | None:
            with psycopg.connect(db_url) as conn:
                row = conn.execute(
                    "SELECT status FROM procrastinate_jobs WHERE id = %s", (job_id,)
                ).fetchone()
            return None if row is None or row[0] in ("todo", "doing") else str(row[0])

        return check

    # a storyboard edit at the plan pause: the worker refuses it before anything forks
    queued = cli_json(cli, "edit", video, "regenerate beat 2", "--detach")
    assert until("the worker to try the edit", ended(queued["job_id"]), 120) == "failed"

    st = cli_json(cli, "status", video)
    assert (st["status"], st["phase"]) == ("paused", "plan"), "the branch is as it was"
    assert st["error"] and "failed" in st["error"] and "storyboard" in st["error"], st
    assert f"job {queued['job_id']}" in st["error"]
    shown = " ".join(cli("status", video).stdout.split())  # the table wraps long cells
    assert "error the edit (job" in shown and "failed and changed nothing" in shown, shown
    with httpx.Client(base_url=api_server.url, headers=api_server.auth("tester")) as http:
        body = http.get(f"/api/status/{video}").json()
    assert (body["status"], body["error"]) == ("paused_at_phase1", st["error"]), body
    assert [b["name"] for b in cli_json(cli, "branches", video)["branches"]] == ["main"]

    # the next request supersedes it: an edit that works leaves the branch without the error
    again = cli_json(cli, "edit", video, "make it 8 seconds", "--detach")
    assert until("the worker to apply the edit", ended(again["job_id"]), 120) == "succeeded"
    assert cli_json(cli, "status", video)["error"] is None
