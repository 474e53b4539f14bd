"""Choosing a store from the settings, local URLs, and S3 errors that need no S3 server."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import pytest

from agent.errors import StorageError, UserError
from agent.s3store import MiB, S3Store
from agent.settings import Settings
from agent.state import ArtifactRef
from agent.store import LocalStore, open_store


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials in the environment: boto3 never looks for an instance role."""
    for name in ("S3_BUCKET", "S3_ENDPOINT_URL", "S3_PREFIX", "ARTIFACT_STORE", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def test_local_url_is_a_file_url_of_the_linked_key(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "artifacts")
    sha, _ = store.put_bytes(b"frame", ".png")
    path = store.link("u/videos/v/beat_00_v1.png", sha)
    url = store.url("u/videos/v/beat_00_v1.png")
    assert url.startswith("file:///")
    assert Path(url2pathname(urlsplit(url).path)) == path.resolve()
    assert Path(url2pathname(urlsplit(url).path)).read_bytes() == b"frame"


@pytest.mark.parametrize("key", ["../escape.png", "/etc/passwd", "u/../../x.png", ""])
def test_local_url_refuses_unsafe_keys(tmp_path: Path, key: str) -> None:
    with pytest.raises(StorageError, match="unsafe"):
        LocalStore(tmp_path).url(key)


def test_open_store_defaults_to_a_local_directory_in_home(tmp_path: Path) -> None:
    store = open_store(Settings(home=tmp_path))
    assert isinstance(store, LocalStore)
    assert store.root == tmp_path / "artifacts"


def test_s3_without_a_bucket_says_to_set_s3_bucket(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARTIFACT_STORE", "s3")
    with pytest.raises(UserError, match="set S3_BUCKET"):
        open_store(Settings(home=tmp_path))


def test_s3_store_is_built_from_the_environment_without_a_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    endpoint = f"http://127.0.0.1:{_closed_port()}"  # nothing listens: a request would fail
    monkeypatch.setenv("ARTIFACT_STORE", "s3")
    monkeypatch.setenv("S3_BUCKET", "ads")
    monkeypatch.setenv("S3_PREFIX", "reel")
    monkeypatch.setenv("S3_ENDPOINT_URL", endpoint)
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    store = open_store(Settings(home=tmp_path))
    assert isinstance(store, S3Store)
    assert (store.bucket, store.prefix, store.endpoint_url) == ("ads", "reel/", endpoint)
    assert store.root == tmp_path / "artifacts"
    # signing is local, so a URL can be made with the server down
    url = store.url("u/videos/v/final_v1.mp4")
    assert url.startswith(f"{endpoint}/ads/reel/u/videos/v/final_v1.mp4?")
    assert "X-Amz-Expires=3600" in url and "eu-west-1" in url


def test_an_unreachable_endpoint_is_named_without_its_password(tmp_path: Path) -> None:
    port = _closed_port()
    store = S3Store(
        "ads", LocalStore(tmp_path), endpoint_url=f"http://reel:hunter2@127.0.0.1:{port}"
    )
    with pytest.raises(StorageError) as err:
        store.put_bytes(b"frame", ".png")
    message = str(err.value)
    assert f"cannot reach http://127.0.0.1:{port}" in message
    assert "S3_ENDPOINT_URL" in message
    assert "hunter2" not in message


def test_parts_below_s3_minimum_are_refused(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="at least 5 MiB"):
        S3Store("ads", LocalStore(tmp_path), multipart_chunk_bytes=4 * MiB)


def test_an_empty_bucket_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="S3_BUCKET"):
        S3Store("", LocalStore(tmp_path))


#: Digests a forged graph state could carry: paths, other shapes, almost-digests.
BAD_DIGESTS = [
    "../../../../../../etc/passwd",
    "/etc/passwd",
    "ab/../../../../etc/hostname",
    "",
    "A" * 64,  # upper case
    "a" * 63,
    "a" * 65,
    "a" * 63 + "/",
    "a" * 64 + "\n",
    "g" * 64,
]


def _local_store(tmp_path: Path) -> LocalStore:
    return LocalStore(tmp_path / "artifacts")


def _s3_store(tmp_path: Path) -> S3Store:
    # a closed port: any request would fail with "cannot reach", not the digest message
    endpoint = f"http://127.0.0.1:{_closed_port()}"
    return S3Store("bucket", LocalStore(tmp_path / "artifacts"), endpoint_url=endpoint)


@pytest.mark.parametrize("make_store", [_local_store, _s3_store], ids=["local", "s3"])
@pytest.mark.parametrize("digest", BAD_DIGESTS)
def test_stores_refuse_malformed_digests_before_any_path_or_request(
    tmp_path: Path, make_store: Callable[[Path], LocalStore | S3Store], digest: str
) -> None:
    store = make_store(tmp_path)
    if isinstance(store, LocalStore):  # a blob of its own, still there afterwards
        sha, _ = store.put_bytes(b"frame", ".png")
    for attempt in (
        lambda: store.local_path(digest),
        lambda: store.has_blob(digest),
        lambda: store.link("u/videos/v/final_v1.mp4", digest),
    ):
        with pytest.raises(StorageError, match="malformed blob digest"):
            attempt()
    assert not (tmp_path / "artifacts" / "u").exists(), "no key was linked"
    if isinstance(store, LocalStore):
        assert store.local_path(sha).read_bytes() == b"frame"


def test_a_path_shaped_digest_never_reads_the_host_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("host file")
    store = LocalStore(tmp_path / "artifacts")
    relative = "../" * 8 + str(secret).lstrip("/")
    with pytest.raises(StorageError):
        store.link("u/videos/v/final_v1.mp4", relative)
    with pytest.raises(StorageError):
        store.local_path(relative)
    assert not list((tmp_path / "artifacts").rglob("final_v1.mp4"))


@pytest.mark.parametrize(
    "forged",
    [
        {"sha256": "../../../../etc/passwd"},
        {"sha256": "A" * 64},
        {"key": "../../etc/passwd"},
        {"key": "/etc/passwd"},
        {"key": "alice/videos/v/../../../x.mp4"},
        {"key": "alice/videos/v/final_v1.mp4\x00"},
        {"name": "../final"},
        {"version": 0},
    ],
)
def test_artifact_refs_refuse_paths_in_digests_and_keys(forged: dict[str, object]) -> None:
    good = {
        "name": "final", "key": "alice/videos/v/final_v1.mp4", "version": 1,
        "sha256": "0" * 64, "mime": "video/mp4", "size_bytes": 1, "provider": "ffmpeg",
        "model": "finalize",
    }  # fmt: skip
    assert ArtifactRef.model_validate(good).key == good["key"]
    with pytest.raises(ValueError):
        ArtifactRef.model_validate({**good, **forged})
