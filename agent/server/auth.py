"""Who is calling the LangGraph server, and what they may see: every thread has an owner.

``langgraph.json``: ``"auth": {"path": "./agent/server/auth.py:auth",
"disable_studio_auth": true}``. A request carries ``Authorization: Bearer <token>``; the
token maps to a user through ``REELGRAPH_API_TOKENS`` (``"tok1:alice,tok2:bob"``). Unknown or
missing token → 401. Threads (and runs on them, crons, assistants made by users) are stamped
with ``metadata.owner`` on create and filtered by it on every read, search, update, delete and
run, so another user's thread answers 404. The graph's own assistants (made by the server) can
be read by every authenticated user; the store is closed.
"""

from __future__ import annotations

import hmac
from typing import Any

from langgraph_sdk import Auth

from agent.settings import Settings

auth = Auth()


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
    if ctx.action == "create":
        if value.get("metadata") is None:
            value["metadata"] = {}
        value["metadata"].update(owner)  # in place: the server keeps its own reference
    return owner


@auth.on
async def owner_only(ctx: Auth.types.AuthContext, value: dict[str, Any]) -> dict[str, str]:
    """Threads, runs and crons: the caller's own, and new ones become theirs."""
    return _owned(ctx, value)


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
