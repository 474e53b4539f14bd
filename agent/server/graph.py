"""The graph ``langgraph dev`` serves: the app's graph plus the server's admission and door.

``langgraph.json``: ``"graphs": {"reelgraph": "./agent/server/graph.py:graph"}``: a graph
factory (:func:`graph`) that hands the server :data:`compiled` and, for a run, holds the
branch's run lock (:mod:`agent.service.locks`, the lock every run of the queue, the command
line and the chat takes) for as long as the run lasts: one run per branch holds across the
server's runtime and ours. The compiled graph is built without a checkpointer (the server
brings ours, :mod:`.checkpointer`), its input is
:class:`~agent.state.VideoInput` and it has no context schema (nodes fall back to the
process-wide Deps). Its nodes and channels are the app's (:func:`agent.graph.builder`), so
either can read the other's threads; what differs is the first node (:func:`.admit.admit`
turns a client's input into a video) and the review pauses' door (:class:`ServerDoor`: the
branch's status row, and forks made by the server).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, cast

from langchain_core.runnables import RunnableConfig
from langgraph.config import get_config
from langgraph.runtime import Runtime
from langgraph_sdk.runtime import ServerRuntime

from agent.deps import Deps
from agent.editing import Edit
from agent.errors import BranchBusy
from agent.graph import builder
from agent.phases.common import deps_of
from agent.phases.resume import Forker
from agent.phases.review import record_pause
from agent.server.admit import admit
from agent.server.fork import fork_thread
from agent.service import locks
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


class Busy(BranchBusy, RuntimeError):
    """The branch is running elsewhere.

    Also a ``RuntimeError``: the LangGraph server shows the message of builtin errors to the
    client (``runs.wait`` → ``__error__.message``) and hides that of others.
    """


#: The served graph, compiled once; :func:`graph` hands it to the server.
compiled = served().compile(name="reelgraph")


@asynccontextmanager
async def graph(config: RunnableConfig, runtime: ServerRuntime[Any]) -> AsyncIterator[Any]:
    """The server's graph factory: :data:`compiled`, under the branch's run lock for a run.

    langgraph-api enters this around everything it does with the graph; for a run
    (``access_context == "threads.create_run"``) the context lasts the whole run, so the
    lock on the run's thread (:func:`agent.service.locks.run_lock`) is held from its first
    step to its last. Reads (state, history, schemas) take no lock.

    Args:
        config: the run's config (``configurable.thread_id`` names the branch's thread).
        runtime: the server's runtime (its ``access_context`` says what the graph is for).

    Raises:
        Busy: (a :class:`~agent.errors.BranchBusy`) a run of this branch is going on
            elsewhere (a job of the queue, a ``reelgraph`` command, the chat): the server's
            run fails with this message and the thread stays as it was.
        StorageError: the database cannot be reached.
    """
    thread = (config.get("configurable") or {}).get("thread_id")
    if runtime.access_context != "threads.create_run" or not thread:
        yield compiled
        return
    deps = await deps_of(cast("Runtime[Deps]", Runtime(context=None)))
    async with locks.run_lock(deps.pool, str(thread)) as lock:
        if lock is None:
            raise Busy(
                f"this thread's branch is running elsewhere (thread {thread}: a job of the"
                " reelgraph queue, a command or the chat); run it again when it pauses"
                " (`reelgraph status` shows it)"
            )
        yield compiled
