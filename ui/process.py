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
import time
from collections.abc import Awaitable, Callable
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

    Attributes:
        enabled: run a worker in this process.
        concurrency: runs at once.
        grace_s: seconds running jobs get to finish when the server stops, before they go
            back to the queue.
        restart_first_s: seconds before restarting a worker that stopped on its own (an
            error); doubled on each restart in a row, up to ``restart_max_s``.
        restart_max_s: the longest wait between two restarts, seconds.
    """

    enabled: bool = True
    concurrency: int = 4
    grace_s: float = 10.0
    restart_first_s: float = 1.0
    restart_max_s: float = 60.0


#: A worker that ran this long (seconds) before it stopped starts its backoff afresh.
HEALTHY_S = 300.0


async def supervise(
    name: str,
    work: Callable[[], Awaitable[None]],
    *,
    first_s: float = 1.0,
    max_s: float = 60.0,
) -> None:
    """Run ``work`` until cancelled, starting it again whenever it ends on its own.

    A worker in a server must not die silently: ``work`` that raises, or returns (a worker
    only returns when stopped, and nothing here stopped it), is logged as an error and started
    again after a backoff (``first_s``, doubled on each restart in a row up to ``max_s``; a
    run that lasted :data:`HEALTHY_S` starts the backoff afresh). Cancelling this (a stopping
    server) cancels ``work``, which stops as it is told, and ends the loop.

    Args:
        name: what the logs call the worker ("the chat's worker").
        work: starts the worker and returns (or raises) when it stops.
        first_s: the first wait before a restart, seconds.
        max_s: the longest wait, seconds.

    Raises:
        asyncio.CancelledError: when cancelled (the only way this ends).
    """
    restarts = 0
    while True:
        started = time.monotonic()
        error: Exception | None = None
        try:
            await work()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            error = exc
        if time.monotonic() - started >= HEALTHY_S:
            restarts = 0
        wait_s = min(max_s, first_s * 2**restarts)
        restarts += 1
        log.error(
            "%s %s; restarting it in %.3g s (restart %d)",
            name,
            "stopped by itself" if error is None else "failed",
            wait_s,
            restarts,
            exc_info=error,
        )
        await asyncio.sleep(wait_s)
        log.warning("%s: restart %d", name, restarts)


class ProcessQueue:
    """A server's job queue over the process's studio, opened on first use, with its worker.

    The worker is a task of this process (unless its config says not), in an empty context:
    the request or chat session that happened to open the queue owns nothing of it, and
    supervised (:func:`supervise`): one that stops on an error is logged and started again.
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
                await self._stop()  # a worker over a studio closed since must not go on
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
        async def work() -> None:
            await queue.work(
                concurrency=config.concurrency,
                grace_s=config.grace_s,
                install_signal_handlers=False,
            )

        await supervise(
            self._name, work, first_s=config.restart_first_s, max_s=config.restart_max_s
        )

    @property
    def working(self) -> bool:
        """Whether this process runs a worker (its supervisor) now."""
        return self._worker is not None and not self._worker.done()

    async def close(self) -> None:
        """Stop the worker (its running jobs go back to the queue after its grace), close."""
        async with self._lock:
            await self._stop()

    async def _stop(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            await asyncio.gather(self._worker, return_exceptions=True)
        self._worker = None
        cm, self._queue, self._cm = self._cm, None, None
        if cm is not None:
            try:
                await cm.__aexit__(None, None, None)
            except Exception:
                log.warning("closing %s's queue failed", self._name, exc_info=True)
