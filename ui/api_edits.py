"""Edits at a checkpoint: the spec (phase 1), beat images (phase 2), chunks (phase 3).

Each edit forks a branch from the checkpoint's branch (DESIGN.md §2; the original stays as it
was) and regenerates only what changed. The edit is a job on the queue (:mod:`agent.queue`),
which this server's worker or any ``reelgraph worker`` runs; the request waits for it up to
:data:`EDIT_WAIT_S` (looking at the job's outcome now and then, holding no connection) and
answers with the new artifact (200), or, if it is still waiting or rendering then (a busy
queue, a slow paid model), with 202 and the branch to follow on
``GET /api/status/{video_id}?branch=…``.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, File, Form, HTTPException, Request, UploadFile, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agent.editing import Edit, RegenerateBeat, RegenerateChunk, ReplaceBeatImage
from agent.errors import BranchBusy, NotFound, UserError, WrongPhase
from agent.queue import Queue
from agent.service.edits import ReplaceSpec
from agent.service.status import edit_outcome
from agent.spec import ASPECT_SIZE_PX, Beat, Spec, retile
from agent.state import Phase
from agent.studio import Studio
from agent.text import TextInput, check_text_tree
from agent.uploads import storyboard_frame
from ui.api_assets import read_upload
from ui.api_checkpoints import (
    Checkpoint,
    CheckpointId,
    VideoId,
    find,
    latest,
    phase_number,
)
from ui.api_core import QueueDep, StudioDep, User
from ui.api_views import Views, seed_name

#: How long an edit request waits for its regeneration before answering 202, seconds.
EDIT_WAIT_S = 60.0

router = APIRouter(tags=["editing"])

_EDIT_RESPONSES: dict[int | str, dict[str, Any]] = {
    202: {"description": "still rendering; follow the branch's status"},
    404: {"description": "unknown video, checkpoint, beat or chunk"},
    409: {"description": "not allowed at this checkpoint, or the branch is running"},
    422: {"description": "invalid request"},
}


class EditResponse(BaseModel):
    """The edited artifact on the branch the edit made."""

    artifact_id: str | None = Field(description="art-…; null while still rendering (202)")
    s3_url: str | None = Field(default=None, description="a link that works without headers")
    version: int | None = None
    branch_name: str | None = Field(description="the branch holding the edit")
    checkpoint_id: str | None = Field(default=None, description="the branch's new checkpoint")
    created_new_branch: bool = True
    effect: str | None = Field(
        default=None,
        description="the edit's effect in one word (agent/effects.py): visible (everything it"
        " named changed), partial (some of it changed less than asked, or not at all), none"
        " (nothing it named changed: the effects say why); null while rendering (202)",
    )
    effects: list[dict[str, Any]] = Field(
        default_factory=list,
        description="what the edit changed, per artifact (agent/effects.py): artifact (its"
        " key in this API, 0-based: beat_1), label (1-based: beat 2), outcome (changed |"
        " slight | unchanged | pending), amount, unit, message; empty while rendering (202)",
    )


class RegenerateBeatRequest(TextInput):
    """Draw a beat's storyboard image again."""

    model_config = ConfigDict(extra="forbid")

    beat_index: int = Field(ge=0, description="0-based beat index")
    prompt_override: str | None = Field(default=None, min_length=1, max_length=1000)


class RegenerateChunkRequest(TextInput):
    """Render a video chunk again, optionally with another video model."""

    model_config = ConfigDict(extra="forbid")

    chunk_index: int = Field(ge=0, description="0-based chunk index")
    model_override: str | None = Field(default=None, min_length=1, max_length=80)


async def _at(
    studio: Studio,
    queue: Queue,
    request: Request,
    video_id: str,
    user: str,
    cp_id: str,
    phase: Phase,
    what: str,
) -> tuple[Views, Checkpoint]:
    """The checkpoint, checked to be the newest ``phase`` checkpoint of an idle branch."""
    views = await Views(request, studio, video_id, user).load()
    cp = find(views.checkpoints, cp_id, video_id)
    if cp.phase != phase:
        raise WrongPhase(
            f"{what} is allowed at a phase {phase_number(phase)} ({phase}) checkpoint;"
            f" {cp.id} is phase {cp.phase_number} ({cp.phase})"
        )
    newest = [c for c in views.checkpoints if c.branch == cp.branch and c.phase == phase][-1]
    if newest.id != cp.id:
        raise WrongPhase(f"{cp.id} was superseded on branch {cp.branch} by {newest.id}; edit that")
    if (job := await queue.job_of(video_id, cp.branch)) is not None:
        raise BranchBusy(
            f"branch {cp.branch} is {job.status} (job {job.job_id}); edit it when it pauses"
        )
    return views, cp


async def _edit(
    request: Request,
    studio: Studio,
    queue: Queue,
    views: Views,
    cp: Checkpoint,
    edit: Edit,
    name: str,
) -> Any:
    """Queue the edit as a job; answer with artifact ``name`` of the branch it made."""
    video_id, user = views.video_id, views.user_id
    started = datetime.now(UTC)
    job = await queue.enqueue(video_id, user, cp.branch, edits=[edit])
    done = await queue.wait_result(job.job_id, EDIT_WAIT_S)
    if done is None:
        branch = await _new_branch(studio, video_id, cp.branch, started)
        body = EditResponse(artifact_id=None, branch_name=branch, created_new_branch=True)
        return JSONResponse(body.model_dump(), status_code=status.HTTP_202_ACCEPTED)
    after = await Views(request, studio, video_id, user).load()
    result = edit_outcome(done)
    head = latest(after.checkpoints, result.branch)
    ref = head.artifacts.get(name) if head else None
    if head is None or ref is None:
        raise NotFound(f"the edit made no {name} on branch {result.branch}")
    art = after.artifact(name, ref)
    return EditResponse(
        artifact_id=art.artifact_id,
        s3_url=art.s3_url,
        version=art.version,
        branch_name=result.branch,
        checkpoint_id=head.id,
        created_new_branch=result.created_branch,
        effect=result.effect,
        effects=[{**e.as_dict(), "artifact": seed_name(e.artifact)} for e in result.effects],
    )


async def _new_branch(studio: Studio, video_id: str, parent: str, since: datetime) -> str | None:
    return await studio.records.newest_child(video_id, parent, since) or parent


_BASE = "/api/video/{video_id}/checkpoints/{checkpoint_id}"


@router.patch(f"{_BASE}/spec", responses=_EDIT_RESPONSES, summary="Edit the spec (phase 1)")
async def patch_spec(
    video_id: VideoId,
    checkpoint_id: CheckpointId,
    request: Request,
    user: User,
    studio: StudioDep,
    queue: QueueDep,
    patch: Annotated[
        dict[str, Any],
        Body(
            description="Spec fields to change, e.g. {'beats': [...], 'style': {...}}; beats are"
            " merged over the beat at the same position, renumbered and laid end to end",
            examples=[{"style": {"mood": "calm"}}],
        ),
    ],
) -> Any:
    """Validate the changed spec and fork a branch at the plan checkpoint with it."""
    views, cp = await _at(
        studio, queue, request, video_id, user, checkpoint_id, "plan", "a spec edit"
    )
    if cp.spec is None:
        raise NotFound(f"{cp.id} has no spec")
    spec = merged_spec(cp.spec, patch)
    if spec == Spec.model_validate(cp.spec):
        raise UserError("the patch changes nothing in the spec")
    return await _edit(request, studio, queue, views, cp, ReplaceSpec(spec=spec), "spec")


def merged_spec(old: dict[str, Any], patch: dict[str, Any]) -> Spec:
    """``old`` with ``patch`` applied (objects merged one level deep), validated.

    Raises:
        UserError: a control character or lone surrogate in any string, an unknown field, or
            a result that is not a valid spec (first error).
    """
    try:
        check_text_tree(patch)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    unknown = sorted(set(patch) - set(Spec.model_fields))
    if unknown:
        raise UserError(f"unknown spec field(s) {unknown}; fields: {sorted(Spec.model_fields)}")
    new = {**old, **patch}
    for key in ("style", "music"):
        if isinstance(patch.get(key), dict):
            new[key] = {**old[key], **patch[key]}
    if "beats" in patch:
        beats = patch["beats"]
        if not isinstance(beats, list) or not all(isinstance(b, dict) for b in beats):
            raise UserError("beats must be a list of beat objects")
        before = old["beats"]
        merged = [
            {**(before[i] if i < len(before) else {}), **b, "index": i, "start_s": 0.0}
            for i, b in enumerate(beats)
        ]
        new["beats"] = _laid_out(merged)
    try:
        spec = Spec.model_validate(new)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "spec"
        raise UserError(f"{where}: {first['msg'].removeprefix('Value error, ')}") from None
    return spec


def _laid_out(beats: list[dict[str, Any]]) -> list[Any]:
    """Beats laid end to end in order, if each is valid (else as given, for the error)."""
    try:
        return [b.model_dump() for b in retile([Beat.model_validate(b) for b in beats])]
    except ValidationError:
        return list(beats)


@router.post(
    f"{_BASE}/regenerate-beat", responses=_EDIT_RESPONSES, summary="Redraw a beat (phase 2)"
)
async def regenerate_beat(
    video_id: VideoId,
    checkpoint_id: CheckpointId,
    body: RegenerateBeatRequest,
    request: Request,
    user: User,
    studio: StudioDep,
    queue: QueueDep,
) -> Any:
    """Fork a branch with beat ``beat_index`` drawn again (from ``prompt_override`` if given)."""
    views, cp = await _at(
        studio, queue, request, video_id, user, checkpoint_id, "storyboard", "regenerate-beat"
    )
    _check_beat(cp, body.beat_index)
    edit = RegenerateBeat(beat=body.beat_index + 1, prompt=body.prompt_override)
    return await _edit(request, studio, queue, views, cp, edit, f"beat_{body.beat_index:02d}")


@router.post(
    f"{_BASE}/upload-image", responses=_EDIT_RESPONSES, summary="Replace a beat's image (phase 2)"
)
async def upload_image(
    video_id: VideoId,
    checkpoint_id: CheckpointId,
    beat_index: Annotated[int, Form(ge=0, description="0-based beat index")],
    image: Annotated[UploadFile, File(description="an image; checked by its content")],
    request: Request,
    user: User,
    studio: StudioDep,
    queue: QueueDep,
) -> Any:
    """Fork a branch whose beat ``beat_index`` is the uploaded image, cropped to the frame."""
    views, cp = await _at(
        studio, queue, request, video_id, user, checkpoint_id, "storyboard", "upload-image"
    )
    _check_beat(cp, beat_index)
    data = await read_upload(image, "the image")
    aspect = (cp.spec or {}).get("aspect", "16:9")
    try:
        png = await asyncio.to_thread(storyboard_frame, data, ASPECT_SIZE_PX[aspect])
    except UserError as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, str(exc)) from None
    name = f"beat_{beat_index:02d}"
    ref = await studio.records.keep_upload(video_id, user, cp.branch, name, png)
    return await _edit(
        request, studio, queue, views, cp, ReplaceBeatImage(beat=beat_index + 1, image=ref), name
    )


@router.post(
    f"{_BASE}/regenerate-chunk", responses=_EDIT_RESPONSES, summary="Re-render a chunk (phase 3)"
)
async def regenerate_chunk(
    video_id: VideoId,
    checkpoint_id: CheckpointId,
    body: RegenerateChunkRequest,
    request: Request,
    user: User,
    studio: StudioDep,
    queue: QueueDep,
) -> Any:
    """Fork a branch with chunk ``chunk_index`` rendered again (with ``model_override``)."""
    views, cp = await _at(
        studio, queue, request, video_id, user, checkpoint_id, "chunks", "regenerate-chunk"
    )
    chunks = sorted(n for n in cp.artifacts if n.startswith("chunk_"))
    if not 0 <= body.chunk_index < len(chunks):
        raise NotFound(_missing("chunk", body.chunk_index, len(chunks), cp.id))
    if body.model_override:
        studio.records.check_video_model(body.model_override)  # unknown → UserError listing known
    edit = RegenerateChunk(chunk=body.chunk_index + 1, model=body.model_override)
    return await _edit(request, studio, queue, views, cp, edit, f"chunk_{body.chunk_index:02d}")


def _check_beat(cp: Checkpoint, beat_index: int) -> None:
    beats = len((cp.spec or {}).get("beats", []))
    if not 0 <= beat_index < beats:
        raise NotFound(_missing("beat", beat_index, beats, cp.id))


def _missing(kind: str, index: int, count: int, checkpoint: str) -> str:
    """Why a 0-based ``<kind>_index`` names nothing, counted as users count too (from 1).

    ``beat_index 9 (beat 10) does not exist; cp-… has beats 1-9 (beat_index 0-8)``.
    """
    if count == 0:
        return f"{kind}_index {index} does not exist; {checkpoint} has no {kind}s"
    return (
        f"{kind}_index {index} ({kind} {index + 1}) does not exist; {checkpoint} has {kind}s"
        f" 1-{count} ({kind}_index 0-{count - 1})"
    )
