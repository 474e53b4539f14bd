"""Threads as branches in the LangGraph server: who owns a run, thread metadata, the tree.

In the server a thread IS a branch. Its video and branch name live in the thread's metadata
(``video_id``, ``branch``; forks add ``parent`` and ``fork_checkpoint_id``), so searching
threads by ``metadata={"video_id": …}`` lists a video's tree; and in our ``branches`` table,
so the command line and the chat see the same tree.
"""

from __future__ import annotations

from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.runtime import Runtime

from agent.deps import Deps
from agent.errors import UserError
from agent.state import State


class Refused(UserError, ValueError):
    """A server client's request refused with a reason.

    Also a ``ValueError``: the LangGraph server shows the message of builtin errors to the
    client (``runs.wait`` → ``__error__.message``) and hides that of others.
    """


def server_user(runtime: Runtime[Deps], config: RunnableConfig) -> str | None:
    """The authenticated user of a LangGraph server run; None outside the server.

    The server puts the user in ``runtime.server_info.user`` (and its id in
    ``config["configurable"]["langgraph_auth_user_id"]``). A server without auth has no
    identity: the local user (``REELGRAPH_USER``) owns what it makes.
    """
    info = runtime.server_info
    if info is None:
        return None
    identity = getattr(info.user, "identity", None) if info.user is not None else None
    identity = identity or (config.get("configurable") or {}).get("langgraph_auth_user_id")
    return str(identity) if identity else ""


def thread_id(config: RunnableConfig) -> str:
    """The run's thread id."""
    return str((config.get("configurable") or {})["thread_id"])


async def tag_thread(thread: str, metadata: dict[str, Any]) -> None:
    """Merge ``metadata`` into a thread's metadata, through the server's in-process client.

    Only inside a LangGraph server process (the in-process transport bypasses auth; the
    caller has already checked ownership).
    """
    from langgraph_sdk import get_client

    await get_client(url=None, api_key=None).threads.update(thread, metadata=metadata)


async def thread_metadata(thread: str) -> dict[str, Any]:
    """A thread's metadata, through the server's in-process client."""
    from langgraph_sdk import get_client

    found = await get_client(url=None, api_key=None).threads.get(thread)
    return dict(found.get("metadata") or {})


async def check_owner(deps: Deps, state: State, user: str) -> None:
    """Refuse a server run on state that is not ``user``'s (forged ``update_state`` values).

    Read-only. Checks that the state's owner is the caller, that the video is theirs, and
    that every artifact the state refers to is one of that video's artifacts.

    Raises:
        Refused: the video is not the caller's, or an artifact is not the video's.
    """
    owner = user or deps.settings.user_id
    video_id = state.get("video_id", "")
    refs = [r for r in state.get("artifacts", {}).values()]
    refs += [o.image for o in state.get("overrides", {}).values() if o.image is not None]
    async with deps.pool.connection() as conn:
        cur = await conn.execute("SELECT user_id FROM videos WHERE id = %s", (video_id,))
        row = await cur.fetchone()
        if row is None or row["user_id"] != owner or state.get("user_id") != owner:
            raise Refused(f"no video {video_id!r} of yours; fork from one of your threads")
        cur = await conn.execute(
            "SELECT key, sha256 FROM artifacts WHERE video_id = %s AND key = ANY(%s)",
            (video_id, [r.key for r in refs]),
        )
        known = {(r["key"], r["sha256"]) for r in await cur.fetchall()}
    strange = sorted(r.key for r in refs if (r.key, r.sha256) not in known)
    if strange:
        raise Refused(f"artifacts {strange} are not artifacts of video {video_id}")


async def register_branch(deps: Deps, state: State, thread: str, user: str) -> None:
    """Make sure this thread is recorded as its branch (a fork's first run), owner checked.

    Idempotent: a branch already recorded with this thread changes nothing, so calling it
    again (a review node re-running on resume) is harmless. A new branch takes its parent and
    fork checkpoint from the thread's metadata (see :mod:`agent.server.fork`).

    Raises:
        Refused: see :func:`check_owner`; or the branch name is taken by another thread.
    """
    await check_owner(deps, state, user)
    video_id, name = state["video_id"], state["branch"]
    async with deps.pool.connection() as conn:
        cur = await conn.execute(
            "SELECT thread_id FROM branches WHERE video_id = %s AND name = %s", (video_id, name)
        )
        row = await cur.fetchone()
    if row is not None:
        if row["thread_id"] != thread:
            raise Refused(
                f"video {video_id} already has a branch {name!r} (thread {row['thread_id']});"
                " give the fork a new name (fork_values picks the next free one)"
            )
        return
    meta = await thread_metadata(thread)
    parent = meta.get("parent") or name.rpartition("-")[0] or None
    async with deps.pool.connection() as conn:
        await conn.execute(
            """INSERT INTO branches (video_id, name, thread_id, parent, fork_checkpoint_id,
                                     fork_phase, status, phase)
               VALUES (%s, %s, %s, %s, %s, %s, 'paused', %s)
               ON CONFLICT DO NOTHING""",
            (
                video_id,
                name,
                thread,
                parent,
                meta.get("fork_checkpoint_id"),
                state.get("phase"),
                state.get("phase"),
            ),
        )
    await tag_thread(thread, {"video_id": video_id, "branch": name, "parent": parent})
