"""Phase 2: one storyboard image per beat, drawn in parallel and joined."""

from __future__ import annotations

from collections.abc import Callable
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
    override,
    progress,
    recorder,
)
from agent.providers.base import ImageProvider, ImageRequest
from agent.providers.registry import Registry
from agent.spec import Beat
from agent.state import ArtifactRef, State
from agent.trust import guard


def dispatch(state: State) -> list[Send]:
    """Fan out: one ``draw_beat`` task per beat."""
    return [Send("draw_beat", task) for task in beat_tasks(state)]


def beat_drawing(
    task: State | BeatTask, beat: Beat, registry: Registry, locate: Callable[[str], Path]
) -> tuple[ImageProvider, ImageRequest]:
    """The image model and request that draw ``beat``'s storyboard image.

    The beat's override (from ``regenerate_beat``) sets the model, the prompt and the take
    (seed); otherwise the branch's image model draws the beat's image prompt. The video's
    first reference image, if any, goes with every request; the model decides where it
    draws the product from it.

    Args:
        task: the branch's state, or one beat's fan-out task (options, spec, overrides).
        beat: a beat of the task's spec.
        registry: where the image model is looked up.
        locate: a blob's SHA-256 → a file holding it (the store's ``local_path``).

    Raises:
        UserError: the image model is unknown.
    """
    spec, options = task["spec"], task["options"]
    assert spec is not None, "a storyboard before the plan exists"
    direction = override(task, beat_name(beat.index))
    images = registry.image(direction.model or options.image_model)
    photo = options.reference_images[0] if options.reference_images else None
    req = ImageRequest(
        spec=spec,
        beat=beat,
        prompt=direction.prompt or beat.image_prompt,
        size_px=spec.size_px,
        seed=direction.seed(options.seed),
        take=direction.take,
        reference=locate(photo) if photo else None,
        reference_sha256=photo,
    )
    return images, req


def uploaded(task: State | BeatTask, beat: Beat) -> ArtifactRef | None:
    """The image the user uploaded for ``beat`` (used as it is: nothing is drawn), or None."""
    return override(task, beat_name(beat.index)).image


async def draw_beat(task: BeatTask, *, runtime: Runtime[Deps]) -> dict[str, Any]:
    """Draw one beat's image in the target aspect ratio (``beat_NN_vM.png``).

    An uploaded replacement (an override's ``image``) is used as it is; an override's prompt
    and take redirect and re-seed the drawing (see :func:`beat_drawing`).
    """
    deps = await guard(runtime, task)
    spec = task["spec"]
    beat = spec.beats[task["beat_index"]]
    name = beat_name(beat.index)
    upload = uploaded(task, beat)
    if upload is not None:
        progress(runtime, "storyboard", name, len(spec.beats), reused=True)
        return {"artifacts": {name: upload}}
    images, req = beat_drawing(task, beat, deps.registry, deps.store.local_path)
    rec = recorder(runtime, task, "storyboard")

    async def make(dst: Path) -> None:
        await images.draw(req, dst)

    blob = await rec.produce(images.describe(req), name, ".png", make)
    ref = await rec.register(name, "png", "image/png", blob)
    progress(runtime, "storyboard", name, len(spec.beats), reused=blob.reused)
    return {"artifacts": {name: ref}}


async def storyboard(state: State, *, runtime: Runtime[Deps]) -> dict[str, Any]:
    """Join: every beat has its image."""
    await guard(runtime, state)
    spec = state["spec"]
    assert spec is not None
    missing = [b.number for b in spec.beats if beat_name(b.index) not in state["artifacts"]]
    if missing:
        raise ReelgraphError(f"storyboard incomplete: no image for beats {missing}")
    return {"phase": "storyboard"}
