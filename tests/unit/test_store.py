"""Choosing a store from the settings, local URLs, and S3 errors that need no S3 server."""

from __future__ import annotations

import socket
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import pytest

from agent.errors import StorageError, UserError
from agent.s3store import MiB, S3Store
from agent.settings import Settings
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
