"""Phase 4: music, voiceover, subtitles, mix, loudness, the final MP4."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import shutil
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from langgraph.runtime import Runtime

from agent import captions
from agent.captions import Cue
from agent.deps import Deps
from agent.memo import Blob, Call, Recorder
from agent.phases import chunks, voicing
from agent.phases.common import override, progress, recorder
from agent.phases.voicing import VOICE_RATE_HZ, VoiceSettings, has_lines, spoken_lines
from agent.providers.base import MusicProvider, MusicRequest, VoiceProvider
from agent.providers.registry import Registry
from agent.state import State
from agent.trust import guard

__all__ = [
    "MIN_LUFS", "MUSIC_BED_DB", "MUTE_DB", "TARGET_LUFS", "TRUE_PEAK_DBTP", "VOICE_RATE_HZ",
    "VoiceSettings", "Voiceover", "mix_levels", "refine", "soundtrack", "voice_for", "voiceover",
]  # fmt: skip

#: Integrated loudness of the final mix, LUFS (streaming platforms' common target, EBU R128 s1).
TARGET_LUFS = -14.0
#: Ceiling on the true peak, dBTP (EBU R128).
TRUE_PEAK_DBTP = -1.0
#: A music gain at or below this mutes the music, dB (``set_music_volume``'s floor).
MUTE_DB = -60.0
#: Quietest loudness a soundtrack is normalised to, LUFS (loudnorm's floor is -70).
MIN_LUFS = -60.0
#: The music's level under a voiceover before ducking, dB against the user's gain: a bed the
#: voice sits on; the sidechain ducking takes it further down while a line is spoken.
MUSIC_BED_DB = -6.0

log = logging.getLogger(__name__)


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


def voice_for(state: State, registry: Registry) -> tuple[VoiceProvider, str] | None:
    """The speech model and voice that read the state's lines (see :mod:`.voicing`)."""
    spec = state["spec"]
    assert spec is not None, "voiceover before the plan exists"
    return voicing.voice_for(spec, state["options"], registry)


@dataclass(frozen=True)
class Voiceover:
    """What the voice phase of refine made.

    Attributes:
        stem: the voice stem (a WAV as long as the video), or None when nothing is spoken.
        cues: the lines on the timeline (from the synthesised audio, or estimated when no
            voice speaks them).
        subtitles: the SRT file, or None when there are no cues.
        updates: artifact name → reference, for the state.
    """

    stem: Blob | None
    cues: list[Cue]
    subtitles: Blob | None
    updates: dict[str, Any]


async def voiceover(state: State, deps: Deps, rec: Recorder) -> Voiceover:
    """Speak each beat's line (one memoised call per line), lay them out, write subtitles.

    The lines and their cues come from :func:`~agent.phases.voicing.spoken_lines` (the same
    memoised calls the chunks phase made when it drew the captions in), so every artifact
    has the same cue times. Editing one beat's line re-synthesises that line only.

    Raises:
        UserError: an unknown speech model or voice.
        ProviderError: the speech model failed.
    """
    spec, options = state["spec"], state["options"]
    assert spec is not None, "voiceover before the plan exists"
    if not has_lines(spec, options):
        return Voiceover(None, [], None, {})
    spoken = await spoken_lines(spec, options, deps, rec)
    cues = spoken.cues
    updates: dict[str, Any] = {}
    stem: Blob | None = None
    if spoken.clips:
        by_beat = {index: pcm for index, (_, pcm) in spoken.clips.items()}
        layout = [[c.beat_index, c.start_s, c.end_s] for c in cues]

        async def mix_stem(dst: Path) -> None:
            await asyncio.to_thread(_write_stem, dst, cues, by_beat, spec.duration_s)

        call = Call(
            "local",
            "voice-stem",
            {"layout": layout, "duration_s": spec.duration_s, "rate_hz": VOICE_RATE_HZ},
            inputs=tuple(spoken.clips[b.index][0].sha256 for b in spec.beats
                         if b.index in spoken.clips),
        )  # fmt: skip
        stem = await rec.produce(call, "voiceover", ".wav", mix_stem)
        updates["voiceover"] = await rec.register("voiceover", "wav", "audio/wav", stem)
    subtitles: Blob | None = None
    if cues:
        text = "".join(f"{c.start_s}|{c.end_s}|{c.text}\n" for c in cues)

        async def write(dst: Path) -> None:
            await asyncio.to_thread(captions.write_srt, cues, dst)

        call = Call(
            "local", "srt", {"cues": hashlib.sha256(text.encode()).hexdigest()}, unit="file"
        )
        subtitles = await rec.produce(call, "subtitles", ".srt", write)
        updates["subtitles"] = await rec.register(
            "subtitles", "srt", "application/x-subrip", subtitles
        )
    return Voiceover(stem, cues, subtitles, updates)


def _write_stem(dst: Path, cues: list[Cue], pcm: dict[int, np.ndarray], total_s: float) -> None:
    """Place each cue's audio at its start in a silent mono track of ``total_s``; 16-bit WAV."""
    out = np.zeros(round(total_s * VOICE_RATE_HZ), dtype=np.float32)
    for cue in cues:
        start = round(cue.start_s * VOICE_RATE_HZ)
        n = max(0, min(len(pcm[cue.beat_index]), round(cue.end_s * VOICE_RATE_HZ) - start))
        out[start : start + n] += pcm[cue.beat_index][:n]
    samples = (np.clip(out, -1.0, 1.0) * 32767.0).astype("<i2")
    with wave.open(str(dst), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(VOICE_RATE_HZ)
        w.writeframes(samples.tobytes())


async def refine(state: State, *, runtime: Runtime[Deps]) -> dict[str, Any]:
    """Compose the music, speak the voiceover, write subtitles and mux the final video.

    Music is made unless off or the video model made its own audio; the lines are spoken
    and captioned as :func:`voiceover` and :class:`VoiceSettings` say. With a voice the
    music sits :data:`MUSIC_BED_DB` under it and is ducked while it speaks. The final video
    is H.264 + AAC, ``+faststart``, at -14 LUFS integrated and at most -1 dBTP (quieter when
    a music-only soundtrack was turned down: :func:`mix_levels`), with a soft ``mov_text``
    track unless subtitles are off. Burned captions: when the local video model made every
    chunk, it drew them into its frames (:func:`agent.phases.chunks.picture` makes the chunks
    again through the memo with this branch's caption settings, so a caption edit re-renders
    only the chunks whose captions change) and the video stream is copied; otherwise they
    are burned in here (one encode, in the same FFmpeg pass as the mux).
    """
    deps = await guard(runtime, state)
    stitched = state["artifacts"]["stitched"]
    rec = recorder(runtime, state, "refine")
    updates: dict[str, Any] = {}
    music: Blob | None = None
    scoring = soundtrack(state, deps.registry)
    steps = (1 if scoring is None else 2) + (1 if has_lines(state["spec"], state["options"]) else 0)

    async def score() -> Blob | None:
        if scoring is None:
            return None
        composer, req = scoring

        async def compose(dst: Path) -> None:
            await composer.compose(req, dst)

        made = await rec.produce(composer.describe(req), "music", ".mp3", compose)
        updates["music"] = await rec.register("music", "mp3", "audio/mpeg", made)
        progress(runtime, "refine", "music", steps, reused=made.reused)
        return made

    # The music and the voice do not depend on each other: made at once, on two cores; each
    # reports its progress when it is done.
    scored = asyncio.ensure_future(score())
    try:
        spoken = await voiceover(state, deps, rec)
        if spoken.updates:
            progress(runtime, "refine", "voiceover", steps, reused=all(
                b.reused for b in (spoken.stem, spoken.subtitles) if b is not None
            ))  # fmt: skip
        music = await scored
    finally:
        if not scored.done():
            scored.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await scored
        elif not scored.cancelled():
            scored.exception()  # seen: when the voice failed, its error is the one raised
    updates.update(spoken.updates)
    for name in ("voiceover", "subtitles"):  # turned off on this branch: not listed any more
        if name not in spoken.updates and name in state["artifacts"]:
            updates[name] = None

    options = state["options"]
    spec = state["spec"]
    assert spec is not None
    # Chunks drawn by the local model carry burned captions in their frames: make them (and
    # the stitch) with this branch's caption settings; the memo answers when nothing changed.
    drawn = await chunks.picture(state, deps, rec)
    in_picture = chunks.drawn_captions(state, deps.registry)
    if drawn is not None:
        made, stitched_blob = drawn
        if stitched_blob.sha256 != stitched.sha256:
            for name, blob in made.items():
                updates[name] = await rec.register(name, "mp4", "video/mp4", blob)
            stitched = await rec.register("stitched", "mp4", "video/mp4", stitched_blob)
            updates["stitched"] = stitched
    stitched_path = deps.store.local_path(stitched.sha256)
    music_path = music.path if music else None
    voice = spoken.stem
    gain_db, target_lufs = mix_levels(
        state.get("music_gain_db", 0.0),
        music=music is not None,
        other_audio=voice is not None or deps.media.probe(stitched_path).has_audio,
    )
    if voice is not None and music is not None:
        gain_db += MUSIC_BED_DB
    wanted = VoiceSettings.of(spec, options)
    srt = spoken.subtitles if wanted.subtitles != "off" else None
    burn = srt is not None and wanted.subtitles == "burn" and not in_picture
    work = Path(tempfile.mkdtemp(prefix="reelgraph-captions-"))
    try:
        family = ""
        fonts: Path | None = None
        ass: Path | None = None
        if burn:
            fonts, family = captions.fonts_dir(spec.language, work)
            ass = work / "captions.ass"
            captions.write_ass(spoken.cues, ass, spec.size_px, family, wanted.caption_scale)

        async def finalize(dst: Path) -> None:
            await deps.media.finalize(
                stitched_path,
                music_path,
                dst,
                gain_db=gain_db,
                target_lufs=target_lufs,
                true_peak_dbtp=TRUE_PEAK_DBTP,
                voice=voice.path if voice else None,
                subtitles=srt.path if srt else None,
                captions=ass,
                fonts_dir=fonts,
            )

        inputs = (stitched.sha256,) + tuple(b.sha256 for b in (music, voice, srt) if b is not None)
        params: dict[str, Any] = {
            "gain_db": gain_db, "lufs": target_lufs, "true_peak_dbtp": TRUE_PEAK_DBTP,
        }  # fmt: skip
        if voice is not None or srt is not None:
            params.update(
                v=2,
                voice=voice is not None,
                subtitles=wanted.subtitles if srt else "off",
                caption_scale=wanted.caption_scale if burn else None,
                font=family,
                size_px=list(spec.size_px),
            )
        call = Call("ffmpeg", "finalize", params, inputs=inputs)
        final = await rec.produce(call, "final", ".mp4", finalize)
    finally:
        await asyncio.to_thread(shutil.rmtree, work, True)
    updates["final"] = await rec.register("final", "mp4", "video/mp4", final)
    progress(runtime, "refine", "final", steps, reused=final.reused)
    return {"artifacts": updates, "phase": "refine"}
