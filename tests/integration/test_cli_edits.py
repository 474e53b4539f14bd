"""Editing from the command line: interpret (dry run), edit (forks), branches (the tree)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.measure import measure

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_interpret_edit_and_branches(cli: Cli) -> None:
    st = cli.json("generate", "Calm ad for a ceramic mug", "--duration", "8", "--seed", "77")
    vid = st["video_id"]
    cli("continue", vid)  # to the storyboard pause

    dry = json.loads(cli("interpret", vid, "regenerate beat 2 as a sunset", "--json").stdout)
    assert dry == {
        "calls": [{"tool": "regenerate_beat", "args": {"beat": 2, "prompt": "a sunset"}}],
        "reply": None,
    }
    tree = json.loads(cli("branches", vid, "--json").stdout)["branches"]
    assert [b["name"] for b in tree] == ["main"], "interpret changes nothing"

    edited = cli.json("edit", vid, "regenerate beat 2 as a sunset")
    assert (edited["branch"], edited["status"], edited["phase"]) == (
        "main-1",
        "paused",
        "storyboard",
    )
    assert edited["artifacts"]["beat_01"]["version"] == 2
    tree = json.loads(cli("branches", vid, "--json").stdout)["branches"]
    assert [(b["name"], b["parent"], b["status"]) for b in tree] == [
        ("main", None, "paused"),
        ("main-1", "main", "paused"),
    ]

    bad = cli("edit", vid, "regenerate beat 12", check=False)
    assert bad.returncode == 2
    beats = sum(1 for name in edited["artifacts"] if name.startswith("beat_"))
    assert bad.stderr.strip().splitlines() == [
        f"error: Beat 12 does not exist: there are {beats} beats."
    ]
    wrong = cli("edit", vid, "make the music louder", check=False)
    assert wrong.returncode == 2 and "refine" in wrong.stderr
    assert len(json.loads(cli("branches", vid, "--json").stdout)["branches"]) == 2


def test_compare_two_finished_branches(cli: Cli) -> None:
    st = cli.json(
        "generate", "Bold ad for a steel watch", "--duration", "6", "--yolo", "--seed", "78"
    )
    vid = st["video_id"]
    fork = cli.json("edit", vid, "go back to the storyboard")
    assert (fork["branch"], fork["phase"]) == ("main-1", "storyboard")
    cli.json("edit", vid, "regenerate beat 1 as a neon night", "--branch", "main-1")
    cli.json("continue", vid, "--branch", "main-1", "--yolo")
    out = cli.home / "cmp" / "side.mp4"
    result = json.loads(cli("compare", vid, "main", "main-1", "-o", str(out), "--json").stdout)
    assert result["spec_diff"] == "", "a storyboard edit leaves the spec alone"
    assert result["video"] == str(out)
    left, both = measure(Path(st["final_video"])), measure(out)
    assert both.size_px == (2 * left.size_px[0], left.size_px[1])
    assert both.duration_s == pytest.approx(6.0, abs=0.1)
    from PIL import Image

    with Image.open(result["storyboards"]) as sheet:
        assert sheet.width > sheet.height > 0
