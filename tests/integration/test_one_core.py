"""Every door makes a video the same way, and reports the same status (issue 11, "one core").

The command line, the HTTP API and the LangGraph server's admission call one service
(:mod:`agent.service.videos`), so a video made with provider keys set uses the registry's
defaults whichever door made it, a title the user gave stays, and every status carries the
next phase's estimate. Keys here are fake and point at a loopback port nothing listens on:
no test calls a paid provider (the runs pause after the offline plan, before any paid call).
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from agent.deps import open_deps
from agent.server.graph import served
from agent.settings import Settings
from tests.conftest import Cli
from tests.replicate_mock import CATALOG
from tests.servers import free_port, serving

pytestmark = [pytest.mark.integration, pytest.mark.slow]

TOKEN = "core-token"
BRIEF = "A 6-second ad for Kumo green tea"
FLUX_USD = CATALOG.models["flux-schnell"].price_usd
#: What the registry picks for unset model options with a Replicate token (and no OpenAI key).
REPLICATE_DEFAULTS = {
    "planner": "local",
    "image_model": "replicate:flux-schnell",
    "video_model": "replicate:hailuo-02",
    "music_model": "replicate:musicgen",
}
MODEL_FIELDS = tuple(REPLICATE_DEFAULTS)


@pytest.fixture(scope="module")
def nowhere() -> str:
    """A loopback URL where nothing listens: a paid call made by mistake fails at once."""
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture(scope="module")
def keyed_env(database_url: str, nowhere: str) -> dict[str, str]:
    """A Replicate token set (fake), its API pointed nowhere."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REPLICATE_API_TOKEN": "r8_fake_token_for_tests",
        "REPLICATE_BASE_URL": nowhere,
    }


@pytest.fixture(scope="module")
def keyed_server(
    keyed_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[httpx.Client]:
    """``reelgraph serve`` with the Replicate token set; yields a client with a bearer token."""
    home = tmp_path_factory.mktemp("core-api-home")
    port = free_port()
    env = {**keyed_env, "REELGRAPH_HOME": str(home), "REELGRAPH_API_TOKENS": f"{TOKEN}:core"}
    base = f"http://127.0.0.1:{port}"
    argv = [sys.executable, "-m", "ui.cli", "serve", "--port", str(port)]
    with (
        serving(argv, env, home / "server.log", f"{base}/api/openapi.json"),
        httpx.Client(
            base_url=base, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60
        ) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def keyed_cli(keyed_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Cli:
    home = tmp_path_factory.mktemp("core-cli-home")
    return Cli({**keyed_env, "REELGRAPH_HOME": str(home), "REELGRAPH_USER": "core"}, home)


def _options(database_url: str, video_id: str) -> dict[str, Any]:
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT options FROM videos WHERE id = %s", (video_id,)).fetchone()
    assert row is not None, video_id
    options: dict[str, Any] = row[0]
    return options


def _paused_at_plan(client: httpx.Client, video_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 120
    while True:
        body: dict[str, Any] = client.get(f"/api/status/{video_id}").json()
        if body["status"] == "paused_at_phase1":
            return body
        assert body["status"] in ("queued", "running"), body
        assert time.monotonic() < deadline, body
        time.sleep(0.2)


def test_http_generate_takes_the_registry_defaults_like_the_cli(
    keyed_server: httpx.Client, keyed_cli: Cli, database_url: str
) -> None:
    r = keyed_server.post("/api/generate", json={"prompt": BRIEF, "title": "Kumo, my title"})
    assert r.status_code == 200, r.text
    http_video = r.json()["video_id"]
    http_options = _options(database_url, http_video)
    assert {f: http_options[f] for f in MODEL_FIELDS} == REPLICATE_DEFAULTS

    # the command line, same keys, no model options: the same choice
    proc = keyed_cli("generate", BRIEF, "--duration", "6")
    cli_video = proc.stderr.split("video ", 1)[1].split()[0]
    cli_options = _options(database_url, cli_video)
    assert {f: cli_options[f] for f in MODEL_FIELDS} == REPLICATE_DEFAULTS

    # a model the client names is kept; the rest still take the defaults, as on the CLI
    r = keyed_server.post("/api/generate", json={"prompt": BRIEF, "model": "local"})
    named = _options(database_url, r.json()["video_id"])
    assert {f: named[f] for f in MODEL_FIELDS} == {**REPLICATE_DEFAULTS, "video_model": "local"}

    # the title the client gave survives the plan, and the status shows what comes next
    body = _paused_at_plan(keyed_server, http_video)
    assert body["title"] == "Kumo, my title"
    spec = keyed_server.get(
        f"/api/video/{http_video}/checkpoints/{body['current_checkpoint']['id']}"
    ).json()["checkpoint"]["spec"]
    beats = len(spec["beats"])
    assert body["next_phase"] == "storyboard"
    assert body["estimate_next_usd"] == pytest.approx(beats * FLUX_USD)
    assert body["estimate_error"] is None


def test_cli_status_shows_the_next_phases_estimate(keyed_cli: Cli) -> None:
    st = keyed_cli.json("generate", BRIEF, "--duration", "6")
    assert (st["status"], st["phase"]) == ("paused", "plan")
    assert {f: st["options"][f] for f in MODEL_FIELDS} == REPLICATE_DEFAULTS
    spec = json.loads(Path(st["artifacts"]["spec"]["path"]).read_text())
    usd = len(spec["beats"]) * FLUX_USD
    assert st["next_phase"] == "storyboard"
    assert st["estimate_next_usd"] == pytest.approx(usd)

    again = keyed_cli.json("status", st["video_id"])
    assert again["estimate_next_usd"] == pytest.approx(usd)
    table = keyed_cli("status", st["video_id"]).stdout
    assert f"storyboard: ${usd:.2f}" in table


@pytest.mark.asyncio
async def test_langgraph_server_admission_takes_the_registry_defaults(
    database_url: str, nowhere: str, tmp_path: Path
) -> None:
    """The served graph's first node makes the video as the other doors do (keys set)."""
    settings = Settings(
        home=tmp_path / "home",
        database_url=database_url,
        openai_api_key="sk-fake-key-for-tests",
        openai_base_url=f"{nowhere}/v1",
        replicate_api_token="r8_fake_token_for_tests",
        replicate_base_url=nowhere,
    )
    async with open_deps(settings) as deps:
        graph = served().compile(checkpointer=deps.saver, interrupt_after=["admit"])
        cfg: Any = {"configurable": {"thread_id": f"admit-{os.urandom(6).hex()}"}}
        await graph.ainvoke({"prompt": BRIEF}, cfg, context=deps)  # stops before the plan
        state = (await graph.aget_state(cfg)).values
    options = _options(database_url, state["video_id"])
    assert {f: options[f] for f in MODEL_FIELDS} == {**REPLICATE_DEFAULTS, "planner": "openai"}
    assert state["options"].model_dump(include=set(MODEL_FIELDS)) == {
        **REPLICATE_DEFAULTS,
        "planner": "openai",
    }
    assert (options["duration_s"], options["aspect"]) == (6.0, "16:9")
