"""A branch's status as every door reports it: one typed model (:class:`BranchStatus`)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from agent.state import Phase

#: Where a branch is: paused at a review (or created, not started), running, complete or
#: failed (including a run cut off by a crash: ``reelgraph continue`` resumes it).
RunStatus = Literal["paused", "running", "complete", "failed"]


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


class Usage(BaseModel):
    """What a branch's runs called and spent.

    Attributes:
        calls: provider calls made or reused.
        reused: calls the memo answered.
        cost_usd: spent, USD.
        phases: per-phase breakdown (as :func:`agent.usage.branch_usage` gives it).
    """

    model_config = ConfigDict(frozen=True, extra="allow")

    calls: int
    reused: int
    cost_usd: float
    phases: dict[str, Any] = {}


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
    options: dict[str, Any]
    artifacts: dict[str, ArtifactInfo]
    usage: Usage
    licence_notes: list[str]
    final_video: str | None
    error: str | None
    allowed: list[str]
    next_phase: Phase | None = None
    estimate_next_usd: float | None = None
    estimate_error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The status as plain JSON-ready data (what ``--json`` prints)."""
        return self.model_dump(mode="json")
