"""The offline video model's frames: sampled from a quarter-pixel grid, as good as bilinear.

Each frame is drawn by taking, for every pixel, the nearest point of a grid interpolated once
per clip; these tests hold it to what a bilinear resample of every frame would show.
"""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from agent.providers.local.motion import SUBPIXELS, _Fine, _Planes, camera_path
from agent.spec import CameraMove

SIZE_PX = (320, 180)


def _picture() -> Image.Image:
    """Sharp edges and fine texture: where a resampling error would show."""
    rng = np.random.default_rng(11)
    noise = rng.integers(0, 256, size=(SIZE_PX[1], SIZE_PX[0], 3), dtype=np.uint8)
    image = Image.fromarray(noise, "RGB").filter(ImageFilter.GaussianBlur(1.5))
    draw = ImageDraw.Draw(image)
    for x in range(10, SIZE_PX[0], 37):
        draw.rectangle((x, 20, x + 11, 160), fill=(250, 240, 20))
    draw.ellipse((120, 40, 220, 140), outline=(10, 10, 200), width=3)
    return image


def _psnr(a: Image.Image, b: Image.Image) -> float:
    err = np.mean((np.asarray(a, np.float64) - np.asarray(b, np.float64)) ** 2)
    return float(10 * np.log10(255.0**2 / max(err, 1e-12)))


@pytest.mark.parametrize("camera", ["push-in", "pull-out", "pan-right", "tilt-down", "orbit"])
def test_frames_match_a_bilinear_resample_of_each_frame(camera: CameraMove) -> None:
    path = camera_path(camera, 48, seed=5)
    planes = _Planes(_picture(), SIZE_PX, max(w.zoom for w in path))
    w, h = SIZE_PX
    worst = min(
        _psnr(
            planes.planes(window, SIZE_PX)[0],
            planes.y.resize((w, h), Image.Resampling.BILINEAR, box=window.box(*planes.size)),
        )
        for window in path
    )
    # Positions are off by at most 1 / (2 * SUBPIXELS) px. On storyboards that is 49 dB; on
    # this harsher picture about 41.5. x264 (superfast, crf 21) keeps 36 dB of storyboards'
    # luma: the sampling's error is well under the encoder's.
    assert worst > 40.0


def test_a_window_on_whole_pixels_gives_the_pixels_themselves() -> None:
    """A static shot, or the first frame of a push-in, is the start image, not a blur of it."""
    plane = _picture().convert("L")
    w, h = plane.size
    fine = _Fine(plane)
    assert np.array_equal(np.asarray(fine.sample((w, h), (0.0, 0.0, w, h))), np.asarray(plane))
    # a crop shifted by whole pixels, at the same scale
    got = fine.sample((100, 50), (7.0, 3.0, 107.0, 53.0))
    assert np.array_equal(np.asarray(got), np.asarray(plane)[3:53, 7:107])


def test_positions_are_rounded_to_the_grid_not_to_whole_pixels() -> None:
    """A window moved by a fraction of a pixel moves the picture by that fraction."""
    ramp = Image.fromarray(np.tile(np.arange(0, 200, dtype=np.uint8), (20, 1)), "L")
    fine = _Fine(ramp)
    for k in range(2 * SUBPIXELS):
        shift = k / SUBPIXELS
        got = np.asarray(fine.sample((100, 10), (50.0 + shift, 5.0, 150.0 + shift, 15.0)))
        # on a ramp of one level a pixel, the picture's level is its position
        assert got.astype(np.float64).mean() == pytest.approx(99.5 + shift, abs=0.51)


def test_windows_at_the_edges_have_no_black_border() -> None:
    plane = Image.new("L", (64, 36), 200)
    fine = _Fine(plane)
    for box in ((0.0, 0.0, 40.0, 22.5), (24.0, 13.5, 64.0, 36.0), (0.0, 0.0, 64.0, 36.0)):
        assert np.asarray(fine.sample((64, 36), box)).min() == 200, box
