"""Branches: one LangGraph thread each, recorded in the ``branches`` table (DESIGN.md §2)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Literal

from psycopg import AsyncConnection
from psycopg.rows import DictRow

from agent.db import Pool
from agent.errors import NotFound
from agent.spec import Spec

BranchStatus = Literal["running", "paused", "complete", "failed"]


@dataclass(frozen=True)
class Branch:
    """A row of the tree.

    Attributes:
        video_id: the video.
        name: ``main``, ``main-1``, …
        thread_id: its LangGraph thread.
        parent: the branch it forked from (None for main).
        fork_checkpoint_id: the parent's checkpoint it forked at.
        fork_phase: the phase of that checkpoint.
        status: running, paused, complete or failed (as last recorded).
        phase: the phase it is at.
        error: the last error, if failed.
    """

    video_id: str
    name: str
    thread_id: str
    parent: str | None
    fork_checkpoint_id: str | None
    fork_phase: str | None
    status: BranchStatus
    phase: str | None
    error: str | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Branch:
        """Build from a ``branches`` row."""
        return cls(**{k: row[k] for k in cls.__dataclass_fields__})


async def create(
    pool: Pool,
    video_id: str,
    name: str,
    thread_id: str,
    parent: str | None = None,
    fork_checkpoint_id: str | None = None,
    fork_phase: str | None = None,
) -> Branch:
    """Record a new branch, paused at ``fork_phase`` until it runs."""
    async with pool.connection() as conn:
        cur = await conn.execute(
            """INSERT INTO branches (video_id, name, thread_id, parent, fork_checkpoint_id,
                                     fork_phase, status, phase)
               VALUES (%s, %s, %s, %s, %s, %s, 'paused', %s) RETURNING *""",
            (video_id, name, thread_id, parent, fork_checkpoint_id, fork_phase, fork_phase),
        )
        row = await cur.fetchone()
    assert row is not None
    return Branch.from_row(row)


async def get(pool: Pool, video_id: str, name: str) -> Branch:
    """The branch ``name`` of a video. Raises NotFound, listing the branches there are."""
    async with pool.connection() as conn:
        cur = await conn.execute(
            "SELECT * FROM branches WHERE video_id = %s ORDER BY created_at", (video_id,)
        )
        rows = await cur.fetchall()
    for row in rows:
        if row["name"] == name:
            return Branch.from_row(row)
    known = ", ".join(r["name"] for r in rows) or "none"
    raise NotFound(f"video {video_id} has no branch {name!r} (branches: {known})")


async def list_branches(pool: Pool, video_id: str) -> list[Branch]:
    """All branches of a video, oldest first."""
    async with pool.connection() as conn:
        cur = await conn.execute(
            "SELECT * FROM branches WHERE video_id = %s ORDER BY created_at", (video_id,)
        )
        return [Branch.from_row(r) for r in await cur.fetchall()]


#: Where a statement can run: the pool, or a connection the caller holds (a run's own).
Db = Pool | AsyncConnection[DictRow]


@asynccontextmanager
async def _connection(db: Db) -> AsyncIterator[AsyncConnection[DictRow]]:
    if isinstance(db, AsyncConnection):
        yield db
    else:
        async with db.connection() as conn:
            yield conn


async def set_status(
    db: Db,
    video_id: str,
    name: str,
    status: BranchStatus,
    phase: str | None = None,
    error: str | None = None,
) -> None:
    """Record a branch's status, phase (kept if None) and error (cleared unless given).

    Args:
        db: the pool, or a connection of the caller's (a run records its status on its own
            connection, so a busy pool cannot keep a failure from being recorded).
        video_id: the video.
        name: the branch.
        status: the new status.
        phase: the phase, or None to keep the recorded one.
        error: the error to record, or None to clear it.
    """
    async with _connection(db) as conn:
        await conn.execute(
            """UPDATE branches SET status = %s, phase = coalesce(%s, phase), error = %s,
                                   updated_at = now()
               WHERE video_id = %s AND name = %s""",
            (status, phase, error, video_id, name),
        )


def child_name(existing: list[str], parent: str) -> str:
    """Next child name: ``main`` → ``main-1``, ``main-2``; ``main-1`` → ``main-1-1``."""
    taken = [
        int(n.removeprefix(f"{parent}-"))
        for n in existing
        if n.startswith(f"{parent}-") and n.removeprefix(f"{parent}-").isdigit()
    ]
    return f"{parent}-{max(taken, default=0) + 1}"


async def set_title(pool: Pool, video_id: str, branch: str, spec: Spec | None) -> None:
    """The video's title follows its ``main`` branch's spec; other branches leave it alone.

    A title the user gave when creating the video (``videos.title_given``) is kept.
    """
    if spec is None or branch != "main":
        return
    async with pool.connection() as conn:
        await conn.execute(
            """UPDATE videos SET title = %s WHERE id = %s AND NOT title_given
               AND title IS DISTINCT FROM %s""",
            (spec.title, video_id, spec.title),
        )
