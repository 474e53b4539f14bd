"""An idle ``reelgraph worker`` stops promptly and cleanly on SIGTERM, as managers expect."""

from __future__ import annotations

import io
import signal
import subprocess
import time

import pytest

from tests.conftest import Cli
from tests.integration.conftest import start_worker

pytestmark = [pytest.mark.integration]

#: Seconds an idle worker may take from SIGTERM to saying it stopped. Measured here: about
#: 0.02-0.09 s. The interpreter's own shutdown after that (unloading its modules) took 0.6-2.7 s
#: on a quiet machine and up to 12 s under a load of 22 on 2 cores, so the exit is awaited
#: without a bound of its own.
PROMPT_S = 10.0


def test_an_idle_worker_stops_promptly_on_sigterm(cli: Cli) -> None:
    proc = start_worker(cli, stderr=subprocess.PIPE)
    try:
        assert proc.stderr is not None
        err = io.TextIOWrapper(proc.stderr)
        said = [err.readline()]
        while "taking runs" not in said[-1]:  # the worker says so once a signal stops it well
            assert said[-1], f"the worker ended before taking runs: {''.join(said)}"
            said.append(err.readline())
        sent = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        while "stopped" not in said[-1]:
            assert said[-1], f"the worker ended without stopping: {''.join(said)}"
            said.append(err.readline())
        took_s = time.monotonic() - sent
        code = proc.wait(timeout=120)
        rest = err.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()
    assert code == 0, rest
    assert took_s < PROMPT_S, f"an idle worker took {took_s:.1f} s to stop"
