"""The graph: plan → review → storyboard → review → chunks → review → refine → review.

Generation lives in its own nodes, review nodes only pause. Storyboard images and video
chunks fan out with ``Send`` (one task per beat) and are collected in one join node; a crash
in the middle of a fan-out keeps the tasks that finished.

``graph`` (compiled without a checkpointer) is what ``langgraph.json`` serves;
:func:`build_graph` compiles with the app's Postgres saver.
"""

from __future__ import annotations

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from agent.deps import Deps
from agent.phases import chunks, plan, refine, review, storyboard
from agent.phases.common import BeatTask
from agent.state import State


def builder() -> StateGraph[State, Deps, State, State]:
    """The uncompiled graph."""
    g: StateGraph[State, Deps, State, State] = StateGraph(State, context_schema=Deps)
    g.add_node("plan", plan.plan)
    g.add_node("review_plan", review.make_review("plan"))
    # mypy cannot match a TypedDict input schema against the node protocols
    g.add_node("draw_beat", storyboard.draw_beat, input_schema=BeatTask)  # type: ignore[call-overload]
    g.add_node("storyboard", storyboard.storyboard)
    g.add_node("review_storyboard", review.make_review("storyboard"))
    g.add_node("render_beat", chunks.render_beat, input_schema=BeatTask)  # type: ignore[arg-type]
    g.add_node("chunks", chunks.chunks)
    g.add_node("review_chunks", review.make_review("chunks"))
    g.add_node("refine", refine.refine)
    g.add_node("review_refine", review.make_review("refine"))

    g.add_edge(START, "plan")
    g.add_edge("plan", "review_plan")
    g.add_conditional_edges("review_plan", storyboard.dispatch, ["draw_beat"])
    g.add_edge("draw_beat", "storyboard")
    g.add_edge("storyboard", "review_storyboard")
    g.add_conditional_edges("review_storyboard", chunks.dispatch, ["render_beat"])
    g.add_edge("render_beat", "chunks")
    g.add_edge("chunks", "review_chunks")
    g.add_edge("review_chunks", "refine")
    g.add_edge("refine", "review_refine")
    g.add_edge("review_refine", END)
    return g


def build_graph(
    checkpointer: BaseCheckpointSaver[str] | None,
) -> CompiledStateGraph[State, Deps, State, State]:
    """Compile the graph with ``checkpointer`` (None for the LangGraph server)."""
    return builder().compile(checkpointer=checkpointer, name="reelgraph")


graph = build_graph(None)
