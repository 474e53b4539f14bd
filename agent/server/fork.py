"""Forking a branch over the LangGraph server API (client side; imports nothing server-side).

A fork is a new thread seeded from a paused thread's values::

    parent = await client.threads.get_state(parent_id)           # paused at a review
    phase = parent["interrupts"][0]["value"]["phase"]
    tree = await client.threads.search(metadata={"video_id": video_id})
    name = next_branch([t["metadata"]["branch"] for t in tree], "main")   # "main-1"
    fork = await client.threads.create(metadata={
        "video_id": video_id, "branch": name, "parent": "main",
        "fork_checkpoint_id": parent["checkpoint"]["checkpoint_id"],
        "graph_id": "reelgraph"})                 # the server needs it to update the state
    await client.threads.update_state(
        fork["thread_id"], fork_values(parent["values"], name), as_node=seed_node(phase))
    await client.runs.wait(fork["thread_id"], "reelgraph", input=None)  # → the same pause

The fork's first run records it in reelgraph's ``branches`` table (after checking that the
video and every artifact in the values are the caller's) and pauses at the same review.
"""

from __future__ import annotations

from typing import Any

from agent.branches import child_name

#: Keys of a thread's values that are not copied into a fork: one-step routing channels and
#: the served graph's input-only keys.
_NOT_COPIED = frozenset({"goto", "review_error", "duration_s", "aspect"})


def fork_values(values: dict[str, Any], branch: str) -> dict[str, Any]:
    """The values to seed a fork with: the parent's, renamed to ``branch``, pausing at reviews.

    Args:
        values: the parent thread's state values at its pause (JSON, as the API returns them).
        branch: the fork's branch name (see :func:`next_branch`).

    Raises:
        ValueError: ``values`` is not a paused video's state (no ``video_id``).
    """
    if not values.get("video_id"):
        raise ValueError("these values hold no video: fork a thread that has paused at a review")
    copied = {k: v for k, v in values.items() if k not in _NOT_COPIED and v is not None}
    return {**copied, "branch": branch, "auto_continue": False}


def next_branch(existing: list[str], parent: str) -> str:
    """The next free child name: ``main`` → ``main-1``, ``main-2``; ``main-1`` → ``main-1-1``."""
    return child_name(existing, parent)


def seed_node(phase: str) -> str:
    """The ``as_node`` that leaves a seeded thread at the ``phase`` review: its generation node.

    Raises:
        ValueError: not a phase.
    """
    if phase not in ("plan", "storyboard", "chunks", "refine"):
        raise ValueError(f"unknown phase {phase!r}: plan, storyboard, chunks or refine")
    return phase
