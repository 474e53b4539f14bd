"""Uploaded assets (product photos): checked by content, re-encoded, owned by one user.

``POST /api/upload`` takes one or more images; each is checked by its content (not its name),
size and pixel count and re-encoded by :func:`agent.uploads.reference_png`, stored in the
artifact store by content and recorded in the ``assets`` table under the caller. Their ids,
passed as ``reference_assets`` to ``/api/generate``, become the video's reference images.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, File, HTTPException, UploadFile, status
from pydantic import BaseModel

from agent.errors import UserError
from agent.service.records import Upload
from agent.studio import Studio
from agent.text import without_bad_text
from agent.uploads import MAX_UPLOAD_BYTES, reference_png
from ui.api_core import StudioDep, User

#: Most files in one upload request.
MAX_FILES = 10

router = APIRouter(tags=["assets"])


class UploadResponse(BaseModel):
    """The new assets' ids, in the order the files were sent."""

    asset_ids: list[str]


async def read_upload(upload: UploadFile, what: str) -> bytes:
    """The upload's bytes, at most ``MAX_UPLOAD_BYTES``.

    Raises:
        HTTPException: 413 when larger, 400 when empty.
    """
    data = await upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise HTTPException(
            status.HTTP_413_CONTENT_TOO_LARGE,
            f"{what} is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB",
        )
    if not data:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, f"{what} is empty")
    return data


@router.post(
    "/api/upload",
    summary="Upload reference images",
    responses={400: {"description": "not an image"}, 413: {"description": "too large"}},
)
async def upload(
    files: Annotated[list[UploadFile], File(description="one or more images")],
    user: User,
    studio: StudioDep,
) -> UploadResponse:
    """Store images as the caller's assets; nothing is stored unless every file is good."""
    if len(files) > MAX_FILES:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, f"at most {MAX_FILES} files at once")
    checked = []
    for n, f in enumerate(files, start=1):
        filename = without_bad_text(f.filename or "")[:200]
        what = f"file {n} ({filename or 'unnamed'})"
        try:
            data = await read_upload(f, what)
            checked.append((filename, *await asyncio.to_thread(reference_png, data, what)))
        except UserError as exc:
            raise HTTPException(status.HTTP_400_BAD_REQUEST, str(exc)) from None
    ids = await studio.records.add_assets(
        user, [Upload(filename, png, size_px) for filename, png, size_px in checked]
    )
    return UploadResponse(asset_ids=ids)


async def asset_images(studio: Studio, user_id: str, asset_ids: list[str]) -> list[str]:
    """The SHA-256 of each asset's stored image, in the order given (repeats dropped).

    Raises:
        NotFound: an id that is not one of the user's assets (named in the message).
    """
    return await studio.records.asset_images(user_id, asset_ids)


async def attach_assets(studio: Studio, video_id: str, asset_ids: list[str]) -> None:
    """Record the video's reference assets, in order."""
    await studio.records.attach_assets(video_id, asset_ids)


async def video_assets(studio: Studio, video_id: str) -> list[str]:
    """The video's reference asset ids, in order."""
    return await studio.records.video_assets(video_id)
