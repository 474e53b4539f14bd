"""Run-scoped dependencies: built once at the edge, passed to every node as the runtime context."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

from agent import db
from agent.db import Pool
from agent.media import Media
from agent.memo import Recorder
from agent.providers.registry import Registry, default_registry
from agent.settings import Settings
from agent.state import Phase
from agent.store import ArtifactStore, open_store

#: Types stored in checkpoints, registered with LangGraph's serializer (msgpack allow-list).
STATE_TYPES: list[tuple[str, str]] = [
    ("agent.spec", "Spec"),
    ("agent.spec", "Beat"),
    ("agent.spec", "Style"),
    ("agent.spec", "MusicBrief"),
    ("agent.state", "Options"),
    ("agent.state", "ArtifactRef"),
    ("agent.state", "Override"),
]


def serializer() -> JsonPlusSerializer:
    """LangGraph's serializer with reelgraph's state types allowed."""
    return JsonPlusSerializer(allowed_msgpack_modules=STATE_TYPES)


@dataclass
class Deps:
    """What a node needs besides its state.

    Attributes:
        settings: the configuration.
        pool: database connections.
        saver: LangGraph's Postgres checkpointer.
        store: the artifact store.
        media: FFmpeg.
        registry: providers by name.
    """

    settings: Settings
    pool: Pool
    saver: AsyncPostgresSaver
    store: ArtifactStore
    media: Media
    registry: Registry

    def recorder(
        self, video_id: str, user_id: str, branch: str, phase: Phase, budget_usd: float | None
    ) -> Recorder:
        """A :class:`Recorder` filing calls under this video, branch and phase."""
        return Recorder(self.pool, self.store, video_id, user_id, branch, phase, budget_usd)


@asynccontextmanager
async def open_deps(settings: Settings, *, registry: Registry | None = None) -> AsyncIterator[Deps]:
    """Connect to the database (starting the embedded one if needed), set it up, yield Deps.

    Args:
        settings: the configuration.
        registry: providers to use; by default the offline ones.

    Raises:
        StorageError: the database cannot be started or reached, or stopped answering while
            the deps were in use (psycopg's connection and pool errors are translated here,
            at the edge's door to the database).
    """
    pool = await db.open_pool(
        db.database_url(settings), max_size=max(8, settings.concurrency(remote=False) * 2)
    )
    try:
        saver = AsyncPostgresSaver(pool, serde=serializer())
        await db.setup(pool, saver)
        media = Media(settings.ffmpeg())
        deps = Deps(
            settings=settings,
            pool=pool,
            saver=saver,
            store=open_store(settings),
            media=media,
            registry=registry or default_registry(media, settings, pool),
        )
        try:
            yield deps
        except db.DB_GONE_ERRORS as exc:
            raise db.gone(exc) from exc
    finally:
        await pool.close()
