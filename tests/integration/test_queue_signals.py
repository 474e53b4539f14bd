"""An idle ``reelgraph worker`` stops promptly and cleanly on SIGTERM, as managers expect."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import REPO, Cli

pytestmark = [pytest.mark.integration]

#: Seconds an idle worker may take from SIGTERM to saying it stopped. Measured here: about
#: 0.02-0.09 s. The interpreter's own shutdown after that (unloading its modules) took 0.6-2.7 s
#: on a quiet machine and up to 12 s under a load of 22 on 2 cores, so the exit is awaited
#: without a bound of its own.
PROMPT_S = 10.0


def test_an_idle_worker_stops_promptly_on_sigterm(cli: Cli) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "ui.cli", "worker"],
        env=cli.env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        said = [proc.stderr.readline()]
        while "taking runs" not in said[-1]:  # the worker says so once a signal stops it well
            assert said[-1], f"the worker ended before taking runs: {''.join(said)}"
            said.append(proc.stderr.readline())
        sent = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        while "stopped" not in said[-1]:
            assert said[-1], f"the worker ended without stopping: {''.join(said)}"
            said.append(proc.stderr.readline())
        took_s = time.monotonic() - sent
        code = proc.wait(timeout=120)
        rest = proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()
    assert code == 0, rest
    assert took_s < PROMPT_S, f"an idle worker took {took_s:.1f} s to stop"
