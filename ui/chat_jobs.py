"""Runs in the background, outside any chat session: one registry per server process.

A page reload or a closed tab gives Chainlit a new session; the run it started must not
notice. So each run is an ``asyncio`` task created with an empty context (nothing of the
session leaks in, nothing of it can cancel the run), kept here by (video, branch) until it
ends. Sessions follow a job by polling its progress line and awaiting its task.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from agent.errors import UserError
from agent.studio import ProgressEvent
from ui import chat_render as render

Work = Callable[[Callable[[ProgressEvent], None], list[str]], Coroutine[Any, Any, dict[str, Any]]]


@dataclass
class Job:
    """A run in the background: the task, its latest progress line, what it said."""

    label: str
    task: asyncio.Task[dict[str, Any]]
    progress: str = ""
    messages: list[str] = field(default_factory=list)


_jobs: dict[tuple[str, str], Job] = {}


def start_job(
    video_id: str,
    branch: str,
    label: str,
    work: Work,
) -> Job:
    """Start ``work`` outside any chat session; one job per (video, branch) at a time.

    Raises:
        UserError: the branch is already running here.
    """
    key = (video_id, branch)
    if (old := _jobs.get(key)) and not old.task.done():
        raise UserError(f"branch {branch} is running ({old.progress or old.label}); wait for it")
    counts: dict[str, int] = {}
    messages: list[str] = []

    def on_progress(e: ProgressEvent) -> None:
        counts[e.phase] = counts.get(e.phase, 0) + 1
        job.progress = render.progress_text(e.phase, e.item, counts[e.phase], e.total)

    # An empty context: nothing of the session that started it (Chainlit's context var) leaks
    # in, and the session going away cancels nothing.
    task: asyncio.Task[dict[str, Any]] = asyncio.get_running_loop().create_task(
        work(on_progress, messages), context=contextvars.Context()
    )
    job = Job(label, task, messages=messages)
    _jobs[key] = job
    task.add_done_callback(lambda t: _jobs.pop(key, None) if _jobs.get(key) is job else None)
    return job


def running_job(video_id: str, branch: str) -> Job | None:
    """The job running this branch in this process, if any."""
    job = _jobs.get((video_id, branch))
    return job if job and not job.task.done() else None
