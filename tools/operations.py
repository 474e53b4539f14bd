"""The operations a user or the chat model invokes (DESIGN.md §2), over one studio session.

Tool calls come from the interpreter (``tools.interpreter``), the command line or a chat
model; each names a tool and JSON arguments. Consecutive edits of one message are applied
together, so they make one branch.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from agent.editing import (
    Edit,
    EditSpec,
    RegenerateBeat,
    RegenerateChunk,
    RegenerateMusic,
    ReplaceBeatImage,
    RevisitPhase,
    SetMusicVolume,
    SetVoiceAndCaptions,
    SetVoiceoverLine,
)
from agent.edits import SetVoiceover
from agent.errors import UserError
from agent.phases.effects import Effect
from agent.service.status import BranchStatus, EditOutcome
from agent.state import Phase
from agent.studio import OnProgress, Studio
from agent.uploads import storyboard_png
from tools.interpreter import Context, ToolCall
from tools.schemas import (
    CompareBranchesArgs,
    ContinuePipelineArgs,
    EditSpecArgs,
    ListBranchesArgs,
    RegenerateBeatArgs,
    RegenerateChunkArgs,
    RegenerateMusicArgs,
    ReplaceBeatImageArgs,
    RevisitPhaseArgs,
    SetAutoContinueArgs,
    SetCaptionsArgs,
    SetMusicVolumeArgs,
    SetVoiceArgs,
    SetVoiceoverArgs,
    ShowCostArgs,
    StatusArgs,
    SwitchBranchArgs,
    tool_args,
)

#: Applies edits at a branch's pause: ``(video_id, user_id, branch, edits, on_progress)`` →
#: what :meth:`Studio.edit` returns (a door passes the job queue's, so edits are jobs).
Editor = Callable[[str, str, str, list[Edit], OnProgress | None], Awaitable[EditOutcome]]

#: Runs a branch to its next pause: ``(video_id, user_id, branch, auto_continue, on_progress)``
#: → its status (default :meth:`Studio.run`; a door passes the job queue's).
Runner = Callable[[str, str, str, bool, OnProgress | None], Awaitable[BranchStatus]]

#: How much "bigger captions" scales them (and "smaller" by its inverse).
CAPTION_STEP = 1.25

EDIT_TOOLS = frozenset(
    {
        "edit_spec",
        "regenerate_beat",
        "replace_beat_image",
        "regenerate_chunk",
        "regenerate_music",
        "set_music_volume",
        "set_voiceover",
        "set_voice",
        "set_captions",
        "revisit_phase",
    }
)


@dataclass
class Session:
    """One user working on one video: the branch in view and the auto-continue switch.

    Attributes:
        studio: the studio.
        user_id: who is working.
        video_id: the video.
        branch: the branch in view (edits fork from it; a fork becomes the branch in view).
        auto_continue: continue runs to the end instead of the next pause.
        upload: the file attached to the message, for ``replace_beat_image``.
        messages: what the operations said, in order.
        effects: what each edit changed (:attr:`EditOutcome.effects`), in order.
        editor: what applies the edits (default :meth:`Studio.edit`, in this process).
        runner: what runs the branch on ``continue`` (default :meth:`Studio.run`).
    """

    studio: Studio
    user_id: str
    video_id: str
    branch: str = "main"
    auto_continue: bool = False
    upload: Path | None = None
    messages: list[str] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
    editor: Editor | None = None
    runner: Runner | None = None

    async def context(self) -> Context:
        """What the interpreter needs to know about the branch in view."""
        st = await self.studio.status(self.video_id, self.user_id, self.branch)
        phase: Phase = st.phase or "plan"
        spec = await self.studio.spec(self.video_id, self.user_id, self.branch)
        beats = len(spec.beats) if spec else 0
        chunks = sum(1 for name in st.artifacts if name.startswith("chunk_"))
        types = tuple(b.type for b in spec.beats) if spec else ()
        gain_db = await self.studio.music_gain_db(self.video_id, self.user_id, self.branch)
        return Context(
            phase=phase,
            beats=beats,
            chunks=chunks,
            beat_types=types,
            branch=self.branch,
            music_gain_db=gain_db,
        )

    async def execute(
        self, calls: list[ToolCall], on_progress: OnProgress | None = None
    ) -> BranchStatus:
        """Run the calls in order; returns the status of the branch in view afterwards.

        Raises:
            UserError: a call is not allowed or its arguments are wrong; calls before it
                have taken effect, nothing after it has.
        """
        pending: list[Edit] = []
        for call in [*calls, ToolCall(tool="__end__", args={})]:
            if call.tool in EDIT_TOOLS:
                pending.append(await self._edit(call))
                continue
            if pending:
                edit = self.editor or self.studio.edit
                st = await edit(self.video_id, self.user_id, self.branch, pending, on_progress)
                if st.created_branch:
                    self.messages.append(f"made branch {st.branch} from {st.parent}")
                self.branch, pending = st.branch, []
                self.effects.extend(st.effects)
            await self._other(call, on_progress)
        return await self.studio.status(self.video_id, self.user_id, self.branch)

    async def _edit(self, call: ToolCall) -> Edit:
        match tool_args(call):
            case EditSpecArgs(ops=ops):
                return EditSpec(ops=ops)
            case RegenerateBeatArgs(beat=beat, prompt=prompt):
                return RegenerateBeat(beat=beat, prompt=prompt)
            case ReplaceBeatImageArgs(beat=beat):
                return await self._upload(beat)
            case RegenerateChunkArgs(chunk=chunk, model=model, prompt=prompt):
                if model:
                    self.studio.records.check_video_model(model)  # unknown → UserError
                return RegenerateChunk(chunk=chunk, model=model, prompt=prompt)
            case RegenerateMusicArgs(mood=mood, tempo_bpm=tempo_bpm, prompt=prompt):
                return RegenerateMusic(mood=mood, tempo_bpm=tempo_bpm, prompt=prompt)
            case SetMusicVolumeArgs(gain_db=gain_db):
                return SetMusicVolume(gain_db=gain_db)
            case SetVoiceoverArgs(beat=beat, text=text):
                return await self._voiceover_line(beat, text)
            case SetVoiceArgs(enabled=enabled, voice=voice):
                if not enabled:
                    return SetVoiceAndCaptions(voiceover=False)
                return SetVoiceAndCaptions(voiceover=True, voice=await self._voice(voice))
            case SetCaptionsArgs(mode=mode, size=size):
                if mode is None and size is None:
                    raise UserError("say captions on, soft, off, bigger or smaller")
                scale = {None: None, "bigger": CAPTION_STEP, "smaller": 1 / CAPTION_STEP}[size]
                return SetVoiceAndCaptions(subtitles=mode, caption_scale_by=scale)
            case RevisitPhaseArgs(phase=phase):
                return RevisitPhase(to=phase)
        raise UserError(f"{call.tool} is not an edit")

    async def _voiceover_line(self, beat: int, text: str) -> Edit:
        """The edit that sets a beat's line at the branch's pause.

        At the refine pause it is a refine edit (only the line is re-spoken); before it, a
        spec edit of the plan (the storyboard and chunks are reused: their keys ignore lines).
        """
        st = await self.studio.status(self.video_id, self.user_id, self.branch)
        if st.phase == "refine":
            return SetVoiceoverLine(beat=beat, text=text)
        return EditSpec(ops=[SetVoiceover(beat=beat, text=text)])

    async def _voice(self, name: str | None) -> str:
        """``name`` checked against the branch's speech model, or its next voice if None.

        Raises:
            UserError: an unknown voice, or no other voice to switch to.
        """
        st = await self.studio.status(self.video_id, self.user_id, self.branch)
        options = st.options  # the video's options: its speech model is the branch's
        speaker = self.studio.views.speech_model(options.voice_model)
        if name is not None:
            if name not in speaker.voices:
                raise UserError(f"unknown voice {name!r}; known: {', '.join(speaker.voices)}")
            return name
        spec = await self.studio.spec(self.video_id, self.user_id, self.branch)
        current = (spec.voice.name if spec else "") or options.voice or speaker.voices[0]
        others = [v for v in speaker.voices if v != current]
        if not others:
            raise UserError(
                f"the {speaker.name} speech model has one voice ({current}); with"
                " OPENAI_API_KEY set, OpenAI's voices are available"
            )
        at = speaker.voices.index(current) if current in speaker.voices else -1
        return speaker.voices[(at + 1) % len(speaker.voices)]

    async def _upload(self, beat: int) -> ReplaceBeatImage:
        path = self.upload
        if path is None:
            raise UserError("attach the image to use for the beat")
        spec = await self.studio.spec(self.video_id, self.user_id, self.branch)
        if spec is None:
            raise UserError("there is no storyboard to put an image in yet")
        png = storyboard_png(path, spec.size_px)
        name = f"beat_{beat - 1:02d}" if 1 <= beat <= len(spec.beats) else "upload"
        ref = await self.studio.records.keep_upload(
            self.video_id, self.user_id, self.branch, name, png
        )
        return ReplaceBeatImage(beat=beat, image=ref)

    async def _other(self, call: ToolCall, on_progress: OnProgress | None) -> None:
        if call.tool == "__end__":
            return
        studio = self.studio
        match tool_args(call):
            case StatusArgs():
                pass
            case ContinuePipelineArgs():
                if self.runner is not None:
                    await self.runner(
                        self.video_id, self.user_id, self.branch, self.auto_continue, on_progress
                    )
                else:
                    await studio.run(
                        self.video_id, self.user_id, self.branch,
                        auto_continue=self.auto_continue, on_progress=on_progress,
                    )  # fmt: skip
            case SetAutoContinueArgs(enabled=enabled):
                self.auto_continue = enabled
                self.messages.append(f"auto-continue {'on' if enabled else 'off'}")
            case ListBranchesArgs():
                tree = await studio.branches(self.video_id, self.user_id)
                self.messages.append(
                    "branches: " + ", ".join(f"{b.name} ({b.status} at {b.phase})"
                                             for b in tree)
                )  # fmt: skip
            case SwitchBranchArgs(name=name):
                await studio.status(self.video_id, self.user_id, name)  # NotFound if absent
                self.branch = name
                self.messages.append(f"switched to {name}")
            case CompareBranchesArgs(a=a, b=b):
                diff = await studio.compare_specs(self.video_id, self.user_id, a, b)
                self.messages.append(diff or f"{a} and {b} have the same spec")
            case ShowCostArgs():
                st = await studio.status(self.video_id, self.user_id, self.branch)
                u = st.usage
                self.messages.append(
                    f"{u.calls} calls, {u.reused} reused, ${u.cost_usd:.2f} so far"
                )
