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
class PhaseProgress:
    """How far a phase of a running job is: ``done`` of ``total`` items, the last one named."""

    phase: str
    done: int
    total: int
    item: str


@dataclass
class Job:
    """A run in the background: the task, its progress per phase, what it said.

    Attributes:
        label: what the run does (``Planning``, ``Running``).
        task: the run; its result is the branch's status.
        progress: the latest progress line (``Running storyboard… 3/9 (beat 3)``).
        phases: progress of each phase the run has reached, in the order reached.
        messages: lines the run said (an edit's effects), shown when it ends.
    """

    label: str
    task: asyncio.Task[dict[str, Any]]
    progress: str = ""
    phases: list[PhaseProgress] = field(default_factory=list)
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
        # A phase announces itself with an empty item, then one event per finished item.
        done = counts[e.phase] = counts.get(e.phase, 0) + (1 if e.item else 0)
        job.progress = render.progress_text(e.phase, e.item, done, e.total)
        step = PhaseProgress(e.phase, min(done, e.total), e.total, e.item)
        if job.phases and job.phases[-1].phase == e.phase:
            job.phases[-1] = step
        else:
            job.phases.append(step)

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
