"""Hostile images built small on disk, for the upload checks' tests.

Each is a real file header that declares huge dimensions (or a PNG text chunk that inflates
to megabytes) in a file of a few kilobytes; none is ever decoded by a passing test.
"""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_bomb(width: int, height: int, extra: bytes = b"", after: bytes = b"") -> bytes:
    """A PNG declaring ``width`` x ``height`` RGB pixels: rows of zeros, compressed.

    The IDAT holds only the first rows (a decoder that trusts the header would allocate the
    whole image first); ``extra`` chunks go before IDAT, ``after`` chunks after it.
    """
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\0" * min(width * 3 + 1, 1 << 20) * 4, 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", ihdr)
        + extra
        + _chunk(b"IDAT", rows)
        + after
        + _chunk(b"IEND", b"")
    )


def small_image(fmt: str, size: tuple[int, int] = (16, 16)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "orange").save(out, format=fmt)
    return out.getvalue()


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small real JPEG whose SOF0 header is rewritten to claim ``width`` x ``height``."""
    data = bytearray(small_image("JPEG"))
    sof = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


def gif_claiming(width: int, height: int) -> bytes:
    """A small real GIF whose screen and image descriptors claim ``width`` x ``height``."""
    data = bytearray(small_image("GIF"))
    struct.pack_into("<HH", data, 6, width, height)
    desc = data.index(b"\x2c", 13)
    struct.pack_into("<HH", data, desc + 5, width, height)
    return bytes(data)


def ztxt(inflated_bytes: int) -> bytes:
    body = b"Comment\0\0" + zlib.compress(b"a" * inflated_bytes, 9)
    return _chunk(b"zTXt", body)


BOMBS = {
    "png 30000x30000": png_bomb(30000, 30000),
    "png 65535x65535": png_bomb(65535, 65535),
    "png 8000x8000 (under Pillow's own limit)": png_bomb(8000, 8000),
    "png 20000x100 (a strip)": png_bomb(20000, 100),
    "jpeg 65500x65500": jpeg_claiming(65500, 65500),
    "jpeg 9000x9000": jpeg_claiming(9000, 9000),
    "gif 65535x65535": gif_claiming(65535, 65535),
}
