"""The ad spec: beats, style, music brief, and the beat library.

A :class:`Spec` is what the plan phase produces and every later phase reads. It is a
validated pydantic model: beats are numbered ``0..n-1`` in order, start where the previous
one ended, and their durations sum exactly to ``duration_s``.

Sizes follow the formats video models accept: 16:9 at 1280x720, 9:16 at 720x1280, 1:1 at
1080x1080 (FLUX, Hailuo and Kling all offer these ratios; Veo only 16:9 and 9:16).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from agent.text import TextInput

BeatType = Literal[
    "hook",
    "problem",
    "agitation",
    "product_reveal",
    "hero_shot",
    "feature_highlight",
    "detail_closeup",
    "lifestyle",
    "social_proof",
    "before_after",
    "emotional_moment",
    "brand_story",
    "offer",
    "call_to_action",
    "logo_end_card",
]
BEAT_TYPES: tuple[BeatType, ...] = get_args(BeatType)

CameraMove = Literal[
    "push-in", "pull-out", "pan-left", "pan-right", "tilt-up", "tilt-down", "orbit", "static"
]
CAMERA_MOVES: tuple[CameraMove, ...] = get_args(CameraMove)

Aspect = Literal["16:9", "9:16", "1:1"]
ASPECTS: tuple[Aspect, ...] = get_args(Aspect)

#: Output frame size (width, height) per aspect ratio.
ASPECT_SIZE_PX: dict[Aspect, tuple[int, int]] = {
    "16:9": (1280, 720),
    "9:16": (720, 1280),
    "1:1": (1080, 1080),
}

#: Product archetypes the storyboard draws, one per :attr:`Spec.category` (``""``: none found,
#: drawn as a generic product). The offline planner maps a brief's product words to one of
#: these (``agent/providers/local/data/categories.toml``); the OpenAI planner is told the list.
CATEGORIES: tuple[str, ...] = (
    "shoe",
    "boot",
    "bottle",
    "can",
    "cup",
    "coffee",
    "jar",
    "tube",
    "box",
    "bag",
    "phone",
    "laptop",
    "tablet",
    "headphones",
    "speaker",
    "camera",
    "watch",
    "jewellery",
    "perfume",
    "sunglasses",
    "cosmetic",
    "garment",
    "car",
    "bike",
    "lamp",
    "furniture",
    "candle",
    "app_screen",
    "card",
    "bowl_of_food",
    "pastry",
    "toy",
    "pet",
    "suitcase",
)

#: Frame rate of every chunk, the stitched video and the final video (cinema standard).
FPS = 24

#: Limits on a video's length in seconds (DESIGN.md §1: 6-60 s).
MIN_DURATION_S = 6.0
MAX_DURATION_S = 60.0

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class BeatKind:
    """One entry of the beat library.

    Attributes:
        type: the beat type.
        label: a human name ("Product reveal").
        min_s: shortest typical duration, seconds.
        max_s: longest typical duration, seconds.
        camera: the default camera move.
        composition: what the frame shows, used for image prompts and the storyboard.
        purpose: what the beat does for the viewer.
    """

    type: BeatType
    label: str
    min_s: float
    max_s: float
    camera: CameraMove
    composition: str
    purpose: str


BEAT_LIBRARY: dict[BeatType, BeatKind] = {
    k.type: k
    for k in (
        BeatKind(
            "hook",
            "Hook",
            1.5,
            4.0,
            "push-in",
            "bold graphic frame, product partly revealed, big headline",
            "stop the scroll",
        ),
        BeatKind(
            "problem",
            "Problem",
            2.0,
            5.0,
            "static",
            "everyday scene in muted tones showing the pain point",
            "name the problem",
        ),
        BeatKind(
            "agitation",
            "Agitation",
            1.5,
            4.0,
            "pan-left",
            "tense close framing, jagged shapes, warning accents",
            "make the problem felt",
        ),
        BeatKind(
            "product_reveal",
            "Product reveal",
            2.5,
            5.0,
            "pull-out",
            "product centred under a spotlight against a dark backdrop",
            "show the answer",
        ),
        BeatKind(
            "hero_shot",
            "Hero shot",
            2.5,
            6.0,
            "orbit",
            "low-angle product on a pedestal with rim light",
            "make it iconic",
        ),
        BeatKind(
            "feature_highlight",
            "Feature highlight",
            2.5,
            5.0,
            "pan-right",
            "product on one side, callouts naming a feature on the other",
            "prove a benefit",
        ),
        BeatKind(
            "detail_closeup",
            "Detail close-up",
            1.5,
            4.0,
            "push-in",
            "macro view of material, texture and craft",
            "show quality",
        ),
        BeatKind(
            "lifestyle",
            "Lifestyle",
            2.5,
            6.0,
            "pan-right",
            "a person using the product in the world, horizon and sky",
            "show the life it fits",
        ),
        BeatKind(
            "social_proof",
            "Social proof",
            2.0,
            5.0,
            "static",
            "a quote card with five stars and a customer name",
            "borrow trust",
        ),
        BeatKind(
            "before_after",
            "Before / after",
            2.5,
            5.0,
            "pan-left",
            "split frame: before on the left, after on the right",
            "show the change",
        ),
        BeatKind(
            "emotional_moment",
            "Emotional moment",
            2.5,
            6.0,
            "push-in",
            "warm close moment between people, soft vignette",
            "make it matter",
        ),
        BeatKind(
            "brand_story",
            "Brand story",
            3.0,
            6.0,
            "pan-right",
            "film-strip of moments from the brand's history",
            "give it roots",
        ),
        BeatKind(
            "offer",
            "Offer",
            2.0,
            4.0,
            "push-in",
            "a bright badge with the offer over the product",
            "give a reason now",
        ),
        BeatKind(
            "call_to_action",
            "Call to action",
            2.0,
            4.0,
            "static",
            "a clear button-like panel with the action to take",
            "ask for the click",
        ),
        BeatKind(
            "logo_end_card",
            "Logo end card",
            1.5,
            3.0,
            "pull-out",
            "brand mark centred on the palette's base colour, tagline below",
            "sign off",
        ),
    )
}


class Style(BaseModel):
    """Visual style of the ad.

    Attributes:
        palette: 3-6 colours as ``#rrggbb``; the first is the base (background), the second
            the accent, the rest supporting tones.
        mood: one or two words ("energetic", "calm and premium").
        lighting: lighting language ("hard rim light", "golden hour").
        camera: camera language for the whole ad ("fast handheld cuts", "slow glides").
    """

    model_config = ConfigDict(frozen=True)

    palette: list[str] = Field(min_length=3, max_length=6)
    mood: str = Field(min_length=1, max_length=80)
    lighting: str = Field(min_length=1, max_length=120)
    camera: str = Field(min_length=1, max_length=120)

    @field_validator("palette")
    @classmethod
    def _hex_colours(cls, palette: list[str]) -> list[str]:
        bad = [c for c in palette if not _HEX.match(c)]
        if bad:
            raise ValueError(f"palette colours must be #rrggbb, got {bad}")
        return [c.lower() for c in palette]


class MusicBrief(BaseModel):
    """What the soundtrack should be.

    Attributes:
        mood: e.g. "energetic", "calm", "uplifting".
        tempo_bpm: beats per minute, 60-180.
        key: tonic and mode, e.g. "A minor", "C major".
        instruments: e.g. ["synth bass", "drums", "pads"].
    """

    model_config = ConfigDict(frozen=True)

    mood: str = Field(min_length=1, max_length=80)
    tempo_bpm: int = Field(ge=60, le=180)
    key: str = Field(pattern=r"^[A-G](#|b)? (major|minor)$")
    instruments: list[str] = Field(min_length=1, max_length=8)


#: Longest voiceover line of one beat, characters (about 65 English words: 26 s at 150 wpm).
MAX_VOICEOVER_CHARS = 400


class Voice(BaseModel):
    """The voice that reads the voiceover, as the plan and its edits set it.

    Attributes:
        name: a voice of the speech model (``heart`` for the offline voice, ``alloy``,
            ``nova``, … for OpenAI's); ``""`` for the generate option ``voice``, else the
            model's default voice.
        language: ISO 639-1 code of the lines it reads (the spec's language).
        enabled: False turns the voiceover off on this branch, True on; None follows the
            generate option ``voiceover``.
    """

    model_config = ConfigDict(frozen=True)

    name: str = Field(default="", max_length=40, pattern=r"^[A-Za-z0-9_.-]*$")
    language: str = Field(default="en", pattern=r"^[a-z]{2}$")
    enabled: bool | None = None


class Captions(BaseModel):
    """How the lines are shown as text, as edits set it on a branch.

    Attributes:
        mode: ``burn``, ``soft`` or ``off``; None follows the generate option ``subtitles``.
        scale: size of burned captions against the generate option ``caption_scale``.
    """

    model_config = ConfigDict(frozen=True)

    mode: Literal["burn", "soft", "off"] | None = None
    scale: float = Field(default=1.0, ge=0.25, le=4.0, allow_inf_nan=False)


class Beat(BaseModel):
    """One beat of the ad.

    Attributes:
        index: position, 0-based (users see ``index + 1``).
        type: a beat type from :data:`BEAT_LIBRARY`.
        start_s: start time in the ad, seconds.
        duration_s: length, seconds (> 0).
        description: what happens, one sentence.
        image_prompt: prompt for the storyboard image.
        motion_prompt: prompt for the video model.
        camera: camera move over the beat.
        on_screen_text: text shown on screen ("" for none), at most 60 characters.
        voiceover: the line the voice speaks over the beat, in the spec's language ("" for
            none), at most :data:`MAX_VOICEOVER_CHARS` characters; written to fit the beat at
            a natural speaking rate (:mod:`agent.providers.local.voiceover`).
    """

    model_config = ConfigDict(frozen=True)

    index: int = Field(ge=0)
    type: BeatType
    start_s: float = Field(ge=0)
    duration_s: float = Field(gt=0, le=MAX_DURATION_S)
    description: str = Field(min_length=1, max_length=500)
    image_prompt: str = Field(min_length=1, max_length=1000)
    motion_prompt: str = Field(min_length=1, max_length=1000)
    camera: CameraMove
    on_screen_text: str = Field(default="", max_length=60)
    voiceover: str = Field(default="", max_length=MAX_VOICEOVER_CHARS)

    @property
    def end_s(self) -> float:
        """End time in the ad, seconds."""
        return self.start_s + self.duration_s

    @property
    def number(self) -> int:
        """The 1-based number users see."""
        return self.index + 1


class Spec(TextInput):
    """The whole plan of an ad; every string in it is plain text (:class:`TextInput`).

    The facts a brief states are kept as written, so each can land where an ad puts it:
    ``brand`` ("Bean & Leaf"), ``product`` (its name with any model number, "EQ.9"),
    ``category`` (one of :data:`CATEGORIES`, the product archetype the storyboard draws),
    ``price`` with its currency and any word written with it ("$199", "89 €", "only $8",
    "save 30%") for the offer beat (the call to action when the ad has none),
    ``promo_code`` and ``url`` for the call to action, ``tagline`` for the end card. Each is
    ``""`` when the brief does not state it. ``voice`` names the voice that reads the beats'
    ``voiceover`` lines, and their language; ``captions`` how they are shown.

    Raises:
        pydantic.ValidationError: beats out of order, gaps or overlaps, or durations that do
            not sum to ``duration_s`` (to the millisecond).
    """

    model_config = ConfigDict(frozen=True)

    title: str = Field(min_length=1, max_length=120)
    product: str = Field(min_length=1, max_length=120)
    brand: str = Field(default="", max_length=80)
    category: str = Field(default="", max_length=40)
    price: str = Field(default="", max_length=40)
    promo_code: str = Field(default="", max_length=40)
    url: str = Field(default="", max_length=120)
    tagline: str = Field(default="", max_length=120)
    audience: str = Field(min_length=1, max_length=200)
    language: str = Field(default="en", pattern=r"^[a-z]{2}$")
    style: Style
    music: MusicBrief
    duration_s: float = Field(ge=MIN_DURATION_S, le=MAX_DURATION_S)
    aspect: Aspect = "16:9"
    beats: list[Beat] = Field(min_length=1, max_length=30)
    voice: Voice = Voice()
    captions: Captions = Captions()

    @model_validator(mode="after")
    def _beats_tile_the_timeline(self) -> Spec:
        t = 0.0
        for i, beat in enumerate(self.beats):
            if beat.index != i:
                raise ValueError(f"beat {i + 1} has index {beat.index}, expected {i}")
            if abs(beat.start_s - t) > 1e-3:
                raise ValueError(f"beat {i + 1} starts at {beat.start_s:.3f} s, expected {t:.3f} s")
            t += beat.duration_s
        if abs(t - self.duration_s) > 1e-3:
            raise ValueError(
                f"beat durations sum to {t:.3f} s, but the ad lasts {self.duration_s:.3f} s"
            )
        return self

    @property
    def size_px(self) -> tuple[int, int]:
        """Frame size (width, height) in pixels."""
        return ASPECT_SIZE_PX[self.aspect]


def retile(beats: list[Beat]) -> list[Beat]:
    """Renumber beats 0..n-1 and lay them end to end from 0 s.

    Args:
        beats: beats in their new order, durations as wanted.

    Returns:
        New beats with ``index`` and ``start_s`` recomputed.
    """
    out: list[Beat] = []
    t = 0.0
    for i, b in enumerate(beats):
        out.append(b.model_copy(update={"index": i, "start_s": round(t, 3)}))
        t += b.duration_s
    return out
