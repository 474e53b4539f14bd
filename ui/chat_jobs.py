"""The chat's runs as jobs of the queue (:mod:`agent.queue`), followed by its sessions.

Every run the chat starts (a brief's plan, Continue, an edit, a continue said in words) is a
job of the queue, locked on its branch as every job is; this process runs a worker of its own
(unless ``REELGRAPH_CHAT_WORKER=0``, the chat's ``--no-worker``: then ``reelgraph worker``
processes run them). Nothing here keeps runs: a session waits on a job by asking the queue for
its outcome, and a page reload finds the branch's job in the queue again
(:func:`running_job`). Progress comes from the queue too (:meth:`agent.queue.Queue.progress`),
whichever worker runs the job.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from agent.editing import Edit
from agent.queue import PhaseStep, Queue
from agent.service.status import BranchStatus
from ui import process

log = logging.getLogger("reelgraph.chat")

#: Seconds a session waits on a job before asking again (it waits for as long as it runs).
JOB_WAIT_S = 3600.0

#: The work of one message, given the list to say lines in; it starts runs with :func:`run_job`.
Work = Callable[[list[str]], Coroutine[Any, Any, BranchStatus]]


@dataclass
class Job:
    """Work a session follows: a job of the queue, or a message's tool calls that start jobs.

    Attributes:
        video_id: the video.
        branch: the branch whose progress it shows.
        label: what the run does (``Planning``, ``Running``).
        task: waits for the work to end; its result is the branch's status. Created with an
            empty context, so the session that started it cancels nothing when it goes.
        messages: lines the work said (an edit's effects), shown when it ends.
        after_job: the jobs whose progress it shows have greater ids than this.
    """

    video_id: str
    branch: str
    label: str
    task: asyncio.Task[BranchStatus]
    messages: list[str] = field(default_factory=list)
    after_job: int = 0

    async def phases(self) -> list[PhaseStep]:
        """Progress of each phase the branch's latest job has reached, in the order reached."""
        return await (await queue()).progress(self.video_id, self.branch, self.after_job)


_queue = process.ProcessQueue(
    "the chat's worker",
    lambda: process.WorkerConfig(enabled=process.settings().chat_worker, concurrency=2),
)


async def queue() -> Queue:
    """The process's job queue for the chat, opened on first use (with its worker).

    Raises:
        StorageError: the database cannot be reached or set up.
    """
    return await _queue.get()


async def close() -> None:
    """Stop the worker (running jobs go back to the queue after its grace) and the queue."""
    await _queue.close()


def _background(work: Coroutine[Any, Any, BranchStatus]) -> asyncio.Task[BranchStatus]:
    # An empty context: nothing of the session that started it (Chainlit's context var) leaks
    # in, and the session going away cancels nothing.
    return asyncio.get_running_loop().create_task(work, context=contextvars.Context())


async def run_job(
    video_id: str,
    user_id: str,
    branch: str,
    *,
    auto_continue: bool = False,
    edits: list[Edit] | None = None,
) -> BranchStatus:
    """Queue a run (or an edit) of the branch and wait for it to end.

    Returns:
        The branch's status afterwards (an edit's
        :class:`~agent.service.status.EditOutcome`, with the branch it made).

    Raises:
        BranchBusy: a different run of the branch waits in the queue.
        ReelgraphError: the job failed (its error, as raised).
    """
    q = await queue()
    job = await q.enqueue(video_id, user_id, branch, auto_continue=auto_continue, edits=edits)
    return await _wait(q, job.job_id)


async def _wait(q: Queue, job_id: int) -> BranchStatus:
    while True:
        result = await q.wait_result(job_id, JOB_WAIT_S)
        if result is not None:
            return result


async def start_job(video_id: str, branch: str, label: str, work: Work) -> Job:
    """Start the work of a message outside any chat session, followed under (video, branch).

    ``work`` starts its runs through :func:`run_job` (jobs of the queue); what it says goes to
    the job's messages.
    """
    messages: list[str] = []
    after = await (await queue()).last_job_id()
    return Job(video_id, branch, label, _background(work(messages)), messages, after)


async def busy(video_id: str, branch: str) -> bool:
    """Whether a job of the branch waits or runs in the queue (any process's)."""
    return await (await queue()).job_of(video_id, branch) is not None


async def running_job(video_id: str, branch: str) -> Job | None:
    """The branch's job waiting or running in the queue (any process's), to follow; or None."""
    q = await queue()
    found = await q.job_of(video_id, branch)
    if found is None:
        return None
    label = "Waiting in the queue" if found.position > 0 else "Running"
    return Job(video_id, branch, label, _background(_wait(q, found.job_id)), [], found.job_id - 1)
