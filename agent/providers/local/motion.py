"""The offline "local" video model: a camera move over a still image.

:func:`render_clip` animates a start image with one of the spec's camera moves and encodes it
as a canonical chunk (see :mod:`agent.media`). It is deterministic for a seed, needs no
network. The 720 frames of a 30 s 720p ad (nine clips) cost about 6 CPU-s of drawing and
feeding FFmpeg (4 ms a frame, and 0.2 s per clip to set up its planes) and 10-11 CPU-s of
FFmpeg (x264, :data:`agent.media.X264_ARGS`) on the loaded shared machine here (December
2026; with Pillow's bilinear ``resize`` per frame, drawing was 9 CPU-s); captions drawn in
add about 0.3-0.8 CPU-s. Only the frames a chunk keeps are made.

Smooth, sub-pixel motion
    FFmpeg's ``zoompan`` and ``crop`` place the window on whole pixels, so slow moves step and
    shake. Here every frame is sampled from a fractional source window, separately on the Y
    plane at full size and on the Cb and Cr planes at half size, which is exactly the
    ``yuv420p`` layout piped to FFmpeg's stdin. Each plane is interpolated once per clip
    (bilinear) on a grid a quarter of a pixel fine (:class:`_Fine`), and a frame takes the
    grid point nearest to each of its pixels: the bilinear frame with positions rounded to
    1/8 px at most, at a quarter of the cost of resampling every frame. Frames are drawn on a
    few threads (Pillow releases the GIL) while FFmpeg encodes, and only the frames a chunk
    keeps are drawn at all.

Captions drawn in
    With ``captions`` (a :class:`~agent.providers.base.CaptionTrack`), each cue is drawn once
    by :func:`agent.captions.caption_image` (the style libass burns in) and laid over the
    frames it is on, in Y'CbCr (alpha-blended, the chroma planes at half size), before they
    are piped to FFmpeg: burned captions cost a few milliseconds per captioned frame instead
    of decoding and encoding the finished video again. :func:`render_last_frame` gives a
    clip's last frame without them, so a chained clip never starts from a captioned frame.

Colour
    The start image is converted once to BT.709 limited-range Y'CbCr (the matrix and range the
    chunk is tagged with), so :meth:`agent.media.Media.last_frame` gives back the same colours
    and a chained clip starts where the last one ended.

Velocity: constant, no ease
    A beat longer than one clip is made of chained clips, each starting from the previous
    clip's last frame. Any ease-in/ease-out inside a clip would make the camera slow down and
    speed up again at every clip boundary, a visible pulse every five seconds. So each move
    runs at constant screen-space speed: pans and tilts move the window linearly, and zooms
    are exponential (a constant zoom *rate*, the same at the end of a clip and the start of the
    next). A clip cut off early by the edit simply stops mid-move, like real footage. The
    orbit's zoom arc is a sine, smooth everywhere with nonzero speed at both ends.

Where each move starts
    ``push-in`` and ``static`` start on the whole start image (frame 0 is the start image), so
    chained push-ins continue seamlessly. Pans, tilts and the orbit work at a fixed zoom
    (about 1.06-1.2, by :func:`framing`) to have a margin to travel over, and ``pull-out``
    ends on the whole image, so those moves start on a crop of it: chaining them shows a small
    jump at the boundary. For the local model, render a long beat as one clip
    (``duration_s`` = the beat's length) instead.
"""

from __future__ import annotations

import asyncio
import io
import math
import os
import random
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageOps

from agent.captions import caption_image
from agent.media import Media
from agent.providers.base import CaptionTrack
from agent.spec import FPS, CameraMove

__all__ = [
    "CLIP_S", "FRAMINGS", "MOTION_VERSION", "SUBPIXELS", "TAKE_SEED_STRIDE", "Window",
    "camera_path", "framing", "render_clip", "render_last_frame",
]  # fmt: skip

#: The local model makes 5-second clips, like Kling and Wan.
CLIP_S: Final = 5.0
#: Version of the frames :func:`render_clip` draws; part of the model's memo keys, bumped
#: when the pictures change (2: sampled from the quarter-pixel grid).
MOTION_VERSION: Final = 2

#: Total zoom of a push-in or pull-out over one clip at motion_strength 1.
PUSH_ZOOM: Final = 1.15
#: Fixed zoom of pans and tilts: the margin it opens (12 % of the frame) is the travel.
PAN_ZOOM: Final = 1.12
#: Base zoom of the orbit, and the extra zoom at the top of its arc.
ORBIT_ZOOM: Final = 1.10
ORBIT_ARC: Final = 0.04

#: Framings a camera move is shot with; a seed picks one (:func:`framing`), and each new take
#: of a chunk moves to the next, so a regeneration is a new shot, not the same one again.
FRAMINGS: Final = 4
#: The seed step between two takes of a chunk (``agent.state.Override.seed`` adds it per
#: take); seeds one step apart have consecutive framings.
TAKE_SEED_STRIDE: Final = 7919

#: Per framing: (amplitude factor, zoom anchor (x, y) of push-in and pull-out, position of
#: pans and tilts across their margin (0 = left/top edge, 1 = right/bottom), orbit direction).
#: Framing 0 is the classic centred move; the others push towards a third of the frame, move
#: further, sit at another edge of the margin, circle the other way (the orbit rises in the
#: framings placed at or past the margin's middle, dips in the others).
_FRAMING: Final[tuple[tuple[float, tuple[float, float], float, float], ...]] = (
    (1.0, (0.5, 0.5), 0.5, 1.0),
    (1.6, (0.3, 0.3), 0.1, -1.0),
    (1.3, (0.7, 0.35), 0.9, -1.0),
    (0.5, (0.45, 0.75), 0.3, 1.0),
)

# BT.709 luma coefficients (ITU-R BT.709-6, item 3.2).
_KR: Final = 0.2126
_KB: Final = 0.0722
_KG: Final = 1.0 - _KR - _KB


@dataclass(frozen=True)
class Window:
    """The part of the start image one frame shows, in normalised image coordinates.

    Attributes:
        cx: horizontal centre of the window, 0 (left edge) to 1 (right edge).
        cy: vertical centre, 0 (top) to 1 (bottom).
        zoom: magnification, >= 1; the window is ``1/zoom`` of the image's width and height.
    """

    cx: float
    cy: float
    zoom: float

    def box(self, width: float, height: float) -> tuple[float, float, float, float]:
        """The window as a Pillow box (x0, y0, x1, y1) on an image of this size, clamped inside.

        Args:
            width: image width in pixels.
            height: image height in pixels.
        """
        w, h = width / self.zoom, height / self.zoom
        x0 = min(max(self.cx * width - w / 2, 0.0), width - w)
        y0 = min(max(self.cy * height - h / 2, 0.0), height - h)
        return (x0, y0, x0 + w, y0 + h)


def framing(seed: int) -> int:
    """The framing (0 to :data:`FRAMINGS` - 1) a seed shoots its camera move with.

    It is ``seed // TAKE_SEED_STRIDE`` modulo :data:`FRAMINGS`, so the chunks of one beat
    (seeds ``base + k``) share a framing and every take of a chunk, up to :data:`FRAMINGS` - 1
    regenerations, gets a framing unlike all the takes before it.
    """
    return (seed // TAKE_SEED_STRIDE) % FRAMINGS


def camera_path(
    camera: CameraMove, frames: int, seed: int, motion_strength: float = 1.0
) -> list[Window]:
    """The window of every frame for a camera move (pure; no images involved).

    Progress runs linearly from frame 0 to the last frame (see the module docstring for why
    there is no easing). The seed picks the shot's :func:`framing` (how far the move goes,
    where a zoom heads, where a pan sits across the frame, which way an orbit turns), and
    varies it a little: the amplitude by ±10 %, the zoom anchor by ±5 % of the frame, the
    cross-axis drift of pans and tilts, deterministically. A static shot has one framing.

    Args:
        camera: the move.
        frames: number of frames, >= 1.
        seed: variation seed.
        motion_strength: scales every amplitude; 0 gives a static shot, 1 the defaults above.

    Returns:
        ``frames`` windows, in order.

    Raises:
        ValueError: ``frames`` < 1, a negative strength, or an unknown camera move.
    """
    if frames < 1:
        raise ValueError(f"frames must be >= 1, got {frames}")
    if motion_strength < 0:
        raise ValueError(f"motion_strength must be >= 0, got {motion_strength}")
    rng = random.Random(seed)
    reach, (fx, fy), across, direction = _FRAMING[framing(seed)]
    amp = rng.uniform(0.9, 1.1) * reach * motion_strength
    ax, ay = fx + rng.uniform(-0.05, 0.05), fy + rng.uniform(-0.05, 0.05)
    drift = rng.uniform(-0.3, 0.3)
    progress = [i / (frames - 1) if frames > 1 else 0.0 for i in range(frames)]

    def anchored(zoom: float) -> Window:
        # The anchor point (ax, ay) stays at the same place on screen while zooming.
        return Window(ax + (0.5 - ax) / zoom, ay + (0.5 - ay) / zoom, zoom)

    def travel(
        p: float, zoom: float, x_from: float, x_to: float, y_from: float, y_to: float
    ) -> Window:
        # Positions in [0, 1] of the free margin (0 = window at the left/top edge).
        margin = 1.0 - 1.0 / zoom
        fx = x_from + (x_to - x_from) * p
        fy = y_from + (y_to - y_from) * p
        return Window(margin * fx + 0.5 / zoom, margin * fy + 0.5 / zoom, zoom)

    push = math.log(1.0 + (PUSH_ZOOM - 1.0) * amp)
    pan_zoom = 1.0 + (PAN_ZOOM - 1.0) * amp
    # Where the cross axis sits in its margin, drifting slightly.
    side = min(max(across + 0.2 * drift, 0.0), 0.9)
    if camera == "static":
        return [Window(0.5, 0.5, 1.0) for _ in progress]
    if camera == "push-in":
        return [anchored(math.exp(push * p)) for p in progress]
    if camera == "pull-out":
        return [anchored(math.exp(push * (1.0 - p))) for p in progress]
    if camera == "pan-right":  # camera moves right: the window travels left → right
        return [travel(p, pan_zoom, 0.0, 1.0, side, side + 0.1 * drift) for p in progress]
    if camera == "pan-left":
        return [travel(p, pan_zoom, 1.0, 0.0, side, side + 0.1 * drift) for p in progress]
    if camera == "tilt-up":  # camera tilts up: the window travels bottom → top
        return [travel(p, pan_zoom, side, side + 0.1 * drift, 1.0, 0.0) for p in progress]
    if camera == "tilt-down":
        return [travel(p, pan_zoom, side, side + 0.1 * drift, 0.0, 1.0) for p in progress]
    if camera == "orbit":
        base = 1.0 + (ORBIT_ZOOM - 1.0) * amp
        arc = ORBIT_ARC * amp
        lift = 1.0 if across >= 0.5 else -1.0
        out = []
        for p in progress:
            zoom = base * (1.0 + arc * math.sin(math.pi * p))
            # Travel within the base zoom's margin (the arc only adds margin), with a slight
            # vertical lift in the middle, like a camera circling on a crane.
            fx = 0.5 + direction * 0.45 * (2.0 * p - 1.0)
            fy = 0.5 - lift * 0.35 * math.sin(math.pi * p)
            margin = 1.0 - 1.0 / base
            out.append(Window(margin * fx + 0.5 / base, margin * fy + 0.5 / base, zoom))
        return out
    raise ValueError(f"unknown camera move {camera!r}")


class _Planes:
    """The start image as BT.709 limited-range Y (full size) and Cb, Cr (half size)."""

    def __init__(self, image: Image.Image, size_px: tuple[int, int], max_zoom: float) -> None:
        w, h = size_px
        image = _flatten(ImageOps.exif_transpose(image))
        # Cover-crop to the output's aspect ratio, keeping as much of the source's resolution
        # as the deepest zoom can use (never less than the output size).
        sw, sh = image.size
        cover = max(w / sw, h / sh)
        crop_w, crop_h = w / cover, h / cover
        box = ((sw - crop_w) / 2, (sh - crop_h) / 2, (sw + crop_w) / 2, (sh + crop_h) / 2)
        scale = min(max(1.0 / cover, 1.0), max_zoom)
        bw, bh = 2 * round(w * scale / 2), 2 * round(h * scale / 2)
        base = image.resize((bw, bh), Image.Resampling.LANCZOS, box=box)
        self.size = (bw, bh)
        self.y, self.cb, self.cr = _to_ycbcr709(np.asarray(base, dtype=np.float32))
        self._fine: tuple[_Fine, _Fine, _Fine] | None = None

    def _fine_planes(self) -> tuple[_Fine, _Fine, _Fine]:
        """The planes on the :data:`SUBPIXELS` grid, made on first use (once per clip)."""
        if self._fine is None:
            self._fine = (_Fine(self.y), _Fine(self.cb), _Fine(self.cr))
        return self._fine

    def frame(
        self, window: Window, size_px: tuple[int, int], overlays: Sequence[_Overlay] = ()
    ) -> bytes:
        """One ``yuv420p`` frame of the window, resampled at sub-pixel precision.

        ``overlays`` (captions) are blended over it, in order.
        """
        y, cb, cr = self.planes(window, size_px)
        if not overlays:
            return b"".join((y.tobytes(), cb.tobytes(), cr.tobytes()))
        w, h = size_px
        buf = bytearray(b"".join((y.tobytes(), cb.tobytes(), cr.tobytes())))
        flat = np.frombuffer(buf, dtype=np.uint8)
        luma = flat[: w * h].reshape(h, w)
        blue = flat[w * h : w * h + (w // 2) * (h // 2)].reshape(h // 2, w // 2)
        red = flat[w * h + (w // 2) * (h // 2) :].reshape(h // 2, w // 2)
        for overlay in overlays:
            overlay.blend(luma, blue, red)
        return bytes(buf)

    def rgb(self, window: Window, size_px: tuple[int, int]) -> Image.Image:
        """The frame of the window as RGB (BT.709 limited range converted back)."""
        y, cb, cr = self.planes(window, size_px)
        size = y.size
        full = [np.asarray(y, dtype=np.float32)] + [
            np.asarray(p.resize(size, Image.Resampling.BILINEAR), dtype=np.float32)
            for p in (cb, cr)
        ]
        luma = (full[0] - 16.0) / 219.0
        pb, pr = (full[1] - 128.0) / 224.0, (full[2] - 128.0) / 224.0
        r = luma + 2.0 * (1.0 - _KR) * pr
        b = luma + 2.0 * (1.0 - _KB) * pb
        g = (luma - _KR * r - _KB * b) / _KG
        rgb = np.stack([r, g, b], axis=-1) * 255.0
        return Image.fromarray(np.clip(np.rint(rgb), 0, 255).astype(np.uint8), mode="RGB")

    def planes(
        self, window: Window, size_px: tuple[int, int]
    ) -> tuple[Image.Image, Image.Image, Image.Image]:
        """Y, Cb, Cr of the window's frame (Cb and Cr at half size)."""
        w, h = size_px
        x0, y0, x1, y1 = window.box(*self.size)
        # Chroma samples sit on even luma columns ("left" siting), so the chroma window starts
        # a quarter chroma sample later per unit of magnification; rows are centre-sited.
        scale = (x1 - x0) / w
        cw = (x1 - x0) / 2
        cx0 = min(max(x0 / 2 + 0.25 * (1.0 - scale), 0.0), self.size[0] / 2 - cw)
        half = (cx0, y0 / 2, cx0 + cw, y1 / 2)
        fy, fcb, fcr = self._fine_planes()
        return (
            fy.sample((w, h), (x0, y0, x1, y1)),
            fcb.sample((w // 2, h // 2), half),
            fcr.sample((w // 2, h // 2), half),
        )


#: Sub-pixel steps per pixel of the grid frames are sampled from (see :class:`_Fine`).
SUBPIXELS: Final = 4


class _Fine:
    """One plane interpolated once on a grid :data:`SUBPIXELS` times finer than its pixels.

    A frame is then the grid's samples nearest to where its pixels fall (Pillow's affine
    "scale" fast path: a table of column indices, a row copy per output row), instead of a
    bilinear resample of the whole frame: about 1-2 ms for a 720p luma plane against 6-8 ms
    for ``Image.resize(BILINEAR, box=...)`` (measured here, December 2026). The grid is the
    plane's bilinear interpolation, so a frame is the bilinear frame with each pixel's
    position rounded to 1/:data:`SUBPIXELS` px (at most 1/8 px off; 49 dB PSNR against the
    exact bilinear frames of a storyboard under every move). Every pixel centre of the plane
    is a grid point, so a window on whole pixels (a static shot, the first frame of a
    push-in) gives the plane's pixels exactly. The plane is padded by one pixel (edge
    repeated) so windows that touch its edges stay on the grid.
    """

    def __init__(self, plane: Image.Image) -> None:
        n = SUBPIXELS
        w, h = plane.size
        padded = Image.fromarray(np.pad(np.asarray(plane), 1, mode="edge"), mode="L")
        # Grid point k sits at padded coordinate 0.5 + k / n (pixel centres at i + 0.5), so
        # point n * i is the centre of padded pixel i: a box from 0.5 - 0.5 / n, n points
        # per pixel.
        lo = 0.5 - 0.5 / n
        box = (lo, lo, w + 1.5 + 0.5 / n, h + 1.5 + 0.5 / n)
        size = (n * (w + 1) + 1, n * (h + 1) + 1)
        self.grid = padded.resize(size, Image.Resampling.BILINEAR, box=box)

    def sample(
        self, size_px: tuple[int, int], box: tuple[float, float, float, float]
    ) -> Image.Image:
        """The plane's ``box`` (x0, y0, x1, y1, in its pixels, may be fractional) at ``size_px``.

        Output pixel ``x`` shows plane position ``u = x0 + (x + 0.5) * (x1 - x0) / width``
        (pixel centres at ``i + 0.5``, as ``Image.resize`` with a box), the grid point
        nearest to it: ``floor(n * u + n / 2 + 0.5)`` on the padded grid.
        """
        n = SUBPIXELS
        w, h = size_px
        x0, y0, x1, y1 = box
        shift = n / 2 + 0.5
        coefficients = (
            n * (x1 - x0) / w,
            0.0,
            n * x0 + shift,
            0.0,
            n * (y1 - y0) / h,
            n * y0 + shift,
        )
        return self.grid.transform(
            size_px, Image.Transform.AFFINE, coefficients, Image.Resampling.NEAREST
        )


class _Overlay:
    """A caption ready to blend: premultiplied Y'CbCr and alpha, at full and half size."""

    def __init__(self, image: Image.Image, left_px: int, top_px: int, size_px: tuple[int, int]):
        w, h = size_px
        rgba = np.asarray(image.convert("RGBA"), dtype=np.float32) / 255.0
        # Only the part inside the frame, from even coordinates (chroma is half size).
        x0, y0 = left_px - left_px % 2, top_px - top_px % 2
        rgba = rgba[: max(0, h - y0), : max(0, w - x0)]
        rgba = rgba[: rgba.shape[0] // 2 * 2, : rgba.shape[1] // 2 * 2]
        alpha = rgba[..., 3]
        r, g, b = rgba[..., 0], rgba[..., 1], rgba[..., 2]
        luma = _KR * r + _KG * g + _KB * b
        cb = 128.0 + 224.0 * (b - luma) / (2.0 * (1.0 - _KB))
        cr = 128.0 + 224.0 * (r - luma) / (2.0 * (1.0 - _KR))

        def half(a: NDArray[np.float32]) -> NDArray[np.float32]:
            return np.asarray(
                0.25 * (a[0::2, 0::2] + a[1::2, 0::2] + a[0::2, 1::2] + a[1::2, 1::2]),
                dtype=np.float32,
            )

        self.x, self.y = x0, y0
        self.alpha = alpha
        self.luma = (16.0 + 219.0 * luma) * alpha  # premultiplied
        self.alpha_half = half(alpha)
        self.cb = half(cb * alpha)
        self.cr = half(cr * alpha)

    def blend(
        self, luma: NDArray[np.uint8], blue: NDArray[np.uint8], red: NDArray[np.uint8]
    ) -> None:
        """Lay the caption over one frame's planes, in place."""
        h, w = self.alpha.shape
        if not h or not w:
            return
        y, x = self.y, self.x
        _over(luma[y : y + h, x : x + w], self.luma, self.alpha)
        hy, hx, hh, hw = y // 2, x // 2, h // 2, w // 2
        _over(blue[hy : hy + hh, hx : hx + hw], self.cb, self.alpha_half)
        _over(red[hy : hy + hh, hx : hx + hw], self.cr, self.alpha_half)


def _over(
    plane: NDArray[np.uint8], premultiplied: NDArray[np.float32], alpha: NDArray[np.float32]
) -> None:
    """``plane = premultiplied + plane * (1 - alpha)``, rounded, in place."""
    mixed = premultiplied + plane.astype(np.float32) * (1.0 - alpha)
    plane[...] = np.clip(np.rint(mixed), 0, 255).astype(np.uint8)


def _flatten(image: Image.Image) -> Image.Image:
    """RGB version of any Pillow image; transparency is composited over black."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        black = Image.new("RGBA", rgba.size, (0, 0, 0, 255))
        return Image.alpha_composite(black, rgba).convert("RGB")
    return image.convert("RGB")


def _to_ycbcr709(
    rgb: NDArray[np.float32],
) -> tuple[Image.Image, Image.Image, Image.Image]:
    """Convert an RGB array (H, W, 3), 0-255, to BT.709 limited-range planes.

    Returns:
        (Y at H x W, Cb at H/2 x W/2, Cr at H/2 x W/2) as 8-bit Pillow images, chroma sited
        as in MPEG-2 / H.264's default (``left``).
    """
    r, g, b = rgb[..., 0] / 255.0, rgb[..., 1] / 255.0, rgb[..., 2] / 255.0
    luma = _KR * r + _KG * g + _KB * b
    y = 16.0 + 219.0 * luma
    cb = 128.0 + 224.0 * (b - luma) / (2.0 * (1.0 - _KB))
    cr = 128.0 + 224.0 * (r - luma) / (2.0 * (1.0 - _KR))

    def plane(a: NDArray[np.float32]) -> Image.Image:
        return Image.fromarray(np.clip(np.rint(a), 0, 255).astype(np.uint8), mode="L")

    def half(a: NDArray[np.float32]) -> NDArray[np.float32]:
        # MPEG-2 ("left") siting, what the chunk is tagged with: each chroma sample sits on an
        # even luma column ([1/4, 1/2, 1/4] across columns) and between two rows (their mean).
        rows = 0.5 * (a[0::2] + a[1::2])
        padded = np.pad(rows, ((0, 0), (1, 0)), mode="edge")
        left, mid, right = padded[:, 0:-1:2], padded[:, 1::2], padded[:, 2::2]
        return np.asarray(0.25 * left + 0.5 * mid + 0.25 * right, dtype=np.float32)

    return plane(y), plane(half(cb)), plane(half(cr))


#: Threads drawing one clip's frames: Pillow releases the GIL while it resamples, so on an
#: otherwise idle machine the frames of one clip are drawn on every core, not one.
_DRAW_THREADS: Final = max(1, min(4, os.cpu_count() or 1))


def _in_order(
    planes: _Planes,
    windows: list[Window],
    size_px: tuple[int, int],
    overlays: Sequence[tuple[int, int, _Overlay]] = (),
) -> Iterator[bytes]:
    """The frames of ``windows``, in order, drawn a few at a time on :data:`_DRAW_THREADS`.

    ``overlays`` are (first frame, end frame (exclusive), caption), frames counted in
    ``windows``. At most ``2 * _DRAW_THREADS`` frames are in flight (bounded memory). A frame
    equal to the previous one (a static shot, the same captions) reuses it instead of
    drawing it again.
    """
    with ThreadPoolExecutor(_DRAW_THREADS, thread_name_prefix="motion-draw") as pool:
        pending: deque[Future[bytes]] = deque()
        previous: tuple[object, Future[bytes]] | None = None
        for i, window in enumerate(windows):
            on = tuple(o for first, end, o in overlays if first <= i < end)
            key = (window, tuple(map(id, on)))
            if previous is None or previous[0] != key:
                previous = (key, pool.submit(planes.frame, window, size_px, on))
            pending.append(previous[1])
            if len(pending) >= 2 * _DRAW_THREADS:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


async def render_clip(
    media: Media,
    start_image: bytes,
    camera: CameraMove,
    size_px: tuple[int, int],
    dst: Path,
    seed: int,
    duration_s: float = CLIP_S,
    fps: int = FPS,
    motion_strength: float = 1.0,
    frames: int | None = None,
    skip_frames: int = 0,
    captions: CaptionTrack | None = None,
) -> None:
    """Animate a still with a camera move and write a canonical H.264 chunk.

    Only the frames kept are drawn and encoded: ``frames`` frames from frame ``skip_frames``
    on, each the same as in the whole clip (the move is planned over the whole clip). A cue
    of ``captions`` is on the kept frames whose time (from the first kept frame, ``i / fps``)
    is in ``[start_s, end_s)``, as libass shows an event.

    Args:
        media: the FFmpeg wrapper that encodes the frames.
        start_image: PNG or JPEG bytes of any size; cover-resized (centre crop) to
            ``size_px``'s aspect ratio.
        camera: the move (see :func:`camera_path`).
        size_px: (width, height) of the clip, both even.
        dst: the MP4 to write.
        seed: variation seed (amplitude, anchor, drift, orbit direction).
        duration_s: clip length, seconds; the clip has ``round(duration_s * fps)`` frames.
        fps: frame rate.
        motion_strength: scales the move; 0 is static, 1 the default amplitude.
        frames: how many frames to write; None for the rest of the clip.
        skip_frames: the clip's frames left out before the first one written.
        captions: cues to draw in, timed from the first kept frame; None for none.

    Raises:
        ValueError: a non-positive duration, odd size, unknown camera move, or a frame range
            outside the clip.
        PIL.UnidentifiedImageError: ``start_image`` is not an image Pillow reads.
        MediaError: FFmpeg failed.
    """
    total = round(duration_s * fps)
    if total < 1:
        raise ValueError(f"duration_s * fps must give at least one frame, got {duration_s} s")
    count = total - skip_frames if frames is None else frames
    if skip_frames < 0 or count < 1 or skip_frames + count > total:
        raise ValueError(
            f"frames {skip_frames}..{skip_frames + count - 1} are not inside a clip of {total}"
        )
    w, h = size_px
    if w <= 0 or h <= 0 or w % 2 or h % 2:
        raise ValueError(f"size_px must be positive and even, got {w}x{h}")
    path = camera_path(camera, total, seed, motion_strength)
    max_zoom = max(win.zoom for win in path)  # of the whole clip, so kept frames are the same

    def generate() -> Iterator[bytes]:
        with Image.open(io.BytesIO(start_image)) as image:
            planes = _Planes(image, (w, h), max_zoom)
        overlays = []
        for cue in captions.cues if captions is not None else ():
            first = max(0, math.ceil(cue.start_s * fps - 1e-6))
            end = min(count, math.ceil(cue.end_s * fps - 1e-6))
            if first < end:
                assert captions is not None
                drawn = caption_image(cue.text, (w, h), captions.language, captions.scale)
                overlays.append(
                    (first, end, _Overlay(drawn.image, drawn.left_px, drawn.top_px, (w, h)))
                )
        yield from _in_order(planes, path[skip_frames : skip_frames + count], (w, h), overlays)

    await media.encode_frames(generate(), dst, (w, h), fps)


async def render_last_frame(
    start_image: bytes,
    camera: CameraMove,
    size_px: tuple[int, int],
    dst: Path,
    seed: int,
    duration_s: float = CLIP_S,
    fps: int = FPS,
    motion_strength: float = 1.0,
    frame: int | None = None,
) -> None:
    """Write one frame of a clip, without captions, as a PNG (what a chained clip starts from).

    It is the frame :func:`render_clip` draws with the same arguments, before x264: chained
    clips start from the drawn frame, not from a decoded one with captions in it.

    Args:
        start_image: PNG or JPEG bytes, as for :func:`render_clip`.
        camera: the move.
        size_px: (width, height), both even.
        dst: the PNG to write.
        seed: variation seed.
        duration_s: clip length, seconds.
        fps: frame rate.
        motion_strength: scales the move.
        frame: the clip's frame number (0-based); None for its last frame.

    Raises:
        ValueError: odd size, unknown move, or a frame outside the clip.
    """
    total = round(duration_s * fps)
    index = total - 1 if frame is None else frame
    if not 0 <= index < total:
        raise ValueError(f"frame {index} is not inside a clip of {total}")
    w, h = size_px
    if w <= 0 or h <= 0 or w % 2 or h % 2:
        raise ValueError(f"size_px must be positive and even, got {w}x{h}")
    path = camera_path(camera, total, seed, motion_strength)
    max_zoom = max(win.zoom for win in path)

    def draw() -> None:
        with Image.open(io.BytesIO(start_image)) as image:
            planes = _Planes(image, (w, h), max_zoom)
        planes.rgb(path[index], (w, h)).save(dst, format="PNG", compress_level=1)

    await asyncio.to_thread(draw)
