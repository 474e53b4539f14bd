"""Threads as branches in the LangGraph server: thread metadata, the tree.

In the server a thread IS a branch. Its video and branch name live in the thread's metadata
(``video_id``, ``branch``; forks add ``parent`` and ``fork_checkpoint_id``), so searching
threads by ``metadata={"video_id": …}`` lists a video's tree; and in our ``branches`` table,
so the command line and the chat see the same tree. Only the server writes that metadata
(:mod:`agent.server.auth` refuses clients' changes to it); which user a run acts for and the
check of its state live in :mod:`agent.trust`.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from agent.trust import Refused, server_user, thread_id

T = TypeVar("T")

if TYPE_CHECKING:
    from langgraph_sdk.client import LangGraphClient

__all__ = ["Refused", "as_server", "server_user", "tag_thread", "thread_id", "thread_metadata"]


def _server_context() -> contextvars.Context:
    """A copy of the current context in which no client is authenticated.

    A node runs with its run's auth context (langgraph-api keeps the caller in a context
    variable), and the in-process transport serves a request in the caller's context: so
    without this, the server's own requests would be judged by the auth handlers as if the
    client made them, and refused where a client is refused (metadata the server keeps).
    """
    ctx = contextvars.copy_context()
    try:
        from langgraph_api.utils import AuthContext  # type: ignore[import-untyped]
    except ImportError:  # not inside a LangGraph server: nothing to clear
        return ctx
    ctx.run(AuthContext.set, None)
    return ctx


async def as_server(call: Callable[[LangGraphClient], Awaitable[T]]) -> T:
    """Run ``call`` with the server's in-process client, as the server (not as the caller).

    Only inside a LangGraph server process, after the caller's right to it was checked: the
    in-process transport bypasses auth.
    """
    from langgraph_sdk import get_client

    async def run() -> T:
        return await call(get_client(url=None, api_key=None))

    return await asyncio.create_task(run(), context=_server_context())


async def tag_thread(thread: str, metadata: dict[str, Any]) -> None:
    """Merge ``metadata`` into a thread's metadata, as the server (see :func:`as_server`)."""
    await as_server(lambda client: client.threads.update(thread, metadata=metadata))


async def thread_metadata(thread: str) -> dict[str, Any]:
    """A thread's metadata, as the server (see :func:`as_server`)."""
    found = await as_server(lambda client: client.threads.get(thread))
    return dict(found.get("metadata") or {})
