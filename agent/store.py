"""Artifact stores: content-addressed blobs plus logical, versioned keys.

Blobs are stored once by SHA-256, so a fork copies no media. A logical key follows the seed
layout ``{user_id}/videos/{video_id}/beat_00_v1.png`` and points at a blob.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Protocol

from agent.errors import StorageError

_CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(_CHUNK):
            h.update(block)
    return h.hexdigest()


class ArtifactStore(Protocol):
    """Where blobs and logical keys live."""

    def has_blob(self, sha256: str) -> bool:
        """Whether a blob with this hash is stored."""
        ...

    def put_file(self, src: Path) -> tuple[str, int]:
        """Store a file by content (the source is consumed). Returns (sha256, size in bytes)."""
        ...

    def local_path(self, sha256: str) -> Path:
        """A local file with the blob's bytes, for FFmpeg and Pillow to read."""
        ...

    def link(self, key: str, sha256: str) -> Path:
        """Make the logical key point at the blob; returns the key's local path."""
        ...

    def scratch_dir(self) -> Path:
        """A directory for temporary files on the same filesystem as the blobs."""
        ...


class LocalStore:
    """A directory: ``blobs/ab/abcdef…`` for content, ``{user}/videos/{video}/…`` for keys.

    Logical keys are hard links to their blob (a copy where the filesystem refuses), so users
    can browse the videos folder directly.
    """

    def __init__(self, root: Path) -> None:
        """Use (and create) ``root`` as the store's directory."""
        self.root = root
        self._blobs = root / "blobs"
        self._tmp = root / "tmp"
        self._blobs.mkdir(parents=True, exist_ok=True)
        self._tmp.mkdir(parents=True, exist_ok=True)

    def _blob(self, sha256: str) -> Path:
        return self._blobs / sha256[:2] / sha256

    def has_blob(self, sha256: str) -> bool:
        """Whether a blob with this hash is stored."""
        return self._blob(sha256).is_file()

    def put_file(self, src: Path) -> tuple[str, int]:
        """Move ``src`` into the store by content. Returns (sha256, size in bytes)."""
        try:
            sha = sha256_file(src)
            size = src.stat().st_size
            dst = self._blob(sha)
            if dst.exists():
                src.unlink()
            else:
                dst.parent.mkdir(parents=True, exist_ok=True)
                os.replace(src, dst)
                dst.chmod(0o444)
        except OSError as exc:
            raise StorageError(f"cannot store {src}: {exc}") from exc
        return sha, size

    def put_bytes(self, data: bytes, suffix: str = "") -> tuple[str, int]:
        """Store bytes by content. Returns (sha256, size in bytes)."""
        fd, name = tempfile.mkstemp(dir=self._tmp, suffix=suffix)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        return self.put_file(Path(name))

    def local_path(self, sha256: str) -> Path:
        """The blob's file. Raises StorageError if it is missing."""
        path = self._blob(sha256)
        if not path.is_file():
            raise StorageError(f"blob {sha256[:12]}… is missing from {self._blobs}")
        return path

    def link(self, key: str, sha256: str) -> Path:
        """Point ``key`` at the blob; returns the key's path under the store root."""
        if key.startswith("/") or ".." in key.split("/"):
            raise StorageError(f"refusing an unsafe artifact key: {key!r}")
        dst = self.root / key
        if dst.exists():
            return dst
        dst.parent.mkdir(parents=True, exist_ok=True)
        src = self.local_path(sha256)
        try:
            os.link(src, dst)
        except FileExistsError:
            pass
        except OSError:
            shutil.copyfile(src, dst)
        return dst

    def scratch_dir(self) -> Path:
        """A fresh temporary directory on the store's filesystem (caller removes it)."""
        return Path(tempfile.mkdtemp(dir=self._tmp))
