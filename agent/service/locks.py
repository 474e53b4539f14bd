"""A branch's run lock: one run per branch at a time, whichever runtime runs it.

The lock is a PostgreSQL session advisory lock keyed on the branch's thread id
(``hashtext('run:<thread_id>')``). Every run takes it: the studio's runs
(:meth:`agent.studio.Studio.run`, which the job queue's workers and foreground commands call)
and the LangGraph server's runs (:mod:`agent.server.graph`, which takes it for the length of
each run). A run that finds it taken is refused with :class:`~agent.errors.BranchBusy`; a job
of the queue refused so is retried with backoff (:data:`agent.queue.TRANSIENT`).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import psycopg
from psycopg import AsyncConnection
from psycopg.rows import DictRow

from agent import db

#: A connection a run holds for itself (its run lock).
Connection = AsyncConnection[DictRow]


def _key(thread_id: str) -> str:
    return f"run:{thread_id}"


async def try_lock(conn: AsyncConnection[Any], thread_id: str) -> bool:
    """Take the branch's run lock on ``conn`` if nobody holds it; True if taken.

    Args:
        conn: the connection (session) that will hold the lock.
        thread_id: the branch's LangGraph thread id.
    """
    cur = await conn.execute("SELECT pg_try_advisory_lock(hashtext(%s)) AS ok", (_key(thread_id),))
    row = await cur.fetchone()
    return bool(row and row["ok"])


async def unlock(conn: AsyncConnection[Any], thread_id: str) -> None:
    """Release the branch's run lock held on ``conn`` (nothing if it does not hold it)."""
    await conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", (_key(thread_id),))


#: Whether a session holds the advisory lock ``hashtext(%s)`` in this database. PostgreSQL shows
#: a bigint key's high half in ``classid`` and its low half in ``objid``, with ``objsubid`` 1
#: (PostgreSQL 18 documentation, "pg_locks").
_HELD_SQL = """
SELECT EXISTS (
  SELECT 1 FROM pg_locks
  WHERE locktype = 'advisory' AND objsubid = 1 AND granted
    AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
    AND ((classid::bigint << 32) | objid::bigint) = hashtext(%s)::bigint
) AS held
"""


async def is_held(pool: db.Pool, thread_id: str) -> bool:
    """Whether some run (in any process, any runtime) holds the branch's run lock now.

    It only looks (``pg_locks``): taking the lock to see whether it is free would, for that
    moment, refuse a run starting on the branch (a status poll made runs fail as busy).
    """
    async with pool.connection() as conn:
        cur = await conn.execute(_HELD_SQL, (_key(thread_id),))
        row = await cur.fetchone()
        return bool(row and row["held"])


@asynccontextmanager
async def run_lock(pool: db.Pool, thread_id: str) -> AsyncIterator[Connection | None]:
    """Hold the branch's run lock for a run; yields None if another run holds it.

    The lock lives on a connection of its own, outside the pool, for as long as the run
    lasts (released when it ends, or when the process dies): a pooled connection held across
    a whole run would starve the pool once a few runs go at once.

    Args:
        pool: the database's pool (the connection is opened to the same database).
        thread_id: the branch's LangGraph thread id.

    Raises:
        StorageError: the database cannot be reached.
    """
    conn = await db.connect(pool)
    locked = False
    try:
        locked = await try_lock(conn, thread_id)
        yield conn if locked else None
    finally:
        if locked and not conn.broken:
            # Unlock before closing: the server frees a closed session's locks only when its
            # backend exits, after close() returns, so a next run could still find it busy.
            with contextlib.suppress(psycopg.Error):
                await unlock(conn, thread_id)
        await conn.close()
