"""Artifact downloads: ids, links that work like presigned URLs, and the download route.

Where the store can presign (S3), links go straight to it. Otherwise a link points at
``GET /api/files/{artifact_id}?expires=<unix s>&signature=<hex>``: an HMAC-SHA256 over the
artifact id and the expiry, keyed by the server's API tokens, valid for
``Settings.presign_expiry_s``. Like a presigned S3 URL it needs no header, so ``<img src>``,
``<video src>`` and scripts can fetch it; the owner's bearer token also works without a
signature.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, status
from fastapi.responses import FileResponse
from fastapi.security import HTTPAuthorizationCredentials

from agent.state import ArtifactRef
from agent.studio import Studio
from ui.api_core import StudioDep, bearer, current_user, settings

router = APIRouter(tags=["files"])

#: The shape of artifact ids (``art-`` and 12 hex digits, as :mod:`agent.memo` makes them).
ARTIFACT_ID = re.compile(r"art-[0-9a-f]{12}")
#: The shape of a link's signature (hex HMAC-SHA256); anything else is simply wrong (401).
SIGNATURE = re.compile(r"[0-9a-f]{64}")

#: Signed links expire on multiples of this, seconds, at least ``presign_expiry_s`` from now.
LINK_STEP_S = 300


def _key() -> bytes:
    secret = settings().api_tokens
    raw = secret.get_secret_value() if secret else ""
    return hashlib.sha256(b"reelgraph-download\0" + raw.encode()).digest()


def signature(artifact_id: str, expires: int) -> str:
    """The hex HMAC-SHA256 of ``artifact_id`` valid until ``expires`` (Unix seconds)."""
    msg = f"{artifact_id}\0{expires}".encode()
    return hmac.new(_key(), msg, hashlib.sha256).hexdigest()


async def artifact_ids(studio: Studio, video_id: str) -> dict[tuple[str, int], str]:
    """``(name, version) -> art-…`` for every artifact of a video."""
    return await studio.records.artifact_ids(video_id)


def link(request: Request, studio: Studio, ref: ArtifactRef, artifact_id: str | None) -> str | None:
    """A URL a client can GET the artifact from, without headers, for a while.

    The store's own presigned URL if it makes one (S3), else a signed link to
    :func:`download`. None if the artifact has no id (it was never registered).
    """
    url = studio.records.presigned_url(ref.key)
    if url is not None:
        return url
    if artifact_id is None:
        return None
    # Quantised expiry: a link stays the same for a few minutes (caches, change detection).
    expires = -(-(int(time.time()) + settings().presign_expiry_s) // LINK_STEP_S) * LINK_STEP_S
    base = request.url_for("download_artifact", artifact_id=artifact_id)
    return str(
        base.include_query_params(expires=expires, signature=signature(artifact_id, expires))
    )


@router.get(
    "/api/files/{artifact_id}",
    name="download_artifact",
    summary="Download an artifact (signed link or the owner's bearer token)",
    response_class=FileResponse,
    responses={401: {"description": "no valid signature or token"}, 404: {"description": "-"}},
)
async def download(
    artifact_id: Annotated[str, Path(description="art-… from a checkpoint's artifacts")],
    studio: StudioDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    expires: Annotated[int | None, Query(description="Unix seconds")] = None,
    signature_: Annotated[str | None, Query(alias="signature", description="hex")] = None,
) -> FileResponse:
    """The artifact's bytes with its media type (404 for an id of another shape)."""
    if ARTIFACT_ID.fullmatch(artifact_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no artifact {artifact_id!r}")
    signed = (
        expires is not None
        and signature_ is not None
        and expires >= time.time()
        and SIGNATURE.fullmatch(signature_) is not None  # compare_digest takes ASCII only
        and hmac.compare_digest(signature(artifact_id, expires), signature_)
    )
    owner: str | None = None
    if not signed:
        if expires is not None or signature_ is not None:
            if credentials is None:
                raise HTTPException(
                    status.HTTP_401_UNAUTHORIZED, "the link has expired or its signature is wrong"
                )
        owner = current_user(credentials)
    row = await studio.records.artifact(artifact_id)
    if row is None or (owner is not None and row.user_id != owner):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no artifact {artifact_id!r}")
    path = await studio.records.local_file(row.sha256)
    filename = row.key.rsplit("/", 1)[-1]
    return FileResponse(
        path, media_type=row.mime, filename=filename, content_disposition_type="inline"
    )
