"""The studio: create videos, run branches, report status. The one API the edges use.

The command line, the chat and the server all go through :class:`Studio`; it owns the
compiled graph and the run lock (one run per branch at a time, any number of branches).
"""

from __future__ import annotations

import asyncio
import difflib
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from langchain_core.runnables import RunnableConfig
from langgraph.types import Command

from agent import branches, db
from agent.branches import Branch
from agent.db import DB_GONE_ERRORS
from agent.deps import Deps, open_deps
from agent.editing import Edit, seed_values
from agent.errors import (
    BranchBusy,
    NotFound,
    ReelgraphError,
    StorageError,
    UserError,
    WrongPhase,
)
from agent.graph import build_graph
from agent.phases import effects
from agent.providers.replicate.catalog import load_catalog
from agent.service import locks, videos
from agent.service.chat import ChatFiles, Views
from agent.service.records import Records
from agent.service.status import (
    ArtifactInfo,
    BranchInfo,
    BranchStatus,
    EditOutcome,
    VideoRecord,
    VideoSummary,
)
from agent.settings import Settings
from agent.spec import Spec
from agent.state import PHASES, Phase, State, VideoRequest
from agent.uploads import reference_png
from agent.usage import branch_usage

#: Options naming a model that may run remotely (anything but ``local`` waits on a network).
REMOTE_FIELDS = ("image_model", "video_model", "music_model")

#: What a cut-off run reports until someone continues it.
CUT_OFF = (
    "the run was cut off before it finished; `reelgraph continue` resumes it, keeping finished work"
)


@dataclass(frozen=True)
class ProgressEvent:
    """One step of a running phase.

    Attributes:
        phase: the phase.
        item: what finished (``beat_02``, ``chunk_05``, ``final``), or ``""`` when a phase starts.
        total: how many items the phase has.
        reused: True if the memo answered.
    """

    phase: Phase
    item: str
    total: int
    reused: bool = False


OnProgress = Callable[[ProgressEvent], None]

#: A connection a run holds for itself (its run lock).
Connection = locks.Connection

#: Seconds between two checks that a run still holds its lock (that the database answers).
LOCK_CHECK_S = 2.0

#: Seconds a cancelled run gets to wind down before its caller moves on.
CANCEL_GRACE_S = 3.0


class Studio:
    """Videos, branches and runs over one set of :class:`Deps`."""

    def __init__(self, deps: Deps) -> None:
        """Compile the graph with the deps' checkpointer."""
        self.deps = deps
        self.graph = build_graph(deps.saver)
        #: Assets, artifact ids, costs and pauses, for the doors (:class:`Records`).
        self.records = Records(deps, self.graph)
        #: Chunk timings, pause payloads and voices, for the doors (:class:`Views`).
        self.views = Views(deps, self.graph)
        #: The chat history's media, owner-checked (:class:`ChatFiles`).
        self.chat_files = ChatFiles(deps)

    @classmethod
    @asynccontextmanager
    async def open(cls, settings: Settings) -> AsyncIterator[Studio]:
        """A studio over deps built from ``settings`` (database, store, providers), closed after.

        Raises:
            StorageError: the database cannot be started or reached.
        """
        async with open_deps(settings) as deps:
            yield cls(deps)

    def video_models(self) -> list[str]:
        """The video models registered here, the default for new videos first."""
        first = self.deps.registry.defaults.get("video_model", "local")
        return sorted(self.deps.registry.videos, key=lambda m: (m != first, m))

    # -- videos ---------------------------------------------------------------------------

    async def create_video(
        self, request: VideoRequest, user_id: str, *, title: str | None = None
    ) -> str:
        """Record a new video with its ``main`` branch; nothing runs yet.

        Model options the request leaves unset take the registry's defaults (the real models
        when their keys are set, else ``local``); see :func:`agent.service.videos.create_video`.
        Build the request with :func:`agent.service.videos.video_request`.

        Args:
            request: the brief and the options the user named.
            user_id: the owner.
            title: a title the user gave (kept for good; else the title follows the spec).

        Raises:
            UserError: a provider named in the options is unknown, or a reference image is
                not in the store (add it with :meth:`add_reference_image`).
        """
        return await videos.create_video(self.deps, request, user_id, title=title)

    async def add_reference_image(self, data: bytes, what: str) -> str:
        """Check a product photo, re-encode it and store it by content.

        Returns:
            Its SHA-256, for :attr:`~agent.state.Options.reference_images`.

        Args:
            data: the file's bytes, any image format Pillow reads.
            what: how errors name it (``--reference shoe.jpg``).

        Raises:
            UserError: empty, over 20 MB, not an image, or over 40 megapixels
                (:func:`agent.uploads.reference_png`).
            StorageError: the store cannot be written.
        """
        png, _ = await asyncio.to_thread(reference_png, data, what)
        sha, _ = await asyncio.to_thread(self.deps.store.put_bytes, png, ".png")
        return sha

    async def video(self, video_id: str, user_id: str) -> VideoRecord:
        """The video as recorded.

        Raises:
            NotFound: it does not exist or belongs to someone else.
        """
        async with self.deps.pool.connection() as conn:
            cur = await conn.execute(
                "SELECT * FROM videos WHERE id = %s AND user_id = %s", (video_id, user_id)
            )
            row = await cur.fetchone()
        if row is None:
            raise NotFound(f"no video {video_id!r}; `reelgraph videos` lists yours")
        return VideoRecord.model_validate(row)

    async def videos(self, user_id: str) -> list[VideoSummary]:
        """The user's videos, newest first, with each main branch's status and phase."""
        async with self.deps.pool.connection() as conn:
            cur = await conn.execute(
                """SELECT v.id AS video_id, v.prompt, v.title, v.created_at,
                          b.status, b.phase,
                          (SELECT count(*) FROM branches x WHERE x.video_id = v.id) AS branches
                   FROM videos v JOIN branches b ON b.video_id = v.id AND b.name = 'main'
                   WHERE v.user_id = %s ORDER BY v.created_at DESC""",
                (user_id,),
            )
            rows = await cur.fetchall()
        return [VideoSummary.model_validate(r) for r in rows]

    # -- runs -----------------------------------------------------------------------------

    async def run(
        self,
        video_id: str,
        user_id: str,
        branch: str = "main",
        *,
        auto_continue: bool = False,
        on_progress: OnProgress | None = None,
    ) -> BranchStatus:
        """Run a branch to its next pause (or to the end with auto-continue).

        A fresh branch starts from its brief; a paused one continues; one that was cut off
        (crash, kill) finishes the interrupted phase, reusing every finished item.

        Returns:
            The branch's status afterwards (see :meth:`status`).

        Raises:
            NotFound: unknown video or branch.
            BranchBusy: another process is running this branch.
            ReelgraphError: the run failed; the branch stays resumable at its last checkpoint.
        """
        video = await self.video(video_id, user_id)
        row = await branches.get(self.deps.pool, video_id, branch)
        remote = any(getattr(video.options, f) != "local" for f in REMOTE_FIELDS)
        cfg = self._config(row)
        cfg["max_concurrency"] = self.deps.settings.concurrency(remote)
        try:
            async with self._run_lock(row) as lock:
                if lock is None:
                    raise BranchBusy(f"branch {branch} of video {video_id} is running elsewhere")
                snapshot = await self.graph.aget_state(cfg)
                graph_input: Any
                if not snapshot.values:
                    if row.parent is not None:
                        # A fork is seeded before its row exists (see edit), so a fork with an
                        # empty thread is damage: starting it from the brief would silently
                        # throw the edit away.
                        raise StorageError(
                            f"branch {branch} has no state to run: its edit never finished;"
                            f" make the edit again on {row.parent}"
                        )
                    graph_input = self._initial_state(video, row, auto_continue)
                elif snapshot.interrupts:
                    graph_input = Command(
                        resume={"action": "continue", "auto_continue": auto_continue}
                    )
                elif snapshot.next:
                    graph_input = None  # cut off mid-phase: finish it
                else:
                    return await self.status(video_id, user_id, branch)
                await branches.set_status(lock, video_id, branch, "running")
                try:
                    await _while_locked(
                        lock, row, self._stream(graph_input, cfg, row, lock, on_progress)
                    )
                except ReelgraphError as exc:
                    await _record_failure(lock, row, str(exc).splitlines()[0])
                    raise
                except BaseException as exc:
                    await _record_failure(lock, row, f"{type(exc).__name__}: {exc}")
                    raise
                await self._settle(row, lock)
        except DB_GONE_ERRORS as exc:
            raise db.gone(exc, video_id) from exc
        return await self.status(video_id, user_id, branch)

    async def head(self, video_id: str, branch: str = "main") -> tuple[str | None, bool]:
        """The branch's newest checkpoint id (None before it has run), and if it is a pause.

        For the job queue: a run that is tried again compares these with what its first
        attempt started from, so a run that already reached its pause is not run on past it.
        """
        row = await branches.get(self.deps.pool, video_id, branch)
        snapshot = await self.graph.aget_state(self._config(row))
        checkpoint = (snapshot.config or {}).get("configurable", {}).get("checkpoint_id")
        return (str(checkpoint) if checkpoint else None), bool(snapshot.interrupts)

    async def resume_cut_off(self, on_progress: OnProgress | None = None) -> list[BranchStatus]:
        """Finish every run that a crash cut off (DESIGN.md §5), for servers at start-up.

        A branch recorded as running whose run lock nobody holds was cut off; each is run on
        to its next pause, reusing everything that finished before the crash. Branches that
        another process picks up first are skipped.

        Returns:
            The status of each branch that was finished here.
        """
        async with self.deps.pool.connection() as conn:
            cur = await conn.execute(
                """SELECT b.video_id, b.name, v.user_id FROM branches b
                   JOIN videos v ON v.id = b.video_id WHERE b.status = 'running'
                   ORDER BY b.updated_at"""
            )
            rows = await cur.fetchall()
        done = []
        for r in rows:
            row = await branches.get(self.deps.pool, r["video_id"], r["name"])
            if await self._is_running(row):
                continue
            try:
                done.append(
                    await self.run(r["video_id"], r["user_id"], r["name"], on_progress=on_progress)
                )
            except BranchBusy:
                continue
        return done

    async def _stream(
        self,
        graph_input: Any,
        cfg: RunnableConfig,
        row: Branch,
        lock: Connection,
        on_progress: OnProgress | None,
    ) -> None:
        phase: str | None = None
        async for mode, chunk in self.graph.astream(
            graph_input,
            cfg,
            context=self.deps,
            stream_mode=["custom", "updates"],
            durability="sync",
        ):
            if mode != "custom" or not isinstance(chunk, dict):
                continue
            event = ProgressEvent(
                chunk["phase"], chunk["item"], chunk["total"], bool(chunk.get("reused", False))
            )
            if event.phase != phase:
                phase = event.phase
                await branches.set_status(lock, row.video_id, row.name, "running", phase=phase)
            if on_progress:
                on_progress(event)

    async def _settle(self, row: Branch, lock: Connection) -> None:
        snapshot = await self.graph.aget_state(self._config(row))
        if snapshot.interrupts:
            phase = snapshot.interrupts[0].value["phase"]
            await branches.set_status(lock, row.video_id, row.name, "paused", phase)
        elif not snapshot.next:
            await branches.set_status(
                lock, row.video_id, row.name, "complete", snapshot.values.get("phase")
            )
        await branches.set_title(
            self.deps.pool, row.video_id, row.name, snapshot.values.get("spec")
        )

    def _run_lock(self, row: Branch) -> AbstractAsyncContextManager[Connection | None]:
        """Hold the branch's run lock for the run (:func:`agent.service.locks.run_lock`).

        Yields the lock's connection, or None if another run holds it. The run records its
        status on this connection too, so a failure is recorded however busy the pool is.
        """
        return locks.run_lock(self.deps.pool, row.thread_id)

    def _config(self, row: Branch) -> RunnableConfig:
        return {
            "configurable": {"thread_id": row.thread_id},
            "metadata": {"video_id": row.video_id, "branch": row.name},
        }

    @staticmethod
    def _initial_state(video: VideoRecord, row: Branch, auto_continue: bool) -> State:
        return State(
            video_id=row.video_id,
            user_id=video.user_id,
            branch=row.name,
            prompt=video.prompt,
            options=video.options.run_options(),
            auto_continue=auto_continue or video.options.auto_continue,
            spec=None,
            artifacts={},
            music_gain_db=0.0,
        )

    # -- edits and branches ---------------------------------------------------------------

    async def edit(
        self,
        video_id: str,
        user_id: str,
        branch: str,
        edits: list[Edit],
        on_progress: OnProgress | None = None,
    ) -> EditOutcome:
        """Apply edits at a pause and run the result to its pause (DESIGN.md §2).

        The first edit at a pause forks ``<branch>-<n>`` from the pause of the earliest phase
        the edits touch; the parent stays as it was. A branch made by an edit and not yet
        continued takes further edits at that pause itself. Only what changed is generated
        again: the memo answers for the rest.

        Returns:
            The status of the branch that took the edit, whether the edit made it, its
            parent, and what the edit changed (:class:`EditOutcome`).

        Raises:
            NotFound: unknown video, branch, beat or chunk.
            WrongPhase: the branch has not reached the pause an edit belongs to, or is not
                at a pause.
            BranchBusy: the branch is running.
            UserError: the edits could not change anything
                (:func:`agent.phases.effects.refuse_no_ops`; edits known to change nothing are
                left out when others can).
        """
        if not edits:
            raise UserError("no edits to apply")
        await self.video(video_id, user_id)
        row = await branches.get(self.deps.pool, video_id, branch)
        snapshot = await self.graph.aget_state(self._config(row))
        if await self._is_running(row):
            raise BranchBusy(f"branch {branch} is running; edit it when it pauses")
        if snapshot.interrupts:
            at: Phase = snapshot.interrupts[0].value["phase"]
        elif snapshot.values and not snapshot.next:
            at = "refine"
        else:
            raise WrongPhase(
                f"branch {branch} is not at a pause; `reelgraph continue {video_id}` first"
            )
        for e in edits:
            if PHASES.index(e.phase) > PHASES.index(at):
                raise WrongPhase(
                    f"{e.kind} is allowed from the {e.phase} pause on; branch {branch} is"
                    f" paused at {at} (continue to get there)"
                )
        asked, edits = edits, await effects.refuse_no_ops(self.deps, dict(snapshot.values), edits)
        phase = min((e.phase for e in edits), key=PHASES.index)
        base = snapshot
        if phase != at:
            async for snap in self.graph.aget_state_history(self._config(row)):
                if snap.next == (f"review_{phase}",):
                    base = snap
                    break
        video = self.deps.registry.video(base.values["options"].video_model)
        values, phase, as_node = seed_values(dict(base.values), edits, video.clip_lengths_s)
        values["edit_check"] = None  # a LangGraph server edit's record is not for this edit
        in_place = row.parent is not None and row.fork_phase == phase == at and row.phase == phase
        if values["spec"] != base.values["spec"]:
            rec = self.deps.recorder(video_id, user_id, branch, "plan", None)
            data = values["spec"].model_dump_json(indent=2).encode()
            values["artifacts"]["spec"] = await rec.keep(
                "spec", "json", "application/json", data, "user", "edit"
            )
        if in_place:
            target = row
            values["branch"] = target.name
            await self.graph.aupdate_state(self._config(target), values, as_node=as_node)
        else:
            target = await self._fork(row, base, phase, values, as_node)
        status = await self.run(video_id, user_id, target.name, on_progress=on_progress)
        # What the edit visibly changed, against what was at the pause (agent/effects.py).
        after = await self.graph.aget_state(self._config(target))
        found = await effects.measure(self.deps, dict(snapshot.values), dict(after.values), asked)
        return EditOutcome.of(
            status, created_branch=not in_place, parent=target.parent, effects=found
        )

    async def _fork(
        self, parent: Branch, base: Any, phase: Phase, values: dict[str, Any], as_node: str
    ) -> Branch:
        """Make ``<parent>-<n>`` from ``values``: seed its thread first, then record its row.

        A process killed between the two leaves a seeded thread that no row names (invisible,
        and never run); one killed after leaves a whole fork. So the edit is either wholly
        there or wholly absent: never a row whose thread is empty (which a run would start
        from the brief, throwing the edit away).

        Args:
            parent: the branch edited.
            base: the parent's snapshot at the pause the fork starts from.
            phase: that pause's phase.
            values: the fork's seeded state (its ``branch`` is filled in here).
            as_node: the node the seed is written as.

        Raises:
            BranchBusy: other edits kept taking the next name.
        """
        for _ in range(5):
            names = [b.name for b in await branches.list_branches(self.deps.pool, parent.video_id)]
            name = branches.child_name(names, parent.name)
            thread_id = str(uuid.uuid4())
            values["branch"] = name
            cfg: RunnableConfig = {
                "configurable": {"thread_id": thread_id},
                "metadata": {"video_id": parent.video_id, "branch": name},
            }
            await self.graph.aupdate_state(cfg, values, as_node=as_node)
            try:
                return await branches.create(
                    self.deps.pool,
                    parent.video_id,
                    name,
                    thread_id,
                    parent=parent.name,
                    fork_checkpoint_id=base.config["configurable"]["checkpoint_id"],
                    fork_phase=phase,
                )
            except psycopg.errors.UniqueViolation:
                continue  # another edit took the name first; its seed stays unreachable
        raise BranchBusy(f"branch {parent.name} is being edited elsewhere; try again")

    async def branches(self, video_id: str, user_id: str) -> list[BranchInfo]:
        """The video's branch tree, oldest first: name, parent, fork point, status, phase.

        Raises:
            NotFound: unknown video (or someone else's).
        """
        await self.video(video_id, user_id)
        rows = await branches.list_branches(self.deps.pool, video_id)
        return [BranchInfo.model_validate(b, from_attributes=True) for b in rows]

    async def spec(self, video_id: str, user_id: str, branch: str = "main") -> Spec | None:
        """The branch's spec (None before the plan phase has run)."""
        await self.video(video_id, user_id)
        row = await branches.get(self.deps.pool, video_id, branch)
        snapshot = await self.graph.aget_state(self._config(row))
        spec: Spec | None = (snapshot.values or {}).get("spec")
        return spec

    async def music_gain_db(self, video_id: str, user_id: str, branch: str = "main") -> float:
        """The branch's music gain against the music's original level, dB (0 when never set).

        Raises:
            NotFound: unknown video (or someone else's) or branch.
        """
        await self.video(video_id, user_id)
        row = await branches.get(self.deps.pool, video_id, branch)
        snapshot = await self.graph.aget_state(self._config(row))
        return float((snapshot.values or {}).get("music_gain_db", 0.0))

    async def compare_specs(self, video_id: str, user_id: str, a: str, b: str) -> str:
        """A unified diff of two branches' specs ("" when they are equal)."""
        specs = [await self.spec(video_id, user_id, name) for name in (a, b)]
        texts = [s.model_dump_json(indent=2).splitlines() if s else [] for s in specs]
        return "\n".join(difflib.unified_diff(texts[0], texts[1], a, b, lineterm=""))

    # -- status ---------------------------------------------------------------------------

    async def status(self, video_id: str, user_id: str, branch: str = "main") -> BranchStatus:
        """Where a branch is, what it made, what it cost, what continuing would cost.

        ``path`` of an artifact is where this machine's cache keeps it, which an S3 store
        fills on demand: read through :meth:`local_file`. ``estimate_next_usd`` is the pause's
        own estimate (:func:`agent.phases.review.pause_payload`), so every door shows the
        number the chat and the LangGraph server show.

        Raises:
            NotFound: unknown video (or someone else's) or branch.
        """
        video = await self.video(video_id, user_id)
        row = await branches.get(self.deps.pool, video_id, branch)
        snapshot = await self.graph.aget_state(self._config(row))
        values: dict[str, Any] = dict(snapshot.values or {})
        status, phase, error = row.status, row.phase, row.error
        allowed: list[str] = []
        next_phase: Phase | None = None
        estimate: float | None = None
        estimate_error: str | None = None
        if snapshot.interrupts:
            payload = snapshot.interrupts[0].value
            status, phase, error, allowed = "paused", payload["phase"], None, payload["allowed"]
            next_phase = payload.get("next_phase")
            estimate = payload.get("estimate_next_usd")
            estimate_error = payload.get("estimate_error")
        elif values and not snapshot.next:
            status, phase, estimate = "complete", values.get("phase"), 0.0
        elif status == "running" and not await self._is_running(row):
            status, error = "failed", CUT_OFF
        elif not values and status != "failed":
            status, allowed = "paused", ["continue"]  # created, not started
        artifacts = {
            name: ArtifactInfo(
                key=ref.key,
                version=ref.version,
                sha256=ref.sha256,
                mime=ref.mime,
                size_bytes=ref.size_bytes,
                path=str(self.deps.store.root / ref.key),
                url=self.deps.store.url(ref.key),
                label=effects.label(name),  # as users count, from 1: beat_00 is beat 1
            )
            for name, ref in sorted(values.get("artifacts", {}).items())
        }
        spec = values.get("spec")
        final = artifacts.get("final")
        given = video.title if video.title_given else None
        return BranchStatus(
            video_id=video_id,
            branch=branch,
            thread_id=row.thread_id,
            status=status,
            phase=phase if phase in PHASES else None,
            title=given or (spec.title if spec else None),
            prompt=video.prompt,
            options=video.options,
            artifacts=artifacts,
            usage=await branch_usage(self.deps.pool, video_id, branch),
            licence_notes=load_catalog().licence_notes(
                str(getattr(video.options, f)) for f in REMOTE_FIELDS
            ),
            final_video=final.path if final and status == "complete" else None,
            error=error,
            allowed=allowed,
            next_phase=next_phase,
            estimate_next_usd=estimate,
            estimate_error=estimate_error,
        )

    async def _is_running(self, row: Branch) -> bool:
        return await locks.is_held(self.deps.pool, row.thread_id)

    async def export(self, video_id: str, user_id: str, branch: str, dst: Path) -> Path:
        """Copy a branch's final video to ``dst``.

        Raises:
            NotFound: unknown video or branch.
            UserError: the branch has no final video yet.
        """
        st = await self.status(video_id, user_id, branch)
        if not st.final_video:
            raise UserError(
                f"branch {branch} has no final video yet (status {st.status}, phase"
                f" {st.phase}); `reelgraph continue {video_id}` runs it on"
            )
        dst.parent.mkdir(parents=True, exist_ok=True)
        src = await self.local_file(st.artifacts["final"].sha256)
        dst.write_bytes(src.read_bytes())
        return dst

    async def local_file(self, sha256: str) -> Path:
        """A local file with an artifact's bytes, by its ``sha256`` from :meth:`status`.

        Read this rather than the status's ``path``: with an S3 store used from another
        machine (a cold cache) the blob is downloaded first.

        Raises:
            StorageError: the blob is in no store, or the download fails.
        """
        return await asyncio.to_thread(self.deps.store.local_path, sha256)


async def _while_locked(lock: Connection, row: Branch, work: Coroutine[Any, Any, None]) -> None:
    """Run ``work`` while the run lock's connection answers; stop it if the lock is lost.

    Every :data:`LOCK_CHECK_S` seconds the lock's connection is asked ``SELECT 1``. When it
    fails, the database went away (or dropped the connection, and the lock with it, so another
    process may now run this branch): ``work`` is cancelled and the run ends with a
    StorageError within seconds. LangGraph's clean-up of a cancelled run may itself wait on
    the database; it gets :data:`CANCEL_GRACE_S` seconds and then finishes in the background
    (a process that exits closes the pool, which ends it).

    Raises:
        StorageError: the lock's connection failed.
        Whatever ``work`` raises.
    """
    task = asyncio.ensure_future(work)
    task.add_done_callback(_retrieve)
    try:
        while not task.done():
            await asyncio.wait({task}, timeout=LOCK_CHECK_S)
            if task.done():
                break
            try:
                await lock.execute("SELECT 1")
            except psycopg.Error as exc:
                task.cancel()
                await asyncio.wait({task}, timeout=CANCEL_GRACE_S)
                raise db.gone(exc, row.video_id) from exc
        task.result()
    finally:
        if not task.done():  # we were cancelled ourselves
            task.cancel()
            await asyncio.wait({task}, timeout=CANCEL_GRACE_S)


def _retrieve(task: asyncio.Future[None]) -> None:
    """Mark a run task's outcome seen (the caller re-raises it, or has raised another)."""
    if not task.cancelled():
        task.exception()


async def _record_failure(lock: Connection, row: Branch, error: str) -> None:
    """Record a failed run on its own connection.

    If the database is gone, the branch stays ``running`` with no lock holder, which
    :meth:`Studio.status` reports as cut off (resumable).
    """
    try:
        await branches.set_status(lock, row.video_id, row.name, "failed", error=error)
    except psycopg.Error:
        pass
