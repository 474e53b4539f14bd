"""The connection pool on a real PostgreSQL: busy is a wait, gone is an error within seconds."""

from __future__ import annotations

import asyncio
import time

import pytest

from agent import db

pytestmark = [pytest.mark.integration]


@pytest.mark.asyncio
async def test_a_busy_pool_makes_a_caller_wait_past_the_probe_not_fail(database_url: str) -> None:
    """With its only connection taken for longer than :data:`agent.db.GONE_PROBE_S`, a caller
    waits, the probe finds the server there, and the caller gets the connection once freed."""
    pool = await db.open_pool(database_url, max_size=1)
    try:
        held = asyncio.Event()

        async def hold() -> None:
            async with pool.connection():
                held.set()
                await asyncio.sleep(db.GONE_PROBE_S + 1.0)

        holder = asyncio.create_task(hold())
        await held.wait()
        started = time.monotonic()
        async with pool.connection(timeout=db.GONE_PROBE_S + 10.0) as conn:
            waited_s = time.monotonic() - started
            assert (await (await conn.execute("SELECT 1 AS one")).fetchone()) == {"one": 1}
        assert waited_s > db.GONE_PROBE_S, "the caller did not have to wait: nothing was tested"
        await holder
    finally:
        await pool.close()
