"""The Replicate models reelgraph knows, loaded from ``models.toml`` (capabilities as data).

Each entry says where the model lives (slug, optional version), what it can make (clip
lengths, resolutions, aspect ratios, first/last-frame inputs, native audio), what it costs
(USD per image or per second of output) and how long it typically takes, with the sources of
those numbers. The file is the single place to update when Replicate changes a model.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from agent.spec import Aspect

Capability = Literal["image", "video", "music"]


class ModelSpec(BaseModel):
    """One Replicate model (see the header of ``models.toml`` for every field).

    Attributes:
        name: reelgraph's name (``hailuo-02``); registered as ``replicate:<name>``.
        slug: ``owner/name`` on Replicate.
        version: a version id (community models), or ``""`` for an official model.
        capability: ``image``, ``video`` or ``music``.
        clip_lengths_s: clip lengths a video model makes, seconds.
        frames_per_second: set for models asked for a frame count instead of a duration (Wan).
        resolution: the resolution asked for; ``resolutions``: those the model offers.
        aspect_ratios: aspect ratios it can make.
        aspect_input: the input that sets the aspect ratio, or ``""`` (taken from the image).
        start_image_input, end_image_input: first- and last-frame input names (``""``: none).
        seed_input: the seed input's name, or ``""``.
        image_input: an image model's image-to-image input (a product photo to start from),
            or ``""`` (the model draws from text alone).
        fixed_input: inputs sent unchanged on every call.
        native_audio: the model can make its own soundtrack.
        price_usd: price per ``unit`` of output, USD.
        unit: ``image`` or ``second``.
        typical_latency_s: typical wall time of one prediction, seconds.
        commercial_use: False when the weights' licence forbids commercial use.
        licence: the licence, in words a user can act on.
        sources: where the numbers come from.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    slug: str = Field(pattern=r"^[\w.-]+/[\w.-]+$")
    version: str = ""
    capability: Capability
    clip_lengths_s: tuple[float, ...] = ()
    frames_per_second: int | None = None
    resolution: str = ""
    resolutions: tuple[str, ...] = ()
    aspect_ratios: tuple[Aspect, ...] = ()
    aspect_input: str = ""
    start_image_input: str = ""
    end_image_input: str = ""
    seed_input: str = ""
    image_input: str = ""
    fixed_input: dict[str, Any] = Field(default_factory=dict)
    native_audio: bool = False
    price_usd: float = Field(ge=0)
    unit: Literal["image", "second"]
    typical_latency_s: float = Field(gt=0)
    commercial_use: bool
    licence: str
    sources: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> ModelSpec:
        if self.capability == "video":
            if not self.clip_lengths_s or not self.start_image_input:
                raise ValueError(f"{self.name}: a video model needs clip lengths and a start image")
            if self.resolution not in self.resolutions:
                raise ValueError(f"{self.name}: resolution {self.resolution!r} not offered")
        return self

    @property
    def owner_name(self) -> tuple[str, str]:
        """(owner, name) of the slug."""
        owner, name = self.slug.split("/")
        return owner, name

    @property
    def end_frame(self) -> bool:
        """Takes a last frame (so the chunks of an ad can render in parallel)."""
        return bool(self.end_image_input)


class Catalog(BaseModel):
    """All models and the short aliases users type.

    Attributes:
        models: name → spec.
        aliases: short name (``hailuo``) → model name (``hailuo-02``).
    """

    model_config = ConfigDict(frozen=True)

    models: dict[str, ModelSpec]
    aliases: dict[str, str]

    @model_validator(mode="after")
    def _aliases_resolve(self) -> Catalog:
        for alias, target in self.aliases.items():
            if target not in self.models:
                raise ValueError(f"alias {alias!r} points at unknown model {target!r}")
        return self

    def of(self, capability: Capability) -> list[ModelSpec]:
        """The models of one capability, by name."""
        return [m for _, m in sorted(self.models.items()) if m.capability == capability]

    def find(self, name: str) -> ModelSpec | None:
        """The model a registry name means (``replicate:kling-v2.1``, ``kling``); None if none."""
        bare = name.removeprefix("replicate:")
        return self.models.get(self.aliases.get(bare, bare))

    def licence_notes(self, names: Iterable[str]) -> list[str]:
        """``"<name>: <licence>"`` for each named model whose weights forbid commercial use.

        An ad is commercial use, so a user choosing one should be told (the catalog's
        ``commercial_use`` and ``licence``, from each model's licence: see ``models.toml``).
        Names outside the catalog (``local``) have no note.
        """
        notes = []
        for name in dict.fromkeys(names):
            model = self.find(name)
            if model is not None and not model.commercial_use:
                notes.append(f"{name}: {model.licence}")
        return notes


def parse_catalog(text: str) -> Catalog:
    """Parse a catalog from TOML text (the format of ``models.toml``).

    Raises:
        tomllib.TOMLDecodeError: not TOML.
        pydantic.ValidationError: a model entry is incomplete or inconsistent.
    """
    raw = tomllib.loads(text)
    models = {name: {"name": name, **entry} for name, entry in raw.get("models", {}).items()}
    return Catalog.model_validate({"models": models, "aliases": raw.get("aliases", {})})


@cache
def load_catalog() -> Catalog:
    """The catalog shipped in the package (``models.toml``), parsed once."""
    text = resources.files(__package__).joinpath("models.toml").read_text(encoding="utf-8")
    return parse_catalog(text)
