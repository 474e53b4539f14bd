"""The process's studio, shared by the servers (the chat, the HTTP API) of one process.

Opened on first use, not at import or in a lifespan, so an app works the same whether it runs
on its own or mounted in another server. When it opens, runs that a crash cut off (DESIGN.md
§5) are finished in the background; a branch another process is running is left alone (the
run lock says so).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from contextlib import AsyncExitStack

from agent.settings import Settings
from agent.studio import Studio

log = logging.getLogger("reelgraph.server")

_settings: Settings | None = None
_studio: Studio | None = None
_stack = AsyncExitStack()
_lock = asyncio.Lock()
_recovery: asyncio.Task[None] | None = None


def settings() -> Settings:
    """The configuration, read from the environment once per process."""
    global _settings
    if _settings is None:
        _settings = Settings()
    return _settings


async def studio() -> Studio:
    """The process's studio (database, store, providers), opened on first use.

    Raises:
        StorageError: the database cannot be started or reached.
    """
    global _studio, _recovery
    async with _lock:
        if _studio is None:
            _studio = await _stack.enter_async_context(Studio.open(settings()))
            # An empty context: the request or chat session that opened the studio owns
            # nothing of the recovery, and its end cancels nothing.
            _recovery = asyncio.get_running_loop().create_task(
                _finish_cut_off(_studio), context=contextvars.Context()
            )
        return _studio


async def _finish_cut_off(s: Studio) -> None:
    try:
        finished = await s.resume_cut_off()
    except Exception:
        log.exception("finishing runs cut off by a crash failed")
        return
    for st in finished:
        log.info("finished cut-off run: video %s branch %s", st["video_id"], st["branch"])


async def close() -> None:
    """Close the studio's connections (at shutdown); the next use opens it again."""
    global _studio, _recovery
    async with _lock:
        if _recovery is not None and not _recovery.done():
            _recovery.cancel()
        _recovery = None
        await _stack.aclose()
        _studio = None
