"""FFmpeg operations and the local motion renderer, against the real bundled FFmpeg."""

from __future__ import annotations

import asyncio
import io
import wave
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import av
import imageio_ffmpeg
import numpy as np
import pytest
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFilter

from agent.errors import MediaError
from agent.media import Media
from agent.providers.local.motion import CLIP_S, camera_path, render_clip
from agent.spec import CAMERA_MOVES, FPS, CameraMove

pytestmark = pytest.mark.integration

T = TypeVar("T")
HD = (1280, 720)


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


@pytest.fixture(scope="module")
def media() -> Media:
    return Media(imageio_ffmpeg.get_ffmpeg_exe())


def png_bytes(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture(scope="module")
def stripes_png() -> bytes:
    """1344x768 (a FLUX 16:9 size): random vertical stripes over a soft 2-D texture.

    The column means carry the stripes' rich 1-D profile, so a horizontal shift between frames
    can be measured to a fraction of a pixel.
    """
    rng = np.random.default_rng(7)
    w, h = 1344, 768
    profile = np.repeat(rng.uniform(30, 225, w // 4), 4)
    profile = np.convolve(profile, np.ones(3) / 3, mode="same")
    soft = np.asarray(
        Image.fromarray(rng.uniform(0, 255, (h // 32, w // 32)).astype(np.uint8)).resize(
            (w, h), Image.Resampling.BICUBIC
        ),
        dtype=np.float64,
    )
    grey = 0.85 * profile[None, :] + 0.15 * soft
    rgb = np.stack([grey, 0.9 * grey + 10, 0.8 * grey + 20], axis=-1)
    return png_bytes(Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8)))


@pytest.fixture(scope="module")
def disc_png() -> bytes:
    """A bright disc on a dark background: its area on screen grows as zoom squared."""
    image = Image.new("RGB", (1280, 720), (20, 20, 30))
    ImageDraw.Draw(image).ellipse((540, 260, 740, 460), fill=(235, 235, 235))
    return png_bytes(image.filter(ImageFilter.GaussianBlur(1.0)))


def luma_frames(path: Path) -> list[NDArray[np.uint8]]:
    """Every frame's Y plane, decoded with PyAV."""
    out = []
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            plane = frame.planes[0]
            y = np.frombuffer(bytes(plane), np.uint8).reshape(frame.height, plane.line_size)
            out.append(y[:, : frame.width].copy())
    return out


def phase_shift(a: NDArray[np.float64], b: NDArray[np.float64]) -> float:
    """Sub-pixel shift s such that b(x) ≈ a(x - s), by 1-D phase correlation.

    The whole-pixel shift is the phase-correlation peak; the fraction is the slope of the
    remaining cross-spectrum phase over the low frequencies (a least-squares fit, free of the
    pull towards whole pixels that fitting a parabola to the peak has).
    """
    n = a.size
    window = np.hanning(n)
    fa = np.fft.rfft((a - a.mean()) * window)
    fb = np.fft.rfft((b - b.mean()) * window)
    cross = fb * np.conj(fa)
    corr = np.fft.irfft(cross / (np.abs(cross) + 1e-12), n=n)
    k = int(np.argmax(corr))
    k = k - n if k > n // 2 else k
    freq = np.arange(cross.size) / n
    residual = cross * np.exp(2j * np.pi * freq * k)
    low = (freq > 0) & (freq < 0.08)
    weight, phase, f = np.abs(residual[low]), np.angle(residual[low]), freq[low]
    fraction = -np.sum(weight * phase * f) / (2 * np.pi * np.sum(weight * f * f))
    return float(k + fraction)


def top_level_atoms(path: Path) -> list[str]:
    data = path.read_bytes()
    atoms, pos = [], 0
    while pos + 8 <= len(data):
        size = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8].decode("latin-1")
        if size == 1:
            size = int.from_bytes(data[pos + 8 : pos + 16], "big")
        atoms.append(kind)
        if size == 0:
            break
        pos += size
    return atoms


def music_wav(
    duration_s: float, rate_hz: int = 44_100, seed: int = 0, drums: bool = False
) -> bytes:
    """A sine with noise at about -24 LUFS, 16-bit stereo; ``drums`` adds sharp noise hits."""
    rng = np.random.default_rng(seed)
    t = np.arange(round(duration_s * rate_hz)) / rate_hz
    x = 0.06 * np.sin(2 * np.pi * 330 * t) + 0.02 * rng.standard_normal(t.size)
    if drums:  # four noise hits a second with a 60 ms decay: peaks ~16 dB over the mean
        x += 0.25 * rng.standard_normal(t.size) * np.exp(-((t % 0.25) / 0.06))
    pcm = (np.stack([x, 0.7 * x], axis=1) * 32767).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(rate_hz)
        w.writeframes(pcm.tobytes())
    return buf.getvalue()


# ------------------------------------------------------------------ render_clip


@pytest.mark.parametrize("camera", CAMERA_MOVES)
def test_every_camera_move_renders_exactly_120_frames_of_h264(
    media: Media, stripes_png: bytes, camera: CameraMove, tmp_path: Path
) -> None:
    dst = tmp_path / f"{camera}.mp4"
    run(render_clip(media, stripes_png, camera, HD, dst, seed=3))
    info = media.probe(dst)
    assert info.frames == round(CLIP_S * FPS) == 120
    assert (info.width, info.height) == HD
    assert info.video_codec == "h264"
    assert info.fps == FPS
    assert info.duration_s == pytest.approx(5.0, abs=1e-9)
    assert not info.has_audio
    assert run(media.is_canonical(dst, HD)), "a rendered clip must stitch by stream copy"


@pytest.mark.parametrize(("size_px", "camera"), [((720, 1280), "tilt-up"), ((1080, 1080), "orbit")])
def test_vertical_and_square_clips(
    media: Media, stripes_png: bytes, size_px: tuple[int, int], camera: CameraMove, tmp_path: Path
) -> None:
    dst = tmp_path / "clip.mp4"
    run(render_clip(media, stripes_png, camera, size_px, dst, seed=1))
    info = media.probe(dst)
    assert (info.width, info.height, info.frames, info.video_codec) == (*size_px, 120, "h264")


def test_pan_moves_smoothly_at_sub_pixel_steps(
    media: Media, stripes_png: bytes, tmp_path: Path
) -> None:
    dst = tmp_path / "pan.mp4"
    run(render_clip(media, stripes_png, "pan-right", HD, dst, seed=5))
    profiles = [y.astype(np.float64).mean(axis=0) for y in luma_frames(dst)]
    shifts = np.array([phase_shift(a, b) for a, b in zip(profiles, profiles[1:], strict=False)])

    # The content slides left (the camera pans right), about 1.2-1.4 px a frame.
    path = camera_path("pan-right", 120, seed=5)
    expected = -(path[-1].zoom - 1.0) * HD[0] / 119
    assert shifts.mean() == pytest.approx(expected, abs=0.1)
    # Constant speed: no integer-pixel stepping, no jitter.
    # (Rounding the window to whole pixels, as zoompan does, gives std ≈ 0.4 and 0.5.)
    assert shifts.std() < 0.1
    assert np.diff(shifts).std() < 0.15
    assert np.abs(shifts - shifts.mean()).max() < 0.3
    fractional = np.abs(shifts - np.round(shifts)) > 0.1
    assert fractional.mean() > 0.8, "shifts should not be whole pixels"


def test_push_in_grows_steadily(media: Media, disc_png: bytes, tmp_path: Path) -> None:
    dst = tmp_path / "push.mp4"
    run(render_clip(media, disc_png, "push-in", HD, dst, seed=2))
    frames = luma_frames(dst)
    area = np.array([np.clip(y.astype(np.float64) - 40.0, 0, None).sum() for y in frames])
    assert np.all(np.diff(area) > 0), "the disc must grow every frame"
    zoom = camera_path("push-in", 120, seed=2)[-1].zoom
    assert area[-1] / area[0] == pytest.approx(zoom**2, rel=0.02)


def test_push_in_starts_on_the_start_image(media: Media, disc_png: bytes, tmp_path: Path) -> None:
    dst = tmp_path / "push.mp4"
    run(render_clip(media, disc_png, "push-in", HD, dst, seed=2))
    first = np.asarray(Image.open(io.BytesIO(disc_png)).convert("RGB"), dtype=np.float64)
    with av.open(str(dst)) as container:
        frame = next(container.decode(video=0)).to_ndarray(format="rgb24").astype(np.float64)
    assert np.abs(frame - first).mean() < 2.0


def test_static_clip_has_no_motion(media: Media, stripes_png: bytes, tmp_path: Path) -> None:
    dst = tmp_path / "static.mp4"
    run(render_clip(media, stripes_png, "static", HD, dst, seed=0))
    frames = luma_frames(dst)
    assert len(frames) == 120
    drift = np.abs(frames[0].astype(np.int16) - frames[-1].astype(np.int16)).mean()
    assert drift < 1.0


def test_colours_survive_a_render_and_last_frame_round_trip(
    media: Media, stripes_png: bytes, tmp_path: Path
) -> None:
    """A chained clip starts from the last frame's PNG: no colour shift may build up."""
    image = Image.open(io.BytesIO(stripes_png)).convert("RGB").resize(HD, Image.Resampling.LANCZOS)
    dst = tmp_path / "static.mp4"
    run(render_clip(media, png_bytes(image), "static", HD, dst, seed=0))
    back = np.asarray(Image.open(io.BytesIO(run(media.last_frame(dst)))), dtype=np.float64)
    bias = (back - np.asarray(image, dtype=np.float64)).reshape(-1, 3).mean(axis=0)
    assert np.abs(bias).max() < 0.5


def test_render_clip_rejects_odd_sizes(media: Media, disc_png: bytes, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="even"):
        run(render_clip(media, disc_png, "static", (641, 360), tmp_path / "x.mp4", seed=0))


def test_a_frame_range_renders_only_those_frames_of_the_whole_clip(
    media: Media, clip120: Path, stripes_png: bytes, tmp_path: Path
) -> None:
    """What a chained, trimmed chunk keeps is drawn alone: canonical, the same pictures."""
    dst = tmp_path / "part.mp4"
    run(render_clip(media, stripes_png, "pan-left", HD, dst, seed=9, frames=60, skip_frames=1))
    assert media.probe(dst).frames == 60
    assert run(media.is_canonical(dst, HD)), "the part is a chunk as it is, no conform needed"
    got, whole = luma_frames(dst), luma_frames(clip120)
    for i in (0, 30, 59):  # each is frame i + 1 of the whole clip, not a neighbour
        err = [float(np.abs(got[i].astype(int) - w.astype(int)).mean()) for w in whole[i : i + 3]]
        # two encodes of one picture differ by ~2 levels; the neighbours by ~12
        assert err[1] < 3.0 and 4 * err[1] < min(err[0], err[2]), (i, err)


@pytest.mark.parametrize(("frames", "skip_frames"), [(120, 1), (0, 0), (1, 120)])
def test_a_frame_range_outside_the_clip_is_refused(
    media: Media, disc_png: bytes, frames: int, skip_frames: int, tmp_path: Path
) -> None:
    dst = tmp_path / "x.mp4"
    with pytest.raises(ValueError, match="not inside a clip of 120"):
        run(
            render_clip(
                media, disc_png, "static", HD, dst, 0, frames=frames, skip_frames=skip_frames
            )
        )
    assert not dst.exists()


# ------------------------------------------------------------------ conform, last frame, stitch


@pytest.fixture(scope="module")
def clip120(media: Media, stripes_png: bytes, tmp_path_factory: pytest.TempPathFactory) -> Path:
    dst = tmp_path_factory.mktemp("clip") / "pan.mp4"
    run(render_clip(media, stripes_png, "pan-left", HD, dst, seed=9))
    return dst


def test_conform_copy_path_keeps_exactly_the_first_frames(
    media: Media, clip120: Path, tmp_path: Path
) -> None:
    dst = tmp_path / "c77.mp4"
    run(media.conform(clip120, dst, 77, HD))
    assert media.probe(dst).frames == 77
    assert media.probe(dst).duration_s == pytest.approx(77 / FPS, abs=1e-9)
    got, src = luma_frames(dst), luma_frames(clip120)[:77]
    assert len(got) == 77
    # Bit-identical decode: the packets were copied, not re-encoded.
    assert all(np.array_equal(a, b) for a, b in zip(got, src, strict=True))


def test_conform_can_drop_the_repeated_first_frame_of_a_chained_chunk(
    media: Media, clip120: Path, tmp_path: Path
) -> None:
    dst = tmp_path / "chained.mp4"
    run(media.conform(clip120, dst, 60, HD, skip_frames=1))
    got, src = luma_frames(dst), luma_frames(clip120)
    assert len(got) == 60
    assert run(media.is_canonical(dst, HD))
    # frame 0 of the result is frame 1 of the clip (re-encoded, so nearly equal)
    err = [float(np.abs(got[0].astype(int) - s.astype(int)).mean()) for s in src[:3]]
    assert err[1] < 2.0 and err[1] < err[0] and err[1] < err[2]


def test_conform_reencodes_foreign_video_and_pads_short_input(media: Media, tmp_path: Path) -> None:
    src = tmp_path / "foreign.mp4"
    run(media.run([
        "-f", "lavfi", "-i", "testsrc=size=640x480:rate=25", "-frames:v", "40",
        "-c:v", "libx264", "-pix_fmt", "yuv420p", str(src),
    ]))  # fmt: skip
    assert not run(media.is_canonical(src, HD))
    dst = tmp_path / "c50.mp4"
    run(media.conform(src, dst, 50, HD))
    info = media.probe(dst)
    assert (info.frames, info.width, info.height, info.fps, info.video_codec) == (
        50, 1280, 720, 24.0, "h264",
    )  # fmt: skip
    assert run(media.is_canonical(dst, HD))
    frames = luma_frames(dst)

    # 40 frames at 25 fps last 1.6 s = 38 frames at 24 fps; the rest repeat the last one
    # (equal up to coding noise), while testsrc itself moves.
    def diff(a: NDArray[np.uint8], b: NDArray[np.uint8]) -> float:
        return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())

    assert diff(frames[-1], frames[-8]) < 0.5
    assert diff(frames[0], frames[10]) > 2.0


def test_last_frame_is_the_final_decoded_frame(media: Media, clip120: Path) -> None:
    png = run(media.last_frame(clip120))
    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.float64) / 255.0
    assert rgb.shape == (720, 1280, 3)
    # Compare in the luma domain (BT.709 limited range) with PyAV's decode of the frames.
    y_png = 16 + 219 * (0.2126 * rgb[..., 0] + 0.7152 * rgb[..., 1] + 0.0722 * rgb[..., 2])
    frames = luma_frames(clip120)
    err = [np.abs(y_png - f.astype(np.float64)).mean() for f in frames[-3:]]
    assert err[-1] < 0.5
    assert err[-1] < 0.5 * min(err[:-1]), f"closer to an earlier frame: {err}"


def test_stitch_is_exact_to_the_frame(media: Media, clip120: Path, tmp_path: Path) -> None:
    chunks = []
    for n in (77, 60, 103):
        chunk = tmp_path / f"c{n}.mp4"
        run(media.conform(clip120, chunk, n, HD))
        chunks.append(chunk)
    dst = tmp_path / "stitched.mp4"
    run(media.stitch(chunks, dst))
    info = media.probe(dst)
    assert info.frames == 240
    assert info.duration_s == 10.0
    assert len(luma_frames(dst)) == 240
    atoms = top_level_atoms(dst)
    assert atoms.index("moov") < atoms.index("mdat")


def test_stitch_refuses_a_chunk_that_is_not_canonical(
    media: Media, clip120: Path, tmp_path: Path
) -> None:
    foreign = tmp_path / "foreign.mp4"
    run(media.run([
        "-f", "lavfi", "-i", "testsrc=size=1280x720:rate=24", "-frames:v", "10",
        "-c:v", "libx264", "-bf", "3", str(foreign),
    ]))  # fmt: skip
    with pytest.raises(ValueError, match="conform it first"):
        run(media.stitch([clip120, foreign], tmp_path / "x.mp4"))


# ------------------------------------------------------------------ audio


@pytest.fixture(scope="module")
def plain6(media: Media, tmp_path_factory: pytest.TempPathFactory) -> Path:
    dst = tmp_path_factory.mktemp("plain") / "plain.mp4"
    run(media.encode_plain(dst, 6.0, (640, 360)))
    return dst


def video_packets(path: Path) -> list[bytes]:
    with av.open(str(path)) as container:
        return [bytes(p) for p in container.demux(video=0) if p.size]


@pytest.mark.parametrize(
    ("music_s", "drums"), [(4.3, False), (9.0, False), (6.0, True)],
    ids=["padded", "trimmed", "peaky"],
)  # fmt: skip
def test_finalize_normalises_loudness_and_keeps_the_video(
    media: Media, plain6: Path, tmp_path: Path, music_s: float, drums: bool
) -> None:
    music = tmp_path / "music.wav"
    music.write_bytes(music_wav(music_s, drums=drums))
    dst = tmp_path / "final.mp4"
    measured = run(media.finalize(plain6, music, dst, gain_db=-2.0))
    info = media.probe(dst)
    assert info.video_codec == "h264" and info.audio_codec == "aac"
    assert info.sample_rate_hz == 48_000
    assert info.frames == 6 * FPS
    with av.open(str(dst)) as container:
        audio = container.streams.audio[0]
        assert audio.codec_context.channels == 2
        assert audio.duration is not None and audio.time_base is not None
        audio_s = float(audio.duration * audio.time_base)
    assert audio_s == pytest.approx(6.0, abs=0.05)
    assert info.duration_s == pytest.approx(6.0, abs=0.05)
    lufs, peak_dbtp = run(media.loudness(dst))
    assert lufs == pytest.approx(-14.0, abs=1.0)
    assert peak_dbtp <= -1.0
    assert measured == (lufs, peak_dbtp)
    assert video_packets(dst) == video_packets(plain6), "the video stream must be copied"
    atoms = top_level_atoms(dst)
    assert atoms.index("moov") < atoms.index("mdat")


def test_finalize_never_exceeds_the_peak_limit_on_extreme_audio(
    media: Media, plain6: Path, tmp_path: Path
) -> None:
    """Clipped noise hits over near-silence: too peaky to reach -14 LUFS under -1 dBTP."""
    rng = np.random.default_rng(1)
    t = np.arange(6 * 48_000) / 48_000
    x = np.clip(0.9 * rng.standard_normal(t.size) * np.exp(-((t % 0.25) / 0.03)), -1, 1)
    music = tmp_path / "hits.wav"
    with wave.open(str(music), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(48_000)
        w.writeframes((x * 32767).astype("<i2").tobytes())
    dst = tmp_path / "final.mp4"
    measured = run(media.finalize(plain6, music, dst))
    lufs, peak_dbtp = run(media.loudness(dst))
    assert measured == (lufs, peak_dbtp)
    assert peak_dbtp <= -1.0
    assert -17.0 < lufs <= -13.5  # delivered somewhat quieter, never louder


def test_finalize_mixes_the_video_own_audio_with_the_music(
    media: Media, plain6: Path, tmp_path: Path
) -> None:
    voiced = tmp_path / "voiced.mp4"
    run(media.run([
        "-i", str(plain6), "-f", "lavfi", "-i", "sine=frequency=220:duration=6:sample_rate=44100",
        "-map", "0:v", "-map", "1:a", "-c:v", "copy", "-c:a", "aac", str(voiced),
    ]))  # fmt: skip
    music = tmp_path / "music.wav"
    music.write_bytes(music_wav(6.0))
    dst = tmp_path / "final.mp4"
    run(media.finalize(voiced, music, dst))
    info = media.probe(dst)
    assert info.audio_codec == "aac" and info.frames == 6 * FPS
    lufs, peak_dbtp = run(media.loudness(dst))
    assert lufs == pytest.approx(-14.0, abs=1.0) and peak_dbtp <= -1.0
    # Without the music, the video's own audio alone is normalised.
    alone = tmp_path / "alone.mp4"
    run(media.finalize(voiced, None, alone, target_lufs=-16.0))
    lufs, _ = run(media.loudness(alone))
    assert lufs == pytest.approx(-16.0, abs=1.0)


def test_finalize_without_any_audio_adds_no_track(
    media: Media, plain6: Path, tmp_path: Path
) -> None:
    dst = tmp_path / "final.mp4"
    assert run(media.finalize(plain6, None, dst)) is None
    info = media.probe(dst)
    assert not info.has_audio and info.frames == 6 * FPS


def test_loudness_of_a_known_sine(media: Media, tmp_path: Path) -> None:
    # BS.1770: a 0 dBFS 1 kHz sine in one channel reads -3.01 LUFS, so in both channels it
    # reads 0 LUFS; at -20 dBFS, -20 LUFS, and its true peak is -20 dBTP.
    rate = 48_000
    t = np.arange(rate * 4) / rate
    x = 0.1 * np.sin(2 * np.pi * 997 * t)
    pcm = (np.stack([x, x], axis=1) * 32767).astype("<i2")
    wav = tmp_path / "sine.wav"
    with wave.open(str(wav), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    lufs, peak = run(media.loudness(wav))
    assert lufs == pytest.approx(-20.0, abs=0.2)
    assert peak == pytest.approx(-20.0, abs=0.2)


def test_encode_mp3(media: Media, tmp_path: Path) -> None:
    dst = tmp_path / "music.mp3"
    run(media.encode_mp3(music_wav(3.0), dst, bitrate_kbps=128))
    info = media.probe(dst)
    assert info.audio_codec == "mp3" and not info.has_video
    assert info.duration_s == pytest.approx(3.0, abs=0.1)


# ------------------------------------------------------------------ errors


def test_media_error_carries_the_command_and_stderr(media: Media, tmp_path: Path) -> None:
    bad = tmp_path / "not-a-video.mp4"
    bad.write_text("this is not a video\n")
    with pytest.raises(MediaError) as caught:
        run(media.loudness(bad))
    err = caught.value
    assert err.command[0] == media.ffmpeg and str(bad) in err.command
    assert "Invalid data" in err.stderr_tail
    assert str(bad) in str(err) and "Invalid data" in str(err)

    with pytest.raises(MediaError) as probed:
        run(media.conform(bad, tmp_path / "out.mp4", 10, HD))
    assert str(bad) in probed.value.command
    assert not (tmp_path / "out.mp4").exists()


def test_encode_frames_fails_cleanly(media: Media, tmp_path: Path) -> None:
    dst = tmp_path / "x.mp4"
    with pytest.raises(ValueError, match="bytes"):
        run(media.encode_frames([bytes(64 * 48 * 3 // 2), b"short"], dst, (64, 48)))

    def broken() -> Iterator[bytes]:
        yield bytes(64 * 48 * 3 // 2)
        raise RuntimeError("renderer crashed")

    with pytest.raises(RuntimeError, match="renderer crashed"):
        run(media.encode_frames(broken(), dst, (64, 48)))
    assert list(tmp_path.iterdir()) == [], "no partial output may be left behind"
    assert run(media.encode_frames([bytes(64 * 48 * 3 // 2)] * 5, dst, (64, 48))) == 5
    assert media.probe(dst).frames == 5
