"""What every phase node shares: its Deps, the recorder for its state, progress, fan-out tasks."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from typing import Any, TypedDict

from langgraph.runtime import Runtime

from agent.deps import Deps, open_deps
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


#: Process-wide Deps per event loop, for runs that bring none (the LangGraph server's).
_SHARED: dict[asyncio.AbstractEventLoop, asyncio.Future[Deps]] = {}
_STACKS: list[AsyncExitStack] = []


async def _open_shared() -> Deps:
    from agent.settings import Settings  # the server is an edge: settings from the environment

    stack = AsyncExitStack()
    deps = await stack.enter_async_context(open_deps(Settings()))
    _STACKS.append(stack)
    return deps


def share(deps: Deps) -> None:
    """Make ``deps`` the process-wide Deps of the running event loop.

    The server's checkpointer factory does this, so nodes and checkpoints share one pool.
    """
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[Deps] = loop.create_future()
    ready.set_result(deps)
    _SHARED[loop] = ready


def unshare() -> None:
    """Forget the running event loop's process-wide Deps (they are being closed)."""
    _SHARED.pop(asyncio.get_running_loop(), None)


async def deps_of(runtime: Runtime[Deps]) -> Deps:
    """The node's dependencies: the run's context, else the process-wide Deps.

    The app passes its :class:`Deps` as the run's context. The LangGraph server passes none
    (or a dict of its own); then one Deps per event loop is opened on first use from
    ``Settings()`` (the environment: ``DATABASE_URL``, ``REELGRAPH_HOME``, …) and kept open for
    the life of the process.

    Raises:
        StorageError: the database cannot be started or reached.
    """
    if isinstance(runtime.context, Deps):
        return runtime.context
    loop = asyncio.get_running_loop()
    task = _SHARED.get(loop)
    if task is None or (task.done() and task.exception() is not None):
        task = _SHARED[loop] = loop.create_task(_open_shared())
    return await asyncio.shield(task)


def opened(runtime: Runtime[Deps]) -> Deps:
    """The Deps :func:`deps_of` gave this run, without waiting.

    Raises:
        RuntimeError: the node did not ``await deps_of(runtime)`` first.
    """
    if isinstance(runtime.context, Deps):
        return runtime.context
    task = _SHARED.get(asyncio.get_running_loop())
    if task is None or not task.done() or task.exception() is not None:
        raise RuntimeError("await deps_of(runtime) before using the run's dependencies")
    return task.result()


def recorder(runtime: Runtime[Deps], state: State | BeatTask, phase: Phase) -> Recorder:
    """The recorder filing this node's calls under its video, branch and phase.

    Call it after ``await deps(runtime)`` (see :func:`opened`).
    """
    return opened(runtime).recorder(
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
