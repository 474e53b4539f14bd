"""Benchmark: wall time of an offline --yolo 30-second 16:9 run, per phase and in total.

Baseline, measured in each run just before and just after the pipelines (their mean, so a
change in the machine's load during the run weighs on both sides): FFmpeg encoding a plain
30-second clip at the same size (:data:`agent.media.BASELINE_X264_ARGS`, libx264 veryfast).
Figures are printed as seconds and as ratios to that baseline, since machines here are shared
and noisy; CPU seconds (this process and the FFmpeg processes it waited for) are printed too,
as they depend less on what else the machine is doing.

The phases and their steps come from the run's own progress events, so a new phase or step
(a voiceover, captions) shows up by itself: every event's time since the previous event
belongs to its phase, and to its step (the item's name, with a trailing ``_NN`` folded, so
``chunk_00`` ... ``chunk_09`` are one step ``chunk_*``). Events of parallel work interleave,
so a step's time is the wall time spent until it finished, not its own CPU time.

Each run makes the same ad (one seed, so one plan: the same beats, camera moves and lines)
twice, with music and voiceover both times: once with captions burned in (the default) and
once without captions (``subtitles="off"``). Each variant gets its own fresh database and
artifact directory, so the memo starts empty for both and neither reuses the other's
storyboard. The order alternates from run to run, and the baseline is encoded before, between
and after the variants: each variant's ratios are to the mean of the two baselines around it.
So the two ratios come from one run on one machine state, and a difference between them is
the captions', not the plans' (two seeds plan different camera moves, whose costs differ) nor
the order's.

    .venv/bin/python benchmarks/pipeline.py [--runs N] [--cli]

Uses an embedded PostgreSQL in a fresh directory (one database per variant), unless
``DATABASE_URL`` is set (its server then gets the databases; the role needs CREATEDB).
"""

from __future__ import annotations

import os
import sys

# Run as a script, this file's directory comes first on sys.path, and ``benchmarks/queue.py``
# would stand in for the standard library's ``queue`` (which psycopg imports): put the
# repository there instead.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [os.path.dirname(_HERE)] + [p for p in sys.path if os.path.abspath(p or ".") != _HERE]

import argparse  # noqa: E402
import asyncio  # noqa: E402
import re  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Iterable  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402
from psycopg.conninfo import make_conninfo  # noqa: E402

from agent.db import embedded_server  # noqa: E402
from agent.deps import open_deps  # noqa: E402
from agent.media import Media  # noqa: E402
from agent.settings import Settings  # noqa: E402
from agent.spec import ASPECT_SIZE_PX, Aspect  # noqa: E402
from agent.state import Options, Subtitles, VideoRequest  # noqa: E402
from agent.studio import ProgressEvent, Studio  # noqa: E402

PROMPT = "Create a 30-second Nike sneaker ad, energetic style"
DURATION_S = 30.0
ASPECT: Aspect = "16:9"
#: The pipeline variants each run makes: label → subtitles option.
VARIANTS: dict[str, Subtitles] = {"with burned captions": "burn", "without captions": "off"}


@dataclass(frozen=True)
class Mark:
    """One progress event as the benchmark saw it.

    Attributes:
        phase: the event's phase.
        item: what finished (``chunk_03``, ``final``).
        wall_s: ``time.perf_counter()`` when it arrived, seconds.
        cpu_s: CPU seconds used so far by this process and its finished children.
    """

    phase: str
    item: str
    wall_s: float
    cpu_s: float


def cpu_now_s() -> float:
    """User + system CPU seconds of this process and of the child processes it waited for."""
    own, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def step_name(item: str) -> str:
    """The step an item belongs to: ``chunk_07`` → ``chunk_*``, ``final`` → ``final``."""
    return re.sub(r"_\d+$", "_*", item) or "(start)"


def split_times(
    marks: Iterable[Mark], start_wall_s: float, start_cpu_s: float
) -> dict[str, dict[str, tuple[float, float]]]:
    """Wall and CPU seconds per phase and step, from a run's progress events.

    Each event's share is the time since the previous event (the first's, since the start);
    it goes to the event's phase and step. The shares add up to the time of the last event.

    Args:
        marks: the events, in arrival order.
        start_wall_s: ``time.perf_counter()`` when the run started.
        start_cpu_s: :func:`cpu_now_s` when the run started.

    Returns:
        ``{phase: {step: (wall_s, cpu_s)}}``, phases and steps in the order first seen; each
        phase also has a ``""`` entry with its total.
    """
    out: dict[str, dict[str, tuple[float, float]]] = {}
    wall, cpu = start_wall_s, start_cpu_s
    for m in marks:
        dw, dc = m.wall_s - wall, m.cpu_s - cpu
        wall, cpu = m.wall_s, m.cpu_s
        steps = out.setdefault(m.phase, {"": (0.0, 0.0)})
        for key in ("", step_name(m.item)):
            w0, c0 = steps.get(key, (0.0, 0.0))
            steps[key] = (w0 + dw, c0 + dc)
    return out


@dataclass(frozen=True)
class PipelineTimes:
    """One pipeline run: its total and its phases, wall and CPU seconds."""

    total: tuple[float, float]
    phases: dict[str, dict[str, tuple[float, float]]]


@dataclass(frozen=True)
class RunTimes:
    """One benchmark run: per variant, its pipeline and its baseline (wall and CPU seconds).

    Attributes:
        baselines: variant label → the mean of the baseline encodes just before and just
            after it.
        variants: variant label → its pipeline's times.
    """

    baselines: dict[str, tuple[float, float]]
    variants: dict[str, PipelineTimes]


def fresh_database(url: str, name: str) -> str:
    """Create database ``name`` on ``url``'s server; return a connection string for it."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return make_conninfo(url, dbname=name)


async def pipeline(settings: Settings, seed: int, subtitles: Subtitles) -> PipelineTimes:
    """Run the offline pipeline with ``--yolo`` once, timing its phases from its events."""
    async with open_deps(settings) as deps:
        studio = Studio(deps)
        marks: list[Mark] = []

        def seen(e: ProgressEvent) -> None:
            marks.append(Mark(e.phase, e.item, time.perf_counter(), cpu_now_s()))

        options = Options(seed=seed, duration_s=DURATION_S, aspect=ASPECT, subtitles=subtitles)
        vid = await studio.create_video(
            VideoRequest(prompt=PROMPT, options=options, auto_continue=True), "bench"
        )
        start, start_cpu = time.perf_counter(), cpu_now_s()
        st = await studio.run(vid, "bench", auto_continue=True, on_progress=seen)
        total = (time.perf_counter() - start, cpu_now_s() - start_cpu)
        assert st.status == "complete", st
        return PipelineTimes(total, split_times(marks, start, start_cpu))


async def in_process(home: Path, url: str, run: int, seed: int) -> RunTimes:
    """Baseline, one variant, baseline, the other variant, baseline (order alternating)."""
    media = Media(Settings(home=home).ffmpeg())
    plain_mp4 = home / "plain.mp4"

    async def plain() -> tuple[float, float]:
        t, c = time.perf_counter(), cpu_now_s()
        await media.encode_plain(plain_mp4, DURATION_S, ASPECT_SIZE_PX[ASPECT])
        return time.perf_counter() - t, cpu_now_s() - c

    order = list(VARIANTS.items())
    if run % 2:
        order.reverse()
    before = await plain()
    baselines: dict[str, tuple[float, float]] = {}
    variants: dict[str, PipelineTimes] = {}
    for label, subtitles in order:
        name = f"bench_{run}_{subtitles}"
        settings = Settings(home=home / name, database_url=fresh_database(url, name))
        variants[label] = await pipeline(settings, seed, subtitles)
        after = await plain()
        baselines[label] = ((before[0] + after[0]) / 2, (before[1] + after[1]) / 2)
        before = after
    return RunTimes(baselines, variants)


def cli_wall(env: dict[str, str], seed: int) -> float:
    """Wall seconds of ``reelgraph generate --yolo`` from process start to MP4."""
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


def report(rows: list[RunTimes]) -> list[str]:
    """The table: medians over runs of seconds and of ratios to each variant's own baseline.

    The last column is CPU seconds over wall seconds: how many of the cores a phase kept busy
    (a step's figure is rough when steps of parallel work interleave).
    """

    def line(label: str, pairs: list[tuple[float, float]], bases: list[tuple[float, float]]) -> str:
        wall = statistics.median(w for w, _ in pairs)
        cpu = statistics.median(c for _, c in pairs)
        ratio = statistics.median(w / b[0] for (w, _), b in zip(pairs, bases, strict=True))
        cpu_ratio = statistics.median(c / b[1] for (_, c), b in zip(pairs, bases, strict=True))
        busy = f"{cpu / wall:5.2f}" if wall > 0 else "    -"
        return (
            f"  {label:<28} {wall:7.2f} s {ratio:5.2f}x   {cpu:7.2f} s {cpu_ratio:5.2f}x   {busy}"
        )

    size = "x".join(map(str, ASPECT_SIZE_PX[ASPECT]))
    all_bases = [b for r in rows for b in r.baselines.values()]
    out = [
        f"offline --yolo, {DURATION_S:g} s {ASPECT}, {len(rows)} run(s), each variant the same"
        " plan; medians of wall and CPU seconds, and of ratios to each variant's own baseline",
        f"  {'':<28} {'wall':>9} {'ratio':>6}   {'CPU':>9} {'ratio':>6}   {'cores':>5}",
        line(f"baseline (x264 {size})", all_bases, all_bases),
    ]
    for label in VARIANTS:
        runs = [r.variants[label] for r in rows]
        bases = [r.baselines[label] for r in rows]
        out.append(f"  {label}:")
        phases = list(dict.fromkeys(p for r in runs for p in r.phases))
        for phase in phases:
            steps = list(dict.fromkeys(s for r in runs for s in r.phases.get(phase, {})))
            totals = [r.phases.get(phase, {}).get("", (0.0, 0.0)) for r in runs]
            out.append(line(phase, totals, bases))
            for step in steps[1:]:
                pairs = [r.phases.get(phase, {}).get(step, (0.0, 0.0)) for r in runs]
                out.append(line(f"  {step}", pairs, bases))
        out.append(line(f"total, {label}", [r.total for r in runs], bases))
    return out


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="runs to take the median of")
    parser.add_argument("--cli", action="store_true", help="also time the CLI end to end")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be >= 1")
    home = Path(tempfile.mkdtemp(prefix="reelgraph-bench-"))
    url = os.environ.get("DATABASE_URL") or embedded_server(home / "pg", stop_at_exit=True)
    seed0 = int(time.time()) % 100_000 * 10
    rows = [asyncio.run(in_process(home, url, i, seed0 + i)) for i in range(args.runs)]
    print("\n".join(report(rows)))
    if args.cli:
        cli_url = fresh_database(url, "bench_cli")
        env = {**os.environ, "REELGRAPH_HOME": str(home / "cli"), "DATABASE_URL": cli_url}
        env["REELGRAPH_USER"] = "bench"
        clis = [cli_wall(env, seed0 + 1000 + i) for i in range(args.runs)]
        c = statistics.median(clis)
        print(f"  CLI end to end (process start to MP4)  {c:7.2f} s")


if __name__ == "__main__":
    main()
