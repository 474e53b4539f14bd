"""Fixtures shared by the integration tests."""

from __future__ import annotations

import subprocess

import imageio_ffmpeg
import pytest


@pytest.fixture(scope="module")
def clip_mp4(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A small real MP4, as a video model would return: 10 s, 24 fps, 320x180."""
    path = tmp_path_factory.mktemp("clip") / "clip.mp4"
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i",
         "testsrc2=size=320x180:rate=24:duration=10", "-c:v", "libx264", "-preset", "ultrafast",
         "-pix_fmt", "yuv420p", str(path)],
        check=True,
    )  # fmt: skip
    return path.read_bytes()
