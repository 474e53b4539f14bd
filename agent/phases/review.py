"""The four review pauses.

No side effects here: LangGraph re-runs an interrupted node from its first line on resume.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, Protocol

from langgraph.runtime import Runtime
from langgraph.types import interrupt

from agent.deps import Deps
from agent.state import Phase, State
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
    """What a client renders at a pause: the phase, branch, artifacts, cost, allowed actions."""
    usage = await branch_usage(deps.pool, state["video_id"], state["branch"])
    return {
        "video_id": state["video_id"],
        "branch": state["branch"],
        "phase": phase,
        "next_phase": NEXT_PHASE[phase],
        "artifacts": {
            name: {"key": ref.key, "version": ref.version, "mime": ref.mime}
            for name, ref in sorted(state.get("artifacts", {}).items())
        },
        "cost_usd": usage["cost_usd"],
        "estimate_next_usd": 0.0,
        "allowed": list(ALLOWED[phase]),
    }


class ReviewNode(Protocol):
    """A review node, as LangGraph calls it."""

    def __call__(self, state: State, *, runtime: Runtime[Deps]) -> Awaitable[dict[str, Any]]:
        """Pause, then return the state update."""
        ...


def make_review(phase: Phase) -> ReviewNode:
    """The review node of ``phase``: pause (unless auto-continue), then carry on.

    The resume value is ``{"action": "continue"}``, optionally with ``"auto_continue": true``
    to run the rest without pausing.
    """

    async def review(state: State, *, runtime: Runtime[Deps]) -> dict[str, Any]:
        if state.get("auto_continue"):
            return {}
        answer = interrupt(await pause_payload(state, phase, runtime.context))
        if isinstance(answer, dict) and answer.get("auto_continue"):
            return {"auto_continue": True}
        return {}

    review.__name__ = f"review_{phase}"
    return review
