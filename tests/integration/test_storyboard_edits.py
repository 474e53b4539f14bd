"""Scene edits at the storyboard pause, from the command line: the beat named is redrawn in the
new scene, visibly, and no other beat is drawn again (issue 14)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from tests.conftest import Cli

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _pixels(artifact: dict[str, Any]) -> np.ndarray:
    with Image.open(Path(artifact["path"])) as img:
        return np.asarray(img.convert("RGB"), dtype=np.int16)


def test_scene_edits_redraw_the_beat_they_name_and_nothing_else(cli: Cli) -> None:
    st = cli.json(
        "generate", "Energetic ad for TrailMax hiking boots", "--duration", "12", "--seed", "91"
    )
    vid = st["video_id"]
    cli("continue", vid)  # to the storyboard pause
    branch = "main"
    before = cli.json("status", vid)["artifacts"]
    beats = sorted(name for name in before if name.startswith("beat_"))
    assert len(beats) >= 3
    for words in (
        "make beat 3 a sunset on the beach",
        "make beat 3 a snowy mountain at night",
        "make beat 3 a city street in the rain",
    ):
        edited = cli.json("edit", vid, words, "--branch", branch)
        assert edited["phase"] == "storyboard", words
        after = edited["artifacts"]
        change = float(np.abs(_pixels(before["beat_02"]) - _pixels(after["beat_02"])).mean())
        assert change >= 20.0, f"{words!r} changed beat 3 by {change:.1f}/255"
        for name in beats:
            if name != "beat_02":
                assert after[name]["path"] == before[name]["path"], (words, name)
                assert after[name]["version"] == before[name]["version"], (words, name)
        branch, before = edited["branch"], after
