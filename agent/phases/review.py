"""The four review pauses.

Nothing with lasting effect happens before ``interrupt()``: LangGraph re-runs an interrupted
node from its first line on resume. (The node first checks its state against the database,
:func:`agent.trust.guard`, which only reads; the graph's :class:`Door`, if it has one, may
record the branch's status, which is idempotent.) What a resume value does is decided after
it, in :mod:`agent.phases.resume`; a fork resume is carried out by the door (the LangGraph
server's makes a new thread, :mod:`agent.server.fork`), and refused where the graph has none.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, Protocol

from langgraph.runtime import Runtime
from langgraph.types import interrupt

from agent import branches
from agent.deps import Deps
from agent.errors import UserError
from agent.phases import effects, forecast, resume
from agent.state import Phase, State
from agent.trust import guard
from agent.usage import branch_usage

#: What a user may do at each pause (DESIGN.md §2).
ALLOWED: dict[Phase, tuple[str, ...]] = {
    "plan": ("continue", "edit_spec"),
    "storyboard": ("continue", "regenerate_beat", "replace_beat_image", "revisit_phase"),
    "chunks": ("continue", "regenerate_chunk", "revisit_phase"),
    "refine": ("continue", "regenerate_music", "set_music_volume", "revisit_phase"),
}

#: The phase that continuing leads to (None: the video is finished).
NEXT_PHASE: dict[Phase, Phase | None] = {
    "plan": "storyboard",
    "storyboard": "chunks",
    "chunks": "refine",
    "refine": None,
}


async def pause_payload(state: State, phase: Phase, deps: Deps) -> dict[str, Any]:
    """What a client renders at a pause.

    ``estimate_next_usd`` is what continuing now would spend in the next phase, in USD: the
    prices of its paid calls (storyboard: one image per beat; chunks: one clip per chunk on
    the video model's grid; refine: the music) as each provider's ``describe`` gives them,
    the same prices the budget check uses: 0 for the offline providers, the catalog
    (``agent/providers/replicate/models.toml``) for Replicate's. Calls the memo already holds
    are reused at no cost and left out; see :func:`agent.phases.forecast.next_phase_cost`,
    which also says when the number is an upper bound. It is 0 after refine (nothing is
    left), and 0 with ``estimate_error`` set when the next phase cannot be priced because it
    would refuse to run (an unknown model, a clip the model cannot make).

    Returns:
        ``{"video_id", "branch", "phase", "next_phase", "artifacts"`` (name, as files are
        named, 0-based: ``beat_00`` → ``{key, version, mime, label}``, ``label`` as users
        count, from 1: ``beat 1``), ``"cost_usd"`` (spent on the branch so far, USD),
        ``"estimate_next_usd"``, ``"estimate_error"`` (None, or why there is no estimate),
        ``"allowed"`` (``continue`` and the edit tools of this pause), ``"resume"`` (the
        resume values a client may send, see :mod:`agent.phases.resume`), ``"error"`` (why
        the last resume was not used, or None), ``"fork"`` (the branch a fork resume just
        made: ``{thread_id, branch, parent, phase}``, or None), ``"effect"`` and
        ``"effects"`` (what the edit that led here changed, measured against the pause it
        was made from: :func:`agent.phases.effects.at_pause`; None and ``[]`` if no edit did),
        ``"effect_error"`` (None, or why it could not be measured)``}``.

    Raises:
        StorageError: the database cannot be reached.
    """
    usage = await branch_usage(deps.pool, state["video_id"], state["branch"])
    next_phase = NEXT_PHASE[phase]
    estimate_error = None
    try:
        estimate = await forecast.next_phase_cost(state, next_phase, deps.registry, deps.pool)
    except UserError as exc:  # continuing will fail with the same message
        estimate, estimate_error = 0.0, str(exc)
    return {
        "video_id": state["video_id"],
        "branch": state["branch"],
        "phase": phase,
        "next_phase": next_phase,
        "artifacts": {
            name: {
                "key": ref.key,
                "version": ref.version,
                "mime": ref.mime,
                "label": effects.label(name),
            }  # fmt: skip
            for name, ref in sorted(state.get("artifacts", {}).items())
        },
        "cost_usd": usage.cost_usd,
        "estimate_next_usd": estimate,
        "estimate_error": estimate_error,
        "allowed": list(ALLOWED[phase]),
        "resume": resume.resume_shapes(list(ALLOWED[phase])),
        "error": state.get("review_error"),
        "fork": state.get("forked"),
        **await effects.at_pause(deps, state, phase),
    }


async def record_pause(deps: Deps, state: State, phase: Phase, *, moving_on: bool) -> None:
    """Record the branch as paused here or complete, and main's title, for ``reelgraph videos``.

    Studio runs keep the row themselves (:meth:`agent.studio.Studio.run`); runs of a graph
    served by another door (the LangGraph server) have only the graph's nodes to do it, through
    their :class:`Door`. A run between pauses is not marked ``running``:
    :meth:`~agent.studio.Studio.status` would take a running row without the studio's run
    lock for a run that was cut off.

    Raises:
        StorageError: the database cannot be reached.
    """
    if not moving_on:
        await branches.set_status(deps.pool, state["video_id"], state["branch"], "paused", phase)
        await branches.set_title(deps.pool, state["video_id"], state["branch"], state.get("spec"))
    elif NEXT_PHASE[phase] is None:
        await branches.set_status(deps.pool, state["video_id"], state["branch"], "complete", phase)


class Door(Protocol):
    """What the door serving a graph adds at its pauses.

    The LangGraph server's keeps the branch row and makes forks; the app's graph has none
    (:class:`~agent.studio.Studio` keeps its rows and makes forks itself).
    """

    async def paused(self, deps: Deps, state: State, phase: Phase, *, moving_on: bool) -> None:
        """The run reached the ``phase`` pause (``moving_on``: and goes on past it)."""
        ...

    def forker(
        self, deps: Deps, state: State, phase: Phase, runtime: Runtime[Deps]
    ) -> resume.Forker | None:
        """How a fork resume at this pause is carried out, or None (refused with a reason)."""
        ...


class ReviewNode(Protocol):
    """A review node, as LangGraph calls it."""

    def __call__(self, state: State, *, runtime: Runtime[Deps]) -> Awaitable[dict[str, Any]]:
        """Pause, then return the state update."""
        ...


def make_review(phase: Phase, door: Door | None = None) -> ReviewNode:
    """The review node of ``phase``: pause (unless auto-continue), then act on the resume.

    The resume value is ``{"action": "continue"}`` (optionally ``"auto_continue": true`` to
    run the rest without pausing), an edit, a text request or a fork: see
    :mod:`agent.phases.resume`. The update's ``goto`` tells the graph's router where to go
    (None: the next phase).

    Args:
        phase: the pause.
        door: what the serving door adds (status rows, forks); None for the app's graph.
    """

    async def review(state: State, *, runtime: Runtime[Deps]) -> dict[str, Any]:
        deps = await guard(runtime, state)
        if door is not None:
            await door.paused(deps, state, phase, moving_on=bool(state.get("auto_continue")))
        if state.get("auto_continue"):
            return {"goto": None, "edit_check": None}
        answer = interrupt(await pause_payload(state, phase, deps))
        forker = None if door is None else door.forker(deps, state, phase, runtime)
        update = await resume.resolve(answer, state, phase, ALLOWED[phase], deps, forker)
        if door is not None and update.get("goto") is None:
            await door.paused(deps, state, phase, moving_on=True)
        return update

    review.__name__ = f"review_{phase}"
    return review
