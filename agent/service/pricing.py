"""What an ad would cost and take with each video model: ``reelgraph models``, for any door."""

from __future__ import annotations

from typing import Any

from agent.estimate import ad_estimate
from agent.providers.local.models import LocalPlanner
from agent.providers.replicate.catalog import load_catalog
from agent.state import Options

#: The brief the table prices (the offline planner's spec for it sets the beats).
SAMPLE_BRIEF = "A sneaker ad, energetic style"


async def model_prices(options: Options) -> tuple[int, list[dict[str, Any]]]:
    """Price an ad of ``options.duration_s`` and ``options.aspect`` on every video model.

    Priced on the spec the offline planner writes for :data:`SAMPLE_BRIEF`, with FLUX schnell
    images and MusicGen music; prices and latencies from the model catalog
    (``agent/providers/replicate/models.toml``, with sources). Models that cannot make the
    aspect ratio are left out.

    Returns:
        (beats in the spec, one row per model: ``model``, ``clip_lengths_s``, ``end_frame``,
        ``price_usd_per_s``, ``chunks``, ``billed_video_s``, ``cost_usd``, ``wall_min``,
        ``sequential_wall_min``, ``commercial_use``).
    """
    spec = await LocalPlanner().plan(SAMPLE_BRIEF, options)
    catalog = load_catalog()
    rows: list[dict[str, Any]] = []
    for m in catalog.models.values():
        if m.capability != "video" or options.aspect not in m.aspect_ratios:
            continue
        e = ad_estimate(spec, catalog, m.name)
        rows.append(
            {
                "model": f"replicate:{m.name}",
                "clip_lengths_s": list(m.clip_lengths_s),
                "end_frame": bool(m.end_image_input),
                "price_usd_per_s": m.price_usd,
                "chunks": e.chunks,
                "billed_video_s": e.billed_video_s,
                "cost_usd": e.cost_usd,
                "wall_min": round(e.wall_s / 60, 1),
                "sequential_wall_min": round(e.sequential_wall_s / 60, 1),
                "commercial_use": e.commercial_use,
            }
        )
    return len(spec.beats), rows
