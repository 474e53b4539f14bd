"""The offline video model's camera paths: a new take of a chunk is a new shot."""

from __future__ import annotations

import pytest

from agent.providers.local.motion import (
    FRAMINGS,
    TAKE_SEED_STRIDE,
    Window,
    camera_path,
    framing,
)
from agent.spec import CameraMove
from agent.state import Override

MOVING: list[CameraMove] = [
    "push-in", "pull-out", "pan-left", "pan-right", "tilt-up", "tilt-down", "orbit",
]  # fmt: skip


def _apart(a: list[Window], b: list[Window]) -> float:
    """Largest difference between two paths over their frames: the window's centre moved
    (share of the frame) or its size changed (share of the size), whichever is larger."""
    return max(
        max(abs(p.cx - q.cx), abs(p.cy - q.cy), abs(p.zoom / q.zoom - 1.0))
        for p, q in zip(a, b, strict=True)
    )


def test_the_take_seed_step_is_the_one_regenerations_use() -> None:
    assert Override(take=1).seed(1234) - Override().seed(1234) == TAKE_SEED_STRIDE


@pytest.mark.parametrize("camera", MOVING)
@pytest.mark.parametrize("base", [0, 144, 5_000, 987_654])
def test_every_new_take_is_a_visibly_different_shot(camera: CameraMove, base: int) -> None:
    takes = [camera_path(camera, 120, Override(take=t).seed(base)) for t in range(FRAMINGS)]
    for t in range(1, FRAMINGS):
        for earlier in range(t):
            # 3 % of a 1280 px frame is ~38 px: far beyond a re-encode's noise
            assert _apart(takes[t], takes[earlier]) > 0.03, (camera, base, t, earlier)


@pytest.mark.parametrize("base", [0, 144, 7_000])
def test_chunks_of_one_beat_share_their_framing(base: int) -> None:
    """Chained chunks (seeds base + k) keep one framing, so a long beat has no pulse."""
    assert len({framing(base + k) for k in range(4)}) == 1


def test_takes_are_deterministic() -> None:
    seed = Override(take=2).seed(77)
    assert camera_path("push-in", 24, seed) == camera_path("push-in", 24, seed)


def test_a_static_shot_stays_the_start_image_in_every_take() -> None:
    for t in range(FRAMINGS):
        path = camera_path("static", 10, Override(take=t).seed(3))
        assert set(path) == {Window(0.5, 0.5, 1.0)}
