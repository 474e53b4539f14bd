"""The chat history's media: a Chainlit storage client over the artifact store, owner-checked.

With logins, Chainlit's data layer saves each image and video a message shows, through a
storage client, so a reopened thread can show them again. This one keeps the bytes in
reelgraph's artifact store (:class:`agent.service.chat.ChatFiles`; content-addressed, so an
artifact shown in the chat costs no second copy) and gives the browser a URL on this server,
``/reelgraph/chat-file/<element id>``, that answers only the logged-in user whose thread shows
the element (401 without a login, 404 for anyone else, as for a file that does not exist).

Chainlit saves a message's elements in concurrent tasks and reads them back in no set order, so
a reopened storyboard came back as 2, 1, 3. Elements get ids that sort in the order they were
made (:func:`ordered_id`), and :class:`HistoryDataLayer` hands a thread's elements back sorted
by id: in the order the chat sent them.
"""

from __future__ import annotations

import itertools
import os
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, Any
from urllib.parse import quote

from chainlit.auth import get_current_user
from chainlit.config import config
from chainlit.data.sql_alchemy import SQLAlchemyDataLayer
from chainlit.data.storage_clients.base import BaseStorageClient
from chainlit.data.utils import queue_until_user_message
from chainlit.element import Element
from chainlit.types import ThreadDict
from fastapi import Depends, FastAPI, HTTPException
from fastapi.responses import FileResponse

from agent.errors import NotFound
from agent.studio import Studio
from ui.chat_render import FILE_ROUTE

#: Where the browser fetches a history element (relative to the chat's root).
ROUTE = FILE_ROUTE


def served_route() -> str:
    """:data:`ROUTE` under the chat's root path, as the server answers and the browser asks.

    ``chainlit run --root-path /studio`` (for a proxy that mounts the chat under ``/studio``)
    prefixes every Chainlit route; the file route and the URLs handed out follow it, e.g.
    ``/studio/reelgraph/chat-file``. Without a root path it is :data:`ROUTE`.
    """
    return f"{config.run.root_path.rstrip('/')}{ROUTE}"


OpenStudio = Callable[[], Awaitable[Studio]]

_last_us = 0
_tie = itertools.count()


def ordered_id() -> str:
    """A UUID-shaped id whose text sorts in the order the ids were made in this process.

    The first 64 bits are microseconds since the epoch (never the same twice here), then 16
    bits of a counter and 48 random bits, so ids from several processes do not collide.
    """
    global _last_us
    _last_us = max(time.time_ns() // 1000, _last_us + 1)
    tail = ((next(_tie) & 0xFFFF) << 48) | int.from_bytes(os.urandom(6), "big")
    return str(uuid.UUID(int=(_last_us << 64) | tail))


#: The namespace of :func:`keyed_id`'s ids.
KEYED_IDS = uuid.UUID("6f1d2a52-4c1e-4b43-9a39-2f3c0e5b7d11")


def keyed_id(key: str, index: int = 0) -> str:
    """A UUID-shaped id that is the same for the same ``key``: written twice, it is one row.

    What several sessions write for one event of a chat thread (the pause a run reached, a
    phase's progress) takes the event's ids, so Chainlit's data layer, which upserts steps and
    elements by id, keeps one copy, and a browser already showing it updates it in place.
    ``index`` numbers a message's elements from 1 (0 is the message): their ids share the
    key's first 64 bits and sort by ``index``, so a reopened thread shows them in the order
    sent (:class:`HistoryDataLayer`).

    Args:
        key: what the event is, including the chat thread's id (step ids are global).
        index: 0 for the message, 1… for its elements in order.
    """
    high = uuid.uuid5(KEYED_IDS, key).int >> 64 << 64
    return str(uuid.UUID(int=high | index))


class HistoryDataLayer(SQLAlchemyDataLayer):
    """Chainlit's SQLAlchemy data layer: elements saved after their thread, read back in order.

    Chainlit saves the first message's thread, steps and elements in concurrent tasks; a step
    upserts its thread first, an element did not, so an image attached to the first message
    could be inserted before its thread existed and was lost to a foreign-key error.
    """

    @queue_until_user_message()  # type: ignore[no-untyped-call,untyped-decorator]
    async def create_element(self, element: Element) -> None:
        """Save an element, its thread's row first (as Chainlit's ``create_step`` does)."""
        if element.thread_id and element.for_id:
            await self.update_thread(element.thread_id)
        await super().create_element(element)

    async def get_thread(self, thread_id: str) -> ThreadDict | None:
        """The thread with its steps, and its elements sorted by id (:func:`ordered_id`)."""
        thread: ThreadDict | None = await super().get_thread(thread_id)
        if thread is not None and thread.get("elements"):
            thread["elements"] = sorted(thread["elements"] or [], key=lambda e: str(e["id"]))
        return thread


def element_id_of(object_key: str) -> str:
    """The element id in an object key ``<sha256>/<user id>/<element id>[/<name>]``.

    Raises:
        NotFound: the key has no element id where one belongs.
    """
    parts = object_key.split("/")
    if len(parts) < 3 or not parts[2]:
        raise NotFound(f"not a chat file key: {object_key[:80]!r}")
    return parts[2]


class ArtifactStorageClient(BaseStorageClient):
    """Chainlit's storage client for the chat history, over the studio's artifact store."""

    def __init__(self, studio: OpenStudio) -> None:
        """Use the studio ``studio()`` opens (the process's, opened on first use)."""
        self._studio = studio

    async def upload_file(
        self,
        object_key: str,
        data: bytes | str,
        mime: str = "application/octet-stream",
        overwrite: bool = True,
        content_disposition: str | None = None,
    ) -> dict[str, Any]:
        """Keep an element's bytes; Chainlit records the returned key and URL in its row.

        Args:
            object_key: Chainlit's key, ``<user id>/<element id>/<name>``.
            data: the content (text is stored as UTF-8).
            mime: its media type (Chainlit keeps it in the element's row; served from there).
            overwrite: ignored: blobs are content-addressed, never overwritten.
            content_disposition: ignored: the file route serves elements inline.

        Returns:
            ``{"object_key": "<sha256>/<object_key>", "url": "/reelgraph/chat-file/<id>"}``.

        Raises:
            StorageError: the store cannot be written (Chainlit logs it; the chat goes on).
        """
        raw = data.encode("utf-8") if isinstance(data, str) else data
        key = await (await self._studio()).chat_files.keep(raw, object_key)
        return {"object_key": key, "url": await self.get_read_url(key)}

    async def delete_file(self, object_key: str) -> bool:
        """Forget an element's file: nothing to do here.

        The blob may be an artifact or another element's too (content-addressed), so it stays;
        access goes with the element's row, which Chainlit deletes.
        """
        return True

    async def get_read_url(self, object_key: str) -> str:
        """The URL the browser loads the element from (this server's owner-checked route)."""
        return f"{served_route()}/{quote(element_id_of(object_key), safe='')}"

    async def close(self) -> None:
        """Nothing to close: the studio is the process's (closed at shutdown)."""


def add_file_route(app: FastAPI, studio: OpenStudio) -> None:
    """Serve history elements at :func:`served_route` on Chainlit's app, owner-checked.

    The route goes first in the app's routes: Chainlit's catch-all page route
    (``/{full_path:path}``) would otherwise answer it with the page.
    """

    async def chat_file(
        element_id: str, user: Annotated[Any, Depends(get_current_user)]
    ) -> FileResponse:
        if user is None:
            raise HTTPException(status_code=401, detail="log in to see chat files")
        try:
            path, mime = await (await studio()).chat_files.owned(element_id, user.identifier)
        except NotFound:
            raise HTTPException(status_code=404, detail="Not found") from None
        return FileResponse(
            path,
            media_type=mime,
            headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private"},
        )

    app.add_api_route(f"{served_route()}/{{element_id}}", chat_file, methods=["GET"])
    app.router.routes.insert(0, app.router.routes.pop())
