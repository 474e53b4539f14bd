"""Pure spec edits: one small frozen model per edit, ``apply(spec) -> Spec``.

Every edit returns a new, re-validated :class:`~agent.spec.Spec` and never touches the one it
was given, so edits can be logged as JSON (:data:`SpecEdit` is a discriminated union on
``op``), replayed, and tested in isolation. Beat numbers are the 1-based numbers users see.

Timing rules shared by the edits that change lengths: beats are rescaled proportionally on a
0.5 s grid (largest-remainder rounding), each beat lasts at least :data:`MIN_BEAT_S`, and any
part of the total that is not a multiple of 0.5 s goes to the longest beat, so the lengths
always sum exactly to the ad's duration.
"""

from __future__ import annotations

import colorsys
import math
import re
from collections.abc import Callable, Sequence
from functools import partial
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from agent.errors import NotFound, UserError
from agent.spec import (
    BEAT_LIBRARY,
    MAX_DURATION_S,
    MAX_VOICEOVER_CHARS,
    MIN_DURATION_S,
    Beat,
    BeatType,
    CameraMove,
    Captions,
    MusicBrief,
    Spec,
    Style,
    Voice,
    retile,
)
from agent.wording import is_qualifier, qualified

#: Shortest beat an edit may leave, seconds.
MIN_BEAT_S = 1.0
#: Grid beat lengths are quantised to, seconds.
GRID_S = 0.5
#: Most beats a spec may hold (the Spec model's limit).
MAX_BEATS = 30

#: Colour names a palette edit accepts, as ``#rrggbb``.
NAMED_COLOURS: dict[str, str] = {
    "black": "#000000", "white": "#ffffff", "ivory": "#fffff0", "cream": "#fffdd0",
    "grey": "#808080", "gray": "#808080", "silver": "#c0c0c0", "red": "#e10600",
    "orange": "#ff8c00", "yellow": "#ffd400", "gold": "#d4af37", "green": "#2e8b57",
    "teal": "#008080", "cyan": "#00e5ff", "blue": "#1f6fff", "navy": "#000080",
    "purple": "#6a0dad", "magenta": "#ff006e", "pink": "#ff5da2", "brown": "#8b4513",
    "beige": "#f5f5dc", "charcoal": "#36454f", "slate": "#708090",
}  # fmt: skip
_MOVE_WORDS: dict[CameraMove, str] = {
    "push-in": "push-in", "pull-out": "pull-out", "pan-left": "pan left",
    "pan-right": "pan right", "tilt-up": "tilt up", "tilt-down": "tilt down",
    "orbit": "orbit around the subject", "static": "static shot",
}  # fmt: skip
_FRAMING = {"16:9": "wide 16:9 frame", "1:1": "square 1:1 frame", "9:16": "vertical 9:16 frame"}
_DEFAULT_TEXT: dict[BeatType, str] = {
    "call_to_action": "Shop now",
    "offer": "Limited-time offer",
    "social_proof": "★★★★★",
    "before_after": "Before / After",
}


def _cap(text: str, limit: int) -> str:
    """Collapse whitespace and cut at a word boundary with an ellipsis if over ``limit``."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:-") + "…"


def _text(value: str, limit: int, what: str) -> str:
    """A required text field: non-empty after trimming, capped at ``limit`` characters."""
    text = _cap(value, limit)
    if not text:
        raise UserError(f"{what} must not be empty")
    return text


def _index(spec: Spec, beat: int) -> int:
    """0-based index of user-facing beat number ``beat``, or :class:`NotFound`."""
    n = len(spec.beats)
    if not 1 <= beat <= n:
        span = "beat 1" if n == 1 else f"beats 1–{n}"
        raise NotFound(f"beat {beat} does not exist; this spec has {span}")
    return beat - 1


def _refit(beats: Sequence[Beat], total_s: float) -> list[Beat]:
    """Rescale ``beats`` in proportion to their lengths so they sum exactly to ``total_s``.

    Lengths sit on the 0.5 s grid (largest-remainder rounding) and are at least
    :data:`MIN_BEAT_S`; the off-grid remainder of ``total_s`` goes to the longest beat.

    Raises:
        UserError: ``total_s`` cannot give every beat :data:`MIN_BEAT_S`.
    """
    weights = [b.duration_s for b in beats]
    n, lo = len(weights), round(MIN_BEAT_S / GRID_S)
    units = math.floor(total_s / GRID_S + 1e-9)
    if n * lo > units:
        raise UserError(f"{total_s:g} s is too short for {n} beats of at least {MIN_BEAT_S:g} s")
    total_w = sum(weights)
    target = [w * units / total_w if total_w > 0 else units / n for w in weights]
    got = [max(lo, math.floor(t)) for t in target]
    while sum(got) > units:
        i = max((i for i in range(n) if got[i] > lo), key=lambda i: (got[i] - target[i], i))
        got[i] -= 1
    while sum(got) < units:
        got[max(range(n), key=lambda i: (target[i] - got[i], -i))] += 1
    lengths = [g * GRID_S for g in got]
    longest = max(range(n), key=lambda i: (lengths[i], -i))
    lengths[longest] = round(lengths[longest] + total_s - units * GRID_S, 6)
    return [b.model_copy(update={"duration_s": d}) for b, d in zip(beats, lengths, strict=True)]


def _rebuild(spec: Spec, beats: Sequence[Beat] | None = None, **changes: object) -> Spec:
    """A new, fully re-validated spec: ``spec`` with ``changes`` and retiled ``beats``."""
    data = spec.model_dump()
    data.update({k: v.model_dump() if isinstance(v, BaseModel) else v for k, v in changes.items()})
    if beats is not None:
        data["beats"] = [b.model_dump() for b in retile(list(beats))]
    return Spec.model_validate(data)


def _subject(spec: Spec) -> str:
    """How prompts name the product: "the Nike sneakers"."""
    product, brand = spec.product, spec.brand
    if brand and brand.lower() not in product.lower():
        return brand if product == "product" else f"the {brand} {product}"
    return f"the {product}"


def _map_text(spec: Spec, change: Callable[[str], str], fields: Sequence[str]) -> list[Beat]:
    """The spec's beats with ``change`` applied to the named text fields (capped to limits)."""
    limits = {
        "description": 500, "image_prompt": 1000, "motion_prompt": 1000, "on_screen_text": 60,
        "voiceover": MAX_VOICEOVER_CHARS,
    }  # fmt: skip
    return [
        b.model_copy(update={f: _cap(change(getattr(b, f)), limits[f]) for f in fields})
        for b in spec.beats
    ]


def _mentions(text: str, name: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE) is not None


def _replace_name(text: str, old: str, new: str) -> str:
    """Replace whole-word mentions of ``old`` (any case), matching the mention's capitals."""

    def swap(m: re.Match[str]) -> str:
        found = m.group(0)
        if all(w[:1].isupper() for w in found.split()):
            return " ".join(w[:1].upper() + w[1:] for w in new.split())
        return new

    return re.sub(rf"(?<!\w){re.escape(old)}(?!\w)", swap, text, flags=re.IGNORECASE)


def _colour_words(palette: Sequence[str]) -> str:
    """Name each colour by its nearest entry in :data:`NAMED_COLOURS`: "navy, teal and gold"."""

    def rgb(c: str) -> tuple[int, ...]:
        return tuple(int(c[i : i + 2], 16) for i in (1, 3, 5))

    names: list[str] = []
    for colour in palette:
        name = min(NAMED_COLOURS, key=lambda k: math.dist(rgb(NAMED_COLOURS[k]), rgb(colour)))
        if name not in names:
            names.append(name)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _style_suffix(spec: Spec) -> str:
    """The style part of the spec's image prompts ("Style: ... Palette: ... frame.")."""
    for b in spec.beats:
        at = b.image_prompt.find("Style:")
        if at >= 0:
            return b.image_prompt[at:]
    s = spec.style
    return (
        f"Style: advertising photography, {s.mood} mood. Palette: {_colour_words(s.palette)}. "
        f"Lighting: {s.lighting}. {_FRAMING[spec.aspect]}."
    )


def _speed(spec: Spec) -> str:
    """The speed word the spec's motion prompts use ("Fast"), or "" if none is found."""
    for b in spec.beats:
        prefix, words = b.motion_prompt.split(":", 1)[0], _MOVE_WORDS[b.camera]
        if b.camera != "static" and prefix.endswith(" " + words):
            return prefix[: -len(words)].strip()
    return ""


def _move(camera: CameraMove, speed: str) -> str:
    """Motion prompt prefix for a camera move: "Fast pan left", "Locked-off static shot"."""
    if camera == "static":
        return "Locked-off static shot"
    words = _MOVE_WORDS[camera]
    return f"{speed} {words}" if speed else words[:1].upper() + words[1:]


def _image_prompt(spec: Spec, clause: str) -> str:
    clause = clause.strip().rstrip(".")
    if not _mentions(clause, spec.product):
        clause += f", featuring {_subject(spec)}"
    return _cap(f"{clause}. {_style_suffix(spec)}", 1000)


def _action(description: str) -> str:
    return description[:1].lower() + description[1:].rstrip(".")


def _on_screen_text(value: str) -> str:
    text = " ".join(value.split())
    if len(text) > 60:
        raise UserError(f"on-screen text is {len(text)} characters; the limit is 60")
    return text


def parse_palette(value: str) -> list[str]:
    """Parse a palette edit: hex colours and/or names from :data:`NAMED_COLOURS`.

    Args:
        value: colours separated by spaces, commas or "and", e.g. "#112233 #445566 gold",
            "black and gold".

    Returns:
        1-6 colours as lower-case ``#rrggbb`` (:class:`SetStyle` completes a short palette).

    Raises:
        UserError: an unknown colour, or no colour, or more than 6.
    """
    colours: list[str] = []
    for token in re.split(r"[\s,;&]+", value.strip().lower()):
        if not token or token == "and":
            continue
        hexed = re.fullmatch(r"#?([0-9a-f]{6})|#([0-9a-f]{3})", token)
        if token in NAMED_COLOURS:
            colours.append(NAMED_COLOURS[token])
        elif hexed:
            colours.append("#" + (hexed[1] or "".join(ch * 2 for ch in hexed[2])))
        else:
            known = ", ".join(sorted(NAMED_COLOURS))
            raise UserError(f"unknown colour {token!r}; use #rrggbb or one of: {known}")
    if not 1 <= len(colours) <= 6:
        raise UserError(f"a palette needs 1-6 colours, got {len(colours)}")
    return colours


class _Edit(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SetDuration(_Edit):
    """Change the ad's length, rescaling every beat proportionally.

    When a beat's share would fall under :data:`MIN_BEAT_S`, middle beats are dropped from
    the end (the first and last beats are always kept; a ``call_to_action`` or ``offer`` is
    dropped only when no other middle beat is left). A "30s" in the title becomes the new
    length.

    Attributes:
        duration_s: the new length, 6-60 s.
    """

    op: Literal["set_duration"] = "set_duration"
    duration_s: float

    def apply(self, spec: Spec) -> Spec:
        """Return ``spec`` at the new length; UserError outside 6-60 s."""
        total = round(self.duration_s, 3)
        if not MIN_DURATION_S <= total <= MAX_DURATION_S:
            raise UserError(
                f"duration must be {MIN_DURATION_S:g}-{MAX_DURATION_S:g} s, got {total:g} s"
            )
        beats = list(spec.beats)

        def too_short() -> bool:
            scale = total / sum(b.duration_s for b in beats)
            return any(b.duration_s * scale < min(MIN_BEAT_S, b.duration_s) for b in beats)

        while len(beats) > 2 and too_short():
            middle = range(len(beats) - 2, 0, -1)
            asks = ("call_to_action", "offer")
            beats.pop(next((i for i in middle if beats[i].type not in asks), len(beats) - 2))
        old = re.escape(f"{spec.duration_s:g}s")
        title = re.sub(rf"(?<![\w.]){old}\b", f"{total:g}s", spec.title)
        return _rebuild(spec, _refit(beats, total), duration_s=total, title=title)


class SetStyle(_Edit):
    """Change one style field; image prompts that quote the old value follow.

    Attributes:
        field: "mood", "palette", "lighting" or "camera".
        value: the new value; for "palette", 3-6 hex colours or colour names.
    """

    op: Literal["set_style"] = "set_style"
    field: Literal["mood", "palette", "lighting", "camera"]
    value: str

    def apply(self, spec: Spec) -> Spec:
        """Return ``spec`` with the new style; UserError for an empty value or bad palette."""
        old, pattern, repl = spec.style, None, ""  # the camera language is not in the prompts
        if self.field == "palette":
            palette = parse_palette(self.value)
            # fewer than three: the named colours lead (base, accent), the old ones support
            palette += [c for c in old.palette if c not in palette][: max(0, 3 - len(palette))]
            style = old.model_copy(update={"palette": palette})
            pattern, repl = r"Palette: [^.]*\.", f"Palette: {_colour_words(palette)}."
        else:
            value = _text(self.value, 80 if self.field == "mood" else 120, f"style {self.field}")
            style = old.model_copy(update={self.field: value})
            if self.field == "mood":
                pattern, repl = rf"\b{re.escape(old.mood)} mood\b", f"{value} mood"
            elif self.field == "lighting":
                pattern, repl = rf"Lighting: {re.escape(old.lighting)}\.", f"Lighting: {value}."
        beats = spec.beats
        if pattern is not None:
            change = partial(re.sub, pattern, lambda _: repl, count=1)
            beats = _map_text(spec, change, ["image_prompt"])
        return _rebuild(spec, beats, style=Style.model_validate(style.model_dump()))


class SetProduct(_Edit):
    """Rename the product; mentions of the old name in the title and beats follow.

    Attributes:
        name: the new product name.
    """

    op: Literal["set_product"] = "set_product"
    name: str

    def apply(self, spec: Spec) -> Spec:
        """Return ``spec`` with the product renamed; UserError for an empty name."""
        new, old = _text(self.name, 120, "product name"), spec.product
        fields = ["description", "image_prompt", "motion_prompt", "on_screen_text", "voiceover"]
        beats = _map_text(spec, lambda t: _replace_name(t, old, new), fields)
        title = _cap(_replace_name(spec.title, old, new), 120)
        return _rebuild(spec, beats, product=new, title=title)


class SetTitle(_Edit):
    """Change the ad's title (beats are untouched).

    Attributes:
        title: the new title, capped at 120 characters.
    """

    op: Literal["set_title"] = "set_title"
    title: str

    def apply(self, spec: Spec) -> Spec:
        """Return ``spec`` with the new title; UserError for an empty title."""
        return _rebuild(spec, title=_text(self.title, 120, "title"))


class SetTagline(_Edit):
    """Change the ad's tagline: the logo end card's line, and what the voiceover may close on.

    Every ``logo_end_card`` beat shows the new tagline (the planner puts the tagline, or a
    stock closing line, there); other beats are untouched, so in an ad without an end card the
    tagline is only what the voiceover may close on. "" removes the tagline and the end card's
    text.

    Attributes:
        tagline: the new tagline, at most 60 characters (the limit of on-screen text).
    """

    op: Literal["set_tagline"] = "set_tagline"
    tagline: str

    def apply(self, spec: Spec) -> Spec:
        """Return ``spec`` with the new tagline; UserError over 60 characters."""
        tagline = _on_screen_text(self.tagline)
        beats = [
            b.model_copy(update={"on_screen_text": tagline}) if b.type == "logo_end_card" else b
            for b in spec.beats
        ]
        return _rebuild(spec, beats, tagline=tagline)


class SetMusic(_Edit):
    """Change the music brief; fields left as None keep their value.

    Attributes:
        mood: e.g. "uplifting".
        tempo_bpm: beats per minute, 60-180.
        instruments: 1-8 instruments.
    """

    op: Literal["set_music"] = "set_music"
    mood: str | None = None
    tempo_bpm: int | None = None
    instruments: list[str] | None = None

    def apply(self, spec: Spec) -> Spec:
        """Return ``spec`` with the new music brief; UserError for out-of-range values."""
        update: dict[str, object] = {}
        if self.mood is not None:
            update["mood"] = _text(self.mood, 80, "music mood")
        if self.tempo_bpm is not None:
            if not 60 <= self.tempo_bpm <= 180:
                raise UserError(f"tempo must be 60-180 BPM, got {self.tempo_bpm}")
            update["tempo_bpm"] = self.tempo_bpm
        if self.instruments is not None:
            names = [_cap(i, 60) for i in self.instruments if i.strip()]
            if not 1 <= len(names) <= 8:
                raise UserError(f"the music needs 1-8 instruments, got {len(names)}")
            update["instruments"] = names
        if not update:
            raise UserError("set_music needs a mood, a tempo or instruments")
        music = spec.music.model_dump() | update
        return _rebuild(spec, music=MusicBrief.model_validate(music))


class AddBeat(_Edit):
    """Insert a beat; the others shrink proportionally so the length is unchanged.

    The new beat lasts the middle of its library range (on the 0.5 s grid) and gets the
    library's camera and composition, written for the spec's product and style.

    Attributes:
        type: the beat type.
        position: its 1-based number once inserted; None puts it before a closing
            ``logo_end_card`` or ``call_to_action``, else at the end.
        description: what happens; None writes one from the library.
    """

    op: Literal["add_beat"] = "add_beat"
    type: BeatType
    position: int | None = None
    description: str | None = None

    def apply(self, spec: Spec) -> Spec:
        """Return ``spec`` with the beat added; UserError if there is no room or position."""
        n, kind = len(spec.beats), BEAT_LIBRARY[self.type]
        if n >= MAX_BEATS:
            raise UserError(f"a spec holds at most {MAX_BEATS} beats")
        closing = spec.beats[-1].type in ("logo_end_card", "call_to_action")
        position = self.position if self.position is not None else (n if closing else n + 1)
        if not 1 <= position <= n + 1:
            raise UserError(f"position {position} is out of range; use 1-{n + 1}")
        room = spec.duration_s - n * MIN_BEAT_S
        if room < MIN_BEAT_S:
            raise UserError(f"no room for another beat in {spec.duration_s:g} s")
        length = min(round((kind.min_s + kind.max_s) / 2 / GRID_S) * GRID_S, room)
        length = max(MIN_BEAT_S, math.floor(length / GRID_S + 1e-9) * GRID_S)
        others = _refit(spec.beats, spec.duration_s - length)
        subject = _subject(spec)
        clause = f"{kind.composition}, featuring {subject}"
        custom = " ".join((self.description or "").split())
        description = _cap(custom or clause[:1].upper() + clause[1:], 500)
        default_text = _DEFAULT_TEXT.get(self.type, "") if spec.language == "en" else ""
        if self.type == "logo_end_card":
            default_text = spec.brand or spec.product
        beat = Beat(
            index=0,
            type=self.type,
            start_s=0.0,
            duration_s=length,
            description=description,
            image_prompt=_image_prompt(spec, description if custom else clause),
            motion_prompt=_cap(
                f"{_move(kind.camera, _speed(spec))}: {_action(description)}.", 1000
            ),
            camera=kind.camera,
            on_screen_text=_cap(default_text, 60),
        )
        return _rebuild(spec, [*others[: position - 1], beat, *others[position - 1 :]])


class RemoveBeat(_Edit):
    """Remove a beat; its time is shared over the others in proportion to their lengths.

    Attributes:
        beat: the 1-based beat number.
    """

    op: Literal["remove_beat"] = "remove_beat"
    beat: int

    def apply(self, spec: Spec) -> Spec:
        """Return ``spec`` without the beat; NotFound or UserError (the only beat)."""
        i = _index(spec, self.beat)
        if len(spec.beats) == 1:
            raise UserError("cannot remove the only beat")
        rest = [b for j, b in enumerate(spec.beats) if j != i]
        return _rebuild(spec, _refit(rest, spec.duration_s))


class MoveBeat(_Edit):
    """Move a beat to another position; lengths are kept.

    Attributes:
        beat: the 1-based beat number.
        position: its 1-based number after the move.
    """

    op: Literal["move_beat"] = "move_beat"
    beat: int
    position: int

    def apply(self, spec: Spec) -> Spec:
        """Return ``spec`` with the beat moved; NotFound or UserError (bad position)."""
        i, n = _index(spec, self.beat), len(spec.beats)
        if not 1 <= self.position <= n:
            raise UserError(f"position {self.position} is out of range; use 1-{n}")
        beats = list(spec.beats)
        beats.insert(self.position - 1, beats.pop(i))
        return _rebuild(spec, beats)


class RetimeBeat(_Edit):
    """Set one beat's length; the others absorb the difference proportionally.

    Attributes:
        beat: the 1-based beat number.
        duration_s: the beat's new length, seconds (at least 1 s, leaving 1 s per other beat).
    """

    op: Literal["retime_beat"] = "retime_beat"
    beat: int
    duration_s: float

    def apply(self, spec: Spec) -> Spec:
        """Return ``spec`` with the beat retimed; NotFound or UserError (impossible length)."""
        i, n = _index(spec, self.beat), len(spec.beats)
        length = round(self.duration_s, 3)
        longest = round(spec.duration_s - (n - 1) * MIN_BEAT_S, 3)
        if n == 1 and length != spec.duration_s:
            raise UserError("the only beat lasts the whole ad; change the ad's duration instead")
        if not MIN_BEAT_S <= length <= longest:
            raise UserError(
                f"beat {self.beat} can last {MIN_BEAT_S:g}-{longest:g} s "
                f"(each of the {n - 1} other beats needs {MIN_BEAT_S:g} s), got {length:g} s"
            )
        rest = [b for j, b in enumerate(spec.beats) if j != i]
        beats = _refit(rest, round(spec.duration_s - length, 6)) if rest else []
        beats.insert(i, spec.beats[i].model_copy(update={"duration_s": length}))
        return _rebuild(spec, beats)


class SetBeat(_Edit):
    """Rewrite one beat; fields left as None keep their value.

    A new description also rewrites the image prompt (description + the spec's style) and the
    motion prompt (camera move + description). A description that only qualifies ("warmer",
    "a bit more dramatic": :func:`agent.wording.is_qualifier`) is added to the old one. A new
    type takes the library's default camera and composition.

    Attributes:
        beat: the 1-based beat number.
        description: what happens, one sentence (capped at 500 characters).
        type: a new beat type.
        on_screen_text: text on screen, at most 60 characters ("" for none).
    """

    op: Literal["set_beat"] = "set_beat"
    beat: int
    description: str | None = None
    type: BeatType | None = None
    on_screen_text: str | None = None

    def apply(self, spec: Spec) -> Spec:
        """Return ``spec`` with the beat rewritten; NotFound or UserError (bad text)."""
        i = _index(spec, self.beat)
        old = spec.beats[i]
        if self.description is None and self.type is None and self.on_screen_text is None:
            raise UserError("set_beat needs a description, a type or on-screen text")
        update: dict[str, object] = {}
        if self.on_screen_text is not None:
            update["on_screen_text"] = _on_screen_text(self.on_screen_text)
        retyped = self.type not in (None, old.type)
        if retyped or self.description is not None:
            kind = BEAT_LIBRARY[self.type or old.type]
            camera = kind.camera if retyped else old.camera
            image, action = old.image_prompt, old.motion_prompt.partition(": ")[2].rstrip(".")
            if retyped:
                image = image.replace(BEAT_LIBRARY[old.type].composition, kind.composition, 1)
                update.update(type=kind.type, camera=camera)
            if self.description is not None:
                description = _text(self.description, 500, "description")
                if is_qualifier(description):  # "warmer": the same beat, warmer
                    description = qualified(old.description, description, 500)
                image, action = _image_prompt(spec, description), _action(description)
                update["description"] = description
            action = action or _action(old.description)
            update["image_prompt"] = _cap(image, 1000)
            update["motion_prompt"] = _cap(f"{_move(camera, _speed(spec))}: {action}.", 1000)
        beats = list(spec.beats)
        beats[i] = old.model_copy(update=update)
        return _rebuild(spec, beats)


#: How each relative palette change moves a colour, in RGB steps (0-255) or HLS factors.
PALETTE_SHIFTS = ("warmer", "cooler", "darker", "lighter", "pastel", "vivid", "muted")
PaletteShift = Literal["warmer", "cooler", "darker", "lighter", "pastel", "vivid", "muted"]
_TINT_RGB = 28  # warmer/cooler: red up and blue down (or the reverse) by this much


def shift_colour(colour: str, change: PaletteShift) -> str:
    """One ``#rrggbb`` colour moved in a direction ("warmer", "darker", "pastel", ...).

    Warmer and cooler tint the colour towards orange or blue by :data:`_TINT_RGB` levels of
    red and blue (so greys, black and white change too); darker and lighter scale HLS
    lightness by a quarter (towards black or white); pastel halves the saturation and moves
    lightness half-way to white; vivid and muted move saturation half-way to full or to grey.

    Args:
        colour: ``#rrggbb``.
        change: the direction.

    Returns:
        The new colour as lower-case ``#rrggbb`` (may equal ``colour`` at a limit, e.g. white
        made lighter).
    """
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    if change in ("warmer", "cooler"):
        sign = 1 if change == "warmer" else -1
        r, g, b = r + sign * _TINT_RGB, g + sign * _TINT_RGB // 4, b - sign * _TINT_RGB
    else:
        h, lum, sat = colorsys.rgb_to_hls(r / 255, g / 255, b / 255)
        if change == "darker":
            lum *= 0.75
        elif change == "lighter":
            lum += (1 - lum) * 0.35
        elif change == "pastel":
            sat, lum = sat * 0.5, lum + (1 - lum) * 0.5
        elif change == "vivid":
            sat += (1 - sat) * 0.5
        else:
            sat *= 0.5
        r, g, b = (round(v * 255) for v in colorsys.hls_to_rgb(h, lum, sat))
    return "#" + "".join(f"{min(255, max(0, v)):02x}" for v in (r, g, b))


class AdjustPalette(_Edit):
    """Move every colour of the current palette in one direction ("warmer colours").

    The palette stays the same size and order (base, accent, supporting tones); image prompts
    that name the palette follow.

    Attributes:
        change: "warmer", "cooler", "darker", "lighter", "pastel", "vivid" or "muted".
    """

    op: Literal["adjust_palette"] = "adjust_palette"
    change: PaletteShift

    def apply(self, spec: Spec) -> Spec:
        """Return ``spec`` with the shifted palette; UserError if no colour can move further."""
        palette = [shift_colour(c, self.change) for c in spec.style.palette]
        if palette == [c.lower() for c in spec.style.palette]:
            raise UserError(f"the palette cannot get any {self.change}")
        style = spec.style.model_copy(update={"palette": palette})
        repl = f"Palette: {_colour_words(palette)}."
        change = partial(re.sub, r"Palette: [^.]*\.", lambda _: repl, count=1)
        beats = _map_text(spec, change, ["image_prompt"])
        return _rebuild(spec, beats, style=Style.model_validate(style.model_dump()))


class SetBrand(_Edit):
    """Rename the brand; mentions of the old brand in the title and beats follow.

    Attributes:
        name: the new brand, at most 80 characters ("Bean & Leaf").
    """

    op: Literal["set_brand"] = "set_brand"
    name: str

    def apply(self, spec: Spec) -> Spec:
        """Return ``spec`` with the brand renamed (capped at 80 characters); UserError if empty."""
        new, old = _text(self.name, 80, "brand"), spec.brand
        if not old:
            return _rebuild(spec, brand=new)
        fields = ["description", "image_prompt", "motion_prompt", "on_screen_text", "voiceover"]
        beats = _map_text(spec, lambda t: _replace_name(t, old, new), fields)
        title = _cap(_replace_name(spec.title, old, new), 120)
        product = _cap(_replace_name(spec.product, old, new), 120)
        return _rebuild(spec, beats, brand=new, title=title, product=product)


class SetCamera(_Edit):
    """Give one beat a camera move; its motion prompt follows (the action is kept).

    Attributes:
        beat: the 1-based beat number.
        camera: one of :data:`agent.spec.CAMERA_MOVES` ("pan-left", "push-in", ...).
    """

    op: Literal["set_camera"] = "set_camera"
    beat: int
    camera: CameraMove

    def apply(self, spec: Spec) -> Spec:
        """Return ``spec`` with the beat's camera move; NotFound for an unknown beat."""
        i = _index(spec, self.beat)
        old = spec.beats[i]
        action = old.motion_prompt.partition(": ")[2].rstrip(".") or _action(old.description)
        motion = _cap(f"{_move(self.camera, _speed(spec))}: {action}.", 1000)
        beats = list(spec.beats)
        beats[i] = old.model_copy(update={"camera": self.camera, "motion_prompt": motion})
        return _rebuild(spec, beats)


class SetVoiceover(_Edit):
    """Give one beat a new voiceover line, or none.

    The line is spoken as written; a line longer than the beat at a natural rate spills
    into the next beat's silence (the refine phase never overlaps two lines).

    Attributes:
        beat: the 1-based beat number.
        text: the line, in the spec's language; ``""`` for no line on this beat. Whitespace
            is collapsed; at most :data:`agent.spec.MAX_VOICEOVER_CHARS` characters.
    """

    op: Literal["set_voiceover"] = "set_voiceover"
    beat: int
    text: str = Field(max_length=MAX_VOICEOVER_CHARS)

    def apply(self, spec: Spec) -> Spec:
        """Return ``spec`` with the beat's line; NotFound for an unknown beat."""
        i = _index(spec, self.beat)
        beats = list(spec.beats)
        beats[i] = beats[i].model_copy(update={"voiceover": " ".join(self.text.split())})
        return _rebuild(spec, beats)


class SetVoice(_Edit):
    """Turn the voiceover on or off on this spec, or name its voice.

    Attributes:
        enabled: False for no voiceover, True to speak the lines; None keeps the setting.
        name: a voice of the speech model (checked when the lines are spoken); None keeps it.
    """

    op: Literal["set_voice"] = "set_voice"
    enabled: bool | None = None
    name: str | None = Field(default=None, min_length=1, max_length=40)

    def apply(self, spec: Spec) -> Spec:
        """Return ``spec`` with the voice changed; UserError if nothing is asked."""
        if self.enabled is None and self.name is None:
            raise UserError("set_voice needs enabled or a voice name")
        update: dict[str, object] = {}
        if self.enabled is not None:
            update["enabled"] = self.enabled
        if self.name is not None:
            update.update(name=self.name, enabled=True)
        voice = Voice.model_validate({**spec.voice.model_dump(), **update})
        return _rebuild(spec, voice=voice)


class SetCaptions(_Edit):
    """Show the lines burned in, as a soft track only, or not at all; or resize captions.

    Attributes:
        mode: ``burn``, ``soft`` or ``off``; None keeps it.
        scale_by: multiplies the captions' size (1.25 bigger, 0.8 smaller); the result is
            kept within 0.25-4 of the generate option (the refine phase caps it at 0.5-2 of
            the default size).
    """

    op: Literal["set_captions"] = "set_captions"
    mode: Literal["burn", "soft", "off"] | None = None
    scale_by: float | None = Field(default=None, gt=0, le=4)

    def apply(self, spec: Spec) -> Spec:
        """Return ``spec`` with the captions changed; UserError if nothing is asked."""
        if self.mode is None and self.scale_by is None:
            raise UserError("set_captions needs a mode or a scale")
        old = spec.captions
        scale = old.scale if self.scale_by is None else old.scale * self.scale_by
        captions = Captions(mode=self.mode or old.mode, scale=min(4.0, max(0.25, scale)))
        return _rebuild(spec, captions=captions)


SpecEdit = Annotated[
    SetDuration
    | SetStyle
    | SetProduct
    | SetTitle
    | SetTagline
    | SetMusic
    | AddBeat
    | RemoveBeat
    | MoveBeat
    | RetimeBeat
    | SetBeat
    | AdjustPalette
    | SetBrand
    | SetCamera
    | SetVoiceover
    | SetVoice
    | SetCaptions,
    Field(discriminator="op"),
]
"""Any spec edit; JSON objects are told apart by their ``op``."""


def apply_edits(spec: Spec, edits: Sequence[SpecEdit]) -> Spec:
    """Apply edits in order, all or nothing.

    Args:
        spec: the spec to edit (never changed).
        edits: the edits, applied one after another.

    Returns:
        The edited spec (``spec`` itself if ``edits`` is empty).

    Raises:
        UserError: an edit failed; the message names it ("edit 2 (retime_beat): ...") and no
            edit is applied. Subclasses such as NotFound keep their type.
    """
    out = spec
    for n, edit in enumerate(edits, start=1):
        try:
            out = edit.apply(out)
        except UserError as exc:
            raise type(exc)(f"edit {n} ({edit.op}): {exc}") from exc
    return out
