"""The seed system's HTTP API, served by ``reelgraph serve`` in its own process, driven by httpx."""

from __future__ import annotations

import io
import json
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import psycopg
import pytest
from PIL import Image

from tests.bombs import BOMBS, png_bomb, ztxt
from tests.conftest import ApiServer
from tests.measure import photo_share

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
def server(api_server: ApiServer) -> str:
    """The session's ``reelgraph serve``; its base URL."""
    return api_server.url


@pytest.fixture(scope="module")
def alice(api_server: ApiServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api_server.url, headers=api_server.auth("alice"), timeout=120) as c:
        yield c


@pytest.fixture(scope="module")
def bob(api_server: ApiServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api_server.url, headers=api_server.auth("bob"), timeout=120) as c:
        yield c


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _png(size: tuple[int, int] = (640, 480), colour: str = "orange") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def _wait(
    client: httpx.Client,
    video_id: str,
    until: Callable[[dict[str, Any]], bool],
    timeout_s: float = 120,
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while True:
        r = client.get(f"/api/status/{video_id}")
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        if until(body):
            return body
        assert body["status"] != "failed", body
        assert time.monotonic() < deadline, body
        time.sleep(0.2)


def _status_is(name: str) -> Callable[[dict[str, Any]], bool]:
    return lambda body: body["status"] == name


def _sse(
    client: httpx.Client, url: str, stop: Callable[[str, dict[str, Any]], bool]
) -> list[tuple[str, dict[str, Any]]]:
    """(event, data) pairs from a server-sent-event stream until ``stop`` says so."""
    events: list[tuple[str, dict[str, Any]]] = []
    with client.stream("GET", url, timeout=60) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        event = ""
        for line in r.iter_lines():
            if line.startswith("event:"):
                event = line.partition(":")[2].strip()
            elif line.startswith("data:"):
                data = json.loads(line.partition(":")[2].strip())
                events.append((event, data))
                if stop(event, data):
                    break
    return events


def test_openapi_lists_every_route(server: str) -> None:
    doc = httpx.get(f"{server}/api/openapi.json").json()
    routes = {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops}
    cp = "/api/video/{video_id}/checkpoints/{checkpoint_id}"
    assert routes >= {
        ("POST", "/api/generate"),
        ("GET", "/api/status/{video_id}"),
        ("GET", "/api/status/{video_id}/stream"),
        ("GET", "/api/video/{video_id}/checkpoints"),
        ("GET", "/api/video/{video_id}/checkpoints/tree"),
        ("GET", cp),
        ("POST", "/api/video/{video_id}/continue"),
        ("PATCH", f"{cp}/spec"),
        ("POST", f"{cp}/upload-image"),
        ("POST", f"{cp}/regenerate-beat"),
        ("POST", f"{cp}/regenerate-chunk"),
        ("POST", "/api/upload"),
        ("GET", "/api/files/{artifact_id}"),
    }
    assert all(p.startswith("/api/") for _, p in routes)
    assert "HTTPBearer" in doc["components"]["securitySchemes"]


def test_the_seed_flow_from_brief_to_final_video(alice: httpx.Client) -> None:
    up = alice.post(
        "/api/upload",
        files=[
            ("files", ("a.png", _png(colour="#ff00ff"), "image/png")),  # PHOTO_RGB: the product
            ("files", ("b", _png(), "x/y")),
        ],
    )
    assert up.status_code == 200, up.text
    assets = up.json()["asset_ids"]
    assert len(assets) == 2

    r = alice.post(
        "/api/generate",
        json={
            "prompt": "Create an 8-second ad for a ceramic mug, calm style",
            "title": "Mug Ad",
            "model": "local",
            "auto_continue": False,
            "reference_assets": assets,
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "queued" and r.json()["message"] == "Video generation started"
    vid = r.json()["video_id"]

    st = _wait(alice, vid, _status_is("paused_at_phase1"))
    assert st["progress"] == 25.0 and st["current_phase"] == "phase1"
    cp1 = st["current_checkpoint"]
    assert cp1["checkpoint_id"].startswith("cp-") and cp1["branch_name"] == "main"
    assert (cp1["phase_number"], cp1["status"]) == (1, "pending")
    assert set(cp1["artifacts"]) == {"spec"}

    # follow the storyboard phase on the event stream: open it, then continue
    opened = threading.Event()
    events: list[tuple[str, dict[str, Any]]] = []

    def follow() -> None:
        def stop(event: str, data: dict[str, Any]) -> bool:
            opened.set()
            return event == "status_update" and data["status"] == "paused_at_phase2"

        events.extend(_sse(alice, f"/api/status/{vid}/stream", stop))

    reader = threading.Thread(target=follow)
    reader.start()
    assert opened.wait(30)
    r = alice.post(f"/api/video/{vid}/continue", json={"checkpoint_id": cp1["checkpoint_id"]})
    assert r.status_code == 200, r.text
    assert r.json() == {
        "message": "Pipeline continued",
        "next_phase": 2,
        "branch_name": "main",
        "created_new_branch": False,
    }
    reader.join(60)
    names = [e for e, _ in events]
    assert names[0] == "status_update" and events[0][1]["status"] == "paused_at_phase1"
    assert "checkpoint_created" in names
    created = events[names.index("checkpoint_created")][1]
    assert (created["phase"], created["branch"]) == (2, "main")
    assert created["checkpoint_id"].startswith("cp-")
    assert names.index("checkpoint_created") < len(names) - 1, "then the paused status"
    cp2_id = created["checkpoint_id"]

    st = _wait(alice, vid, _status_is("paused_at_phase2"))
    cp2 = st["current_checkpoint"]
    assert cp2["checkpoint_id"] == cp2_id and cp2["phase_number"] == 2
    spec = alice.get(f"/api/video/{vid}/checkpoints/{cp1['checkpoint_id']}").json()
    beats = len(spec["checkpoint"]["spec"]["beats"])
    assert beats >= 2
    assert sorted(cp2["artifacts"]) == sorted(f"beat_{i}" for i in range(beats))
    with_photo = 0
    for art in cp2["artifacts"].values():
        assert art["version"] == 1 and art["artifact_id"].startswith("art-")
        img = httpx.get(art["s3_url"])  # a signed link: no header needed
        assert img.status_code == 200 and img.headers["content-type"] == "image/png"
        assert img.content.startswith(b"\x89PNG")
        with_photo += photo_share(img.content) > 0.01
    assert with_photo >= 1, "the first reference asset stands in for the drawn product"
    tampered = cp2["artifacts"]["beat_0"]["s3_url"].replace("signature=", "signature=0")
    assert httpx.get(tampered).status_code == 401

    # phase 2 edits fork branches; the original stays paused
    r = alice.post(
        f"/api/video/{vid}/checkpoints/{cp2_id}/regenerate-beat",
        json={"beat_index": 1, "prompt_override": "a mug at sunset"},
    )
    assert r.status_code == 200, r.text
    regen = r.json()
    assert regen["version"] == 2 and regen["artifact_id"].startswith("art-")
    assert regen["branch_name"] == "main-1" and regen["created_new_branch"] is True
    assert httpx.get(regen["s3_url"]).content.startswith(b"\x89PNG")

    broken = alice.post(
        f"/api/video/{vid}/checkpoints/{cp2_id}/upload-image",
        data={"beat_index": "0"},
        files={"image": ("photo.png", b"not an image at all", "image/png")},
    )
    assert broken.status_code == 400 and "not an image" in broken.json()["detail"]
    r = alice.post(
        f"/api/video/{vid}/checkpoints/{cp2_id}/upload-image",
        data={"beat_index": "0"},
        files={"image": ("photo.jpg", _png((900, 900), "teal"), "application/octet-stream")},
    )
    assert r.status_code == 200, r.text
    uploaded = r.json()
    assert (uploaded["branch_name"], uploaded["version"]) == ("main-2", 2), "broken one made none"
    with Image.open(io.BytesIO(httpx.get(uploaded["s3_url"]).content)) as frame:
        assert frame.size == (1280, 720) and frame.getpixel((640, 360)) == (0, 128, 128)

    wrong = alice.post(
        f"/api/video/{vid}/checkpoints/{cp2_id}/regenerate-chunk", json={"chunk_index": 0}
    )
    assert wrong.status_code == 409 and "phase 3" in wrong.json()["detail"]

    main = alice.get(f"/api/status/{vid}", params={"branch": "main"}).json()
    assert main["status"] == "paused_at_phase2"
    assert main["current_checkpoint"]["artifacts"]["beat_1"]["version"] == 1
    assert {b["branch_name"] for b in main["active_branches"]} == {"main", "main-1", "main-2"}

    # the rest of the regenerated branch, without pausing
    r = alice.post(
        f"/api/video/{vid}/continue",
        json={"checkpoint_id": regen["checkpoint_id"], "auto_continue": True},
    )
    assert r.status_code == 200 and r.json()["branch_name"] == "main-1"
    done = _wait(alice, vid, lambda b: b["status"] == "complete" and b["branch"] == "main-1", 180)
    assert done["progress"] == 100.0
    final = httpx.get(done["final_video_url"])
    assert final.headers["content-type"] == "video/mp4" and final.content[4:8] == b"ftyp"

    again = alice.post(f"/api/video/{vid}/continue", json={"checkpoint_id": cp1["checkpoint_id"]})
    assert again.status_code == 409 and "not paused" in again.json()["detail"]

    listed = alice.get(f"/api/video/{vid}/checkpoints").json()
    phases = [(c["branch_name"], c["phase_number"]) for c in listed["checkpoints"]]
    assert phases.count(("main-1", 4)) == 1 and ("main", 3) not in phases
    tree = alice.get(f"/api/video/{vid}/checkpoints/tree").json()["tree"]
    assert tree == listed["tree"] and len(tree) == 1
    root = tree[0]
    assert root["checkpoint"]["id"] == cp1["checkpoint_id"]
    (cp2_node,) = root["children"]
    forks = {c["checkpoint"]["branch_name"] for c in cp2_node["children"]}
    assert forks == {"main-1", "main-2"}, "each edit hangs under the checkpoint it forked"
    one = alice.get(f"/api/video/{vid}/checkpoints/{regen['checkpoint_id']}").json()
    assert one["checkpoint"]["version"] == 2 and one["checkpoint"]["status"] == "approved"
    assert any(a["artifact_id"] == regen["artifact_id"] for a in one["artifacts"])


def test_spec_edit_and_chunk_regeneration(alice: httpx.Client) -> None:
    r = alice.post(
        "/api/generate",
        json={"prompt": "A bold ad for a steel watch", "duration_s": 6, "seed": 5},
    )
    vid = r.json()["video_id"]
    cp1 = _wait(alice, vid, _status_is("paused_at_phase1"))["current_checkpoint"]["id"]
    url = f"/api/video/{vid}/checkpoints/{cp1}/spec"

    bad = alice.patch(url, json={"style": {"palette": ["red"]}})
    assert bad.status_code == 422 and "palette" in bad.json()["detail"]
    r = alice.patch(url, json={"style": {"mood": "serene"}, "title": "Quiet Steel"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["artifact_id"].startswith("art-") and body["version"] == 2
    assert body["branch_name"] == "main-1"
    edited = httpx.get(body["s3_url"]).json()
    assert edited["style"]["mood"] == "serene" and edited["title"] == "Quiet Steel"

    cp = alice.get(f"/api/status/{vid}", params={"branch": "main-1"}).json()
    cp_edit = cp["current_checkpoint"]["id"]
    r = alice.post(
        f"/api/video/{vid}/continue", json={"checkpoint_id": cp_edit, "auto_continue": False}
    )
    assert r.json()["next_phase"] == 2
    _wait(alice, vid, lambda b: b["status"] == "paused_at_phase2" and b["branch"] == "main-1")
    cp2 = alice.get(f"/api/status/{vid}").json()["current_checkpoint"]["id"]
    alice.post(f"/api/video/{vid}/continue", json={"checkpoint_id": cp2})
    st = _wait(alice, vid, _status_is("paused_at_phase3"))
    cp3 = st["current_checkpoint"]
    assert "stitched" in cp3["artifacts"] and "chunk_0" in cp3["artifacts"]

    chunk_url = f"/api/video/{vid}/checkpoints/{cp3['id']}/regenerate-chunk"
    unknown = alice.post(chunk_url, json={"chunk_index": 0, "model_override": "no-such-model"})
    assert unknown.status_code == 422 and "local" in unknown.json()["detail"]
    r = alice.post(chunk_url, json={"chunk_index": 0})
    assert r.status_code == 200, r.text
    assert (r.json()["version"], r.json()["branch_name"]) == (2, "main-1-1")
    video = httpx.get(r.json()["s3_url"])
    assert video.headers["content-type"] == "video/mp4"


def test_auth_and_ownership(server: str, alice: httpx.Client, bob: httpx.Client) -> None:
    vid = alice.post(
        "/api/generate", json={"prompt": "An ad for tea", "duration_s": 6, "auto_continue": True}
    ).json()["video_id"]
    assert httpx.get(f"{server}/api/status/{vid}").status_code == 401
    wrong = httpx.get(f"{server}/api/status/{vid}", headers=_auth("nope"))
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"
    assert httpx.post(f"{server}/api/generate", json={"prompt": "x"}).status_code == 401
    for path in (
        f"/api/status/{vid}",
        f"/api/status/{vid}/stream",
        f"/api/video/{vid}/checkpoints",
        f"/api/video/{vid}/checkpoints/tree",
    ):
        r = bob.get(path)
        assert r.status_code == 404, path
    done = _wait(alice, vid, _status_is("complete"), 180)
    art_id = done["current_checkpoint"]["artifacts"]["final"]["artifact_id"]
    assert bob.get(f"/api/files/{art_id}").status_code == 404
    assert httpx.get(f"{server}/api/files/{art_id}").status_code == 401
    assert alice.get(f"/api/files/{art_id}").content[4:8] == b"ftyp"
    cp = done["current_checkpoint"]["id"]
    r = bob.post(f"/api/video/{vid}/continue", json={"checkpoint_id": cp})
    assert r.status_code == 404
    # stream of a finished video: one status_update, then the stream ends
    events = _sse(alice, f"/api/status/{vid}/stream", lambda e, d: False)
    assert [e for e, _ in events] == ["status_update"] and events[0][1]["status"] == "complete"
    # bob cannot use alice's assets
    asset = alice.post("/api/upload", files={"files": ("p.png", _png(), "image/png")}).json()
    r = bob.post("/api/generate", json={"prompt": "ad", "reference_assets": asset["asset_ids"]})
    assert r.status_code == 404 and asset["asset_ids"][0] in r.json()["detail"]


def test_bad_requests_are_4xx_never_500(alice: httpx.Client) -> None:
    vid = alice.post("/api/generate", json={"prompt": "An ad for socks", "duration_s": 6}).json()[
        "video_id"
    ]
    cp = _wait(alice, vid, _status_is("paused_at_phase1"))["current_checkpoint"]["id"]
    base = f"/api/video/{vid}/checkpoints"
    cases: list[tuple[str, str, dict[str, Any], int]] = [
        ("POST", "/api/generate", {"content": b"{not json"}, 422),
        ("POST", "/api/generate", {"json": {}}, 422),
        ("POST", "/api/generate", {"json": {"prompt": "   "}}, 422),
        ("POST", "/api/generate", {"json": {"prompt": "ad", "model": "veo-9"}}, 422),
        ("POST", "/api/generate", {"json": {"prompt": "ad", "duration_s": 600}}, 422),
        ("POST", "/api/generate", {"json": {"prompt": "ad", "colour": "red"}}, 422),
        ("POST", "/api/generate", {"json": {"prompt": "ad", "reference_assets": ["x"]}}, 404),
        ("GET", "/api/status/no-such-video", {}, 404),
        ("GET", f"/api/status/{vid}?branch=nope", {}, 404),
        ("GET", "/api/status/no-such-video/stream", {}, 404),
        ("GET", "/api/video/no-such-video/checkpoints", {}, 404),
        ("GET", "/api/video/no-such-video/checkpoints/tree", {}, 404),
        ("GET", f"{base}/cp-nope", {}, 404),
        ("POST", f"/api/video/{vid}/continue", {"json": {}}, 422),
        ("POST", f"/api/video/{vid}/continue", {"json": {"checkpoint_id": "cp-nope"}}, 404),
        ("POST", f"/api/video/{vid}/continue", {"json": {"checkpoint_id": "nope"}}, 422),
        ("POST", f"/api/video/{vid}/continue", {"content": b"[1,"}, 422),
        ("PATCH", f"{base}/{cp}/spec", {"json": {"colour": "red"}}, 422),
        ("PATCH", f"{base}/{cp}/spec", {"json": ["beats"]}, 422),
        ("PATCH", f"{base}/{cp}/spec", {"json": {"beats": "many"}}, 422),
        ("PATCH", f"{base}/{cp}/spec", {"json": {"duration_s": 7}}, 422),
        ("PATCH", f"{base}/{cp}/spec", {"json": {}}, 422),
        ("PATCH", f"{base}/cp-nope/spec", {"json": {"title": "x"}}, 404),
        ("POST", f"{base}/{cp}/regenerate-beat", {"json": {"beat_index": 0}}, 409),
        ("POST", f"{base}/{cp}/regenerate-beat", {"json": {"beat_index": -1}}, 422),
        ("POST", f"{base}/{cp}/regenerate-beat", {"json": {}}, 422),
        ("POST", f"{base}/{cp}/regenerate-chunk", {"json": {"chunk_index": "a"}}, 422),
        ("POST", f"{base}/{cp}/regenerate-chunk", {"json": {"chunk_index": 0}}, 409),
        ("POST", f"{base}/{cp}/upload-image", {"data": {"beat_index": "0"}}, 422),
        (
            "POST",
            f"{base}/{cp}/upload-image",
            {"data": {"beat_index": "0"}, "files": {"image": ("a.png", _png(), "image/png")}},
            409,
        ),
        ("POST", "/api/upload", {"data": {"x": "1"}}, 422),
        ("POST", "/api/upload", {"files": {"files": ("a.txt", b"hello", "text/plain")}}, 400),
        ("POST", "/api/upload", {"files": {"files": ("a.png", b"", "image/png")}}, 400),
        ("GET", "/api/files/art-nope", {}, 404),
    ]
    for method, url, kwargs, expected in cases:
        r = alice.request(method, url, **kwargs)
        assert r.status_code == expected, (method, url, kwargs, r.status_code, r.text)
        detail = r.json()["detail"]
        assert detail, (method, url)
    tree = alice.get(f"{base}/tree").json()["tree"]
    assert len(tree) == 1 and tree[0]["children"] == [], "no bad request made a branch"


def test_phase2_beat_out_of_range_and_stale_checkpoint(alice: httpx.Client) -> None:
    vid = alice.post("/api/generate", json={"prompt": "An ad for a lamp", "duration_s": 6}).json()[
        "video_id"
    ]
    cp1 = _wait(alice, vid, _status_is("paused_at_phase1"))["current_checkpoint"]["id"]
    alice.post(f"/api/video/{vid}/continue", json={"checkpoint_id": cp1})
    cp2 = _wait(alice, vid, _status_is("paused_at_phase2"))["current_checkpoint"]["id"]
    r = alice.post(f"/api/video/{vid}/checkpoints/{cp2}/regenerate-beat", json={"beat_index": 99})
    assert r.status_code == 404 and "beat_index 99" in r.json()["detail"]
    r = alice.post(
        f"/api/video/{vid}/checkpoints/{cp1}/spec".replace("/spec", "/regenerate-beat"),
        json={"beat_index": 0},
    )
    assert r.status_code == 409 and "phase 2" in r.json()["detail"]


def _raw_json(body: Any) -> dict[str, Any]:
    """Request kwargs sending ``body`` as ASCII JSON, so lone surrogates go as ``\\ud800``."""
    return {"content": json.dumps(body).encode(), "headers": {"Content-Type": "application/json"}}


def _videos_of(database_url: str, user: str) -> list[tuple[str, str]]:
    """(video id, main branch status) of every video the user has."""
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            """SELECT v.id, b.status FROM videos v
               JOIN branches b ON b.video_id = v.id AND b.name = 'main'
               WHERE v.user_id = %s ORDER BY v.id""",
            (user,),
        ).fetchall()
    return [(str(r[0]), str(r[1])) for r in rows]


def test_control_characters_and_bad_ids_are_refused_and_create_nothing(
    alice: httpx.Client, database_url: str
) -> None:
    vid = alice.post("/api/generate", json={"prompt": "An ad for tea", "duration_s": 6}).json()[
        "video_id"
    ]
    cp = _wait(alice, vid, _status_is("paused_at_phase1"))["current_checkpoint"]["id"]
    before = _videos_of(database_url, "alice")
    base = f"/api/video/{vid}/checkpoints"
    gen, tea = "/api/generate", "an 8-second tea ad"
    cases: list[tuple[str, str, dict[str, Any], int]] = [
        ("POST", gen, _raw_json({"prompt": tea, "title": "t\x00"}), 422),
        ("POST", gen, _raw_json({"prompt": tea + "\x00"}), 422),
        ("POST", gen, _raw_json({"prompt": tea + "\ud800"}), 422),
        ("POST", gen, _raw_json({"prompt": tea, "description": "x\ud800"}), 422),
        ("POST", gen, _raw_json({"prompt": tea, "description": "\x1b[2J"}), 422),
        ("POST", gen, _raw_json({"prompt": tea, "reference_assets": ["\x00"]}), 422),
        ("POST", gen, _raw_json({"prompt": tea, "reference_assets": ["\udfff"]}), 422),
        ("POST", gen, _raw_json({"prompt": tea, "model": "local\x00"}), 422),
        ("POST", gen, {"json": {"prompt": "an ad for tea", "duration_s": 0}}, 422),
        ("POST", gen, {"json": {"prompt": "an ad for tea", "duration_s": -5}}, 422),
        ("GET", "/api/status/%00", {}, 404),
        ("GET", "/api/status/%ED%A0%80", {}, 404),
        ("GET", f"/api/status/{vid}%00", {}, 404),
        ("GET", "/api/status/%00/stream", {}, 404),
        ("GET", f"/api/status/{vid}?branch=%00", {}, 422),
        ("GET", f"/api/status/{vid}/stream?branch=main%00", {}, 422),
        ("GET", "/api/video/%00/checkpoints", {}, 404),
        ("GET", "/api/video/%00/checkpoints/tree", {}, 404),
        ("GET", f"{base}/%00", {}, 404),
        ("GET", f"{base}/cp-%00", {}, 404),
        ("GET", "/api/files/%00", {}, 404),
        ("GET", "/api/files/art-%00", {}, 404),
        ("GET", "/api/files/art-0123456789ab?expires=9999999999&signature=%C3%A9", {}, 404),
        ("POST", f"/api/video/{vid}/continue", _raw_json({"checkpoint_id": "cp-\x00"}), 422),
        ("POST", "/api/video/%00/continue", {"json": {"checkpoint_id": cp}}, 404),
        ("PATCH", f"{base}/{cp}/spec", _raw_json({"title": "a\x00b"}), 422),
        ("PATCH", f"{base}/{cp}/spec", _raw_json({"title": "a\ud800b"}), 422),
        ("PATCH", f"{base}/{cp}/spec", _raw_json({"style": {"mood": "calm\x00"}}), 422),
        ("PATCH", f"{base}/{cp}/spec", _raw_json({"beats": [{"description": "x\ud800"}]}), 422),
        ("PATCH", f"{base}/%00/spec", {"json": {"title": "x"}}, 404),
        (
            "POST",
            f"{base}/{cp}/regenerate-beat",
            _raw_json({"beat_index": 0, "prompt_override": "a\ud800"}),
            422,
        ),
        (
            "POST",
            f"{base}/{cp}/regenerate-chunk",
            _raw_json({"chunk_index": 0, "model_override": "l\x00"}),
            422,
        ),
    ]
    for method, url, kwargs, expected in cases:
        r = alice.request(method, url, **kwargs)
        assert r.status_code == expected, (method, url, kwargs, r.status_code, r.text)
        assert r.json()["detail"], (method, url)
    assert _videos_of(database_url, "alice") == before, "a refused request created a video"
    tree = alice.get(f"{base}/tree").json()["tree"]
    assert len(tree) == 1 and tree[0]["children"] == [], "a refused edit made a branch"
    # the message says what is wrong, and where
    r = alice.post(gen, **_raw_json({"prompt": tea, "title": "t\x00"}))
    assert "control character (U+0000)" in json.dumps(r.json()["detail"])
    r = alice.patch(f"{base}/{cp}/spec", **_raw_json({"title": "a\x00b"}))
    assert r.json()["detail"].startswith("title contains a control character (U+0000)")


def _assets_of(database_url: str, user: str) -> int:
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT count(*) FROM assets WHERE user_id = %s", (user,)).fetchone()
    return int(row[0]) if row else 0


def test_decompression_bombs_and_broken_images_are_400_and_store_nothing(
    alice: httpx.Client, database_url: str
) -> None:
    vid = alice.post(
        "/api/generate", json={"prompt": "An ad for a kettle", "duration_s": 6}
    ).json()["video_id"]
    cp1 = _wait(alice, vid, _status_is("paused_at_phase1"))["current_checkpoint"]["id"]
    alice.post(f"/api/video/{vid}/continue", json={"checkpoint_id": cp1})
    cp2 = _wait(alice, vid, _status_is("paused_at_phase2"))["current_checkpoint"]["id"]
    tree = alice.get(f"/api/video/{vid}/checkpoints/tree").json()["tree"]
    assets = _assets_of(database_url, "alice")
    whole = _png((400, 300))
    hostile = {
        **BOMBS,
        "zTXt bomb": png_bomb(64, 64, extra=ztxt(8 << 20)),
        "truncated png": whole[: len(whole) // 2],
    }
    for name, data in hostile.items():
        files = [
            ("files", ("ok.png", _png(), "image/png")),
            ("files", ("x.png", data, "image/png")),
        ]
        r = alice.post("/api/upload", files=files)
        assert r.status_code == 400, (name, r.status_code, r.text)
        detail = r.json()["detail"]
        assert detail.startswith("file 2 (x.png) ") and "\n" not in detail, (name, detail)
        r = alice.post(
            f"/api/video/{vid}/checkpoints/{cp2}/upload-image",
            data={"beat_index": "0"},
            files={"image": ("x.png", data, "image/png")},
        )
        assert r.status_code == 400, (name, r.status_code, r.text)
        assert r.json()["detail"].startswith("the upload "), (name, r.text)
    assert _assets_of(database_url, "alice") == assets, "no asset was stored"
    assert alice.get(f"/api/video/{vid}/checkpoints/tree").json()["tree"] == tree, "no branch"
