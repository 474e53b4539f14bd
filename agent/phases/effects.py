"""What an edit changed: its re-rendered artifacts compared with what was there (issue 14).

An edit that reports success must have a visible (or audible) effect. After
:meth:`~agent.studio.Studio.edit` runs an edit, :func:`measure` compares each artifact the
edit targeted on the new branch with the same artifact at the pause the edit was made from,
and says whether it changed and by how much:

- storyboard images: the mean absolute pixel difference over every channel, in 1/255 steps,
  and the share of the picture that changed by at least :data:`PIXEL_STEP_255` in some
  channel (a local change such as new text moves the mean little but the area a lot);
- video chunks: the same two figures over frames sampled at :data:`SAMPLE_FPS`;
- audio (the music, the final mix): the level of the difference signal relative to the old
  audio, dB (``-inf`` for identical sound), and for the final mix its integrated loudness;
- the spec: the fields that differ;
- voice edits (a beat's line, another voice, no voiceover): the voice stem's difference
  level, as for audio; with the voice turned off or on, the final mix's;
- caption edits (burned, soft or off, bigger or smaller): the caption area's pixels
  (:data:`CAPTION_ROWS`) of the final video, and whether it carries a soft subtitle track.

Each measure is judged against a threshold for "visibly changed"; a redraw from a new
prompt is expected to change the picture like a new scene (:data:`SCENE_MEAN_255`, the
figure issue 14's acceptance asks of scene edits). Outcomes are ``changed``, ``slight``
(changed, but less than asked) and ``unchanged``; :func:`summary` folds them into the
edit's ``effect`` (:func:`verdict`): ``visible``, ``partial`` or ``none``.

:func:`refuse_no_ops` runs before an edit forks and refuses edits known to change nothing,
with the reason (a spec edit the spec already says, a beat's own picture given again, music
volume on a video without music, or louder music when the music is the whole soundtrack,
already at the loudness target, a voice or caption setting the video already has, such as
captions off when they are off, or a caption size when no caption is burned in).
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

import av
import numpy as np
from PIL import Image
from pydantic import TypeAdapter

from agent.deps import Deps
from agent.editing import (
    Edit,
    EditSpec,
    RegenerateBeat,
    RegenerateChunk,
    RegenerateMusic,
    ReplaceBeatImage,
    SetMusicVolume,
    SetVoiceAndCaptions,
    SetVoiceoverLine,
    Target,
    phase_of,
)
from agent.edits import SetCaptions, SetVoice, SetVoiceover, SpecEdit
from agent.errors import ReelgraphError, UserError
from agent.phases.common import beat_name, chunk_name
from agent.phases.refine import MUTE_DB, TARGET_LUFS, VoiceSettings, mix_levels
from agent.spec import Spec
from agent.state import ArtifactRef, Phase

#: A pixel counts as changed when some channel moved by at least this much, 1/255 steps.
PIXEL_STEP_255 = 32
#: Mean absolute difference at or above which a picture has visibly changed, 1/255 steps.
VISIBLE_MEAN_255 = 2.0
#: Share of changed pixels at or above which a picture has visibly changed, percent.
VISIBLE_AREA_PCT = 1.0
#: Mean absolute difference a redraw from a new prompt is expected to reach, 1/255 steps:
#: the new scene issue 14's acceptance asks of scene edits ("at least 20/255").
SCENE_MEAN_255 = 20.0
#: Frames per second sampled from a video to compare it, and their width, pixels.
SAMPLE_FPS, SAMPLE_WIDTH_PX = 4, 320
#: The rows burned captions can occupy, as shares of the frame's height from the top: the
#: lower part of the frame down to the title-safe bottom margin (agent.captions), with room
#: for two lines at twice the default size.
CAPTION_ROWS = (0.55, 0.92)
#: Sample rate audio is compared at, Hz (mono).
AUDIO_RATE_HZ = 16_000
#: Difference signal level, relative to the old audio, at or above which audio has audibly
#: changed, dB. A 0.5 dB level change gives about -25 dB; identical audio gives -inf.
AUDIBLE_DIFF_DB = -25.0

Outcome = Literal["changed", "slight", "unchanged", "pending"]


@dataclass(frozen=True)
class Effect:
    """What happened to one artifact an edit re-rendered.

    Attributes:
        artifact: the artifact's name, as in file names and the seed HTTP API (0-based:
            ``beat_02`` is beat 3).
        label: how users number it, from 1: ``beat 3``, ``chunk 2``, ``the music``.
        targeted: the edit named it (False: it changed although the edit did not ask).
        outcome: ``changed``, ``slight`` (changed less than the edit asked for),
            ``unchanged``, or ``pending`` (made by a later phase than the branch paused at).
        amount: the measure: mean absolute difference /255 (images, video), difference
            level in dB (audio, ``None`` for identical sound), changed fields (spec).
        unit: ``"/255"``, ``"dB"`` or ``"fields"``.
        message: one line for the user, saying what changed or why nothing did.
        area_pct: share of the picture that changed (images, video), percent.
        loudness_lufs: (before, after) integrated loudness of the final mix, LUFS.
    """

    artifact: str
    label: str
    targeted: bool
    outcome: Outcome
    amount: float | None
    unit: str
    message: str
    area_pct: float | None = None
    loudness_lufs: tuple[float, float] | None = None

    def as_dict(self) -> dict[str, Any]:
        """The effect as JSON-able data (``loudness_lufs`` as a list)."""
        out = asdict(self)
        if self.loudness_lufs is not None:
            out["loudness_lufs"] = list(self.loudness_lufs)
        return out


@dataclass(frozen=True)
class PictureChange:
    """How much two pictures (or two sets of frames) differ.

    Attributes:
        mean_255: mean absolute difference over every pixel and channel, 1/255 steps.
        area_pct: share of pixels where some channel moved by :data:`PIXEL_STEP_255`, percent.
    """

    mean_255: float
    area_pct: float

    @property
    def visible(self) -> bool:
        """At or above either threshold for a visible change."""
        return self.mean_255 >= VISIBLE_MEAN_255 or self.area_pct >= VISIBLE_AREA_PCT


def picture_change(before: np.ndarray, after: np.ndarray) -> PictureChange:
    """Compare two RGB pixel arrays of the same shape (``(..., height, width, 3)``, uint8).

    Raises:
        ValueError: the shapes differ.
    """
    if before.shape != after.shape:
        raise ValueError(f"cannot compare pixels of shapes {before.shape} and {after.shape}")
    diff = np.abs(before.astype(np.int16) - after.astype(np.int16))
    if diff.size == 0:
        return PictureChange(0.0, 0.0)
    area = float((diff.max(axis=-1) >= PIXEL_STEP_255).mean()) * 100
    return PictureChange(float(diff.mean()), area)


def image_change(before: Path, after: Path) -> PictureChange:
    """Compare two image files; a different size is compared at ``before``'s size."""
    with Image.open(before) as a, Image.open(after) as b:
        old = a.convert("RGB")
        new = b.convert("RGB")
    if new.size != old.size:
        new = new.resize(old.size, Image.Resampling.BILINEAR)
    return picture_change(np.asarray(old), np.asarray(new))


def difference_db(before: np.ndarray, after: np.ndarray) -> float | None:
    """Level of ``after - before`` relative to ``before``, dB; None when they are identical.

    Both are mono float sample arrays; the shorter one is padded with silence. Silence
    before and sound after gives ``+inf``.
    """
    n = max(len(before), len(after))
    a = np.pad(before.astype(np.float64), (0, n - len(before)))
    b = np.pad(after.astype(np.float64), (0, n - len(after)))
    diff = float(np.sqrt(np.mean((b - a) ** 2))) if n else 0.0
    if diff == 0.0:
        return None
    ref = float(np.sqrt(np.mean(a**2)))
    return math.inf if ref == 0.0 else 20 * math.log10(diff / ref)


async def video_frames(deps: Deps, path: Path) -> np.ndarray:
    """Frames of a video sampled at :data:`SAMPLE_FPS`, :data:`SAMPLE_WIDTH_PX` wide.

    Returns:
        uint8 array ``(frames, height, width, 3)``.

    Raises:
        MediaError: FFmpeg cannot read the file.
    """
    info = await asyncio.to_thread(deps.media.probe, path)
    height = max(2, round(SAMPLE_WIDTH_PX * info.height / max(1, info.width) / 2) * 2)
    raw = await deps.media.run(
        ["-i", str(path), "-map", "0:v:0",
         "-vf", f"fps={SAMPLE_FPS},scale={SAMPLE_WIDTH_PX}:{height}:flags=area",
         "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"]
    )  # fmt: skip
    frame = SAMPLE_WIDTH_PX * height * 3
    count = len(raw) // frame
    return np.frombuffer(raw[: count * frame], np.uint8).reshape(count, height, SAMPLE_WIDTH_PX, 3)


async def audio_samples(deps: Deps, path: Path) -> np.ndarray:
    """A file's first audio stream as mono float samples at :data:`AUDIO_RATE_HZ`.

    Raises:
        MediaError: FFmpeg cannot read the file or it has no audio.
    """
    raw = await deps.media.run(
        ["-i", str(path), "-map", "0:a:0", "-ac", "1", "-ar", str(AUDIO_RATE_HZ),
         "-f", "f32le", "pipe:1"]
    )  # fmt: skip
    return np.frombuffer(raw[: len(raw) // 4 * 4], "<f4")


# -- before an edit ---------------------------------------------------------------------------


async def refuse_no_ops(deps: Deps, values: dict[str, Any], edits: Sequence[Edit]) -> list[Edit]:
    """Leave out, before anything forks, edits known to change nothing; refuse if all are.

    Known before any rendering: a spec edit that leaves the spec as it is (it already says
    that); an image for a beat that is the picture the beat already has; a music volume
    change that the mix would undo (see :func:`~agent.phases.refine.mix_levels`): on a video
    without music, louder music when the music is the whole soundtrack and already at the
    :data:`~agent.phases.refine.TARGET_LUFS` target, or the gain the music already has.

    Args:
        deps: the store and FFmpeg (to see whether the video has sound of its own).
        values: the branch's state at the pause the edits are made from.
        edits: the edits.

    A message whose edits all change nothing is refused with every reason. One that also
    asks for something else goes ahead without them (so a spec edit that changes nothing
    does not send a beat's redraw back to the plan pause), and :func:`measure`, given every
    edit asked for, reports the left-out ones as unchanged.

    Returns:
        The edits that may change something, in order.

    Raises:
        UserError: the edits would change nothing; the message says why and what would.
        NotFound: an edit names a beat the video does not have.
    """
    spec: Spec | None = values.get("spec")
    arts: dict[str, ArtifactRef | None] = values.get("artifacts", {})
    reasons: list[str | None] = []
    for edit in edits:
        reason: str | None = None
        if isinstance(edit, (EditSpec, SetVoiceoverLine, SetVoiceAndCaptions)) and spec is not None:
            after = edit.apply(values, Target(spec, 0))["spec"]
            reason = _voice_no_op(spec, after, values["options"], edit)
            if reason is None and after == spec:
                ops = edit.ops if isinstance(edit, EditSpec) else []
                asked = "; ".join(_op_words(op) for op in ops) or edit.kind.replace("_", " ")
                reason = f"the spec already says that ({asked}); nothing would change"
        elif isinstance(edit, ReplaceBeatImage):
            current = arts.get(beat_name(edit.beat - 1))
            if current is not None and current.sha256 == edit.image.sha256:
                reason = f"that image is already beat {edit.beat}'s picture; nothing would change"
        elif isinstance(edit, SetMusicVolume):
            reason = await _music_level_no_op(deps, values, edit)
        reasons.append(reason)
    if reasons and all(reasons):
        raise UserError("; ".join(r for r in reasons if r))
    return [edit for edit, reason in zip(edits, reasons, strict=True) if reason is None]


@dataclass(frozen=True)
class VoiceParts:
    """What a voice or caption edit asks for.

    Attributes:
        line: a beat's voiceover line.
        voice: the voiceover on or off, or another voice.
        captions: burned, soft or off, or their size.
        sized: their size.
        other: anything else (a spec edit's other ops).
    """

    line: bool
    voice: bool
    captions: bool
    sized: bool
    other: bool


def voice_parts(edit: Edit) -> VoiceParts:
    """What ``edit`` asks of the voiceover and the captions (all False: nothing)."""
    if isinstance(edit, SetVoiceoverLine):
        return VoiceParts(True, False, False, False, False)
    if isinstance(edit, SetVoiceAndCaptions):
        return VoiceParts(
            False,
            edit.voiceover is not None or edit.voice is not None,
            edit.subtitles is not None or edit.caption_scale_by is not None,
            edit.caption_scale_by is not None,
            False,
        )
    if isinstance(edit, EditSpec):
        return VoiceParts(
            any(isinstance(op, SetVoiceover) for op in edit.ops),
            any(isinstance(op, SetVoice) for op in edit.ops),
            any(isinstance(op, SetCaptions) for op in edit.ops),
            any(isinstance(op, SetCaptions) and op.scale_by is not None for op in edit.ops),
            any(not isinstance(op, (SetVoiceover, SetVoice, SetCaptions)) for op in edit.ops),
        )
    return VoiceParts(False, False, False, False, True)


def _voice_no_op(before: Spec, after: Spec, options: Any, edit: Edit) -> str | None:
    """Why voice and caption settings would change nothing, or None if they would.

    Only for edits of the voice and the captions alone (no line, nothing else): the
    settings the refine phase uses (:class:`~agent.phases.refine.VoiceSettings`) are
    compared, so captions off when they are off, the voiceover off when it is off, or a
    caption size at its cap are refused; so is a new caption size when no caption is burned
    in (it would not show).
    """
    parts = voice_parts(edit)
    if parts.line or parts.other or not (parts.voice or parts.captions):
        return None
    old, new = VoiceSettings.of(before, options), VoiceSettings.of(after, options)
    shown = (
        f"voiceover {'on' if new.speak else 'off'}"
        + (f" ({new.voice})" if new.speak and new.voice else "")
        + f", captions {new.subtitles}"
        + (f" at {new.caption_scale:g}x" if new.subtitles == "burn" else "")
    )
    if old == new:
        return f"the video already has that ({shown}); nothing would change"
    only_size = old == VoiceSettings(new.speak, new.voice, new.subtitles, old.caption_scale)
    if parts.sized and only_size and new.subtitles != "burn":
        return (
            f"captions are {new.subtitles}, not burned into the picture, so their size would"
            " not show; ask for burned captions first"
        )
    return None


def _op_words(op: SpecEdit) -> str:
    """A spec edit as a reply names it: ``set music mood 'calm'``."""
    data = op.model_dump(exclude_none=True)
    name = str(data.pop("op", "edit")).replace("_", " ")
    words = [name]
    for key, value in data.items():
        shown = f"{value:g} s" if key.endswith("_s") and isinstance(value, float) else repr(value)
        noun = key.removesuffix("_s").replace("_", " ")
        words.append(shown if noun in name else f"{noun} {shown}")
    return " ".join(words)


async def _music_level_no_op(
    deps: Deps, values: dict[str, Any], edit: SetMusicVolume
) -> str | None:
    """Why a music volume change would change nothing, or None if it would change the mix."""
    arts: dict[str, ArtifactRef | None] = values.get("artifacts", {})
    music, stitched = arts.get("music"), arts.get("stitched")
    if music is None:
        why = (
            "music is off for this video"
            if not values["options"].music
            else "the video model makes its own soundtrack, so no music was added"
        )
        return f"there is no music to make louder or quieter: {why}"
    other = arts.get("voiceover") is not None  # a voice: the gain moves music against it
    if stitched is not None and not other:
        path = await asyncio.to_thread(deps.store.local_path, stitched.sha256)
        other = (await asyncio.to_thread(deps.media.probe, path)).has_audio
    old_gain = float(values.get("music_gain_db", 0.0))
    before = mix_levels(old_gain, music=True, other_audio=other)
    if before != mix_levels(edit.gain_db, music=True, other_audio=other):
        return None
    if not other and edit.gain_db > old_gain:
        return (
            "the music is the whole soundtrack and the final mix is normalised to"
            f" {TARGET_LUFS:g} LUFS, so louder music would not change it; 'quieter music'"
            " turns the soundtrack down, or regenerate the music with a more energetic brief"
        )
    level = "muted" if old_gain <= MUTE_DB else f"at {old_gain:+g} dB"
    return f"the music is already {level}; nothing would change"


# -- after an edit ----------------------------------------------------------------------------


def _targets(edits: Sequence[Edit]) -> list[tuple[str, Edit]]:
    """(artifact name, edit) for each artifact the edits ask to change, first ask first."""
    out: dict[str, Edit] = {}
    for edit in edits:
        if isinstance(edit, (RegenerateBeat, ReplaceBeatImage)):
            out.setdefault(beat_name(edit.beat - 1), edit)
        elif isinstance(edit, RegenerateChunk):
            out.setdefault(chunk_name(edit.chunk - 1), edit)
        elif isinstance(edit, RegenerateMusic):
            out.setdefault("music", edit)
        elif isinstance(edit, SetMusicVolume):
            out.setdefault("final", edit)
        elif isinstance(edit, EditSpec):
            out.setdefault("spec", edit)
        parts = voice_parts(edit)
        if parts.line or parts.voice:
            out.setdefault("voiceover", edit)
        if parts.line or parts.captions:
            out.setdefault("captions", edit)
    return list(out.items())


def label(name: str) -> str:
    """How users name an artifact, counting from 1: ``beat_02`` → ``beat 3``."""
    kind, _, number = name.rpartition("_")
    if kind in ("beat", "chunk") and number.isdigit():
        return f"{kind} {int(number) + 1}"
    return {
        "final": "the final video", "stitched": "the stitched video", "captions": "the captions",
    }.get(name, f"the {name}")  # fmt: skip


def _quote(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return f"'{text[: limit - 1]}…'" if len(text) > limit else f"'{text}'"


def _maker(name: str, state: dict[str, Any]) -> str:
    """Who draws or animates artifact ``name`` on this branch, as a reply names it."""
    image = name.startswith("beat_")
    override = state.get("overrides", {}).get(name)
    options = state["options"]
    model = (override.model if override else None) or (
        options.image_model if image else options.video_model
    )
    if model == "local":
        return "the offline storyboard" if image else "the offline video model"
    return f"the image model {model}" if image else f"the video model {model}"


def _picture_effect(name: str, change: PictureChange, edit: Edit | None, maker: str) -> Effect:
    """Judge a picture (or video) change against what ``edit`` asked for (None: nothing)."""
    who = label(name)
    figures = f"mean change {change.mean_255:.1f}/255, {change.area_pct:.1f}% of the picture"
    prompt = getattr(edit, "prompt", None)
    outcome: Outcome
    if not change.visible:
        if edit is None:
            outcome, message = "unchanged", f"{who} is unchanged"
        else:
            if isinstance(edit, ReplaceBeatImage):
                why = "the image given is the one that was already there"
            elif prompt:
                why = f"{maker} does not show {_quote(prompt)}"
            else:
                why = f"{maker} made the same picture again"
            outcome = "unchanged"
            message = f"{who} was redone but looks the same ({figures}): {why}"
    elif edit is None:
        outcome = "changed"
        message = f"{who} changed too, although the edit did not name it ({figures})"
    elif prompt and isinstance(edit, RegenerateBeat) and change.mean_255 < SCENE_MEAN_255:
        outcome = "slight"
        message = (
            f"{who} changed only a little ({figures}, less than {SCENE_MEAN_255:g}/255 for a new"
            f" scene): {maker} may not draw all of {_quote(prompt)}"
        )
    else:
        outcome, message = "changed", f"{who} changed visibly ({figures})"
    return Effect(
        name, who, edit is not None, outcome, round(change.mean_255, 2), "/255", message,
        area_pct=round(change.area_pct, 2),
    )  # fmt: skip


def spec_changes(before: Spec, after: Spec) -> list[str]:
    """The spec fields that differ, as users read them: ``beat 3 description``, ``style lighting``.

    Beats count from 1; a different number of beats is ``beats (3 → 4)``.
    """
    old, new = before.model_dump(mode="json"), after.model_dump(mode="json")
    out: list[str] = []
    for key in dict.fromkeys([*old, *new]):
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        if key == "beats" and isinstance(a, list) and isinstance(b, list):
            if len(a) != len(b):
                out.append(f"beats ({len(a)} → {len(b)})")
            for i, (x, y) in enumerate(zip(a, b, strict=False)):
                fields = [f for f in dict.fromkeys([*x, *y]) if x.get(f) != y.get(f)]
                fields = [f for f in fields if f not in ("index", "start_s")] or fields
                if fields:
                    out.append(f"beat {i + 1} {', '.join(f.replace('_', ' ') for f in fields)}")
        elif isinstance(a, dict) and isinstance(b, dict):
            fields = [f for f in dict.fromkeys([*a, *b]) if a.get(f) != b.get(f)]
            out.append(f"{key} {', '.join(f.replace('_', ' ') for f in fields)}")
        else:
            out.append(key.replace("_", " "))
    return out


def _spec_effect(before: Spec, after: Spec) -> Effect:
    changed = spec_changes(before, after)
    if not changed:
        same = "the spec is the same as before: the edit asked for what it already says"
        return Effect("spec", "the spec", True, "unchanged", 0, "fields", same)
    shown = "; ".join(changed[:6]) + ("; …" if len(changed) > 6 else "")
    return Effect("spec", "the spec", True, "changed", len(changed), "fields",
                  f"the spec changed: {shown}")  # fmt: skip


async def _audio_effect(
    deps: Deps, name: str, old: ArtifactRef, new: ArtifactRef, edit: Edit, old_gain_db: float
) -> Effect:
    """Compare two soundtracks (the music, or the final mix's audio)."""
    old_path = await asyncio.to_thread(deps.store.local_path, old.sha256)
    new_path = await asyncio.to_thread(deps.store.local_path, new.sha256)
    old_info = await asyncio.to_thread(deps.media.probe, old_path)
    new_info = await asyncio.to_thread(deps.media.probe, new_path)
    who = label(name)
    if not (old_info.has_audio and new_info.has_audio):
        if old_info.has_audio == new_info.has_audio:
            return Effect(name, who, True, "unchanged", None, "dB", f"{who} has no sound")
        gone = "lost its sound" if old_info.has_audio else "has sound now"
        return Effect(name, who, True, "changed", None, "dB", f"{who} {gone}")
    diff_db = (
        None
        if old.sha256 == new.sha256
        else difference_db(await audio_samples(deps, old_path), await audio_samples(deps, new_path))
    )
    loudness: tuple[float, float] | None = None
    if isinstance(edit, SetMusicVolume):
        loudness = (
            (await deps.media.loudness(old_path))[0],
            (await deps.media.loudness(new_path))[0],
        )
    audible = diff_db is not None and diff_db >= AUDIBLE_DIFF_DB
    if diff_db is None:
        shown = "identical"
    elif diff_db < 0:
        shown = f"what changed is {-diff_db:.1f} dB below the old sound"
    else:
        shown = f"what changed is {diff_db:+.1f} dB against the old sound"
    level = (
        f"; the soundtrack is {loudness[1]:.1f} LUFS (was {loudness[0]:.1f})" if loudness else ""
    )
    if audible and isinstance(edit, SetMusicVolume):
        was = f"{old_gain_db:+g} dB" if old_gain_db > MUTE_DB else "muted"
        now = f"{edit.gain_db:+g} dB" if edit.gain_db > MUTE_DB else "muted"
        message = f"the music is now {now} (was {was}){level}"
    elif audible and isinstance(edit, RegenerateMusic):
        message = f"{who} is a different track{level}"
    elif audible:
        message = f"{who} sounds different ({shown}){level}"
    else:
        why = (
            "the music model made the same track again"
            if isinstance(edit, RegenerateMusic)
            else "the mix sounds as it did"
        )
        message = f"{who} was redone but sounds the same ({shown}){level}: {why}"
    amount = None if diff_db is None else round(diff_db, 2)
    return Effect(
        name, who, True, "changed" if audible else "unchanged", amount, "dB", message,
        loudness_lufs=None if loudness is None else (round(loudness[0], 2), round(loudness[1], 2)),
    )  # fmt: skip


def _shows(name: str, before: Mapping[str, Any], after: Mapping[str, Any], edit: Edit) -> bool:
    """Whether a voice edit can show in ``name`` (``voiceover`` or ``captions``).

    A line change is heard only when a voice speaks, before or after, and seen only when
    captions are burned in; an edit of the voice or the captions themselves always counts.
    """
    parts = voice_parts(edit)
    if parts.voice if name == "voiceover" else parts.captions:
        return True
    options = after.get("options") or before.get("options")  # edits leave options as they are
    if options is None:
        return True
    settings = [
        VoiceSettings.of(state["spec"], options)
        for state in (before, after)
        if state.get("spec") is not None
    ]
    if name == "voiceover":
        return any(s.speak for s in settings)
    return any(s.subtitles == "burn" for s in settings)


async def _audio_diff_db(deps: Deps, old: ArtifactRef, new: ArtifactRef) -> float | None:
    """Difference level of two artifacts' audio, dB against the old (None: identical)."""
    if old.sha256 == new.sha256:
        return None
    a = await audio_samples(deps, await asyncio.to_thread(deps.store.local_path, old.sha256))
    b = await audio_samples(deps, await asyncio.to_thread(deps.store.local_path, new.sha256))
    return difference_db(a, b)


async def _voice_effect(
    deps: Deps,
    old_arts: Mapping[str, ArtifactRef | None],
    new_arts: Mapping[str, ArtifactRef | None],
) -> Effect:
    """A voice edit's effect: the voice stem's difference level.

    When the voiceover was turned on or off, the final mix's difference level instead.
    """
    who = "the voiceover"
    old, new = old_arts.get("voiceover"), new_arts.get("voiceover")
    if old is not None and new is not None:
        diff_db = await _audio_diff_db(deps, old, new)
        if diff_db is not None and diff_db >= AUDIBLE_DIFF_DB:
            return Effect("voiceover", who, True, "changed", round(diff_db, 2), "dB",
                          f"{who} sounds different (what changed is {diff_db:+.1f} dB"
                          " against the old voice)")  # fmt: skip
        shown = "identical" if diff_db is None else f"{diff_db:+.1f} dB"
        return Effect("voiceover", who, True, "unchanged",
                      None if diff_db is None else round(diff_db, 2), "dB",
                      f"{who} was redone but sounds the same ({shown})")  # fmt: skip
    if old is None and new is None:
        return Effect("voiceover", who, True, "unchanged", None, "dB",
                      "there is no voiceover: no line is spoken on this branch")  # fmt: skip
    was_final, now_final = old_arts.get("final"), new_arts.get("final")
    turned = "off" if new is None else "on"
    if was_final is None or now_final is None:
        return Effect("voiceover", who, True, "unchanged", None, "dB",
                      f"{who} is {turned}, but the final video was not made")  # fmt: skip
    diff_db = await _audio_diff_db(deps, was_final, now_final)
    if diff_db is not None and diff_db >= AUDIBLE_DIFF_DB:
        mixed = f"the final mix changed by {diff_db:+.1f} dB"
        return Effect("voiceover", who, True, "changed", round(diff_db, 2), "dB",
                      f"{who} is {turned} ({mixed})")  # fmt: skip
    return Effect("voiceover", who, True, "unchanged", None, "dB",
                  f"{who} is {turned}, but the final mix sounds the same")  # fmt: skip


def caption_area(frames: np.ndarray) -> np.ndarray:
    """The rows of sampled frames (n, height, width, 3) burned captions can occupy."""
    h = frames.shape[1]
    top, bottom = (round(h * share) for share in CAPTION_ROWS)
    return frames[:, top:bottom]


def _soft_track(path: Path) -> bool:
    with av.open(str(path)) as container:
        return any(s.type == "subtitle" for s in container.streams)


async def _caption_effect(
    deps: Deps,
    old_arts: Mapping[str, ArtifactRef | None],
    new_arts: Mapping[str, ArtifactRef | None],
) -> Effect:
    """A caption edit's effect: the final video's caption area pixels and soft track."""
    who = "the captions"
    old, new = old_arts.get("final"), new_arts.get("final")
    if old is None or new is None:
        return Effect("captions", who, True, "unchanged", None, "/255",
                      "the final video was not made")  # fmt: skip
    old_path = await asyncio.to_thread(deps.store.local_path, old.sha256)
    new_path = await asyncio.to_thread(deps.store.local_path, new.sha256)
    if old.sha256 == new.sha256:
        change = PictureChange(0.0, 0.0)
    else:
        a, b = await video_frames(deps, old_path), await video_frames(deps, new_path)
        n = min(len(a), len(b))
        change = (
            picture_change(caption_area(a[:n]), caption_area(b[:n]))
            if a.shape[1:] == b.shape[1:]
            else PictureChange(255.0, 100.0)
        )
    was, now = await asyncio.gather(
        asyncio.to_thread(_soft_track, old_path), asyncio.to_thread(_soft_track, new_path)
    )
    track = "" if was == now else (" and it has a soft subtitle track now" if now else
                                   " and it has no soft subtitle track now")  # fmt: skip
    figures = f"{change.mean_255:.1f}/255 mean, {change.area_pct:.1f} % of the caption area"
    if change.visible or was != now:
        return Effect("captions", who, True, "changed", round(change.mean_255, 2), "/255",
                      f"{who} changed on screen ({figures}){track}",
                      area_pct=round(change.area_pct, 2))  # fmt: skip
    return Effect("captions", who, True, "unchanged", round(change.mean_255, 2), "/255",
                  f"{who} look the same on screen ({figures}) and the subtitle track is as"
                  " it was", area_pct=round(change.area_pct, 2))  # fmt: skip


async def _compare(
    deps: Deps,
    name: str,
    old: ArtifactRef,
    new: ArtifactRef,
    edit: Edit | None,
    state: dict[str, Any],
    old_gain_db: float,
) -> Effect:
    if name == "music" or name == "final" and isinstance(edit, SetMusicVolume):
        assert edit is not None
        return await _audio_effect(deps, name, old, new, edit, old_gain_db)
    if old.sha256 == new.sha256:
        change = PictureChange(0.0, 0.0)
    elif old.mime.startswith("image/"):
        old_path = await asyncio.to_thread(deps.store.local_path, old.sha256)
        new_path = await asyncio.to_thread(deps.store.local_path, new.sha256)
        change = await asyncio.to_thread(image_change, old_path, new_path)
    else:
        a = await video_frames(deps, await asyncio.to_thread(deps.store.local_path, old.sha256))
        b = await video_frames(deps, await asyncio.to_thread(deps.store.local_path, new.sha256))
        n = min(len(a), len(b))
        change = (
            picture_change(a[:n], b[:n]) if a.shape[1:] == b.shape[1:] else PictureChange(255, 100)
        )
        if len(a) != len(b):  # a new length is a visible change whatever the frames show
            change = PictureChange(max(change.mean_255, VISIBLE_MEAN_255), change.area_pct)
    return _picture_effect(name, change, edit, _maker(name, state))


async def measure(
    deps: Deps, before: dict[str, Any], after: dict[str, Any], edits: Sequence[Edit]
) -> list[Effect]:
    """Compare what an edit re-rendered with what was there.

    Args:
        deps: the store (to read the artifacts) and FFmpeg (to decode video and audio).
        before: the branch's state at the pause the edit was made from.
        after: the state of the branch that took the edit, after its run.
        edits: the edits that were applied.

    Returns:
        One effect per artifact the edits targeted (in the order they were asked for), then
        one per storyboard image that changed visibly although no edit named it. An artifact
        missing afterwards (the run stopped before making it) is reported unchanged.

    Raises:
        MediaError: FFmpeg cannot decode an artifact.
        StorageError: an artifact cannot be read.
    """
    old_arts: dict[str, ArtifactRef | None] = before.get("artifacts", {})
    new_arts: dict[str, ArtifactRef | None] = after.get("artifacts", {})
    effects: list[Effect] = []
    targets = _targets(edits)
    gain = float(before.get("music_gain_db", 0.0))
    for name, edit in targets:
        if name == "spec":
            if before.get("spec") is not None and after.get("spec") is not None:
                effects.append(_spec_effect(before["spec"], after["spec"]))
            continue
        if name in ("voiceover", "captions"):
            if not _shows(name, before, after, edit):
                continue
            if after.get("phase") != "refine":
                later = (
                    f"{label(name)} {'is' if name == 'voiceover' else 'are'} made at the refine"
                    f" phase; the branch is paused at {after.get('phase')}, continue it to get"
                    " there"
                )
                effects.append(Effect(name, label(name), True, "pending", None, "", later))
            elif name == "voiceover":
                effects.append(await _voice_effect(deps, old_arts, new_arts))
            else:
                effects.append(await _caption_effect(deps, old_arts, new_arts))
            continue
        old, new = old_arts.get(name), new_arts.get(name)
        if new is None and after.get("phase") != phase_of(name):
            later = (
                f"{label(name)} is made at the {phase_of(name)} phase; the branch is paused at"
                f" {after.get('phase')}, continue it to get there"
            )
            effects.append(Effect(name, label(name), True, "pending", None, "", later))
        elif new is None:
            effects.append(
                Effect(
                    name, label(name), True, "unchanged", None, "", f"{label(name)} was not made"
                )
            )
        elif old is None:
            effects.append(
                Effect(name, label(name), True, "changed", None, "", f"{label(name)} is new")
            )
        else:
            effects.append(await _compare(deps, name, old, new, edit, after, gain))
    named = {name for name, _ in targets}
    for name in sorted(n for n in new_arts if n.startswith("beat_") and n not in named):
        old, new = old_arts.get(name), new_arts.get(name)
        if old is not None and new is not None and old.sha256 != new.sha256:
            effect = await _compare(deps, name, old, new, None, after, gain)
            if effect.outcome != "unchanged":
                effects.append(effect)
    return effects


def verdict(effects: Sequence[Mapping[str, Any]]) -> str | None:
    """One word for a list of effects (as :meth:`Effect.as_dict` gives them).

    Returns:
        ``visible`` (everything the edits named changed as asked), ``partial`` (some of it
        changed less than asked, or not at all), ``none`` (nothing they named changed), or
        None (they named nothing to change, e.g. going back to an earlier pause, or what they
        named is made by a phase the branch has not reached yet).
    """
    outcomes = {e["outcome"] for e in effects if e["targeted"]} - {"pending"}
    if not outcomes:
        return None
    if outcomes == {"unchanged"}:
        return "none"
    return "visible" if outcomes == {"changed"} else "partial"


def summary(effects: Sequence[Effect]) -> dict[str, Any]:
    """The edit's effect for its status: ``{"effect": verdict(...), "effects": [...]}``."""
    found = [e.as_dict() for e in effects]
    return {"effect": verdict(found), "effects": found}


# -- across a run: an edit made at one pause, measured at the next -----------------------------

_EDITS: TypeAdapter[list[Edit]] = TypeAdapter(list[Edit])


def pending_check(before: Mapping[str, Any], edits: Sequence[Edit], phase: Phase) -> dict[str, Any]:
    """What to keep in the state until the pause an edit re-runs to, to measure it there.

    The LangGraph server applies an edit in one run (a resume) and reaches the pause where
    its result shows in the same or another run (a fork is run by the client afterwards),
    so what :func:`measure` needs travels in the branch's state, as JSON (the server seeds
    forks through its HTTP client): the artifacts, spec and music gain at the pause the edit
    was made from, every edit asked for, and the phase whose pause shows the result.

    Args:
        before: the branch's state at the pause the edit was made from.
        edits: every edit asked for (those :func:`refuse_no_ops` left out too).
        phase: the pause the re-run stops at (:func:`agent.editing.seed_values`' phase).

    Returns:
        ``{"phase", "edits", "before": {"artifacts", "spec", "music_gain_db"}}``, JSON-able.
    """
    arts: Mapping[str, ArtifactRef | None] = before.get("artifacts", {})
    spec: Spec | None = before.get("spec")
    return {
        "phase": phase,
        "edits": _EDITS.dump_python(list(edits), mode="json"),
        "before": {
            "artifacts": {n: r.model_dump(mode="json") for n, r in arts.items() if r is not None},
            "spec": None if spec is None else spec.model_dump(mode="json"),
            "music_gain_db": float(before.get("music_gain_db", 0.0)),
        },
    }


async def at_pause(deps: Deps, state: Mapping[str, Any], phase: Phase) -> dict[str, Any]:
    """The effect of the edit that led to this pause, from :func:`pending_check`'s record.

    Args:
        deps: the store and FFmpeg.
        state: the branch's state at the ``phase`` pause, with ``edit_check`` (or without:
            no edit led here).
        phase: the pause.

    Returns:
        :func:`summary` of :func:`measure` (``{"effect", "effects"}``) and ``effect_error``
        (None); ``{"effect": None, "effects": [], "effect_error": None}`` when no edit led to
        this pause. A measurement that fails (an artifact the store cannot read or FFmpeg
        cannot decode) is no effect, with ``effect_error`` saying why: the pause it is shown
        at must stay usable.
    """
    none: dict[str, Any] = {"effect": None, "effects": [], "effect_error": None}
    check: Mapping[str, Any] | None = state.get("edit_check")
    if not check or check.get("phase") != phase:
        return none
    old = check["before"]
    before = {
        "artifacts": {n: ArtifactRef.model_validate(r) for n, r in old["artifacts"].items()},
        "spec": None if old["spec"] is None else Spec.model_validate(old["spec"]),
        "music_gain_db": old["music_gain_db"],
    }
    edits = _EDITS.validate_python(check["edits"])
    try:
        found = await measure(deps, before, dict(state), edits)
    except ReelgraphError as exc:
        return {**none, "effect_error": f"what the edit changed could not be measured: {exc}"}
    return {**summary(found), "effect_error": None}
