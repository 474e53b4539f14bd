"""Edits at a pause (DESIGN.md §2): what each changes, and where its branch starts.

An edit names the phase it belongs to. Applied to a branch paused at that phase or later, it
takes the branch's state at that phase's pause, changes it, and seeds a thread so that only
the changed phase runs again; the memo then reuses everything whose inputs did not change.
:class:`~agent.studio.Studio` decides whether that thread is a new branch or the same one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field

from agent.edits import SetCaptions, SetMusic, SetVoice, SetVoiceover, SpecEdit, apply_edits
from agent.errors import NotFound, UserError
from agent.phases.chunks import plan_chunks
from agent.phases.common import beat_name, chunk_name
from agent.spec import MAX_VOICEOVER_CHARS, Spec
from agent.state import PHASES, ArtifactRef, Options, Override, Phase, Subtitles
from agent.text import TextInput
from agent.wording import is_qualifier, qualified

#: The node a re-run of each phase is seeded after (its fan-out or generation runs next).
RERUN_AFTER: dict[Phase, str] = {
    "plan": "plan",  # a spec edit is the new plan: nothing to generate
    "storyboard": "review_plan",
    "chunks": "review_storyboard",
    "refine": "review_chunks",
}


def phase_of(name: str) -> Phase:
    """The phase that makes artifact ``name``."""
    if name == "spec":
        return "plan"
    if name.startswith("beat_"):
        return "storyboard"
    if name.startswith("chunk_") or name == "stitched":
        return "chunks"
    return "refine"


@dataclass(frozen=True)
class Target:
    """What the edits need to know about the branch: its spec and its chunk count."""

    spec: Spec
    chunks: int


class _Edit(TextInput):
    """An edit; its strings (prompts, moods, model names) are plain text."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    @property
    def phase(self) -> Phase:
        """The pause this edit belongs to."""
        raise NotImplementedError


def _beat(target: Target, beat: int) -> str:
    n = len(target.spec.beats)
    if not 1 <= beat <= n:
        raise NotFound(f"beat {beat} does not exist; this video has beats 1–{n}")
    return beat_name(beat - 1)


def _chunk(target: Target, chunk: int) -> str:
    if not 1 <= chunk <= target.chunks:
        raise NotFound(f"chunk {chunk} does not exist; this video has chunks 1–{target.chunks}")
    return chunk_name(chunk - 1)


def _again(values: dict[str, Any], name: str, **changes: Any) -> dict[str, Any]:
    """Values with artifact ``name``'s override taken once more (a new take)."""
    overrides: dict[str, Override] = dict(values.get("overrides", {}))
    old = overrides.get(name) or Override()
    given = {k: v for k, v in changes.items() if v is not None}
    overrides[name] = old.model_copy(update={"take": old.take + 1, "image": None, **given})
    return {**values, "overrides": overrides}


class EditSpec(_Edit):
    """Change the plan: beats, timing, style, product, title, music brief."""

    kind: Literal["edit_spec"] = "edit_spec"
    ops: list[SpecEdit] = Field(min_length=1)

    @property
    def phase(self) -> Phase:
        """Spec edits belong to the plan pause."""
        return "plan"

    def apply(self, values: dict[str, Any], target: Target) -> dict[str, Any]:
        """The values with the edited spec (later artifacts are dropped by the caller)."""
        return {**values, "spec": apply_edits(target.spec, self.ops)}


class RegenerateBeat(_Edit):
    """Draw beat ``beat`` (1-based) again, optionally from a new prompt."""

    kind: Literal["regenerate_beat"] = "regenerate_beat"
    beat: int
    prompt: str | None = Field(default=None, min_length=1, max_length=1000)

    @property
    def phase(self) -> Phase:
        """Images belong to the storyboard pause."""
        return "storyboard"

    def apply(self, values: dict[str, Any], target: Target) -> dict[str, Any]:
        """A new take of the beat's image.

        A prompt that only qualifies ("darker", "more colourful":
        :func:`agent.wording.is_qualifier`) is added to the prompt the image was drawn from.
        """
        name, prompt = _beat(target, self.beat), self.prompt
        if prompt is not None and is_qualifier(prompt):
            old = values.get("overrides", {}).get(name)
            base = (old and old.prompt) or target.spec.beats[self.beat - 1].image_prompt
            prompt = qualified(base, prompt, 1000)
        return _again(values, name, prompt=prompt)


class ReplaceBeatImage(_Edit):
    """Use an uploaded image (already stored, see :mod:`agent.uploads`) for beat ``beat``."""

    kind: Literal["replace_beat_image"] = "replace_beat_image"
    beat: int
    image: ArtifactRef

    @property
    def phase(self) -> Phase:
        """Images belong to the storyboard pause."""
        return "storyboard"

    def apply(self, values: dict[str, Any], target: Target) -> dict[str, Any]:
        """The beat's image is the upload."""
        overrides: dict[str, Override] = dict(values.get("overrides", {}))
        name = _beat(target, self.beat)
        overrides[name] = (overrides.get(name) or Override()).model_copy(
            update={"image": self.image}
        )
        return {**values, "overrides": overrides}


class RegenerateChunk(_Edit):
    """Render chunk ``chunk`` (1-based) again, optionally with another model or prompt."""

    kind: Literal["regenerate_chunk"] = "regenerate_chunk"
    chunk: int
    model: str | None = None
    prompt: str | None = Field(default=None, min_length=1, max_length=1000)

    @property
    def phase(self) -> Phase:
        """Chunks belong to the chunks pause."""
        return "chunks"

    def apply(self, values: dict[str, Any], target: Target) -> dict[str, Any]:
        """A new take of the chunk; later chunks of its beat follow from its last frame."""
        return _again(values, _chunk(target, self.chunk), model=self.model, prompt=self.prompt)


class RegenerateMusic(_Edit):
    """Compose the music again, optionally with a new mood, tempo or prompt."""

    kind: Literal["regenerate_music"] = "regenerate_music"
    mood: str | None = Field(default=None, min_length=1, max_length=80)
    tempo_bpm: int | None = Field(default=None, ge=60, le=180)
    prompt: str | None = Field(default=None, min_length=1, max_length=80)

    @property
    def phase(self) -> Phase:
        """Music belongs to the refine pause."""
        return "refine"

    def apply(self, values: dict[str, Any], target: Target) -> dict[str, Any]:
        """A new take; a mood or tempo changes the spec's music brief (a prompt is a mood)."""
        mood = self.mood or self.prompt
        if mood or self.tempo_bpm:
            spec = SetMusic(mood=mood, tempo_bpm=self.tempo_bpm).apply(target.spec)
            values = {**values, "spec": spec}
        return _again(values, "music")


class SetMusicVolume(_Edit):
    """Set the music's gain before loudness normalisation, dB (−60 mutes it)."""

    kind: Literal["set_music_volume"] = "set_music_volume"
    gain_db: float = Field(ge=-60, le=12)

    @property
    def phase(self) -> Phase:
        """The mix belongs to the refine pause."""
        return "refine"

    def apply(self, values: dict[str, Any], target: Target) -> dict[str, Any]:
        """The new gain."""
        return {**values, "music_gain_db": self.gain_db}


class SetVoiceoverLine(_Edit):
    """Give beat ``beat`` (1-based) a new voiceover line ("" for none); only it is re-spoken."""

    kind: Literal["set_voiceover"] = "set_voiceover"
    beat: int
    text: str = Field(max_length=MAX_VOICEOVER_CHARS)

    @property
    def phase(self) -> Phase:
        """The voice is made in refine."""
        return "refine"

    def apply(self, values: dict[str, Any], target: Target) -> dict[str, Any]:
        """The spec with the beat's new line."""
        spec = apply_edits(target.spec, [SetVoiceover(beat=self.beat, text=self.text)])
        return {**values, "spec": spec}


class SetVoiceAndCaptions(_Edit):
    """Voiceover on or off, another voice, captions burned/soft/off or resized.

    Fields left as None keep their value; ``caption_scale_by`` multiplies the caption size
    (1.25 bigger, 0.8 smaller) and burns the captions in if they were not. The settings live
    in the branch's spec (:class:`~agent.spec.Voice`, :class:`~agent.spec.Captions`).
    """

    kind: Literal["set_voice_captions"] = "set_voice_captions"
    voiceover: bool | None = None
    voice: str | None = Field(default=None, min_length=1, max_length=40)
    subtitles: Subtitles | None = None
    caption_scale_by: float | None = Field(default=None, gt=0, le=4)

    @property
    def phase(self) -> Phase:
        """The voice and captions are made in refine."""
        return "refine"

    def apply(self, values: dict[str, Any], target: Target) -> dict[str, Any]:
        """The spec with the voice and captions changed."""
        ops: list[SpecEdit] = []
        if self.voiceover is not None or self.voice is not None:
            ops.append(SetVoice(enabled=self.voiceover, name=self.voice))
        mode = self.subtitles
        if self.caption_scale_by is not None and mode is None:
            options = Options.model_validate(values["options"])
            if (target.spec.captions.mode or options.subtitles) != "burn":
                mode = "burn"
        if mode is not None or self.caption_scale_by is not None:
            ops.append(SetCaptions(mode=mode, scale_by=self.caption_scale_by))
        if not ops:
            raise UserError("say what to change: voiceover, voice or captions")
        return {**values, "spec": apply_edits(target.spec, ops)}


class RevisitPhase(_Edit):
    """Go back to an earlier pause of this branch, changing nothing."""

    kind: Literal["revisit_phase"] = "revisit_phase"
    to: Phase

    @property
    def phase(self) -> Phase:
        """The pause to go back to."""
        return self.to

    def apply(self, values: dict[str, Any], target: Target) -> dict[str, Any]:
        """Nothing changes."""
        return values


Edit = Annotated[
    EditSpec
    | RegenerateBeat
    | ReplaceBeatImage
    | RegenerateChunk
    | RegenerateMusic
    | SetMusicVolume
    | SetVoiceoverLine
    | SetVoiceAndCaptions
    | RevisitPhase,
    Field(discriminator="kind"),
]


def seed_values(
    values: dict[str, Any], edits: list[Edit], chunk_grid_s: tuple[float, ...]
) -> tuple[dict[str, Any], Phase, str]:
    """Apply ``edits`` to a branch's values at the pause of the earliest phase they touch.

    Args:
        values: the state at that pause.
        edits: the edits, applied in order.
        chunk_grid_s: the video model's clip lengths (to number chunks).

    Returns:
        (new values, the phase they pause at, the node to seed them as). Artifacts of later
        phases are removed (``None`` in the merge), and so are those of a phase that re-runs.

    Raises:
        NotFound: an unknown beat or chunk number.
        UserError: an edit that cannot be applied.
    """
    phase = min((e.phase for e in edits), key=PHASES.index)
    for edit in edits:
        spec = values["spec"]
        target = Target(spec, len(plan_chunks(spec, chunk_grid_s)))
        values = edit.apply(values, target)
    rerun = any(not isinstance(e, RevisitPhase) for e in edits)
    keep = PHASES[: PHASES.index(phase) + (0 if rerun and phase != "plan" else 1)]
    artifacts: dict[str, ArtifactRef | None] = {
        name: (ref if phase_of(name) in keep else None)
        for name, ref in values.get("artifacts", {}).items()
    }
    as_node = RERUN_AFTER[phase] if rerun else phase
    return {**values, "artifacts": artifacts, "auto_continue": False}, phase, as_node
