"""Servers the integration tests start as a user would: a process on a free loopback port."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(
    argv: list[str], env: dict[str, str], log: Path, ready_url: str, start_s: float = 90
) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``argv`` from the repository root until ``ready_url`` answers 200, then yield it.

    Its output goes to ``log``; the test fails with the log's tail if it exits or is not
    ready within ``start_s`` seconds. Stopped (SIGTERM, then SIGKILL after 15 s) on exit.
    """
    with log.open("wb") as out:
        proc = subprocess.Popen(
            argv, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    try:
        deadline = time.monotonic() + start_s
        while True:
            try:
                if httpx.get(ready_url, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                why = f"exited {proc.returncode}" if proc.poll() is not None else "never answered"
                pytest.fail(f"{argv[0]} {why}:\n{log.read_text()[-6000:]}")
            time.sleep(0.3)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
