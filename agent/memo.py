"""Memoised generation and cost accounting (DESIGN.md §3).

Every provider call and every FFmpeg step goes through :meth:`Recorder.produce`. Its key is a
hash of the provider, the model, the parameters and the hashes of the input artifacts; a key
that already produced a blob is reused at no cost. Every call, reused or not, records a cost
event for the video, branch and phase. The memo lives in PostgreSQL and is shared by all
processes and branches.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import shutil
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.db import Pool
from agent.errors import BudgetExceeded
from agent.state import ArtifactRef, Phase
from agent.store import DISK_ERRNOS, ArtifactStore, storage_error


@dataclass(frozen=True)
class Call:
    """One memoisable call.

    Attributes:
        provider: ``local``, ``ffmpeg``, ``replicate``, …
        model: the provider's model (``storyboard``, ``motion``, ``hailuo-02``, …).
        params: JSON-serialisable parameters that decide the output.
        inputs: SHA-256 of every input artifact, in order.
        units: amount billed (images, seconds of video, …).
        unit: what ``units`` counts.
        cost_usd: price of the call if it runs (0 for local providers).
    """

    provider: str
    model: str
    params: dict[str, Any]
    inputs: tuple[str, ...] = ()
    units: float = 1.0
    unit: str = "call"
    cost_usd: float = 0.0

    @property
    def key(self) -> str:
        """The memo key: SHA-256 over provider, model, params and input hashes."""
        payload = json.dumps(
            [self.provider, self.model, self.params, list(self.inputs)],
            sort_keys=True,
            separators=(",", ":"),
            default=str,
        )
        return hashlib.sha256(payload.encode()).hexdigest()


@dataclass(frozen=True)
class Blob:
    """A call's output in the store.

    Attributes:
        sha256: the content's address.
        size_bytes: its size.
        path: a local file holding it.
        reused: True when the memo answered and nothing ran.
        call: the call that made it.
    """

    sha256: str
    size_bytes: int
    path: Path
    reused: bool
    call: Call = field(repr=False)


async def done_keys(pool: Pool, keys: list[str]) -> set[str]:
    """Which of ``keys`` already produced an output (one query; the blobs are not checked).

    :meth:`Recorder.produce` reuses such a call at no cost, provided its blob is still in the
    store.
    """
    if not keys:
        return set()
    async with pool.connection() as conn:
        cur = await conn.execute(
            "SELECT key FROM generations WHERE key = ANY(%s) AND status = 'done'", (keys,)
        )
        return {row["key"] for row in await cur.fetchall()}


@dataclass
class Recorder:
    """Runs calls for one video, branch and phase: memo lookup, budget, cost events.

    Attributes:
        pool: database connections.
        store: the artifact store.
        video_id, user_id, branch, phase: where cost events and artifacts are filed.
        budget_usd: the video's cap, or None.
    """

    pool: Pool
    store: ArtifactStore
    video_id: str
    user_id: str
    branch: str
    phase: Phase
    budget_usd: float | None = None

    async def produce(
        self, call: Call, artifact: str, suffix: str, make: Callable[[Path], Awaitable[None]]
    ) -> Blob:
        """Return the output of ``call``, running ``make`` only if the memo has none.

        Args:
            call: what is being made, and its price.
            artifact: the logical name it is for (``beat_02``), for the cost event.
            suffix: file extension of the output, with the dot (``.png``).
            make: writes the output to the path it is given.

        Raises:
            BudgetExceeded: the call's price would take the video past its budget.
            Whatever ``make`` raises; the memo then holds nothing for the key.
        """
        key = call.key
        async with self.pool.connection() as conn:
            cur = await conn.execute(
                "SELECT sha256 FROM generations WHERE key = %s AND status = 'done'", (key,)
            )
            row = await cur.fetchone()
        if row is not None and await asyncio.to_thread(self.store.has_blob, row["sha256"]):
            sha = row["sha256"]
            path = await asyncio.to_thread(self.store.local_path, sha)
            await self._event(call, artifact, key, reused=True)
            return Blob(sha, path.stat().st_size, path, True, call)

        await self._check_budget(call)
        scratch = self.store.scratch_dir()
        try:
            out = scratch / f"out{suffix}"
            try:
                await make(out)
            except OSError as exc:
                if exc.errno not in DISK_ERRNOS:
                    raise
                raise storage_error(f"{call.provider}'s output {out}", exc) from exc
            sha, size = await asyncio.to_thread(self.store.put_file, out)
        finally:
            await asyncio.to_thread(shutil.rmtree, scratch, True)
        async with self.pool.connection() as conn:
            await conn.execute(
                """INSERT INTO generations (key, provider, model, status, sha256, cost_usd)
                   VALUES (%s, %s, %s, 'done', %s, %s)
                   ON CONFLICT (key) DO UPDATE SET status = 'done', sha256 = EXCLUDED.sha256,
                       cost_usd = EXCLUDED.cost_usd, updated_at = now()""",
                (key, call.provider, call.model, sha, call.cost_usd),
            )
        await self._event(call, artifact, key, reused=False)
        return Blob(sha, size, self.store.local_path(sha), False, call)

    async def register(self, name: str, ext: str, mime: str, blob: Blob) -> ArtifactRef:
        """File ``blob`` as a version of the video's artifact ``name``.

        The same content under the same name keeps its version; new content gets the next
        version (per video and name, across all branches).

        Args:
            name: logical name (``beat_00``, ``final``).
            ext: file extension without the dot.
            mime: media type.
            blob: the content.
        """
        async with self.pool.connection() as conn, conn.transaction():
            await conn.execute(
                "SELECT pg_advisory_xact_lock(hashtext(%s))", (f"{self.video_id}/{name}",)
            )
            cur = await conn.execute(
                "SELECT version, key FROM artifacts WHERE video_id = %s AND name = %s"
                " AND sha256 = %s",
                (self.video_id, name, blob.sha256),
            )
            row = await cur.fetchone()
            if row is None:
                cur = await conn.execute(
                    "SELECT coalesce(max(version), 0) + 1 AS v FROM artifacts"
                    " WHERE video_id = %s AND name = %s",
                    (self.video_id, name),
                )
                version = int((await cur.fetchone())["v"])  # type: ignore[index]
                key = f"{self.user_id}/videos/{self.video_id}/{name}_v{version}.{ext}"
                await conn.execute(
                    """INSERT INTO artifacts (id, video_id, name, version, key, sha256, mime,
                                              size_bytes)
                       VALUES (%s, %s, %s, %s, %s, %s, %s, %s)""",
                    (
                        f"art-{uuid.uuid4().hex[:12]}",
                        self.video_id,
                        name,
                        version,
                        key,
                        blob.sha256,
                        mime,
                        blob.size_bytes,
                    ),
                )
            else:
                version, key = int(row["version"]), str(row["key"])
        await asyncio.to_thread(self.store.link, key, blob.sha256, mime)
        return ArtifactRef(
            name=name,
            key=key,
            version=version,
            sha256=blob.sha256,
            mime=mime,
            size_bytes=blob.size_bytes,
            provider=blob.call.provider,
            model=blob.call.model,
            cost_usd=0.0 if blob.reused else blob.call.cost_usd,
        )

    async def keep(
        self, name: str, ext: str, mime: str, data: bytes, provider: str, model: str
    ) -> ArtifactRef:
        """Store content made outside any provider (an upload, an edited spec) as a version.

        No call is made, so no cost event is recorded.
        """
        sha, size = await asyncio.to_thread(self.store.put_bytes, data, f".{ext}")
        blob = Blob(sha, size, self.store.local_path(sha), False, Call(provider, model, {}))
        return await self.register(name, ext, mime, blob)

    async def _check_budget(self, call: Call) -> None:
        if self.budget_usd is None or call.cost_usd <= 0:
            return
        async with self.pool.connection() as conn:
            cur = await conn.execute(
                "SELECT coalesce(sum(cost_usd), 0) AS spent FROM cost_events WHERE video_id = %s",
                (self.video_id,),
            )
            spent = float((await cur.fetchone())["spent"])  # type: ignore[index]
        if spent + call.cost_usd > self.budget_usd + 1e-9:
            raise BudgetExceeded(
                f"{call.provider}:{call.model} would cost ${call.cost_usd:.2f}; ${spent:.2f} of"
                f" the ${self.budget_usd:.2f} budget is spent"
            )

    async def _event(self, call: Call, artifact: str, key: str, *, reused: bool) -> None:
        async with self.pool.connection() as conn:
            await conn.execute(
                """INSERT INTO cost_events (video_id, branch, phase, artifact, provider, model,
                                            units, unit, cost_usd, reused, gen_key)
                   VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)""",
                (
                    self.video_id,
                    self.branch,
                    self.phase,
                    artifact,
                    call.provider,
                    call.model,
                    call.units,
                    call.unit,
                    0.0 if reused else call.cost_usd,
                    reused,
                    key,
                ),
            )
