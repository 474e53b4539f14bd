"""Usage and cost read from the cost events: per branch and per phase."""

from __future__ import annotations

from typing import Any

from agent.db import Pool
from agent.state import PHASES


async def branch_usage(pool: Pool, video_id: str, branch: str) -> dict[str, Any]:
    """Calls, reused calls and USD spent on a branch, in total and per phase.

    Returns:
        ``{"calls": int, "reused": int, "cost_usd": float, "phases": {phase: {same keys}}}``.
    """
    async with pool.connection() as conn:
        cur = await conn.execute(
            """SELECT phase, count(*) AS calls, count(*) FILTER (WHERE reused) AS reused,
                      coalesce(sum(cost_usd), 0) AS cost_usd
               FROM cost_events WHERE video_id = %s AND branch = %s GROUP BY phase""",
            (video_id, branch),
        )
        rows = {r["phase"]: r for r in await cur.fetchall()}
    phases = {
        p: {
            "calls": int(rows[p]["calls"]) if p in rows else 0,
            "reused": int(rows[p]["reused"]) if p in rows else 0,
            "cost_usd": round(float(rows[p]["cost_usd"]), 6) if p in rows else 0.0,
        }
        for p in PHASES
    }
    return {
        "calls": sum(v["calls"] for v in phases.values()),
        "reused": sum(v["reused"] for v in phases.values()),
        "cost_usd": round(sum(v["cost_usd"] for v in phases.values()), 6),
        "phases": phases,
    }
