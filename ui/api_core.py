"""What every HTTP route needs: the process's studio, the caller's identity, background runs.

The studio is opened on the first request (and closed by the app's lifespan), so the app works
both under ``reelgraph serve`` and mounted as custom routes of the LangGraph server, whose
lifespan may start before the database is wanted. Runs never execute inside a request: they are
jobs on the queue (:mod:`agent.queue`), which this process's worker (unless ``reelgraph serve
--no-worker``) or any ``reelgraph worker`` runs. A request only enqueues and answers, holding
no connection across a run. Edits are jobs on the same queue.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from agent.db import DB_GONE_ERRORS, gone
from agent.queue import Queue
from agent.settings import Settings
from agent.state import PHASES, Phase
from agent.studio import ProgressEvent, Studio
from ui import process


def settings() -> Settings:
    """The configuration, read from the environment once per process."""
    return process.settings()


async def get_studio() -> AsyncIterator[Studio]:
    """The process's studio (:func:`ui.process.studio`), opened on first use.

    A request that finds the database gone (a stopped server, no pooled connection free in
    time) gets the StorageError of :func:`agent.db.gone`, which the app answers with 503 and
    one line, rather than a 500 with psycopg's text.
    """
    studio = await process.studio()
    try:
        yield studio
    except DB_GONE_ERRORS as exc:
        raise gone(exc) from exc


#: This process's worker settings (set by ``reelgraph serve`` before the app starts).
WORKER = process.WorkerConfig()

log = logging.getLogger("reelgraph.server")


_queue = process.ProcessQueue(
    "the in-process worker", lambda: WORKER, on_progress=lambda v, b, e: _track(v, b, e)
)


async def get_queue() -> Queue:
    """The process's job queue, opened on first use; starts the in-process worker if enabled.

    Raises:
        StorageError: the database cannot be reached or set up.
    """
    return await _queue.get()


async def close_studio() -> None:
    """Stop the worker, close the queue and the studio (at shutdown); reopened on next use.

    The worker gets its grace period to finish running jobs, then hands them back to the
    queue (another worker, or this server's next start, resumes them).
    """
    await _queue.close()
    await process.close()


bearer = HTTPBearer(auto_error=False, description="A token from REELGRAPH_API_TOKENS")


def current_user(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> str:
    """The user id of the request's bearer token (``REELGRAPH_API_TOKENS``).

    Raises:
        HTTPException: 401 when the header is missing or the token is unknown.
    """
    challenge = {"WWW-Authenticate": "Bearer"}
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "send 'Authorization: Bearer <token>' with a token from REELGRAPH_API_TOKENS",
            challenge,
        )
    given = credentials.credentials.encode()
    user = None
    for token, name in settings().api_users().items():
        if hmac.compare_digest(token.encode(), given):
            user = name
    if user is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "unknown bearer token", challenge)
    return user


User = Annotated[str, Depends(current_user)]
StudioDep = Annotated[Studio, Depends(get_studio)]
QueueDep = Annotated[Queue, Depends(get_queue)]


# -- background runs ------------------------------------------------------------------------


@dataclass
class Progress:
    """How far a run in this process is: the phase running and items done of its total."""

    phase: Phase
    done: int = 0
    total: int = 0

    @property
    def percent(self) -> float:
        """Progress over the four phases, 0-100 (each phase is a quarter)."""
        share = self.done / self.total if self.total else 0.0
        return round(100.0 * (PHASES.index(self.phase) + min(share, 1.0)) / len(PHASES), 1)


_progress: dict[tuple[str, str], Progress] = {}


def progress_of(video_id: str, branch: str) -> Progress | None:
    """The progress of the latest job of this branch that this process's worker ran."""
    return _progress.get((video_id, branch))


def _track(video_id: str, branch: str, e: ProgressEvent) -> None:
    """Record a queued run's progress (the in-process worker calls this on each event)."""
    key = (video_id, branch)
    p = _progress.get(key)
    if p is None or p.phase != e.phase:
        p = _progress[key] = Progress(e.phase, total=e.total)
    p.total = e.total
    if e.item:
        p.done += 1
