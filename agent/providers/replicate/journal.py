"""The prediction journal: a paid prediction's id, stored the moment it is created.

It lives in the memo table (``generations``, keyed by the call's memo key) as a ``pending``
row with ``prediction_id``. A run that crashed while waiting finds the id on its next attempt
and polls that same prediction instead of paying for a new one (DESIGN.md §3).
:meth:`agent.memo.Recorder.produce` later marks the row ``done`` (its ``INSERT … ON CONFLICT
(key) DO UPDATE``); a prediction that failed is marked ``failed``, so a retry creates a new
one.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent.db import Pool
from agent.memo import Call


@dataclass(frozen=True)
class PredictionJournal:
    """Reads and writes prediction ids in ``generations``.

    Attributes:
        pool: the database.
    """

    pool: Pool

    async def pending(self, call: Call) -> str | None:
        """The id of the prediction started for ``call`` and not finished, or None."""
        async with self.pool.connection() as conn:
            cur = await conn.execute(
                "SELECT prediction_id FROM generations WHERE key = %s AND status = 'pending'"
                " AND prediction_id IS NOT NULL",
                (call.key,),
            )
            row = await cur.fetchone()
        return None if row is None else str(row["prediction_id"])

    async def started(self, call: Call, prediction_id: str) -> None:
        """Record that ``prediction_id`` is making ``call``'s output (status ``pending``)."""
        async with self.pool.connection() as conn:
            await conn.execute(
                """INSERT INTO generations (key, provider, model, status, prediction_id, cost_usd)
                   VALUES (%s, %s, %s, 'pending', %s, %s)
                   ON CONFLICT (key) DO UPDATE SET status = 'pending', sha256 = NULL,
                       prediction_id = EXCLUDED.prediction_id, updated_at = now()""",
                (call.key, call.provider, call.model, prediction_id, call.cost_usd),
            )

    async def failed(self, call: Call) -> None:
        """Mark ``call``'s prediction as failed, so the next attempt starts a new one."""
        async with self.pool.connection() as conn:
            await conn.execute(
                "UPDATE generations SET status = 'failed', updated_at = now()"
                " WHERE key = %s AND status = 'pending'",
                (call.key,),
            )
