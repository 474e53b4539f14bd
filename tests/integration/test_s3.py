"""The S3 artifact store against a real S3-protocol server (moto's, on loopback)."""

from __future__ import annotations

import asyncio
import hashlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3  # type: ignore[import-untyped]
import httpx
import pytest
from moto.server import ThreadedMotoServer

from agent.deps import open_deps
from agent.errors import StorageError
from agent.s3store import MiB, S3Store
from agent.settings import Settings
from agent.store import LocalStore
from agent.studio import Studio
from tests.conftest import Cli
from tests.measure import measure
from ui.chat_render import Media, media

pytestmark = [pytest.mark.integration]

AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",  # never look for an instance role
}


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    """moto's S3 server on 127.0.0.1 and a free port, with fake credentials in the env."""
    with pytest.MonkeyPatch.context() as mp:
        for name, value in AWS_ENV.items():
            mp.setenv(name, value)
        mp.delenv("AWS_PROFILE", raising=False)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        try:
            yield f"http://{host}:{port}"
        finally:
            server.stop()


@pytest.fixture
def s3(endpoint: str) -> Any:
    """A plain boto3 client, to look at the bucket the way another tool would."""
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")


@pytest.fixture
def bucket(s3: Any) -> str:
    name = f"reel-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    return name


def _store(endpoint: str, bucket: str, cache: Path, **kwargs: Any) -> S3Store:
    return S3Store(bucket, LocalStore(cache), endpoint_url=endpoint, **kwargs)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _keys(s3: Any, bucket: str) -> set[str]:
    listed = s3.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {str(o["Key"]) for o in listed}


def test_bytes_go_up_once_by_content_and_come_back(
    endpoint: str, bucket: str, s3: Any, tmp_path: Path
) -> None:
    store = _store(endpoint, bucket, tmp_path)
    sha, size_bytes = store.put_bytes(b"frame one", ".png")
    again, _ = store.put_bytes(b"frame one", ".png")
    assert (sha, size_bytes) == (_sha(b"frame one"), 9)
    assert again == sha
    assert _keys(s3, bucket) == {f"blobs/{sha}"}
    assert s3.get_object(Bucket=bucket, Key=f"blobs/{sha}")["Body"].read() == b"frame one"
    assert store.has_blob(sha)
    assert store.local_path(sha).read_bytes() == b"frame one"


def test_logical_keys_land_under_the_prefix_with_their_content_type(
    endpoint: str, bucket: str, s3: Any, tmp_path: Path
) -> None:
    store = _store(endpoint, bucket, tmp_path, prefix="reel")
    png, _ = store.put_bytes(b"\x89PNG pretend", ".png")
    mp4, _ = store.put_bytes(b"pretend mp4", ".mp4")
    spec, _ = store.put_bytes(b'{"beats": []}', ".json")
    linked = {
        "u/videos/v/beat_00_v1.png": (png, None, "image/png"),
        "u/videos/v/chunk_00_v1.mp4": (mp4, None, "video/mp4"),
        "u/videos/v/spec_v1.json": (spec, "application/json", "application/json"),
        "u/videos/v/music_v1.bin": (mp4, "audio/mpeg", "audio/mpeg"),  # the caller's mime wins
    }
    for key, (sha, mime, _) in linked.items():
        local = store.link(key, sha, mime)
        assert local == tmp_path / key and local.is_file()
    for key, (sha, _, content_type) in linked.items():
        obj = s3.get_object(Bucket=bucket, Key=f"reel/{key}")
        assert obj["ContentType"] == content_type, key
        assert _sha(obj["Body"].read()) == sha
    assert {k for k in _keys(s3, bucket) if "/blobs/" in f"/{k}"} == {
        f"reel/blobs/{png}",
        f"reel/blobs/{mp4}",
        f"reel/blobs/{spec}",
    }


def test_a_file_above_the_threshold_goes_up_in_parts_and_arrives_intact(
    endpoint: str, bucket: str, s3: Any, tmp_path: Path
) -> None:
    store = _store(
        endpoint,
        bucket,
        tmp_path / "cache",
        multipart_threshold_bytes=5 * MiB,
        multipart_chunk_bytes=5 * MiB,  # S3's minimum part size
    )
    data = os.urandom(12 * MiB)
    src = tmp_path / "big.mp4"
    src.write_bytes(data)
    sha, size_bytes = store.put_file(src)
    assert (sha, size_bytes) == (_sha(data), 12 * MiB)
    assert not src.exists(), "the source is consumed"
    head = s3.head_object(Bucket=bucket, Key=f"blobs/{sha}")
    assert head["ETag"].strip('"').endswith("-3"), "a multipart upload's ETag counts its parts"
    assert _sha(s3.get_object(Bucket=bucket, Key=f"blobs/{sha}")["Body"].read()) == sha
    store.link("u/videos/v/final_v1.mp4", sha)
    body = s3.get_object(Bucket=bucket, Key="u/videos/v/final_v1.mp4")["Body"].read()
    assert _sha(body) == sha


def test_a_presigned_url_downloads_the_bytes(endpoint: str, bucket: str, tmp_path: Path) -> None:
    store = _store(endpoint, bucket, tmp_path, prefix="reel/", presign_expiry_s=600)
    sha, _ = store.put_bytes(b"the final cut", ".mp4")
    store.link("u/videos/v/final_v1.mp4", sha)
    url = store.url("u/videos/v/final_v1.mp4")
    assert "X-Amz-Expires=600" in url
    response = httpx.get(url)
    assert response.status_code == 200
    assert response.content == b"the final cut"
    assert response.headers["content-type"] == "video/mp4"


def test_a_fresh_store_with_an_empty_cache_reads_blobs_from_the_bucket(
    endpoint: str, bucket: str, tmp_path: Path
) -> None:
    writer = _store(endpoint, bucket, tmp_path / "writer")
    sha, _ = writer.put_bytes(b"storyboard frame", ".png")
    reader = _store(endpoint, bucket, tmp_path / "reader")
    assert not reader.cache.has_blob(sha)
    assert reader.has_blob(sha)
    path = reader.local_path(sha)
    assert path.is_relative_to(tmp_path / "reader")
    assert path.read_bytes() == b"storyboard frame"
    unknown = _sha(b"never stored")
    assert not reader.has_blob(unknown)
    with pytest.raises(StorageError, match=f"blob {unknown[:12]}.* is missing from s3://{bucket}"):
        reader.local_path(unknown)


def test_a_blob_whose_bytes_do_not_match_its_hash_is_refused(
    endpoint: str, bucket: str, s3: Any, tmp_path: Path
) -> None:
    claimed = _sha(b"what the key promises")
    s3.put_object(Bucket=bucket, Key=f"blobs/{claimed}", Body=b"something else")
    store = _store(endpoint, bucket, tmp_path)
    with pytest.raises(StorageError, match="corrupt"):
        store.local_path(claimed)
    assert not store.cache.has_blob(claimed)


def test_a_missing_bucket_is_named_in_the_error(endpoint: str, tmp_path: Path) -> None:
    store = _store(endpoint, "no-such-reel-bucket", tmp_path)
    with pytest.raises(StorageError, match="'no-such-reel-bucket' does not exist.*S3_BUCKET"):
        store.put_bytes(b"frame", ".png")


def test_artifact_store_s3_without_a_bucket_stops_the_cli_with_a_clear_error(
    cli: Cli, tmp_path: Path
) -> None:
    env = {k: v for k, v in cli.env.items() if k not in ("S3_BUCKET", "REELGRAPH_S3_BUCKET")}
    env.update(AWS_ENV, ARTIFACT_STORE="s3", REELGRAPH_HOME=str(tmp_path))
    proc = Cli(env, tmp_path)("videos", check=False)
    assert proc.returncode == 2
    assert "set S3_BUCKET" in proc.stderr


@pytest.mark.slow
def test_a_whole_run_puts_every_artifact_in_the_bucket_and_status_hands_out_urls(
    cli: Cli, endpoint: str, bucket: str, s3: Any, tmp_path: Path
) -> None:
    env = {
        **cli.env,
        **AWS_ENV,
        "REELGRAPH_HOME": str(tmp_path),
        "ARTIFACT_STORE": "s3",
        "S3_BUCKET": bucket,
        "S3_PREFIX": "ads/",
        "S3_ENDPOINT_URL": endpoint,
    }
    run = Cli(env, tmp_path)
    done = run.json(
        "generate", "A bright 6-second ad for orange juice", "--duration", "6", "--yolo"
    )
    assert done["status"] == "complete"
    # a fresh process: status reads the branch back and signs URLs again
    st = run.json("status", done["video_id"])
    artifacts = st["artifacts"]
    assert {"spec", "stitched", "final"} <= set(artifacts)
    assert any(n.startswith("beat_") for n in artifacts)
    assert any(n.startswith("chunk_") for n in artifacts)
    in_bucket = _keys(s3, bucket)
    for name, a in artifacts.items():
        assert f"ads/{a['key']}" in in_bucket, name
        obj = s3.get_object(Bucket=bucket, Key=f"ads/{a['key']}")
        assert obj["ContentType"] == a["mime"], name
        assert _sha(obj["Body"].read()) == a["sha256"], name
        assert f"ads/blobs/{a['sha256']}" in in_bucket, name
        response = httpx.get(a["url"])
        assert response.status_code == 200, name
        assert _sha(response.content) == a["sha256"], name
    # Another machine: the same database and bucket, an empty cache. What reads media by
    # content (compare, export, the chat's thumbnails and players) downloads it.
    elsewhere = tmp_path / "elsewhere"
    other = Cli({**env, "REELGRAPH_HOME": str(elsewhere)}, elsewhere)
    side = elsewhere / "side.mp4"
    cmp = other.json("compare", done["video_id"], "main", "main", "-o", str(side))
    assert cmp["video"] == str(side) and measure(side).duration_s == pytest.approx(6.0, abs=0.1)
    exported = other.json("export", done["video_id"], "-o", str(elsewhere / "ad.mp4"))
    assert _sha(Path(exported["path"]).read_bytes()) == artifacts["final"]["sha256"]

    async def chat_media() -> list[Media]:
        settings = Settings(
            home=elsewhere / "chat",
            database_url=env["DATABASE_URL"],
            artifact_store="s3",
            s3_bucket=bucket,
            s3_prefix="ads/",
            s3_endpoint_url=endpoint,
        )
        async with open_deps(settings) as deps:
            st = await Studio(deps).status(done["video_id"], "tester", "main")
            return media(st, elsewhere / "thumbs", deps.store.local_path)

    shown = asyncio.run(chat_media())
    assert [m.kind for m in shown] == ["video", "audio", "audio", "file"]  # music, voice
    assert _sha(shown[0].path.read_bytes()) == artifacts["final"]["sha256"]
    assert {_sha(m.path.read_bytes()) for m in shown[1:3]} == {
        artifacts["music"]["sha256"],
        artifacts["voiceover"]["sha256"],
    }
