"""Uploaded images: checked by content, size and pixel count, then re-encoded (DESIGN.md §6)."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from agent.errors import UserError

#: Largest upload accepted, bytes.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
#: Largest image accepted, pixels (a 40-megapixel photo; guards against decompression bombs).
MAX_UPLOAD_PIXELS = 40_000_000


def checked_image(data: bytes, what: str) -> Image.Image:
    """Decode an uploaded image by its content, refusing decompression bombs.

    Args:
        data: the uploaded bytes.
        what: how messages name the upload (``the upload``, ``file 2 (shoe.jpg)``).

    Returns:
        The image in RGB, EXIF orientation applied.

    Raises:
        UserError: not an image Pillow can read, or more than 40 megapixels.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.width * probe.height > MAX_UPLOAD_PIXELS:
                    raise UserError(
                        f"{what} is {probe.width}x{probe.height}; at most 40 megapixels"
                    )
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                return ImageOps.exif_transpose(image).convert("RGB")
    except UnidentifiedImageError as exc:
        raise UserError(f"{what} is not an image (PNG, JPEG, WebP, …)") from exc
    except (Image.DecompressionBombWarning, OSError, SyntaxError) as exc:
        raise UserError(f"{what} is not an image Pillow can read ({exc})") from exc


#: Longest side of a stored reference image, pixels (larger photos are scaled down).
MAX_REFERENCE_SIDE_PX = 2048


def reference_png(data: bytes, what: str) -> tuple[bytes, tuple[int, int]]:
    """Check a product photo by its content and re-encode it for the store.

    Args:
        data: the uploaded bytes (any format Pillow reads; the name does not matter).
        what: how messages name the upload (``--reference shoe.jpg``, ``file 2 (shoe.jpg)``).

    Returns:
        (PNG bytes, (width, height) in pixels): RGB, EXIF orientation applied, at most
        :data:`MAX_REFERENCE_SIDE_PX` on its long side.

    Raises:
        UserError: empty, over 20 MB, not an image Pillow can read, or over 40 megapixels.
    """
    if not data:
        raise UserError(f"{what} is empty")
    if len(data) > MAX_UPLOAD_BYTES:
        raise UserError(f"{what} is {len(data) / 1e6:.1f} MB; the limit is 20 MB")
    rgb = checked_image(data, what)
    rgb.thumbnail((MAX_REFERENCE_SIDE_PX, MAX_REFERENCE_SIDE_PX), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    rgb.save(out, format="PNG")
    return out.getvalue(), rgb.size


def storyboard_png(path: Path, size_px: tuple[int, int]) -> bytes:
    """Turn an uploaded file into a storyboard frame: PNG, exactly ``size_px``, centre-cropped.

    Args:
        path: the uploaded file (any name; its content decides).
        size_px: (width, height) of the video.

    Returns:
        PNG bytes.

    Raises:
        UserError: not a readable image, too large in bytes or pixels, or empty.
    """
    size = path.stat().st_size
    if size == 0:
        raise UserError("the uploaded file is empty")
    if size > MAX_UPLOAD_BYTES:
        raise UserError(f"the upload is {size / 1e6:.1f} MB; the limit is 20 MB")
    rgb = checked_image(path.read_bytes(), "the upload")
    framed = ImageOps.fit(rgb, size_px, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    framed.save(out, format="PNG")
    return out.getvalue()
