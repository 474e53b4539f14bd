"""Scene edits that name only a time of day or the weather, from the command line (issue 14).

"make beat 2 a snowstorm", "… at dawn", "… in the rain": the words name no place, yet the
beat must become a new picture (a mean change of at least ``SCENE_MEAN_255``), the edit must
say so, and the other beat must stay as it was (same file, same version).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from agent.phases.effects import SCENE_MEAN_255
from tests.conftest import Cli

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _pixels(artifact: dict[str, Any]) -> np.ndarray:
    with Image.open(Path(artifact["path"])) as img:
        return np.asarray(img.convert("RGB"), dtype=np.int16)


def test_light_and_weather_edits_change_the_beat_they_name_and_nothing_else(cli: Cli) -> None:
    st = cli.json("generate", "Lumina vitamin C serum, elegant and minimal", "--duration", "8")
    vid = st["video_id"]
    cli("continue", vid)  # to the storyboard pause
    before = cli.json("status", vid)["artifacts"]
    beats = sorted(name for name in before if name.startswith("beat_"))
    assert beats == ["beat_00", "beat_01"]
    branch = "main"
    for words in ("make beat 2 a snowstorm", "make beat 2 at dawn", "beat 2: in the rain"):
        edited = cli.json("edit", vid, words, "--branch", branch)
        after = edited["artifacts"]
        change = float(np.abs(_pixels(before["beat_01"]) - _pixels(after["beat_01"])).mean())
        assert change >= SCENE_MEAN_255, f"{words!r} changed beat 2 by {change:.1f}/255"
        assert edited["effect"] == "visible", (words, edited["effects"])
        assert [e["label"] for e in edited["effects"]] == ["beat 2"], words
        assert after["beat_00"]["path"] == before["beat_00"]["path"], words
        assert after["beat_00"]["version"] == before["beat_00"]["version"], words
        branch, before = edited["branch"], after
