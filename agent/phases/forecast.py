"""What the next phase would spend: the estimate shown at a pause (DESIGN.md §2, §3).

The next phase's paid calls are laid out by the same functions the phase builds its requests
with (:func:`agent.phases.storyboard.beat_drawing`, :func:`agent.phases.chunks.chunk_clip` and
:func:`~agent.phases.chunks.end_frame_clips`, :func:`agent.phases.refine.soundtrack`), from
the branch's state as it is now: its spec, options and overrides, its storyboard images. Each
is priced by its provider's ``describe`` (the offline providers cost nothing; Replicate's
prices come from ``agent/providers/replicate/models.toml``), exactly as the budget check prices
it before the call is made. A call whose memo key already produced an output is reused at no
cost (:mod:`agent.memo`) and is left out. FFmpeg steps are free and not listed.

Nothing runs: no provider is called, no file read, no FFmpeg; one database query.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from agent.db import Pool
from agent.memo import Call, done_keys
from agent.phases.chunks import Frame, chunk_clip, end_frame_clips, plan_chunks
from agent.phases.common import beat_name
from agent.phases.refine import soundtrack
from agent.phases.storyboard import beat_drawing, uploaded
from agent.providers.registry import Registry
from agent.state import Phase, State


@dataclass(frozen=True)
class Upcoming:
    """A paid call the next phase would make.

    Attributes:
        call: the call, with its price (``cost_usd``).
        exact: True when ``call.key`` is the key the phase will use, so a memo hit means the
            call is reused; False when an input does not exist yet (a chained chunk's start
            frame, cut from the previous chunk), so the call is priced as if it runs.
    """

    call: Call
    exact: bool = True


def _unread(sha256: str) -> Path:
    """A stand-in file for an input: ``describe`` keys a call by its inputs' hashes only."""
    return Path("blobs", sha256)


def storyboard_calls(state: State, registry: Registry) -> list[Upcoming]:
    """One image call per beat, except beats whose image the user uploaded."""
    spec = state["spec"]
    assert spec is not None, "a storyboard before the plan exists"
    calls = []
    for beat in spec.beats:
        if uploaded(state, beat) is None:
            images, req = beat_drawing(state, beat, registry, _unread)
            calls.append(Upcoming(images.describe(req)))
    return calls


def chunk_calls(state: State, registry: Registry) -> list[Upcoming]:
    """One clip call per chunk that :func:`~agent.phases.chunks.plan_chunks` lays out.

    With an end-frame model every request is known now. Otherwise a beat's later chunks start
    from the previous chunk's last frame, which does not exist yet: they are priced with the
    beat's image as a stand-in start (the price does not depend on the frame) and not exact.

    Raises:
        ReelgraphError: a beat has no storyboard image.
        UserError: a video model is unknown, or refuses the request (clip length, aspect).
    """
    spec = state["spec"]
    assert spec is not None, "chunks before the plan exists"
    video = registry.video(state["options"].video_model)
    jobs = plan_chunks(spec, video.clip_lengths_s)
    calls = []
    for beat in spec.beats:
        mine = [j for j in jobs if j.beat_index == beat.index]
        if video.end_frame:
            clips = end_frame_clips(state, beat, mine, video, registry, _unread)
        else:
            image = state["artifacts"][beat_name(beat.index)].sha256
            start = Frame(image, _unread(image))
            clips = [
                chunk_clip(state, beat, job, k, video, registry, start, None)
                for k, job in enumerate(mine)
            ]
        calls += [Upcoming(c.model.describe(c.req), exact=c.job.first_in_beat) for c in clips]
    return calls


def refine_calls(state: State, registry: Registry) -> list[Upcoming]:
    """The music call, unless no music is made."""
    scoring = soundtrack(state, registry)
    if scoring is None:
        return []
    composer, req = scoring
    return [Upcoming(composer.describe(req))]


def upcoming_calls(state: State, phase: Phase | None, registry: Registry) -> list[Upcoming]:
    """The paid calls ``phase`` would make from ``state`` (none for None: the video is done).

    Raises:
        ReelgraphError: the state lacks what the phase needs (e.g. a storyboard image).
        UserError: a model is unknown, or refuses the request.
    """
    if phase == "storyboard":
        return storyboard_calls(state, registry)
    if phase == "chunks":
        return chunk_calls(state, registry)
    if phase == "refine":
        return refine_calls(state, registry)
    return []  # the plan runs before the first pause; after refine nothing runs


async def next_phase_cost(
    state: State, phase: Phase | None, registry: Registry, pool: Pool
) -> float:
    """USD that ``phase`` would spend if the branch continued now.

    The sum of the prices of the phase's calls (:func:`upcoming_calls`) whose output the memo
    does not already hold. The memo row is trusted without checking its blob is still in the
    store. Calls whose key cannot be known yet count as paid, so with a video model that takes
    no end frame the number is an upper bound; otherwise it is what the budget check will see.

    Raises:
        ReelgraphError: the state lacks what the phase needs (e.g. a storyboard image).
        UserError: a model is unknown, or refuses the request.
    """
    calls = upcoming_calls(state, phase, registry)
    reused = await done_keys(pool, [u.call.key for u in calls if u.exact and u.call.cost_usd])
    paid = sum(u.call.cost_usd for u in calls if not (u.exact and u.call.key in reused))
    return round(paid, 6)
