"""Independent measurements: of a finished MP4 (PyAV for streams, pyloudnorm for loudness),
and of how much of a frame shows the tests' product photo."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
import pyloudnorm
from PIL import Image

#: The colour of the product photos the tests attach: nothing else in a frame is this colour.
PHOTO_RGB = (255, 0, 255)


def photo_share(frame: Image.Image | bytes | Path) -> float:
    """Share of the frame's pixels close to :data:`PHOTO_RGB` (after vignette and grading)."""
    if not isinstance(frame, Image.Image):
        with Image.open(io.BytesIO(frame) if isinstance(frame, bytes) else frame) as opened:
            return photo_share(opened)
    rgb = np.asarray(frame.convert("RGB"), dtype=np.int16)
    return float(((rgb[..., 0] > 150) & (rgb[..., 1] < 70) & (rgb[..., 2] > 150)).mean())


@dataclass(frozen=True)
class Mp4:
    duration_s: float
    video_codec: str
    size_px: tuple[int, int]
    frames: int
    audio_codec: str | None
    audio_duration_s: float
    integrated_lufs: float | None
    peak_dbfs: float | None
    moov_before_mdat: bool


def _top_level_atoms(path: Path) -> list[str]:
    atoms, data = [], path.read_bytes()
    i = 0
    while i + 8 <= len(data):
        size = int.from_bytes(data[i : i + 4], "big")
        atoms.append(data[i + 4 : i + 8].decode("latin-1"))
        if size == 1:
            size = int.from_bytes(data[i + 8 : i + 16], "big")
        if size < 8:
            break
        i += size
    return atoms


def measure(path: Path) -> Mp4:
    with av.open(str(path)) as c:
        v = c.streams.video[0]
        frames = sum(1 for _ in c.decode(v))
        duration_s = float(c.duration / 1_000_000) if c.duration else 0.0
        size_px = (v.codec_context.width, v.codec_context.height)
        vcodec = v.codec_context.name
    audio_codec, lufs, peak, adur = None, None, None, 0.0
    with av.open(str(path)) as c:
        if c.streams.audio:
            a = c.streams.audio[0]
            audio_codec = a.codec_context.name
            rate = a.codec_context.sample_rate
            blocks = [f.to_ndarray() for f in c.decode(a)]
            pcm = np.concatenate(blocks, axis=1).T.astype(np.float64)  # planar fltp → (n, ch)
            adur = pcm.shape[0] / rate
            lufs = float(pyloudnorm.Meter(rate).integrated_loudness(pcm))
            peak = float(20 * np.log10(np.max(np.abs(pcm)) + 1e-12))
    atoms = _top_level_atoms(path)
    moov_first = "moov" in atoms and "mdat" in atoms and atoms.index("moov") < atoms.index("mdat")
    return Mp4(duration_s, vcodec, size_px, frames, audio_codec, adur, lufs, peak, moov_first)
