"""Nothing a client can write is trusted: the check every node makes before it acts.

Graph state names a video, its owner, a branch and artifact references (a logical key and a
blob digest). On the LangGraph server a client could once write that state
(``threads.update_state``), and the nodes believed it: a digest of ``../../etc/passwd`` was
read into a video, and another user's ``video_id`` got artifacts and cost events. The server
now refuses client writes (:mod:`agent.server.auth`), but the check does not rely on that:
every node that reads or writes calls :func:`guard` first, in app runs and server runs alike,
and it resolves the state against the database before any provider call:

* the video exists and belongs to the state's ``user_id``, and on the LangGraph server to
  the authenticated caller;
* the state's branch is recorded for *this* thread (a copied or forged thread is no branch);
* every artifact reference (the state's, and uploaded images in its overrides) is a recorded
  artifact of this video, with that name, key and digest;
* the options are the ones the video was created with (models, budget, reference images:
  no edit changes them), so a forged state cannot lift a budget cap, switch to a paid model
  or point at another video's photos.

The check only reads, so a review node may run it again on every resume.
"""

from __future__ import annotations

import json
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.config import get_config
from langgraph.runtime import Runtime
from pydantic import BaseModel
from pydantic_core import to_jsonable_python

from agent.deps import Deps
from agent.errors import StorageError, UserError
from agent.phases.common import BeatTask, deps_of
from agent.state import State
from agent.store import check_digest

__all__ = ["Refused", "check_state", "guard", "server_user", "thread_id"]


class Refused(UserError, ValueError):
    """A request or a state refused with a reason.

    Also a ``ValueError``: the LangGraph server shows the message of builtin errors to the
    client (``runs.wait`` → ``__error__.message``) and hides that of others.
    """


def server_user(runtime: Runtime[Any], config: RunnableConfig) -> str | None:
    """The authenticated user of a LangGraph server run; None outside the server.

    The server puts the user in ``runtime.server_info.user`` (and its id in
    ``config["configurable"]["langgraph_auth_user_id"]``, which the server sets itself,
    overriding whatever a client sends). A server without auth has no identity: ``""``, and
    the local user (``REELGRAPH_USER``) owns what it makes.
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


def _field(ref: Any, name: str) -> Any:
    """A field of an artifact reference, whether a model or (forged past validation) a dict."""
    return ref.get(name) if isinstance(ref, dict) else getattr(ref, name, None)


def _refs(state: State | BeatTask) -> list[Any]:
    """Every artifact reference the state holds: its artifacts and uploaded override images."""
    refs: list[Any] = list((state.get("artifacts") or {}).values())
    for direction in (state.get("overrides") or {}).values():
        image = _field(direction, "image")
        if image is not None:
            refs.append(image)
    return refs


def _options(options: Any) -> dict[str, Any]:
    """The state's options as JSON values (as the ``videos`` row stores them)."""
    if isinstance(options, BaseModel):
        return options.model_dump(mode="json")
    return dict(to_jsonable_python(options)) if isinstance(options, dict) else {}


async def check_state(
    deps: Deps, state: State | BeatTask, *, thread: str, user: str | None
) -> None:
    """Refuse a state the database does not back (see the module docstring). Read-only.

    Args:
        deps: the run's dependencies (its pool and settings).
        state: the node's state, or one fan-out task.
        thread: the run's thread id.
        user: the LangGraph server's authenticated user (``""``: a server without auth,
            whose runs act as the local user); None for the app's own runs, whose door has
            checked the user already.

    Raises:
        Refused: no such video of this owner, the branch is not this thread, an artifact is
            not the video's, a digest is malformed, or the options are not the video's.
        StorageError: the database cannot be reached.
    """
    video_id = state.get("video_id")
    if not isinstance(video_id, str) or not video_id:
        raise Refused("this thread holds no video; start one with a prompt")
    branch = state.get("branch")
    refs = _refs(state)
    for ref in refs:
        try:
            check_digest(_field(ref, "sha256"))
        except StorageError as exc:  # a forged digest
            raise Refused(f"artifact {str(_field(ref, 'name'))[:40]!r}: {exc}") from None
    keys = [str(_field(r, "key")) for r in refs]
    async with deps.pool.connection() as conn:
        cur = await conn.execute(
            """SELECT v.user_id, v.options, b.thread_id
               FROM videos v LEFT JOIN branches b ON b.video_id = v.id AND b.name = %s
               WHERE v.id = %s""",
            (branch, video_id),
        )
        row = await cur.fetchone()
        known: set[tuple[str, str, str]] = set()
        if row is not None and keys:
            cur = await conn.execute(
                "SELECT name, key, sha256 FROM artifacts WHERE video_id = %s AND key = ANY(%s)",
                (video_id, keys),
            )
            known = {(r["name"], r["key"], r["sha256"]) for r in await cur.fetchall()}
    caller = None if user is None else (user or deps.settings.user_id)
    owner = None if row is None else row["user_id"]
    if owner is None or state.get("user_id") != owner or caller not in (None, owner):
        raise Refused(f"no video {str(video_id)[:40]!r} of yours; start one with a prompt")
    assert row is not None
    if row["thread_id"] != thread:
        raise Refused(
            f"branch {str(branch)[:40]!r} of video {video_id} is not this thread; fork with"
            ' the resume {"action": "fork"} at one of your pauses'
        )
    strange = sorted(
        str(_field(r, "name"))[:40]
        for r in refs
        if (_field(r, "name"), _field(r, "key"), _field(r, "sha256")) not in known
    )
    if strange:
        raise Refused(f"artifacts {strange} are not artifacts of video {video_id}")
    stored = row["options"] if isinstance(row["options"], dict) else json.loads(row["options"])
    given = _options(state.get("options"))
    changed = sorted(k for k, v in stored.items() if k != "auto_continue" and given.get(k) != v)
    if changed:
        raise Refused(f"options {changed} are not the options of video {video_id}")


async def guard(runtime: Runtime[Deps], state: State | BeatTask) -> Deps:
    """The node's dependencies, once its state is checked: every node calls this first.

    Raises:
        Refused: see :func:`check_state`.
        StorageError: the database cannot be started or reached.
    """
    deps = await deps_of(runtime)
    config = get_config()
    await check_state(deps, state, thread=thread_id(config), user=server_user(runtime, config))
    return deps
