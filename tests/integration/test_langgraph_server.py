"""reelgraph behind ``langgraph dev``, driven by the LangGraph SDK as any client would.

One real server process (our Postgres checkpointer, our bearer-token auth) on a free port;
the walkthrough creates a video, reviews it, edits it in place (structured and in plain
words), is refused a bad resume, forks a branch and finishes it, while the original thread
stays paused. Another user sees none of it; no token gets 401.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from langgraph_sdk import get_client
from langgraph_sdk.client import LangGraphClient

from agent.server.fork import fork_values, next_branch, seed_node
from tests.conftest import REPO, Cli
from tests.servers import free_port, serving

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ALICE, BOB = "alice-token", "bob-token"


class Server:
    """A ``langgraph dev`` process and its log."""

    def __init__(self, url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
        self.url, self.proc, self.log = url, proc, log

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
        yield Server(url, proc, log)


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
        input={"prompt": "an 8-second ad for Acme tea", "duration_s": 8},
        raise_error=True,
    )
    plan = await _pause(alice, tid)
    assert (plan["phase"], plan["branch"]) == ("plan", "main")
    assert plan["allowed"] == ["continue", "edit_spec"]
    assert set(plan["resume"]) == {"continue", "edit", "text"} and plan["error"] is None
    video_id = plan["video_id"]
    values = (await alice.threads.get_state(tid))["values"]
    assert values["options"]["duration_s"] == 8 and values["spec"]["duration_s"] == 8
    meta = (await alice.threads.get(tid))["metadata"]
    assert (meta["video_id"], meta["branch"], meta["owner"]) == (video_id, "main", "alice")

    board = await _resume(alice, tid, {"action": "continue"})
    assert board["phase"] == "storyboard"
    beats = _versions(board, "beat_")
    assert len(beats) >= 2 and set(beats.values()) == {1}

    # a structured edit: beat 2 drawn again, the others untouched, paused again
    call = {"tool": "regenerate_beat", "args": {"beat": 2, "prompt": "a sunset"}}
    edit = {"action": "edit", "calls": [call]}
    board2 = await _resume(alice, tid, edit)
    assert (board2["phase"], board2["error"]) == ("storyboard", None)
    assert _versions(board2, "beat_") == {**beats, "beat_01": 2}
    others = [n for n in beats if n != "beat_01"]
    assert all(board2["artifacts"][n]["key"] == board["artifacts"][n]["key"] for n in others)

    # the same in plain words, interpreted by the graph (offline parser)
    board3 = await _resume(alice, tid, {"text": "regenerate beat 1 with a sunset"})
    assert board3["error"] is None
    assert _versions(board3, "beat_") == {**beats, "beat_00": 2, "beat_01": 2}

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
    history = [c async for c in _history(alice, tid)]
    assert len(history) > 5, "earlier checkpoints stay in the thread's history"

    # fork main at this pause into main-1, and run the fork to the end
    parent = await alice.threads.get_state(tid)
    tree = await alice.threads.search(metadata={"video_id": video_id})
    name = next_branch([t["metadata"]["branch"] for t in tree], "main")
    assert name == "main-1"
    fork = await alice.threads.create(
        metadata={
            "video_id": video_id,
            "branch": name,
            "parent": "main",
            "fork_checkpoint_id": parent["checkpoint"]["checkpoint_id"],
            "graph_id": "reelgraph",
        }
    )
    fid = fork["thread_id"]
    await alice.threads.update_state(
        fid, fork_values(parent["values"], name), as_node=seed_node("storyboard")
    )
    await alice.runs.wait(fid, "reelgraph", input=None, raise_error=True)
    forked = await _pause(alice, fid)
    assert (forked["phase"], forked["branch"]) == ("storyboard", "main-1")
    assert forked["artifacts"] == board3["artifacts"]

    tree = await alice.threads.search(metadata={"video_id": video_id})
    branches = {t["metadata"]["branch"]: t["metadata"] for t in tree}
    assert set(branches) == {"main", "main-1"}
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

    # the command line lists what the server made, where each branch is
    as_alice = Cli({**cli.env, "REELGRAPH_USER": "alice"}, cli.home)
    listed = as_alice.json("branches", video_id)["branches"]
    assert {b["name"]: (b["status"], b["phase"]) for b in listed} == {
        "main": ("paused", "chunks"),
        "main-1": ("complete", "refine"),
    }
    mine = {v["video_id"]: v for v in as_alice.json("videos")["videos"]}
    assert mine[video_id]["title"] == values["spec"]["title"]
    assert (mine[video_id]["status"], mine[video_id]["phase"]) == ("paused", "chunks")


async def _history(client: LangGraphClient, thread_id: str) -> Any:
    for checkpoint in await client.threads.get_history(thread_id, limit=100):
        yield checkpoint


@pytest.mark.asyncio
@pytest.mark.usefixtures("show_log_on_failure")
async def test_threads_belong_to_their_owner(connect: Connect) -> None:
    alice, bob = connect(ALICE), connect(BOB)
    tid = (await alice.threads.create())["thread_id"]
    await alice.runs.wait(
        tid, "reelgraph", input={"prompt": "a 6-second ad for Acme socks", "duration_s": 6},
        raise_error=True,
    )  # fmt: skip
    video_id = (await _pause(alice, tid))["video_id"]

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

    # a thread of bob's seeded with alice's video (its id leaked) does not run
    values = fork_values((await alice.threads.get_state(tid))["values"], "main-7")
    forged = (await bob.threads.create(metadata={"graph_id": "reelgraph"}))["thread_id"]
    await bob.threads.update_state(forged, {**values, "user_id": "bob"}, as_node="plan")
    result = await bob.runs.wait(forged, "reelgraph", input=None, raise_error=False)
    assert "of yours" in str(result), result

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
