"""The graph: admit → plan → review → storyboard → review → chunks → review → refine → review.

Generation lives in its own nodes, review nodes only pause. Storyboard images and video
chunks fan out with ``Send`` (one task per beat) and are collected in one join node; a crash
in the middle of a fan-out keeps the tasks that finished. After a review the router goes on
to the next phase, or where the review's resume sent it (an edit's re-run, or the same pause
again when the resume could not be used).

:func:`build_graph` compiles the app's graph with its Postgres saver. The LangGraph server
serves the same nodes and channels with its own first node and pause door
(:mod:`agent.server.graph`, which imports this module; nothing here imports the server), so
either can read the other's threads.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Send

from agent.deps import Deps
from agent.phases import chunks, plan, refine, review, storyboard
from agent.phases.common import BeatTask
from agent.state import AdmitInput, Output, Phase, State
from agent.trust import Refused

#: Where each review goes when it just continues.
NEXT: dict[Phase, str] = {
    "plan": "draw_beat",
    "storyboard": "render_beat",
    "chunks": "refine",
    "refine": END,
}
#: Every node a review may send the run to.
DESTINATIONS = [
    "review_plan", "draw_beat", "review_storyboard", "render_beat",
    "review_chunks", "refine", "review_refine", END,
]  # fmt: skip


def after_review(phase: Phase) -> Callable[[State], str | list[Send]]:
    """The router after ``review_<phase>``: ``state["goto"]`` if set, else the next phase."""

    def route(state: State) -> str | list[Send]:
        target = state.get("goto") or NEXT[phase]
        if target == "draw_beat":
            return storyboard.dispatch(state)
        if target == "render_beat":
            return chunks.dispatch(state)
        return target

    route.__name__ = f"after_review_{phase}"
    return route


async def started(state: AdmitInput) -> dict[str, Any]:
    """The app's first node: its runs start with the video made and the state filled.

    Raises:
        Refused: the state holds no video (start one through a door: CLI, chat, HTTP API).
    """
    if not state.get("video_id"):
        raise Refused("this thread holds no video; start one with a prompt")
    return {}


Admit = Callable[..., Awaitable[dict[str, Any]]]


def builder(
    input_schema: type[Any] = State,
    context_schema: type[Any] | None = Deps,
    *,
    admit: Admit = started,
    door: review.Door | None = None,
) -> StateGraph[State, Deps, Any, Output]:
    """The uncompiled graph.

    Args:
        input_schema: what a run's input may set (the app: all of :class:`State`; the
            server: :class:`~agent.state.VideoInput`).
        context_schema: the run context (the app passes :class:`Deps`; the server passes a
            dict of its own, so its graph has none and nodes fall back to process-wide Deps).
        admit: the first node (the app: :func:`started`; the server: its admission, which
            turns a client's input into a video).
        door: what the serving door adds at the review pauses (:class:`review.Door`); None
            for the app, whose studio keeps branch rows and makes forks itself.
    """
    g: StateGraph[State, Deps, Any, Output] = StateGraph(
        State, context_schema=context_schema, input_schema=input_schema, output_schema=Output
    )
    g.add_node("admit", admit, input_schema=AdmitInput)
    g.add_node("plan", plan.plan)
    g.add_node("review_plan", review.make_review("plan", door))
    # mypy cannot match a TypedDict input schema against the node protocols (which overload
    # it reports varies between runs)
    g.add_node("draw_beat", storyboard.draw_beat, input_schema=BeatTask)  # type: ignore[arg-type, call-overload, unused-ignore]
    g.add_node("storyboard", storyboard.storyboard)
    g.add_node("review_storyboard", review.make_review("storyboard", door))
    g.add_node("render_beat", chunks.render_beat, input_schema=BeatTask)  # type: ignore[arg-type, call-overload, unused-ignore]
    g.add_node("chunks", chunks.chunks)
    g.add_node("review_chunks", review.make_review("chunks", door))
    g.add_node("refine", refine.refine)
    g.add_node("review_refine", review.make_review("refine", door))

    g.add_edge(START, "admit")
    g.add_edge("admit", "plan")
    g.add_edge("plan", "review_plan")
    g.add_edge("draw_beat", "storyboard")
    g.add_edge("storyboard", "review_storyboard")
    g.add_edge("render_beat", "chunks")
    g.add_edge("chunks", "review_chunks")
    g.add_edge("refine", "review_refine")
    for phase in ("plan", "storyboard", "chunks", "refine"):
        g.add_conditional_edges(f"review_{phase}", after_review(phase), DESTINATIONS)
    return g


def build_graph(
    checkpointer: BaseCheckpointSaver[str] | None,
) -> CompiledStateGraph[State, Deps, Any, Output]:
    """Compile the app's graph with ``checkpointer``; its runs pass :class:`Deps` as context."""
    return builder().compile(checkpointer=checkpointer, name="reelgraph")
