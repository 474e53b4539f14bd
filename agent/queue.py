"""Runs as jobs on a Procrastinate queue in the project's database (issue 11, "The queue").

One job per run of a branch. Every job carries the branch's thread id as its Procrastinate
``lock`` (no two jobs of one branch run at once, in any process) and as its ``queueing_lock``
(a second request while one waits collapses into the waiting job). The job calls
:meth:`agent.studio.Studio.run`, which takes the branch's run lock (a PostgreSQL advisory lock,
the one the LangGraph server's runs take too), so one run per branch holds across the queue's
workers, foreground commands and the LangGraph server alike.

Workers (``reelgraph worker``, or one inside ``reelgraph serve``) send heartbeats, each at its
own rate, which it records as it registers (:class:`Workers`); each one re-queues, at start
and every :attr:`Queue.stalled_after_s` / 2 seconds, the jobs of workers whose heartbeat
stopped for longer than *their own* stalled-after (``retry_job``), so a worker started with a
short one never takes the jobs, nor deletes the row, of a worker that beats less often. A
worker whose row another program deleted registers again and goes on. A re-queued
run resumes from its last checkpoint and the memo answers for every finished item, so no paid
call is made twice. Transient errors (:data:`TRANSIENT`) are retried with exponential
backoff; any other error fails the job, and the run has recorded it in the branch's status.

A foreground command (``reelgraph generate`` without ``--detach``) defers its job to a queue
of its own and runs it in its own process (:meth:`Queue.run_here`), so a laptop needs no
worker. Every job, wherever it runs, writes a row to ``reelgraph_job_runs`` (job, branch
thread, worker, start, end, outcome): the audit that shows which worker ran what, and when.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import signal
import socket
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from typing import Any, Literal

import procrastinate
import psycopg
from procrastinate import exceptions as pq_exceptions
from procrastinate import manager as pq_manager
from procrastinate import utils
from procrastinate.job_context import AbortReason, JobContext
from procrastinate.jobs import Job, Status
from procrastinate.retry import BaseRetryStrategy, RetryDecision
from procrastinate.schema import SchemaManager
from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from agent import branches, db, errors
from agent.editing import Edit
from agent.errors import BranchBusy, ProviderTimeout, ReelgraphError, StorageError
from agent.service import edits as edit_json
from agent.service.status import BranchStatus, EditOutcome, QueuedStatus, run_result
from agent.settings import Settings
from agent.studio import CUT_OFF, ProgressEvent, Studio

log = logging.getLogger("agent.queue")

#: The prefix of the queue workers take runs from (:func:`runs_queue` adds the store).
RUNS = "runs"

#: The task's name, as stored in each job row.
TASK = "reelgraph.run_branch"

#: Errors worth another attempt later: a provider past its deadline, and a branch that
#: another runtime (the LangGraph server, a foreground command) is running right now.
TRANSIENT: tuple[type[BaseException], ...] = (ProviderTimeout, BranchBusy)

#: Attempts of a job that keeps failing with a transient error, the first included.
MAX_ATTEMPTS = 5

#: First wait before retrying a transient failure, seconds; doubled on each attempt.
BACKOFF_S = 5.0

#: Seconds ``cancel`` waits for a running job to stop.
CANCEL_WAIT_S = 30.0

#: Seconds a foreground command waits, after its run ended, for the queue to record the end.
RECORD_WAIT_S = 3.0

#: Seconds a job's end waits to be written to the audit table before it is given up.
AUDIT_WAIT_S = 3.0

#: Seconds between two looks at a job's outcome while waiting for it.
RESULT_POLL_S = 0.5

#: Advisory lock id that serialises the queue's schema set-up between processes.
_QUEUE_SCHEMA_LOCK = 0x72717565  # "rque"

#: The audit of who ran what: one row per attempt of a job.
_AUDIT_DDL = """
CREATE TABLE IF NOT EXISTS reelgraph_job_runs (
    id          bigserial PRIMARY KEY,
    job_id      bigint NOT NULL,
    thread_id   text NOT NULL,
    worker      text NOT NULL,
    from_checkpoint text,
    started_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    ended_at    timestamptz,
    outcome     text
);
CREATE INDEX IF NOT EXISTS reelgraph_job_runs_job ON reelgraph_job_runs (job_id);
ALTER TABLE reelgraph_job_runs ADD COLUMN IF NOT EXISTS result jsonb;
ALTER TABLE reelgraph_job_runs ADD COLUMN IF NOT EXISTS progress jsonb;
ALTER TABLE reelgraph_job_runs ADD COLUMN IF NOT EXISTS progress_seq integer NOT NULL DEFAULT 0;
CREATE TABLE IF NOT EXISTS reelgraph_workers (
    worker_id       bigint PRIMARY KEY REFERENCES procrastinate_workers (id) ON DELETE CASCADE,
    name            text NOT NULL,
    heartbeat_s     double precision NOT NULL,
    stalled_after_s double precision NOT NULL
);
"""

#: What a job does: run a branch to its next pause (generate, continue), or edit it.
Action = Literal["run", "edit"]
JobState = Literal["queued", "running"]


@dataclass(frozen=True)
class Enqueued:
    """A run waiting in (or taken from) the queue.

    Attributes:
        job_id: the job's id (``procrastinate_jobs.id``).
        position: 1 for the next job a worker takes, 2 after it, …; 0 once it runs.
        existing: True if an equal request was already waiting and this one joined it.
    """

    job_id: int
    position: int
    existing: bool = False

    @property
    def status(self) -> JobState:
        """``queued`` while it waits, ``running`` once a worker has it."""
        return "running" if self.position == 0 else "queued"


@dataclass(frozen=True)
class Cancelled:
    """What ``cancel`` did to one job of the branch.

    Attributes:
        job_id: the job.
        was: ``queued`` (removed before it ran) or ``running`` (aborted).
        done: True once the job has stopped (a running one may take a moment).
    """

    job_id: int
    was: JobState
    done: bool


@dataclass(frozen=True)
class PhaseStep:
    """How far one phase of a job is.

    Attributes:
        phase: the phase.
        done: items finished.
        total: items the phase has.
        item: the last item finished (``beat_02``), or ``""`` as the phase starts.
        job_id: the job it is a phase of, as :meth:`Queue.progress` reads it (0 while the
            job's own worker keeps it).
    """

    phase: str
    done: int
    total: int
    item: str
    job_id: int = 0


class _SharedProgress:
    """A job's progress, kept in its audit row so any process can show it (:meth:`progress`).

    Each event rewrites the row's list of phase steps in a task of its own; a sequence number
    keeps a late write from replacing a newer one. :meth:`flush` waits for the writes.
    """

    def __init__(self, pool: db.Pool, audit_id: int) -> None:
        self.pool, self.audit_id = pool, audit_id
        self.steps: list[PhaseStep] = []
        self.counts: dict[str, int] = {}
        self.seq = 0
        self.writes: set[asyncio.Task[None]] = set()

    def add(self, e: ProgressEvent) -> None:
        # A phase announces itself with an empty item, then one event per finished item.
        done = self.counts[e.phase] = self.counts.get(e.phase, 0) + (1 if e.item else 0)
        step = PhaseStep(e.phase, min(done, e.total), e.total, e.item)
        if self.steps and self.steps[-1].phase == e.phase:
            self.steps[-1] = step
        else:
            self.steps.append(step)
        self.seq += 1
        data = [s.__dict__ for s in self.steps]
        task = asyncio.get_running_loop().create_task(self._write(data, self.seq))
        self.writes.add(task)
        task.add_done_callback(self.writes.discard)

    async def _write(self, data: list[dict[str, Any]], seq: int) -> None:
        with suppress(Exception):  # progress is for show: it never fails nor holds up a run
            async with asyncio.timeout(AUDIT_WAIT_S), self.pool.connection() as conn:
                await conn.execute(
                    """UPDATE reelgraph_job_runs SET progress = %s, progress_seq = %s
                       WHERE id = %s AND progress_seq < %s""",
                    (Jsonb(data), seq, self.audit_id, seq),
                )

    async def flush(self) -> None:
        """Wait for the writes under way."""
        if self.writes:
            await asyncio.wait(set(self.writes))


class HandedBack(Exception):
    """A worker stopping (SIGTERM past its grace period) handed its job back to the queue."""


class Retry(BaseRetryStrategy):
    """When a failed job runs again: hand-backs at once, transient errors with backoff.

    A foreground job (``attached``) is never retried: its command reports the error and
    exits, and the user runs it again.
    """

    def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
        """The retry of a job that raised ``exception`` (None: it fails for good)."""
        if job.task_kwargs.get("attached"):
            return None
        if isinstance(exception, HandedBack):
            return RetryDecision(retry_in={"seconds": 0})
        if isinstance(exception, TRANSIENT) and job.attempts + 1 < MAX_ATTEMPTS:
            return RetryDecision(retry_in={"seconds": int(BACKOFF_S * 2**job.attempts)})
        return None


#: A condition on ``procrastinate_workers w``: the worker is past its own recorded
#: stalled-after, or, having recorded none (another program's worker), past the longest any
#: worker recorded; never before ``%(floor_s)s`` seconds.
_STALLED_WORKER = """w.last_heartbeat < now() - make_interval(secs => greatest(%(floor_s)s,
    coalesce((SELECT r.stalled_after_s FROM reelgraph_workers r WHERE r.worker_id = w.id),
             (SELECT max(r.stalled_after_s) FROM reelgraph_workers r), %(floor_s)s)))"""


class Workers(pq_manager.JobManager):
    """Procrastinate's job manager, with workers that say how often they beat and survive pruning.

    Procrastinate 3.10 deletes, as each worker starts, the rows of all workers whose heartbeat
    is older than that worker's own ``stalled_worker_timeout`` (``Worker.run`` →
    ``prune_stalled_workers``); a worker whose row is gone fails its next ``fetch_job`` on
    ``procrastinate_jobs_worker_id_fkey`` and stops. So one worker started with a short
    stalled-after killed every worker that beats less often (the chat's, seen in CI). Here:

    - each worker records its heartbeat and stalled-after in ``reelgraph_workers`` in the
      statement that registers it, and pruning (and :meth:`Queue.retry_stalled`) counts a
      worker as dead only past its *own* stalled-after; one that recorded none (another
      program's) only past the longest any worker recorded;
    - a worker whose row was deleted anyway (another program pruned it) registers again under
      its own id and takes its running jobs back, with a warning, rather than dying.
    """

    def __init__(
        self,
        connector: procrastinate.PsycopgConnector,
        *,
        name: str,
        heartbeat_s: float,
        stalled_after_s: float,
        running: Callable[[int], Iterable[int]],
    ) -> None:
        """A manager for the workers of one :class:`Queue`.

        Args:
            connector: the app's connector.
            name: the workers' name (``host:pid``), recorded for people reading the table.
            heartbeat_s: seconds between the workers' heartbeats.
            stalled_after_s: seconds without a heartbeat after which they count as dead.
            running: the ids of the jobs a worker (by its id) runs now in this process.
        """
        super().__init__(connector)
        self.name, self.heartbeat_s, self.stalled_after_s = name, heartbeat_s, stalled_after_s
        self.running = running

    def _record(self, worker_id: str) -> str:
        return f"""INSERT INTO reelgraph_workers (worker_id, name, heartbeat_s, stalled_after_s)
                   SELECT id, %(name)s, %(heartbeat_s)s, %(stalled_after_s)s FROM {worker_id}
                   ON CONFLICT (worker_id) DO NOTHING"""

    def _params(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "heartbeat_s": self.heartbeat_s,
            "stalled_after_s": self.stalled_after_s,
        }

    async def register_worker(self) -> int:
        """Register a worker with its heartbeat and stalled-after; its id."""
        row = await self.connector.execute_query_one_async(
            query=f"""WITH w AS (INSERT INTO procrastinate_workers DEFAULT VALUES RETURNING id),
                           r AS ({self._record("w")})
                      SELECT id AS worker_id FROM w""",
            **self._params(),
        )
        return int(row["worker_id"])

    async def prune_stalled_workers(self, seconds_since_heartbeat: float) -> list[int]:
        """Delete the workers past their own stalled-after (and ``seconds_since_heartbeat``).

        Args:
            seconds_since_heartbeat: the pruning worker's own stalled-after, a floor.

        Returns:
            The ids of the workers deleted.
        """
        rows = await self.connector.execute_query_all_async(
            query=f"""DELETE FROM procrastinate_workers w WHERE {_STALLED_WORKER}
                      RETURNING w.id AS worker_id""",
            floor_s=seconds_since_heartbeat,
        )
        return [int(r["worker_id"]) for r in rows]

    async def update_heartbeat(self, worker_id: int) -> None:
        """Beat; a worker whose row another process deleted registers again (:meth:`rejoin`).

        A beat that fails is logged and the next one tries again. Procrastinate 3.10 would end
        its heartbeat task on the first error without stopping the worker (its side-task
        monitor returns as soon as the periodic deferrer, which has nothing to do here, does),
        so one lost connection silenced a worker for good and the others then took its jobs.
        A worker whose beats keep failing counts as dead after its stalled-after, as it should.
        """
        try:
            rows = await self.connector.execute_query_all_async(
                query="""UPDATE procrastinate_workers SET last_heartbeat = now()
                         WHERE id = %(worker_id)s RETURNING id""",
                worker_id=worker_id,
            )
            if not rows:
                await self.rejoin(worker_id)
        except pq_exceptions.ConnectorException as exc:
            log.warning(
                "worker %s (id %s): heartbeat failed, trying again at the next: %s",
                self.name,
                worker_id,
                _cause(exc),
            )

    async def fetch_job(self, queues: Iterable[str] | None, worker_id: int) -> Job | None:
        """Take the next job; a worker whose row was deleted registers again first."""
        try:
            return await super().fetch_job(queues, worker_id)
        except pq_exceptions.ConnectorException as exc:
            if not isinstance(exc.__cause__, psycopg.errors.ForeignKeyViolation):
                raise
        await self.rejoin(worker_id)
        return await super().fetch_job(queues, worker_id)

    async def rejoin(self, worker_id: int) -> None:
        """Register a live worker whose row was deleted again, under its id, with its jobs.

        The jobs it runs lost their worker when the row went (``ON DELETE SET NULL``); those
        still running and not re-queued meanwhile are its own again.
        """
        jobs = sorted(self.running(worker_id))
        await self.connector.execute_query_async(
            query=f"""WITH w AS (INSERT INTO procrastinate_workers (id) OVERRIDING SYSTEM VALUE
                                 VALUES (%(worker_id)s) ON CONFLICT (id) DO NOTHING RETURNING id),
                           r AS ({self._record("w")})
                      SELECT count(*) FROM w""",
            worker_id=worker_id,
            **self._params(),
        )
        if jobs:
            await self.connector.execute_query_async(
                query="""UPDATE procrastinate_jobs SET worker_id = %(worker_id)s
                         WHERE id = ANY(%(jobs)s) AND status = 'doing' AND worker_id IS NULL""",
                worker_id=worker_id,
                jobs=jobs,
            )
        log.warning(
            "worker %s (id %s) was removed from the queue's workers by another process;"
            " registered it again, with its %d running job(s)",
            self.name,
            worker_id,
            len(jobs),
        )


#: Called with (video_id, branch, event) for every progress event of a job run here.
ProgressListener = Callable[[str, str, ProgressEvent], None]


class Queue:
    """The studio's runs as Procrastinate jobs: enqueue, work, cancel, position, reap.

    Open it with :meth:`open`; one per process is enough (it holds a small pool of its own).
    """

    def __init__(
        self,
        studio: Studio,
        *,
        heartbeat_s: float = 10.0,
        stalled_after_s: float = 30.0,
        on_progress: ProgressListener | None = None,
    ) -> None:
        """Build the queue over ``studio``'s database (not connected until :meth:`open`).

        Args:
            studio: the studio whose runs the jobs are.
            heartbeat_s: seconds between a worker's heartbeats.
            stalled_after_s: seconds without a heartbeat after which a worker counts as dead
                and its jobs are re-queued (at least three heartbeats).
            on_progress: told of every progress event of every job run in this process.
        """
        self.studio = studio
        self.heartbeat_s = heartbeat_s
        self.stalled_after_s = max(stalled_after_s, 3 * heartbeat_s)
        self.on_progress = on_progress
        self.worker_name = f"{socket.gethostname()}:{os.getpid()}"
        url = studio.deps.pool.conninfo
        connector = procrastinate.PsycopgConnector(
            conninfo=url, min_size=1, max_size=4, pool_factory=db.ProbingPool
        )
        self.app = procrastinate.App(connector=connector)
        #: The jobs each worker of this queue (by its id) runs now.
        self._running: dict[int, int | None] = {}
        self.app.job_manager = Workers(
            connector,
            name=self.worker_name,
            heartbeat_s=self.heartbeat_s,
            stalled_after_s=self.stalled_after_s,
            running=lambda worker_id: [j for j, w in self._running.items() if w == worker_id],
        )
        #: The queue of this studio's runs: jobs of videos whose media this studio's store holds.
        self.runs = runs_queue(studio.deps.settings)
        self.task = self.app.task(name=TASK, pass_context=True, queue=self.runs, retry=Retry())(
            self._run_job
        )
        self._hooks: dict[int, Callable[[ProgressEvent], None]] = {}
        self._outcomes: dict[int, BranchStatus | BaseException] = {}
        self._ended: dict[int, asyncio.Event] = {}

    @classmethod
    @asynccontextmanager
    async def open(cls, studio: Studio, **kwargs: Any) -> AsyncIterator[Queue]:
        """A queue over ``studio``'s database, its schema set up, closed after.

        Args:
            studio: the studio.
            **kwargs: as for :class:`Queue`.

        Raises:
            StorageError: the database cannot be reached or set up.
        """
        queue = cls(studio, **kwargs)
        await setup(studio.deps.pool)
        try:
            await queue.app.open_async()
        except Exception as exc:
            raise StorageError(f"cannot open the job queue: {exc}") from exc
        try:
            yield queue
        finally:
            await queue.app.close_async()

    # -- enqueueing ------------------------------------------------------------------------

    async def enqueue(
        self,
        video_id: str,
        user_id: str,
        branch: str = "main",
        *,
        auto_continue: bool = False,
        queue: str | None = None,
        attached: bool = False,
        edits: list[Edit] | None = None,
    ) -> Enqueued:
        """Queue a run of the branch to its next pause (to the end with ``auto_continue``).

        With ``edits``, the job is an edit (:meth:`Studio.edit`): applied at the branch's
        pause (forking a branch, or on a fork not yet continued), then run to its next pause.
        A request equal to one already waiting for this branch joins it (``existing``).

        Args:
            video_id: the video.
            user_id: its owner.
            branch: the branch to run.
            auto_continue: run through every remaining phase.
            queue: the queue to wait in (default :attr:`runs`; a foreground command's own).
            attached: a foreground command runs the job itself and reports its errors (no
                retries).
            edits: the edits of an edit job (None: a run).

        Returns:
            The job and its position.

        Raises:
            NotFound: unknown video (or someone else's) or branch.
            BranchBusy: a different request for this branch is already waiting.
        """
        await self.studio.video(video_id, user_id)
        row = await branches.get(self.studio.deps.pool, video_id, branch)
        kwargs: dict[str, Any] = {
            "video_id": video_id,
            "user_id": user_id,
            "branch": branch,
            "action": "edit" if edits else "run",
            "auto_continue": auto_continue,
            "attached": attached,
        }
        if edits:
            kwargs["edits"] = edit_json.to_json(edits)
        queue = queue or self.runs
        deferrer = self.task.configure(lock=row.thread_id, queueing_lock=row.thread_id, queue=queue)
        try:
            job_id = await deferrer.defer_async(**kwargs)
        except pq_exceptions.AlreadyEnqueued:
            waiting = await self._waiting_job(row.thread_id)
            if waiting is None:  # it started meanwhile: queue behind it
                job_id = await deferrer.defer_async(**kwargs)
            else:
                same = all(waiting[1].get(k) == v for k, v in kwargs.items() if k != "attached")
                if attached or not same or waiting[2] != queue:
                    raise BranchBusy(
                        f"branch {branch} of video {video_id} already has a run waiting"
                        f" (job {waiting[0]}); `reelgraph cancel {video_id}` removes it"
                    ) from None
                return Enqueued(waiting[0], await self.position(waiting[0]), existing=True)
        return Enqueued(job_id, await self.position(job_id))

    async def _waiting_job(self, thread_id: str) -> tuple[int, dict[str, Any], str] | None:
        async with self.studio.deps.pool.connection() as conn:
            cur = await conn.execute(
                """SELECT id, args, queue_name FROM procrastinate_jobs
                   WHERE queueing_lock = %s AND status = 'todo'""",
                (thread_id,),
            )
            row = await cur.fetchone()
        return (int(row["id"]), dict(row["args"]), str(row["queue_name"])) if row else None

    async def position(self, job_id: int) -> int:
        """Where a job stands: 1 is next, 0 is running (or finished), -1 no such job."""
        async with self.studio.deps.pool.connection() as conn:
            cur = await conn.execute(
                """SELECT j.status, (SELECT count(*) FROM procrastinate_jobs o
                        WHERE o.queue_name = j.queue_name AND o.status = 'todo'
                          AND (o.priority > j.priority
                               OR (o.priority = j.priority AND o.id < j.id))) AS ahead
                   FROM procrastinate_jobs j WHERE j.id = %s""",
                (job_id,),
            )
            row = await cur.fetchone()
        if row is None:
            return -1
        return int(row["ahead"]) + 1 if row["status"] == "todo" else 0

    async def job_of(self, video_id: str, branch: str) -> Enqueued | None:
        """The branch's job that waits or runs now, if any (the oldest)."""
        row = await branches.get(self.studio.deps.pool, video_id, branch)
        async with self.studio.deps.pool.connection() as conn:
            cur = await conn.execute(
                """SELECT id FROM procrastinate_jobs WHERE lock = %s
                   AND status IN ('todo', 'doing') ORDER BY status = 'doing' DESC, id LIMIT 1""",
                (row.thread_id,),
            )
            found = await cur.fetchone()
        if found is None:
            return None
        job_id = int(found["id"])
        return Enqueued(job_id, await self.position(job_id))

    async def failed_edit(self, video_id: str, branch: str) -> str | None:
        """Why the branch's latest request, a queued edit, failed before it forked; else None.

        An edit that forked has a branch of its own whose run records its outcome; one refused
        before (a wrong phase, an edit that changes nothing, a beat that is not there) changes
        no branch, and its error is only in the job's record. While that edit is the newest
        job of the branch, every door's status shows its error (the user who queued it must
        learn it failed); the next run or edit of the branch supersedes it. A foreground
        edit's command reported its error itself.

        Args:
            video_id: the video.
            branch: the branch the edit was asked of.

        Raises:
            NotFound: unknown video or branch.
        """
        row = await branches.get(self.studio.deps.pool, video_id, branch)
        async with self.studio.deps.pool.connection() as conn:
            cur = await conn.execute(
                """SELECT j.id, j.status, j.args, a.result, a.first_started_at
                   FROM procrastinate_jobs j
                   LEFT JOIN LATERAL (
                        SELECT (array_agg(r.result ORDER BY r.id DESC))[1] AS result,
                               min(r.started_at) AS first_started_at
                        FROM reelgraph_job_runs r WHERE r.job_id = j.id) a ON true
                   WHERE j.lock = %s ORDER BY j.id DESC LIMIT 1""",
                (row.thread_id,),
            )
            job = await cur.fetchone()
        if job is None or str(job["status"]) != "failed":
            return None
        args = dict(job["args"])
        if args.get("action") != "edit" or args.get("attached"):
            return None
        started = job["first_started_at"]
        if started is None or await self.studio.records.newest_child(video_id, branch, started):
            return None
        error = (job["result"] or {}).get("error") or "the job ended: failed"
        return f"the edit (job {job['id']}) failed and changed nothing: {error}"

    async def status(self, video_id: str, user_id: str, branch: str = "main") -> QueuedStatus:
        """:meth:`Studio.status`, with ``queued`` and ``queue_position`` while a job waits.

        ``running`` once a worker has the job (before the run itself says so). ``error`` says
        why a queued edit failed before it forked (:meth:`failed_edit`).

        Also ``job_id`` of the branch's waiting or running job (None when there is none).
        """
        # The job first: one that ends in between leaves the branch's status at its end (a
        # moment stale, "running"); the other way round, a run that starts and ends in between
        # would show as never started with no job.
        await self.studio.video(video_id, user_id)  # someone else's video: NotFound, first
        job = await self.job_of(video_id, branch)
        st = await self.studio.status(video_id, user_id, branch)
        queued = QueuedStatus.model_validate(
            {
                **dict(st),
                "job_id": job.job_id if job else None,
                "queue_position": job.position if job and job.position > 0 else None,
            }
        )
        if job and job.position > 0:
            return queued.model_copy(update={"status": "queued", "error": None})
        if job and st.status != "complete" and st.error != CUT_OFF:
            # a worker has taken the job: the branch runs, whatever its row said before (a
            # run handed back records the cancel it got, until the next attempt starts). Not
            # when the run was cut off: its row says running but no process holds its lock, so
            # the job's process died with it (``continue`` resumes the branch)
            return queued.model_copy(update={"status": "running", "error": None})
        if job is None and st.error is None:
            return queued.model_copy(update={"error": await self.failed_edit(video_id, branch)})
        return queued

    # -- cancelling ------------------------------------------------------------------------

    async def cancel(
        self, video_id: str, user_id: str, branch: str = "main", *, wait_s: float = CANCEL_WAIT_S
    ) -> list[Cancelled]:
        """Remove the branch's waiting jobs and abort its running one.

        An aborted run stops where it is; the branch keeps every checkpoint up to its last
        pause (and the items that finished since, which the memo reuses), and ``continue``
        runs it on from there.

        Args:
            video_id: the video.
            user_id: its owner.
            branch: the branch.
            wait_s: how long to wait for a running job to stop, seconds.

        Returns:
            What happened to each job (empty when nothing waited or ran).

        Raises:
            NotFound: unknown video (or someone else's) or branch.
        """
        await self.studio.video(video_id, user_id)
        row = await branches.get(self.studio.deps.pool, video_id, branch)
        async with self.studio.deps.pool.connection() as conn:
            cur = await conn.execute(
                """SELECT id, status FROM procrastinate_jobs
                   WHERE lock = %s AND status IN ('todo', 'doing') ORDER BY id""",
                (row.thread_id,),
            )
            jobs = [(int(r["id"]), str(r["status"])) for r in await cur.fetchall()]
        done: list[Cancelled] = []
        for job_id, state in jobs:
            await self.app.job_manager.cancel_job_by_id_async(job_id, abort=True)
            was: JobState = "queued" if state == "todo" else "running"
            stopped = was == "queued" or await self._stopped(job_id, wait_s)
            done.append(Cancelled(job_id, was, stopped))
        if any(c.was == "running" for c in done):
            await self._settle_cancelled(row.video_id, row.name)
        return done

    async def _stopped(self, job_id: int, wait_s: float) -> bool:
        """Wait (polling, up to ``wait_s``) for a job to leave ``doing``."""
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            status = await self.app.job_manager.get_job_status_async(job_id)
            if status != Status.DOING:
                return True
            await asyncio.sleep(0.2)
        return False

    async def _settle_cancelled(self, video_id: str, branch: str) -> None:
        """Say why an aborted run stopped, rather than the bare CancelledError it recorded."""
        row = await branches.get(self.studio.deps.pool, video_id, branch)
        if row.status in ("failed", "running"):
            await branches.set_status(
                self.studio.deps.pool,
                video_id,
                branch,
                "failed",
                error=f"cancelled; `reelgraph continue {video_id}"
                + (f" --branch {branch}" if branch != "main" else "")
                + "` runs it on from its last pause, keeping finished work",
            )

    # -- working ---------------------------------------------------------------------------

    async def _run_job(
        self,
        context: JobContext,
        *,
        video_id: str,
        user_id: str,
        branch: str,
        action: str = "run",
        auto_continue: bool = False,
        attached: bool = False,
        edits: list[dict[str, Any]] | None = None,
    ) -> None:
        """The task: run (or edit) the branch, recording the attempt in ``reelgraph_job_runs``.

        The attempt's row ends with its outcome and, when it succeeded, the branch's status
        afterwards (an edit's with the branch it made and its effects): :meth:`result`.
        """
        job_id = context.job.id
        assert job_id is not None  # a fetched job has its id
        self._running[job_id] = context.job.worker_id
        try:
            await self._run_job_here(
                context, job_id, video_id, user_id, branch, action, auto_continue, edits
            )
        finally:
            self._running.pop(job_id, None)

    async def _run_job_here(
        self,
        context: JobContext,
        job_id: int,
        video_id: str,
        user_id: str,
        branch: str,
        action: str,
        auto_continue: bool,
        edits: list[dict[str, Any]] | None,
    ) -> None:
        thread_id = context.job.lock or ""
        head, paused = await self.studio.head(video_id, branch)
        first = await self._first_start(job_id)
        audit = await self._audit_start(job_id, thread_id, head)
        if action == "run" and first is not None and paused and head != first:
            # An earlier attempt reached its pause and died before the queue heard of it:
            # running again would go on past the pause the user asked to stop at.
            log.warning("job %s already reached its pause; not running it again", job_id)
            await self._audit_end(audit, "already ran")
            self._outcomes[job_id] = await self.studio.status(video_id, user_id, branch)
            return
        hook = self._hooks.get(job_id)
        shared = _SharedProgress(self.studio.deps.pool, audit)

        def on_progress(event: ProgressEvent) -> None:
            if hook:
                hook(event)
            if self.on_progress:
                self.on_progress(video_id, branch, event)
            shared.add(event)

        outcome = "failed"
        result: dict[str, Any] | None = None
        try:
            done: BranchStatus
            if action == "edit":
                done = await self._edit(
                    job_id, video_id, user_id, branch, edit_json.from_json(edits or []), on_progress
                )
            else:
                done = await self.studio.run(
                    video_id, user_id, branch, auto_continue=auto_continue, on_progress=on_progress
                )
            self._outcomes[job_id] = done
            result = done.model_dump(mode="json")
            outcome = "succeeded"
        except asyncio.CancelledError:
            reason = context.abort_reason()
            if reason is AbortReason.USER_REQUEST:
                outcome = "cancelled"
                self._outcomes[job_id] = ReelgraphError(
                    f"the run was cancelled; `reelgraph continue {video_id}` runs it on"
                )
                raise pq_exceptions.JobAborted("cancelled by the user") from None
            if reason is AbortReason.SHUTDOWN:
                outcome = "handed back"
                self._outcomes[job_id] = ReelgraphError(
                    f"stopped; `reelgraph continue {video_id}` runs it on, keeping finished work"
                )
                raise HandedBack("the worker stopped; the run goes back to the queue") from None
            raise
        except BranchBusy as exc:
            outcome = "busy"  # the graph did not run here: another runtime holds the branch
            self._outcomes[job_id] = exc
            result = _failure(exc)
            raise
        except BaseException as exc:
            self._outcomes[job_id] = exc
            if isinstance(exc, Exception):
                result = _failure(exc)
            raise
        finally:
            if (ended := self._ended.get(job_id)) is not None:
                ended.set()
            await shared.flush()
            await self._audit_end(audit, outcome, result)

    async def _first_start(self, job_id: int) -> str | None:
        """The checkpoint the job's first attempt started from (None: this is the first)."""
        async with self.studio.deps.pool.connection() as conn:
            cur = await conn.execute(
                """SELECT coalesce(from_checkpoint, '') AS cp FROM reelgraph_job_runs
                   WHERE job_id = %s ORDER BY id LIMIT 1""",
                (job_id,),
            )
            row = await cur.fetchone()
        return str(row["cp"]) if row else None

    async def _audit_start(self, job_id: int, thread_id: str, head: str | None) -> int:
        async with self.studio.deps.pool.connection() as conn:
            cur = await conn.execute(
                """INSERT INTO reelgraph_job_runs (job_id, thread_id, worker, from_checkpoint)
                   VALUES (%s, %s, %s, %s) RETURNING id""",
                (job_id, thread_id, self.worker_name, head),
            )
            row = await cur.fetchone()
        assert row is not None
        return int(row["id"])

    async def _audit_end(
        self, audit_id: int, outcome: str, result: dict[str, Any] | None = None
    ) -> None:
        # The audit never hides nor holds up the run's own outcome (a database gone away
        # would keep a pooled connection waiting for 20 s).
        with suppress(Exception):
            async with asyncio.timeout(AUDIT_WAIT_S), self.studio.deps.pool.connection() as conn:
                await conn.execute(
                    """UPDATE reelgraph_job_runs SET ended_at = clock_timestamp(), outcome = %s,
                              result = %s WHERE id = %s""",
                    (outcome, Jsonb(result) if result is not None else None, audit_id),
                )

    async def _edit(
        self,
        job_id: int,
        video_id: str,
        user_id: str,
        branch: str,
        edits: list[Edit],
        on_progress: Callable[[ProgressEvent], None],
    ) -> EditOutcome:
        """An edit job's work: :meth:`Studio.edit`, once.

        An earlier attempt that died after it forked has left its branch: that branch is run
        on to its pause (its finished work reused) rather than forked a second time.
        """
        since = await self._first_started_at(job_id)
        made = None
        if since is not None:
            made = await self.studio.records.newest_child(video_id, branch, since)
        if made is None:
            return await self.studio.edit(video_id, user_id, branch, edits, on_progress)
        status = await self.studio.run(video_id, user_id, made, on_progress=on_progress)
        return EditOutcome.of(status, created_branch=True, parent=branch)

    async def _first_started_at(self, job_id: int) -> Any:
        """When the job's first attempt started, if an earlier attempt than this one exists."""
        async with self.studio.deps.pool.connection() as conn:
            cur = await conn.execute(
                """SELECT started_at, count(*) OVER () AS attempts FROM reelgraph_job_runs
                   WHERE job_id = %s ORDER BY id LIMIT 1""",
                (job_id,),
            )
            row = await cur.fetchone()
        return row["started_at"] if row and int(row["attempts"]) > 1 else None

    async def progress(self, video_id: str, branch: str, after_job: int = 0) -> list[PhaseStep]:
        """How far the branch's latest job got, whichever worker runs it: one step per phase.

        Args:
            video_id: the video.
            branch: the branch.
            after_job: only jobs with a greater id count (:meth:`last_job_id` before they
                were queued), so an earlier run's progress is never shown as this one's.

        Returns:
            The phases its newest attempt reached, in order, each with items done of total,
            the last item finished and the job's id (empty before the branch's first job
            reports).
        """
        row = await branches.get(self.studio.deps.pool, video_id, branch)
        async with self.studio.deps.pool.connection() as conn:
            cur = await conn.execute(
                """SELECT progress, job_id FROM reelgraph_job_runs
                   WHERE thread_id = %s AND job_id > %s ORDER BY id DESC LIMIT 1""",
                (row.thread_id, after_job),
            )
            found = await cur.fetchone()
        if not found or not found["progress"]:
            return []
        return [PhaseStep(**{**step, "job_id": int(found["job_id"])}) for step in found["progress"]]

    async def last_job_id(self) -> int:
        """The newest job's id (0 before the first): every job queued later has a greater one."""
        async with self.studio.deps.pool.connection() as conn:
            cur = await conn.execute("SELECT coalesce(max(id), 0) AS id FROM procrastinate_jobs")
            row = await cur.fetchone()
        return int(row["id"]) if row else 0

    async def wait_result(self, job_id: int, wait_s: float) -> BranchStatus | None:
        """Wait up to ``wait_s`` for a job to end; its status afterwards (None: not yet).

        An edit job's is an :class:`~agent.service.status.EditOutcome`.

        Polls :meth:`result` (a pooled connection for one statement each time, none held in
        between), so it works whichever process runs the job.

        Raises:
            ReelgraphError: the job failed: its error, of the class it was raised as
                (:mod:`agent.errors`), with its message; or it was cancelled.
        """
        deadline = time.monotonic() + wait_s
        while True:
            outcome, result = await self.result(job_id)
            if outcome == "succeeded" and result is not None:
                return run_result(result)
            if outcome is not None:
                raise _error_of(outcome, result)
            if time.monotonic() >= deadline:
                return None
            await asyncio.sleep(RESULT_POLL_S)

    async def result(self, job_id: int) -> tuple[str | None, dict[str, Any] | None]:
        """A job's outcome so far: (outcome, the branch's status afterwards).

        Returns:
            ``(None, None)`` while it waits or runs; then the outcome of its last attempt
            (``succeeded``, ``failed``, ``cancelled``, ``busy``, …; ``gone`` if there is no
            such job) and, when it succeeded,
            the status it recorded (an edit's with ``branch``, ``created_branch``,
            ``effect`` and ``effects``).
        """
        async with self.studio.deps.pool.connection() as conn:
            cur = await conn.execute(
                """SELECT j.status, a.outcome, a.result FROM procrastinate_jobs j
                   LEFT JOIN LATERAL (SELECT outcome, result FROM reelgraph_job_runs r
                        WHERE r.job_id = j.id ORDER BY r.id DESC LIMIT 1) a ON true
                   WHERE j.id = %s""",
                (job_id,),
            )
            row = await cur.fetchone()
        if row is None:
            return "gone", None
        if row["status"] in ("todo", "doing"):
            return None, None
        return (row["outcome"] or str(row["status"])), row["result"]

    async def work(
        self,
        *,
        concurrency: int = 1,
        grace_s: float = 30.0,
        queues: list[str] | None = None,
        install_signal_handlers: bool = True,
        on_started: Callable[[], None] | None = None,
    ) -> None:
        """Run jobs until stopped (SIGINT/SIGTERM, or this coroutine cancelled).

        Re-queues stalled jobs at start and every ``stalled_after_s / 2`` seconds. The signal
        handlers are in place before ``on_started`` is called, so a process manager that
        stops the worker as soon as it says it is up stops it gracefully, never by the
        signal's default action.

        Args:
            concurrency: how many runs at once.
            grace_s: on stop, how long running jobs get to finish before they are handed
                back to the queue (another worker resumes them from their last checkpoint).
            queues: queues to take jobs from (default :attr:`runs`).
            install_signal_handlers: stop gracefully on SIGINT/SIGTERM (this returns then).
            on_started: called once the worker is ready to be stopped by a signal.

        Raises:
            StorageError: the worker stopped without being told to (an error of the queue's
                database); whoever started it decides whether to start it again.
            asyncio.CancelledError: this coroutine was cancelled (not by a signal).
        """
        loop = asyncio.get_running_loop()
        reaper = loop.create_task(self._reap_forever())
        worker = loop.create_task(
            self.app.run_worker_async(
                queues=queues or [self.runs],
                concurrency=concurrency,
                name=self.worker_name,
                shutdown_graceful_timeout=grace_s,
                update_heartbeat_interval=self.heartbeat_s,
                stalled_worker_timeout=self.stalled_after_s,
                install_signal_handlers=False,
                fetch_job_polling_interval=2.0,
                abort_job_polling_interval=1.0,
            )
        )
        signalled: list[int] = []

        def stop(sig: int) -> None:
            # Cancelling Procrastinate's worker stops it as its own signal handler does:
            # running jobs get their grace period, then go back to the queue.
            signalled.append(sig)
            worker.cancel()

        handled = (signal.SIGINT, signal.SIGTERM) if install_signal_handlers else ()
        for sig in handled:
            loop.add_signal_handler(sig, stop, sig)
        try:
            if on_started:
                on_started()
            await worker
            if not signalled:
                _raise_if_told_to_stop()
                # Procrastinate stops its worker when one of its own tasks (heartbeat,
                # listener, abort polling) fails, after logging why
                raise StorageError(
                    f"worker {self.worker_name} stopped by itself after an error in the job"
                    " queue (see the log above); start it again"
                )
        except asyncio.CancelledError:
            if not signalled:
                raise
        except (pq_exceptions.ProcrastinateException, psycopg.Error) as exc:
            _raise_if_told_to_stop()
            raise StorageError(
                f"worker {self.worker_name} stopped on an error of the job queue: {_cause(exc)}"
            ) from exc
        finally:
            for sig in handled:
                loop.remove_signal_handler(sig)
            if not worker.done():
                worker.cancel()
                with suppress(asyncio.CancelledError):
                    await worker
            reaper.cancel()
            with suppress(asyncio.CancelledError):
                await reaper

    async def _reap_forever(self) -> None:
        while True:
            try:
                await self.retry_stalled()
            except Exception:
                log.exception("re-queuing stalled jobs failed; trying again")
            await asyncio.sleep(self.stalled_after_s / 2)

    async def retry_stalled(self) -> list[int]:
        """Re-queue the jobs of workers that stopped sending heartbeats.

        A worker on this machine whose process is gone counts as dead at once (its audit row
        names it); elsewhere, after :attr:`stalled_after_s` without a heartbeat. A dead
        foreground command's job is failed rather than re-queued (nothing else takes jobs from
        its queue): its branch shows as cut off, and ``continue`` resumes it.

        Returns:
            The ids of the jobs handled.
        """
        manager = self.app.job_manager
        ids = set(await self._stalled_jobs())
        ids.update(await self._jobs_of_dead_local_workers())
        handled = []
        for job_id in sorted(ids):
            attached = await self._is_attached(job_id)
            await self._close_audit(job_id)
            try:
                if attached:
                    await manager.finish_job_by_id_async(job_id, Status.FAILED, delete_job=False)
                else:
                    await manager.retry_job_by_id_async(job_id, retry_at=utils.utcnow())
            except pq_exceptions.ConnectorException:
                continue  # another worker re-queued it first, or it finished
            if attached:
                log.info("ended job %s of a command that stopped", job_id)
            else:
                log.warning("re-queued job %s of a worker that stopped", job_id)
            handled.append(job_id)
        return handled

    async def _stalled_jobs(self) -> list[int]:
        """Running jobs whose worker is gone or past its own stalled-after (:class:`Workers`).

        Not Procrastinate's ``get_stalled_jobs``, which counts every worker as dead past this
        queue's stalled-after, so a fast-beating worker re-queued the jobs of slower ones.
        """
        async with self.studio.deps.pool.connection() as conn:
            cur = await conn.execute(
                f"""SELECT j.id FROM procrastinate_jobs j
                    LEFT JOIN procrastinate_workers w ON w.id = j.worker_id
                    WHERE j.status = 'doing' AND j.task_name = %(task)s
                      AND (w.id IS NULL OR {_STALLED_WORKER})""".encode(),
                {"task": TASK, "floor_s": self.stalled_after_s},
            )
            return [int(r["id"]) for r in await cur.fetchall()]

    async def _close_audit(self, job_id: int) -> None:
        """End the open audit rows of a job whose worker died (before it runs again)."""
        async with self.studio.deps.pool.connection() as conn:
            await conn.execute(
                """UPDATE reelgraph_job_runs SET ended_at = clock_timestamp(),
                          outcome = 'worker stopped'
                   WHERE job_id = %s AND ended_at IS NULL""",
                (job_id,),
            )

    async def _is_attached(self, job_id: int) -> bool:
        async with self.studio.deps.pool.connection() as conn:
            cur = await conn.execute("SELECT args FROM procrastinate_jobs WHERE id = %s", (job_id,))
            row = await cur.fetchone()
        return bool(row and dict(row["args"]).get("attached"))

    async def _jobs_of_dead_local_workers(self) -> list[int]:
        """Running jobs whose open audit row names a process of this machine that is gone."""
        host = socket.gethostname()
        async with self.studio.deps.pool.connection() as conn:
            cur = await conn.execute(
                """SELECT DISTINCT ON (a.job_id) a.job_id, a.worker, a.ended_at
                   FROM reelgraph_job_runs a JOIN procrastinate_jobs j ON j.id = a.job_id
                   WHERE j.status = 'doing' ORDER BY a.job_id, a.id DESC"""
            )
            rows = await cur.fetchall()
        dead = []
        for r in rows:
            name, _, pid = str(r["worker"]).rpartition(":")
            if r["ended_at"] is None and name == host and pid.isdigit() and not _alive(int(pid)):
                dead.append(int(r["job_id"]))
        return dead

    async def run_here(
        self,
        video_id: str,
        user_id: str,
        branch: str = "main",
        *,
        auto_continue: bool = False,
        on_progress: Callable[[ProgressEvent], None] | None = None,
        edits: list[Edit] | None = None,
    ) -> BranchStatus:
        """Run (or, with ``edits``, edit) the branch here, as a job of the queue.

        For a foreground command: ``reelgraph generate``, ``continue`` or ``edit`` without
        ``--detach``.

        The job goes to a queue only this process takes from, so it runs now and here, under
        the same branch lock as every worker's jobs. Jobs that dead processes left running on
        this branch are cleared first (:meth:`retry_stalled`).

        Returns:
            The branch's status afterwards (an edit's: :meth:`Studio.edit`'s
            :class:`~agent.service.status.EditOutcome`).

        Raises:
            BranchBusy: another process runs the branch, or a run of it waits in the queue.
            Whatever the run raises (:meth:`Studio.run`, :meth:`Studio.edit`).
        """
        await self.retry_stalled()
        own = f"here-{uuid.uuid4().hex[:12]}"
        job = await self.enqueue(
            video_id,
            user_id,
            branch,
            auto_continue=auto_continue,
            queue=own,
            attached=True,
            edits=edits,
        )
        if on_progress:
            self._hooks[job.job_id] = on_progress
        ended = self._ended[job.job_id] = asyncio.Event()
        worker = asyncio.ensure_future(self._work_here(own))
        waiter = asyncio.ensure_future(ended.wait())
        try:
            await asyncio.wait({worker, waiter}, return_when=asyncio.FIRST_COMPLETED)
            if not worker.done():  # the run ended: give the queue a moment to record it
                await asyncio.wait({worker}, timeout=RECORD_WAIT_S)
            if worker.done():
                worker.result()
            else:
                # It cannot record it (the database went away): the run's outcome is known,
                # and a job left running is cleared by the next command or worker.
                worker.cancel()
        except pq_exceptions.ProcrastinateException as exc:
            # The queue's own statements failed (the database went away mid-run): the run's
            # outcome, if it has one, says more; else say it as every command does.
            if job.job_id not in self._outcomes:
                raise db.gone(exc.__cause__ or exc, video_id) from exc
        finally:
            waiter.cancel()
            self._ended.pop(job.job_id, None)
            self._hooks.pop(job.job_id, None)
            if job.job_id not in self._outcomes:  # it never started (or we were stopped)
                with suppress(Exception):
                    await self.app.job_manager.cancel_job_by_id_async(job.job_id, delete_job=True)
        outcome = self._outcomes.pop(job.job_id, None)
        if outcome is None:
            raise BranchBusy(f"branch {branch} of video {video_id} is running elsewhere")
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    async def _work_here(self, own: str) -> None:
        """Run the jobs of this process's own queue, then stop."""
        await self.app.run_worker_async(
            queues=[own],
            wait=False,
            concurrency=1,
            name=self.worker_name,
            install_signal_handlers=False,
            shutdown_graceful_timeout=0,
            update_heartbeat_interval=self.heartbeat_s,
            stalled_worker_timeout=self.stalled_after_s,
            listen_notify=False,
            abort_job_polling_interval=1.0,
        )


def runs_queue(settings: Settings) -> str:
    """The queue of runs whose media live in ``settings``' artifact store.

    A worker can only run a video whose artifacts it can read and write: so runs wait in a
    queue named after the store (``s3://bucket/prefix``, or the local artifacts directory),
    ``runs:`` and 16 hex digits of its SHA-256 (PostgreSQL's NOTIFY channel names, which
    Procrastinate makes from queue names, are at most 63 bytes), and each worker takes jobs
    from its own store's queue. Workers on many machines share an S3 store, hence a queue.
    """
    if settings.artifact_store == "s3":
        store = f"s3://{settings.s3_bucket}/{settings.s3_prefix}"
    else:
        store = str(settings.artifacts_dir.resolve())
    return f"{RUNS}:{hashlib.sha256(store.encode()).hexdigest()[:16]}"


def _failure(exc: Exception) -> dict[str, Any]:
    """A failed attempt's record: the error's class and first line."""
    return {"error": str(exc).splitlines()[0] if str(exc) else "", "error_type": type(exc).__name__}


def _error_of(outcome: str, result: dict[str, Any] | None) -> ReelgraphError:
    """The error a failed job recorded (:func:`_failure`), raised again by its waiter."""
    message = (result or {}).get("error") or f"the job ended: {outcome}"
    kind = getattr(errors, str((result or {}).get("error_type")), None)
    if isinstance(kind, type) and issubclass(kind, ReelgraphError):
        return kind(message)
    return ReelgraphError(message)


def _cause(exc: BaseException) -> str:
    """The first line of what went wrong: the database's error, not Procrastinate's wrapper."""
    cause = exc.__cause__ or exc  # Procrastinate's ConnectorException says "Database error."
    text = str(cause).strip()
    return text.splitlines()[0] if text else type(cause).__name__


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


async def setup(pool: db.Pool, *, wait_s: float = 120) -> None:
    """Create Procrastinate's tables and the audit table, once per database.

    Like :func:`agent.db.setup`: a database already set up costs one query; otherwise one
    process applies the schema on the very connection that holds the set-up lock while the
    others poll ``pg_try_advisory_lock`` (never a blocking ``pg_advisory_lock``, which would
    sit in an open transaction; NOTES.md, "A deadlock seen here").

    Raises:
        StorageError: the database cannot be reached, or another process held the set-up
            lock for longer than ``wait_s``.
    """
    try:
        async with pool.connection() as conn:
            if await _queue_ready(conn):
                return
        conn = await db.connect(pool)
        try:
            deadline = time.monotonic() + wait_s
            while True:
                cur = await conn.execute(
                    "SELECT pg_try_advisory_lock(%s) AS ok", (_QUEUE_SCHEMA_LOCK,)
                )
                got = await cur.fetchone()
                if got and got["ok"]:
                    break
                if await _queue_ready(conn):
                    return
                if time.monotonic() > deadline:
                    raise StorageError(
                        f"another process has been setting up the job queue for over"
                        f" {wait_s:.0f} s; look for a stuck reelgraph process"
                    )
                await asyncio.sleep(0.1)
            try:
                if not await _queue_ready(conn):
                    cur = await conn.execute(
                        "SELECT to_regclass('procrastinate_jobs') IS NOT NULL AS ok"
                    )
                    have = await cur.fetchone()
                    if not (have and have["ok"]):
                        schema = SchemaManager.get_schema()
                        await conn.execute(schema.encode(), prepare=False)
                    await conn.execute(_AUDIT_DDL.encode(), prepare=False)
            finally:
                await conn.execute("SELECT pg_advisory_unlock(%s)", (_QUEUE_SCHEMA_LOCK,))
        finally:
            await conn.close()
    except db.DB_GONE_ERRORS as exc:
        raise db.gone(exc) from exc


async def _queue_ready(conn: AsyncConnection[Any]) -> bool:
    cur = await conn.execute(
        """SELECT to_regclass('procrastinate_jobs') IS NOT NULL
                  AND EXISTS (SELECT 1 FROM information_schema.columns
                              WHERE table_name = 'reelgraph_job_runs'
                                AND column_name = 'progress_seq')
                  AND to_regclass('reelgraph_workers') IS NOT NULL AS ok"""
    )
    row = await cur.fetchone()
    return bool(row and row["ok"])


__all__ = [
    "RUNS",
    "TASK",
    "TRANSIENT",
    "Cancelled",
    "Enqueued",
    "HandedBack",
    "PhaseStep",
    "Queue",
    "Retry",
    "Workers",
    "runs_queue",
    "setup",
]


def _raise_if_told_to_stop() -> None:
    """Raise CancelledError if this task was cancelled, whatever ended the worker since.

    A cancelled worker stops gracefully, and the statements of its way out (unregistering
    itself) fail when the database is gone: that error must not stand in for the
    cancellation, or whoever cancelled it (a stopping server) waits on a worker that its
    supervisor starts again, for ever.
    """
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError
