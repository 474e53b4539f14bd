"""Who is calling the LangGraph server, and what they may see: every thread has an owner.

``langgraph.json``: ``"auth": {"path": "./agent/server/auth.py:auth",
"disable_studio_auth": true}``. A request carries ``Authorization: Bearer <token>``; the
token maps to a user through ``REELGRAPH_API_TOKENS`` (``"tok1:alice,tok2:bob"``). Unknown or
missing token → 401. Threads (and runs on them, crons, assistants made by users) are stamped
with ``metadata.owner`` on create and filtered by it on every read, search, update, delete and
run, so another user's thread answers 404. The graph's own assistants (made by the server) can
be read by every authenticated user; the store is closed.

Graph state and the metadata that ties a thread to a video are the server's to write
(DESIGN.md §6), so these are refused with 403 whoever owns the thread:

* ``threads.update_state`` (and its bulk form): langgraph-api authorises it as a threads
  ``update`` whose value has no ``metadata`` (a metadata patch always has one);
* ``threads.copy`` (a create without ``metadata``): a second thread claiming the same branch;
* a thread created or patched with metadata the server keeps (:data:`SERVER_METADATA`), and a
  run whose metadata carries it (a run can create its thread);
* a run whose ``command`` carries anything but ``resume`` (``update`` writes state, ``goto``
  jumps past the checks of the nodes in between);
* a stateless run (no thread: langgraph-api passes ``thread_id=None``), which would leave a
  video and a branch on a thread the server deletes at once;
* crons (reelgraph schedules nothing; a cron's runs would carry the same input again).

Branching is done by the server when a pause is resumed with ``{"action": "fork"}``
(:mod:`agent.server.fork`). The graph's nodes check their state against the database anyway
(:mod:`agent.trust`): these refusals are the first wall, not the only one.
"""

from __future__ import annotations

import hmac
from typing import Any, cast

from langgraph_sdk import Auth

from agent.settings import Settings

auth = Auth()

#: Thread metadata only the server writes: who owns the thread and which video and branch it is.
SERVER_METADATA = frozenset({"owner", "video_id", "branch", "parent", "fork_checkpoint_id"})


def _forbidden(detail: str) -> Auth.exceptions.HTTPException:
    return Auth.exceptions.HTTPException(status_code=403, detail=detail)


def _refuse_server_metadata(*metadata: Any) -> None:
    """Refuse metadata that names keys the server keeps (:data:`SERVER_METADATA`).

    Raises:
        Auth.exceptions.HTTPException: 403, naming the keys.
    """
    for meta in metadata:
        taken = sorted(SERVER_METADATA & set(meta or {})) if isinstance(meta, dict) else []
        if taken:
            raise _forbidden(
                f"metadata {taken} is kept by the server; to branch a video, resume a pause"
                ' with {"action": "fork"}'
            )


def _user_for(token: str) -> str | None:
    """The user a bearer token belongs to (constant-time comparison), or None."""
    found = None
    for known, user in Settings().api_users().items():
        if hmac.compare_digest(known.encode(), token.encode()):
            found = user
    return found


@auth.authenticate
async def authenticate(authorization: str | None) -> Auth.types.MinimalUserDict:
    """``Authorization: Bearer <token>`` → the token's user.

    Raises:
        Auth.exceptions.HTTPException: 401, the header is missing or the token unknown.
    """
    scheme, _, token = (authorization or "").partition(" ")
    user = _user_for(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
    if user is None:
        raise Auth.exceptions.HTTPException(
            status_code=401,
            detail="send Authorization: Bearer <token> with a token from REELGRAPH_API_TOKENS",
        )
    return {"identity": user}


def _owned(ctx: Auth.types.AuthContext, value: dict[str, Any]) -> dict[str, str]:
    """Stamp the owner into a new resource's metadata; filter everything else by owner."""
    owner = {"owner": ctx.user.identity}
    if ctx.action in ("create", "create_run"):
        if value.get("metadata") is None:
            value["metadata"] = {}
        value["metadata"].update(owner)  # in place: the server keeps its own reference
    return owner


@auth.on
async def owner_only(ctx: Auth.types.AuthContext, value: dict[str, Any]) -> dict[str, str]:
    """Threads, runs and crons: the caller's own, and new ones become theirs."""
    return _owned(ctx, value)


@auth.on.threads.create
async def create_thread(
    ctx: Auth.types.AuthContext, value: Auth.types.ThreadsCreate
) -> dict[str, str]:
    """A new thread is the caller's; it may not claim a video or a branch.

    ``threads.copy`` is authorised as a create without ``metadata`` (a plain create always
    has the key): a copy would be a second thread claiming the same branch, so it is refused.

    Raises:
        Auth.exceptions.HTTPException: 403, a copy or metadata the server keeps.
    """
    if "metadata" not in value:
        raise _forbidden(
            'threads are not copied: resume a pause with {"action": "fork"} to branch a video'
        )
    meta = value.get("metadata") or {}
    _refuse_server_metadata({k: v for k, v in meta.items() if k != "owner"})
    return _owned(ctx, cast(dict[str, Any], value))


@auth.on.threads.update
async def update_thread(
    ctx: Auth.types.AuthContext, value: Auth.types.ThreadsUpdate
) -> dict[str, str]:
    """Metadata patches of the caller's threads, outside what the server keeps; no state writes.

    Raises:
        Auth.exceptions.HTTPException: 403, a state update (``threads.update_state``) or
            metadata the server keeps.
    """
    if "metadata" not in value:
        raise _forbidden(
            "graph state is written by the server only: resume a pause with"
            ' command={"resume": ...} (continue, edit, text or fork)'
        )
    _refuse_server_metadata(value.get("metadata"))
    return _owned(ctx, cast(dict[str, Any], value))


@auth.on.threads.create_run
async def create_run(ctx: Auth.types.AuthContext, value: Auth.types.RunsCreate) -> dict[str, str]:
    """Runs on the caller's own threads that start a video or resume a pause, nothing else.

    Raises:
        Auth.exceptions.HTTPException: 403, a stateless run, a command other than a resume,
            or metadata the server keeps.
    """
    if value.get("thread_id") is None:
        raise _forbidden(
            "stateless runs are not served: create a thread (threads.create) and run the"
            " video on it"
        )
    kwargs = value.get("kwargs") or {}
    command = kwargs.get("command") or {}
    extra = sorted(k for k, v in command.items() if k != "resume" and v not in (None, [], {}))
    if extra:
        raise _forbidden(
            f"a command may only resume a pause; {extra} write the graph's state, which is the"
            ' server\'s: resume with {"action": "edit", ...} or {"action": "fork", ...}'
        )
    config = kwargs.get("config") or {}
    _refuse_server_metadata(value.get("metadata"), config.get("metadata"))
    return _owned(ctx, cast(dict[str, Any], value))


@auth.on.crons
async def no_crons(ctx: Auth.types.AuthContext, value: dict[str, Any]) -> bool:
    """Reelgraph schedules nothing; crons are closed to clients."""
    raise _forbidden("reelgraph serves no crons: run a thread yourself")


@auth.on.assistants.read
async def read_assistants(ctx: Auth.types.AuthContext, value: Auth.types.AssistantsRead) -> bool:
    """The graph's assistants (``reelgraph``) are readable by every authenticated user."""
    return True


@auth.on.assistants.search
async def search_assistants(
    ctx: Auth.types.AuthContext, value: Auth.types.AssistantsSearch
) -> bool:
    """Every authenticated user may list the graph's assistants."""
    return True


@auth.on.store
async def no_store(ctx: Auth.types.AuthContext, value: dict[str, Any]) -> bool:
    """Reelgraph keeps nothing in the server's store; it is closed to clients."""
    return False
