"""Replicate: FLUX images, Hailuo / Kling / Veo / Wan video, MusicGen music (DESIGN.md §4).

Registered by :func:`agent.providers.registry.default_registry` when ``REPLICATE_API_TOKEN``
is set, as ``replicate:<name>`` for every model in ``models.toml`` plus the short aliases
there (``flux``, ``hailuo``, ``kling``, ``veo``, ``wan``, ``musicgen``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

from pydantic import SecretStr

from agent.db import Pool
from agent.media import Media
from agent.providers.replicate.catalog import Catalog, ModelSpec, load_catalog
from agent.providers.replicate.client import ReplicateClient
from agent.providers.replicate.journal import PredictionJournal
from agent.providers.replicate.providers import ReplicateImages, ReplicateMusic, ReplicateVideo

__all__ = [
    "Catalog",
    "ModelSpec",
    "PredictionJournal",
    "ReplicateClient",
    "ReplicateImages",
    "ReplicateMusic",
    "ReplicateProviders",
    "ReplicateVideo",
    "load_catalog",
    "providers",
]


@dataclass
class ReplicateProviders:
    """Every Replicate model as a provider, by registry name (``replicate:<name>``).

    Attributes:
        images, videos, music: registry name → provider.
        aliases: short name → registry name (``hailuo`` → ``replicate:hailuo-02``).
    """

    images: dict[str, ReplicateImages] = field(default_factory=dict)
    videos: dict[str, ReplicateVideo] = field(default_factory=dict)
    music: dict[str, ReplicateMusic] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)


def providers(
    token: SecretStr,
    base_url: str,
    media: Media,
    pool: Pool | None,
    catalog: Catalog | None = None,
) -> ReplicateProviders:
    """Build the Replicate providers of ``catalog`` (default: the shipped ``models.toml``).

    Args:
        token: the API token.
        base_url: the API root (``REPLICATE_BASE_URL``).
        media: FFmpeg, to cut MusicGen's audio to length.
        pool: the database where prediction ids are journalled; None disables crash resume.
        catalog: the models.
    """
    catalog = catalog or load_catalog()
    client = partial(ReplicateClient, token, base_url)
    journal = PredictionJournal(pool) if pool is not None else None
    out = ReplicateProviders()
    for model in catalog.models.values():
        name = f"replicate:{model.name}"
        if model.capability == "image":
            out.images[name] = ReplicateImages(model, client, journal)
        elif model.capability == "video":
            out.videos[name] = ReplicateVideo(model, client, journal)
        else:
            out.music[name] = ReplicateMusic(model, client, media, journal)
    out.aliases = {alias: f"replicate:{target}" for alias, target in catalog.aliases.items()}
    return out
