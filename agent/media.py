"""All FFmpeg work: probe, conform, last frame, stitch, encode, loudness, finalize.

One class, :class:`Media`, wraps an FFmpeg binary (by default the one shipped in the
imageio-ffmpeg wheel; it has no ffprobe, so probing uses PyAV). Every method that runs FFmpeg
is async and runs it with :func:`asyncio.create_subprocess_exec`; a failure raises
:class:`~agent.errors.MediaError` carrying the exact command and the tail of stderr.

The canonical chunk
    Every video we encode uses the same H.264 settings (:data:`X264_ARGS`), so that chunks
    from any source, once conformed, share one set of SPS/PPS and stitch by stream copy. With
    B-frames off, decode order equals display order and the MP4 has no composition offsets or
    edit list, so cutting "the first N frames" by copying N packets is exact to the frame.

Colour
    Everything we encode is BT.709, limited ("tv") range and tagged so. The local motion
    renderer writes BT.709 YUV itself and :meth:`Media.last_frame` converts back with the same
    matrix, so a clip chained from the previous clip's last frame starts with the same colours.

Output files are written next to their destination under a temporary name and renamed into
place when complete, so a crash never leaves a half-written file at ``dst``.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import io
import os
import re
import secrets
import tempfile
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Final

import av
import numpy as np
from PIL import Image

from agent.errors import MediaError
from agent.spec import FPS

__all__ = [
    "AUDIO_ARGS", "BASELINE_X264_ARGS", "CANONICAL", "CANONICAL_VF", "FASTSTART", "X264_ARGS",
    "X264_ID", "Media", "MediaInfo",
]  # fmt: skip

#: What every chunk is converted to, so stitching is a stream copy.
CANONICAL: Final[Mapping[str, str | int]] = {"codec": "h264", "pix_fmt": "yuv420p", "fps": FPS}

#: The one set of H.264 settings for everything reelgraph encodes.
#:
#: - ``libx264 -preset superfast -crf 21``: on our footage (storyboard stills under a moving
#:   camera, 720p) it took 0.6x the CPU of ``veryfast -crf 20`` for a structural similarity to
#:   the source at least as high (SSIM 0.9973 against 0.9971 on 10 s of a stitched ad), at
#:   about a third more bytes (2.8 MB against 2.1 MB for those 10 s). The encode is most of the
#:   chunk phase's CPU, and the final is encoded again only to burn captions in.
#: - ``cabac=0`` (CAVLC entropy coding, which High profile allows): the pictures are the same
#:   bit for bit once decoded (entropy coding is lossless), x264 takes about 11 % less CPU
#:   (2.84 against 3.20 CPU-s, medians of six 240-frame encodes of storyboard footage, one
#:   thread, December 2026) for about 17 % more bytes. Our footage costs x264 most where it
#:   codes many bits, so the entropy coder is its biggest share left at this preset.
#: - ``-pix_fmt yuv420p -profile:v high``: what every browser, phone and social network plays.
#: - ``-bf 0``: no B-frames, so packets are in display order and ``-c copy -frames:v N`` keeps
#:   exactly the first N frames (no reordering delay, no edit list).
#: - ``-g 48``: a keyframe every 2 s at 24 fps; good seeking in the browser player.
#:
#: Every encode also ends its filter chain with :data:`CANONICAL_VF` (colour tags, square
#: pixels): identical SPS/PPS for every chunk are what make the concat stream copy valid, so
#: memo keys of canonical chunks carry :data:`X264_ID` (chunks made with other settings never
#: meet in one stitch).
X264_ARGS: Final[tuple[str, ...]] = (
    "-c:v", "libx264", "-preset", "superfast", "-crf", "21", "-x264-params", "cabac=0",
    "-pix_fmt", "yuv420p", "-profile:v", "high", "-bf", "0", "-g", "48",
)  # fmt: skip

#: Names :data:`X264_ARGS` in memo keys of anything that makes a canonical chunk.
X264_ID: Final = "superfast-cavlc-crf21-bf0-g48"

#: The benchmark's reference encode (:meth:`Media.encode_plain`): a plain x264 encode at
#: ``veryfast -crf 20``, the settings the pipeline used when its speed target was set, kept
#: fixed so ratios stay comparable across changes to :data:`X264_ARGS`.
BASELINE_X264_ARGS: Final[tuple[str, ...]] = (
    "-c:v", "libx264", "-preset", "veryfast", "-crf", "20",
    "-pix_fmt", "yuv420p", "-profile:v", "high", "-bf", "0", "-g", "48",
)  # fmt: skip

#: The last filters of every video we encode: tag frames BT.709, limited range, MPEG-2 ("left")
#: chroma siting, square pixels. x264 writes these tags into the SPS; left to FFmpeg they would
#: be copied from each source (or left out), giving chunks different SPS. Encoder options such
#: as ``-color_primaries`` are not enough: FFmpeg takes the frames' values.
CANONICAL_VF: Final = (
    "setparams=range=tv:colorspace=bt709:color_primaries=bt709:color_trc=bt709"
    ":chroma_location=left,setsar=1"
)

#: Moves the MP4 index (``moov``) before the media data so a browser starts playing at once.
FASTSTART: Final[tuple[str, ...]] = ("-movflags", "+faststart")

#: Audio of the final video: AAC-LC, 192 kbit/s, 48 kHz, stereo. Perceptual noise
#: substitution is off: it is a low-bitrate tool that replaces noisy bands (drums, cymbals)
#: with synthetic noise whose random peaks overshot the true-peak target by up to 3 dB in our
#: measurements; at 192 kbit/s the real noise can be coded. The quantiser search is FFmpeg's
#: ``fast`` coder, not the bundled build's default ``twoloop``: its author found twoloop
#: "sounds worse than the fast coder" at higher bitrates while needing "quite a lot more CPU"
#: (FFmpeg commit fcb681ac, "aacenc: use the fast coder as the default"). Measured here on a
#: 30 s ad's mix: 0.57 CPU-s instead of 1.49, and a waveform SNR of 25.5 dB, what twoloop
#: gives at 160 kbit/s (28.6 dB at 192).
AUDIO_ARGS: Final[tuple[str, ...]] = (
    "-c:a", "aac", "-aac_coder", "fast", "-b:a", "192k", "-aac_pns", "0", "-ar", "48000",
    "-ac", "2",
)  # fmt: skip

_AUDIO_RATE_HZ: Final = 48_000
_AUDIO_FORMAT: Final = f"aresample={_AUDIO_RATE_HZ},aformat=sample_fmts=fltp:channel_layouts=stereo"
_STDERR_TAIL_LINES: Final = 15
_STDERR_TAIL_CHARS: Final = 2_000
#: Headroom left below the true-peak target before AAC encoding: FFmpeg's native AAC encoder
#: (PNS off) added up to about 1 dB of true peak on loud, limited test material.
_AAC_PEAK_MARGIN_DB: Final = 1.5
#: Encodes finalize may try to land both loudness and true peak (each ~1 s per 30 s of audio).
_FINALIZE_ATTEMPTS: Final = 4
#: Input loudness below which a mix counts as silence and is not normalised (the gating
#: threshold of EBU R128 / ITU-R BS.1770 is -70 LUFS).
_SILENCE_LUFS: Final = -70.0


@dataclass(frozen=True)
class MediaInfo:
    """What :meth:`Media.probe` finds in a file.

    Attributes:
        duration_s: length in seconds (the video stream's, else the container's).
        width: frame width in pixels; 0 for a file without video.
        height: frame height in pixels; 0 for a file without video.
        fps: average frame rate, frames per second; 0.0 for a file without video.
        video_codec: FFmpeg codec name of the first video stream (``"h264"``), or None.
        audio_codec: FFmpeg codec name of the first audio stream (``"aac"``), or None.
        sample_rate_hz: sample rate of the first audio stream, or None.
        frames: number of video frames as stored in the container index, or None if the
            container does not say (e.g. raw streams).
    """

    duration_s: float
    width: int
    height: int
    fps: float
    video_codec: str | None
    audio_codec: str | None
    sample_rate_hz: int | None
    frames: int | None

    @property
    def has_audio(self) -> bool:
        """Whether the file has an audio stream."""
        return self.audio_codec is not None

    @property
    def has_video(self) -> bool:
        """Whether the file has a video stream."""
        return self.video_codec is not None


@dataclass(frozen=True)
class _VideoParams:
    """The stream properties that decide whether a file is already a canonical chunk."""

    codec: str
    profile: str | None
    pix_fmt: str | None
    size_px: tuple[int, int]
    rate: Fraction | None
    has_b_frames: bool
    extradata: bytes
    frames: int
    first_pts: int | None


class Media:
    """FFmpeg operations for reelgraph: async, one binary, errors with the command attached.

    Args:
        ffmpeg: path of the FFmpeg binary (``Settings.ffmpeg()``; by default
            ``imageio_ffmpeg.get_ffmpeg_exe()``).
        threads: ``-threads`` for encoders; 0 lets FFmpeg choose (all cores).
    """

    def __init__(self, ffmpeg: str, threads: int = 0) -> None:
        """Use this FFmpeg binary."""
        if threads < 0:
            raise ValueError(f"threads must be >= 0, got {threads}")
        self.ffmpeg = ffmpeg
        self.threads = threads
        self._reference_extradata: dict[tuple[int, int], bytes] = {}

    # ------------------------------------------------------------------ running FFmpeg

    def command(self, args: Iterable[str | os.PathLike[str]], loglevel: str = "error") -> list[str]:
        """The full command line for ``args``: binary, quiet and non-interactive flags, args.

        Args:
            args: FFmpeg arguments after the global options (inputs, filters, outputs).
            loglevel: FFmpeg ``-loglevel``; ``"info"`` when a filter's report is needed.

        Returns:
            The argument list, ready for :func:`asyncio.create_subprocess_exec`.
        """
        return [
            self.ffmpeg, "-hide_banner", "-nostdin", "-y", "-nostats", "-loglevel", loglevel,
            *(os.fspath(a) for a in args),
        ]  # fmt: skip

    async def run(
        self,
        args: list[str],
        *,
        stdin: bytes | None = None,
        loglevel: str = "error",
    ) -> bytes:
        """Run FFmpeg and return its stdout.

        Args:
            args: FFmpeg arguments after the global options (``-hide_banner -nostdin -y
                -nostats -loglevel error`` are added).
            stdin: bytes to feed to FFmpeg's standard input (for ``-i pipe:0``), or None.
            loglevel: FFmpeg ``-loglevel``.

        Returns:
            Everything FFmpeg wrote to stdout (e.g. ``-f image2pipe pipe:1``).

        Raises:
            MediaError: FFmpeg could not be started or exited non-zero; carries the command
                and the tail of stderr.
        """
        stdout, _ = await self._exec(args, stdin=stdin, loglevel=loglevel)
        return stdout

    async def _exec(
        self,
        args: Iterable[str | os.PathLike[str]],
        *,
        stdin: bytes | None = None,
        loglevel: str = "error",
    ) -> tuple[bytes, str]:
        """Run FFmpeg; return (stdout, stderr text). Kills FFmpeg if the task is cancelled."""
        cmd = self.command(args, loglevel)
        try:
            proc = await asyncio.create_subprocess_exec(
                *cmd,
                stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
        except OSError as exc:
            raise MediaError("could not start ffmpeg", cmd, str(exc)) from exc
        try:
            out, err = await proc.communicate(stdin)
        except BaseException:
            await _kill(proc)
            raise
        err_text = err.decode("utf-8", "replace")
        if proc.returncode != 0:
            raise MediaError(f"ffmpeg exited with code {proc.returncode}", cmd, _tail(err_text))
        return out, err_text

    # ------------------------------------------------------------------ probing

    def probe(self, path: Path) -> MediaInfo:
        """Read a media file's streams with PyAV (the bundled FFmpeg has no ffprobe).

        Args:
            path: a video or audio file.

        Returns:
            Its :class:`MediaInfo`. ``frames`` comes from the container index (exact for MP4).

        Raises:
            MediaError: the file is missing or not a media file PyAV can open.
        """
        try:
            with av.open(os.fspath(path)) as container:
                video = container.streams.video[0] if container.streams.video else None
                audio = container.streams.audio[0] if container.streams.audio else None
                duration_s = 0.0
                if video is not None and video.duration is not None and video.time_base:
                    duration_s = float(video.duration * video.time_base)
                elif audio is not None and audio.duration is not None and audio.time_base:
                    duration_s = float(audio.duration * audio.time_base)
                elif container.duration is not None:
                    duration_s = container.duration / av.time_base
                rate = (video.average_rate or video.guessed_rate) if video is not None else None
                return MediaInfo(
                    duration_s=duration_s,
                    width=video.codec_context.width if video is not None else 0,
                    height=video.codec_context.height if video is not None else 0,
                    fps=float(rate) if rate else 0.0,
                    video_codec=_codec_name(video) if video is not None else None,
                    audio_codec=_codec_name(audio) if audio is not None else None,
                    sample_rate_hz=audio.codec_context.sample_rate if audio is not None else None,
                    frames=(video.frames or None) if video is not None else None,
                )
        except (av.error.FFmpegError, OSError) as exc:
            raise MediaError(
                f"cannot probe {path}", ["av.open", os.fspath(path)], str(exc)
            ) from exc

    def _video_params(self, path: Path) -> _VideoParams:
        """Stream properties of the first video stream (for the conform fast path)."""
        try:
            with av.open(os.fspath(path)) as container:
                if not container.streams.video:
                    raise MediaError(
                        f"{path} has no video stream", ["av.open", os.fspath(path)], ""
                    )
                stream = container.streams.video[0]
                ctx = stream.codec_context
                first_pts = None
                for packet in container.demux(stream):
                    first_pts = packet.pts
                    break
                return _VideoParams(
                    codec=_codec_name(stream),
                    profile=ctx.profile,
                    pix_fmt=ctx.pix_fmt,
                    size_px=(ctx.width, ctx.height),
                    rate=stream.average_rate,
                    has_b_frames=bool(ctx.has_b_frames),
                    extradata=bytes(ctx.extradata or b""),
                    frames=stream.frames,
                    first_pts=first_pts,
                )
        except (av.error.FFmpegError, OSError) as exc:
            raise MediaError(
                f"cannot probe {path}", ["av.open", os.fspath(path)], str(exc)
            ) from exc

    async def _canonical_extradata(self, size_px: tuple[int, int]) -> bytes:
        """SPS/PPS that :data:`X264_ARGS` produces at this size (one black frame, cached)."""
        if size_px not in self._reference_extradata:
            with tempfile.TemporaryDirectory(prefix="reelgraph-ref-") as tmp:
                ref = Path(tmp) / "ref.mp4"
                w, h = size_px
                await self._exec([
                    "-f", "lavfi", "-i", f"color=black:size={w}x{h}:rate={FPS}",
                    "-vf", CANONICAL_VF, "-frames:v", "1", *X264_ARGS, ref,
                ])  # fmt: skip
                self._reference_extradata[size_px] = self._video_params(ref).extradata
        return self._reference_extradata[size_px]

    async def is_canonical(self, path: Path, size_px: tuple[int, int]) -> bool:
        """Whether ``path`` is already a chunk our own encoder would have written.

        True when the first video stream is H.264 High, yuv420p, ``size_px``, exactly
        :data:`~agent.spec.FPS`, without B-frames, starts at timestamp 0, and its SPS/PPS are
        byte-identical to what :data:`X264_ARGS` produces at this size. Such a file can be
        trimmed and stitched by stream copy.

        Args:
            path: a video file.
            size_px: (width, height) wanted.

        Raises:
            MediaError: the file cannot be read or has no video stream.
        """
        p = self._video_params(path)
        size = (int(size_px[0]), int(size_px[1]))
        return (
            p.codec == CANONICAL["codec"]
            and p.profile == "High"
            and p.pix_fmt == CANONICAL["pix_fmt"]
            and p.size_px == size
            and p.rate == Fraction(FPS)
            and not p.has_b_frames
            and p.first_pts == 0
            and p.extradata == await self._canonical_extradata(size)
        )

    # ------------------------------------------------------------------ video

    async def encode_frames(
        self,
        frames: Iterable[bytes],
        dst: Path,
        size_px: tuple[int, int],
        fps: int = FPS,
    ) -> int:
        """Encode raw ``yuv420p`` frames to a canonical H.264 MP4, generating them in a thread.

        ``frames`` is iterated in a worker thread that writes each frame to FFmpeg's stdin with
        blocking writes while FFmpeg encodes the previous ones, so frame synthesis (Pillow
        releases the GIL) and x264 run on different cores, and the event loop is not woken
        for every pipe buffer.

        Args:
            frames: each item one frame, ``width * height * 3 // 2`` bytes: the Y plane, then
                Cb and Cr at half width and half height, BT.709 limited range.
            dst: the MP4 to write.
            size_px: (width, height), both even.
            fps: frame rate of the output.

        Returns:
            The number of frames written.

        Raises:
            ValueError: a frame has the wrong size, or ``size_px`` is odd.
            MediaError: FFmpeg failed (the command and stderr tail are attached).
        """
        w, h = _even_size(size_px)
        frame_bytes = w * h * 3 // 2
        async with _atomic(dst) as tmp:
            cmd = self.command([
                "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", f"{w}x{h}", "-r", str(fps),
                "-i", "pipe:0", "-vf", CANONICAL_VF, *X264_ARGS, *self._threads(), *FASTSTART,
                tmp,
            ])  # fmt: skip
            read_fd, write_fd = os.pipe()
            _widen_pipe(write_fd, frame_bytes)
            try:
                proc = await asyncio.create_subprocess_exec(
                    *cmd,
                    stdin=read_fd,
                    stdout=asyncio.subprocess.DEVNULL,
                    stderr=asyncio.subprocess.PIPE,
                )
            except OSError as exc:
                os.close(write_fd)
                raise MediaError("could not start ffmpeg", cmd, str(exc)) from exc
            finally:
                os.close(read_fd)
            assert proc.stderr is not None
            stderr_task = asyncio.ensure_future(proc.stderr.read())

            def feed() -> tuple[int, bool]:
                # Blocking writes from this thread: a whole frame per call, no event-loop
                # round trip per pipe buffer (a 720p frame is 1.4 MB, the pipe holds 64 kB).
                written = 0
                with open(write_fd, "wb", buffering=0) as pipe:  # closing it ends FFmpeg's input
                    for frame in frames:
                        if len(frame) != frame_bytes:
                            raise ValueError(
                                f"frame {written} has {len(frame)} bytes; {w}x{h} yuv420p needs "
                                f"{frame_bytes}"
                            )
                        view = memoryview(frame)
                        try:
                            while view:
                                view = view[pipe.write(view) or 0 :]
                        except (BrokenPipeError, ConnectionResetError):
                            return written, True  # FFmpeg died; its stderr says why
                        written += 1
                return written, False

            try:
                written, broken = await asyncio.to_thread(feed)
                returncode = await proc.wait()
            except BaseException:
                await _kill(proc)  # a feeding thread still writing gets EPIPE and stops
                stderr_task.cancel()
                raise
            err = (await stderr_task).decode("utf-8", "replace")
            if returncode != 0 or broken:
                raise MediaError(f"ffmpeg exited with code {returncode}", cmd, _tail(err))
        return written

    async def conform(
        self, src: Path, dst: Path, frames: int, size_px: tuple[int, int], skip_frames: int = 0
    ) -> None:
        """Make ``dst`` exactly ``frames`` frames of ``src``, from frame ``skip_frames`` on.

        The output is ``size_px``, :data:`~agent.spec.FPS` fps, H.264 yuv420p with
        :data:`X264_ARGS`, no audio. If ``src`` already is a canonical chunk (see
        :meth:`is_canonical`) with enough frames, the first ``frames`` packets are stream
        copied (exact, since there are no B-frames). Otherwise it is re-encoded: frame rate
        converted to FPS, scaled to cover ``size_px`` and centre-cropped, colours converted to
        BT.709; if it has fewer frames than asked, its last frame is repeated (``tpad`` clone).

        Args:
            src: any video file FFmpeg reads (a provider's clip, an upload).
            dst: the MP4 to write.
            frames: number of frames wanted, >= 1.
            size_px: (width, height), both even.
            skip_frames: frames dropped from the start first (1 for a chained chunk, whose
                first frame repeats the previous chunk's last); forces a re-encode.

        Raises:
            ValueError: ``frames`` < 1 or ``size_px`` odd.
            MediaError: ``src`` cannot be read or FFmpeg failed, or the result does not have
                exactly ``frames`` frames.
        """
        if frames < 1:
            raise ValueError(f"frames must be >= 1, got {frames}")
        w, h = _even_size(size_px)
        params = self._video_params(src)
        async with _atomic(dst) as tmp:
            if not skip_frames and params.frames >= frames and await self.is_canonical(src, (w, h)):
                await self._exec([
                    "-i", src, "-map", "0:v:0", "-c", "copy", "-frames:v", str(frames),
                    *FASTSTART, tmp,
                ])  # fmt: skip
            else:
                skip = f"trim=start_frame={skip_frames},setpts=PTS-STARTPTS," if skip_frames else ""
                vf = (
                    f"{skip}fps={FPS},"
                    f"scale={w}:{h}:force_original_aspect_ratio=increase:flags=lanczos"
                    ":out_color_matrix=bt709:out_range=tv,"
                    f"crop={w}:{h},tpad=stop=-1:stop_mode=clone,{CANONICAL_VF}"
                )
                await self._exec([
                    "-i", src, "-map", "0:v:0", "-vf", vf, "-frames:v", str(frames),
                    *X264_ARGS, *self._threads(), "-an", *FASTSTART, tmp,
                ])  # fmt: skip
            got = self.probe(tmp).frames
            if got != frames:
                raise MediaError(
                    f"conform wrote {got} frames, expected {frames}",
                    ["conform", os.fspath(src), os.fspath(dst)],
                    "",
                )

    async def last_frame(self, src: Path) -> bytes:
        """The final frame of a video as PNG bytes (RGB, the video's size).

        Exact, not a seek approximation: FFmpeg seeks to the keyframe before the last 0.5 s and
        decodes every frame from there. For a canonical chunk (a keyframe at least every
        2 s, so at most ~60 frames held in memory) the ``reverse`` filter hands over only the
        last one, so one frame is converted and piped; any other video pipes them all out as
        uncompressed BMP and the last one is kept. (If the last 0.5 s holds no frame start,
        e.g. a slideshow, the whole file is decoded that way.) YUV is converted with the
        stream's matrix (BT.709 for our chunks), the inverse of what the motion renderer used.

        Args:
            src: a video file.

        Returns:
            PNG bytes.

        Raises:
            MediaError: the file has no decodable video or FFmpeg failed.
        """
        decode = [
            "-map", "0:v:0", "-an", "-sws_flags", "bicubic+accurate_rnd+full_chroma_int",
            "-pix_fmt", "bgr24", "-c:v", "bmp", "-f", "image2pipe", "pipe:1",
        ]  # fmt: skip
        last_only = ["-vf", "reverse", "-frames:v", "1"]
        canonical = await self.is_canonical(src, self._video_params(src).size_px)
        for seek, pick in ((["-sseof", "-0.5"], last_only if canonical else []), ([], [])):
            args = [*seek, "-i", os.fspath(src), *pick, *decode]
            bmp = _last_bmp(await self.run(args))
            if bmp is not None:
                return await asyncio.to_thread(_bmp_to_png, bmp)
        raise MediaError(f"{src} decoded to no frame", self.command(args), "")

    async def stitch(self, chunks: list[Path], dst: Path) -> None:
        """Concatenate canonical chunks by stream copy (concat demuxer), with +faststart.

        No re-encode, so no quality loss and little time; the result has exactly the sum of
        the chunks' frames and lasts that many frames / FPS seconds.

        Args:
            chunks: MP4 files written by :meth:`conform` or :meth:`encode_frames`, all the same
                size (which makes their SPS/PPS identical).
            dst: the MP4 to write.

        Raises:
            ValueError: no chunks, or a chunk is not canonical (conform it first).
            MediaError: a chunk cannot be read or FFmpeg failed.
        """
        if not chunks:
            raise ValueError("stitch needs at least one chunk")
        first = self._video_params(chunks[0])
        total = 0
        for chunk in chunks:
            params = self._video_params(chunk)
            if not await self.is_canonical(chunk, first.size_px):
                raise ValueError(
                    f"chunk {chunk} is not canonical ({params.codec} {params.profile} "
                    f"{params.pix_fmt} {params.size_px[0]}x{params.size_px[1]} @ {params.rate}, "
                    f"expected the size of {chunks[0].name}); conform it first"
                )
            total += params.frames
        with tempfile.TemporaryDirectory(prefix="reelgraph-concat-") as tmp:
            listing = Path(tmp) / "chunks.txt"
            listing.write_text(
                "ffconcat version 1.0\n"
                + "".join(f"file {_concat_quote(c.resolve())}\n" for c in chunks),
                encoding="utf-8",
            )
            async with _atomic(dst) as out:
                await self._exec([
                    "-f", "concat", "-safe", "0", "-i", listing, "-map", "0:v:0", "-c", "copy",
                    *FASTSTART, out,
                ])  # fmt: skip
                got = self.probe(out).frames
                if got != total:
                    raise MediaError(
                        f"stitch wrote {got} frames, expected {total}",
                        ["stitch", *map(os.fspath, chunks)],
                        "",
                    )

    async def encode_plain(self, dst: Path, duration_s: float, size_px: tuple[int, int]) -> None:
        """Benchmark baseline: encode a plain ``testsrc2`` clip with :data:`BASELINE_X264_ARGS`.

        Args:
            dst: the MP4 to write.
            duration_s: length in seconds (rounded to whole frames at FPS).
            size_px: (width, height).

        Raises:
            MediaError: FFmpeg failed.
        """
        w, h = _even_size(size_px)
        n = max(1, round(duration_s * FPS))
        async with _atomic(dst) as tmp:
            await self._exec([
                "-f", "lavfi", "-i", f"testsrc2=size={w}x{h}:rate={FPS}", "-frames:v", str(n),
                "-vf", f"scale=out_color_matrix=bt709:out_range=tv,{CANONICAL_VF}",
                *BASELINE_X264_ARGS, *self._threads(), *FASTSTART, tmp,
            ])  # fmt: skip

    async def side_by_side(self, left: Path, right: Path, dst: Path, height_px: int = 720) -> None:
        """Put two videos next to each other (for comparing branches), left one's audio kept.

        Both are scaled to ``height_px`` (even widths kept), stacked horizontally and cut to
        the shorter one.

        Raises:
            MediaError: an input cannot be read or FFmpeg failed.
        """
        graph = (
            f"[0:v]scale=-2:{height_px},setsar=1[l];[1:v]scale=-2:{height_px},setsar=1[r];"
            "[l][r]hstack=inputs=2:shortest=1[v]"
        )
        audio = ["-map", "0:a?", *AUDIO_ARGS] if self.probe(left).has_audio else ["-an"]
        async with _atomic(dst) as tmp:
            await self._exec([
                "-i", left, "-i", right, "-filter_complex", graph, "-map", "[v]", *audio,
                "-shortest", *X264_ARGS, *self._threads(), *FASTSTART, tmp,
            ])  # fmt: skip

    # ------------------------------------------------------------------ audio

    async def encode_mp3(self, wav: bytes, dst: Path, bitrate_kbps: int = 192) -> None:
        """Encode WAV bytes to MP3 (LAME, constant bitrate).

        Args:
            wav: a complete WAV file in memory (any rate and channel count FFmpeg reads).
            dst: the MP3 to write.
            bitrate_kbps: MP3 bitrate in kbit/s.

        Raises:
            MediaError: the bytes are not a WAV FFmpeg reads, or FFmpeg failed.
        """
        async with _atomic(dst) as tmp:
            await self._exec(
                ["-f", "wav", "-i", "pipe:0", "-c:a", "libmp3lame", "-b:a", f"{bitrate_kbps}k",
                 "-f", "mp3", tmp],
                stdin=wav,
            )  # fmt: skip

    async def loudness(self, path: Path) -> tuple[float, float]:
        """Integrated loudness and true peak of a file's first audio stream (EBU R128).

        Measured with FFmpeg's ``ebur128`` filter (``peak=true``, 4x oversampled true peak per
        ITU-R BS.1770-4), parsed from the summary it logs.

        Args:
            path: an audio or video file with audio.

        Returns:
            (integrated loudness in LUFS, true peak in dBTP). A silent file gives
            ``(-70.0, -inf)`` or lower.

        Raises:
            MediaError: the file has no audio, FFmpeg failed, or the summary is missing.
        """
        args: list[str | os.PathLike[str]] = [
            "-i", path, "-map", "0:a:0", "-af", "ebur128=peak=true:framelog=quiet",
            "-f", "null", "-",
        ]  # fmt: skip
        _, err = await self._exec(args, loglevel="info")
        summary = err[err.rfind("Summary:") :]
        lufs = re.search(r"Integrated loudness:\s*I:\s*(-?inf|-?[\d.]+)\s*LUFS", summary)
        peak = re.search(r"True peak:\s*Peak:\s*(-?inf|-?[\d.]+)\s*dBFS", summary)
        if lufs is None or peak is None:
            raise MediaError("no ebur128 summary in ffmpeg output", self.command(args), _tail(err))
        return float(lufs.group(1)), float(peak.group(1))

    async def decode_mono(self, path: Path, rate_hz: int = _AUDIO_RATE_HZ) -> np.ndarray:
        """Decode a file's first audio stream to mono float32 samples.

        Args:
            path: any audio file FFmpeg reads (a WAV from a speech model).
            rate_hz: sample rate of the result, Hz.

        Returns:
            Samples in [-1, 1] (float32, shape ``(n,)``).

        Raises:
            MediaError: the file cannot be read or has no audio.
        """
        out, _ = await self._exec(
            ["-i", path, "-map", "0:a:0", "-ac", "1", "-ar", str(rate_hz), "-f", "f32le",
             "pipe:1"]
        )  # fmt: skip
        return np.frombuffer(out, dtype="<f4").copy()

    async def finalize(
        self,
        video: Path,
        music: Path | None,
        dst: Path,
        gain_db: float = 0.0,
        target_lufs: float = -14.0,
        true_peak_dbtp: float = -1.0,
        *,
        voice: Path | None = None,
        subtitles: Path | None = None,
        captions: Path | None = None,
        fonts_dir: Path | None = None,
    ) -> tuple[float, float] | None:
        """Mix, loudness-normalise and mux the deliverable MP4, captions in the same pass.

        The audio is the music (``gain_db`` applied) plus the voice stem plus the video's own
        audio if it has some (e.g. a model with native audio), summed without level scaling,
        each trimmed or padded with silence to the video's exact length. With a voice, the
        music is ducked under it with FFmpeg's ``sidechaincompress`` keyed on the voice
        (threshold -26 dBFS, ratio 6:1, attack 10 ms, release 300 ms: about 8-10 dB less music
        while a line is spoken, back within a third of a second after it). The mix is
        normalised in two passes (EBU R128 / ITU-R BS.1770): pass 1 measures its integrated
        loudness with ``ebur128`` (no true peak: that costs a 4x oversampled pass) and keeps
        the mix (a float WAV, so it is decoded and ducked once); pass 2
        applies one gain for the whole track (what ``loudnorm``'s linear mode does, without
        its own 192 kHz peak detection), so the dynamics are kept. A true-peak limiter
        (``alimiter`` at 4x oversampling, 192 kHz) then holds the peaks below a ceiling. The
        audio is encoded as AAC 192 kbit/s, 48 kHz stereo, on its own; the last FFmpeg pass
        muxes it (stream copy) with the video and the subtitles, ``+faststart``.

        Why a limiter after the gain: AAC encoding raises true peaks (by up to ~1 dB with
        FFmpeg's native encoder, measured), so the ceiling before encoding is
        ``true_peak_dbtp - 1.5`` dB. The encoded audio is measured again (:meth:`loudness`) and
        pass 2 redone if needed (at most four audio encodes; typical music lands on the first):
        a true peak over the target lowers the ceiling by the excess; a loudness more than 0.5 LU
        short raises the aim by the shortfall. The encode kept is the one closest to
        ``target_lufs`` among those within the peak limit. Audio with a crest factor far above
        ~15 dB cannot be limited up to -14 LUFS without pumping and is delivered quieter, never
        louder or above the peak limit; the returned measurement says by how much.

        Captions: ``captions`` (an ASS file) are burned in with libass's ``subtitles`` filter,
        fonts from ``fonts_dir``; the video is then encoded once (:data:`X264_ARGS`), in the
        same pass as the mux. Without them the video stream is copied. ``subtitles`` (an SRT
        file) becomes a soft ``mov_text`` track.

        Behaviour without audio: if there is no music, no voice and the video has no audio,
        the output has **no audio track** (no silent track is invented). A mix quieter than
        -70 LUFS (silence) is encoded as is, not amplified.

        Args:
            video: the stitched video (canonical H.264 MP4).
            music: the soundtrack (any format FFmpeg reads), or None.
            dst: the MP4 to write.
            gain_db: gain applied to the music before mixing, dB.
            target_lufs: integrated loudness target, LUFS (-14 is what YouTube, Spotify and
                most social platforms normalise to).
            true_peak_dbtp: maximum true peak of the delivered AAC track, dBTP (-1 per the
                AES TD1004 streaming recommendation and EBU R128 s1).
            voice: the voice stem (a WAV as long as the video), or None.
            subtitles: an SRT file for a soft ``mov_text`` track, or None.
            captions: an ASS file to burn into the picture, or None.
            fonts_dir: where libass finds the captions' font (required with ``captions``).

        Returns:
            (integrated loudness in LUFS, true peak in dBTP) of the delivered audio, measured
            with :meth:`loudness`; None if the output has no audio track or is silent.

        Raises:
            ValueError: a target outside [-70, -5] LUFS or [-9, 0] dBTP, or captions without
                fonts.
            MediaError: a file cannot be read, FFmpeg failed, or no encode had its true peak
                at or under ``true_peak_dbtp``.
        """
        if not -70.0 <= target_lufs <= -5.0:
            raise ValueError(f"target_lufs must be in [-70, -5], got {target_lufs}")
        if not -9.0 <= true_peak_dbtp <= 0.0:
            raise ValueError(f"true_peak_dbtp must be in [-9, 0], got {true_peak_dbtp}")
        if captions is not None and fonts_dir is None:
            raise ValueError("burned captions need fonts_dir")
        vinfo = self.probe(video)
        if not vinfo.has_video:
            raise MediaError(f"{video} has no video stream", ["av.open", os.fspath(video)], "")
        duration_s = vinfo.frames / vinfo.fps if vinfo.frames and vinfo.fps else vinfo.duration_s
        samples = round(duration_s * _AUDIO_RATE_HZ)

        inputs: list[str | os.PathLike[str]] = ["-i", video]
        chains: list[str] = []
        fit = f"{_AUDIO_FORMAT},apad=whole_len={samples},atrim=end_sample={samples}"
        if vinfo.has_audio:
            chains.append(f"[0:a:0]{fit}[va]")
        music_label = ""
        if music is not None:
            if not self.probe(music).has_audio:
                raise MediaError(f"{music} has no audio stream", ["av.open", os.fspath(music)], "")
            inputs += ["-i", music]
            music_label = f"[{len(inputs) // 2 - 1}:a:0]"
        if voice is not None:
            if not self.probe(voice).has_audio:
                raise MediaError(f"{voice} has no audio stream", ["av.open", os.fspath(voice)], "")
            inputs += ["-i", voice]
            chains.append(f"[{len(inputs) // 2 - 1}:a:0]{fit},asplit=2[key][vo]")
        if music_label:
            chains.append(f"{music_label}volume={gain_db:.3f}dB,{fit}[mu]")
            if voice is not None:
                chains.append(
                    "[mu][key]sidechaincompress=threshold=0.05:ratio=6:attack=10:release=300"
                    ":makeup=1[md]"
                )
        labels = [lab for lab, on in (("[va]", vinfo.has_audio), ("[vo]", voice is not None),
                                      ("[md]" if voice is not None else "[mu]", bool(music_label)))
                  if on]  # fmt: skip
        if voice is not None and not music_label:
            chains.append("[key]anullsink")
        if len(labels) > 1:
            mix = ";".join(chains) + f";{''.join(labels)}amix=inputs={len(labels)}:normalize=0[mix]"
        elif labels:
            mix = ";".join(chains) + f";{labels[0]}anull[mix]"
        else:
            mix = ""

        async with _atomic(dst) as tmp:
            audio = tmp.with_name(f"{tmp.stem}.audio.m4a")
            try:
                best = await self._final_audio(
                    inputs, mix, audio, target_lufs, true_peak_dbtp
                ) if mix else None  # fmt: skip
                await self._mux(video, audio if mix else None, tmp, subtitles, captions, fonts_dir)
            finally:
                with contextlib.suppress(FileNotFoundError):
                    audio.unlink()
            return best

    async def _mux(
        self,
        video: Path,
        audio: Path | None,
        out: Path,
        subtitles: Path | None,
        captions: Path | None,
        fonts_dir: Path | None,
    ) -> None:
        """The one pass that writes the deliverable MP4.

        The video is copied, or encoded once with the captions burned in; the encoded audio
        is copied; the SRT becomes a soft ``mov_text`` track.
        """
        args: list[str | os.PathLike[str]] = ["-i", video]
        maps: list[str | os.PathLike[str]] = ["-map", "0:v:0"]
        if audio is not None:
            args += ["-i", audio]
            maps += ["-map", f"{len(args) // 2 - 1}:a:0"]
        if subtitles is not None:
            args += ["-i", subtitles]
            maps += ["-map", f"{len(args) // 2 - 1}:s:0"]
        codecs: list[str | os.PathLike[str]] = ["-c:a", "copy"] if audio is not None else []
        if subtitles is not None:
            codecs += ["-c:s", "mov_text"]
        if captions is not None and fonts_dir is not None:
            burn = (
                f"subtitles=filename={_filter_quote(captions)}"
                f":fontsdir={_filter_quote(fonts_dir)},{CANONICAL_VF}"
            )
            codecs += ["-vf", burn, *X264_ARGS, *self._threads()]
        else:
            codecs += ["-c:v", "copy"]
        await self._exec([*args, *maps, *codecs, *FASTSTART, out])

    async def _final_audio(
        self,
        inputs: list[str | os.PathLike[str]],
        mix: str,
        out: Path,
        target_lufs: float,
        true_peak_dbtp: float,
    ) -> tuple[float, float] | None:
        """Normalise and encode the mix ``[mix]`` to AAC at ``out``; see :meth:`finalize`.

        The mix (decoding, ducking, summing) is made once: the measuring pass also writes it
        to a 32-bit float WAV (exact for FFmpeg's float samples), which every encode reads.
        """
        mixed = out.with_name(f"{out.stem}.mix.wav")
        try:
            return await self._normalise(inputs, mix, mixed, out, target_lufs, true_peak_dbtp)
        finally:
            with contextlib.suppress(FileNotFoundError):
                mixed.unlink()

    async def _normalise(
        self,
        inputs: list[str | os.PathLike[str]],
        mix: str,
        mixed: Path,
        out: Path,
        target_lufs: float,
        true_peak_dbtp: float,
    ) -> tuple[float, float] | None:
        input_lufs = await self._integrated_lufs([
            *inputs, "-filter_complex", f"{mix};[mix]ebur128=framelog=quiet[out]",
            "-map", "[out]", "-c:a", "pcm_f32le", "-f", "wav", mixed,
        ])  # fmt: skip
        mix = f"[0:a:0]{_AUDIO_FORMAT}[mix]"

        def encode(audio_filter: str, dst: Path) -> list[str | os.PathLike[str]]:
            return [
                "-i", mixed, "-filter_complex", audio_filter, "-map", "[out]", "-vn",
                *AUDIO_ARGS, "-f", "mp4", dst,
            ]  # fmt: skip

        if input_lufs <= _SILENCE_LUFS:
            await self._exec(encode(f"{mix};[mix]anull[out]", out))
            return None

        aim_lufs, ceiling_dbtp = target_lufs, true_peak_dbtp - _AAC_PEAK_MARGIN_DB
        best: tuple[float, float] | None = None  # (lufs, peak) of the encode at out
        last: tuple[float, float] = (0.0, 0.0)
        attempt = out.with_name(f"{out.stem}.try{out.suffix}")
        norm = ""
        try:
            for _ in range(_FINALIZE_ATTEMPTS):
                limit = max(10 ** (ceiling_dbtp / 20), 0.0625)
                # One gain for the whole track (what loudnorm's linear mode applies); the
                # limiter does the peak control.
                norm = (
                    f"{mix};[mix]volume={aim_lufs - input_lufs:.3f}dB,"
                    f"aresample=192000,alimiter=limit={limit:.6f}:level=0:latency=1,"
                    f"{_AUDIO_FORMAT}[out]"
                )
                await self._exec(encode(norm, attempt))
                last = lufs, peak_dbtp = await self.loudness(attempt)
                if peak_dbtp <= true_peak_dbtp and (
                    best is None or abs(lufs - target_lufs) < abs(best[0] - target_lufs)
                ):
                    os.replace(attempt, out)
                    best = last
                if best is not None and abs(best[0] - target_lufs) <= 0.5:
                    break
                if peak_dbtp > true_peak_dbtp:
                    ceiling_dbtp -= peak_dbtp - true_peak_dbtp + 0.2
                elif lufs < target_lufs:
                    aim_lufs = min(-5.0, aim_lufs + (target_lufs - lufs))
        finally:
            with contextlib.suppress(FileNotFoundError):
                attempt.unlink()
        if best is None:
            raise MediaError(
                f"true peak still {last[1]:.1f} dBTP, above {true_peak_dbtp} dBTP, after"
                f" {_FINALIZE_ATTEMPTS} encodes",
                self.command(encode(norm, out)),
                "",
            )
        return best

    async def _integrated_lufs(self, args: list[str | os.PathLike[str]]) -> float:
        """Run an ``ebur128`` measuring pass (no true peak) and return its integrated LUFS."""
        _, err = await self._exec(args, loglevel="info")
        summary = err[err.rfind("Summary:") :]
        found = re.search(r"Integrated loudness:\s*I:\s*(-?inf|-?[\d.]+)\s*LUFS", summary)
        if found is None:
            raise MediaError("no ebur128 summary in ffmpeg output", self.command(args), _tail(err))
        return float(found.group(1))

    # ------------------------------------------------------------------ helpers

    def _threads(self) -> list[str]:
        return ["-threads", str(self.threads)] if self.threads else []


#: Largest pipe buffer asked for, bytes: Linux's default ``/proc/sys/fs/pipe-max-size``.
_PIPE_MAX_BYTES: Final = 1 << 20


def _widen_pipe(fd: int, want_bytes: int) -> None:
    """Grow a pipe's buffer towards ``want_bytes`` (Linux ``F_SETPIPE_SZ``), if allowed.

    A 720p frame is 1.4 MB and a pipe holds 64 kB by default: a bigger buffer lets FFmpeg
    read a frame in a few wake-ups instead of about twenty (0.1 CPU-s less over the 720
    frames of a 30 s ad, measured here). Elsewhere, or when refused, the pipe stays as it is.
    """
    setpipe = getattr(fcntl, "F_SETPIPE_SZ", None)
    if setpipe is not None:
        with contextlib.suppress(OSError):
            fcntl.fcntl(fd, setpipe, min(want_bytes, _PIPE_MAX_BYTES))


def _last_bmp(stream: bytes) -> bytes | None:
    """The last image of a concatenation of BMP files (each starts with b"BM" and its size)."""
    pos, last = 0, None
    while pos + 6 <= len(stream) and stream[pos : pos + 2] == b"BM":
        size = int.from_bytes(stream[pos + 2 : pos + 6], "little")
        if size <= 0:
            break
        last = stream[pos : pos + size]
        pos += size
    return last


def _bmp_to_png(bmp: bytes) -> bytes:
    """Re-encode one BMP image as PNG."""
    with Image.open(io.BytesIO(bmp)) as image:
        out = io.BytesIO()
        image.convert("RGB").save(out, "PNG", compress_level=1)  # 3-4x faster than 6
        return out.getvalue()


def _tail(text: str) -> str:
    """The last lines of a stderr text, trimmed to a readable length."""
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    tail = "\n".join(lines[-_STDERR_TAIL_LINES:])
    return tail[-_STDERR_TAIL_CHARS:] if tail else "(no stderr output)"


def _codec_name(stream: av.stream.Stream) -> str:
    """The codec's canonical FFmpeg name (``"mp3"``, not the decoder's ``"mp3float"``)."""
    codec = stream.codec_context.codec
    return str(codec.canonical_name or codec.name)


def _even_size(size_px: tuple[int, int]) -> tuple[int, int]:
    """Check (width, height) is positive and even (yuv420p needs both even)."""
    w, h = size_px
    if w <= 0 or h <= 0 or w % 2 or h % 2:
        raise ValueError(f"size_px must be positive and even for yuv420p, got {w}x{h}")
    return int(w), int(h)


def _filter_quote(path: Path) -> str:
    """A path as a filter option value; only plain paths are accepted (no quoting levels).

    Raises:
        ValueError: the path has characters the filter graph would need escaped.
    """
    text = os.fspath(path)
    if not re.fullmatch(r"[A-Za-z0-9_./+-]+", text):
        raise ValueError(f"a filter path must be plain ([A-Za-z0-9_./+-]): {text!r}")
    return text


def _concat_quote(path: Path) -> str:
    """Quote a path for an ffconcat script: in single quotes, each ``'`` closed and escaped."""
    return "'" + os.fspath(path).replace("'", "'\\''") + "'"


async def _kill(proc: asyncio.subprocess.Process) -> None:
    """Kill a subprocess we started and reap it."""
    if proc.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        await proc.wait()


@contextlib.asynccontextmanager
async def _atomic(dst: Path) -> AsyncIterator[Path]:
    """Yield a temporary path next to ``dst``; rename it to ``dst`` if the block succeeds."""
    dst = Path(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(f".{dst.stem}.{secrets.token_hex(4)}.partial{dst.suffix}")
    try:
        yield tmp
        os.replace(tmp, dst)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
