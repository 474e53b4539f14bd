"""Generation, status (polled and streamed), checkpoints and continuing: the seed API's core.

``POST /api/generate`` and ``POST …/continue`` put runs on the job queue (:mod:`agent.queue`)
and answer at once with the job and its position; a worker (this server's own unless
``reelgraph serve --no-worker``, or any ``reelgraph worker``) runs them. Clients follow them
on ``GET /api/status/{video_id}`` or its server-sent-event stream.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from sse_starlette import EventSourceResponse

from agent.errors import BranchBusy, WrongPhase
from agent.queue import Queue
from agent.service.videos import video_request
from agent.spec import Aspect
from agent.state import MAX_PROMPT_CHARS, MAX_REFERENCE_IMAGES, Subtitles
from agent.studio import Studio
from agent.text import TextInput
from ui.api_assets import asset_images, attach_assets
from ui.api_bodies import CheckpointDetail, CheckpointList, StatusBody, TreeBody
from ui.api_checkpoints import CheckpointId, VideoId, find, latest
from ui.api_core import QueueDep, StudioDep, User
from ui.api_views import Views

#: How often a status stream looks for changes, seconds.
STREAM_POLL_S = 0.5

router = APIRouter(tags=["videos"])
_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "unknown video or branch"}}


class GenerateRequest(TextInput):
    """A brief and how to make it (the seed fields, plus optional reelgraph options).

    Every string is plain text (:class:`~agent.text.TextInput`): a control character or a
    lone surrogate anywhere is a 422 and nothing is created.
    """

    model_config = ConfigDict(extra="forbid")

    prompt: str = Field(max_length=MAX_PROMPT_CHARS, examples=["Create a 30-second Nike ad"])
    title: str | None = Field(default=None, max_length=120)
    description: str | None = Field(default=None, max_length=1000)
    model: str | None = Field(
        default=None,
        max_length=80,
        description="video model name or alias; default: the registry's default (hailuo-02"
        " with REPLICATE_API_TOKEN set, else local), as the command line picks it",
    )
    auto_continue: bool = False
    reference_assets: list[str] = Field(
        default_factory=list,
        max_length=MAX_REFERENCE_IMAGES,
        description="ids from POST /api/upload: product photos the storyboard draws from",
    )
    duration_s: float | None = Field(default=None, description="6-60 s; default from the prompt")
    aspect: Aspect | None = Field(default=None, description="default from the prompt, else 16:9")
    seed: int = Field(default=0, ge=0, le=2**31 - 1)
    voiceover: bool = Field(default=True, description="speak each beat's voiceover line")
    subtitles: Subtitles = Field(
        default="burn", description="burned-in captions (and a soft track), soft only, or off"
    )
    voice: str | None = Field(
        default=None, max_length=40, description="voice name; default: the speech model's"
    )


class GenerateResponse(BaseModel):
    """The new video, queued."""

    video_id: str
    status: str = "queued"
    message: str = "Video generation started"
    job_id: int | None = Field(default=None, description="the run's job on the queue")
    queue_position: int | None = Field(
        default=None, description="1 = next to start; null once a worker has taken it"
    )


class ContinueRequest(TextInput):
    """Which pause to continue from."""

    model_config = ConfigDict(extra="forbid")

    checkpoint_id: str = Field(pattern=r"^cp-", max_length=100)
    auto_continue: bool = Field(default=False, description="run to the end without pausing")


class ContinueResponse(BaseModel):
    """The branch that is running on."""

    message: str = "Pipeline continued"
    next_phase: int | None
    branch_name: str
    created_new_branch: bool = False


@router.post(
    "/api/generate",
    responses={404: {"description": "unknown reference asset"}, 422: {"description": "-"}},
)
async def generate(
    body: GenerateRequest, user: User, studio: StudioDep, queue: QueueDep
) -> GenerateResponse:
    """Create a video and queue its run (to the first pause, or the end); answers at once."""
    photos = await asset_images(studio, user, body.reference_assets)
    brief = body.prompt if not body.description else f"{body.prompt}. {body.description}"
    request = video_request(
        brief[:MAX_PROMPT_CHARS],
        auto_continue=body.auto_continue,
        duration_s=body.duration_s,
        aspect=body.aspect,
        seed=body.seed,
        video_model=body.model,
        voiceover=body.voiceover,
        subtitles=body.subtitles,
        voice=body.voice,
        reference_images=tuple(photos) or None,
    )
    # unknown model → UserError
    video_id = await studio.create_video(request, user, title=body.title)
    await attach_assets(studio, video_id, body.reference_assets)
    job = await queue.enqueue(video_id, user, "main", auto_continue=body.auto_continue)
    return GenerateResponse(
        video_id=video_id, job_id=job.job_id, queue_position=job.position or None
    )


BranchQuery = Annotated[
    str | None,
    Query(
        max_length=64,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
        description="a branch (main, main-1, …); default: the one that changed last",
    ),
]


@router.get("/api/status/{video_id}", responses=_NOT_FOUND)
async def get_status(
    video_id: VideoId,
    request: Request,
    user: User,
    studio: StudioDep,
    queue: QueueDep,
    branch: BranchQuery = None,
) -> StatusBody:
    """Where the video is: status, progress %, current checkpoint, tree, final video, cost.

    ``queued`` with ``queue_position`` (1 is next) while a run of the branch waits in the job
    queue, ``running`` once a worker has it.
    """
    views = await Views(request, studio, video_id, user, queue).load()
    return await views.status(branch)


@router.get(
    "/api/status/{video_id}/stream",
    responses={200: {"content": {"text/event-stream": {}}}, **_NOT_FOUND},
    response_class=EventSourceResponse,
)
async def stream_status(
    video_id: VideoId,
    request: Request,
    user: User,
    studio: StudioDep,
    queue: QueueDep,
    branch: BranchQuery = None,
) -> EventSourceResponse:
    """Server-sent events: ``status_update`` on every change, ``checkpoint_created`` per pause.

    The stream ends after the status turns ``complete`` or ``failed``, or when the client goes.
    """
    views = await Views(request, studio, video_id, user, queue).load()
    first = await views.status(branch)
    known = {cp.id for cp in views.checkpoints}
    return EventSourceResponse(
        _events(request, studio, queue, video_id, user, branch, first, known)
    )


async def _events(
    request: Request,
    studio: Studio,
    queue: Queue,
    video_id: str,
    user: str,
    branch: str | None,
    body: StatusBody,
    known: set[str],
) -> AsyncIterator[dict[str, str]]:
    last = body.model_dump_json()
    yield {"event": "status_update", "data": last}
    while body.status not in ("complete", "failed"):
        await asyncio.sleep(STREAM_POLL_S)
        views = await Views(request, studio, video_id, user, queue).load()
        for cp in views.checkpoints:
            if cp.id not in known:
                known.add(cp.id)
                event = {"checkpoint_id": cp.id, "phase": cp.phase_number, "branch": cp.branch}
                yield {"event": "checkpoint_created", "data": json.dumps(event)}
        body = await views.status(branch)
        now = body.model_dump_json()
        if now != last:
            last = now
            yield {"event": "status_update", "data": now}


@router.get("/api/video/{video_id}/checkpoints", responses=_NOT_FOUND)
async def list_checkpoints(
    video_id: VideoId, request: Request, user: User, studio: StudioDep
) -> CheckpointList:
    """Every checkpoint of the video, oldest first, and the tree they make."""
    views = await Views(request, studio, video_id, user).load()
    return CheckpointList(
        checkpoints=[views.checkpoint(c) for c in views.checkpoints], tree=views.tree()
    )


@router.get("/api/video/{video_id}/checkpoints/tree", responses=_NOT_FOUND)
async def checkpoint_tree(
    video_id: VideoId, request: Request, user: User, studio: StudioDep
) -> TreeBody:
    """The checkpoint tree: a branch's first checkpoint hangs under the one it forked from."""
    views = await Views(request, studio, video_id, user).load()
    return TreeBody(tree=views.tree())


@router.get("/api/video/{video_id}/checkpoints/{checkpoint_id}", responses=_NOT_FOUND)
async def get_checkpoint(
    video_id: VideoId, checkpoint_id: CheckpointId, request: Request, user: User, studio: StudioDep
) -> CheckpointDetail:
    """One checkpoint, its spec, and its phase's artifacts with links."""
    views = await Views(request, studio, video_id, user).load()
    return views.checkpoint_detail(find(views.checkpoints, checkpoint_id, video_id))


@router.post(
    "/api/video/{video_id}/continue",
    responses={**_NOT_FOUND, 409: {"description": "not paused there, or running"}},
)
async def continue_video(
    video_id: VideoId,
    body: ContinueRequest,
    request: Request,
    user: User,
    studio: StudioDep,
    queue: QueueDep,
) -> ContinueResponse:
    """Queue the continuation of the branch paused at the checkpoint; answers at once.

    Continuing from phase 3 runs refine to the end (the seed system had no pause after it). A
    branch whose run failed after its newest checkpoint is retried from there.
    """
    views = await Views(request, studio, video_id, user).load()
    cp = find(views.checkpoints, body.checkpoint_id, video_id)
    head = latest(views.checkpoints, cp.branch)
    if (waiting := await queue.job_of(video_id, cp.branch)) is not None:
        raise BranchBusy(f"branch {cp.branch} is {waiting.status} (job {waiting.job_id})")
    if not cp.pending:
        st = await studio.status(video_id, user, cp.branch)
        if head is None or head.id != cp.id or st.status != "failed":
            where = f"{head.id} (phase {head.phase_number})" if head else "no checkpoint"
            raise WrongPhase(
                f"branch {cp.branch} is not paused at {cp.id}; it is {st.status} at {where}"
            )
    auto = body.auto_continue or cp.phase == "chunks"
    await queue.enqueue(video_id, user, cp.branch, auto_continue=auto)
    nxt = cp.phase_number + 1  # the seed's shape: the job is on the branch's status
    return ContinueResponse(next_phase=nxt if nxt <= 4 else None, branch_name=cp.branch)
