"""Phase 4: music, mix, loudness, the final MP4."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from langgraph.runtime import Runtime

from agent.deps import Deps
from agent.memo import Blob, Call
from agent.phases.common import override, progress, recorder
from agent.providers.base import MusicProvider, MusicRequest
from agent.providers.registry import Registry
from agent.state import State
from agent.trust import guard

#: Integrated loudness of the final mix, LUFS (streaming platforms' common target, EBU R128 s1).
TARGET_LUFS = -14.0
#: Ceiling on the true peak, dBTP (EBU R128).
TRUE_PEAK_DBTP = -1.0


def soundtrack(state: State, registry: Registry) -> tuple[MusicProvider, MusicRequest] | None:
    """The music model and request that score the ad, or None when no music is made.

    No music is made when the options turn it off or the branch's video model makes its own
    audio. The music's override (from ``regenerate_music``) sets the model and the take.

    Raises:
        UserError: the video or music model is unknown.
    """
    spec, options = state["spec"], state["options"]
    assert spec is not None, "music before the plan exists"
    if not options.music or registry.video(options.video_model).native_audio:
        return None
    direction = override(state, "music")
    composer = registry.music_model(direction.model or options.music_model)
    req = MusicRequest(
        brief=spec.music, duration_s=spec.duration_s, seed=direction.seed(options.seed)
    )
    return composer, req


async def refine(state: State, *, runtime: Runtime[Deps]) -> dict[str, Any]:
    """Compose the music (unless off, or the video model made its own audio) and mux the final.

    The final video is H.264 + AAC, ``+faststart``, at -14 LUFS integrated and at most -1 dBTP.
    """
    deps = await guard(runtime, state)
    stitched = state["artifacts"]["stitched"]
    rec = recorder(runtime, state, "refine")
    updates: dict[str, Any] = {}
    music: Blob | None = None
    scoring = soundtrack(state, deps.registry)
    steps = 1 if scoring is None else 2
    if scoring is not None:
        composer, req = scoring

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
