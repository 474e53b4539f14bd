"""A branch's run lock on a real PostgreSQL: looking at it never takes it.

``status`` asks whether a branch is running (:func:`agent.service.locks.is_held`) as often as
the chat and the HTTP API poll it. Before the fix that look took the lock for a moment, and a
run starting on the branch in that moment (a LangGraph server run, a queue job) was refused as
"running elsewhere".
"""

from __future__ import annotations

import asyncio
import uuid

import pytest

from agent import db
from agent.service import locks
from agent.studio import Studio

pytestmark = [pytest.mark.integration]


@pytest.mark.asyncio
async def test_is_held_sees_a_run_holding_its_branch_and_no_other(studio: Studio) -> None:
    pool = studio.deps.pool
    mine, other = str(uuid.uuid4()), str(uuid.uuid4())
    async with locks.run_lock(pool, mine) as conn:
        assert conn is not None
        assert await locks.is_held(pool, mine)
        assert not await locks.is_held(pool, other)
    assert not await locks.is_held(pool, mine), "the run ended and its branch still looks busy"


@pytest.mark.asyncio
async def test_polling_a_branch_never_refuses_a_run_starting_on_it(studio: Studio) -> None:
    pool = studio.deps.pool
    thread_id = str(uuid.uuid4())
    conn = await db.connect(pool)
    try:
        refused = 0
        for _ in range(1000):
            took, _held = await asyncio.gather(
                locks.try_lock(conn, thread_id), locks.is_held(pool, thread_id)
            )
            refused += not took
            if took:
                await locks.unlock(conn, thread_id)
        assert refused == 0, f"{refused} of 1000 runs were refused while status looked"
    finally:
        await conn.close()
