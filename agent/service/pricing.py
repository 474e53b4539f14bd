"""What an ad would cost and take with each video model: ``reelgraph models``, for any door."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from agent.estimate import ad_estimate
from agent.providers.local.models import LocalPlanner
from agent.providers.replicate.catalog import load_catalog
from agent.state import Options

#: The brief the table prices (the offline planner's spec for it sets the beats).
SAMPLE_BRIEF = "A sneaker ad, energetic style"


class ModelPrice(BaseModel):
    """What an ad would cost and take with one video model.

    Attributes:
        model: the model's registry name (``replicate:hailuo-02``).
        clip_lengths_s: the clip lengths it makes, seconds.
        end_frame: it takes an end frame (chunks can render in parallel).
        price_usd_per_s: its price per second of video, USD.
        chunks: clips the ad needs.
        billed_video_s: seconds of video billed (clips are billed whole).
        cost_usd: the ad's cost with FLUX schnell images and MusicGen music, USD.
        wall_min: time to make it, chunks in parallel, minutes.
        sequential_wall_min: time to make it one chunk after another, minutes.
        commercial_use: every chosen model's weights allow commercial use.
    """

    model_config = ConfigDict(frozen=True)

    model: str
    clip_lengths_s: list[float]
    end_frame: bool
    price_usd_per_s: float
    chunks: int
    billed_video_s: float
    cost_usd: float
    wall_min: float
    sequential_wall_min: float
    commercial_use: bool


async def model_prices(options: Options) -> tuple[int, list[ModelPrice]]:
    """Price an ad of ``options.duration_s`` and ``options.aspect`` on every video model.

    Priced on the spec the offline planner writes for :data:`SAMPLE_BRIEF`, with FLUX schnell
    images and MusicGen music; prices and latencies from the model catalog
    (``agent/providers/replicate/models.toml``, with sources). Models that cannot make the
    aspect ratio are left out.

    Returns:
        (beats in the spec, one :class:`ModelPrice` per model).
    """
    spec = await LocalPlanner().plan(SAMPLE_BRIEF, options)
    catalog = load_catalog()
    rows: list[ModelPrice] = []
    for m in catalog.models.values():
        if m.capability != "video" or options.aspect not in m.aspect_ratios:
            continue
        e = ad_estimate(spec, catalog, m.name)
        rows.append(
            ModelPrice(
                model=f"replicate:{m.name}",
                clip_lengths_s=list(m.clip_lengths_s),
                end_frame=bool(m.end_image_input),
                price_usd_per_s=m.price_usd,
                chunks=e.chunks,
                billed_video_s=e.billed_video_s,
                cost_usd=e.cost_usd,
                wall_min=round(e.wall_s / 60, 1),
                sequential_wall_min=round(e.sequential_wall_s / 60, 1),
                commercial_use=e.commercial_use,
            )
        )
    return len(spec.beats), rows
