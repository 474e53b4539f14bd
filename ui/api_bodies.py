"""The seed API's response bodies as typed models (status, checkpoints, tree).

What ``/api/status`` and the checkpoint routes answer: the shapes are checked when built and
documented in the OpenAPI schema.

Field names are the seed API's (``branch_name``, ``phase_number``, ``s3_url``); artifact keys
in a checkpoint are the seed's (``beat_0``), while ``name`` keeps reelgraph's 0-based file
name (``beat_00``) and ``label`` counts from 1 as users do (``beat 1``).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from agent.usage import Usage

#: A status as the seed API names it (``paused_at_phase1`` … ``paused_at_phase4``).
SeedState = str


class ArtifactBody(BaseModel):
    """One artifact of a checkpoint, with a link to its bytes."""

    artifact_id: str | None = Field(description="the id GET /api/artifacts/{id} serves")
    name: str = Field(description="reelgraph's 0-based file name, e.g. beat_00")
    s3_url: str | None = Field(description="a presigned URL, or this API's file route")
    version: int = Field(ge=1)
    mime: str
    size_bytes: int = Field(ge=0)
    label: str = Field(description="as users count: 'beat 1', 'the final video'")


class CheckpointBody(BaseModel):
    """The end of a phase on a branch, with that phase's artifacts."""

    id: str = Field(description="cp-<LangGraph checkpoint id>")
    checkpoint_id: str
    branch_name: str
    phase_number: int = Field(ge=1, le=4, description="1 plan, 2 storyboard, 3 chunks, 4 refine")
    phase: str
    version: int = Field(ge=1, description="1, 2, … per phase across the video")
    status: Literal["pending", "approved"]
    parent_checkpoint_id: str | None
    created_at: str = Field(description="ISO 8601")
    artifacts: dict[str, ArtifactBody] = Field(description="by seed key: beat_0, chunk_3, final")


class TreeNode(BaseModel):
    """A checkpoint and the checkpoints that follow it (its branch's next, and forks)."""

    checkpoint: CheckpointBody
    children: list[TreeNode] = Field(default_factory=list)


class ActiveBranch(BaseModel):
    """A branch that is running or paused."""

    branch_name: str
    parent: str | None
    status: str
    phase_number: int | None


class StatusBody(BaseModel):
    """``GET /api/status/{video_id}``: where a branch of the video is."""

    video_id: str
    status: SeedState = Field(description="queued, running, paused_at_phase1…4, complete or failed")
    queue_position: int | None = Field(description="1 = next to start, while queued")
    job_id: int | None
    progress: float = Field(ge=0, le=100, description="percent; each phase is a quarter")
    current_phase: str | None = Field(description="phase1 … phase4")
    current_checkpoint: CheckpointBody | None
    checkpoint_tree: list[TreeNode]
    active_branches: list[ActiveBranch]
    final_video_url: str | None
    cost_usd: float = Field(ge=0)
    branch: str
    title: str | None
    next_phase: str | None
    estimate_next_usd: float | None
    estimate_error: str | None
    error: str | None
    usage: Usage


class CheckpointWithSpec(CheckpointBody):
    """A checkpoint and the spec as it was there (a JSON object), if one was planned."""

    spec: dict[str, Any] | None


class CheckpointDetail(BaseModel):
    """``GET …/checkpoints/{id}``: the checkpoint with its spec, and its artifacts."""

    checkpoint: CheckpointWithSpec
    artifacts: list[ArtifactBody]


class CheckpointList(BaseModel):
    """``GET …/checkpoints``: every checkpoint, oldest first, and the tree they make."""

    checkpoints: list[CheckpointBody]
    tree: list[TreeNode]


class TreeBody(BaseModel):
    """``GET …/checkpoints/tree``."""

    tree: list[TreeNode]
