"""Usage and cost read from the cost events: per branch and per phase."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from agent.db import Pool
from agent.state import PHASES, Phase


class PhaseUsage(BaseModel):
    """What runs called and spent.

    Attributes:
        calls: provider calls made or reused.
        reused: calls the memo answered (they cost nothing).
        cost_usd: spent, USD (rounded to 6 places).
    """

    model_config = ConfigDict(frozen=True)

    calls: int = 0
    reused: int = 0
    cost_usd: float = 0.0


class Usage(PhaseUsage):
    """What a branch's runs called and spent, in total and per phase.

    Attributes:
        phases: the same figures per phase (every phase, zeros where nothing ran).
    """

    phases: dict[Phase, PhaseUsage] = {}


async def branch_usage(pool: Pool, video_id: str, branch: str) -> Usage:
    """Calls, reused calls and USD spent on a branch, in total and per phase.

    Raises:
        psycopg.Error: the database cannot be read.
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
        p: PhaseUsage(
            calls=int(rows[p]["calls"]),
            reused=int(rows[p]["reused"]),
            cost_usd=round(float(rows[p]["cost_usd"]), 6),
        )
        if p in rows
        else PhaseUsage()
        for p in PHASES
    }
    return Usage(
        calls=sum(v.calls for v in phases.values()),
        reused=sum(v.reused for v in phases.values()),
        cost_usd=round(sum(v.cost_usd for v in phases.values()), 6),
        phases=phases,
    )
