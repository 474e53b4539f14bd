"""One small interface per capability: planner, image, video, music, voice.

Each provider describes a request as a memoisable :class:`~agent.memo.Call` (parameters that
decide the output, input hashes, units and price) and performs it with one async method that
writes its output to a path. Capabilities are data on the class.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field, model_validator

from agent.memo import Call
from agent.spec import Beat, CameraMove, MusicBrief, Spec
from agent.state import Options


class ImageRequest(BaseModel):
    """One storyboard image.

    Attributes:
        spec: the whole spec (style, product, palette).
        beat: the beat to draw.
        prompt: the image prompt (the beat's, or the user's override).
        size_px: (width, height) of the image; the target aspect ratio.
        seed: sampling seed.
        reference: file of a product photo (PNG) to draw the product from, for models that
            can (the offline renderer; FLUX dev on product beats); None to draw it from the
            spec alone.
        reference_sha256: its hash, set exactly when ``reference`` is.
        take: how many times the user asked for another take of this image (0: the first);
            the seed already varies with it, models that draw offline also reframe the shot.
    """

    model_config = ConfigDict(frozen=True)

    spec: Spec
    beat: Beat
    prompt: str
    size_px: tuple[int, int]
    seed: int
    take: int = Field(default=0, ge=0)
    reference: Path | None = None
    reference_sha256: str | None = None

    @model_validator(mode="after")
    def _paired(self) -> ImageRequest:
        if (self.reference is None) != (self.reference_sha256 is None):
            raise ValueError("reference and reference_sha256 go together")
        return self


class CaptionCue(BaseModel):
    """One caption on a clip.

    Attributes:
        text: the line.
        start_s, end_s: when it is on, seconds from the clip's first kept frame.
    """

    model_config = ConfigDict(frozen=True)

    text: str
    start_s: float = Field(ge=0)
    end_s: float = Field(ge=0)


class CaptionTrack(BaseModel):
    """Captions a ``frame_exact`` video model draws into a clip (burned captions, one encode).

    Attributes:
        language: ISO 639-1 code of the text (picks the font).
        scale: the user's caption size against the default for the aspect ratio.
        cues: the captions on the clip, in order.
    """

    model_config = ConfigDict(frozen=True)

    language: str
    scale: float = 1.0
    cues: tuple[CaptionCue, ...] = ()


class ClipRequest(BaseModel):
    """One clip from a video model.

    Attributes:
        start_image: file of the first frame.
        start_sha256: its hash (for the memo key).
        end_image: file of the last frame, for models that take one (``end_frame``); None
            to let the model end where it likes.
        end_sha256: its hash, set exactly when ``end_image`` is.
        prompt: the motion prompt.
        camera: camera move.
        clip_s: clip length, one of the model's ``clip_lengths_s``.
        size_px: (width, height) wanted.
        seed: sampling seed.
        frames: how many frames of the clip the chunk keeps, from ``skip_frames`` on; None
            keeps the whole clip. Only set for a model whose ``frame_exact`` attribute is
            True: it renders just those frames (the same ones the whole clip would have).
        skip_frames: frames of the clip dropped before the kept ones.
        captions: captions to draw into the kept frames; only for a ``frame_exact`` model.
    """

    model_config = ConfigDict(frozen=True)

    start_image: Path
    start_sha256: str
    prompt: str
    camera: CameraMove
    clip_s: float
    size_px: tuple[int, int]
    seed: int
    end_image: Path | None = None
    end_sha256: str | None = None
    frames: int | None = Field(default=None, ge=1)
    skip_frames: int = Field(default=0, ge=0)
    captions: CaptionTrack | None = None


class MusicRequest(BaseModel):
    """A soundtrack.

    Attributes:
        brief: mood, tempo, key, instruments.
        duration_s: exact length wanted, seconds.
        seed: sampling seed.
    """

    model_config = ConfigDict(frozen=True)

    brief: MusicBrief
    duration_s: float
    seed: int


class SpeechRequest(BaseModel):
    """One voiceover line to speak.

    Attributes:
        text: the line, in ``language``.
        voice: a name from the provider's ``voices``.
        language: ISO 639-1 code of the line.
        seed: sampling seed (offline voices vary their breath noise with it).
    """

    model_config = ConfigDict(frozen=True)

    text: str = Field(min_length=1, max_length=1000)
    voice: str
    language: str = Field(pattern=r"^[a-z]{2}$")
    seed: int = 0


class PlannerProvider(Protocol):
    """Turns a brief into a :class:`Spec`."""

    name: str

    def describe(self, prompt: str, options: Options) -> Call:
        """The memoisable call for this brief."""
        ...

    async def plan(self, prompt: str, options: Options) -> Spec:
        """Plan the ad. Raises ProviderError on failure."""
        ...


class ImageProvider(Protocol):
    """Draws storyboard images."""

    name: str

    def describe(self, req: ImageRequest) -> Call:
        """The memoisable call for this request."""
        ...

    async def draw(self, req: ImageRequest, dst: Path) -> None:
        """Write a PNG of ``req.size_px`` to ``dst``."""
        ...


class VideoProvider(Protocol):
    """Animates a start image into a clip.

    A model may also have a ``frame_exact`` attribute: True when it renders only the frames a
    request's ``frames`` and ``skip_frames`` ask for, as a canonical chunk (see
    :mod:`agent.media`) that needs no trimming. Models without it make whole clips.

    Attributes:
        native_audio: makes its own soundtrack.
    """

    name: str
    native_audio: bool

    @property
    def clip_lengths_s(self) -> tuple[float, ...]:
        """The clip lengths the model makes, seconds."""
        ...

    @property
    def end_frame(self) -> bool:
        """Accepts an end frame (so chunks can render in parallel)."""
        ...

    def describe(self, req: ClipRequest) -> Call:
        """The memoisable call for this request."""
        ...

    async def animate(self, req: ClipRequest, dst: Path) -> None:
        """Write an MP4 clip to ``dst``."""
        ...


class MusicProvider(Protocol):
    """Composes a soundtrack."""

    name: str

    def describe(self, req: MusicRequest) -> Call:
        """The memoisable call for this request."""
        ...

    async def compose(self, req: MusicRequest, dst: Path) -> None:
        """Write an MP3 of exactly ``req.duration_s`` to ``dst``."""
        ...


class VoiceProvider(Protocol):
    """Speaks voiceover lines (text to speech).

    Attributes:
        voices: the voice names it speaks with; the first is its default.
        languages: ISO 639-1 codes it pronounces, or None for any language.
    """

    name: str
    voices: tuple[str, ...]
    languages: tuple[str, ...] | None

    def describe(self, req: SpeechRequest) -> Call:
        """The memoisable call for this line."""
        ...

    async def speak(self, req: SpeechRequest, dst: Path) -> None:
        """Write the spoken line to ``dst`` as a WAV file (any rate, mono or stereo)."""
        ...
