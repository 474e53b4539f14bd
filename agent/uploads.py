"""Uploaded images: checked by content, size and pixel count, then re-encoded (DESIGN.md §6).

Every door (HTTP uploads, ``--reference`` and ``edit --image`` on the command line, chat
attachments) goes through :func:`checked_image`, so a hostile file gets the same one-line
:class:`~agent.errors.UserError` everywhere. The order matters:

1. the size in bytes (at most :data:`MAX_UPLOAD_BYTES`);
2. the format, from the content (Pillow's header sniffing), among :data:`ACCEPTED_FORMATS`
   only: no exotic decoder (EPS would even start Ghostscript) sees user bytes;
3. the pixel count, from the header alone, before a single pixel is decoded (a 30000x30000
   PNG of zeros is a few kilobytes on disk and 2.7 GB in memory). Pillow's own guard
   (:data:`PIL.Image.MAX_IMAGE_PIXELS`, ``DecompressionBombError``/``Warning``) is stricter
   than nothing but looser than ours, and a process may switch it off; ours always applies;
4. ``verify()``: chunk checksums and structure, without decoding pixels; a PNG text chunk
   that inflates past Pillow's ``MAX_TEXT_CHUNK`` is a ``ValueError`` there;
5. the decode itself, under the same guards; a truncated file fails here (reelgraph never
   sets ``ImageFile.LOAD_TRUNCATED_IMAGES``);
6. re-encoding: only the decoded pixels are kept (no metadata, no text chunks).

Any failure of a decoder on user bytes, whatever its exception type, is the user's file being
unreadable, not a bug of ours: it becomes the same :class:`~agent.errors.UserError`.
"""

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
#: Longest side accepted, pixels (a 40000x1000 strip is within the pixel count, but no photo).
MAX_UPLOAD_SIDE_PX = 16_384
#: Image formats accepted, as Pillow names them (JPEG includes MPO, which many phones write).
ACCEPTED_FORMATS = ("PNG", "JPEG", "WEBP", "GIF", "BMP")
_FORMAT_NAMES = "PNG, JPEG, WebP, GIF or BMP"


def _check_bytes(size_bytes: int, what: str) -> None:
    if size_bytes == 0:
        raise UserError(f"{what} is empty")
    if size_bytes > MAX_UPLOAD_BYTES:
        raise UserError(
            f"{what} is {size_bytes / 1e6:.1f} MB; the limit is {MAX_UPLOAD_BYTES // 2**20} MB"
        )


def _check_pixels(size_px: tuple[int, int], what: str) -> None:
    width, height = size_px
    if width < 1 or height < 1:
        raise UserError(f"{what} has no pixels ({width}x{height})")
    if width * height > MAX_UPLOAD_PIXELS or max(width, height) > MAX_UPLOAD_SIDE_PX:
        raise UserError(
            f"{what} is {width}x{height} pixels; the limit is"
            f" {MAX_UPLOAD_PIXELS // 1_000_000} megapixels and {MAX_UPLOAD_SIDE_PX} px a side"
        )


def _open(data: bytes) -> Image.Image:
    """Open by content, reading the header only; formats other than ours are unidentified."""
    Image.init()  # registers every plugin (``formats=`` names must be known); idempotent
    return Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)


def checked_image(data: bytes, what: str) -> Image.Image:
    """Decode an uploaded image by its content, refusing bombs and broken files.

    Args:
        data: the uploaded bytes.
        what: how messages name the upload (``the upload``, ``file 2 (shoe.jpg)``).

    Returns:
        The image (its first frame) in RGB, EXIF orientation applied.

    Raises:
        UserError: empty or over :data:`MAX_UPLOAD_BYTES`; not an image in
            :data:`ACCEPTED_FORMATS`; over :data:`MAX_UPLOAD_PIXELS` or
            :data:`MAX_UPLOAD_SIDE_PX` (read from the header, before decoding); truncated or
            damaged (any decoder error, text chunks that inflate too far included).
    """
    _check_bytes(len(data), what)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with _open(data) as probe:
                _check_pixels(probe.size, what)
                probe.verify()
            with _open(data) as image:
                _check_pixels(image.size, what)
                image.load()
                return ImageOps.exif_transpose(image).convert("RGB")
    except UserError:
        raise
    except UnidentifiedImageError as exc:
        raise UserError(f"{what} is not an image in a format we take ({_FORMAT_NAMES})") from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise UserError(
            f"{what} declares too many pixels to decode safely; the limit is"
            f" {MAX_UPLOAD_PIXELS // 1_000_000} megapixels"
        ) from exc
    except Exception as exc:  # any decoder failure on user bytes: the file is unreadable
        raise UserError(f"{what} is damaged or truncated; {_reason(exc)}") from exc


def _reason(exc: Exception) -> str:
    """A short, printable reason for a decoder error (no traceback, no control characters)."""
    text = " ".join(str(exc).split())[:120]
    text = "".join(c for c in text if c.isprintable())
    if "Too Large" in text or "too large" in text:
        return "it holds a compressed chunk that inflates too far"
    return f"the decoder said: {text}" if text else f"the decoder failed ({type(exc).__name__})"


def read_image_file(path: Path, what: str) -> bytes:
    """The bytes of an image file a user named, at most :data:`MAX_UPLOAD_BYTES`.

    Args:
        path: the file (``--reference shoe.jpg``, ``--image frame.png``, a chat upload).
        what: how messages name it.

    Raises:
        UserError: it does not exist, is a directory, cannot be read, is empty or too large
            (the path and the reason in one line).
    """
    try:
        with path.open("rb") as f:
            data = f.read(MAX_UPLOAD_BYTES + 1)
    except OSError as exc:
        raise UserError(f"cannot read {what} ({path}): {exc.strerror or exc}") from exc
    _check_bytes(len(data), what)
    return data


#: Longest side of a stored reference image, pixels (larger photos are scaled down).
MAX_REFERENCE_SIDE_PX = 2048


def reference_png(data: bytes, what: str) -> tuple[bytes, tuple[int, int]]:
    """Check a product photo by its content and re-encode it for the store.

    Args:
        data: the uploaded bytes (any accepted format; the name does not matter).
        what: how messages name the upload (``--reference shoe.jpg``, ``file 2 (shoe.jpg)``).

    Returns:
        (PNG bytes, (width, height) in pixels): RGB, EXIF orientation applied, at most
        :data:`MAX_REFERENCE_SIDE_PX` on its long side.

    Raises:
        UserError: see :func:`checked_image`.
    """
    rgb = checked_image(data, what)
    rgb.thumbnail((MAX_REFERENCE_SIDE_PX, MAX_REFERENCE_SIDE_PX), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    rgb.save(out, format="PNG")
    return out.getvalue(), rgb.size


def storyboard_frame(data: bytes, size_px: tuple[int, int], what: str = "the upload") -> bytes:
    """Turn uploaded bytes into a storyboard frame: PNG, exactly ``size_px``, centre-cropped.

    Args:
        data: the uploaded bytes (any accepted format; the content decides).
        size_px: (width, height) of the video.
        what: how messages name the upload.

    Returns:
        PNG bytes.

    Raises:
        UserError: see :func:`checked_image`.
    """
    rgb = checked_image(data, what)
    framed = ImageOps.fit(rgb, size_px, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    framed.save(out, format="PNG")
    return out.getvalue()


def storyboard_png(path: Path, size_px: tuple[int, int], what: str = "the upload") -> bytes:
    """:func:`storyboard_frame` of a file (``edit --image``, a chat attachment).

    Raises:
        UserError: missing or unreadable, or see :func:`checked_image`.
    """
    return storyboard_frame(read_image_file(path, what), size_px, what)
