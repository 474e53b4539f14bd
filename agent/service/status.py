"""What the use cases answer, as typed models every door renders (issue 11, "One core").

A branch's status (:class:`BranchStatus`), an edit's outcome (:class:`EditOutcome`), the
status with the branch's job on the queue (:class:`QueuedStatus`), a user's videos
(:class:`VideoSummary`), a video's branch tree (:class:`BranchInfo`) and a video's record
(:class:`VideoRecord`). Doors read their attributes and emit ``model_dump(mode="json")``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_serializer

from agent.errors import ReelgraphError
from agent.phases.effects import Effect, verdict
from agent.state import Options, Phase
from agent.usage import Usage

#: Where a branch is: paused at a review (or created, not started), running, complete or
#: failed (including a run cut off by a crash: ``reelgraph continue`` resumes it).
RunStatus = Literal["paused", "running", "complete", "failed"]

#: A branch's status as the job queue sees it: :data:`RunStatus`, or ``queued`` while a run
#: of the branch waits for a worker.
JobStatus = Literal["queued", "paused", "running", "complete", "failed"]

#: What an edit visibly did (:func:`agent.phases.effects.verdict`): everything it named
#: changed as asked, some of it, nothing; None when it named nothing measurable yet.
EditEffect = Literal["visible", "partial", "none"]


class VideoOptions(Options):
    """A video's options as recorded: run options and ``auto_continue``.

    The :class:`~agent.state.Options` after the registry's defaults
    (:func:`agent.service.videos.create_video`), and whether its runs go through every phase
    without pausing.

    Attributes:
        auto_continue: the video was created to run to the end (``--yolo``).
    """

    auto_continue: bool = False

    def run_options(self) -> Options:
        """The options a run of the video is made with (without ``auto_continue``)."""
        return Options.model_validate(self.model_dump(exclude={"auto_continue"}))


class ArtifactInfo(BaseModel):
    """One artifact of a branch, newest version.

    Attributes:
        key: logical key in the store.
        version: 1, 2, … per video and name.
        sha256: the blob's address (read it with :meth:`agent.studio.Studio.local_file`).
        mime: media type.
        size_bytes: size of the content.
        path: where this machine's cache keeps it (an S3 store fills it on demand).
        url: presigned for an S3 store, ``file://`` for a local one.
        label: the name as users count, from 1 (``beat_00`` is "beat 1").
    """

    model_config = ConfigDict(frozen=True)

    key: str
    version: int
    sha256: str
    mime: str
    size_bytes: int
    path: str
    url: str
    label: str


class BranchStatus(BaseModel):
    """Where a branch is, what it made, what it cost and what continuing would cost.

    Attributes:
        video_id: the video.
        branch: the branch's name (``main``, ``main-1``, …).
        thread_id: its LangGraph thread.
        status: paused | running | complete | failed.
        phase: the last phase reached (None before the first run).
        title: the title the user gave, else the branch's spec title (None before the plan).
        prompt: the brief.
        options: the video's options as recorded (models after the registry's defaults).
        artifacts: name → newest version.
        usage: calls and spend so far.
        licence_notes: ``"<model>: <licence>"`` per chosen model whose weights forbid
            commercial use.
        final_video: the final video's path once complete.
        error: why the last run failed, or None.
        allowed: the actions allowed at this pause (``continue`` and edit tools).
        next_phase: the phase continuing would run (None when complete or not paused).
        estimate_next_usd: what continuing now would spend in the next phase, USD (the pause's
            estimate, :func:`agent.phases.review.pause_payload`): 0 when complete, None when
            the branch is not at a pause.
        estimate_error: why there is no estimate (the next phase would refuse to run), or
            None.
    """

    model_config = ConfigDict(frozen=True)

    video_id: str
    branch: str
    thread_id: str
    status: RunStatus
    phase: Phase | None
    title: str | None
    prompt: str
    options: VideoOptions
    artifacts: dict[str, ArtifactInfo]
    usage: Usage
    licence_notes: list[str]
    final_video: str | None
    error: str | None
    allowed: list[str]
    next_phase: Phase | None = None
    estimate_next_usd: float | None = None
    estimate_error: str | None = None


class EditOutcome(BranchStatus):
    """The status of the branch that took an edit, and what the edit changed.

    Attributes:
        created_branch: the edit forked a new branch (False: a fork not yet continued took
            it in place).
        parent: the branch it forked from (None for ``main``).
        effect: one word for what the edit visibly changed (:data:`EditEffect`).
        effects: what happened to each artifact the edit re-rendered, in order
            (:class:`agent.phases.effects.Effect`).
    """

    created_branch: bool
    parent: str | None
    effect: EditEffect | None = None
    effects: list[Effect] = []

    @classmethod
    def of(
        cls,
        status: BranchStatus,
        *,
        created_branch: bool,
        parent: str | None,
        effects: Sequence[Effect] = (),
    ) -> EditOutcome:
        """``status`` with what the edit did; ``effect`` is the verdict over ``effects``."""
        return cls.model_validate(
            {
                **dict(status),
                "created_branch": created_branch,
                "parent": parent,
                "effect": verdict([e.as_dict() for e in effects]),
                "effects": list(effects),
            }
        )


class QueuedStatus(BranchStatus):
    """A branch's status with its job on the queue (:meth:`agent.queue.Queue.status`).

    ``status`` is ``queued`` while the job waits, ``running`` once a worker has it.

    Attributes:
        job_id: the branch's waiting or running job (None when there is none).
        queue_position: 1 for the next job a worker takes, … (None unless it waits).
    """

    status: JobStatus  # type: ignore[assignment]  # adds ``queued`` to a branch's status
    job_id: int | None = None
    queue_position: int | None = None


def run_result(data: dict[str, Any]) -> BranchStatus:
    """A run's or an edit's outcome from the JSON a job recorded (``model_dump(mode="json")``).

    Raises:
        pydantic.ValidationError: ``data`` is not a status.
    """
    if "created_branch" in data:
        return EditOutcome.model_validate(data)
    return BranchStatus.model_validate(data)


def edit_outcome(result: BranchStatus) -> EditOutcome:
    """``result`` as an edit's outcome, for a door that queued an edit job.

    Raises:
        ReelgraphError: the job that answered was not an edit.
    """
    if not isinstance(result, EditOutcome):
        raise ReelgraphError(f"the job on branch {result.branch} was a run, not an edit")
    return result


class VideoRecord(BaseModel):
    """A video as recorded (:meth:`agent.studio.Studio.video`).

    Attributes:
        id: the video's id.
        user_id: its owner.
        prompt: the brief.
        options: its options as recorded (:class:`VideoOptions`).
        title: the title (the user's, or the ``main`` branch's spec title), or None.
        title_given: the user gave the title (it never follows the spec).
        created_at: when it was made.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    user_id: str
    prompt: str
    options: VideoOptions
    title: str | None = None
    title_given: bool = False
    created_at: datetime


class VideoSummary(BaseModel):
    """One of a user's videos in a list (:meth:`agent.studio.Studio.videos`).

    Attributes:
        video_id: the video.
        prompt: the brief.
        title: its title, or None before the plan.
        created_at: when it was made (ISO 8601 in JSON).
        status: the ``main`` branch's status.
        phase: the ``main`` branch's last phase (None before the first run).
        branches: how many branches the video has.
    """

    model_config = ConfigDict(frozen=True)

    video_id: str
    prompt: str
    title: str | None
    created_at: datetime
    status: RunStatus
    phase: Phase | None
    branches: int

    @field_serializer("created_at")
    def _iso(self, value: datetime) -> str:
        return value.isoformat()


class BranchInfo(BaseModel):
    """One branch of a video's tree (:meth:`agent.studio.Studio.branches`).

    Attributes:
        name: ``main``, ``main-1``, …
        thread_id: its LangGraph thread.
        parent: the branch it forked from (None for ``main``).
        fork_checkpoint_id: the parent's checkpoint it forked at.
        fork_phase: the phase of that pause.
        status: its status as last recorded.
        phase: its last phase (None before the first run).
    """

    model_config = ConfigDict(frozen=True)

    name: str
    thread_id: str
    parent: str | None
    fork_checkpoint_id: str | None
    fork_phase: Phase | None
    status: RunStatus
    phase: Phase | None
