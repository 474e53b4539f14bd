"""Forking a branch on the LangGraph server: a server-side operation, asked for by a resume.

Clients cannot write graph state (:mod:`agent.server.auth` refuses ``threads.update_state``
and changes to the metadata the server keeps), so a client asks the paused thread for a fork::

    await client.runs.wait(tid, "reelgraph", command={"resume": {"action": "fork"}})
    # or with the edit to apply on the new branch:
    #   {"action": "fork", "calls": [{"tool": "regenerate_beat", "args": {"beat": 2}}]}
    #   {"action": "fork", "text": "regenerate beat 2 with a sunset"}
    pause = (await client.threads.get_state(tid))["interrupts"][0]["value"]
    fork = pause["fork"]      # {"thread_id", "branch": "main-1", "parent": "main", "phase"}
    await client.runs.wait(fork["thread_id"], "reelgraph", input=None)   # → its pause

The review node (:mod:`agent.phases.review`) calls :func:`fork_thread`: it names the branch
(``main`` → ``main-1``), computes the new values from the pause plus the edit (the edit
classes of :mod:`agent.editing`, as ``reelgraph edit`` does), creates the thread owned by the
caller and seeds it through the server's in-process client, then records the branch row. The
parent pauses at the same review again, unchanged, with ``fork`` in its payload.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from psycopg import errors as pg_errors
from pydantic_core import to_jsonable_python

from agent import branches
from agent.branches import child_name
from agent.deps import Deps
from agent.editing import Edit, seed_values
from agent.errors import StorageError
from agent.phases import effects
from agent.server.tree import as_server
from agent.state import PHASES, PRIVATE_KEYS, Phase, State

if TYPE_CHECKING:
    from langgraph_sdk.client import LangGraphClient

#: Keys of a thread's values that are not copied into a fork: one-step routing channels and
#: the served graph's input-only keys.
_NOT_COPIED = frozenset({*PRIVATE_KEYS, "edit_check", "duration_s", "aspect"})
#: Tries at a free branch name when another fork takes the same one at the same moment.
_NAME_TRIES = 3


def fork_values(values: dict[str, Any], branch: str) -> dict[str, Any]:
    """The values to seed a fork with: the parent's, renamed to ``branch``, pausing at reviews.

    Args:
        values: the parent thread's state values at its pause.
        branch: the fork's branch name.

    Raises:
        ValueError: ``values`` is not a paused video's state (no ``video_id``).
    """
    if not values.get("video_id"):
        raise ValueError("these values hold no video: fork a thread that has paused at a review")
    copied = {k: v for k, v in values.items() if k not in _NOT_COPIED and v is not None}
    return {**copied, "branch": branch, "auto_continue": False}


def seed_node(phase: str) -> str:
    """The ``as_node`` that leaves a seeded thread at the ``phase`` review: its generation node.

    Raises:
        ValueError: not a phase.
    """
    if phase not in PHASES:
        raise ValueError(f"unknown phase {phase!r}: plan, storyboard, chunks or refine")
    return phase


def _seeding(
    thread: str, metadata: dict[str, str], values: Any, as_node: str
) -> Callable[[LangGraphClient], Awaitable[None]]:
    """Create ``thread`` with ``metadata`` and seed its state with ``values`` as ``as_node``."""

    async def seed(client: LangGraphClient) -> None:
        await client.threads.create(thread_id=thread, metadata=metadata, graph_id="reelgraph")
        await client.threads.update_state(thread, values, as_node=as_node)

    return seed


def _deleting(thread: str) -> Callable[[LangGraphClient], Awaitable[None]]:
    async def delete(client: LangGraphClient) -> None:
        await client.threads.delete(thread)

    return delete


async def fork_thread(
    deps: Deps,
    state: State,
    phase: Phase,
    asked: list[Edit],
    edits: list[Edit],
    *,
    owner: str,
    checkpoint_id: str | None,
) -> dict[str, str]:
    """Make a new branch of the paused ``state`` on a new thread; the parent is not changed.

    Call it only inside a LangGraph server run, after the state was checked
    (:func:`agent.trust.guard`): it acts as the server (:func:`agent.server.tree.as_server`).

    Args:
        deps: the run's dependencies.
        state: the parent's state at the ``phase`` pause.
        phase: the pause.
        asked: every edit the client asked for: the fork's next pause measures what they
            changed against this pause (:func:`agent.phases.effects.at_pause`).
        edits: the edits to apply on the new branch (``asked`` less those known to change
            nothing, :func:`agent.phases.effects.refuse_no_ops`; none: it pauses at the same
            review).
        owner: the caller, stamped as the new thread's owner.
        checkpoint_id: the parent's checkpoint at the pause (recorded as the fork point).

    Returns:
        ``{"thread_id", "branch", "parent", "phase"}`` of the new branch.

    Raises:
        UserError: an edit that does not apply (an unknown model, a beat that does not exist).
        StorageError: the database cannot be reached, or no free branch name was found.
    """
    parent = state["branch"]
    video_id = state["video_id"]
    check = None
    if edits:
        video = deps.registry.video(state["options"].video_model)
        values, pause, as_node = seed_values(dict(state), edits, video.clip_lengths_s)
        check = effects.pending_check(state, asked, pause)
    else:
        values, as_node = dict(state), seed_node(phase)
    for _ in range(_NAME_TRIES):
        names = [b.name for b in await branches.list_branches(deps.pool, video_id)]
        name = child_name(names, parent)
        seeded = {**fork_values(values, name), "edit_check": check}
        if seeded.get("spec") != state.get("spec"):
            rec = deps.recorder(video_id, state["user_id"], name, "plan", None)
            data = seeded["spec"].model_dump_json(indent=2).encode()
            ref = await rec.keep("spec", "json", "application/json", data, "user", "edit")
            seeded["artifacts"] = {**seeded["artifacts"], "spec": ref}
        thread = str(uuid.uuid4())
        meta = {"owner": owner, "video_id": video_id, "branch": name, "parent": parent}
        if checkpoint_id:
            meta["fork_checkpoint_id"] = checkpoint_id
        # thread, state, then the branch row: a crash in between leaves a thread that is no
        # branch (its runs are refused), never a branch without its state
        await as_server(_seeding(thread, meta, to_jsonable_python(seeded), as_node))
        try:
            await branches.create(
                deps.pool, video_id, name, thread, parent, checkpoint_id, fork_phase=phase
            )
        except pg_errors.UniqueViolation:  # another fork took the name first
            await as_server(_deleting(thread))
            continue
        return {"thread_id": thread, "branch": name, "parent": parent, "phase": phase}
    raise StorageError(f"no free branch name under {parent!r} after {_NAME_TRIES} tries")
