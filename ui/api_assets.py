"""Uploaded assets (product photos): checked by content, re-encoded, owned by one user.

``POST /api/upload`` takes one or more images; each is checked by its content (not its name),
size and pixel count and re-encoded by :func:`agent.uploads.reference_png`, stored in the
artifact store by content and recorded in the ``assets`` table under the caller. Their ids,
passed as ``reference_assets`` to ``/api/generate``, become the video's reference images.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Annotated

from fastapi import APIRouter, File, HTTPException, UploadFile, status
from pydantic import BaseModel

from agent.errors import NotFound, UserError
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
    ids = []
    async with studio.deps.pool.connection() as conn, conn.transaction():
        await conn.execute(
            'INSERT INTO users ("identifier") VALUES (%s) ON CONFLICT DO NOTHING', (user,)
        )
        for filename, png, (width, height) in checked:
            sha, size = studio.deps.store.put_bytes(png, ".png")
            asset_id = str(uuid.uuid4())
            await conn.execute(
                """INSERT INTO assets (id, user_id, filename, mime, sha256, size_bytes,
                                       width_px, height_px)
                   VALUES (%s, %s, %s, 'image/png', %s, %s, %s, %s)""",
                (asset_id, user, filename, sha, size, width, height),
            )
            ids.append(asset_id)
    return UploadResponse(asset_ids=ids)


async def asset_images(studio: Studio, user_id: str, asset_ids: list[str]) -> list[str]:
    """The SHA-256 of each asset's stored image, in the order given (repeats dropped).

    Raises:
        NotFound: an id that is not one of the user's assets (named in the message).
    """
    if not asset_ids:
        return []
    async with studio.deps.pool.connection() as conn:
        cur = await conn.execute(
            "SELECT id, sha256 FROM assets WHERE user_id = %s AND id = ANY(%s)",
            (user_id, asset_ids),
        )
        mine = {r["id"]: r["sha256"] for r in await cur.fetchall()}
    missing = [a for a in asset_ids if a not in mine]
    if missing:
        raise NotFound(f"unknown reference asset(s) {', '.join(missing)}; POST /api/upload first")
    return list(dict.fromkeys(mine[a] for a in asset_ids))


async def attach_assets(studio: Studio, video_id: str, asset_ids: list[str]) -> None:
    """Record the video's reference assets, in order."""
    async with studio.deps.pool.connection() as conn, conn.transaction():
        for position, asset_id in enumerate(dict.fromkeys(asset_ids)):
            await conn.execute(
                "INSERT INTO video_assets (video_id, asset_id, position) VALUES (%s, %s, %s)",
                (video_id, asset_id, position),
            )


async def video_assets(studio: Studio, video_id: str) -> list[str]:
    """The video's reference asset ids, in order."""
    async with studio.deps.pool.connection() as conn:
        cur = await conn.execute(
            "SELECT asset_id FROM video_assets WHERE video_id = %s ORDER BY position", (video_id,)
        )
        return [r["asset_id"] for r in await cur.fetchall()]
