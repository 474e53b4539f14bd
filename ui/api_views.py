"""The seed API's status and checkpoint bodies, built from Studio's status and graph history.

Statuses: ``queued`` (created, nothing has run yet; or a run of the branch waits in the job
queue, with ``queue_position``: 1 is next), ``running``, ``paused_at_phase1`` …
``paused_at_phase3``, ``complete``, ``failed``; a branch paused after refine (possible from the
chat or the command line; runs started here go through refine without pausing, as in the seed
system) reports ``paused_at_phase4`` with its final video. Progress counts each phase as a
quarter, items within the phase running in this process's worker.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request

from agent.phases import effects
from agent.queue import Enqueued, Queue
from agent.service.status import BranchStatus
from agent.state import ArtifactRef
from agent.studio import Studio
from ui.api_bodies import (
    ActiveBranch,
    ArtifactBody,
    CheckpointBody,
    CheckpointDetail,
    CheckpointWithSpec,
    StatusBody,
    TreeNode,
)
from ui.api_checkpoints import Checkpoint, latest, phase_number, tree, video_checkpoints
from ui.api_core import progress_of
from ui.api_files import artifact_ids, link


def seed_name(name: str) -> str:
    """The seed API's artifact key: ``beat_00`` → ``beat_0``, ``chunk_03`` → ``chunk_3``."""
    kind, _, number = name.rpartition("_")
    return f"{kind}_{int(number)}" if kind in ("beat", "chunk") and number.isdigit() else name


def _phase_artifacts(cp: Checkpoint) -> list[tuple[str, ArtifactRef]]:
    from agent.editing import phase_of

    return [(n, ref) for n, ref in sorted(cp.artifacts.items()) if phase_of(n) == cp.phase]


class Views:
    """Builds response bodies for one request (links are made absolute from it)."""

    def __init__(
        self,
        request: Request,
        studio: Studio,
        video_id: str,
        user_id: str,
        queue: Queue | None = None,
    ) -> None:
        """Bind the request, the studio and the video (ownership is checked when loading).

        A status (:meth:`status`) needs the ``queue``, to say whether a run waits or runs.
        """
        self.request, self.studio, self.queue = request, studio, queue
        self.video_id, self.user_id = video_id, user_id
        self.ids: dict[tuple[str, int], str] = {}
        self.checkpoints: list[Checkpoint] = []

    async def load(self) -> Views:
        """Read the video's checkpoints and artifact ids. Raises NotFound for others' videos."""
        self.checkpoints = await video_checkpoints(self.studio, self.video_id, self.user_id)
        self.ids = await artifact_ids(self.studio, self.video_id)
        return self

    def artifact(self, name: str, ref: ArtifactRef) -> ArtifactBody:
        """One artifact, with its id and link.

        ``name`` is the file's 0-based name (``beat_00``); ``label`` counts from 1, as users
        do (``beat 1``).
        """
        art_id = self.ids.get((ref.name, ref.version)) or self.ids.get((name, ref.version))
        return ArtifactBody(
            artifact_id=art_id,
            name=name,
            s3_url=link(self.request, self.studio, ref, art_id),
            version=ref.version,
            mime=ref.mime,
            size_bytes=ref.size_bytes,
            label=effects.label(name),
        )

    def _checkpoint_fields(self, cp: Checkpoint) -> dict[str, Any]:
        return {
            "id": cp.id,
            "checkpoint_id": cp.id,
            "branch_name": cp.branch,
            "phase_number": cp.phase_number,
            "phase": cp.phase,
            "version": cp.version,
            "status": "pending" if cp.pending else "approved",
            "parent_checkpoint_id": cp.parent_id,
            "created_at": cp.created_at,
            "artifacts": {seed_name(n): self.artifact(n, ref) for n, ref in _phase_artifacts(cp)},
        }

    def checkpoint(self, cp: Checkpoint) -> CheckpointBody:
        """A checkpoint with its phase's artifacts keyed the seed way (``beat_0``)."""
        return CheckpointBody(**self._checkpoint_fields(cp))

    def checkpoint_detail(self, cp: Checkpoint) -> CheckpointDetail:
        """``GET …/checkpoints/{id}``: the checkpoint (with its spec) and its artifacts list."""
        return CheckpointDetail(
            checkpoint=CheckpointWithSpec(**self._checkpoint_fields(cp), spec=cp.spec),
            artifacts=[self.artifact(n, ref) for n, ref in _phase_artifacts(cp)],
        )

    def tree(self) -> list[TreeNode]:
        """The checkpoint tree (see :func:`ui.api_checkpoints.tree`)."""
        return tree(self.checkpoints, self.checkpoint)

    async def current_branch(self) -> str:
        """The branch a plain status request follows: the one that changed last."""
        return await self.studio.records.latest_branch(self.video_id)

    async def status(self, branch: str | None = None) -> StatusBody:
        """The seed API's status body for ``branch`` (default: :meth:`current_branch`).

        Raises:
            NotFound: unknown video (or someone else's) or branch.
        """
        branch = branch or await self.current_branch()
        # The job first, as Queue.status reads it: a run that starts and ends in between
        # shows for one poll as still running, never as not started with no job.
        await self.studio.video(self.video_id, self.user_id)  # someone else's: NotFound, first
        job = await self.queue.job_of(self.video_id, branch) if self.queue else None
        st = await self.studio.status(self.video_id, self.user_id, branch)
        state, phase, error = _seed_status(st, job)
        if error is None and job is None and self.queue is not None:
            error = await self.queue.failed_edit(self.video_id, branch)
        head = latest(self.checkpoints, branch)
        final = st.artifacts.get("final")
        if final is not None and (head is None or "final" not in head.artifacts):
            # The run finished after load() read the checkpoints: read them again, so a
            # "complete" status always comes with its final video's link.
            await self.load()
            head = latest(self.checkpoints, branch)
        final_url = None
        if final is not None and state in ("complete", "paused_at_phase4"):
            final_url = final.url if final.url.startswith(("http://", "https://")) else None
            ref = head.artifacts.get("final") if head else None
            if final_url is None and ref is not None:
                final_url = self.artifact("final", ref).s3_url
        return StatusBody(
            video_id=self.video_id,
            status=state,
            queue_position=job.position if job and job.position > 0 else None,
            job_id=job.job_id if job else None,
            progress=_progress(state, phase, self.video_id, branch),
            current_phase=f"phase{phase_number(phase)}" if phase else None,
            current_checkpoint=self.checkpoint(head) if head else None,
            checkpoint_tree=self.tree(),
            active_branches=[
                ActiveBranch(
                    branch_name=b.name,
                    parent=b.parent,
                    status=b.status,
                    phase_number=phase_number(b.phase) if b.phase else None,
                )
                for b in await self.studio.branches(self.video_id, self.user_id)
                if b.status in ("running", "paused")
            ],
            final_video_url=final_url,
            cost_usd=await self.studio.records.video_cost_usd(self.video_id),
            branch=branch,
            title=st.title,
            next_phase=st.next_phase,
            estimate_next_usd=st.estimate_next_usd,
            estimate_error=st.estimate_error,
            error=error,
            usage=st.usage,
        )


def _seed_status(st: BranchStatus, job: Enqueued | None) -> tuple[str, Any, str | None]:
    """(seed status, phase or None, error or None) of a Studio status and the branch's job.

    A job that waits makes the branch ``queued`` (whatever its last run left), one that a
    worker has taken ``running``, before the run records it.
    """
    phase, error = st.phase, st.error
    if job is not None and job.position > 0:
        return "queued", phase, None
    if st.status == "complete":
        return "complete", phase or "refine", error
    if job is not None or st.status == "running":
        return "running", phase, None
    if st.status == "failed":
        return "failed", phase, error
    if phase is None:  # created; nothing ran yet
        return "queued", None, error
    return f"paused_at_phase{phase_number(phase)}", phase, error


def _progress(state: str, phase: Any, video_id: str, branch: str) -> float:
    if state == "complete":
        return 100.0
    if state == "queued" or phase is None:
        return 0.0
    if state.startswith("paused_at_phase"):
        return 25.0 * phase_number(phase)
    if (p := progress_of(video_id, branch)) is not None:
        return p.percent
    return 25.0 * (phase_number(phase) - 1)
