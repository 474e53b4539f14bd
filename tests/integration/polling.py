"""What the queue's tests share: waiting for a state other processes reach, and CLI JSON."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any, TypeVar

import pytest

from tests.conftest import Cli

T = TypeVar("T")


def until(what: str, check: Callable[[], T | None], timeout_s: float) -> T:
    """Poll ``check`` until it returns something (a worker's or a server's doing), or fail.

    Args:
        what: what is awaited, for the failure message.
        check: returns ``None`` until the state is reached.
        timeout_s: the deadline, seconds.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        found = check()
        if found is not None:
            return found
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout_s:.0f} s waiting for {what}")
        time.sleep(0.3)


def cli_json(cli: Cli, *args: str) -> Any:
    """``reelgraph ARGS --json`` through the ``cli`` fixture (exit 0 checked): its JSON."""
    return json.loads(cli(*args, "--json").stdout)
