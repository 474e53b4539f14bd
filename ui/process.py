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
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack
from dataclasses import dataclass
from typing import Any

from agent.queue import Queue
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
        log.info("finished cut-off run: video %s branch %s", st.video_id, st.branch)


async def close() -> None:
    """Close the studio's connections (at shutdown); the next use opens it again."""
    global _studio, _recovery
    async with _lock:
        if _recovery is not None and not _recovery.done():
            _recovery.cancel()
        _recovery = None
        await _stack.aclose()
        _studio = None


@dataclass
class WorkerConfig:
    """Whether a process runs queued runs itself, how many at once, and its grace at shutdown.

    ``reelgraph serve --no-worker`` (``REELGRAPH_CHAT_WORKER=0`` for the chat) turns it off:
    runs then wait for ``reelgraph worker`` processes.
    """

    enabled: bool = True
    concurrency: int = 4
    grace_s: float = 10.0


class ProcessQueue:
    """A server's job queue over the process's studio, opened on first use, with its worker.

    The worker is a task of this process (unless its config says not), in an empty context:
    the request or chat session that happened to open the queue owns nothing of it.
    """

    def __init__(
        self,
        name: str,
        worker: Callable[[], WorkerConfig],
        on_progress: Callable[..., None] | None = None,
    ) -> None:
        """Set up the queue; nothing opens until :meth:`get`.

        Args:
            name: what the logs call the worker ("the chat's worker").
            worker: reads the worker's config when the queue opens.
            on_progress: passed to :class:`agent.queue.Queue` (progress of the jobs it runs).
        """
        self._name, self._config, self._on_progress = name, worker, on_progress
        self._queue: Queue | None = None
        self._cm: AbstractAsyncContextManager[Queue] | None = None
        self._worker: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    async def get(self) -> Queue:
        """The queue, opened (and its worker started) on first use or after the studio changed.

        Raises:
            StorageError: the database cannot be reached or set up.
        """
        s = await studio()
        async with self._lock:
            if self._queue is None or self._queue.studio is not s:
                kwargs: dict[str, Any] = {}
                if self._on_progress is not None:
                    kwargs["on_progress"] = self._on_progress
                self._cm = Queue.open(s, **kwargs)
                self._queue = await self._cm.__aenter__()
                config = self._config()
                if config.enabled:
                    self._worker = asyncio.get_running_loop().create_task(
                        self._work(self._queue, config), context=contextvars.Context()
                    )
            return self._queue

    async def _work(self, queue: Queue, config: WorkerConfig) -> None:
        try:
            await queue.work(
                concurrency=config.concurrency,
                grace_s=config.grace_s,
                install_signal_handlers=False,
            )
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("%s stopped", self._name)

    async def close(self) -> None:
        """Stop the worker (its running jobs go back to the queue after its grace), close."""
        async with self._lock:
            if self._worker is not None:
                self._worker.cancel()
                await asyncio.gather(self._worker, return_exceptions=True)
            self._worker = None
            if self._cm is not None:
                await self._cm.__aexit__(None, None, None)
            self._queue, self._cm = None, None
