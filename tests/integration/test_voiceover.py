"""Voiceover and subtitles, end to end: real PostgreSQL, the offline voice and real FFmpeg.

What a viewer would notice is measured on the delivered files: speech where the cues are (the
voice stem's energy under each cue against outside them), captions burned into the picture
only while a cue is on (the caption area of the final against the stitched video), a soft
``mov_text`` track, cues inside the video and in beat order, the loudness targets; and that
editing one beat's line re-speaks that line only.
"""

from __future__ import annotations

import subprocess
import wave
from pathlib import Path
from typing import Any

import imageio_ffmpeg
import numpy as np
import pysubs2
import pytest

from agent.captions import GAP_S, SAFE_MARGIN
from agent.editing import SetVoiceAndCaptions, SetVoiceoverLine
from agent.errors import UserError
from agent.phases.effects import AUDIBLE_DIFF_DB
from agent.state import Options, VideoRequest
from agent.studio import Studio
from tests.conftest import Cli
from tests.integration.conftest import FRESH_SEEDS
from tests.measure import measure

pytestmark = [pytest.mark.integration]

BRIEF = "Create an 8-second Nike sneaker ad, energetic style"
SIZE_PX = (1280, 720)


def _gray_frame(path: Path, t_s: float) -> np.ndarray:
    """The frame shown at ``t_s`` as 8-bit luma, shape (height, width)."""
    out = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(path), "-ss", f"{t_s:.3f}",
         "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "gray", "pipe:1"],
        check=True, capture_output=True,
    ).stdout  # fmt: skip
    w, h = SIZE_PX
    return np.frombuffer(out, dtype=np.uint8).reshape(h, w).astype(np.int16)


def _caption_change(final: Path, stitched: Path, t_s: float) -> float:
    """Share of the caption band's pixels (title-safe bottom) whose luma differs by more than
    48 levels between the final and the stitched video at ``t_s``: 0 where only re-encoding
    differs, a few percent under a caption's strokes."""
    w, h = SIZE_PX
    top, bottom = round(h * 0.70), round(h * (1 - SAFE_MARGIN)) + 4
    left, right = round(w * SAFE_MARGIN), round(w * (1 - SAFE_MARGIN))
    a = _gray_frame(final, t_s)[top:bottom, left:right]
    b = _gray_frame(stitched, t_s)[top:bottom, left:right]
    return float((np.abs(a - b) > 48).mean())


def _stem(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as w:
        rate = w.getframerate()
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32)
    return pcm / 32768.0, rate


def _rms_db(x: np.ndarray) -> float:
    return float(20 * np.log10(np.sqrt(np.mean(x**2)) + 1e-9))


def _streams(path: Path) -> str:
    proc = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path)],
        capture_output=True, text=True,
    )  # fmt: skip
    return proc.stderr


async def _new_lines(studio: Studio, video_id: str, branch: str) -> list[str]:
    """The voice lines this branch synthesised afresh (not answered by the memo)."""
    async with studio.deps.pool.connection() as conn:
        cur = await conn.execute(
            "SELECT artifact FROM cost_events WHERE video_id = %s AND branch = %s"
            " AND model = 'hibari' AND NOT reused ORDER BY artifact",
            (video_id, branch),
        )
        return [row["artifact"] for row in await cur.fetchall()]


@pytest.mark.asyncio
async def test_lines_are_spoken_at_their_beats_captioned_and_mixed(studio: Studio) -> None:
    seed = next(FRESH_SEEDS)
    request = VideoRequest(prompt=BRIEF, options=Options(duration_s=8, seed=seed))
    vid = await studio.create_video(request, "tester")
    st = await studio.run(vid, "tester", auto_continue=True)
    assert st.status == "complete"
    spec = await studio.spec(vid, "tester")
    assert spec is not None
    spoken = [b for b in spec.beats if b.voiceover]
    assert len(spoken) >= 2, "the offline planner writes a line on most beats"

    arts = st.artifacts
    assert arts["voiceover"].key.endswith("/voiceover_v1.wav")
    assert arts["subtitles"].key.endswith("/subtitles_v1.srt")

    # Cues: one per line in beat order, inside the video; each starts in its own beat, or
    # right after the line before when that one ran long (lines never overlap). Only a last
    # line with no room left before the end may be dropped.
    cues = pysubs2.load(arts["subtitles"].path, encoding="utf-8")
    texts = [c.plaintext for c in cues]
    assert texts == [b.voiceover for b in spoken][: len(cues)]
    if len(cues) < len(spoken):
        assert len(cues) == len(spoken) - 1 and cues[-1].end >= 7500
    previous_end_ms = 0
    for cue, beat in zip(cues, spoken, strict=False):
        assert cue.start >= beat.start_s * 1000 and cue.start > previous_end_ms
        assert cue.start < beat.end_s * 1000 or cue.start - previous_end_ms <= GAP_S * 1000 + 1
        assert 0 < cue.end <= 8000
        previous_end_ms = cue.end

    # Speech where the cues are, silence elsewhere (the stem is as long as the video).
    pcm, rate = _stem(Path(arts["voiceover"].path))
    assert len(pcm) / rate == pytest.approx(8.0, abs=0.01)
    inside = np.zeros(len(pcm), dtype=bool)
    for cue in cues:
        a, b = round(cue.start / 1000 * rate), round(cue.end / 1000 * rate)
        assert _rms_db(pcm[a:b]) > -35, f"no speech under {cue.plaintext!r}"
        inside[a:b] = True
    assert _rms_db(pcm[~inside]) < -60

    # The deliverable: loudness, a soft track (burned captions: below, against the soft branch).
    final = Path(st.final_video)
    mp4 = measure(final)
    assert mp4.duration_s == pytest.approx(8.0, abs=0.1)
    assert mp4.integrated_lufs == pytest.approx(-14.0, abs=1.0)
    assert mp4.peak_dbfs is not None and mp4.peak_dbfs <= -0.9  # true peak ≤ -1 dBTP
    assert "Subtitle: mov_text" in _streams(final)

    # One beat's new line, soft subtitles only: refine alone runs, one line is re-spoken.
    assert await _new_lines(studio, vid, "main") == [f"voice_{b.index:02d}" for b in spoken]
    target = spoken[len(cues) - 1]  # the last line that is captioned
    edited = await studio.edit(
        vid,
        "tester",
        "main",
        [
            SetVoiceoverLine(beat=target.number, text="Just do it, today."),
            SetVoiceAndCaptions(subtitles="soft"),
        ],
    )
    branch = edited.branch
    assert branch != "main"
    # measured, not assumed: the new line in the voice stem, the captions gone from the picture
    found = {e.artifact: e for e in edited.effects}
    assert edited.effect == "visible", edited.effects
    assert found["voiceover"].outcome == "changed"
    assert found["voiceover"].amount >= AUDIBLE_DIFF_DB
    assert found["captions"].outcome == "changed" and found["captions"].area_pct > 1.0
    done = await studio.run(vid, "tester", branch, auto_continue=True)
    assert done.status == "complete"
    assert await _new_lines(studio, vid, branch) == [f"voice_{target.index:02d}"]
    # The local model drew the captions into its chunks: soft subtitles re-render the chunks
    # that had captions, without them; the storyboard is reused.
    assert done.artifacts["beat_00"] == arts["beat_00"], "the storyboard is reused"
    assert done.artifacts["stitched"] != arts["stitched"], "the captions left the picture"
    assert done.artifacts["voiceover"].key.endswith("/voiceover_v2.wav")
    soft = Path(done.final_video)
    stitched = Path(done.artifacts["stitched"].path)  # the picture without captions

    # Burned captions on main only while a cue is on (against the same picture without them).
    assert _caption_change(final, stitched, 0.0) < 0.002, "no caption before the first cue"
    for cue in cues:
        mid_s = (cue.start + cue.end) / 2000
        assert _caption_change(final, stitched, mid_s) > 0.01, f"{cue.plaintext!r} not burned in"
    pairs = zip(cues, cues[1:], strict=False)
    gaps = [(a.end + b.start) / 2000 for a, b in pairs if b.start - a.end > 200]
    for t_s in gaps:
        assert _caption_change(final, stitched, t_s) < 0.002, f"a caption at {t_s:.2f} s"
    assert "Subtitle: mov_text" in _streams(soft)
    new_cues = pysubs2.load(done.artifacts["subtitles"].path, encoding="utf-8")
    assert new_cues[len(cues) - 1].plaintext == "Just do it, today."
    for cue in new_cues:
        mid_s = (cue.start + cue.end) / 2000
        assert _caption_change(soft, stitched, mid_s) < 0.002, "soft subtitles are not burned in"
    mp4 = measure(soft)
    assert mp4.integrated_lufs == pytest.approx(-14.0, abs=1.0)
    assert mp4.peak_dbfs is not None and mp4.peak_dbfs <= -0.9
    # asking again for what the branch already has is refused before anything runs
    with pytest.raises(UserError, match="already has that"):
        await studio.edit(vid, "tester", branch, [SetVoiceAndCaptions(subtitles="soft")])


def test_the_cli_turns_the_voice_and_captions_off_and_shows_the_lines(cli: Cli) -> None:
    bad = cli("generate", BRIEF, "--subtitles", "loud", check=False)
    assert bad.returncode == 2 and "subtitles" in bad.stderr and len(bad.stderr.splitlines()) == 1
    wrong = cli("generate", BRIEF, "--voice-model", "local", "--voice", "nova", check=False)
    assert wrong.returncode == 2
    assert (
        wrong.stderr.strip() == "error: unknown voice 'nova' for speech model 'local'; known: heart"
    )

    seed = str(next(FRESH_SEEDS))
    st = cli.json(
        "generate", BRIEF, "--duration", "8", "--yolo", "--seed", seed,
        "--no-voiceover", "--subtitles", "off",
    )  # fmt: skip
    assert st["status"] == "complete"
    assert "voiceover" not in st["artifacts"] and "subtitles" not in st["artifacts"]
    final, stitched = Path(st["final_video"]), Path(st["artifacts"]["stitched"]["path"])
    assert "Subtitle:" not in _streams(final)
    for t_s in (1.0, 4.0, 7.0):
        assert _caption_change(final, stitched, t_s) < 0.002
    mp4 = measure(final)
    assert mp4.integrated_lufs == pytest.approx(-14.0, abs=1.0)

    table = cli("status", st["video_id"]).stdout
    assert "voiceover" in table and "sneakers" in table, "the beats table shows the lines"


def _pcm(path: Path) -> np.ndarray:
    """A file's first audio stream as mono float samples at 48 kHz."""
    out = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(path), "-map", "0:a:0",
         "-ac", "1", "-ar", "48000", "-f", "f32le", "pipe:1"],
        check=True, capture_output=True,
    ).stdout  # fmt: skip
    return np.frombuffer(out, dtype="<f4")


def _voice_in_mix(final: Path, voice: np.ndarray, cues: pysubs2.SSAFile) -> list[float]:
    """Per cue, how much of the final's sound under it is the voice: the correlation of the
    final's audio with the voice stem there (about 0.5 with a voice over ducked music, 0 when
    no one speaks)."""
    mix = _pcm(final)
    out = []
    for cue in cues:
        a, b = round(cue.start / 1000 * 48000), round(cue.end / 1000 * 48000)
        v, m = voice[a:b], mix[a:b]
        out.append(float(np.dot(v, m) / (np.linalg.norm(v) * np.linalg.norm(m) + 1e-12)))
    return out


def test_the_cli_resizes_captions_and_turns_the_voice_off_at_the_refine_pause(cli: Cli) -> None:
    seed = str(next(FRESH_SEEDS))
    st = cli.json("generate", BRIEF, "--duration", "6", "--yolo", "--seed", seed)
    assert st["status"] == "complete"
    vid, final = st["video_id"], Path(st["final_video"])
    cues = pysubs2.load(st["artifacts"]["subtitles"]["path"], encoding="utf-8")
    assert len(cues) >= 1

    def edited(text: str) -> dict[str, Any]:
        out = cli.json("edit", vid, text)
        assert out["status"] == "paused" and out["phase"] == "refine", out
        assert out["usage"]["phases"]["chunks"]["calls"] == 0, "only refine runs"
        return out

    bigger, clean = edited("bigger captions"), edited("captions off")
    big_final = Path(bigger["artifacts"]["final"]["path"])
    picture = Path(clean["artifacts"]["stitched"]["path"])  # the same shots, no captions
    for cue in cues:
        mid_s = (cue.start + cue.end) / 2000
        normal = _caption_change(final, picture, mid_s)
        big = _caption_change(big_final, picture, mid_s)
        assert normal > 0.01, f"{cue.plaintext!r} not burned in"
        assert big > 1.3 * normal, f"{cue.plaintext!r}: captions not bigger ({big} vs {normal})"
    assert _caption_change(Path(clean["artifacts"]["final"]["path"]), picture, 0.5) < 0.002

    # No voice: the lines are not heard where they were; the music and the captions stay.
    silent = edited("no voiceover")
    assert "voiceover" not in silent["artifacts"]
    voice, _ = _stem(Path(st["artifacts"]["voiceover"]["path"]))
    before = _voice_in_mix(final, voice, cues)
    after = _voice_in_mix(Path(silent["artifacts"]["final"]["path"]), voice, cues)
    assert min(before) > 0.25, before
    assert max(abs(c) for c in after) < 0.08, after
    mute = measure(Path(silent["artifacts"]["final"]["path"]))
    assert mute.integrated_lufs == pytest.approx(-14.0, abs=1.0), "the music is still there"
