"""The LangGraph server's checkpointer: reelgraph's Postgres saver on reelgraph's database.

``langgraph.json``: ``"checkpointer": {"path": "./agent/server/checkpointer.py:saver"}``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver

from agent.deps import open_deps
from agent.phases import common
from agent.settings import Settings


@asynccontextmanager
async def saver() -> AsyncIterator[AsyncPostgresSaver]:
    """Open reelgraph's Deps from the environment and yield their checkpointer.

    Settings come from the environment (``DATABASE_URL``, else the embedded server in
    ``REELGRAPH_HOME``); the schema and LangGraph's migrations are applied. The same Deps
    serve the graph's nodes in this event loop (:func:`agent.phases.common.share`), so
    checkpoints, artifacts and the memo share one connection pool. The server enters this
    once per event loop.

    Raises:
        StorageError: the database cannot be started or reached.
    """
    async with open_deps(Settings()) as deps:
        common.share(deps)
        try:
            yield deps.saver
        finally:
            common.unshare()
