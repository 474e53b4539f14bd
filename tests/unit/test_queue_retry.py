"""When a failed run's job runs again (:class:`agent.queue.Retry`)."""

from __future__ import annotations

import datetime

import pytest
from procrastinate.jobs import Job

from agent.errors import BranchBusy, MediaError, ProviderError, ProviderTimeout, UserError
from agent.queue import BACKOFF_S, MAX_ATTEMPTS, TASK, HandedBack, Retry


def _job(attempts: int = 0, *, attached: bool = False) -> Job:
    return Job(
        id=7,
        queue="runs",
        lock="thread",
        queueing_lock="thread",
        task_name=TASK,
        task_kwargs={"video_id": "v", "attached": attached},
        attempts=attempts,
    )


def _wait_s(exc: BaseException, job: Job) -> float | None:
    decision = Retry().get_retry_decision(exception=exc, job=job)
    if decision is None:
        return None
    assert decision.retry_at is not None
    now = datetime.datetime.now(datetime.UTC)
    return (decision.retry_at - now).total_seconds()


@pytest.mark.parametrize("exc", [ProviderTimeout("slow"), BranchBusy("held by the server")])
def test_transient_errors_retry_with_a_doubling_backoff(exc: Exception) -> None:
    waits = [_wait_s(exc, _job(n)) for n in range(MAX_ATTEMPTS - 1)]
    for n, wait in enumerate(waits):
        assert wait == pytest.approx(BACKOFF_S * 2**n, abs=1.5)
    assert _wait_s(exc, _job(MAX_ATTEMPTS - 1)) is None  # the last attempt fails for good


@pytest.mark.parametrize(
    "exc",
    [ProviderError("bad prompt"), UserError("no such beat"), MediaError("x", ["ffmpeg"], "")],
)
def test_other_errors_fail_the_run_at_once(exc: Exception) -> None:
    assert _wait_s(exc, _job()) is None


def test_a_worker_that_stops_hands_its_job_back_at_once() -> None:
    wait = _wait_s(HandedBack("stopping"), _job(3))
    assert wait is not None and wait <= 0.5


def test_a_foreground_commands_job_is_never_retried() -> None:
    for exc in (ProviderTimeout("slow"), HandedBack("stopping")):
        assert _wait_s(exc, _job(attached=True)) is None
