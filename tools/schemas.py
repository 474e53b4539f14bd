"""The tools' argument schemas: one pydantic model per tool, shared by every caller.

The offline interpreter, the OpenAI tool-calling interpreter, the command line and the chat
all name tools and pass arguments in these shapes; :class:`tools.operations.Session` validates
every call against them before it runs. Beat and chunk numbers are the 1-based ones users see.
"""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field, ValidationError

from agent.edits import SpecEdit
from agent.errors import UserError
from agent.spec import MAX_VOICEOVER_CHARS
from agent.state import Subtitles
from agent.text import TextInput
from tools.interpreter import MUTE_DB, VIDEO_MODELS, Phase, ToolCall


class ToolArgs(TextInput):
    """Arguments of one tool (strict: unknown fields are refused; strings are plain text)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class EditSpecArgs(ToolArgs):
    """Change the plan (spec): duration, style, product, title, music brief, beats.

    All spec edits of one message go in one call, as ops applied in order. Beat numbers are
    1-based; after a remove/add/move, later ops use the numbers as they are then.
    """

    ops: list[SpecEdit] = Field(min_length=1)


class RegenerateBeatArgs(ToolArgs):
    """Draw beat N's storyboard image again, optionally from a new prompt."""

    beat: int = Field(ge=1, description="1-based beat number")
    prompt: str | None = Field(default=None, min_length=1, max_length=1000)


class ReplaceBeatImageArgs(ToolArgs):
    """Use the image the user attached to the message as beat N's storyboard image."""

    beat: int = Field(ge=1, description="1-based beat number")
    image: Literal["upload"] = "upload"


class RegenerateChunkArgs(ToolArgs):
    """Render video chunk N again, optionally with another video model or prompt."""

    chunk: int = Field(ge=1, description="1-based chunk number")
    model: Literal[VIDEO_MODELS] | None = Field(  # type: ignore[valid-type]
        default=None,
        description="video model: 'local' or a model or alias of the Replicate catalog "
        "(models.toml); None keeps the video's model",
    )
    prompt: str | None = Field(default=None, min_length=1, max_length=1000)


class RegenerateMusicArgs(ToolArgs):
    """Compose the soundtrack again (at the refine pause), optionally with a new brief."""

    mood: str | None = Field(default=None, min_length=1, max_length=80)
    tempo_bpm: int | None = Field(default=None, ge=60, le=180)
    prompt: str | None = Field(default=None, min_length=1, max_length=80)


class SetMusicVolumeArgs(ToolArgs):
    """Set the music's gain in the final mix against its original level, dB (-60 mutes it).

    A step ("3 dB quieter", "louder", "under the voice") is the gain the branch has now plus
    the step (a step without a number is 3 dB); "at -6 dB" is the gain itself.
    """

    gain_db: float = Field(ge=MUTE_DB, le=12)


class SetVoiceoverArgs(ToolArgs):
    """Change what the narrator says over beat N (refine pause: only that line is re-spoken).

    For "beat 2 should say …", "change the voiceover of beat 3 to …", "no line on beat 4"
    (text "").
    """

    beat: int = Field(ge=1, description="1-based beat number")
    text: str = Field(max_length=MAX_VOICEOVER_CHARS, description="the new line; '' for none")


class SetVoiceArgs(ToolArgs):
    """Turn the voiceover off or on, or use another voice (at the refine pause).

    For "no voiceover" (enabled false), "bring the voice back" (enabled true), "another
    voice" (voice None: the speech model's next voice), "use the nova voice" (voice "nova").
    """

    enabled: bool = True
    voice: str | None = Field(
        default=None, min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$"
    )


class SetCaptionsArgs(ToolArgs):
    """Burned-in captions on, soft only, or off; or bigger/smaller (at the refine pause).

    For "captions off" (mode off), "subtitles as a track only" (mode soft), "burn the
    captions in" (mode burn), "bigger captions" (size bigger), "smaller subtitles".
    """

    mode: Subtitles | None = None
    size: Literal["bigger", "smaller"] | None = None


class RevisitPhaseArgs(ToolArgs):
    """Go back to an earlier phase's pause (forks a branch from there)."""

    phase: Phase


class SetAutoContinueArgs(ToolArgs):
    """Turn auto-continue (run to the end without pausing) on or off."""

    enabled: bool


class ContinuePipelineArgs(ToolArgs):
    """Approve this pause and run the next phase (only when the user approves or says go on)."""


class StatusArgs(ToolArgs):
    """Show where the video is: phase, branch, artifacts."""


class ShowCostArgs(ToolArgs):
    """Show what the video has cost so far."""


class ListBranchesArgs(ToolArgs):
    """List the video's branches."""


class SwitchBranchArgs(ToolArgs):
    """Switch to another branch, e.g. main-1."""

    name: str = Field(pattern=r"^[A-Za-z0-9][\w.-]*$", max_length=64)


class CompareBranchesArgs(ToolArgs):
    """Compare the specs of two branches."""

    a: str = Field(pattern=r"^[A-Za-z0-9][\w.-]*$", max_length=64)
    b: str = Field(pattern=r"^[A-Za-z0-9][\w.-]*$", max_length=64)


#: Every tool the chat model may call, by name: its argument model (whose docstring is the
#: tool's description). The names and arguments are those of :mod:`tools.interpreter`.
TOOLS: dict[str, type[ToolArgs]] = {
    "edit_spec": EditSpecArgs,
    "regenerate_beat": RegenerateBeatArgs,
    "replace_beat_image": ReplaceBeatImageArgs,
    "regenerate_chunk": RegenerateChunkArgs,
    "regenerate_music": RegenerateMusicArgs,
    "set_music_volume": SetMusicVolumeArgs,
    "set_voiceover": SetVoiceoverArgs,
    "set_voice": SetVoiceArgs,
    "set_captions": SetCaptionsArgs,
    "revisit_phase": RevisitPhaseArgs,
    "continue_pipeline": ContinuePipelineArgs,
    "set_auto_continue": SetAutoContinueArgs,
    "status": StatusArgs,
    "show_cost": ShowCostArgs,
    "list_branches": ListBranchesArgs,
    "switch_branch": SwitchBranchArgs,
    "compare_branches": CompareBranchesArgs,
}


def tool_args(call: ToolCall) -> ToolArgs:
    """The call's arguments, validated against its tool's schema (:data:`TOOLS`).

    Raises:
        UserError: an unknown tool, or arguments that do not fit it (one line: the tool, the
            first offending field and why).
    """
    schema = TOOLS.get(call.tool)
    if schema is None:
        raise UserError(f"unknown tool {call.tool!r}; tools: {', '.join(TOOLS)}")
    try:
        return schema.model_validate(call.args)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "arguments"
        msg = first["msg"].removeprefix("Value error, ")
        raise UserError(f"{call.tool}: {where}: {msg}") from None
