"""An artifact store in an S3 bucket (AWS or any S3-compatible server), through boto3.

Layout inside the bucket, under an optional prefix::

    {prefix}blobs/{sha256}                               the content, once per hash
    {prefix}{user_id}/videos/{video_id}/beat_00_v1.png   a logical key: a server-side copy of
                                                         its blob, with its Content-Type

FFmpeg and Pillow read local files, so the store keeps a local content-addressed cache (a
:class:`~agent.store.LocalStore`, or any :class:`~agent.blobs.ArtifactStore`); a blob missing
from the cache is downloaded on first use and checked against its hash.

Every method blocks on the network; async callers run them with :func:`asyncio.to_thread`.
The boto3 client is thread-safe, so one store serves concurrent threads.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import boto3  # type: ignore[import-untyped]
from boto3.exceptions import S3UploadFailedError  # type: ignore[import-untyped]
from boto3.s3.transfer import TransferConfig  # type: ignore[import-untyped]
from botocore.config import Config  # type: ignore[import-untyped]
from botocore.exceptions import (  # type: ignore[import-untyped]
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
)

from agent.blobs import ArtifactStore, check_digest, guess_mime, safe_key
from agent.errors import StorageError

MiB = 1 << 20

#: Files at least this big are uploaded in parts. S3 parts are 5 MiB to 5 GiB (the last one may
#: be smaller), at most 10,000 per object, and a single PUT or CopyObject tops out at 5 GiB
#: (AWS S3 User Guide, "Multipart upload limits"); 16 MiB parts allow objects up to ~156 GiB.
MULTIPART_THRESHOLD_BYTES = 16 * MiB
MULTIPART_CHUNK_BYTES = 16 * MiB

_MISSING = {"404", "NoSuchKey", "NotFound"}
_DENIED = {
    "403",
    "AccessDenied",
    "AllAccessDisabled",
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "InvalidToken",
}


def _redact(url: str | None) -> str:
    """The endpoint for messages: AWS when unset, user:password@ removed when present."""
    if not url:
        return "AWS S3"
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


class S3Store:
    """Blobs and logical keys in an S3 bucket, with a local cache for FFmpeg and Pillow.

    Credentials come from boto3's usual chain (``AWS_ACCESS_KEY_ID`` and
    ``AWS_SECRET_ACCESS_KEY``, ``AWS_PROFILE``, an instance role…); they never appear in errors.
    The bucket is checked on first use, not when the store is built.

    Attributes:
        bucket: the bucket's name.
        prefix: prepended to every object key (``""`` or e.g. ``reelgraph/``).
        endpoint_url: an S3-compatible server, or None for AWS.
        presign_expiry_s: lifetime of the URLs :meth:`url` hands out, in seconds.
        cache: the local copy of blobs (and of linked keys, for browsing and ``status`` paths).
    """

    def __init__(
        self,
        bucket: str,
        cache: ArtifactStore,
        *,
        prefix: str = "",
        region: str | None = None,
        endpoint_url: str | None = None,
        presign_expiry_s: int = 3600,
        multipart_threshold_bytes: int = MULTIPART_THRESHOLD_BYTES,
        multipart_chunk_bytes: int = MULTIPART_CHUNK_BYTES,
    ) -> None:
        """Build the client (no request is made yet).

        Args:
            bucket: an existing bucket (``S3_BUCKET``).
            cache: the local cache, e.g. ``LocalStore(settings.artifacts_dir)``.
            prefix: key prefix (``S3_PREFIX``); a missing trailing ``/`` is added.
            region: the bucket's region (``AWS_REGION``); None → boto3's default.
            endpoint_url: an S3-compatible server's URL (``S3_ENDPOINT_URL``); None → AWS.
                Such servers are addressed path-style (``http://host/bucket/key``).
            presign_expiry_s: lifetime of presigned URLs, seconds (S3 allows up to 7 days).
            multipart_threshold_bytes: files this big or bigger are uploaded in parts.
            multipart_chunk_bytes: size of each part; S3 requires at least 5 MiB.

        Raises:
            StorageError: an empty bucket name or a part size below S3's 5 MiB minimum.
        """
        if not bucket:
            raise StorageError("no S3 bucket configured; set S3_BUCKET")
        if multipart_chunk_bytes < 5 * MiB:
            raise StorageError(
                f"multipart parts must be at least 5 MiB (S3's minimum), got"
                f" {multipart_chunk_bytes} bytes"
            )
        self.bucket = bucket
        self.prefix = prefix if not prefix or prefix.endswith("/") else prefix + "/"
        self.endpoint_url = endpoint_url
        self.presign_expiry_s = presign_expiry_s
        self.cache = cache
        self._where = f"s3://{bucket} at {_redact(endpoint_url)}"
        config = Config(
            signature_version="s3v4",
            retries={"max_attempts": 3, "mode": "standard"},
            connect_timeout=10,
            read_timeout=120,
            s3={"addressing_style": "path"} if endpoint_url else None,
        )
        self._client: Any = boto3.session.Session().client(
            "s3", region_name=region, endpoint_url=endpoint_url, config=config
        )
        self._transfer = TransferConfig(
            multipart_threshold=multipart_threshold_bytes,
            multipart_chunksize=multipart_chunk_bytes,
        )
        self._lock = threading.Lock()
        self._bucket_ok = False
        self._uploaded: set[str] = set()

    # -- ArtifactStore --------------------------------------------------------------------

    @property
    def root(self) -> Path:
        """The local cache's directory; linked keys are mirrored there as files."""
        return self.cache.root

    def has_blob(self, sha256: str) -> bool:
        """Whether the blob is in the local cache or the bucket (one HEAD request on a miss).

        Raises:
            StorageError: a malformed digest; the bucket is missing, unreachable or refuses
                access.
        """
        key = self._blob_key(sha256)  # checks the digest before the cache builds a path
        return self.cache.has_blob(sha256) or self._exists(key)

    def put_file(self, src: Path) -> tuple[str, int]:
        """Move ``src`` into the cache and upload it to ``{prefix}blobs/{sha256}``.

        Files of at least ``multipart_threshold_bytes`` go up in parts. A blob already in the
        bucket is not uploaded again.

        Returns:
            (sha256, size in bytes).

        Raises:
            StorageError: the file cannot be read or the upload fails.
        """
        sha, size = self.cache.put_file(src)
        self._ensure_uploaded(sha)
        return sha, size

    def put_bytes(self, data: bytes, suffix: str = "") -> tuple[str, int]:
        """Store bytes by content, like :meth:`put_file`. Returns (sha256, size in bytes)."""
        sha, size = self.cache.put_bytes(data, suffix)
        self._ensure_uploaded(sha)
        return sha, size

    def local_path(self, sha256: str) -> Path:
        """A local file with the blob's bytes, downloaded into the cache on a miss.

        Raises:
            StorageError: a malformed digest (no request is made), the blob is in neither
                the cache nor the bucket, the download
                fails, or the downloaded bytes do not hash to ``sha256``.
        """
        key = self._blob_key(sha256)
        if self.cache.has_blob(sha256):
            return self.cache.local_path(sha256)
        self._check_bucket()
        scratch = self.cache.scratch_dir()
        tmp = scratch / "download"
        try:
            try:
                self._client.download_file(self.bucket, key, str(tmp), Config=self._transfer)
            except (BotoCoreError, ClientError) as exc:
                if _code(exc) in _MISSING:
                    raise StorageError(
                        f"blob {sha256[:12]}… is missing from {self._where} (key {key})"
                    ) from exc
                raise self._error(exc, f"download of {key}") from exc
            got, _ = self.cache.put_file(tmp)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        if got != sha256:
            raise StorageError(f"{key} in {self._where} is corrupt: its bytes hash to {got[:12]}…")
        self._mark_uploaded(sha256)
        return self.cache.local_path(sha256)

    def link(self, key: str, sha256: str, mime: str | None = None) -> Path:
        """Put the logical key ``{prefix}{key}`` in the bucket as a copy of the blob.

        The copy is made server-side (a multipart copy above 5 GiB) with ``Content-Type``
        ``mime``, or one guessed from the key's extension. A key already in the bucket is left
        as it is: keys are versioned, so one key always names the same content.

        Returns:
            The key's mirror in the local cache (``root / key``).

        Raises:
            StorageError: an unsafe key, a malformed digest, a missing blob, or a failed
                request.
        """
        safe_key(key)
        check_digest(sha256)
        self._ensure_uploaded(sha256)
        object_key = self.prefix + key
        if not self._exists(object_key):
            try:
                self._client.copy(
                    {"Bucket": self.bucket, "Key": self._blob_key(sha256)},
                    self.bucket,
                    object_key,
                    ExtraArgs={
                        "ContentType": mime or guess_mime(key),
                        "MetadataDirective": "REPLACE",
                    },
                    Config=self._transfer,
                )
            except (BotoCoreError, ClientError) as exc:
                raise self._error(exc, f"copy to {object_key}") from exc
        self.local_path(sha256)
        return self.cache.link(key, sha256)

    def url(self, key: str) -> str:
        """A presigned GET URL of the logical key, valid for ``presign_expiry_s`` seconds.

        Signing happens locally: no request is made and the key's existence is not checked.

        Raises:
            StorageError: an unsafe key, or no credentials to sign with.
        """
        safe_key(key)
        try:
            url: str = self._client.generate_presigned_url(
                "get_object",
                Params={"Bucket": self.bucket, "Key": self.prefix + key},
                ExpiresIn=self.presign_expiry_s,
            )
        except (BotoCoreError, ClientError) as exc:
            raise self._error(exc, f"presigning {key}") from exc
        return url

    def scratch_dir(self) -> Path:
        """A fresh temporary directory next to the cache (caller removes it)."""
        return self.cache.scratch_dir()

    # -- internals ------------------------------------------------------------------------

    def _blob_key(self, sha256: str) -> str:
        """The blob's object key; the only place an object key is built from a digest.

        Raises:
            StorageError: a malformed digest (see :func:`agent.blobs.check_digest`).
        """
        return f"{self.prefix}blobs/{check_digest(sha256)}"

    def _check_bucket(self) -> None:
        """HEAD the bucket once, so a missing bucket is not mistaken for a missing object."""
        if self._bucket_ok:
            return
        try:
            self._client.head_bucket(Bucket=self.bucket)
        except (BotoCoreError, ClientError) as exc:
            if _code(exc) in _MISSING | {"NoSuchBucket"}:
                raise StorageError(
                    f"S3 bucket {self.bucket!r} does not exist at {_redact(self.endpoint_url)};"
                    " create it or set S3_BUCKET to an existing bucket"
                ) from exc
            raise self._error(exc, "checking the bucket") from exc
        self._bucket_ok = True

    def _exists(self, object_key: str) -> bool:
        self._check_bucket()
        try:
            self._client.head_object(Bucket=self.bucket, Key=object_key)
        except (BotoCoreError, ClientError) as exc:
            if _code(exc) in _MISSING:
                return False
            raise self._error(exc, f"HEAD of {object_key}") from exc
        return True

    def _mark_uploaded(self, sha256: str) -> None:
        with self._lock:
            self._uploaded.add(sha256)

    def _ensure_uploaded(self, sha256: str) -> None:
        """Upload the cached blob unless this process has seen it in the bucket."""
        check_digest(sha256)
        with self._lock:
            if sha256 in self._uploaded:
                return
        key = self._blob_key(sha256)
        if not self._exists(key):
            if not self.cache.has_blob(sha256):
                raise StorageError(
                    f"blob {sha256[:12]}… is in neither {self._where} nor the local cache"
                )
            try:
                self._client.upload_file(
                    str(self.cache.local_path(sha256)),
                    self.bucket,
                    key,
                    ExtraArgs={"ContentType": "application/octet-stream"},
                    Config=self._transfer,
                )
            except (BotoCoreError, ClientError, S3UploadFailedError) as exc:
                raise self._error(exc, f"upload of {key}") from exc
        self._mark_uploaded(sha256)

    def _error(self, exc: Exception, action: str) -> StorageError:
        """Translate a boto3 error into a StorageError that says what to set (no secrets)."""
        code = _code(exc)
        if isinstance(exc, NoCredentialsError):
            return StorageError(
                f"no AWS credentials for {self._where}; set AWS_ACCESS_KEY_ID and"
                " AWS_SECRET_ACCESS_KEY (or AWS_PROFILE)"
            )
        if isinstance(exc, EndpointConnectionError):
            return StorageError(
                f"cannot reach {_redact(self.endpoint_url)} ({action}); check S3_ENDPOINT_URL"
                " and that the server is running"
            )
        if code in _DENIED or "AccessDenied" in str(exc):
            return StorageError(
                f"access denied to {self._where} ({action}); check AWS_ACCESS_KEY_ID,"
                " AWS_SECRET_ACCESS_KEY and the bucket's policy"
            )
        if code == "NoSuchBucket" or "NoSuchBucket" in str(exc):
            return StorageError(
                f"S3 bucket {self.bucket!r} does not exist at {_redact(self.endpoint_url)};"
                " create it or set S3_BUCKET to an existing bucket"
            )
        return StorageError(f"{action} in {self._where} failed: {exc}")


def _code(exc: Exception) -> str:
    """The S3 error code of a ClientError (``NoSuchKey``, ``403``…), else ``""``."""
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", ""))
    return ""
