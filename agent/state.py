"""Graph state, its input, and the artifact references it carries.

Media never goes into state: state holds :class:`ArtifactRef` values (a logical key, the
blob's SHA-256, a version), a few kilobytes however long the video.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal, TypedDict, get_args

from langgraph.channels.ephemeral_value import EphemeralValue
from langgraph.channels.last_value import LastValue
from pydantic import BaseModel, ConfigDict, Field, field_validator

from agent.spec import MAX_DURATION_S, MIN_DURATION_S, Aspect, Spec
from agent.text import TextInput, check_text

Phase = Literal["plan", "storyboard", "chunks", "refine"]
PHASES: tuple[Phase, ...] = get_args(Phase)

#: Longest prompt accepted, characters (a brief is a line or a paragraph, not a document).
MAX_PROMPT_CHARS = 2000
#: Most reference images (product photos) a video takes.
MAX_REFERENCE_IMAGES = 4

#: A blob's address in the artifact store: the hex SHA-256 of its content.
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
#: Longest logical key accepted, characters.
MAX_KEY_CHARS = 500


def check_prompt(prompt: str) -> str:
    """Validate a brief: plain text, stripped, non-empty, at most :data:`MAX_PROMPT_CHARS`.

    Raises:
        ValueError: empty, too long, or holding a control character or a lone surrogate
            (:func:`agent.text.check_text`; pydantic turns this into a validation error).
    """
    text = " ".join(check_text(prompt, "the prompt").split())
    if not text:
        raise ValueError("the prompt is empty: describe the ad, e.g. 'a 30-second sneaker ad'")
    if len(text) > MAX_PROMPT_CHARS:
        raise ValueError(f"the prompt has {len(text)} characters; the limit is {MAX_PROMPT_CHARS}")
    return text


#: What becomes of the voiceover lines as text: burned in (plus a soft track), soft, off.
Subtitles = Literal["burn", "soft", "off"]


class Options(TextInput):
    """How a video is made (DESIGN.md §1). Its strings are plain text (:class:`TextInput`).

    Attributes:
        duration_s: length of the ad, 6-60 s.
        aspect: ``16:9``, ``9:16`` or ``1:1``.
        seed: seed of every offline provider; same prompt and seed → same ad.
        planner, image_model, video_model, music_model: provider names from the registry.
        music: add a soundtrack in the refine phase.
        voiceover: speak the beats' voiceover lines in the refine phase.
        voice: the voice that speaks them (a name the speech model knows); None for the
            spec's voice, or the model's default.
        voice_model: the speech provider's registry name.
        subtitles: ``burn`` draws captions into the picture (and adds a soft track), ``soft``
            adds only a soft ``mov_text`` track, ``off`` neither; the SRT file is made
            whenever there are lines.
        caption_scale: size of burned captions against the default for the aspect ratio
            (1.0), 0.5-2.0.
        budget_usd: cap on the video's total spend, a finite number; ``None`` for no cap.
        reference_images: product photos, as SHA-256 digests of PNGs in the artifact store
            (at most :data:`MAX_REFERENCE_IMAGES`; checked and re-encoded on the way in by
            :func:`agent.uploads.reference_png`). The storyboard draws the product from the
            first one, where its image model can (:class:`agent.providers.base.ImageRequest`).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    duration_s: float = Field(
        default=30.0, ge=MIN_DURATION_S, le=MAX_DURATION_S, allow_inf_nan=False
    )
    aspect: Aspect = "16:9"
    seed: int = Field(default=0, ge=0, le=2**31 - 1)
    planner: str = "local"
    image_model: str = "local"
    video_model: str = "local"
    music_model: str = "local"
    music: bool = True
    voiceover: bool = True
    voice: str | None = Field(
        default=None, min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$"
    )
    voice_model: str = "local"
    subtitles: Subtitles = "burn"
    caption_scale: float = Field(default=1.0, ge=0.5, le=2.0, allow_inf_nan=False)
    budget_usd: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    reference_images: tuple[Sha256, ...] = Field(default=(), max_length=MAX_REFERENCE_IMAGES)


class VideoRequest(TextInput):
    """A request to make a video: the brief plus options. Validated before anything is stored.

    Every string in it is plain text (:class:`~agent.text.TextInput`): no control characters
    but newline and tab, no lone surrogates.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    prompt: str
    options: Options = Options()
    auto_continue: bool = False

    @field_validator("prompt")
    @classmethod
    def _prompt(cls, prompt: str) -> str:
        return check_prompt(prompt)


class ArtifactRef(BaseModel):
    """A versioned artifact of a video.

    Attributes:
        name: logical name, e.g. ``beat_00``, ``chunk_03``, ``stitched``, ``final``, ``spec``.
        key: logical key in the store, ``{user}/videos/{video}/{name}_v{version}.{ext}``.
        version: 1, 2, … per video and name across all branches.
        sha256: hex digest of the content (the blob's address), 64 lowercase hex digits.
        mime: media type.
        size_bytes: size of the content.
        provider: who made it (``local``, ``ffmpeg``, ``replicate``, …).
        model: the provider's model.
        cost_usd: what making it cost (0 when reused).
    """

    model_config = ConfigDict(frozen=True)

    name: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")
    key: str = Field(min_length=1, max_length=MAX_KEY_CHARS)
    version: int = Field(ge=1)
    sha256: Sha256
    mime: str
    size_bytes: int
    provider: str
    model: str
    cost_usd: float = 0.0

    @field_validator("key")
    @classmethod
    def _key(cls, key: str) -> str:
        """A relative path: no leading ``/``, no ``.`` or ``..`` segment, no NUL or backslash."""
        parts = key.split("/")
        if key.startswith("/") or "\x00" in key or "\\" in key or {".", ".."} & set(parts):
            raise ValueError(f"not a relative artifact key: {key[:60]!r}")
        return key


class Override(BaseModel):
    """A user's direction for one artifact, set by an edit at a pause.

    Attributes:
        prompt: replaces the spec's prompt for it ("a sunset on the beach").
        model: another provider for it (a chunk's video model).
        take: how many times it was regenerated; varies the seed so a regeneration differs.
        image: an uploaded replacement (a storyboard image), used instead of generating.
    """

    model_config = ConfigDict(frozen=True)

    prompt: str | None = Field(default=None, max_length=1000)
    model: str | None = None
    take: int = Field(default=0, ge=0)
    image: ArtifactRef | None = None

    def seed(self, base: int) -> int:
        """The seed for this take (take 0 keeps ``base``)."""
        return (base + 7919 * self.take) % 2**31


def merge_artifacts(
    left: dict[str, ArtifactRef], right: dict[str, ArtifactRef | None]
) -> dict[str, ArtifactRef]:
    """Reducer of ``State.artifacts``: later writes win per name; ``None`` removes a name.

    Parallel fan-out tasks each write their own names, so they merge without conflict.
    References that arrive as JSON objects (a LangGraph server client's ``update_state``)
    are validated into :class:`ArtifactRef`.
    """
    merged = dict(left)
    for name, ref in right.items():
        if ref is None:
            merged.pop(name, None)
        else:
            merged[name] = ArtifactRef.model_validate(ref)
    return merged


class Validated(LastValue[Any]):
    """A last-value channel that validates what is written into its pydantic model.

    A TypedDict state does not coerce values, and a LangGraph server client sends state
    (``threads.update_state``) as JSON; this turns ``{"duration_s": 8, …}`` back into the
    model, so nodes always see typed values. ``None`` stays ``None``.

    Raises:
        pydantic.ValidationError: a written value does not fit the model.
    """

    __slots__ = ()

    def update(self, values: Sequence[Any]) -> bool:
        """Store the last value, validated into the model (``self.typ``)."""
        model: type[BaseModel] = self.typ
        return super().update([None if v is None else model.model_validate(v) for v in values])


def _latest_overrides(_old: Any, new: dict[str, Any] | None) -> dict[str, Override]:
    """Reducer of ``State.overrides``: the latest mapping, each value an :class:`Override`."""
    return {name: Override.model_validate(o) for name, o in (new or {}).items()}


class VideoInput(TypedDict, total=False):
    """What a LangGraph server client sends to start a video (the served graph's input).

    Attributes:
        prompt: the brief, 1-2000 characters (required).
        duration_s: length of the ad, 6-60 s (default 30).
        aspect: ``16:9`` (default), ``9:16`` or ``1:1``.
        auto_continue: run to the end without pausing (default false).
        voiceover: speak the beats' lines (default true).
        subtitles: ``burn`` (default), ``soft`` or ``off``; see :class:`Options`.
        voice: the voice that speaks the lines (default: the speech model's first).
        caption_scale: burned captions' size against the default, 0.5-2.0 (default 1.0).
    """

    prompt: str
    duration_s: float
    aspect: Aspect
    auto_continue: bool
    voiceover: bool
    subtitles: Subtitles
    voice: str
    caption_scale: float


class State(TypedDict, total=False):
    """The graph's state, one per branch (thread).

    Attributes:
        video_id: the video this branch belongs to.
        user_id: the owner.
        branch: branch name (``main``, ``main-1``, …).
        prompt: the brief.
        options: how the video is made.
        auto_continue: skip the review pauses.
        spec: the plan, once made.
        artifacts: name → reference; see :func:`merge_artifacts`.
        phase: the last phase that ran (or is running).
        music_gain_db: gain on the music before loudness normalisation, dB.
        overrides: artifact name (``beat_01``, ``chunk_03``, ``music``) → the user's direction.
        goto: private, one step only: where a review node sends the run (an edit's re-run,
            or back to itself after a resume it could not use); unset → the next phase.
        review_error: private, one step only: why the last resume was not used, shown in the
            next pause's payload.
        forked: private, one step only: the branch a fork resume just made (``thread_id``,
            ``branch``, ``parent``, ``phase``), shown in the next pause's payload.
        edit_check: private, until the next pause is answered: what the LangGraph server's
            last edit was made from, measured at the pause it re-runs to
            (:func:`agent.phases.effects.pending_check`, JSON); not copied into forks.
    """

    video_id: str
    user_id: str
    branch: str
    prompt: str
    options: Annotated[Options, Validated(Options)]
    auto_continue: bool
    spec: Annotated[Spec | None, Validated(Spec)]
    artifacts: Annotated[dict[str, ArtifactRef], merge_artifacts]
    phase: Phase
    music_gain_db: float
    overrides: Annotated[dict[str, Override], _latest_overrides]
    goto: Annotated[str | None, EphemeralValue]
    review_error: Annotated[str | None, EphemeralValue]
    forked: Annotated[dict[str, str] | None, EphemeralValue]
    edit_check: dict[str, Any] | None


class AdmitInput(State, total=False):
    """What the first node reads: the state plus the served graph's input-only keys."""

    duration_s: float
    aspect: Aspect
    voiceover: bool
    subtitles: Subtitles
    voice: str
    caption_scale: float


#: State keys that clients never see (not in ``get_state`` values; see :class:`Output`).
PRIVATE_KEYS = ("goto", "review_error", "forked")


class Output(TypedDict, total=False):
    """The graph's output schema: :class:`State` without its private one-step channels.

    Thread state read by clients (``get_state``) holds these keys only, so values copied from
    a pause into a new thread never carry a stale routing decision.
    """

    video_id: str
    user_id: str
    branch: str
    prompt: str
    options: Options
    auto_continue: bool
    spec: Spec | None
    artifacts: dict[str, ArtifactRef]
    phase: Phase
    music_gain_db: float
    overrides: dict[str, Override]
