"""What an ad would cost and how long it would take with a given video model, from the catalog.

The numbers come from the Replicate model catalog (``agent/providers/replicate/models.toml``:
price per image or per second of output, typical latency of one prediction, clip lengths),
applied to a real spec: the chunks are those :func:`agent.phases.chunks.plan_chunks` lays on
the model's clip grid, so a beat that needs a 6-second clip for 4 seconds of picture is billed
6 seconds. The planner's own call (an OpenAI chat completion, about a cent) is not included.

Wall time assumes reelgraph's schedule: all storyboard images at once; beats in parallel, and
within a beat the chunks in parallel when the model takes an end frame, else one after
another; then the music. The seed system's sequential schedule runs every prediction in turn.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from agent.phases.chunks import plan_chunks
from agent.providers.replicate.catalog import Catalog, ModelSpec
from agent.spec import Spec


@dataclass(frozen=True)
class AdEstimate:
    """The estimate for one video model.

    Attributes:
        video_model: the catalog name (``hailuo-02``).
        chunks: clips requested.
        billed_video_s: seconds of video paid for (clips are billed whole).
        cost_usd: images + video + music, USD.
        wall_s: expected wall time with reelgraph's parallel schedule, seconds.
        sequential_wall_s: the same calls one after another (the seed system), seconds.
        commercial_use: False when any model's weights forbid commercial use.
    """

    video_model: str
    chunks: int
    billed_video_s: float
    cost_usd: float
    wall_s: float
    sequential_wall_s: float
    commercial_use: bool


def _price(model: ModelSpec, units: float) -> float:
    return model.price_usd * units


def ad_estimate(
    spec: Spec,
    catalog: Catalog,
    video_model: str,
    image_model: str = "flux-schnell",
    music_model: str = "musicgen",
) -> AdEstimate:
    """Cost and time of making ``spec`` with these catalog models (names without ``replicate:``).

    Raises:
        KeyError: a model is not in the catalog.
    """
    image, video, music = (catalog.models[n] for n in (image_model, video_model, music_model))
    jobs = plan_chunks(spec, video.clip_lengths_s)
    billed_s = sum(j.clip_s for j in jobs)
    music_s = math.ceil(spec.duration_s)  # MusicGen is asked for whole seconds
    cost = (
        _price(image, len(spec.beats))
        + _price(video, billed_s)
        + _price(music, music_s if music.unit == "second" else 1)
    )
    per_beat = [sum(1 for j in jobs if j.beat_index == b.index) for b in spec.beats]
    longest_chain = 1 if video.end_image_input else max(per_beat)
    wall = image.typical_latency_s + longest_chain * video.typical_latency_s
    sequential = len(spec.beats) * image.typical_latency_s + len(jobs) * video.typical_latency_s
    return AdEstimate(
        video_model=video_model,
        chunks=len(jobs),
        billed_video_s=billed_s,
        cost_usd=round(cost, 4),
        wall_s=wall + music.typical_latency_s,
        sequential_wall_s=sequential + music.typical_latency_s,
        commercial_use=image.commercial_use and video.commercial_use and music.commercial_use,
    )
