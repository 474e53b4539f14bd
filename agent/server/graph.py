"""The graph ``langgraph dev`` serves: the app's graph plus the server's admission and door.

``langgraph.json``: ``"graphs": {"reelgraph": "./agent/server/graph.py:graph"}``. Compiled
without a checkpointer (the server brings ours, :mod:`.checkpointer`), its input is
:class:`~agent.state.VideoInput` and it has no context schema (nodes fall back to the
process-wide Deps). Its nodes and channels are the app's (:func:`agent.graph.builder`), so
either can read the other's threads; what differs is the first node (:func:`.admit.admit`
turns a client's input into a video) and the review pauses' door (:class:`ServerDoor`: the
branch's status row, and forks made by the server).
"""

from __future__ import annotations

from typing import Any

from langgraph.config import get_config
from langgraph.runtime import Runtime

from agent.deps import Deps
from agent.editing import Edit
from agent.graph import builder
from agent.phases.resume import Forker
from agent.phases.review import record_pause
from agent.server.admit import admit
from agent.server.fork import fork_thread
from agent.state import Phase, State, VideoInput
from agent.trust import server_user


class ServerDoor:
    """The LangGraph server at a pause: it keeps the branch row and makes forks."""

    async def paused(self, deps: Deps, state: State, phase: Phase, *, moving_on: bool) -> None:
        """Record the branch as paused at ``phase`` (or complete); see :func:`record_pause`."""
        await record_pause(deps, state, phase, moving_on=moving_on)

    def forker(
        self, deps: Deps, state: State, phase: Phase, runtime: Runtime[Deps]
    ) -> Forker | None:
        """Forks on new threads owned by the run's caller (:func:`.fork.fork_thread`)."""
        config = get_config()
        user = server_user(runtime, config)
        if user is None:  # not a server run after all (the graph invoked in-process)
            return None
        owner = user or deps.settings.user_id
        # the checkpoint this task runs from: the pause (the root graph's, in the map)
        checkpoint = ((config.get("configurable") or {}).get("checkpoint_map") or {}).get("")

        async def fork(asked: list[Edit], edits: list[Edit]) -> dict[str, str]:
            return await fork_thread(
                deps, state, phase, asked, edits, owner=owner, checkpoint_id=checkpoint
            )

        return fork


def served(**kwargs: Any) -> Any:
    """The served graph's builder (uncompiled), e.g. to compile it with a checkpointer in tests."""
    return builder(
        input_schema=VideoInput, context_schema=None, admit=admit, door=ServerDoor(), **kwargs
    )


graph = served().compile(name="reelgraph")
