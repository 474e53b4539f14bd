"""The voiceover's lines on the timeline: one source of cue times for chunks and refine.

The cues (when each line is spoken and captioned) come from the synthesised audio: each
beat's line is spoken by one memoised call, and :func:`agent.captions.place` lays the lines
at their beats with their real lengths. The chunks phase needs the cues before refine does,
when the offline motion renderer draws burned captions into its frames (one encode instead
of a second one at refine), so the lines are spoken there first; refine asks the memo for the
same calls and gets the same audio, hence the same cues. With no voice (turned off, or a
language the speech model does not pronounce), the cues are timed from the lines at the
documented speaking rate (:func:`~agent.providers.local.voiceover.speaking_time_s`).

The beats of one ad render in parallel and each needs every cue (a line may run past its
beat), so :func:`spoken_lines` runs once per event loop for a given branch, phase and set of
lines, and the other callers wait for its result instead of speaking the same lines again
(each branch still files its own cost events).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

import numpy as np

from agent import captions
from agent.captions import Cue
from agent.deps import Deps
from agent.errors import UserError
from agent.memo import Blob, Recorder
from agent.providers.base import SpeechRequest, VoiceProvider
from agent.providers.local.voiceover import speaking_time_s
from agent.providers.registry import Registry
from agent.spec import Spec
from agent.state import Options, Subtitles

#: Sample rate of the voice stem, Hz (the final mix's).
VOICE_RATE_HZ = 48_000

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class VoiceSettings:
    """The branch's voice and caption settings: the spec's (set by edits) over the options'.

    Attributes:
        speak: the lines are spoken.
        voice: the voice asked for, or None for the speech model's default.
        subtitles: ``burn``, ``soft`` or ``off``.
        caption_scale: burned captions' size against the default for the aspect ratio.
    """

    speak: bool
    voice: str | None
    subtitles: Subtitles
    caption_scale: float

    @classmethod
    def of(cls, spec: Spec, options: Options) -> VoiceSettings:
        """The settings of a branch with this spec, in a video made with these options."""
        enabled = spec.voice.enabled
        return cls(
            speak=options.voiceover if enabled is None else enabled,
            voice=spec.voice.name or options.voice,
            subtitles=spec.captions.mode or options.subtitles,
            caption_scale=min(2.0, max(0.5, options.caption_scale * spec.captions.scale)),
        )


def has_lines(spec: Spec | None, options: Options) -> bool:
    """Whether the branch has lines to speak or caption."""
    if spec is None:
        return False
    wanted = VoiceSettings.of(spec, options)
    on = wanted.speak or wanted.subtitles != "off"
    return on and any(b.voiceover.strip() for b in spec.beats)


def voice_for(spec: Spec, options: Options, registry: Registry) -> tuple[VoiceProvider, str] | None:
    """The speech model and voice that read the lines, or None when nothing is spoken.

    Nothing is spoken when the options turn the voiceover off, no beat has a line, or the
    speech model does not pronounce the spec's language (the offline voice reads English
    only; a warning is logged and the subtitles are still made).

    Raises:
        UserError: an unknown speech model or voice (the message lists the known ones).
    """
    wanted = VoiceSettings.of(spec, options)
    if not wanted.speak or not any(b.voiceover.strip() for b in spec.beats):
        return None
    speaker = registry.voice_model(options.voice_model)
    name = wanted.voice or speaker.voices[0]
    if name not in speaker.voices:
        raise UserError(
            f"unknown voice {name!r} for speech model {speaker.name!r};"
            f" known: {', '.join(speaker.voices)}"
        )
    if speaker.languages is not None and spec.language not in speaker.languages:
        log.warning(
            "the %s voice does not speak %r (only %s): no voiceover, subtitles only;"
            " with OPENAI_API_KEY set, OpenAI's speech model reads it",
            speaker.name,
            spec.language,
            ", ".join(speaker.languages),
        )
        return None
    return speaker, name


@dataclass(frozen=True)
class SpokenLines:
    """The lines of an ad, spoken (or not) and placed.

    Attributes:
        cues: the lines on the timeline, in beat order.
        clips: beat index → (the line's audio blob, its mono samples at
            :data:`VOICE_RATE_HZ`); empty when no voice speaks them.
    """

    cues: list[Cue]
    clips: dict[int, tuple[Blob, np.ndarray]]


#: One computation of an ad's lines per event loop and key (see the module docstring).
_RUNNING: dict[tuple[int, str], asyncio.Task[SpokenLines]] = {}


async def spoken_lines(spec: Spec, options: Options, deps: Deps, rec: Recorder) -> SpokenLines:
    """Speak each beat's line (one memoised call per line) and place the lines as cues.

    Each line is its own call keyed on its text, voice and seed, so editing one beat's line
    re-synthesises that line only. Cues take their lengths from the synthesised audio; with
    no voice, from :func:`~agent.providers.local.voiceover.speaking_time_s`. Callers in one
    event loop asking for the same lines at once share one computation.

    Raises:
        UserError: an unknown speech model or voice.
        ProviderError: the speech model failed.
    """
    speaking = voice_for(spec, options, deps.registry)
    lines = [b for b in spec.beats if b.voiceover.strip()]
    who = None if speaking is None else (speaking[0].name, speaking[1], options.voice_model)
    ident = json.dumps(
        [rec.video_id, rec.branch, rec.phase, who, spec.language, spec.duration_s, options.seed,
         [(b.index, b.start_s, b.voiceover) for b in lines]],
        default=str,
    )  # fmt: skip
    key = (id(asyncio.get_running_loop()), hashlib.sha256(ident.encode()).hexdigest())
    task = _RUNNING.get(key)
    if task is None:
        task = asyncio.ensure_future(_speak_lines(spec, options, deps, rec, speaking))
        _RUNNING[key] = task
        task.add_done_callback(lambda _: _RUNNING.pop(key, None))
    return await asyncio.shield(task)


async def _speak_lines(
    spec: Spec,
    options: Options,
    deps: Deps,
    rec: Recorder,
    speaking: tuple[VoiceProvider, str] | None,
) -> SpokenLines:
    lines = [b for b in spec.beats if b.voiceover.strip()]
    if speaking is None:
        timed = [
            (b.index, b.start_s, b.voiceover, speaking_time_s(b.voiceover, spec.language))
            for b in lines
        ]
        return SpokenLines(captions.place(timed, spec.duration_s), {})
    speaker, name = speaking
    clips: dict[int, tuple[Blob, np.ndarray]] = {}
    for beat in lines:
        req = SpeechRequest(
            text=beat.voiceover, voice=name, language=spec.language, seed=options.seed
        )

        async def speak(dst: Any, req: SpeechRequest = req) -> None:
            await speaker.speak(req, dst)

        blob = await rec.produce(speaker.describe(req), f"voice_{beat.index:02d}", ".wav", speak)
        clips[beat.index] = (blob, await deps.media.decode_mono(blob.path, VOICE_RATE_HZ))
    timed = [
        (b.index, b.start_s, b.voiceover, len(clips[b.index][1]) / VOICE_RATE_HZ) for b in lines
    ]
    return SpokenLines(captions.place(timed, spec.duration_s), clips)
