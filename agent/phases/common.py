"""What every phase node shares: the recorder for its state, progress events, fan-out tasks."""

from __future__ import annotations

from typing import Any, TypedDict

from langgraph.runtime import Runtime

from agent.deps import Deps
from agent.memo import Recorder
from agent.spec import Spec
from agent.state import ArtifactRef, Options, Override, Phase, State


class BeatTask(TypedDict):
    """Input of one fan-out task (a ``Send``): one beat of the spec."""

    video_id: str
    user_id: str
    branch: str
    options: Options
    spec: Spec
    beat_index: int
    artifacts: dict[str, ArtifactRef]
    overrides: dict[str, Override]


def recorder(runtime: Runtime[Deps], state: State | BeatTask, phase: Phase) -> Recorder:
    """The recorder filing this node's calls under its video, branch and phase."""
    return runtime.context.recorder(
        state["video_id"],
        state["user_id"],
        state["branch"],
        phase,
        state["options"].budget_usd,
    )


def progress(runtime: Runtime[Deps], phase: Phase, item: str, total: int, **extra: Any) -> None:
    """Tell whoever streams the run that ``item`` of ``total`` in ``phase`` is done."""
    runtime.stream_writer({"phase": phase, "item": item, "total": total, **extra})


def beat_tasks(state: State) -> list[BeatTask]:
    """One task per beat of the state's spec."""
    spec = state["spec"]
    assert spec is not None, "fan-out before the plan exists"
    return [
        BeatTask(
            video_id=state["video_id"],
            user_id=state["user_id"],
            branch=state["branch"],
            options=state["options"],
            spec=spec,
            beat_index=beat.index,
            artifacts=state.get("artifacts", {}),
            overrides=state.get("overrides", {}),
        )
        for beat in spec.beats
    ]


def override(state: State | BeatTask, name: str) -> Override:
    """The user's direction for artifact ``name`` (the default: none)."""
    return state.get("overrides", {}).get(name) or Override()


def beat_name(index: int) -> str:
    """Logical name of a beat's storyboard image (``beat_00``)."""
    return f"beat_{index:02d}"


def chunk_name(index: int) -> str:
    """Logical name of a video chunk (``chunk_00``)."""
    return f"chunk_{index:02d}"
