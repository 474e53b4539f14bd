"""Phase 3: video chunks on the model's clip grid, trimmed to each beat, then stitched.

Video models make clips of fixed lengths only. Each beat is covered by one or more chunks on
the model's grid; the first chunk of a beat starts from its storyboard image, later ones from
the previous chunk's last frame, and the last one is trimmed so the beat lasts exactly its
number of frames. Beats render in parallel; the chunks of one beat render in order.

A ``frame_exact`` model (the local one) is asked for just the frames a chunk keeps, and its
clip is the chunk: nothing is drawn or encoded to be trimmed away, nor encoded twice. When
every chunk of the ad comes from such a model and the captions are burned in, the model
draws them into its frames too (:func:`drawn_captions`): the lines are spoken here first
(:func:`agent.phases.voicing.spoken_lines`, memoised; refine gets the same audio and cues),
and refine only muxes. A chained chunk then starts from its predecessor's last frame as
drawn, without captions (the model's ``last_frame``), not from a decoded captioned one.
Refine re-derives the chunks with the branch's caption settings (:func:`picture`): the
memo answers when nothing changed; a caption edit there ("bigger captions", "captions off",
a new line) re-renders the chunks whose captions change, and the stitch.

When the beat's video model takes an end frame (Hailuo-02 ``last_frame_image``, Kling pro
``end_image``, Veo 3.1 ``last_frame``), nothing has to wait for a previous chunk: every chunk
starts from the beat's storyboard image, the beat's last chunk ends on the *next* beat's
storyboard image (the last beat's ends where the model likes), and earlier chunks of a long beat
end on the beat's own image, where the following chunk starts. All chunks of the beat render at
once (``asyncio.gather``), and each clip is retimed to the chunk's length so that its first and
last frames both survive the trim (DESIGN.md §1).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from langgraph.runtime import Runtime
from langgraph.types import Send

from agent.captions import Cue
from agent.deps import Deps
from agent.errors import ReelgraphError
from agent.media import X264_ARGS, X264_ID, Media
from agent.memo import Blob, Call, Recorder
from agent.phases.common import (
    BeatTask,
    beat_name,
    beat_tasks,
    chunk_name,
    opened,
    override,
    progress,
    recorder,
)
from agent.phases.voicing import VoiceSettings, spoken_lines
from agent.providers.base import CaptionCue, CaptionTrack, ClipRequest, VideoProvider
from agent.providers.registry import Registry
from agent.spec import FPS, Beat, Spec
from agent.state import ArtifactRef, State
from agent.trust import guard


@dataclass(frozen=True)
class ChunkJob:
    """One chunk of the ad.

    Attributes:
        index: 0-based over the whole ad (users see ``index + 1``).
        beat_index: the beat it belongs to.
        clip_s: the clip length asked of the model, seconds.
        frames: frames kept (at :data:`~agent.spec.FPS`).
        skip_frames: frames dropped from the clip's start: 1 for a chunk chained from the
            previous chunk's last frame (the model repeats it as its first), else 0.
    """

    index: int
    beat_index: int
    clip_s: float
    frames: int
    skip_frames: int

    @property
    def first_in_beat(self) -> bool:
        """Starts from the beat's storyboard image."""
        return self.skip_frames == 0


def beat_frames(spec: Spec) -> list[int]:
    """Frames per beat, from rounded cumulative times, so they sum to the ad's frame count."""
    edges = [round(b.start_s * FPS) for b in spec.beats] + [round(spec.duration_s * FPS)]
    return [b - a for a, b in zip(edges, edges[1:], strict=False)]


def plan_chunks(spec: Spec, clip_lengths_s: tuple[float, ...]) -> list[ChunkJob]:
    """Cover every beat with clips from the model's grid.

    A beat takes clips of the longest length while more than one is needed, then the
    shortest length that covers the rest. A chained clip (not the beat's first) repeats the
    previous chunk's last frame as its own first, so it drops that frame and adds one fewer.

    Args:
        spec: the plan.
        clip_lengths_s: clip lengths the model makes, seconds.

    Returns:
        The chunks in playback order; their frames sum to the ad's frame count.
    """
    lengths = sorted(clip_lengths_s)
    jobs: list[ChunkJob] = []
    for beat, frames in zip(spec.beats, beat_frames(spec), strict=True):
        left, skip = frames, 0
        while left > 0:
            fits = [s for s in lengths if round(s * FPS) - skip >= left]
            clip_s = fits[0] if fits else lengths[-1]
            keep = min(left, round(clip_s * FPS) - skip)
            jobs.append(ChunkJob(len(jobs), beat.index, clip_s, keep, skip))
            left, skip = left - keep, 1
    return jobs


def dispatch(state: State) -> list[Send]:
    """Fan out: one ``render_beat`` task per beat."""
    return [Send("render_beat", task) for task in beat_tasks(state)]


class Frame(NamedTuple):
    """A frame a clip starts or ends on.

    Attributes:
        sha256: its hash, which goes into the clip's memo key.
        path: a file holding it, which the video model reads.
    """

    sha256: str
    path: Path


class ChunkClip(NamedTuple):
    """The clip one chunk asks of a video model."""

    job: ChunkJob
    name: str  # chunk_NN
    model: VideoProvider
    req: ClipRequest


def chunk_clip(
    task: State | BeatTask,
    beat: Beat,
    job: ChunkJob,
    k: int,
    video: VideoProvider,
    registry: Registry,
    start: Frame,
    end: Frame | None,
) -> ChunkClip:
    """The model and request of one chunk's clip, as the chunks phase makes it.

    The chunk's override (from ``regenerate_chunk``) sets its video model, its motion prompt
    and its take; otherwise ``video`` animates the beat's motion prompt.

    Args:
        task: the branch's state, or one beat's fan-out task (options, spec, overrides).
        beat: the chunk's beat.
        job: the chunk, from :func:`plan_chunks`.
        k: its position in the beat (0 for the first); the seed follows it, so edits
            elsewhere keep the chunk's memo key.
        video: the branch's video model.
        registry: where an override's model is looked up.
        start: the frame the clip starts from.
        end: the frame it should end on; dropped when the chunk's model takes none.

    Raises:
        UserError: the override's video model is unknown.
    """
    spec, options = task["spec"], task["options"]
    assert spec is not None, "chunks before the plan exists"
    name = chunk_name(job.index)
    direction = override(task, name)
    model = registry.video(direction.model) if direction.model else video
    if not model.end_frame:
        end = None
    req = ClipRequest(
        start_image=start.path,
        start_sha256=start.sha256,
        end_image=end.path if end else None,
        end_sha256=end.sha256 if end else None,
        prompt=direction.prompt or beat.motion_prompt,
        camera=beat.camera,
        clip_s=job.clip_s,
        size_px=spec.size_px,
        seed=direction.seed(options.seed + k),
    )
    return ChunkClip(job, name, model, req)


def end_frame_clips(
    task: State | BeatTask,
    beat: Beat,
    mine: list[ChunkJob],
    video: VideoProvider,
    registry: Registry,
    locate: Callable[[str], Path],
) -> list[ChunkClip]:
    """Every clip of a beat rendered towards end frames (see the module docstring).

    Each starts from the beat's storyboard image; the beat's last one ends on the next beat's
    image (the last beat's where the model likes), earlier ones on the beat's own image.

    Args:
        task: the branch's state, or one beat's fan-out task, with the storyboard images.
        beat: the beat.
        mine: the beat's chunks, from :func:`plan_chunks`.
        video: the branch's video model (one that takes an end frame).
        registry: where an override's model is looked up.
        locate: a local file holding the blob of a SHA-256.

    Raises:
        ReelgraphError: the next beat has no storyboard image.
        UserError: an override's video model is unknown.
    """
    spec = task["spec"]
    assert spec is not None, "chunks before the plan exists"
    images = task["artifacts"]

    def frame(ref: ArtifactRef) -> Frame:
        return Frame(ref.sha256, locate(ref.sha256))

    start = frame(images[beat_name(beat.index)])
    after: Frame | None = None
    if beat.index + 1 < len(spec.beats):
        ref = images.get(beat_name(beat.index + 1))
        if ref is None:
            raise ReelgraphError(f"storyboard incomplete: no image for beat {beat.number + 1}")
        after = frame(ref)
    last = len(mine) - 1
    return [
        chunk_clip(task, beat, job, k, video, registry, start, after if k == last else start)
        for k, job in enumerate(mine)
    ]


async def render_beat(task: BeatTask, *, runtime: Runtime[Deps]) -> dict[str, Any]:
    """Render the chunks of one beat, each memoised on its own.

    A chunk's override (from ``regenerate_chunk``) can set its video model, its motion prompt
    and a new take (seed). With a model that takes an end frame the beat's chunks render in
    parallel towards the next beat's storyboard image (see the module docstring); otherwise
    they render in order, each from the previous one's last frame, so the chunks after a
    regenerated one follow from its new last frame.
    """
    video = (await guard(runtime, task)).registry.video(task["options"].video_model)
    if video.end_frame:
        return await _render_to_end_frames(task, video, runtime)
    return await _render_chained(task, video, runtime)


def frame_exact(model: VideoProvider) -> bool:
    """Whether ``model`` renders just the frames a chunk keeps, as a canonical chunk.

    Such a model (the local one) is asked for the chunk's frames (``ClipRequest.frames`` and
    ``skip_frames``), and its clip is the chunk: no frame is drawn or encoded only to be
    trimmed, and nothing is encoded twice.
    """
    return getattr(model, "frame_exact", False) is True


class _BeatChunks(NamedTuple):
    """What rendering one beat's chunks starts from."""

    deps: Deps
    spec: Spec
    beat: Beat
    jobs: list[ChunkJob]  # the whole ad's chunks
    mine: list[ChunkJob]  # this beat's
    rec: Recorder
    start: ArtifactRef  # the beat's storyboard image


async def _beat_chunks(task: BeatTask, video: VideoProvider, runtime: Runtime[Deps]) -> _BeatChunks:
    deps = opened(runtime)  # render_beat guarded the task first
    spec = task["spec"]
    beat = spec.beats[task["beat_index"]]
    jobs = plan_chunks(spec, video.clip_lengths_s)
    mine = [j for j in jobs if j.beat_index == beat.index]
    rec = recorder(runtime, task, "chunks")
    start = task["artifacts"][beat_name(beat.index)]
    return _BeatChunks(deps, spec, beat, jobs, mine, rec, start)


def drawn_captions(task: State | BeatTask, registry: Registry) -> bool:
    """Whether the video model draws the burned captions into the chunks itself.

    True when captions are burned in, some beat has a line, the ad's chunks are chained (no
    end frames) and every chunk's model (overrides included) is :func:`frame_exact`.
    Otherwise the chunks are clean and refine burns the captions in (one more encode).

    Raises:
        UserError: a video model is unknown.
    """
    spec, options = task["spec"], task["options"]
    if spec is None or VoiceSettings.of(spec, options).subtitles != "burn":
        return False
    if not any(b.voiceover.strip() for b in spec.beats):
        return False
    return _all_frame_exact(task, registry)


def _all_frame_exact(task: State | BeatTask, registry: Registry) -> bool:
    spec = task["spec"]
    assert spec is not None
    video = registry.video(task["options"].video_model)
    if video.end_frame:
        return False
    for job in plan_chunks(spec, video.clip_lengths_s):
        direction = override(task, chunk_name(job.index))
        if not frame_exact(registry.video(direction.model) if direction.model else video):
            return False
    return True


def chunk_captions(
    cues: list[Cue], spec: Spec, jobs: list[ChunkJob], job: ChunkJob, scale: float
) -> CaptionTrack | None:
    """The cues on one chunk, timed from its first frame; None when none is on it.

    Args:
        cues: the ad's cues (seconds from the ad's start).
        spec: the plan (language of the captions).
        jobs: every chunk of the ad, from :func:`plan_chunks`.
        job: the chunk.
        scale: the branch's caption scale.
    """
    first = sum(j.frames for j in jobs[: job.index])
    start_s, end_s = first / FPS, (first + job.frames) / FPS
    on = [
        CaptionCue(
            text=c.text,
            start_s=round(max(c.start_s, start_s) - start_s, 6),
            end_s=round(min(c.end_s, end_s) - start_s, 6),
        )
        for c in cues
        if c.start_s < end_s and c.end_s > start_s
    ]
    if not on:
        return None
    return CaptionTrack(language=spec.language, scale=scale, cues=tuple(on))


async def _drawn_cues(task: State | BeatTask, deps: Deps, rec: Recorder) -> list[Cue] | None:
    """The ad's cues when the model draws the captions (:func:`drawn_captions`), else None."""
    spec = task["spec"]
    if spec is None or not drawn_captions(task, deps.registry):
        return None
    return (await spoken_lines(spec, task["options"], deps, rec)).cues


#: Called with each chunk as it is made: (name, the model's clip, the chunk).
ChunkDone = Callable[[str, Blob, Blob], Awaitable[None]]


async def chained_chunks(
    task: State | BeatTask,
    beat_index: int,
    video: VideoProvider,
    deps: Deps,
    rec: Recorder,
    cues: list[Cue] | None,
    done: ChunkDone,
) -> None:
    """Make one beat's chunks in order, each from the previous chunk's last frame.

    Args:
        task: the branch's state, or the beat's fan-out task.
        beat_index: the beat.
        video: the branch's video model.
        deps: the run's dependencies.
        rec: the recorder the calls are filed with.
        cues: the ad's cues to draw in (:func:`_drawn_cues`), or None for clean chunks.
        done: called with each chunk, in order.

    Raises:
        UserError: an override's video model is unknown.
        ProviderError, MediaError: a clip or its conform failed.
    """
    spec = task["spec"]
    assert spec is not None, "chunks before the plan exists"
    beat = spec.beats[beat_index]
    jobs = plan_chunks(spec, video.clip_lengths_s)
    mine = [j for j in jobs if j.beat_index == beat.index]
    start = task["artifacts"][beat_name(beat.index)]
    scale = VoiceSettings.of(spec, task["options"]).caption_scale
    frame = Frame(start.sha256, deps.store.local_path(start.sha256))
    for k, job in enumerate(mine):
        _, name, model, req = chunk_clip(task, beat, job, k, video, deps.registry, frame, None)
        exact = frame_exact(model)
        if exact:  # only the frames the chunk keeps: the clip is the chunk
            req = req.model_copy(update={"frames": job.frames, "skip_frames": job.skip_frames})
        clean = req
        if exact and cues is not None:
            req = req.model_copy(update={"captions": chunk_captions(cues, spec, jobs, job, scale)})

        async def animate(dst: Path, req: ClipRequest = req, model: VideoProvider = model) -> None:
            await model.animate(req, dst)

        clip = await rec.produce(model.describe(req), name, ".mp4", animate)
        chunk = clip if exact else await _conform(deps.media, rec, name, job, clip, spec)
        await done(name, clip, chunk)
        if k == len(mine) - 1:
            break
        drawn = getattr(model, "last_frame", None) if exact else None
        if drawn is not None:  # the frame as drawn, never with captions on it

            async def draw_last(dst: Path, req: ClipRequest = clean, model: Any = model) -> None:
                await model.last_frame(req, dst)

            describe: Any = getattr(model, "describe_last_frame")  # noqa: B009
            last = await rec.produce(describe(clean), name, ".png", draw_last)
        else:

            async def last_frame(dst: Path, src: Path = chunk.path) -> None:
                dst.write_bytes(await deps.media.last_frame(src))

            call = Call("ffmpeg", "last_frame", {}, inputs=(chunk.sha256,))
            last = await rec.produce(call, name, ".png", last_frame)
        frame = Frame(last.sha256, last.path)


async def _render_chained(
    task: BeatTask, video: VideoProvider, runtime: Runtime[Deps]
) -> dict[str, Any]:
    """The beat's chunks in order, each starting from the previous chunk's last frame."""
    deps, _, beat, jobs, _, rec, _ = await _beat_chunks(task, video, runtime)
    cues = await _drawn_cues(task, deps, rec)
    refs: dict[str, ArtifactRef] = {}

    async def done(name: str, clip: Blob, chunk: Blob) -> None:
        refs[name] = await rec.register(name, "mp4", "video/mp4", chunk)
        progress(runtime, "chunks", name, len(jobs) + 1, reused=clip.reused)  # + the stitch

    await chained_chunks(task, beat.index, video, deps, rec, cues, done)
    return {"artifacts": refs}


async def picture(state: State, deps: Deps, rec: Recorder) -> tuple[dict[str, Blob], Blob] | None:
    """The chunks and stitched video with the branch's caption settings, for refine.

    For an ad whose chunks are all drawn by :func:`frame_exact` models (so captions may be in
    them), the chunks are made again through the memo with the captions the branch wants now
    (:func:`drawn_captions`): unchanged ones are answered by the memo, a caption edit
    re-renders the chunks whose captions change. None for any other ad: its chunks are clean
    and refine burns captions in itself.

    Returns:
        (chunk name → chunk, the stitched video), or None.

    Raises:
        UserError: a video model is unknown.
        ProviderError, MediaError: rendering or stitching failed.
    """
    spec = state["spec"]
    assert spec is not None, "refine before the plan exists"
    if not _all_frame_exact(state, deps.registry):
        return None
    video = deps.registry.video(state["options"].video_model)
    cues = await _drawn_cues(state, deps, rec)
    made: dict[str, Blob] = {}

    async def done(name: str, clip: Blob, chunk: Blob) -> None:
        made[name] = chunk

    await asyncio.gather(*(
        chained_chunks(state, beat.index, video, deps, rec, cues, done) for beat in spec.beats
    ))  # fmt: skip
    jobs = plan_chunks(spec, video.clip_lengths_s)
    blobs = [made[chunk_name(j.index)] for j in jobs]
    return made, await _stitch(deps, rec, blobs)


async def _stitch(deps: Deps, rec: Recorder, blobs: list[Blob] | list[ArtifactRef]) -> Blob:
    """The chunks stitched in order, by stream copy (memoised on their hashes)."""
    paths = [deps.store.local_path(b.sha256) for b in blobs]

    async def stitch(dst: Path) -> None:
        await deps.media.stitch(paths, dst)

    call = Call("ffmpeg", "stitch", {"fps": FPS}, inputs=tuple(b.sha256 for b in blobs))
    return await rec.produce(call, "stitched", ".mp4", stitch)


async def _render_to_end_frames(
    task: BeatTask, video: VideoProvider, runtime: Runtime[Deps]
) -> dict[str, Any]:
    """The beat's chunks at once, from the beat's image towards the next beat's image."""
    deps, spec, beat, jobs, mine, rec, _ = await _beat_chunks(task, video, runtime)
    planned = end_frame_clips(task, beat, mine, video, deps.registry, deps.store.local_path)

    async def render(
        job: ChunkJob, name: str, model: VideoProvider, req: ClipRequest
    ) -> tuple[str, ArtifactRef]:

        async def animate(dst: Path) -> None:
            await model.animate(req, dst)

        clip = await rec.produce(model.describe(req), name, ".mp4", animate)
        timed = clip
        if req.end_image is not None:  # keep both the start and the end frame
            timed = await _retime(runtime, rec, name, clip, job.frames + job.skip_frames)
        chunk = await _conform(deps.media, rec, name, job, timed, spec)
        ref = await rec.register(name, "mp4", "video/mp4", chunk)
        progress(runtime, "chunks", name, len(jobs) + 1, reused=clip.reused)  # + the stitch
        return name, ref

    done = await asyncio.gather(*(render(*chunk) for chunk in planned))
    return {"artifacts": dict(done)}


async def _conform(
    media: Media, rec: Recorder, name: str, job: ChunkJob, clip: Blob, spec: Spec
) -> Blob:
    """The chunk: ``job.frames`` frames of ``clip`` (after ``job.skip_frames``), ad-sized."""

    async def conform(dst: Path) -> None:
        await media.conform(clip.path, dst, job.frames, spec.size_px, job.skip_frames)

    trim = Call(
        "ffmpeg",
        "conform",
        {
            "frames": job.frames,
            "skip_frames": job.skip_frames,
            "size_px": list(spec.size_px),
            "fps": FPS,
            "x264": X264_ID,
        },
        inputs=(clip.sha256,),
    )
    return await rec.produce(trim, name, ".mp4", conform)


async def _retime(
    runtime: Runtime[Deps], rec: Recorder, name: str, clip: Blob, frames: int
) -> Blob:
    """``clip`` sped up or slowed down to last ``frames`` frames at :data:`FPS`.

    A clip that runs from a start frame to an end frame must keep both: trimming its tail
    would cut the end frame the next beat starts from.
    """
    media = opened(runtime).media

    async def retime(dst: Path) -> None:
        duration_s = media.probe(clip.path).duration_s
        if duration_s <= 0:
            raise ReelgraphError(f"{name}: the video model returned an empty clip")
        factor = frames / FPS / duration_s
        await media.run(
            ["-i", str(clip.path), "-map", "0:v:0", "-vf", f"setpts={factor:.6f}*PTS",
             "-r", str(FPS), "-frames:v", str(frames), *X264_ARGS, "-an", str(dst)]
        )  # fmt: skip

    params = {"frames": frames, "fps": FPS, "x264": X264_ID}
    call = Call("ffmpeg", "retime", params, inputs=(clip.sha256,))
    return await rec.produce(call, name, ".mp4", retime)


async def chunks(state: State, *, runtime: Runtime[Deps]) -> dict[str, Any]:
    """Join: stitch every chunk, in order, into ``stitched_vN.mp4`` (exact to the frame)."""
    deps = await guard(runtime, state)
    spec = state["spec"]
    assert spec is not None
    jobs = plan_chunks(spec, deps.registry.video(state["options"].video_model).clip_lengths_s)
    names = [chunk_name(j.index) for j in jobs]
    missing = [j.index + 1 for j in jobs if chunk_name(j.index) not in state["artifacts"]]
    if missing:  # numbered as users count, from 1
        raise ReelgraphError(f"chunks incomplete: chunks {missing} missing")
    refs = [state["artifacts"][n] for n in names]
    rec = recorder(runtime, state, "chunks")
    blob = await _stitch(deps, rec, refs)
    ref = await rec.register("stitched", "mp4", "video/mp4", blob)
    progress(runtime, "chunks", "stitched", len(jobs) + 1)
    return {"artifacts": {"stitched": ref}, "phase": "chunks"}
