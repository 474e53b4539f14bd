"""Phase 3: video chunks on the model's clip grid, trimmed to each beat, then stitched.

Video models make clips of fixed lengths only. Each beat is covered by one or more chunks on
the model's grid; the first chunk of a beat starts from its storyboard image, later ones from
the previous chunk's last frame, and the last one is trimmed so the beat lasts exactly its
number of frames. Beats render in parallel; the chunks of one beat render in order.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langgraph.runtime import Runtime
from langgraph.types import Send

from agent.deps import Deps
from agent.errors import ReelgraphError
from agent.memo import Call
from agent.phases.common import (
    BeatTask,
    beat_name,
    beat_tasks,
    chunk_name,
    override,
    progress,
    recorder,
)
from agent.providers.base import ClipRequest, VideoProvider
from agent.spec import FPS, Spec
from agent.state import State


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


async def render_beat(task: BeatTask, *, runtime: Runtime[Deps]) -> dict[str, Any]:
    """Render the chunks of one beat in order, each memoised on its own.

    A chunk's override (from ``regenerate_chunk``) can set its video model, its motion prompt
    and a new take (seed); the chunks after it in the beat follow from its new last frame.
    """
    deps = runtime.context
    spec, options = task["spec"], task["options"]
    beat = spec.beats[task["beat_index"]]
    video = deps.registry.video(options.video_model)
    jobs = plan_chunks(spec, video.clip_lengths_s)
    rec = recorder(runtime, task, "chunks")
    start = task["artifacts"][beat_name(beat.index)]
    start_sha, start_path = start.sha256, deps.store.local_path(start.sha256)
    refs = {}
    mine = [j for j in jobs if j.beat_index == beat.index]
    for k, job in enumerate(mine):
        name = chunk_name(job.index)
        direction = override(task, name)
        model = deps.registry.video(direction.model) if direction.model else video
        req = ClipRequest(
            start_image=start_path,
            start_sha256=start_sha,
            prompt=direction.prompt or beat.motion_prompt,
            camera=beat.camera,
            clip_s=job.clip_s,
            size_px=spec.size_px,
            # by position in the beat, so edits elsewhere keep it
            seed=direction.seed(options.seed + k),
        )

        async def animate(dst: Path, req: ClipRequest = req, model: VideoProvider = model) -> None:
            await model.animate(req, dst)

        clip = await rec.produce(model.describe(req), name, ".mp4", animate)

        async def conform(dst: Path, src: Path = clip.path, job: ChunkJob = job) -> None:
            await deps.media.conform(src, dst, job.frames, spec.size_px, job.skip_frames)

        trim = Call(
            "ffmpeg",
            "conform",
            {
                "frames": job.frames,
                "skip_frames": job.skip_frames,
                "size_px": list(spec.size_px),
                "fps": FPS,
            },
            inputs=(clip.sha256,),
        )
        chunk = await rec.produce(trim, name, ".mp4", conform)
        refs[name] = await rec.register(name, "mp4", "video/mp4", chunk)
        progress(runtime, "chunks", name, len(jobs) + 1, reused=clip.reused)  # + the stitch
        if k == len(mine) - 1:
            break

        async def last_frame(dst: Path, src: Path = chunk.path) -> None:
            dst.write_bytes(await deps.media.last_frame(src))

        last = await rec.produce(
            Call("ffmpeg", "last_frame", {}, inputs=(chunk.sha256,)), name, ".png", last_frame
        )
        start_sha, start_path = last.sha256, last.path
    return {"artifacts": refs}


async def chunks(state: State, *, runtime: Runtime[Deps]) -> dict[str, Any]:
    """Join: stitch every chunk, in order, into ``stitched_vN.mp4`` (exact to the frame)."""
    deps = runtime.context
    spec = state["spec"]
    assert spec is not None
    jobs = plan_chunks(spec, deps.registry.video(state["options"].video_model).clip_lengths_s)
    names = [chunk_name(j.index) for j in jobs]
    missing = [n for n in names if n not in state["artifacts"]]
    if missing:
        raise ReelgraphError(f"chunks incomplete: {missing} missing")
    refs = [state["artifacts"][n] for n in names]
    paths = [deps.store.local_path(r.sha256) for r in refs]
    rec = recorder(runtime, state, "chunks")

    async def stitch(dst: Path) -> None:
        await deps.media.stitch(paths, dst)

    call = Call("ffmpeg", "stitch", {"fps": FPS}, inputs=tuple(r.sha256 for r in refs))
    blob = await rec.produce(call, "stitched", ".mp4", stitch)
    ref = await rec.register("stitched", "mp4", "video/mp4", blob)
    progress(runtime, "chunks", "stitched", len(jobs) + 1)
    return {"artifacts": {"stitched": ref}, "phase": "chunks"}
