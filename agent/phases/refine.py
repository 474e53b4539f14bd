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
#: A music gain at or below this mutes the music, dB (``set_music_volume``'s floor).
MUTE_DB = -60.0
#: Quietest loudness a soundtrack is normalised to, LUFS (loudnorm's floor is -70).
MIN_LUFS = -60.0


def mix_levels(gain_db: float, *, music: bool, other_audio: bool) -> tuple[float, float]:
    """How a music gain is applied: (gain on the music in the mix, dB; loudness target, LUFS).

    With other sound in the mix (a video model's native audio), the gain moves the music
    against it and the mix is normalised to :data:`TARGET_LUFS`. When the music is the whole
    soundtrack, a gain before normalisation would be undone by it, so the gain sets the
    soundtrack's loudness instead: at most :data:`TARGET_LUFS` (platforms turn louder audio
    down, so "louder" than that cannot be heard), quieter by ``-gain_db``; at or below
    :data:`MUTE_DB` the music is muted.

    Args:
        gain_db: the branch's music gain, dB (0 by default).
        music: the mix has music.
        other_audio: the mix has sound other than the music.

    Returns:
        (gain on the music before mixing in dB, integrated loudness target in LUFS).
    """
    if not music or other_audio or gain_db <= MUTE_DB:
        return gain_db, TARGET_LUFS
    return 0.0, max(MIN_LUFS, TARGET_LUFS + min(gain_db, 0.0))


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

    The final video is H.264 + AAC, ``+faststart``, at -14 LUFS integrated and at most -1 dBTP
    (quieter when a music-only soundtrack was turned down: :func:`mix_levels`).
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

    stitched_path = deps.store.local_path(stitched.sha256)
    music_path = music.path if music else None
    gain_db, target_lufs = mix_levels(
        state.get("music_gain_db", 0.0),
        music=music is not None,
        other_audio=deps.media.probe(stitched_path).has_audio,
    )

    async def finalize(dst: Path) -> None:
        await deps.media.finalize(
            stitched_path,
            music_path,
            dst,
            gain_db=gain_db,
            target_lufs=target_lufs,
            true_peak_dbtp=TRUE_PEAK_DBTP,
        )

    inputs = (stitched.sha256,) + ((music.sha256,) if music else ())
    call = Call(
        "ffmpeg",
        "finalize",
        {"gain_db": gain_db, "lufs": target_lufs, "true_peak_dbtp": TRUE_PEAK_DBTP},
        inputs=inputs,
    )
    final = await rec.produce(call, "final", ".mp4", finalize)
    updates["final"] = await rec.register("final", "mp4", "video/mp4", final)
    progress(runtime, "refine", "final", steps, reused=final.reused)
    return {"artifacts": updates, "phase": "refine"}
