"""reelgraph behind ``langgraph dev``, driven by the LangGraph SDK as any client would.

One real server process (our Postgres checkpointer, our bearer-token auth) on a free port;
the walkthrough creates a video, reviews it, edits it in place (structured and in plain
words), is refused a bad resume, forks a branch and finishes it, while the original thread
stays paused. Another user sees none of it; no token gets 401. Clients cannot write graph
state or the metadata the server keeps; a state forged underneath the server (through the
app's graph on the same database) is refused by the next node before any provider call: no
host file is read, nothing is written into another user's video; stateless runs are refused.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
import pytest_asyncio
from langgraph_sdk import get_client, get_sync_client
from langgraph_sdk.client import LangGraphClient

from agent.deps import open_deps
from agent.errors import BranchBusy
from agent.graph import build_graph
from agent.queue import Queue
from agent.service import locks
from agent.settings import Settings
from agent.state import ArtifactRef
from agent.studio import ProgressEvent, Studio
from tests.conftest import REPO, Cli
from tests.servers import free_port, serving

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ALICE, BOB = "alice-token", "bob-token"


class Server:
    """A ``langgraph dev`` process, its data directory (``REELGRAPH_HOME``) and its log."""

    def __init__(
        self, url: str, proc: subprocess.Popen[bytes], log: Path, home: Path, database_url: str
    ) -> None:
        self.url, self.proc, self.log, self.home = url, proc, log, home
        self.database_url = database_url

    def client(self, token: str | None) -> LangGraphClient:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return get_client(url=self.url, headers=headers, api_key=None)


@pytest.fixture(scope="module")
def server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("server-home")
    log = home / "server.log"
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REELGRAPH_HOME": str(home),
        "REELGRAPH_API_TOKENS": f"{ALICE}:alice,{BOB}:bob",
        "LANGSMITH_TRACING": "false",
        "LANGGRAPH_CLI_NO_ANALYTICS": "1",
    }
    cmd = [str(REPO / ".venv/bin/langgraph"), "dev", "--port", str(port), "--host",
           "127.0.0.1", "--no-browser", "--no-reload", "--allow-blocking"]  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    with serving(cmd, env, log, f"{url}/ok") as proc:
        yield Server(url, proc, log, home, database_url)


@pytest.fixture
def show_log_on_failure(server: Server, request: pytest.FixtureRequest) -> Iterator[None]:
    """Print the server's log (captured, so shown in the report) when the test fails."""
    failed = request.session.testsfailed
    yield
    if request.session.testsfailed > failed:
        print(server.log.read_text()[-20000:])  # noqa: T201


Connect = Callable[[str | None], LangGraphClient]


@pytest_asyncio.fixture
async def connect(server: Server) -> AsyncIterator[Connect]:
    """SDK clients with a bearer token (or none), closed after the test."""
    made: list[LangGraphClient] = []

    def make(token: str | None) -> LangGraphClient:
        made.append(server.client(token))
        return made[-1]

    yield make
    for client in made:
        await client.aclose()


async def _pause(client: LangGraphClient, thread_id: str) -> dict[str, Any]:
    """The thread's pause payload (fails if it is not paused)."""
    state = await client.threads.get_state(thread_id)
    assert state["interrupts"], f"thread is not paused: next={state['next']}"
    payload: dict[str, Any] = state["interrupts"][0]["value"]
    return payload


async def _resume(client: LangGraphClient, thread_id: str, value: Any) -> dict[str, Any]:
    await client.runs.wait(thread_id, "reelgraph", command={"resume": value}, raise_error=True)
    return await _pause(client, thread_id)


def _versions(payload: dict[str, Any], prefix: str) -> dict[str, int]:
    return {n: a["version"] for n, a in payload["artifacts"].items() if n.startswith(prefix)}


@pytest.mark.asyncio
@pytest.mark.usefixtures("show_log_on_failure")
async def test_a_client_makes_edits_and_forks_a_video(connect: Connect, cli: Cli) -> None:
    alice = connect(ALICE)
    thread = await alice.threads.create()
    tid = thread["thread_id"]
    await alice.runs.wait(
        tid,
        "reelgraph",
        input={"prompt": "an 8-second ad for Acme tea", "duration_s": 8, "voiceover": False},
        raise_error=True,
    )
    plan = await _pause(alice, tid)
    assert (plan["phase"], plan["branch"]) == ("plan", "main")
    assert plan["allowed"] == ["continue", "edit_spec"]
    assert set(plan["resume"]) == {"continue", "edit", "text", "fork"} and plan["error"] is None
    assert "beats and chunks count from 1" in plan["resume"]["edit"]["calls"][0]["args"]
    video_id = plan["video_id"]
    values = (await alice.threads.get_state(tid))["values"]
    assert values["options"]["duration_s"] == 8 and values["spec"]["duration_s"] == 8
    meta = (await alice.threads.get(tid))["metadata"]
    assert (meta["video_id"], meta["branch"], meta["owner"]) == (video_id, "main", "alice")
    assert (plan["effect"], plan["effects"]) == (None, []), "no edit led here"

    # an edit that would change nothing is answered as one, with its reason, and nothing is
    # applied or forked: structured, in plain words, or asked of a fork
    same = {"tool": "edit_spec", "args": {"ops": [{"op": "set_duration", "duration_s": 8}]}}
    no_op = "the spec already says that (set duration 8 s); nothing would change"
    for ask in (
        {"action": "edit", "calls": [same]},
        {"text": "make it 8 seconds"},
        {"action": "fork", "calls": [same]},
    ):
        refused = await _resume(alice, tid, ask)
        assert (refused["phase"], refused["error"], refused["fork"]) == ("plan", no_op, None)
        assert refused["artifacts"] == plan["artifacts"] and refused["effect"] is None
    assert len(await alice.threads.search(metadata={"video_id": video_id})) == 1

    board = await _resume(alice, tid, {"action": "continue"})
    assert board["phase"] == "storyboard" and board["effect"] is None
    beats = _versions(board, "beat_")
    assert len(beats) >= 2 and set(beats.values()) == {1}
    # numbered as users count: file names keep the 0-based names, labels count from 1
    assert board["artifacts"]["beat_00"]["label"] == "beat 1"
    assert board["artifacts"]["beat_01"]["label"] == "beat 2"

    # a structured edit: beat 2 drawn again, the others untouched, paused again
    call = {"tool": "regenerate_beat", "args": {"beat": 2, "prompt": "a sunset"}}
    edit = {"action": "edit", "calls": [call]}
    board2 = await _resume(alice, tid, edit)
    assert (board2["phase"], board2["error"]) == ("storyboard", None)
    assert _versions(board2, "beat_") == {**beats, "beat_01": 2}
    # what the edit changed, measured against the pause it was made from, numbered from 1
    assert board2["effect"] in ("visible", "partial"), board2["effects"]
    assert board2["effect_error"] is None
    (effect,) = board2["effects"]
    assert (effect["artifact"], effect["label"], effect["unit"]) == ("beat_01", "beat 2", "/255")
    assert effect["outcome"] in ("changed", "slight") and effect["amount"] >= 2, effect
    assert effect["message"].startswith("beat 2 changed"), effect
    others = [n for n in beats if n != "beat_01"]
    assert all(board2["artifacts"][n]["key"] == board["artifacts"][n]["key"] for n in others)

    # the same in plain words, interpreted by the graph (offline parser)
    board3 = await _resume(alice, tid, {"text": "regenerate beat 1 with a sunset"})
    assert board3["error"] is None
    assert _versions(board3, "beat_") == {**beats, "beat_00": 2, "beat_01": 2}
    assert [e["label"] for e in board3["effects"]] == ["beat 1"], board3["effects"]

    # resumes the graph cannot use change nothing and say why, at the same pause
    for bad, why in [
        ({"action": "dance"}, "unknown action"),
        ({"action": "edit", "calls": [{"tool": "regenerate_beat", "args": {"beat": 99}}]},
         "beat 99 does not exist"),
        ({"action": "edit", "calls": [{"tool": "edit_spec", "args": {"ops": [
            {"op": "set_duration", "duration_s": 10}]}}]}, "not allowed at the storyboard"),
        ({"text": "paint it like a moonbase hovercraft"}, "did not understand"),
    ]:  # fmt: skip
        refused = await _resume(alice, tid, bad)
        assert refused["phase"] == "storyboard"
        assert why in refused["error"], refused["error"]
        assert refused["artifacts"] == board3["artifacts"]
        assert refused["effect"] is None, "a refused resume made nothing to measure"
    history = [c async for c in _history(alice, tid)]
    assert len(history) > 5, "earlier checkpoints stay in the thread's history"

    # fork main at this pause into main-1 (the server makes it), and run the fork to the end
    parent = await alice.threads.get_state(tid)
    again = await _resume(alice, tid, {"action": "fork"})
    assert (again["phase"], again["branch"], again["error"]) == ("storyboard", "main", None)
    assert again["artifacts"] == board3["artifacts"], "the parent is unchanged"
    assert again["effect"] is None
    made = again["fork"]
    assert (made["branch"], made["parent"], made["phase"]) == ("main-1", "main", "storyboard")
    fid = made["thread_id"]
    await alice.runs.wait(fid, "reelgraph", input=None, raise_error=True)
    forked = await _pause(alice, fid)
    assert (forked["phase"], forked["branch"], forked["fork"]) == ("storyboard", "main-1", None)
    assert forked["artifacts"] == board3["artifacts"]
    meta = (await alice.threads.get(fid))["metadata"]
    assert (meta["owner"], meta["video_id"], meta["parent"]) == ("alice", video_id, "main")
    assert meta["fork_checkpoint_id"] == parent["checkpoint"]["checkpoint_id"]

    # a fork with an edit: main-2 draws beat 1 again; main still is where it was
    call = {"tool": "regenerate_beat", "args": {"beat": 1, "prompt": "a blue dawn"}}
    edited = (await _resume(alice, tid, {"action": "fork", "calls": [call]}))["fork"]
    assert (edited["branch"], edited["parent"]) == ("main-2", "main")
    await alice.runs.wait(edited["thread_id"], "reelgraph", input=None, raise_error=True)
    main2 = await _pause(alice, edited["thread_id"])
    assert (main2["phase"], main2["branch"]) == ("storyboard", "main-2")
    assert main2["artifacts"]["beat_00"]["version"] == 3
    assert main2["effect"] in ("visible", "partial"), main2["effects"]
    assert [(e["label"], e["targeted"]) for e in main2["effects"]] == [("beat 1", True)]
    assert _versions(main2, "beat_") == {**_versions(board3, "beat_"), "beat_00": 3}

    tree = await alice.threads.search(metadata={"video_id": video_id})
    branches = {t["metadata"]["branch"]: t["metadata"] for t in tree}
    assert set(branches) == {"main", "main-1", "main-2"}
    assert branches["main-1"]["parent"] == "main"

    await alice.runs.wait(
        fid, "reelgraph", command={"resume": {"action": "continue", "auto_continue": True}},
        raise_error=True,
    )  # fmt: skip
    done = await alice.threads.get_state(fid)
    assert done["next"] == [] and not done["interrupts"]
    assert done["values"]["artifacts"]["final"]["mime"] == "video/mp4"
    assert done["values"]["branch"] == "main-1"

    # the original is still paused where it was, and can go on
    still = await _pause(alice, tid)
    assert (still["phase"], still["branch"]) == ("storyboard", "main")
    assert "final" not in still["artifacts"]
    chunks = await _resume(alice, tid, {"action": "continue"})
    assert chunks["phase"] == "chunks" and chunks["branch"] == "main"
    assert chunks["artifacts"]["chunk_00"]["label"] == "chunk 1"

    # at the final video (no voiceover): the music is the whole soundtrack, at the target, so
    # "louder" is refused with why; "quieter" is measured on the delivered mix
    final = await _resume(alice, tid, {"action": "continue"})
    assert final["phase"] == "refine"
    louder = await _resume(alice, tid, {"text": "louder music"})
    assert louder["error"] is not None and louder["error"].startswith(
        "the music is the whole soundtrack"
    ), louder["error"]
    assert louder["artifacts"] == final["artifacts"]
    quieter = await _resume(alice, tid, {"text": "quieter music"})
    assert (quieter["error"], quieter["effect"]) == (None, "visible"), quieter
    (mix,) = quieter["effects"]
    assert (mix["label"], mix["outcome"], mix["unit"]) == ("the final video", "changed", "dB")
    before_lufs, after_lufs = mix["loudness_lufs"]
    assert after_lufs < before_lufs - 2, mix

    # the command line lists what the server made, where each branch is
    as_alice = Cli({**cli.env, "REELGRAPH_USER": "alice"}, cli.home)
    listed = as_alice.json("branches", video_id)["branches"]
    assert {b["name"]: (b["status"], b["phase"]) for b in listed} == {
        "main": ("paused", "refine"),
        "main-1": ("complete", "refine"),
        "main-2": ("paused", "storyboard"),
    }
    mine = {v["video_id"]: v for v in as_alice.json("videos")["videos"]}
    assert mine[video_id]["title"] == values["spec"]["title"]
    assert (mine[video_id]["status"], mine[video_id]["phase"]) == ("paused", "refine")


async def _history(client: LangGraphClient, thread_id: str) -> Any:
    for checkpoint in await client.threads.get_history(thread_id, limit=100):
        yield checkpoint


@pytest.mark.asyncio
@pytest.mark.usefixtures("show_log_on_failure")
async def test_threads_belong_to_their_owner(connect: Connect) -> None:
    alice, bob = connect(ALICE), connect(BOB)
    tid = (await alice.threads.create())["thread_id"]
    voice = {"voiceover": False, "subtitles": "soft", "voice": "heart", "caption_scale": 1.5}
    await alice.runs.wait(
        tid, "reelgraph",
        input={"prompt": "a 6-second ad for Acme socks", "duration_s": 6, **voice},
        raise_error=True,
    )  # fmt: skip
    video_id = (await _pause(alice, tid))["video_id"]
    options = (await alice.threads.get_state(tid))["values"]["options"]
    assert {k: options[k] for k in voice} == voice, "the voice and caption options were taken"

    for attempt in (
        bob.threads.get(tid),
        bob.threads.get_state(tid),
        bob.runs.wait(tid, "reelgraph", command={"resume": {"action": "continue"}}),
    ):
        with pytest.raises(httpx.HTTPStatusError) as err:
            await attempt
        assert err.value.response.status_code == 404
    assert await bob.threads.search(metadata={"video_id": video_id}) == []
    assert (await _pause(alice, tid))["phase"] == "plan", "bob changed nothing"

    for anonymous in (connect(None), connect("not-a-token")):
        with pytest.raises(httpx.HTTPStatusError) as err:
            await anonymous.threads.search()
        assert err.value.response.status_code == 401


@pytest.mark.asyncio
@pytest.mark.usefixtures("show_log_on_failure")
async def test_bad_input_is_a_clear_error(connect: Connect) -> None:
    alice = connect(ALICE)
    for bad, why in [
        ({"prompt": "   "}, "prompt is empty"),
        ({"prompt": "x" * 3000}, "the limit is 2000"),
        ({"prompt": "a tea ad", "aspect": "4:3"}, "aspect"),
        ({"prompt": "a tea ad", "subtitles": "loud"}, "subtitles"),
        ({"prompt": "a tea ad", "caption_scale": 9}, "caption_scale"),
        ({"duration_s": 8}, 'needs a "prompt"'),
    ]:
        tid = (await alice.threads.create())["thread_id"]
        result = await alice.runs.wait(tid, "reelgraph", input=bad, raise_error=False)
        assert isinstance(result, dict) and why in str(result.get("__error__")), result


def test_the_http_api_is_served_on_the_same_port(server: Server) -> None:
    doc = httpx.get(f"{server.url}/api/openapi.json", timeout=10)
    assert doc.status_code == 200, doc.text
    assert doc.json()["info"]["title"] == "reelgraph HTTP API"
    assert any(path.startswith("/api/") for path in doc.json()["paths"])


# -- nothing a client writes is trusted (issue 10) ----------------------------------------------


async def _start(client: LangGraphClient, prompt: str) -> tuple[str, str]:
    """A new thread with a 6-second video paused at its plan: (thread id, video id)."""
    tid = (await client.threads.create())["thread_id"]
    await client.runs.wait(
        tid, "reelgraph", input={"prompt": prompt, "duration_s": 6}, raise_error=True
    )
    return tid, (await _pause(client, tid))["video_id"]


async def _status(client: LangGraphClient, call: Awaitable[Any]) -> int:
    """The HTTP status a refused call answers with (fails if it is not refused)."""
    with pytest.raises(httpx.HTTPStatusError) as err:
        await call
    return err.value.response.status_code


async def _rows(server: Server, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    async with await psycopg.AsyncConnection.connect(server.database_url) as conn:
        cur = await conn.execute(sql, args)
        return await cur.fetchall()


async def _made(server: Server, video_id: str) -> tuple[list[Any], list[Any]]:
    """The video's artifact rows and cost events, as a user's status would count them."""
    artifacts = await _rows(
        server, "SELECT name, version FROM artifacts WHERE video_id = %s ORDER BY 1, 2", video_id
    )
    events = await _rows(
        server, "SELECT id, branch FROM cost_events WHERE video_id = %s ORDER BY 1", video_id
    )
    return artifacts, events


@asynccontextmanager
async def _underneath(server: Server) -> AsyncIterator[Any]:
    """The app's graph on the server's database: writes state past the server's doors.

    Stands for whatever could still put a forged state in a checkpoint (a future API, a bug,
    a hand in the database): the nodes must refuse it on their own.
    """
    settings = Settings(home=server.home / "forger", database_url=server.database_url)
    async with open_deps(settings) as deps:
        yield build_graph(deps.saver)


def _forged_ref(name: str, key: str, sha256: str) -> ArtifactRef:
    """An artifact reference built without validation, as a forged checkpoint would hold it."""
    return ArtifactRef.model_construct(
        name=name, key=key, version=1, sha256=sha256, mime="video/mp4", size_bytes=1,
        provider="local", model="m", cost_usd=0.0,
    )  # fmt: skip


@pytest.mark.asyncio
@pytest.mark.usefixtures("show_log_on_failure")
async def test_clients_cannot_write_graph_state_or_server_metadata(connect: Connect) -> None:
    bob = connect(BOB)
    tid, video_id = await _start(bob, "a 6-second ad for Acme mugs")
    before = await bob.threads.get_state(tid)
    stitched = {
        "name": "stitched", "key": f"bob/videos/{video_id}/stitched_v1.mp4", "version": 1,
        "sha256": "../../../../../../../../etc/hostname", "mime": "video/mp4",
        "size_bytes": 1, "provider": "ffmpeg", "model": "stitch",
    }  # fmt: skip
    refused = [
        bob.threads.update_state(
            tid, {"artifacts": {"stitched": stitched}}, as_node="review_chunks"
        ),
        bob.threads.update_state(tid, {"video_id": "someone-elses"}, as_node="review_plan"),
        bob.threads.update_state(tid, {"auto_continue": True}),
        bob.threads.update(tid, metadata={"video_id": "someone-elses"}),
        bob.threads.update(tid, metadata={"owner": "alice"}),
        bob.threads.update(tid, metadata={"branch": "main-9", "parent": "main"}),
        bob.threads.create(metadata={"video_id": video_id, "branch": "main-5"}),
        bob.threads.copy(tid),
        bob.runs.wait(tid, "reelgraph", command={"update": {"video_id": "someone-elses"}}),
        bob.runs.wait(tid, "reelgraph", command={"goto": "refine"}),
        bob.runs.wait(
            tid, "reelgraph",
            command={"resume": {"action": "continue"}, "update": {"auto_continue": True}},
        ),
        bob.runs.wait(tid, "reelgraph", command={"resume": {"action": "continue"}},
                      metadata={"branch": "zz"}),
    ]  # fmt: skip
    for call in refused:
        assert await _status(bob, call) == 403
    after = await bob.threads.get_state(tid)
    assert after["values"] == before["values"], "nothing was written"
    assert after["checkpoint"] == before["checkpoint"]
    assert (await _pause(bob, tid))["phase"] == "plan"
    meta = (await bob.threads.get(tid))["metadata"]
    assert (meta["video_id"], meta["branch"], meta["owner"]) == (video_id, "main", "bob")

    # metadata of the client's own is fine, and the video still goes on
    await bob.threads.update(tid, metadata={"note": "for the spring campaign"})
    assert (await bob.threads.get(tid))["metadata"]["note"] == "for the spring campaign"
    board = await _resume(bob, tid, {"action": "continue"})
    assert board["phase"] == "storyboard"

    # a fork asked for in plain words; a fork resume of the wrong shape changes nothing
    bad = await _resume(bob, tid, {"action": "fork", "calls": [], "text": "beat 1 again"})
    assert "a fork is" in bad["error"] and bad["fork"] is None
    text = {"action": "fork", "text": "regenerate beat 1 with a sunset"}
    made = (await _resume(bob, tid, text))["fork"]
    assert (made["branch"], made["parent"], made["phase"]) == ("main-1", "main", "storyboard")
    await bob.runs.wait(made["thread_id"], "reelgraph", input=None, raise_error=True)
    forked = await _pause(bob, made["thread_id"])
    assert _versions(forked, "beat_") == {**_versions(board, "beat_"), "beat_00": 2}
    assert (await _pause(bob, tid))["artifacts"] == board["artifacts"], "main is unchanged"


@pytest.mark.asyncio
@pytest.mark.usefixtures("show_log_on_failure")
async def test_a_forged_digest_reads_no_host_file(
    connect: Connect, server: Server, tmp_path: Path, clip_mp4: bytes
) -> None:
    bob = connect(BOB)
    tid, video_id = await _start(bob, "a 6-second ad for Acme kettles")
    host_file = tmp_path / "private.mp4"  # a playable video that is none of bob's business
    host_file.write_bytes(clip_mp4)
    made = await _made(server, video_id)
    for digest in ("../" * 16 + str(host_file).lstrip("/"), str(host_file), "0" * 63 + "/"):
        stitched = _forged_ref("stitched", f"bob/videos/{video_id}/stitched_v1.mp4", digest)
        async with _underneath(server) as graph:
            await graph.aupdate_state(
                {"configurable": {"thread_id": tid}},
                {"artifacts": {"stitched": stitched}},
                as_node="review_chunks",
            )  # next: refine, which would mux the "stitched" video into final_v1.mp4
        result = await bob.runs.wait(tid, "reelgraph", input=None, raise_error=False)
        built = [p for p in server.home.rglob("final_v*.mp4") if video_id in str(p)]
        assert not built, "no final video was built"
        assert await _made(server, video_id) == made, "no artifact, no cost event"
        assert "malformed blob digest" in str(result), result
    finals = await _rows(server, "SELECT key FROM artifacts WHERE name = 'final'")
    assert not [k for (k,) in finals if video_id in k]


@pytest.mark.asyncio
@pytest.mark.usefixtures("show_log_on_failure")
async def test_bob_cannot_write_into_or_read_from_alices_video(
    connect: Connect, server: Server
) -> None:
    alice, bob = connect(ALICE), connect(BOB)
    atid, alice_video = await _start(alice, "a 6-second ad for Acme scarves")
    board = await _resume(alice, atid, {"action": "continue"})
    assert board["phase"] == "storyboard"
    alice_values = (await alice.threads.get_state(atid))["values"]
    alices = await _made(server, alice_video)

    # at the door: no state writes into a thread of bob's with alice's video in it
    btid = (await bob.threads.create(graph_id="reelgraph"))["thread_id"]
    forged_values = {**alice_values, "branch": "zz"}
    call = bob.threads.update_state(btid, forged_values, as_node="review_plan")
    assert await _status(bob, call) == 403

    # underneath the door: the nodes refuse before any provider call
    async with _underneath(server) as graph:
        cfg: Any = {"configurable": {"thread_id": btid}}
        for owner in ("alice", "bob"):
            values = {**forged_values, "user_id": owner}
            await graph.aupdate_state(cfg, values, as_node="review_plan")  # next: draw_beat
            result = await bob.runs.wait(btid, "reelgraph", input=None, raise_error=False)
            assert "of yours" in str(result), result
    assert await _made(server, alice_video) == alices, "alice's video is untouched"
    assert not await _rows(server, "SELECT 1 FROM branches WHERE name = 'zz'")

    # bob's own video, with alice's storyboard images in its state: nothing is rendered
    tid, video_id = await _start(bob, "a 6-second ad for Acme gloves")
    bobs = await _made(server, video_id)
    async with _underneath(server) as graph:
        cfg = {"configurable": {"thread_id": tid}}
        spec = alice_values["spec"]
        beats = {n: ArtifactRef.model_validate(r) for n, r in alice_values["artifacts"].items()
                 if n.startswith("beat_")}  # fmt: skip
        await graph.aupdate_state(
            cfg, {"spec": spec, "artifacts": beats}, as_node="review_storyboard"
        )  # next: render_beat, one task per beat
    result = await bob.runs.wait(tid, "reelgraph", input=None, raise_error=False)
    assert "are not artifacts of video" in str(result), result
    assert await _made(server, video_id) == bobs, "no chunk was rendered from alice's images"


@pytest.mark.asyncio
@pytest.mark.usefixtures("show_log_on_failure")
async def test_stateless_runs_are_refused_and_leave_nothing(
    connect: Connect, server: Server
) -> None:
    alice = connect(ALICE)
    count = "SELECT (SELECT count(*) FROM videos), (SELECT count(*) FROM branches)"
    before = await _rows(server, count)
    for run in (
        alice.runs.wait(None, "reelgraph", input={"prompt": "an 8-second tea ad"}),
        alice.runs.create(None, "reelgraph", input={"prompt": "an 8-second tea ad"}),
    ):
        with pytest.raises(httpx.HTTPStatusError) as err:
            await run
        assert err.value.response.status_code == 403
        assert "stateless runs are not served" in err.value.response.text
    assert await _rows(server, count) == before


# -- one run per branch across the server's runtime and the queue (issue 11) -------------------


@pytest.mark.asyncio
@pytest.mark.usefixtures("show_log_on_failure")
async def test_one_run_per_branch_across_the_server_and_the_queue(
    connect: Connect, server: Server
) -> None:
    alice = connect(ALICE)
    tid, video_id = await _start(alice, "a 6-second ad for Acme socks")
    # The queue's side: a studio on the server's database and store, as a worker would be.
    settings = Settings(home=server.home, database_url=server.database_url, user_id="alice")
    async with Studio.open(settings) as studio, Queue.open(studio) as queue:
        # A job of the queue runs the branch; while it does, the server refuses a run of it.
        refused: list[Any] = []

        def meanwhile(event: ProgressEvent) -> None:
            if refused:
                return
            # The job's event loop waits here, the job holding its branch: a client of the
            # server (another thread, its own connection) tries to run the same branch.
            with get_sync_client(
                url=server.url, headers={"Authorization": f"Bearer {ALICE}"}, api_key=None
            ) as sync:
                refused.append(
                    sync.runs.wait(
                        tid, "reelgraph", command={"resume": {"action": "continue"}},
                        raise_error=False,
                    )
                )  # fmt: skip

        after = await queue.run_here(video_id, "alice", "main", on_progress=meanwhile)
        assert after.status == "paused" and after.phase == "storyboard", after
        assert refused and "running elsewhere" in str(refused[0].get("__error__")), refused
        pause = await _pause(alice, tid)
        assert pause["phase"] == "storyboard", "the refused run changed nothing"

        # And the other way: while the server runs the branch, the queue's job is refused.
        async with await psycopg.AsyncConnection.connect(server.database_url) as hold:
            # The server's run cannot record its next pause while this row is locked, so it
            # stays running (holding the branch) until the transaction ends.
            await hold.execute(
                "SELECT 1 FROM branches WHERE video_id = %s AND name = 'main' FOR UPDATE",
                (video_id,),
            )
            run = await alice.runs.create(
                tid, "reelgraph", command={"resume": {"action": "continue"}}
            )
            while not await locks.is_held(studio.deps.pool, tid):
                assert (await alice.runs.get(tid, run["run_id"]))["status"] in (
                    "pending",
                    "running",
                )
            with pytest.raises(BranchBusy, match="running elsewhere"):
                await queue.run_here(video_id, "alice", "main")
            await hold.rollback()
        await alice.runs.join(tid, run["run_id"])
        assert (await _pause(alice, tid))["phase"] == "chunks"
        st = await queue.status(video_id, "alice")
        assert (st.status, st.phase, st.error) == ("paused", "chunks", None), st
