"""Hostile and broken images are refused by agent.uploads with one line, before decoding.

The bombs are built small on disk: a real header that declares huge dimensions (or a text
chunk that inflates to megabytes) in a file of a few kilobytes.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin

from agent.errors import UserError
from agent.uploads import (
    MAX_UPLOAD_BYTES,
    checked_image,
    read_image_file,
    reference_png,
    storyboard_png,
)
from tests.bombs import BOMBS, png_bomb, small_image, ztxt


@pytest.mark.parametrize("name", list(BOMBS))
def test_a_decompression_bomb_is_refused_from_its_header(name: str) -> None:
    data = BOMBS[name]
    assert len(data) < 200_000, "the bomb itself is small on disk"
    with pytest.raises(UserError) as exc:
        checked_image(data, "the upload")
    message = str(exc.value)
    assert message.startswith("the upload ") and "\n" not in message
    assert "pixels" in message and "megapixels" in message


def test_the_pixel_limit_holds_even_when_pillow_s_guard_is_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)
    with pytest.raises(UserError, match="30000x30000 pixels; the limit is 40 megapixels"):
        checked_image(BOMBS["png 30000x30000"], "the upload")


@pytest.mark.parametrize("where", ["before IDAT", "after IDAT"])
def test_a_text_chunk_that_inflates_too_far_is_refused(where: str) -> None:
    chunk = ztxt(PngImagePlugin.MAX_TEXT_CHUNK * 2)
    data = (
        png_bomb(64, 64, extra=chunk) if where == "before IDAT" else png_bomb(64, 64, after=chunk)
    )
    assert len(data) < 50_000
    with pytest.raises(UserError, match="^file 1 is damaged or truncated; it holds a compressed"):
        checked_image(data, "file 1")


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "WEBP"])
def test_a_truncated_image_is_refused(fmt: str) -> None:
    whole = small_image(fmt, (400, 300))
    with pytest.raises(UserError, match="^the upload is damaged or truncated"):
        checked_image(whole[: len(whole) * 2 // 3], "the upload")


@pytest.mark.parametrize(
    "data",
    [
        b"hello",
        b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n",
        small_image("TIFF"),
        small_image("PPM"),
    ],
    ids=["text", "eps", "tiff", "ppm"],
)
def test_other_formats_are_not_decoded(data: bytes) -> None:
    with pytest.raises(UserError, match="is not an image in a format we take"):
        checked_image(data, "the upload")


def test_empty_and_oversized_files_are_refused_before_decoding() -> None:
    with pytest.raises(UserError, match="is empty"):
        checked_image(b"", "the upload")
    with pytest.raises(UserError, match="the limit is 20 MB"):
        checked_image(b"\0" * (MAX_UPLOAD_BYTES + 1), "the upload")


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "WEBP", "BMP"])
def test_good_images_are_re_encoded_as_plain_png(fmt: str) -> None:
    png, size_px = reference_png(small_image(fmt, (300, 200)), "photo")
    with Image.open(io.BytesIO(png)) as image:
        assert (
            (image.format, image.mode, image.size)
            == ("PNG", "RGB", size_px)
            == (
                "PNG",
                "RGB",
                (300, 200),
            )
        )
        assert not image.text, "no metadata is kept"


def test_files_named_by_path_fail_in_one_line(tmp_path: Path) -> None:
    with pytest.raises(
        UserError, match=r"^cannot read --image \(.*nonexistent.png\): No such file"
    ):
        read_image_file(tmp_path / "nonexistent.png", "--image")
    with pytest.raises(UserError, match=r"Is a directory"):
        storyboard_png(tmp_path, (640, 360), "--image")
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(BOMBS["png 30000x30000"])
    with pytest.raises(UserError, match="^--image .*pixels.*the limit is 40 megapixels"):
        storyboard_png(bomb, (640, 360), "--image")
