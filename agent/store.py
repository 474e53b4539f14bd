"""Artifact stores: content-addressed blobs plus logical, versioned keys.

Blobs are stored once by SHA-256, so a fork copies no media. A logical key follows the seed
layout ``{user_id}/videos/{video_id}/beat_00_v1.png`` and points at a blob.

Two stores implement :class:`~agent.blobs.ArtifactStore` (re-exported here, with the digest and
key checks of :mod:`agent.blobs`): :class:`LocalStore` (a directory, the default)
and :class:`agent.s3store.S3Store` (a bucket plus a local cache); :func:`open_store` picks one
from the settings (``ARTIFACT_STORE``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from agent.blobs import ArtifactStore, check_digest, guess_mime, safe_key, sha256_file
from agent.errors import StorageError, UserError

if TYPE_CHECKING:
    from agent.settings import Settings

__all__ = [
    "ArtifactStore",
    "LocalStore",
    "check_digest",
    "guess_mime",
    "open_store",
    "storage_error",
    "safe_key",
    "sha256_file",
]

#: errno values that mean the disk (full, over quota, failing, read-only), not a bad path.
DISK_ERRNOS = frozenset({5, 27, 28, 30, 122})  # EIO, EFBIG, ENOSPC, EROFS, EDQUOT


def storage_error(what: str, exc: OSError) -> StorageError:
    """One line for a failed write: what was being written and the system's reason.

    Args:
        what: e.g. ``"a storyboard image in /data/artifacts/tmp"``.
        exc: the OSError (its ``strerror``, e.g. "No space left on device", is shown).
    """
    reason = exc.strerror or str(exc) or type(exc).__name__
    hint = "; free some space and continue the run" if exc.errno in DISK_ERRNOS else ""
    return StorageError(f"cannot write {what}: {reason}{hint}")


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
        """The blob's path; the only place a path is built from a digest.

        Raises:
            StorageError: a malformed digest (see :func:`check_digest`).
        """
        check_digest(sha256)
        return self._blobs / sha256[:2] / sha256

    def has_blob(self, sha256: str) -> bool:
        """Whether a blob with this hash is stored.

        Raises:
            StorageError: a malformed digest.
        """
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
            raise storage_error(f"{src} into the artifact store {self._blobs}", exc) from exc
        return sha, size

    def put_bytes(self, data: bytes, suffix: str = "") -> tuple[str, int]:
        """Store bytes by content. Returns (sha256, size in bytes).

        Raises:
            StorageError: the store cannot be written (disk full, …); nothing is left behind.
        """
        try:
            fd, name = tempfile.mkstemp(dir=self._tmp, suffix=suffix)
        except OSError as exc:
            raise storage_error(f"into the artifact store {self._tmp}", exc) from exc
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            return self.put_file(Path(name))
        except OSError as exc:
            raise storage_error(
                f"{len(data)} bytes into the artifact store {self._tmp}", exc
            ) from exc
        finally:
            Path(name).unlink(missing_ok=True)

    def local_path(self, sha256: str) -> Path:
        """The blob's file.

        Raises:
            StorageError: a malformed digest, or the blob is missing.
        """
        path = self._blob(sha256)
        if not path.is_file():
            raise StorageError(f"blob {sha256[:12]}… is missing from {self._blobs}")
        return path

    def link(self, key: str, sha256: str, mime: str | None = None) -> Path:
        """Point ``key`` at the blob; returns the key's path under the store root.

        ``mime`` is accepted for the protocol and unused: a file has no media type.
        """
        dst = self.root / safe_key(key)
        src = self.local_path(sha256)
        if dst.exists():
            return dst
        dst.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(src, dst)
        except FileExistsError:
            pass
        except OSError:
            shutil.copyfile(src, dst)
        return dst

    def url(self, key: str) -> str:
        """The ``file://`` URL of the key's path (whether or not it is linked yet).

        Raises:
            StorageError: an unsafe key.
        """
        return (self.root / safe_key(key)).resolve().as_uri()

    #: Whether this store has removed the scratch left by dead processes yet.
    _swept = False

    def scratch_dir(self) -> Path:
        """A fresh temporary directory on the store's filesystem (caller removes it).

        Its name starts with this process's id. A process killed mid-call cleans nothing up,
        so the first call in each process also removes the scratch of processes that are gone
        (:func:`sweep_scratch`).

        Raises:
            StorageError: it cannot be made (disk full, …).
        """
        if not self._swept:
            self._swept = True
            sweep_scratch(self._tmp)
        try:
            return Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=self._tmp))
        except OSError as exc:
            raise storage_error(f"a scratch directory in {self._tmp}", exc) from exc


#: Age after which scratch no process id claims (loose temporary files) is removed, seconds.
UNCLAIMED_SCRATCH_AGE_S = 24 * 3600


def sweep_scratch(tmp: Path) -> list[Path]:
    """Remove scratch in ``tmp`` whose process is gone, and unclaimed scratch over a day old.

    A directory ``<pid>-…`` belongs to process ``pid``: it is removed once no such process
    runs (a pid reused since can only delay that). Anything else (temporary files, older
    directories) is removed after :data:`UNCLAIMED_SCRATCH_AGE_S`.

    Returns:
        What was removed.
    """
    removed: list[Path] = []
    now = time.time()
    try:
        entries = list(tmp.iterdir())
    except OSError:
        return removed
    for entry in entries:
        pid_text, dash, _ = entry.name.partition("-")
        try:
            if dash and pid_text.isdigit() and entry.is_dir():
                stale = not _process_alive(int(pid_text))
            else:
                stale = now - entry.lstat().st_mtime > UNCLAIMED_SCRATCH_AGE_S
        except OSError:
            continue
        if stale:
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            removed.append(entry)
    return removed


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, under another user
    return True


def open_store(settings: Settings) -> ArtifactStore:
    """The artifact store the settings choose (``ARTIFACT_STORE``).

    ``local`` → a :class:`LocalStore` in ``settings.artifacts_dir``; ``s3`` → an
    :class:`agent.s3store.S3Store` on ``S3_BUCKET`` (with ``S3_PREFIX``, ``AWS_REGION``,
    ``S3_ENDPOINT_URL``) that caches blobs in ``settings.artifacts_dir``. No request is made:
    the bucket is checked on first use.

    Raises:
        UserError: ``ARTIFACT_STORE=s3`` without ``S3_BUCKET``, or boto3 is not installed.
    """
    cache = LocalStore(settings.artifacts_dir)
    if settings.artifact_store == "local":
        return cache
    if not settings.s3_bucket:
        raise UserError(
            "ARTIFACT_STORE=s3 needs a bucket: set S3_BUCKET (and S3_ENDPOINT_URL for a server"
            " other than AWS), or unset ARTIFACT_STORE to keep media in a local directory"
        )
    try:
        from agent.s3store import S3Store
    except ImportError as exc:
        raise UserError(
            "ARTIFACT_STORE=s3 needs boto3: pip install 'reelgraph[s3]'"
            " (or unset ARTIFACT_STORE to keep media in a local directory)"
        ) from exc
    return S3Store(
        settings.s3_bucket,
        cache,
        prefix=settings.s3_prefix,
        region=settings.aws_region,
        endpoint_url=settings.s3_endpoint_url,
        presign_expiry_s=settings.presign_expiry_s,
    )
