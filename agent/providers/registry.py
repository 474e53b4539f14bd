"""Provider names → implementations (DESIGN.md §4).

``local`` is the offline provider of every capability. With ``REPLICATE_API_TOKEN`` set, the
Replicate models are registered as ``replicate:<name>`` (see
:mod:`agent.providers.replicate`), with short aliases (``flux``, ``hailuo``, ``kling``,
``veo``, ``wan``, ``musicgen``). An unknown name raises a :class:`~agent.errors.UserError` that
lists the known ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from agent.errors import UserError
from agent.media import Media
from agent.providers.base import (
    ImageProvider,
    MusicProvider,
    PlannerProvider,
    VideoProvider,
    VoiceProvider,
)
from agent.providers.local.models import LocalImages, LocalMusic, LocalPlanner, LocalVideo
from agent.providers.local.speech import LocalVoice
from agent.state import Options

if TYPE_CHECKING:
    from agent.db import Pool
    from agent.settings import Settings

T = TypeVar("T")


def _pick(kind: str, table: dict[str, T], name: str, aliases: dict[str, str]) -> T:
    try:
        return table[aliases.get(name, name)]
    except KeyError:
        known = ", ".join(sorted(table) + sorted(a for a, n in aliases.items() if n in table))
        raise UserError(f"unknown {kind} {name!r}; known: {known}") from None


@dataclass
class Registry:
    """The providers available in this process, by capability and name.

    Attributes:
        planners, images, videos, music, voices: registry name → provider.
        aliases: short names users type → registry names (``hailuo`` →
            ``replicate:hailuo-02``), resolved by every lookup.
        defaults: the model each :class:`~agent.state.Options` field takes when a request
            leaves it unset (``{"video_model": "replicate:hailuo-02", …}``); a field missing
            here keeps ``local``.
    """

    planners: dict[str, PlannerProvider] = field(default_factory=dict)
    images: dict[str, ImageProvider] = field(default_factory=dict)
    videos: dict[str, VideoProvider] = field(default_factory=dict)
    music: dict[str, MusicProvider] = field(default_factory=dict)
    voices: dict[str, VoiceProvider] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)

    def with_defaults(self, options: Options) -> Options:
        """``options`` with every model field the caller did not set taken from ``defaults``.

        So with keys set a plain ``generate`` uses the real models, while an explicit
        ``--video-model local`` (or any name) is kept as given.
        """
        unset = {f: name for f, name in self.defaults.items() if f not in options.model_fields_set}
        return options.model_copy(update=unset) if unset else options

    def planner(self, name: str) -> PlannerProvider:
        """The planner called ``name``. Raises UserError if unknown."""
        return _pick("planner", self.planners, name, self.aliases)

    def image(self, name: str) -> ImageProvider:
        """The image model called ``name``. Raises UserError if unknown."""
        return _pick("image model", self.images, name, self.aliases)

    def video(self, name: str) -> VideoProvider:
        """The video model called ``name``. Raises UserError if unknown."""
        return _pick("video model", self.videos, name, self.aliases)

    def music_model(self, name: str) -> MusicProvider:
        """The music model called ``name``. Raises UserError if unknown."""
        return _pick("music model", self.music, name, self.aliases)

    def voice_model(self, name: str) -> VoiceProvider:
        """The speech model called ``name``. Raises UserError if unknown."""
        return _pick("speech model", self.voices, name, self.aliases)


def default_registry(
    media: Media, settings: Settings | None = None, pool: Pool | None = None
) -> Registry:
    """The offline providers, registered as ``local``; paid ones whose keys are set.

    Args:
        media: FFmpeg for the offline video and music providers.
        settings: with ``openai_api_key`` set, the OpenAI planner is registered as ``openai``
            and ``openai:<openai_model>``; with ``replicate_api_token`` set, the Replicate
            image, video and music models as ``replicate:<name>`` plus their aliases.
            With the OpenAI key, OpenAI's speech model is registered as ``openai`` too.
            These become the defaults of unset options: ``openai`` plans and speaks, FLUX
            schnell draws, Hailuo-02 animates and MusicGen scores (see
            ``Registry.defaults``); without keys everything stays ``local``.
        pool: the database, where paid providers journal their prediction ids.
    """
    registry = Registry(
        planners={"local": LocalPlanner()},
        images={"local": LocalImages()},
        videos={"local": LocalVideo(media)},
        music={"local": LocalMusic(media)},
        voices={"local": LocalVoice()},
    )
    key = settings.openai_api_key if settings is not None else None
    if settings is not None and key is not None and key.get_secret_value():
        from agent.providers import openai as openai_provider

        planner: PlannerProvider
        voice: VoiceProvider
        try:
            client = openai_provider.make_client(key, settings.openai_base_url)
            planner = openai_provider.OpenAIPlanner(client, settings.openai_model)
            voice = openai_provider.OpenAISpeech(client)
        except UserError as exc:  # e.g. the openai package is missing: say so when chosen
            planner = openai_provider.UnavailablePlanner(exc)
            voice = openai_provider.UnavailableSpeech(exc)
        registry.planners["openai"] = planner
        registry.planners[f"openai:{settings.openai_model}"] = planner
        registry.defaults["planner"] = "openai"
        registry.voices["openai"] = voice
        registry.voices[f"openai:{openai_provider.SPEECH_MODEL}"] = voice
        registry.defaults["voice_model"] = "openai"
    token = settings.replicate_api_token if settings is not None else None
    if settings is not None and token is not None and token.get_secret_value():
        from agent.providers import replicate

        found = replicate.providers(token, settings.replicate_base_url, media, pool)
        registry.images.update(found.images)
        registry.videos.update(found.videos)
        registry.music.update(found.music)
        registry.aliases.update(found.aliases)
        registry.defaults.update(
            image_model="replicate:flux-schnell",
            video_model="replicate:hailuo-02",
            music_model="replicate:musicgen",
        )
    return registry
