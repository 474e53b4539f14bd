"""What the doors read and write besides runs: uploaded assets, artifact ids, costs, pauses.

Every query a door needs lives here (or in :class:`agent.studio.Studio`), so ``ui/`` and
``tools/`` hold no SQL. Reached as :attr:`agent.studio.Studio.records`.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.graph.state import CompiledStateGraph

from agent import branches
from agent.branches import Branch
from agent.deps import Deps
from agent.errors import NotFound
from agent.spec import Spec
from agent.state import ArtifactRef, Phase


@dataclass(frozen=True)
class Upload:
    """An image checked and re-encoded for storage (:func:`agent.uploads.reference_png`).

    Attributes:
        filename: the name the user's file had (plain text, shortened).
        png: the re-encoded PNG.
        size_px: (width, height).
    """

    filename: str
    png: bytes
    size_px: tuple[int, int]


@dataclass(frozen=True)
class StoredArtifact:
    """An artifact row: where its bytes are and whose it is.

    Attributes:
        sha256: the blob's address.
        mime: media type.
        key: logical key in the store.
        user_id: the owner of its video.
    """

    sha256: str
    mime: str
    key: str
    user_id: str


@dataclass(frozen=True)
class Pause:
    """A branch's checkpoint at a review pause.

    Attributes:
        branch: the branch's row.
        checkpoint_id: LangGraph's checkpoint id.
        phase: the pause's phase.
        pending: the branch is paused here now (its newest checkpoint, interrupted).
        created_at: when the checkpoint was written (ISO 8601 text).
        artifacts: the branch's artifacts at this pause.
        spec: the spec at this pause, or None.
    """

    branch: Branch
    checkpoint_id: str
    phase: Phase
    pending: bool
    created_at: str
    artifacts: dict[str, ArtifactRef]
    spec: Spec | None


class Records:
    """Stored records over one set of :class:`Deps` and the studio's compiled graph."""

    def __init__(self, deps: Deps, graph: CompiledStateGraph[Any, Any, Any, Any]) -> None:
        """Bind the deps (pool, store) and the graph (to read checkpoint history)."""
        self._deps = deps
        self._graph = graph

    # -- assets ---------------------------------------------------------------------------

    async def add_assets(self, user_id: str, uploads: list[Upload]) -> list[str]:
        """Store checked images as the user's assets, all or none.

        Returns:
            The new asset ids, in order.

        Raises:
            StorageError: the store cannot be written.
        """
        ids = []
        async with self._deps.pool.connection() as conn, conn.transaction():
            await conn.execute(
                'INSERT INTO users ("identifier") VALUES (%s) ON CONFLICT DO NOTHING', (user_id,)
            )
            for up in uploads:
                sha, size = await asyncio.to_thread(self._deps.store.put_bytes, up.png, ".png")
                asset_id = str(uuid.uuid4())
                await conn.execute(
                    """INSERT INTO assets (id, user_id, filename, mime, sha256, size_bytes,
                                           width_px, height_px)
                       VALUES (%s, %s, %s, 'image/png', %s, %s, %s, %s)""",
                    (asset_id, user_id, up.filename, sha, size, *up.size_px),
                )
                ids.append(asset_id)
        return ids

    async def asset_images(self, user_id: str, asset_ids: list[str]) -> list[str]:
        """The SHA-256 of each asset's stored image, in the order given (repeats dropped).

        Raises:
            NotFound: an id that is not one of the user's assets (named in the message).
        """
        if not asset_ids:
            return []
        async with self._deps.pool.connection() as conn:
            cur = await conn.execute(
                "SELECT id, sha256 FROM assets WHERE user_id = %s AND id = ANY(%s)",
                (user_id, asset_ids),
            )
            mine = {r["id"]: r["sha256"] for r in await cur.fetchall()}
        missing = [a for a in asset_ids if a not in mine]
        if missing:
            raise NotFound(
                f"unknown reference asset(s) {', '.join(missing)}; POST /api/upload first"
            )
        return list(dict.fromkeys(mine[a] for a in asset_ids))

    async def attach_assets(self, video_id: str, asset_ids: list[str]) -> None:
        """Record the video's reference assets, in order."""
        async with self._deps.pool.connection() as conn, conn.transaction():
            for position, asset_id in enumerate(dict.fromkeys(asset_ids)):
                await conn.execute(
                    "INSERT INTO video_assets (video_id, asset_id, position) VALUES (%s, %s, %s)",
                    (video_id, asset_id, position),
                )

    async def video_assets(self, video_id: str) -> list[str]:
        """The video's reference asset ids, in order."""
        async with self._deps.pool.connection() as conn:
            cur = await conn.execute(
                "SELECT asset_id FROM video_assets WHERE video_id = %s ORDER BY position",
                (video_id,),
            )
            return [r["asset_id"] for r in await cur.fetchall()]

    # -- artifacts ------------------------------------------------------------------------

    async def artifact_ids(self, video_id: str) -> dict[tuple[str, int], str]:
        """``(name, version) -> art-…`` for every artifact of a video."""
        async with self._deps.pool.connection() as conn:
            cur = await conn.execute(
                "SELECT id, name, version FROM artifacts WHERE video_id = %s", (video_id,)
            )
            return {(r["name"], int(r["version"])): r["id"] for r in await cur.fetchall()}

    async def artifact(self, artifact_id: str) -> StoredArtifact | None:
        """The artifact with this id, or None."""
        async with self._deps.pool.connection() as conn:
            cur = await conn.execute(
                """SELECT a.sha256, a.mime, a.key, v.user_id FROM artifacts a
                   JOIN videos v ON v.id = a.video_id WHERE a.id = %s""",
                (artifact_id,),
            )
            row = await cur.fetchone()
        if row is None:
            return None
        return StoredArtifact(row["sha256"], row["mime"], row["key"], row["user_id"])

    def presigned_url(self, key: str) -> str | None:
        """The store's own URL for ``key`` when it makes one a client can GET (S3), else None."""
        url = self._deps.store.url(key)
        return url if url.startswith(("http://", "https://")) else None

    async def local_file(self, sha256: str) -> Path:
        """A local file with the blob's bytes (downloaded first from a cold S3 cache).

        Raises:
            StorageError: the blob is in no store, or the download fails.
        """
        return await asyncio.to_thread(self._deps.store.local_path, sha256)

    def local_path(self, sha256: str) -> Path:
        """:meth:`local_file`, blocking (for code already in a worker thread)."""
        return self._deps.store.local_path(sha256)

    async def keep_upload(
        self, video_id: str, user_id: str, branch: str, name: str, png: bytes
    ) -> ArtifactRef:
        """Record an image the user uploaded for a beat as the storyboard artifact ``name``."""
        rec = self._deps.recorder(video_id, user_id, branch, "storyboard", None)
        return await rec.keep(name, "png", "image/png", png, "upload", "user")

    def check_video_model(self, name: str) -> None:
        """Raises UserError unless ``name`` is a registered video model (the message lists them)."""
        self._deps.registry.video(name)

    # -- branches and costs ---------------------------------------------------------------

    async def latest_branch(self, video_id: str) -> str:
        """The video's branch that changed last (``main`` if it has none)."""
        async with self._deps.pool.connection() as conn:
            cur = await conn.execute(
                """SELECT name FROM branches WHERE video_id = %s
                   ORDER BY updated_at DESC, created_at DESC LIMIT 1""",
                (video_id,),
            )
            row = await cur.fetchone()
        return str(row["name"]) if row else "main"

    async def newest_child(self, video_id: str, parent: str, since: datetime) -> str | None:
        """The newest branch forked from ``parent`` at or after ``since``, or None."""
        async with self._deps.pool.connection() as conn:
            cur = await conn.execute(
                """SELECT name FROM branches WHERE video_id = %s AND parent = %s
                   AND created_at >= %s ORDER BY created_at DESC LIMIT 1""",
                (video_id, parent, since),
            )
            row = await cur.fetchone()
        return str(row["name"]) if row else None

    async def video_cost_usd(self, video_id: str) -> float:
        """Spent on the video over all its branches, USD (rounded to 6 places)."""
        async with self._deps.pool.connection() as conn:
            cur = await conn.execute(
                "SELECT coalesce(sum(cost_usd), 0) AS usd FROM cost_events WHERE video_id = %s",
                (video_id,),
            )
            row = await cur.fetchone()
        return round(float(row["usd"]) if row else 0.0, 6)

    async def pauses(self, video_id: str) -> list[tuple[Branch, list[Pause]]]:
        """Every branch of the video with its review pauses, oldest first within each branch.

        The caller checks the video's owner first (:meth:`agent.studio.Studio.video`).
        """
        found = []
        for row in await branches.list_branches(self._deps.pool, video_id):
            cfg: RunnableConfig = {"configurable": {"thread_id": row.thread_id}}
            mine: list[Pause] = []
            head = True
            async for snap in self._graph.aget_state_history(cfg):
                nxt = snap.next
                if len(nxt) == 1 and nxt[0].startswith("review_"):
                    mine.append(
                        Pause(
                            branch=row,
                            checkpoint_id=str(snap.config["configurable"]["checkpoint_id"]),
                            phase=nxt[0].removeprefix("review_"),  # type: ignore[arg-type]
                            pending=head and bool(snap.interrupts),
                            created_at=str(snap.created_at),
                            artifacts=dict(snap.values.get("artifacts", {})),
                            spec=snap.values.get("spec"),
                        )
                    )
                head = False
            mine.reverse()
            found.append((row, mine))
        return found
