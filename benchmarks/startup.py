"""Benchmark: how long a ``reelgraph`` process takes to start, and what its imports cost.

Every command, server and worker is a new Python process, and its imports come before any
work: a module that builds tables or compiles patterns at import slows every command (the
brief reader once compiled 6,800 regex character classes there: 10 s of CPU per process).

Measured in one run, as the median of ``--runs`` tries each:

- the baseline: a bare ``python -c pass`` start;
- ``reelgraph --help``: the whole import of the command line, then typer's help;
- ``reelgraph videos --json`` on a running embedded database (its start excluded).

Figures are seconds of wall and CPU time and ratios to the baseline; then the slowest of the
project's own modules by their own import time (``python -X importtime``).

    .venv/bin/python benchmarks/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OURS = ("agent", "tools", "ui")


def _timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall s, CPU s of the child) of one run of ``argv``."""
    before = os.times()
    started = time.perf_counter()
    subprocess.run(argv, env=env, cwd=REPO, check=True, capture_output=True)
    wall = time.perf_counter() - started
    after = os.times()
    return wall, (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )


def _median(argv: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    tries = [_timed(argv, env) for _ in range(runs)]
    return statistics.median(t[0] for t in tries), statistics.median(t[1] for t in tries)


def _own_imports(env: dict[str, str], top: int) -> list[tuple[float, str]]:
    """The project's modules with the longest own import time (seconds), longest first."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import ui.cli"],
        env=env,
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    )
    rows = []
    for line in proc.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+\d+ \|\s*(\S+)", line)
        if m and m[2].split(".")[0] in OURS:
            rows.append((int(m[1]) / 1e6, m[2]))
    return sorted(rows, reverse=True)[:top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="tries of each command (median)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="reelgraph-startup-") as home:
        Path(home).chmod(0o755)  # the embedded server runs as its own user when we are root
        env = {**os.environ, "REELGRAPH_HOME": home, "PYTHONPATH": str(REPO)}
        env.pop("DATABASE_URL", None)
        cli = [sys.executable, "-m", "ui.cli"]
        subprocess.run([*cli, "videos"], env=env, cwd=REPO, check=True, capture_output=True)
        try:
            base = _median([sys.executable, "-c", "pass"], env, args.runs)
            rows = {
                "python -c pass (baseline)": base,
                "reelgraph --help": _median([*cli, "--help"], env, args.runs),
                "reelgraph videos --json": _median([*cli, "videos", "--json"], env, args.runs),
            }
            print(f"{'':28} {'wall s':>8} {'CPU s':>8} {'× wall':>8}")
            for name, (wall, cpu) in rows.items():
                print(f"{name:28} {wall:8.2f} {cpu:8.2f} {wall / base[0]:8.1f}")
            print("\nslowest own modules to import (own time, s):")
            for seconds, module in _own_imports(env, top=8):
                print(f"  {seconds:6.3f}  {module}")
        finally:
            subprocess.run([*cli, "db", "stop"], env=env, cwd=REPO, capture_output=True)


if __name__ == "__main__":
    main()
