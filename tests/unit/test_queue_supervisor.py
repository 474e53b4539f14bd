"""A server's in-process worker never dies silently (:func:`ui.process.supervise`).

Seen in CI: the chat's worker stopped on an unexpected error, was only logged, and the chat's
runs were never taken again. The supervisor starts it again after a doubling backoff, logs
each restart, and stops when the server stops it.
"""

from __future__ import annotations

import asyncio
import logging

import pytest

from ui import process
from ui.process import supervise


class _Worker:
    """A worker that fails ``failures`` times, returns once by itself, then runs until stopped."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.starts = 0
        self.running = asyncio.Event()
        self.stopped = False

    async def work(self) -> None:
        self.starts += 1
        if self.starts <= self.failures:
            raise RuntimeError(f"insert or update on table violates foreign key ({self.starts})")
        if self.starts == self.failures + 1:
            return  # Procrastinate's worker returns when a side task of its own failed
        self.running.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.stopped = True
            raise


@pytest.fixture
def server_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """``caplog`` capturing the errors the supervisor logs (logger ``reelgraph.server``)."""
    caplog.set_level(logging.ERROR, logger="reelgraph.server")
    return caplog


async def _supervise_until_running(
    worker: _Worker, name: str, first_s: float, max_s: float
) -> asyncio.Task[None]:
    """Supervise ``worker`` until it runs (10 s at most), then stop the supervisor.

    Returns the supervisor's task, cancelled and awaited.
    """
    task = asyncio.get_running_loop().create_task(
        supervise(name, worker.work, first_s=first_s, max_s=max_s)
    )
    try:
        await asyncio.wait_for(worker.running.wait(), timeout=10)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    return task


@pytest.mark.asyncio
async def test_a_worker_that_fails_or_stops_by_itself_is_started_again_with_backoff(
    server_log: pytest.LogCaptureFixture,
) -> None:
    worker = _Worker(failures=2)
    task = await _supervise_until_running(worker, "the chat's worker", first_s=0.01, max_s=0.02)
    assert worker.starts == 4 and worker.stopped and task.cancelled()
    errors = server_log.records
    assert [r.getMessage() for r in errors] == [
        "the chat's worker failed; restarting it in 0.01 s (restart 1)",
        "the chat's worker failed; restarting it in 0.02 s (restart 2)",
        "the chat's worker stopped by itself; restarting it in 0.02 s (restart 3)",
    ]
    assert errors[0].exc_info and "foreign key (1)" in str(errors[0].exc_info[1])


@pytest.mark.asyncio
async def test_the_backoff_doubles_up_to_its_longest_wait(
    server_log: pytest.LogCaptureFixture,
) -> None:
    await _supervise_until_running(_Worker(failures=5), "the worker", first_s=0.001, max_s=0.004)
    waits = [r.getMessage().split(" in ")[1].split(" s ")[0] for r in server_log.records]
    assert waits == ["0.001", "0.002", "0.004", "0.004", "0.004", "0.004"]


@pytest.mark.asyncio
async def test_a_stopping_server_stops_its_worker_during_a_backoff() -> None:
    worker = _Worker(failures=100)
    task = asyncio.get_running_loop().create_task(
        supervise("the worker", worker.work, first_s=60, max_s=60)
    )
    while worker.starts == 0:
        await asyncio.sleep(0)
    task.cancel()
    await asyncio.wait_for(asyncio.gather(task, return_exceptions=True), timeout=5)
    assert task.cancelled() and worker.starts == 1


class _Clock:
    """``time.monotonic`` for ui.process only: moved by hand, not by the event loop."""

    def __init__(self) -> None:
        self.now_s = 0.0

    def monotonic(self) -> float:
        return self.now_s


@pytest.mark.asyncio
async def test_a_worker_that_ran_healthy_for_a_while_restarts_after_the_first_wait(
    server_log: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = _Clock()
    monkeypatch.setattr(process, "time", clock)

    class _HealthyThirdRun(_Worker):
        async def work(self) -> None:
            if self.starts == 2:
                clock.now_s += process.HEALTHY_S  # the third run lasts five minutes, then fails
            await super().work()

    await _supervise_until_running(_HealthyThirdRun(failures=3), "the worker", 0.001, 0.004)
    waits = [r.getMessage().split(" in ")[1].split(" s ")[0] for r in server_log.records]
    assert waits == ["0.001", "0.002", "0.001", "0.002"]
