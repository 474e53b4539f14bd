"""A brief's words set a new video's length and aspect ratio at every door, unless an option does.

And the facts it states reach the plan a user reviews: the price on the offer, the promo code
on the call to action, the tagline on the end card (issue 14).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import ApiServer, Cli

pytestmark = [pytest.mark.integration, pytest.mark.slow]

BRIEF = (
    "Aurora headphones, a 10-second vertical ad for TikTok, now $199, code AUR10, "
    'tagline "Hear every detail"'
)


def _facts_in(spec: dict[str, Any]) -> None:
    assert (spec["brand"], spec["product"], spec["category"]) == (
        "Aurora",
        "headphones",
        "headphones",
    )
    assert (spec["price"], spec["promo_code"], spec["tagline"]) == (
        "now $199",
        "AUR10",
        "Hear every detail",
    )
    texts = {b["type"]: b["on_screen_text"] for b in spec["beats"]}
    assert "$199" in texts.get("offer", texts["call_to_action"])
    assert "AUR10" in texts["call_to_action"]
    assert texts["logo_end_card"] == "Hear every detail"


def test_cli_reads_length_and_aspect_from_the_brief_and_options_win(cli: Cli) -> None:
    st = cli.json("generate", BRIEF, "--seed", "5")
    assert (st["status"], st["phase"]) == ("paused", "plan")
    assert (st["options"]["duration_s"], st["options"]["aspect"]) == (10.0, "9:16")
    spec = json.loads(Path(st["artifacts"]["spec"]["path"]).read_text())
    assert (spec["duration_s"], spec["aspect"]) == (10.0, "9:16")
    _facts_in(spec)

    named = cli.json("generate", BRIEF, "--aspect", "1:1", "--duration", "8", "--seed", "5")
    assert (named["options"]["duration_s"], named["options"]["aspect"]) == (8.0, "1:1")


def _planned(client: httpx.Client, body: dict[str, Any]) -> dict[str, Any]:
    """Start a video over HTTP and return its plan once it pauses after phase 1."""
    r = client.post("/api/generate", json=body)
    assert r.status_code == 200, r.text
    vid = r.json()["video_id"]
    deadline = time.monotonic() + 120
    while (st := client.get(f"/api/status/{vid}").json())["status"] != "paused_at_phase1":
        assert st["status"] not in ("failed", "error"), st
        assert time.monotonic() < deadline, st
        time.sleep(0.2)  # polling the status endpoint, as a client does
    cp = st["current_checkpoint"]["checkpoint_id"]
    spec: dict[str, Any] = client.get(f"/api/video/{vid}/checkpoints/{cp}").json()["checkpoint"][
        "spec"
    ]
    return spec


def test_http_api_reads_length_and_aspect_from_the_brief_and_fields_win(
    api_server: ApiServer,
) -> None:
    with httpx.Client(
        base_url=api_server.url, headers=api_server.auth("briefer"), timeout=60
    ) as client:
        spec = _planned(client, {"prompt": BRIEF, "seed": 5})
        assert (spec["duration_s"], spec["aspect"]) == (10.0, "9:16")
        _facts_in(spec)
        named = _planned(client, {"prompt": BRIEF, "aspect": "16:9", "duration_s": 8})
        assert (named["duration_s"], named["aspect"]) == (8.0, "16:9")
