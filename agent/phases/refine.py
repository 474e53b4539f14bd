"""Phase 4: music, mix, loudness, the final MP4."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from langgraph.runtime import Runtime

from agent.deps import Deps
from agent.memo import Blob, Call
from agent.phases.common import deps_of, override, progress, recorder
from agent.providers.base import MusicRequest
from agent.state import State

#: Integrated loudness of the final mix, LUFS (streaming platforms' common target, EBU R128 s1).
TARGET_LUFS = -14.0
#: Ceiling on the true peak, dBTP (EBU R128).
TRUE_PEAK_DBTP = -1.0


async def refine(state: State, *, runtime: Runtime[Deps]) -> dict[str, Any]:
    """Compose the music (unless off, or the video model made its own audio) and mux the final.

    The final video is H.264 + AAC, ``+faststart``, at -14 LUFS integrated and at most -1 dBTP.
    """
    deps = await deps_of(runtime)
    spec, options = state["spec"], state["options"]
    assert spec is not None
    stitched = state["artifacts"]["stitched"]
    rec = recorder(runtime, state, "refine")
    video = deps.registry.video(options.video_model)
    updates: dict[str, Any] = {}
    music: Blob | None = None
    steps = 2 if options.music and not video.native_audio else 1
    if steps == 2:
        direction = override(state, "music")
        composer = deps.registry.music_model(direction.model or options.music_model)
        req = MusicRequest(
            brief=spec.music, duration_s=spec.duration_s, seed=direction.seed(options.seed)
        )

        async def compose(dst: Path) -> None:
            await composer.compose(req, dst)

        music = await rec.produce(composer.describe(req), "music", ".mp3", compose)
        updates["music"] = await rec.register("music", "mp3", "audio/mpeg", music)
        progress(runtime, "refine", "music", steps, reused=music.reused)

    gain_db = state.get("music_gain_db", 0.0)
    stitched_path = deps.store.local_path(stitched.sha256)
    music_path = music.path if music else None

    async def finalize(dst: Path) -> None:
        await deps.media.finalize(
            stitched_path,
            music_path,
            dst,
            gain_db=gain_db,
            target_lufs=TARGET_LUFS,
            true_peak_dbtp=TRUE_PEAK_DBTP,
        )

    inputs = (stitched.sha256,) + ((music.sha256,) if music else ())
    call = Call(
        "ffmpeg",
        "finalize",
        {"gain_db": gain_db, "lufs": TARGET_LUFS, "true_peak_dbtp": TRUE_PEAK_DBTP},
        inputs=inputs,
    )
    final = await rec.produce(call, "final", ".mp4", finalize)
    updates["final"] = await rec.register("final", "mp4", "video/mp4", final)
    progress(runtime, "refine", "final", steps, reused=final.reused)
    return {"artifacts": updates, "phase": "refine"}
