"""Fixtures shared by the integration tests."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import IO, Any

import imageio_ffmpeg
import psycopg
import pytest
import pytest_asyncio
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from agent.deps import open_deps
from agent.settings import Settings
from agent.studio import Studio
from tests.conftest import REPO, ApiServer, Cli
from tests.integration.chat_browser import Chat, Server, chat_server, launch_chromium, tab
from tests.servers import free_port, serving

#: Seeds no earlier run of the suite used, so the memo of a shared database never answers.
FRESH_SEEDS: Iterator[int] = itertools.count(int.from_bytes(os.urandom(3), "big") * 100 + 7)


@pytest.fixture
def own_database(database_url: str) -> Iterator[str]:
    """A fresh, empty database on the session's server (its URL), dropped after the test.

    For a test whose workers, queue tables or broken schema must not meet other tests'.
    """
    name = f"own_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield make_conninfo(**{**conninfo_to_dict(database_url), "dbname": name})
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest_asyncio.fixture
async def studio(database_url: str, tmp_path: Path) -> AsyncIterator[Studio]:
    """A studio on the session's database with its own data directory."""
    settings = Settings(home=tmp_path / "home", database_url=database_url)
    async with open_deps(settings) as deps:
        yield Studio(deps)


@pytest.fixture(scope="module")
def clip_mp4(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A small real MP4, as a video model would return: 10 s, 24 fps, 320x180."""
    path = tmp_path_factory.mktemp("clip") / "clip.mp4"
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i",
         "testsrc2=size=320x180:rate=24:duration=10", "-c:v", "libx264", "-preset", "ultrafast",
         "-pix_fmt", "yuv420p", str(path)],
        check=True,
    )  # fmt: skip
    return path.read_bytes()


# -- the chat in a browser (tests/integration/test_chat*.py) ---------------------------------


@pytest.fixture(scope="session")
def chat_site(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One Chainlit chat server with password logins for alice and bob, for the session."""
    with chat_server(tmp_path_factory.mktemp("chat-home"), database_url, logins=True) as s:
        yield s


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Debian's chromium under Playwright, for one test module (skips if it is missing).

    Not for the session: Playwright's sync API drives its event loop from greenlets on this
    thread, so while it is open asyncio sees a running loop here, and every later
    ``pytest.mark.asyncio`` test would fail with "cannot be called from a running event loop".
    """
    with launch_chromium() as b:
        yield b


@pytest.fixture
def chat(chromium: Any, chat_site: Server) -> Iterator[Chat]:
    """A fresh browser context on the chat, logged in as alice."""
    with tab(chromium, chat_site, "alice") as c:
        yield c


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """A failed test with a ``chat`` shows what the server and the page said.

    A fixture never sees its test's exception, so this is where a CI failure gets its log.
    """
    report = yield
    chat = getattr(item, "funcargs", {}).get("chat")
    if report.when == "call" and report.failed and isinstance(chat, Chat):
        report.sections.append(("chat server and page", chat.detail()))
    return report


#: The users of the shared :func:`api_server`: each test module signs in as its own, so what
#: one module makes never shows in another's lists.
API_USERS = ("alice", "bob", "briefer", "tester", "effects", "crowd")


@pytest.fixture(scope="session")
def api_server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiServer]:
    """One ``reelgraph serve`` for the session, on a free loopback port, in its own process.

    It serves the session's database with its own ``REELGRAPH_HOME`` and the default
    settings; a test that needs other settings (keys, pool sizes, a stopped database) starts
    its own. Users sign in with ``api_server.auth(user)``, ``user`` one of :data:`API_USERS`.
    """
    home = tmp_path_factory.mktemp("api-home")
    port = free_port()
    server = ApiServer(f"http://127.0.0.1:{port}", home, API_USERS)
    tokens = ",".join(f"{server.token(user)}:{user}" for user in API_USERS)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REELGRAPH_HOME": str(home),
        "REELGRAPH_API_TOKENS": tokens,
    }
    argv = [sys.executable, "-m", "ui.cli", "serve", "--port", str(port)]
    with serving(argv, env, home / "server.log", f"{server.url}/api/openapi.json"):
        yield server


def start_worker(
    cli: Cli, *args: str, stderr: int | IO[bytes] = subprocess.DEVNULL
) -> subprocess.Popen[bytes]:
    """Start ``reelgraph worker *args`` in its own process, with ``cli``'s environment.

    Args:
        cli: whose environment (database, ``REELGRAPH_HOME``) the worker gets.
        *args: the worker's options, e.g. ``("--heartbeat", "1")``.
        stderr: where its log goes: ``subprocess.DEVNULL`` (default), ``subprocess.PIPE`` or
            an open binary file. Its stdout is discarded.

    Returns:
        The running process; the caller stops it.
    """
    return subprocess.Popen(
        [sys.executable, "-m", "ui.cli", "worker", *args],
        env=cli.env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
    )


@pytest.fixture
def worker(cli: Cli) -> Iterator[subprocess.Popen[bytes]]:
    """A ``reelgraph worker`` process on the test database, stopped (or killed) after the test.

    Default heartbeat and stalled-after (each worker records its own, and the others judge it
    by those: :class:`agent.queue.Workers`).
    """
    proc = start_worker(cli)
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
