"""Blob addresses and the artifact store's interface, shared by every store.

Blobs are content-addressed: a blob's address is the hex SHA-256 of its bytes, and no store
builds a path or an object key from an address it has not checked (:func:`check_digest`).
Logical keys (``{user_id}/videos/{video_id}/beat_00_v1.png``) are relative paths checked by
:func:`safe_key`. The stores themselves are :class:`agent.store.LocalStore` and
:class:`agent.s3store.S3Store`; this module imports neither, so they do not import each other.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
from pathlib import Path
from typing import Protocol

from agent.errors import StorageError

_CHUNK = 1 << 20
#: A blob's address: the hex SHA-256 of its content, 64 lowercase hex digits.
_DIGEST = re.compile(r"[0-9a-f]{64}")


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(_CHUNK):
            h.update(block)
    return h.hexdigest()


def check_digest(sha256: object) -> str:
    """Return ``sha256`` if it is a well-formed blob address (64 lowercase hex digits).

    Every store method that builds a path or an object key from a digest calls this first:
    a digest comes from graph state, which a client may have forged, so it is never used
    as a path fragment unchecked (``"../../etc/passwd"``, ``"ab/../.."``, ``""``).

    Raises:
        StorageError: anything else (the message shows at most a short prefix of it).
    """
    if not isinstance(sha256, str) or _DIGEST.fullmatch(sha256) is None:
        shown = repr(sha256)[:24]
        raise StorageError(f"refusing a malformed blob digest {shown}: not 64 lowercase hex digits")
    return sha256


def safe_key(key: str) -> str:
    """Return ``key`` if it is a relative path without ``..``; else raise StorageError."""
    if not key or key.startswith("/") or ".." in key.split("/"):
        raise StorageError(f"refusing an unsafe artifact key: {key!r}")
    return key


def guess_mime(key: str) -> str:
    """The media type of a key from its extension (``.png`` → ``image/png``), else binary."""
    return mimetypes.guess_type(key)[0] or "application/octet-stream"


class ArtifactStore(Protocol):
    """Where blobs and logical keys live."""

    @property
    def root(self) -> Path:
        """The local directory where logical keys appear as files (for S3, the cache)."""
        ...

    def has_blob(self, sha256: str) -> bool:
        """Whether a blob with this hash is stored."""
        ...

    def put_file(self, src: Path) -> tuple[str, int]:
        """Store a file by content (the source is consumed). Returns (sha256, size in bytes)."""
        ...

    def put_bytes(self, data: bytes, suffix: str = "") -> tuple[str, int]:
        """Store bytes by content. Returns (sha256, size in bytes)."""
        ...

    def local_path(self, sha256: str) -> Path:
        """A local file with the blob's bytes, for FFmpeg and Pillow to read."""
        ...

    def link(self, key: str, sha256: str, mime: str | None = None) -> Path:
        """Make the logical key point at the blob; returns the key's local path.

        ``mime`` is the key's media type (None → guessed from its extension).
        """
        ...

    def url(self, key: str) -> str:
        """A URL a browser can fetch the logical key from (presigned for S3)."""
        ...

    def scratch_dir(self) -> Path:
        """A directory for temporary files on the same filesystem as the blobs."""
        ...
