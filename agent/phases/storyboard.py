"""Phase 2: one storyboard image per beat, drawn in parallel and joined."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from langgraph.runtime import Runtime
from langgraph.types import Send

from agent.deps import Deps
from agent.errors import ReelgraphError
from agent.phases.common import (
    BeatTask,
    beat_name,
    beat_tasks,
    deps_of,
    override,
    progress,
    recorder,
)
from agent.providers.base import ImageRequest
from agent.state import State


def dispatch(state: State) -> list[Send]:
    """Fan out: one ``draw_beat`` task per beat."""
    return [Send("draw_beat", task) for task in beat_tasks(state)]


async def draw_beat(task: BeatTask, *, runtime: Runtime[Deps]) -> dict[str, Any]:
    """Draw one beat's image in the target aspect ratio (``beat_NN_vM.png``).

    An uploaded replacement (an override's ``image``) is used as it is; an override's prompt
    and take redirect and re-seed the drawing.
    """
    spec, options = task["spec"], task["options"]
    beat = spec.beats[task["beat_index"]]
    name = beat_name(beat.index)
    direction = override(task, name)
    if direction.image is not None:
        progress(runtime, "storyboard", name, len(spec.beats), reused=True)
        return {"artifacts": {name: direction.image}}
    images = (await deps_of(runtime)).registry.image(direction.model or options.image_model)
    req = ImageRequest(
        spec=spec,
        beat=beat,
        prompt=direction.prompt or beat.image_prompt,
        size_px=spec.size_px,
        seed=direction.seed(options.seed),
    )
    rec = recorder(runtime, task, "storyboard")

    async def make(dst: Path) -> None:
        await images.draw(req, dst)

    blob = await rec.produce(images.describe(req), name, ".png", make)
    ref = await rec.register(name, "png", "image/png", blob)
    progress(runtime, "storyboard", name, len(spec.beats), reused=blob.reused)
    return {"artifacts": {name: ref}}


async def storyboard(state: State) -> dict[str, Any]:
    """Join: every beat has its image."""
    spec = state["spec"]
    assert spec is not None
    missing = [b.number for b in spec.beats if beat_name(b.index) not in state["artifacts"]]
    if missing:
        raise ReelgraphError(f"storyboard incomplete: no image for beats {missing}")
    return {"phase": "storyboard"}
