"""Benchmark: wall time of an offline --yolo 30-second 16:9 run, per phase and in total.

Baseline, measured in the same run: FFmpeg encoding a plain 30-second clip at the same size
(libx264 veryfast). Figures are printed as seconds and as ratios to the baseline, since
machines here are shared and noisy.

    .venv/bin/python benchmarks/pipeline.py [--runs N]

Uses a fresh data directory and embedded PostgreSQL (so the memo starts empty), unless
``DATABASE_URL`` is set. A fresh seed per run keeps the memo from answering.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from agent.db import embedded_server
from agent.deps import open_deps
from agent.settings import Settings
from agent.spec import ASPECT_SIZE_PX
from agent.state import PHASES, Options, VideoRequest
from agent.studio import ProgressEvent, Studio

PROMPT = "Create a 30-second Nike sneaker ad, energetic style"


async def in_process(settings: Settings, seed: int) -> dict[str, float]:
    async with open_deps(settings) as deps:
        studio = Studio(deps)
        base = Path(tempfile.mkdtemp()) / "plain.mp4"
        t = time.perf_counter()
        await deps.media.encode_plain(base, 30.0, ASPECT_SIZE_PX["16:9"])
        baseline = time.perf_counter() - t

        last: dict[str, float] = {}

        def seen(e: ProgressEvent) -> None:
            last[e.phase] = time.perf_counter()

        vid = await studio.create_video(
            VideoRequest(prompt=PROMPT, options=Options(seed=seed), auto_continue=True), "bench"
        )
        start = time.perf_counter()
        st = await studio.run(vid, "bench", auto_continue=True, on_progress=seen)
        total = time.perf_counter() - start
        assert st["status"] == "complete", st
        marks = [start] + [last[p] for p in PHASES]
        phases = {p: marks[i + 1] - marks[i] for i, p in enumerate(PHASES)}
        return {"baseline": baseline, "total": total, **phases}


def cli_wall(env: dict[str, str], seed: int) -> float:
    t = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "ui.cli",
            "generate",
            PROMPT,
            "--yolo",
            "--seed",
            str(seed),
            "--json",
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="reelgraph-bench-"))
    url = os.environ.get("DATABASE_URL") or embedded_server(home / "pg", stop_at_exit=True)
    settings = Settings(home=home, database_url=url)
    env = {
        **os.environ,
        "REELGRAPH_HOME": str(home),
        "DATABASE_URL": url,
        "REELGRAPH_USER": "bench",
    }
    seed0 = int(time.time()) % 100_000 * 10
    rows = [asyncio.run(in_process(settings, seed0 + i)) for i in range(args.runs)]
    clis = [cli_wall(env, seed0 + 1000 + i) for i in range(args.runs)]
    base = statistics.median(r["baseline"] for r in rows)
    print(
        f"offline --yolo, 30 s 16:9, {args.runs} runs, median wall seconds"
        f" (ratio to the plain-encode baseline)"
    )
    print(f"  baseline: plain 30 s 1280x720 x264 encode  {base:6.2f} s  (1.00x)")
    for key in (*PHASES, "total"):
        v = statistics.median(r[key] for r in rows)
        print(f"  {key:<10} {v:6.2f} s  ({v / base:4.2f}x)")
    c = statistics.median(clis)
    print(f"  CLI end to end (process start to MP4)      {c:6.2f} s  ({c / base:4.2f}x)")


if __name__ == "__main__":
    main()
