"""Benchmark: reelgraph's parallel schedule against the seed's sequential one, on paid-model time.

The providers here only *wait* as long as the paid models take (their ``typical_latency_s`` in
``agent/providers/replicate/models.toml``, scaled down) and otherwise delegate to the offline
providers, so every run still writes real files through the real graph, memo, database and
FFmpeg. Their calls carry the paid price (``price_usd`` there), so cost events hold realistic
USD; reused calls cost 0. One invocation measures, for a video model with an end frame
(Hailuo-02) and one without (Kling v2.1 standard):

(a) the wall time of a 30-second ``--yolo`` run with reelgraph's schedule (``Send`` fan-out
    over beats; with an end frame a beat's chunks also render at once) at
    ``Settings.max_concurrency`` = ``--concurrency``;
(b) the same run under the seed system's strictly sequential schedule (max_concurrency 1: one
    image after another, one beat's chunks after another) — the baseline — and the ratio;
(c) the USD and wall time of regenerating ONE beat's image on a forked branch (``Studio.edit``
    with ``regenerate_beat``, then the branch run to the end with auto-continue) against the
    whole video from scratch: run (a) itself (same spec, empty memo), or with ``--scratch`` a
    new video with another seed in the same home.

    .venv/bin/python benchmarks/schedule.py [--scale S] [--concurrency N] [--models A,B]
        [--beat N] [--scratch] [--no-fork] [--json PATH|-] [--keep]

Each schedule runs in a fresh temporary ``REELGRAPH_HOME`` with its own embedded PostgreSQL, so
the memo starts empty; (c) forks the video of run (a) in its home.

Choices. ``--scale`` 0.5 (half a second per documented minute): a 4-minute clip waits 2 s.
Smaller scales (0.1) make the waits vanish under the CPU-bound FFmpeg work on a 2-core machine,
larger ones take the default run past 3 minutes. ``--concurrency`` 16: model calls are I/O-bound
(a poll loop each), the 30 s plan has 9 beats, and 8 would leave one beat for a second wave of
clips, doubling the chunk phase; 16 covers most 60 s plans too, far below Replicate's 600
creates/min. The "bound" column is model time alone on the critical path, in documented
(unscaled) minutes: what the schedule alone gives with real latencies.

A simulated call lasts ``max(latency x scale, local render time)``: the wait and the offline
renderer run together, as the remote model would. The clip is rendered at a quarter of the
ad's size and then conformed (re-encoded) at full size, as a paid model's clip is. FFmpeg steps
that are local in production too (conform, retime, last frame, stitch, mix) run at their real
speed and are not scaled, so they weigh far more against the scaled waits than in production:
the measured wall ratios understate the schedule's gain; the bound ratios do not include them.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import dataclasses
import json
import math
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from agent.db import embedded_server
from agent.deps import open_deps
from agent.editing import RegenerateBeat
from agent.media import Media
from agent.memo import Call
from agent.phases.chunks import plan_chunks
from agent.providers.base import (
    ClipRequest,
    ImageProvider,
    ImageRequest,
    MusicProvider,
    MusicRequest,
    VideoProvider,
)
from agent.providers.local.models import LocalImages, LocalMusic, LocalPlanner, LocalVideo
from agent.providers.registry import Registry
from agent.service.status import BranchStatus
from agent.settings import Settings
from agent.spec import Spec
from agent.state import Options, VideoRequest
from agent.studio import Studio

PROMPT = "Create a 30-second Nike sneaker ad, energetic style"
USER = "bench"
SEED = 4242
#: Benchmark seconds per documented minute of model time (see ``--scale``).
DEFAULT_SCALE = 0.5
#: max_concurrency of the parallel schedule (see ``--concurrency``).
DEFAULT_CONCURRENCY = 16

Kind = Literal["image", "video", "music"]


@dataclass(frozen=True)
class ModelFacts:
    """What the benchmark needs to know about one paid model.

    Attributes:
        name: the model's name in reelgraph's registry after ``replicate:`` (``hailuo-02``).
        kind: what it makes.
        latency_s: typical wall time of one prediction (queue + run + output), seconds.
        usd_per_unit: price per ``unit``.
        unit: what is billed: ``image``, ``second`` (of clip made) or ``run``.
        clip_lengths_s: clip lengths the video model makes, seconds.
        end_frame: the video model accepts an end frame.
        native_audio: the video model makes its own soundtrack.
        source: where latency and price come from.
    """

    name: str
    kind: Kind
    latency_s: float
    usd_per_unit: float
    unit: str
    clip_lengths_s: tuple[float, ...] = ()
    end_frame: bool = False
    native_audio: bool = False
    source: str = ""


#: Used only if ``agent.providers.replicate`` (its ``models.toml`` catalog) cannot be loaded.
#: Prices: NOTES.md (third-party price lists). Latency: NOTES.md gives "typical image-to-video
#: 1-5 min per clip" and nothing per model, so every video model takes the midpoint, 3 min.
#: FLUX schnell: a recorded Replicate run shows 0.83 s predict time; 3 s with create, poll and
#: download. MusicGen: 10-120 s typical per third-party guides, 60 s taken; billed by GPU time,
#: about $0.003 per second of music (an estimate). Clip lengths, end frames: DESIGN.md section 1.
DOCUMENTED: dict[str, ModelFacts] = {
    f.name: f
    for f in (
        ModelFacts("flux-schnell", "image", 3.0, 0.003, "image", source="NOTES.md price"),
        ModelFacts(
            "hailuo-02", "video", 180.0, 0.045, "second", (6.0, 10.0), end_frame=True,
            source="NOTES.md price (768p); latency: midpoint of NOTES.md's 1-5 min",
        ),
        ModelFacts(
            "kling-v2.1", "video", 180.0, 0.05, "second", (5.0, 10.0), end_frame=False,
            source="NOTES.md price (standard); latency: midpoint of NOTES.md's 1-5 min",
        ),
        ModelFacts("musicgen", "music", 60.0, 0.003, "second", source="estimate"),
    )
}  # fmt: skip


def replicate_facts() -> tuple[dict[str, ModelFacts], str]:
    """Latency, price and capabilities of every model in Replicate's catalog (``models.toml``).

    Falls back to :data:`DOCUMENTED` when ``agent.providers.replicate`` cannot be imported.

    Returns:
        The facts by model name, and a line saying where they came from.
    """
    try:
        from agent.providers.replicate.catalog import load_catalog

        catalog = load_catalog()
    except Exception as exc:  # the package is absent or its data does not load
        return dict(DOCUMENTED), f"documented constants in this file ({exc})"
    facts = {
        m.name: ModelFacts(
            name=m.name,
            kind=m.capability,
            latency_s=m.typical_latency_s,
            usd_per_unit=m.price_usd,
            unit=m.unit,
            clip_lengths_s=m.clip_lengths_s,
            end_frame=m.end_frame,
            native_audio=m.native_audio,
            source="; ".join(m.sources),
        )
        for m in catalog.models.values()
    }
    return facts, "typical_latency_s and price_usd of agent/providers/replicate/models.toml"


# -- providers that wait like paid ones -------------------------------------------------------


@dataclass
class Meter:
    """Calls made, and the most in flight at once, per kind, for one run."""

    calls: Counter[str] = field(default_factory=Counter)
    in_flight: Counter[str] = field(default_factory=Counter)
    peak: Counter[str] = field(default_factory=Counter)

    def reset(self) -> None:
        """Forget the counts (before the next run)."""
        self.calls.clear()
        self.peak.clear()

    @asynccontextmanager
    async def busy(self, kind: str) -> AsyncIterator[None]:
        """Count one call of ``kind`` while the block runs."""
        self.calls[kind] += 1
        self.in_flight[kind] += 1
        self.peak[kind] = max(self.peak[kind], self.in_flight[kind])
        try:
            yield
        finally:
            self.in_flight[kind] -= 1


class _Simulated:
    """Shared part: price a local Call as the paid model, wait while the local work runs."""

    def __init__(self, facts: ModelFacts, scale: float, meter: Meter) -> None:
        self.name = f"sim:{facts.name}"
        self.facts = facts
        self._wait_s = facts.latency_s / 60.0 * scale
        self._meter = meter

    def _priced(self, call: Call, units: float) -> Call:
        return dataclasses.replace(
            call,
            provider="replicate-sim",
            model=self.facts.name,
            params={**call.params, "sim": self.facts.name},
            units=units,
            unit=self.facts.unit,
            cost_usd=round(units * self.facts.usd_per_unit, 6),
        )

    async def _call(self, work: Awaitable[None]) -> None:
        async with self._meter.busy(self.facts.kind):
            await asyncio.gather(asyncio.sleep(self._wait_s), work)


class SimImages(_Simulated):
    """An image model that takes ``facts.latency_s`` (scaled) and draws with ``inner``."""

    def __init__(self, inner: ImageProvider, facts: ModelFacts, scale: float, meter: Meter):
        """Wrap ``inner``."""
        super().__init__(facts, scale, meter)
        self._inner = inner

    def describe(self, req: ImageRequest) -> Call:
        """The inner call, priced per image."""
        return self._priced(self._inner.describe(req), 1.0)

    async def draw(self, req: ImageRequest, dst: Path) -> None:
        """Wait the model's latency while the inner provider draws."""
        await self._call(self._inner.draw(req, dst))


class SimVideo(_Simulated):
    """A video model that takes ``facts.latency_s`` (scaled) per clip and animates with ``inner``.

    The clip is rendered at a quarter of the ad's size: the render stands in for the remote
    model's work, so its CPU time is kept small, and the chunk is then conformed (re-encoded at
    full size) as a paid model's clip is.
    """

    def __init__(self, inner: VideoProvider, facts: ModelFacts, scale: float, meter: Meter):
        """Wrap ``inner``; clip lengths, end-frame support and native audio are the model's."""
        super().__init__(facts, scale, meter)
        self._inner = inner
        self.clip_lengths_s = facts.clip_lengths_s
        self.end_frame = facts.end_frame
        self.native_audio = facts.native_audio

    def describe(self, req: ClipRequest) -> Call:
        """The inner call plus the end frame, priced per second of clip made (not kept)."""
        call = self._priced(self._inner.describe(req), req.clip_s)
        if req.end_sha256 is None:
            return call
        return dataclasses.replace(
            call,
            params={**call.params, "end_frame": True},
            inputs=(*call.inputs, req.end_sha256),
        )

    async def animate(self, req: ClipRequest, dst: Path) -> None:
        """Wait the model's latency while the inner provider renders a small clip."""
        w, h = req.size_px
        small = req.model_copy(update={"size_px": (w // 8 * 2, h // 8 * 2)})
        if req.end_sha256 is not None:
            self._meter.calls["video with end frame"] += 1
        await self._call(self._inner.animate(small, dst))


class SimMusic(_Simulated):
    """A music model that takes ``facts.latency_s`` (scaled) and composes with ``inner``."""

    def __init__(self, inner: MusicProvider, facts: ModelFacts, scale: float, meter: Meter):
        """Wrap ``inner``."""
        super().__init__(facts, scale, meter)
        self._inner = inner

    def describe(self, req: MusicRequest) -> Call:
        """The inner call, priced per second of music (or per run)."""
        units = req.duration_s if self.facts.unit == "second" else 1.0
        return self._priced(self._inner.describe(req), units)

    async def compose(self, req: MusicRequest, dst: Path) -> None:
        """Wait the model's latency while the inner provider composes."""
        await self._call(self._inner.compose(req, dst))


def sim_registry(
    media: Media, facts: dict[str, ModelFacts], scale: float, meter: Meter
) -> Registry:
    """The offline providers plus ``sim:<model>`` for every model in ``facts``."""
    registry = Registry(
        planners={"local": LocalPlanner()},
        images={"local": LocalImages()},
        videos={"local": LocalVideo(media)},
        music={"local": LocalMusic(media)},
    )
    for f in facts.values():
        if f.kind == "image":
            registry.images[f"sim:{f.name}"] = SimImages(LocalImages(), f, scale, meter)
        elif f.kind == "video":
            registry.videos[f"sim:{f.name}"] = SimVideo(LocalVideo(media), f, scale, meter)
        else:
            registry.music[f"sim:{f.name}"] = SimMusic(LocalMusic(media), f, scale, meter)
    return registry


# -- runs -------------------------------------------------------------------------------------


def options(video: str, seed: int) -> Options:
    """A 30-second 16:9 video on the simulated paid models."""
    return Options(
        seed=seed,
        image_model="sim:flux-schnell",
        video_model=f"sim:{video}",
        music_model="sim:musicgen",
    )


def lower_bound_min(spec: Spec, facts: dict[str, ModelFacts], video: str, workers: int) -> float:
    """Model time alone on the critical path of a schedule, documented minutes.

    Images in waves of ``workers``; then beats in waves, a beat taking one clip latency per
    chunk if its chunks are chained, one in all if the model takes an end frame; then the music.
    Local FFmpeg work is left out.
    """
    v = facts[video]
    chains = Counter(j.beat_index for j in plan_chunks(spec, v.clip_lengths_s))
    lengths = sorted((1 if v.end_frame else n for n in chains.values()), reverse=True)
    waves = [lengths[i : i + workers] for i in range(0, len(lengths), workers)]
    images = math.ceil(len(spec.beats) / workers) * facts["flux-schnell"].latency_s
    clips = sum(max(w) for w in waves) * v.latency_s
    music = 0.0 if v.native_audio else facts["musicgen"].latency_s
    return (images + clips + music) / 60.0


@dataclass
class Home:
    """A fresh data directory with its own embedded PostgreSQL (stopped, deleted at exit)."""

    settings: Settings

    @classmethod
    def fresh(cls, concurrency: int, keep: bool) -> Home:
        """Make one; its server stops and (unless ``keep``) the directory goes at exit."""
        home = Path(tempfile.mkdtemp(prefix="reelgraph-schedule-"))
        if not keep:  # registered first, so it runs after the server's own stop handler
            atexit.register(shutil.rmtree, home, ignore_errors=True)
        url = embedded_server(home / "pg", stop_at_exit=True)
        return cls(Settings(home=home, database_url=url, max_concurrency=concurrency))


async def complete(studio: Studio, video_id: str, branch: str) -> BranchStatus:
    """The branch's status, checked complete."""
    st = await studio.status(video_id, USER, branch)
    assert st.status == "complete", (branch, st.status, st.error)
    return st


def row(
    part: str, label: str, wall_s: float, st: BranchStatus, meter: Meter, **extra: Any
) -> dict[str, Any]:
    """One measured run, as printed and written to JSON."""
    usage = st.usage
    return {
        "part": part,
        "label": label,
        "wall_s": round(wall_s, 3),
        "cost_usd": round(usage.cost_usd, 4),
        "calls": usage.calls,
        "reused": usage.reused,
        "paid_calls": dict(meter.calls),
        "peak_in_flight": dict(meter.peak),
        **extra,
    }


async def full_run(
    studio: Studio, video: str, seed: int, meter: Meter
) -> tuple[str, float, dict[str, Any]]:
    """Create one video and run it to the end with auto-continue (``--yolo``).

    Returns:
        The video id, the run's wall time in seconds, and its status.
    """
    vid = await studio.create_video(
        VideoRequest(prompt=PROMPT, options=options(video, seed), auto_continue=True), USER
    )
    meter.reset()
    start = time.perf_counter()
    await studio.run(vid, USER, auto_continue=True)
    wall = time.perf_counter() - start
    return vid, wall, await complete(studio, vid, "main")


async def schedule_runs(
    video: str, workers: int, args: argparse.Namespace, facts: dict[str, ModelFacts], fork: bool
) -> list[dict[str, Any]]:
    """One model under one schedule in a fresh home; with ``fork``, part (c) there too."""
    home = Home.fresh(workers, args.keep)
    meter = Meter()
    registry = sim_registry(Media(home.settings.ffmpeg()), facts, args.scale, meter)
    name = f"parallel ({workers})" if workers > 1 else "sequential (1)"
    async with open_deps(home.settings, registry=registry) as deps:
        studio = Studio(deps)
        vid, wall, st = await full_run(studio, video, SEED, meter)
        spec = await studio.spec(vid, USER)
        assert spec is not None
        chunks = plan_chunks(spec, facts[video].clip_lengths_s)
        rows = [
            row(
                "a" if workers > 1 else "b",
                f"{video}, {name}",
                wall,
                st,
                meter,
                video_model=video,
                end_frame=facts[video].end_frame,
                max_concurrency=workers,
                beats=len(spec.beats),
                chunks=len(chunks),
                max_chunks_per_beat=max(Counter(j.beat_index for j in chunks).values()),
                lower_bound_min=round(lower_bound_min(spec, facts, video, workers), 2),
                lower_bound_default_concurrency_min=round(
                    lower_bound_min(spec, facts, video, Settings().concurrency(remote=False)), 2
                ),
            )
        ]
        if not fork:
            return rows
        meter.reset()
        start = time.perf_counter()
        edited = await studio.edit(vid, USER, "main", [RegenerateBeat(beat=args.beat)])
        await studio.run(vid, USER, edited.branch, auto_continue=True)
        wall = time.perf_counter() - start
        st = await complete(studio, vid, edited.branch)
        label = f"{video}, beat {args.beat} regenerated on fork {edited.branch}"
        rows.append(row("c", label, wall, st, meter, video_model=video))
        if args.scratch:
            _, wall, st = await full_run(studio, video, SEED + 1, meter)
            label = f"{video}, whole new video (seed {SEED + 1})"
            rows.append(row("c", label, wall, st, meter, video_model=video))
    return rows


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    """Run every scenario; return the figures."""
    facts, source = replicate_facts()
    models: list[str] = args.models.split(",")
    for m in models:
        if m not in facts or facts[m].kind != "video":
            known = ", ".join(n for n, f in facts.items() if f.kind == "video")
            raise SystemExit(f"unknown video model {m!r}; known: {known}")
    runs: list[dict[str, Any]] = []
    ratios: dict[str, float] = {}
    for m in models:
        par = await schedule_runs(m, args.concurrency, args, facts, fork=not args.no_fork)
        seq = await schedule_runs(m, 1, args, facts, fork=False)
        runs += [par[0], seq[0], *par[1:]]
        ratios[f"(a/b) {m}: wall, parallel / sequential"] = par[0]["wall_s"] / seq[0]["wall_s"]
        ratios[f"(a/b) {m}: model-time bound, parallel / sequential"] = (
            par[0]["lower_bound_min"] / seq[0]["lower_bound_min"]
        )
        if len(par) > 1:  # the whole video: a new one with another seed, or run (a)
            fork, scratch = par[1], par[-1] if len(par) == 3 else par[0]
            ratios[f"(c) {m}: USD, one-beat fork / whole video"] = (
                fork["cost_usd"] / scratch["cost_usd"]
            )
            ratios[f"(c) {m}: wall, one-beat fork / whole video"] = (
                fork["wall_s"] / scratch["wall_s"]
            )
    notes = []
    firsts = [r for r in runs if r["part"] == "a"]
    if all(r["max_chunks_per_beat"] == 1 for r in firsts):
        notes.append(
            "every beat of this plan fits in one clip of each model, so no chunk is chained:"
            " with or without an end frame each beat is one clip, all beats in parallel;"
            " here an end frame changes which chunks a beat edit re-renders, not the schedule"
        )
    cpus = Settings().concurrency(remote=False)
    for r in firsts:
        notes.append(
            f"{r['video_model']}: with the default max_concurrency ({cpus} = CPU count here)"
            f" the model-time bound would be {r['lower_bound_default_concurrency_min']:.1f} min"
            f" instead of {r['lower_bound_min']:.1f} min"
        )
    return {
        "command": " ".join(["python", *sys.argv]),
        "config": {
            "scale_s_per_min": args.scale,
            "concurrency": args.concurrency,
            "cpus": os.cpu_count(),
            "facts_source": source,
            "facts": {
                k: dataclasses.asdict(facts[k])
                for k in ("flux-schnell", *models, "musicgen")
                if k in facts
            },
        },
        "runs": runs,
        "ratios": {k: round(v, 4) for k, v in ratios.items()},
        "notes": notes,
    }


def print_table(result: dict[str, Any]) -> None:
    """The figures, as a table."""
    cfg = result["config"]
    print(
        f"reelgraph schedule benchmark: 30 s 16:9 --yolo ({PROMPT!r}); model waits scaled to"
        f" {cfg['scale_s_per_min']:g} s per documented minute"
    )
    print(f"  latencies and prices: {cfg['facts_source']}")
    for f in cfg["facts"].values():
        price = f"${f['usd_per_unit']:g}/{f['unit']}"
        extra = ", end frame" if f["end_frame"] else ""
        print(f"    {f['name']:<13} {f['latency_s'] / 60:5.2f} min  {price:<15}{extra}")
    print(
        f"  parallel: max_concurrency {cfg['concurrency']}; sequential: max_concurrency 1"
        f" (the seed's schedule); {cfg['cpus']} CPUs"
    )
    print()
    head = (
        f"  {'run':<52} {'wall s':>7} {'USD':>7} {'calls':>5} {'reused':>6}"
        f" {'peak img/clip':>13} {'bound min':>9}"
    )
    print(head)
    print("  " + "-" * (len(head) - 2))
    for r in result["runs"]:
        peak = r["peak_in_flight"]
        bound = f"{r['lower_bound_min']:.1f}" if "lower_bound_min" in r else ""
        print(
            f"  ({r['part']}) {r['label']:<48} {r['wall_s']:7.2f} {r['cost_usd']:7.3f}"
            f" {r['calls']:5d} {r['reused']:6d}"
            f" {peak.get('image', 0):>6}/{peak.get('video', 0):<6} {bound:>9}"
        )
    print()
    for key, value in result["ratios"].items():
        print(f"  {key:<58} {value:6.3f}")
    for note in result["notes"]:
        print(f"  note: {note}")


def main() -> None:
    """Parse the options, run, print (and write JSON if asked)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale",
        type=float,
        default=DEFAULT_SCALE,
        help="benchmark seconds per documented minute of model time (default %(default)s)",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=DEFAULT_CONCURRENCY,
        help="max_concurrency of the parallel schedule (default %(default)s)",
    )
    parser.add_argument(
        "--models",
        default="hailuo-02,kling-v2.1",
        help="video models, comma-separated (default %(default)s: with and without end frame)",
    )
    parser.add_argument("--beat", type=int, default=2, help="beat regenerated in part (c)")
    parser.add_argument("--no-fork", action="store_true", help="skip part (c)")
    parser.add_argument(
        "--scratch",
        action="store_true",
        help="part (c): compare with a new video (another seed) instead of run (a)",
    )
    parser.add_argument(
        "--json", metavar="PATH", help="also write the figures as JSON ('-': stdout)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary homes")
    args = parser.parse_args()
    if args.scale < 0 or not 1 <= args.concurrency <= 64:
        parser.error("--scale must be >= 0 and --concurrency 1-64")
    result = asyncio.run(main_async(args))
    print_table(result)
    if args.json == "-":
        print(json.dumps(result, indent=2))
    elif args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
