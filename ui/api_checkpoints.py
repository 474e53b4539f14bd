"""Checkpoints in the seed API's sense, read from the branches' LangGraph threads.

A checkpoint is the end of a phase on a branch: the thread's LangGraph checkpoint whose next
node is ``review_<phase>`` (where the graph pauses, or would have without auto-continue). Its
id is ``cp-`` + that LangGraph ``checkpoint_id``, so it names one saved state exactly and is
stable for the life of the thread. Within a branch, each checkpoint's parent is the branch's
previous one; a branch's first checkpoint hangs under the parent branch's checkpoint it was
forked from (``fork_checkpoint_id``). The ``version`` of a checkpoint counts the checkpoints
of the same phase across the video, oldest first (an edit makes version 2 of its phase).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Path

from agent.errors import NotFound
from agent.state import PHASES, ArtifactRef, Phase
from agent.studio import Studio
from agent.text import is_uuid
from ui.api_bodies import CheckpointBody, TreeNode

PREFIX = "cp-"


def video_id_param(
    video_id: Annotated[str, Path(description="the video's id, a UUID")],
) -> str:
    """The ``{video_id}`` of a route, checked for shape before any query uses it.

    Raises:
        NotFound: not a UUID (so no video can have it: a 404 like any unknown video).
    """
    if not is_uuid(video_id):
        raise NotFound(f"no video {video_id!r}; video ids look like {_EXAMPLE_UUID}")
    return video_id


def checkpoint_id_param(
    checkpoint_id: Annotated[str, Path(description="a checkpoint's id, cp-<UUID>")],
) -> str:
    """The ``{checkpoint_id}`` of a route, checked for shape (``cp-`` and a UUID).

    Raises:
        NotFound: another shape (no checkpoint can have it).
    """
    if not (checkpoint_id.startswith(PREFIX) and is_uuid(checkpoint_id.removeprefix(PREFIX))):
        raise NotFound(f"no checkpoint {checkpoint_id!r}; checkpoint ids look like cp-<UUID>")
    return checkpoint_id


_EXAMPLE_UUID = "0b8e4d2c-5f1a-4c3e-9d7b-2a6f8e1c4b90"

#: A route's ``{video_id}``, refused with 404 unless it is a UUID.
VideoId = Annotated[str, Depends(video_id_param)]
#: A route's ``{checkpoint_id}``, refused with 404 unless it is ``cp-<UUID>``.
CheckpointId = Annotated[str, Depends(checkpoint_id_param)]


def phase_number(phase: Phase) -> int:
    """1 plan, 2 storyboard, 3 chunks, 4 refine."""
    return PHASES.index(phase) + 1


@dataclass
class Checkpoint:
    """The end of a phase on a branch.

    Attributes:
        id: ``cp-<LangGraph checkpoint_id>``.
        branch: the branch (thread) it belongs to.
        phase: the phase that had just finished.
        pending: True while the branch is paused here waiting for review.
        created_at: ISO 8601 time it was saved.
        parent_id: the checkpoint it follows (see the module docstring), or None.
        artifacts: the artifacts at that moment, by reelgraph name (``beat_00``).
        version: 1, 2, … per phase across the video.
        spec: the spec at that moment (a JSON-able dict), or None.
    """

    id: str
    branch: str
    phase: Phase
    pending: bool
    created_at: str
    parent_id: str | None
    artifacts: dict[str, ArtifactRef]
    version: int = 1
    spec: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def phase_number(self) -> int:
        """The seed API's phase number."""
        return phase_number(self.phase)


async def video_checkpoints(studio: Studio, video_id: str, user_id: str) -> list[Checkpoint]:
    """Every checkpoint of the video, oldest first.

    Raises:
        NotFound: no such video for this user.
    """
    await studio.video(video_id, user_id)
    found: list[Checkpoint] = []
    for row, pauses in await studio.records.pauses(video_id):
        mine = [
            Checkpoint(
                id=PREFIX + p.checkpoint_id,
                branch=row.name,
                phase=p.phase,
                pending=p.pending,
                created_at=p.created_at,
                parent_id=None,
                artifacts=p.artifacts,
                spec=p.spec.model_dump(mode="json") if p.spec is not None else None,
            )
            for p in pauses
        ]
        fork = PREFIX + row.fork_checkpoint_id if row.fork_checkpoint_id else None
        for i, cp in enumerate(mine):
            cp.parent_id = mine[i - 1].id if i else fork
        found.extend(mine)
    found.sort(key=lambda c: c.created_at)
    counts: dict[Phase, int] = {}
    for cp in found:
        counts[cp.phase] = cp.version = counts.get(cp.phase, 0) + 1
    return found


def find(checkpoints: list[Checkpoint], checkpoint_id: str, video_id: str) -> Checkpoint:
    """The checkpoint ``checkpoint_id``.

    Raises:
        NotFound: the video has no such checkpoint (the message lists where to look).
    """
    for cp in checkpoints:
        if cp.id == checkpoint_id:
            return cp
    raise NotFound(
        f"video {video_id} has no checkpoint {checkpoint_id!r}; "
        f"GET /api/video/{video_id}/checkpoints lists them"
    )


def latest(checkpoints: list[Checkpoint], branch: str) -> Checkpoint | None:
    """The branch's newest checkpoint, if it has one."""
    mine = [c for c in checkpoints if c.branch == branch]
    return mine[-1] if mine else None


def tree(
    checkpoints: list[Checkpoint], describe: Callable[[Checkpoint], CheckpointBody]
) -> list[TreeNode]:
    """The checkpoints as the seed API's tree: ``[{"checkpoint": {...}, "children": [...]}]``.

    Args:
        checkpoints: as :func:`video_checkpoints` returns them.
        describe: the body of each node.
    """
    nodes = {c.id: TreeNode(checkpoint=describe(c)) for c in checkpoints}
    roots: list[TreeNode] = []
    for c in checkpoints:
        parent = nodes.get(c.parent_id) if c.parent_id else None
        (parent.children if parent else roots).append(nodes[c.id])
    return roots
