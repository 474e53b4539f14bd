"""The offline edit interpreter: one chat message at a review pause -> tool calls.

Deterministic (DESIGN.md §4), in four steps:

1. **Reading** (:mod:`tools.lexicon`): a French, German or Spanish message is read word by
   word onto the English slot words of the grammar (verbs, targets, references, units), with
   German verb-final order and "plus/más/mehr + adjective" undone; every value keeps a way
   back to the user's own words, and quoted text is never translated.
2. **Clauses**: the reading is split on ``,``, ``;``, sentence ends and *and/then/also/but/
   plus* (never inside quotes or a list of references such as "beats 2, 3 and 5"). A clause
   that starts with a new target and no verb borrows the verb before it ("make beat 2 a sunset
   and beat 4 a forest", "use kling for chunk 2 and veo for chunk 5"); a bare modifier binds to
   the music, image or style just named ("regenerate the music, calmer"); a pronoun or a
   verb-only clause acts on the last target named ("the 4th image looks off, try again"); a
   clause nothing takes is joined to a neighbour and tried again ("a black and gold palette").
   Ellipsis is read by kind, not by phrase: after a clause that named a beat or chunk, a bare
   number or ordinal is the same kind of target ("regenerate beat 2 as X, and 6 as Y",
   "hailuo for 4", "kling for the last"); "<target> too", "do the same for <target>" repeat
   the whole request; a verbless "<target> again/nochmal [with <model>]" is a new take.
   Places are normalised before the rules: "between" two neighbouring beats (in either order,
   by number or type) is "after" the first, so "between beats 5 and 6" is position 6 as
   "after beat 5" is, and two beats that are not neighbours ask where; "just / right /
   immediately before X" is "before X"; beats named by type resolve against
   :attr:`Context.beat_types`.
3. **Grammar**: each clause is matched in full against :data:`RULES`, ordered
   ``(pattern, handler)`` pairs written over shared fragments (``%BEAT%`` with numbers,
   ordinals, "the last", "the penultimate", beat types and ranges; ``%CHUNK%``; ``%DUR%``;
   ``%MODEL%`` from the model catalog with unique prefixes; ``%MOVE%`` camera moves;
   ``%SHIFT%`` palette directions; ...). The first handler that accepts it wins.
4. **Assembly**: all spec edits become one ``edit_spec`` call where the first was said, with
   beat numbers as the user saw them renumbered so that applying ops in order does what was
   meant ("remove beats 3 and 5" -> remove 5, then remove 3); requests about one chunk, image or
   the music become one new take; "continue" runs last.

The text is data: nothing in it is obeyed except through the rules, and only pieces of it (a
prompt, a title, on-screen text) travel on, as values. Choices made here:

* The phase decides the *kind* of change, never whether it is allowed (the app forks from the
  right checkpoint, or says where an edit belongs): a beat's content is a spec edit
  (``set_beat``) at the plan pause and a new image (``regenerate_beat``) later; a music brief
  is ``set_music`` before refine and ``regenerate_music`` at refine; a camera move is a spec
  edit for a beat (``set_camera``) and a new take for a chunk.
* Relative colour words ("warmer colours") are ``adjust_palette``; named colours are a palette.
  Other comparatives set the base value a style field takes ("a punchier mood" -> "punchy",
  "smoother camera" -> "smooth"), by spelling rules (:func:`agent.wording.base_of`).
* The music's gain in dB is one tool, ``set_music_volume`` with the gain against the music's
  original level: "at/to N dB" or a signed number alone is that gain; a direction word, with a
  number or without ("pull back by 5 dB", "nudge up 2 dB", "louder") is a step from the
  branch's current gain (:attr:`Context.music_gain_db`), so the call carries the gain it leads
  to (:func:`music_step`); "off", "mute", "no music", a verb of removal ("cut the music") are
  the floor (:data:`MUTE_DB`). For music, "softer/suave/doux/sanft" is a gentler mood; only
  loud/quiet words (or a number) change its level.
* The voiceover and captions (issue 13) are their own tools at any pause: ``set_voiceover``
  for a beat's line, ``set_voice`` (off, on, another or a named voice), ``set_captions``
  (burn, soft, off, bigger, smaller); the music's level said against the voice ("2 dB
  quieter under the narration", "I can't hear the narrator") is a step of
  ``set_music_volume`` like any other. "Beat 2 should say 'X'" is the
  spoken line at the refine pause and on-screen text before it; naming the text or caption
  keeps it on screen.
* Auto-continue on is ``set_auto_continue`` then ``continue_pipeline``; off is
  ``set_auto_continue`` alone. Finishing ("finish it", "we're done") continues at the refine
  pause and runs to the end without pausing before it. Acknowledgements continue only when they
  are the whole message.
* Relative tempo ("slower music") maps to fixed tempi (:data:`SLOW_BPM`, :data:`FAST_BPM`) and
  a relative beat length ("two seconds shorter") is a question: the interpreter does not see
  the current spec.
* All or nothing: if any clause is unknown or invalid (beat 12 of 9), there are no calls, and
  the reply says what was understood, what was not, and what can be done at this pause.

Measured on ``tests/fixtures/phrasings.toml`` (``pytest -s tests/unit/test_phrasings.py``).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, Field

from agent.edits import NAMED_COLOURS
from agent.providers.local.brief.frame import take_aspect
from agent.providers.replicate.catalog import load_catalog
from agent.spec import BEAT_TYPES, MAX_DURATION_S, MAX_VOICEOVER_CHARS, MIN_DURATION_S
from agent.wording import base_of
from tools.grammar import (
    ATTRIBUTES,
    PAUSES,
    VAGUE,
    Patterns,
    normalise,
    redraw,
    rephrase,
)
from tools.lexicon import Reading, canonical

Phase = Literal["plan", "storyboard", "chunks", "refine"]

#: Longest message interpreted, characters (DESIGN.md §6: edit text is length-limited).
MAX_TEXT_CHARS = 2000


def video_model_names() -> tuple[str, ...]:
    """Video model names ``regenerate_chunk`` takes, unprefixed.

    The offline ``local`` and every video model of the Replicate catalog (``models.toml``)
    with its aliases.

    Whether a name is usable in this process (its key set) is the registry's call when the
    edit runs (:meth:`agent.providers.registry.Registry.video`).
    """
    catalog = load_catalog()
    names = [m.name for m in catalog.of("video")]
    aliases = [a for a, target in catalog.aliases.items() if target in names]
    return ("local", *sorted(aliases), *names)


#: Video model names ``regenerate_chunk`` takes (:func:`video_model_names`).
VIDEO_MODELS = video_model_names()
#: Music gain, dB: a "louder"/"quieter" step, a "much louder" step, and "mute".
STEP_DB, BIG_STEP_DB, MUTE_DB = 3.0, 6.0, -60.0
#: The highest music gain, and the largest step said at once, dB.
MAX_GAIN_DB, MAX_STEP_DB = 12.0, 24.0
#: Tempi for "slower" / "faster" music, BPM; and MusicBrief's limits.
SLOW_BPM, FAST_BPM, MIN_BPM, MAX_BPM = 80, 140, 60, 180
#: Longest on-screen text and description of a beat, characters (agent.spec.Beat).
MAX_ON_SCREEN_CHARS, MAX_PROMPT_CHARS = 60, 500


class ToolCall(BaseModel, frozen=True):
    """One call of a tool in ``tools/``: its name and JSON-able arguments."""

    tool: str
    args: dict[str, Any] = Field(default_factory=dict)


class Interpretation(BaseModel, frozen=True):
    """What a message means: the calls to make, in order, and/or a reply for the user."""

    calls: list[ToolCall] = Field(default_factory=list)
    reply: str | None = None


@dataclass(frozen=True)
class Context:
    """What the interpreter knows about the video under review.

    Attributes:
        phase: the pause the user is at.
        beats: number of beats in the spec (for "the last beat" and range checks).
        chunks: number of video chunks made so far (0 before the chunks phase).
        beat_types: optional type of each beat in order, to resolve "the offer beat".
        branch: the branch in view, for "compare this branch with main".
        music_gain_db: the branch's music gain against the music's original level, dB
            (:data:`MUTE_DB` when muted), from which "louder by 3 dB" steps.
    """

    phase: Phase
    beats: int
    chunks: int
    beat_types: tuple[str, ...] = ()
    branch: str = "main"
    music_gain_db: float = 0.0


@dataclass(frozen=True)
class _Op:
    """One ``edit_spec`` op before renumbering (a private ``_before`` key may be inside)."""

    args: dict[str, Any]


class _Problem(Exception):
    """A clause was understood but cannot be done as said; the message is the reply."""


_Item = ToolCall | _Op
Handler = Callable[[re.Match[str], "Context"], list[_Item] | None]
_ACK = ToolCall(tool="acknowledge")
#: Tools that act on the whole run, never on a beat, chunk or the music.
_PIPELINE = (
    "continue_pipeline",
    "set_auto_continue",
    "status",
    "show_cost",
    "list_branches",
    "revisit_phase",
    "compare_branches",
    "switch_branch",
)
_CONTINUE = ToolCall(tool="continue_pipeline")
_STATUS = ToolCall(tool="status")

# --- vocabulary and regex fragments -----------------------------------------------------------
# fmt: off
_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
          "fourteen fifteen sixteen seventeen eighteen nineteen").split()
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60}
_ORDINALS = ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
             "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth "
             "twentieth").split()
_TYPE_ALIASES: dict[str, str] = {t.replace("_", " "): str(t) for t in BEAT_TYPES} | {
    "hero": "hero_shot", "reveal": "product_reveal", "feature": "feature_highlight",
    "detail": "detail_closeup", "close-up": "detail_closeup", "closeup": "detail_closeup",
    "detail close-up": "detail_closeup", "testimonial": "social_proof",
    "before/after": "before_after", "before and after": "before_after", "cta": "call_to_action",
    "call-to-action": "call_to_action", "end card": "logo_end_card", "logo": "logo_end_card",
    "emotional": "emotional_moment", "brand": "brand_story", "intro": "hook", "opener": "hook",
    "opening": "hook", "outro": "logo_end_card", "end screen": "logo_end_card",
    "closing card": "logo_end_card", "logo card": "logo_end_card", "deal": "offer",
}
_MOODS = ("energetic calm moody dark bright playful luxurious premium elegant fun bold minimal "
          "minimalist warm cool cinematic dramatic happy upbeat serious sporty edgy retro "
          "futuristic emotional epic gritty dreamy intense joyful romantic mysterious relaxed "
          "modern classic vibrant soft sleek clean punchy fresh whimsical nostalgic funny quirky "
          "sophisticated youthful friendly cheerful inspiring uplifting powerful confident "
          "exciting dynamic chill cozy gentle raw mellow lively fierce tense hopeful sad somber "
          "colorful colourful atmospheric grand hard harsh crisp sharp dim contrasty").split()
_VERBS = set("use make add remove delete drop change set move swap switch exchange regenerate "
             "redo call name rename retitle title go compare show list turn put give try replace "
             "insert cut mute play shorten extend it rerender re-render remake retry reroll "
             "regen re-generate redraw recreate rerun refresh".split())
# fmt: on


def _comparatives(base: str) -> list[str]:
    """Comparatives of an adjective: dark -> darker, moody -> moodier, sad -> sadder."""
    if base.endswith("y"):
        return [base[:-1] + "ier"]
    if base.endswith("e"):
        return [base + "r"]
    doubled = [base + base[-1] + "er"] if re.fullmatch(r"[^aeiou]*[aeiou][bdgmnpt]", base) else []
    return [base + "er", *doubled]


_BASE = {c: w for w in _MOODS for c in _comparatives(w)}
_WORD_VALUE = {w: i for i, w in enumerate(_UNITS)} | _TENS
_ORD_VALUE = {w: i + 1 for i, w in enumerate(_ORDINALS)}


def _alt(words: Iterable[str]) -> str:
    """A regex alternation of literal words, longest first, ending on a word boundary."""
    ordered = sorted(set(words), key=len, reverse=True)
    return "(?:" + "|".join(re.escape(w).replace(r"\ ", " ") for w in ordered) + r")\b"


def _model_prefixes() -> dict[str, str]:
    """Model names and the shorter forms that name one model only: "wan-2.2" -> "wan-2.2-i2v-fast".

    A prefix (whole parts of the name) that starts exactly one model's name and is not itself
    a name or alias stands for that model.
    """
    out = {name: name for name in VIDEO_MODELS}
    for name in VIDEO_MODELS:
        parts = name.split("-")
        for k in range(2, len(parts)):
            prefix = "-".join(parts[:k])
            owners = [n for n in VIDEO_MODELS if n == prefix or n.startswith(prefix + "-")]
            if prefix not in out and len(owners) == 1:
                out[prefix] = name
    return out


def _model_pattern(name: str) -> str:
    """A regex for a model name as people type it: "kling-v2.1-pro" ~ "Kling 2.1 Pro"."""
    parts = re.split(r"[-\s]+", name)
    out = []
    for part in parts:
        part = re.escape(part)
        out.append(re.sub(r"^v(?=\d)", "v?", part))
    return "[ -]?".join(out)


_NUM = rf"(?:\d+(?:\.\d+)?|{_alt(_TENS)}(?:[ -]{_alt(_UNITS[1:10])})?|{_alt(_UNITS)})"
_PENULTIMATE = r"(?:penultimate|(?:second|next)[ -]to[ -]last|last but one)"
_ORD = rf"(?:\d+(?:st|nd|rd|th)|{_PENULTIMATE}|{_alt(_ORDINALS)}|last|final|first)"
#: Words that name a beat: its scene, or at the storyboard its image.
_BEAT_NOUN = r"(?:beat|scene|shot|image|picture|frame|photo|pic|still)"
_TYPE = _alt(_TYPE_ALIASES)
_LIST = r"(?:,? and |, |,? & )"
_BEAT = (rf"(?:the )?(?:{_BEAT_NOUN}s? ?(?:number |# ?)?{_NUM}|{_ORD} {_BEAT_NOUN}"
         rf"|{_BEAT_NOUN} (?:of |for )?(?:the |an? )?{_TYPE}"
         rf"|{_TYPE}(?: beat| scene| shot| image| picture| frame)?)(?:'s)?")  # fmt: skip
_CHUNK = (rf"(?:the )?(?:(?:video )?(?:chunks?|clips?|segments?) ?(?:number |# ?)?{_NUM}|{_ORD} "
          rf"(?:video )?(?:chunk|clip|segment))(?:'s)?")  # fmt: skip
_FRAGMENTS = {
    "%N%": _NUM,
    "%TYPE%": _TYPE,
    "%BEATS%": rf"(?:(?:the )?{_BEAT_NOUN}s? {_NUM} ?(?:-|–|to|through|thru|until) ?{_NUM}|"
    rf"{_BEAT}(?:{_LIST}(?:{_BEAT}|{_NUM}))*|(?:the )?{_ORD}(?:{_LIST}(?:the )?"
    rf"{_ORD})+ {_BEAT_NOUN}s|(?:the )?(?:first|last|final) {_NUM} {_BEAT_NOUN}s?|(?:the )?{_NUM} "
    rf"(?:first|last|final) {_BEAT_NOUN}s?)",
    "%BEAT%": _BEAT,
    "%CHUNKS%": rf"(?:(?:the )?(?:video )?(?:chunk|clip|segment)s? {_NUM} ?(?:-|–|to|through|thru|"
    rf"until) ?{_NUM}|{_CHUNK}(?:{_LIST}(?:{_CHUNK}|{_NUM}))*|(?:the )?{_ORD}(?:{_LIST}(?:the )?"
    rf"{_ORD})+ (?:video )?(?:chunk|clip|segment)s|(?:the )?(?:first|last|final) {_NUM} "
    rf"(?:video )?(?:chunk|clip|segment)s)",
    "%CHUNK%": _CHUNK,
    "%DUR%": rf"(?:{_NUM}(?: and a half)? ?-?(?:s|secs?|seconds?|m|mins?|minutes?)\b|(?:half an?"
    rf"|a half) minute"
    rf"|an? minute and a half|an? minute)",
    "%MODEL%": "(?:replicate:)?(?:"
    + "|".join(map(_model_pattern, sorted(_model_prefixes(), key=len, reverse=True)))
    + ")",
    "%MUSIC%": r"(?:the )?(?:background )?(?:music|soundtrack|track|song|score|tune|audio)",
    "%IT%": r"(?:it|this|the (?:whole |entire )?(?:ad|video|spot|film|commercial|thing)|the "
    r"(?:length|duration|runtime))",
    "%MOOD%": _alt([*_MOODS, *_BASE]),
    "%PHASE%": r"(?:plan|planning|spec|script|storyboard|story board|images|frames|chunks|clips|"
    r"video clips|refine|refinement|music|mix|final cut|final video)",
    "%REGEN%": r"(?:re-?generate|redo|re-?do|re-?render|render|remake|re-?make|retry|try|re-?roll|"
    r"re-?draw|re-?create|re-?run|refresh|another take (?:of|on|for)|new (?:image|take) for|"
    r"(?:give me |make |try |generate )?(?:an? |another )?(?:new|fresh|different|another|"
    r"alternative) (?:version|take|image|picture|variant|variation|render|shot|attempt) "
    r"(?:of|for|on))",
    "%VIA%": r"(?:with|showing|to show|into|so (?:that )?it shows|featuring|but|where|as|:|-|,)",
    "%NAME%": r"[a-z0-9][\w.-]*",
    "%EACH%": r"(?: each| apiece| per beat)?",
    "%TAGLINE%": r"tag ?line|slogan|strap ?line|claim|end(?: card)? line|closing line|motto",
    "%DB%": r"[+−-]?\d+(?:\.\d+)? ?db",
    "%QUOTED%": r"\"[^\"]+\"|'[^']+'",
}


def _compile(pattern: str) -> re.Pattern[str]:
    for key, fragment in _FRAGMENTS.items():
        pattern = pattern.replace(key, fragment)
    return re.compile(pattern, re.IGNORECASE)


# --- helpers ----------------------------------------------------------------------------------


def _call(tool: str, **args: Any) -> ToolCall:
    return ToolCall(tool=tool, args=args)


def _number(token: str) -> float | None:
    """The value of "3", "2.5", "three", "twenty-five", "3rd" or "third"; None if none."""
    t = token.strip().lower()
    if m := re.fullmatch(r"(\d+(?:\.\d+)?)(?:st|nd|rd|th)?", t):
        return float(m[1])
    if (m := re.fullmatch(r"(\w+)[ -](\w+)", t)) and m[1] in _TENS and m[2] in _WORD_VALUE:
        return float(_TENS[m[1]] + _WORD_VALUE[m[2]])
    value = _WORD_VALUE.get(t, _ORD_VALUE.get(t))
    return None if value is None else float(value)


def _seconds(text: str) -> float:
    """Seconds in "15s", "four seconds", "half a minute", "1.5 min", "a minute and a half"."""
    t = text.lower()
    if m := re.fullmatch(r"(half an?|a half)? ?minute|an? minute( and a half)?", t):
        return 30.0 if m[1] else 90.0 if m[2] else 60.0
    m = re.match(rf"({_NUM})( and a half)?(?: ?-?([a-z]+))?", t)
    value = ((_number(m[1]) or 0.0) + (0.5 if m[2] else 0.0)) if m else 0.0
    if m and m[3] and m[3].startswith("m"):
        return value * 60
    return value


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _within(value: float, low: float, high: float, what: str) -> float:
    if not low <= value <= high:
        raise _Problem(f"{what} must be between {low:g} and {high:g}; got {value:g}.")
    return value


def _ref(text: str, ctx: Context, kind: Literal["beat", "chunk"]) -> int:
    """The 1-based beat or chunk number a phrase names ("the third beat", "chunk four").

    Raises:
        _Problem: the number does not exist, or a beat type cannot be resolved to one beat.
    """
    count = ctx.beats if kind == "beat" else ctx.chunks
    t = text.lower().removesuffix("'s")
    type_m = re.search(rf"\b{_TYPE}", t) if kind == "beat" else None
    if re.search(_PENULTIMATE, t):
        n = count - 1
    elif re.search(r"\b(last|final)\b", t):
        n = count
    elif type_m and not re.search(
        rf"\d|\b(?:{_alt(_ORDINALS)}|{_alt(_UNITS)}|{_alt(_TENS)})", t.replace(type_m[0], "")
    ):
        beat_type = _TYPE_ALIASES[type_m[0]]
        label = beat_type.replace("_", " ")
        found = [i + 1 for i, bt in enumerate(ctx.beat_types) if bt == beat_type]
        if len(found) == 1:
            return found[0]
        if not ctx.beat_types:
            raise _Problem(f"Which beat number is the {label} beat? Say e.g. 'beat 3'.")
        has = f"{len(found)} ({', '.join(map(str, found))})" if found else "no"
        raise _Problem(f"There are {has} {label} beats; say which beat number.")
    else:
        m = re.search(rf"\d+|{_alt(_ORDINALS)}|{_alt(_TENS)}(?:[ -]\w+)?|{_alt(_UNITS)}", t)
        n = int(_number(m[0]) or 0) if m else 0
    if count == 0:
        raise _Problem(f"There are no {kind}s yet, so {kind} {n} does not exist.")
    if not 1 <= n <= count:
        raise _Problem(f"{kind.title()} {n} does not exist: there are {_plural(count, kind)}.")
    return n


def _refs(text: str, ctx: Context, kind: Literal["beat", "chunk"]) -> list[int]:
    """Every number in "beats 2, 3 and 5", "beat 2 and the last beat", "the last two images"."""
    if m := re.search(rf"({_NUM}) ?(?:-|–|to|through|thru|until) ?({_NUM})$", text, re.I):
        low, high = int(_number(m[1]) or 0), int(_number(m[2]) or 0)
        noun = text[: m.start()].strip()
        return [_ref(f"{noun} {n}", ctx, kind) for n in range(min(low, high), max(low, high) + 1)]
    if m := re.match(rf"(?:the )?({_NUM}) (first|last|final) (\w+?)s?$", text, re.I):
        text = f"the {m[2]} {m[1]} {m[3]}s"  # "les deux dernières images": the last two
    if m := re.match(rf"(?:the )?(first|last|final) ({_NUM}) \w+?s?$", text, re.I):
        count, n = ctx.beats if kind == "beat" else ctx.chunks, int(_number(m[2]) or 0)
        if not 1 <= n <= count:
            raise _Problem(f"There are {_plural(count, kind)}, not {n}.")
        return (
            list(range(1, n + 1))
            if m[1].lower() == "first"
            else list(range(count - n + 1, count + 1))
        )
    return [_ref(part, ctx, kind) for part in re.split(_LIST, text) if part]


#: The message being interpreted, read into slot words (for the user's own words of a value).
_READING: ContextVar[Reading | None] = ContextVar("_READING", default=None)


def _own(text: str) -> str:
    """A value in the user's own words (a French description stays French)."""
    reading = _READING.get()
    return reading.original(text.strip()) if reading is not None else text


def _value(text: str) -> str:
    """A value as the user gave it, without surrounding quotes and end punctuation."""
    return re.sub(r"""^["'](.*)["']$""", r"\1", text.strip().rstrip(".!?").strip()).strip()


def _prompt(text: str) -> str:
    """A beat description or image prompt, at most :data:`MAX_PROMPT_CHARS` characters."""
    if len(value := _value(_own(text))) > MAX_PROMPT_CHARS:
        raise _Problem(f"A beat description is at most {MAX_PROMPT_CHARS} characters.")
    return value


def _adjective(text: str) -> str:
    """Style words in base form: "a bit moodier" -> "moody", "much warmer" -> "warm"."""
    t = re.sub(r"\b(?:a (?:bit|little|lot|touch|tad)|more|much|even|slightly|very|way|somewhat|"
               r"something|anything|kind of|sort of)\b ?", "", _value(text).lower())  # fmt: skip
    t = re.sub(r"^(?:(?:an?|the|some|new|fresh) )+", "", t.strip())
    # "a track that's more relaxed": the adjective after a relative clause's verb
    t = re.sub(r"^(?:that|which|who)(?:'s| is| are| sounds?| feels?| looks?)? ", "", t)
    words = [(w.rstrip(","), "," * w.endswith(",")) for w in t.replace(" ,", ",").split()]
    return " ".join(_base(w) + comma for w, comma in words).strip(" ,")


def _base(word: str) -> str:
    """An adjective's base form: "moodier" -> "moody", "jazzier" -> "jazzy", "calmer" -> "calm"."""
    return _BASE.get(word) or base_of(word)


# --- handlers: each maps a match to items, raises _Problem, or returns None (not mine) --------


def _calls(*calls: ToolCall) -> Handler:
    return lambda m, ctx: list(calls)


class _Vague(_Problem):
    """A request without its value ("make it shorter"); moot if the message gives the value."""

    def __init__(self, reply: str, op: str) -> None:
        super().__init__(reply)
        self.op = op


class _Remark(_Problem):
    """A remark without a request ("I don't like the music").

    Moot when a later clause acts on what it names ("..., redo it").
    """


def _complaint(m: re.Match[str], ctx: Context) -> list[_Item]:
    raise _Remark(f"What should change about {_value(_own(m['x']))}? " + possible(ctx.phase))


def _ask(reply: str, op: str = "") -> Handler:
    def handler(m: re.Match[str], ctx: Context) -> list[_Item]:
        raise _Vague(reply, op) if op else _Problem(reply)

    return handler


def _help(m: re.Match[str], ctx: Context) -> list[_Item]:
    raise _Problem(possible(ctx.phase))


#: Words that may stand beside a frame in a request to change it ("a vertical version please").
_FRAME_FILLER = frozenset(
    "a an the it this ad video spot version format frame shape orientation aspect ratio "
    "please instead now for in as to into on".split()
)
_REFRAME = (
    "The aspect ratio is fixed when a video is made, for all its branches. Make a new video "
    'in that shape: say it in the brief ("a vertical 15-second ad for ...") or choose '
    "16:9, 9:16 or 1:1 in the chat's settings or with --aspect."
)


def _reframe(m: re.Match[str], ctx: Context) -> list[_Item] | None:
    """A request for another frame ("make it vertical"): it cannot change; say how to get it.

    Declines (None) unless the words after the verb name only a frame
    (:func:`~agent.providers.local.brief.frame.take_aspect`, any language it reads).
    """
    ratio, rest = take_aspect(m["f"])
    if ratio is None or not set(re.findall(r"[a-z]+", rest.lower())) <= _FRAME_FILLER:
        return None
    raise _Problem(_REFRAME)


#: Words that may frame a length for the whole ad as a question or suggestion ("would it work
#: as a 15 second spot?", "what about 20s instead"): nothing in them names another target.
_FRAME = set(
    """would could can should will shall does do did is it work works be as a an the this
    that spot ad video commercial version cut edit film one make made try trying go going with for
    instead long total overall how about what if we us i you let's lets maybe perhaps possible ok
    okay fine better doable just only like say around roughly approximately to get bring down up
    in run runs last lasts keep please then rather prefer think need want into at most max maximum
    more than no so under below within less of and on making doing having going think enough
    plenty right good perfect sufficient also too leave done doable fit manage shorten cut trim
    lengthen extend have has""".split()
)
_FRAMED_DUR = _compile(r"(?P<pre>.*?)\b(?P<d>%DUR%)(?P<post>.*)")


def _framed_duration(m: re.Match[str], ctx: Context) -> list[_Item] | None:
    """A length for the whole ad inside question or suggestion words only."""
    words = re.findall(r"[a-z']+", f"{m['pre']} {m['post']}".lower())
    if not all(w in _FRAME for w in words):
        return None
    return _duration(m, ctx)


def _duration(m: re.Match[str], ctx: Context) -> list[_Item]:
    d = _within(_seconds(m["d"]), MIN_DURATION_S, MAX_DURATION_S, "The ad's length in seconds")
    return [_Op({"op": "set_duration", "duration_s": d})]


def _retime(m: re.Match[str], ctx: Context) -> list[_Item]:
    """One length for each beat named ("make beats 2 and 3 three seconds each")."""
    d = _within(_seconds(m["d"]), 0.5, MAX_DURATION_S, "A beat's length in seconds")
    beats = dict.fromkeys(_refs(m["b"], ctx, "beat"))
    return [_Op({"op": "retime_beat", "beat": b, "duration_s": d}) for b in beats]


def _ask_length(m: re.Match[str], ctx: Context) -> list[_Item]:
    """A vague beat length ("give beat 5 more time"): a question, unless a value follows."""
    beat = _ref(m["b"], ctx, "beat")
    raise _Vague(f"How long should beat {beat} be? Say e.g. 'make beat {beat} 4 seconds'.",
                 "retime_beat")  # fmt: skip


def _relative_length(m: re.Match[str], ctx: Context) -> list[_Item]:
    """A relative beat length ("two seconds shorter"): the beat's length is not known; ask."""
    beat = _ref(m["b"], ctx, "beat")
    raise _Vague(f"How long should beat {beat} be in all? Say e.g. 'make beat {beat} 3 seconds'.",
                 "retime_beat")  # fmt: skip


_WITH_TEXT = re.compile(
    r"^(?P<d>.+?),? (?:with|and|plus) (?:the |a )?(?:text|caption|words|headline|title)"
    r"(?: of)?:? (?P<t>[\"'].+[\"'])$"
    r"|^(?P<d2>.+?),? (?:that|which) (?:says|reads) (?P<t2>[\"'].+[\"'])$",
    re.I,
)


def _set_beat(beat: int, **fields: str | None) -> _Op:
    """A set_beat op; "a beach with the text 'Summer'" is a description and on-screen text."""
    empty = {"description": None, "type": None, "on_screen_text": None}
    desc = fields.get("description")
    if desc and not fields.get("on_screen_text") and (m := _WITH_TEXT.match(desc)):
        text = _value(m["t"] or m["t2"])
        if len(text) <= MAX_ON_SCREEN_CHARS:
            fields = {**fields, "description": m["d"] or m["d2"], "on_screen_text": text}
    return _Op({"op": "set_beat", "beat": beat, **empty, **fields})


def _beat_text(m: re.Match[str], ctx: Context) -> list[_Item]:
    text = _value(_own(m["t"])) if m.groupdict().get("t") else ""
    if text.lower() in ("nothing", "none", "empty", "blank", "no text"):  # unquoted: no text
        text = ""
    if len(text) > MAX_ON_SCREEN_CHARS:
        raise _Problem(f"On-screen text is at most {MAX_ON_SCREEN_CHARS} characters.")
    return [_set_beat(_ref(m["b"], ctx, "beat"), on_screen_text=text)]


def _beat_type(m: re.Match[str], ctx: Context) -> list[_Item]:
    return [_set_beat(_ref(m["b"], ctx, "beat"), type=_TYPE_ALIASES[m["ty"].lower()])]


#: More beats after the first one a rule took ("make beat 2 | and beat 4 a sunset").
_MORE_BEATS = re.compile(
    rf"^(?:,?\s*and |,\s*|,?\s*& )(?P<more>(?:{_BEAT}|{_NUM})(?:{_LIST}(?:{_BEAT}|{_NUM}))*)"
    r"(?:,? (?:both|each|all))? (?P<rest>.+)$",
    re.I,
)


def _beat_content(m: re.Match[str], ctx: Context) -> list[_Item] | None:
    """At plan, the beat's description; later, a new storyboard image with that prompt.

    Several beats take the same ("make beats 2 and 4 a sunset"). None (not this rule's) when
    what follows the beat is its text or captions ("make beat 3 text bigger").
    """
    said = m["p"]
    beats = [_ref(m["b"], ctx, "beat")]
    if more := _MORE_BEATS.match(said):
        beats = list(dict.fromkeys(_refs(f"{m['b']} and {more['more']}", ctx, "beat")))
        said = more["rest"]
    # "make beat 3 look like a sunset", "beat 2 warmer look" (German "wärmer aussehen"): the
    # verb of appearance is not part of what the beat shows
    said = re.sub(r"^(?:looks?|seems?|feels?)(?: like)? |(?<=\w) (?:looks?|seems?)$", "", said)
    if ATTRIBUTES.get((re.findall(r"[\w'-]+", said.lower()) or [""])[0]) in ("text", "captions"):
        return None  # "make beat 3 text bigger": the beat's text, not what it shows
    prompt = _prompt(said)
    if ty := re.fullmatch(rf"(?:an? |the )?(?P<ty>{_TYPE}) (?:beat|scene)", said.strip(), re.I):
        kind = _TYPE_ALIASES[ty["ty"].lower()]
        return [_set_beat(beat, type=kind) for beat in beats]  # "with a hook beat"
    if re.fullmatch(
        r"(?:a (?:bit|little) |much )?(?:shorter|longer)|(?:twice|half|double|"
        r"triple|\w+ times) as (?:long|short)",
        _value(said),
        re.I,
    ):
        beat = beats[0]
        ask = f"How long should beat {beat} be? Say e.g. 'make beat {beat} 4 seconds'."
        raise _Vague(ask, "retime_beat")
    if ctx.phase == "plan":
        return [_set_beat(beat, description=prompt) for beat in beats]
    return [_call("regenerate_beat", beat=beat, prompt=prompt) for beat in beats]


def _regen_beats(m: re.Match[str], ctx: Context) -> list[_Item]:
    beats = _refs(m["b"], ctx, "beat") if m["b"] else list(range(1, ctx.beats + 1))
    if m.groupdict().get("x"):  # "every image except the last one"
        left_out = _refs(re.sub(r"\bones?\b", "beat", m["x"]), ctx, "beat")
        beats = [b for b in beats if b not in left_out]
    prompt = _prompt(m["p"]) if m["p"] else None
    return [_call("regenerate_beat", beat=b, prompt=prompt) for b in beats]


def _regen_ordinal(m: re.Match[str], ctx: Context) -> list[_Item] | None:
    """Redo "the 4th": the 4th image at the storyboard, the 4th chunk at the chunks."""
    prompt = _prompt(m["p"]) if m["p"] else None
    if ctx.phase == "storyboard":
        return [
            _call("regenerate_beat", beat=_ref(f"the {m['o']} beat", ctx, "beat"), prompt=prompt)
        ]
    if ctx.phase == "chunks":
        chunk = _ref(f"the {m['o']} chunk", ctx, "chunk")
        return [_call("regenerate_chunk", chunk=chunk, model=None, prompt=prompt)]
    return None


def _regen_all(m: re.Match[str], ctx: Context) -> list[_Item] | None:
    """Regenerate "everything": every image at the storyboard, every chunk at the chunks."""
    prompt = _prompt(m["p"]) if m["p"] else None
    if ctx.phase == "storyboard":
        return [_call("regenerate_beat", beat=b, prompt=prompt) for b in range(1, ctx.beats + 1)]
    if ctx.phase == "chunks":
        return [_call("regenerate_chunk", chunk=c, model=None, prompt=prompt)
                for c in range(1, ctx.chunks + 1)]  # fmt: skip
    return None


def _replace_image(m: re.Match[str], ctx: Context) -> list[_Item]:
    return [_call("replace_beat_image", beat=_ref(m["b"], ctx, "beat"), image="upload")]


def _model(name: str) -> str:
    for typed, model in sorted(_model_prefixes().items(), key=lambda kv: -len(kv[0])):
        if re.fullmatch("(?:replicate:)?" + _model_pattern(typed), name.strip(), re.I):
            return model
    raise _Problem(f"I don't know the video model '{name}'. Models: {', '.join(VIDEO_MODELS)}.")


_MODEL_TAIL = _compile(r"(?:with|using|on|in|via) (?:the )?(%MODEL%)(?: model)?(?: (.+))?")


def _regen_chunks(m: re.Match[str], ctx: Context) -> list[_Item]:
    """The chunks named (or all), a model from the match or its tail, and a prompt."""
    chunks = _refs(m["c"], ctx, "chunk") if m["c"] else list(range(1, ctx.chunks + 1))
    if m.groupdict().get("x"):  # "all the clips except chunk 3"
        left_out = _refs(re.sub(r"\bones?\b", "chunk", m["x"]), ctx, "chunk")
        chunks = [c for c in chunks if c not in left_out]
    if not chunks:
        raise _Problem("There are no chunks yet; they are made after the storyboard.")
    model = _model(m["model"]) if m.groupdict().get("model") else None
    tail = (m.groupdict().get("tail") or "").strip()
    if tm := _MODEL_TAIL.fullmatch(tail):
        model, tail = _model(tm[1]), tm[2] or ""
    tail = re.sub(r"^(?:and |but )?(?:with|as|showing|so it shows|where|:|-|to|into)? ?", "", tail)
    prompt = _prompt(tail) or None
    return [_call("regenerate_chunk", chunk=c, model=model, prompt=prompt) for c in chunks]


_WHERE = _compile(
    r"(?:(?P<rel>after|before) (?P<b>%BEAT%)|(?:at|to) the (?P<edge>start|beginning|front|end)"
    r"|(?:as|at) (?:beat|position) (?P<pos>%N%)|as the (?P<ord>first|last) beat)"
)


def _add_beat(m: re.Match[str], ctx: Context) -> list[_Item]:
    op: dict[str, Any] = {"op": "add_beat", "type": _TYPE_ALIASES[m["ty"].lower()]}
    rest, before = (m["rest"] or "").strip(), None
    wm = _WHERE.match(rest) or _WHERE.search(rest)
    if wm and (wm.start() == 0 or wm.end() == len(rest)):
        if wm["b"]:
            b = _ref(wm["b"], ctx, "beat")
            before = b if wm["rel"].lower() == "before" else b + 1
        elif wm["pos"]:
            before = int(_within(_number(wm["pos"]) or 0, 1, ctx.beats + 1, "The position"))
        else:
            edge = (wm["edge"] or wm["ord"]).lower()
            before = ctx.beats + 1 if edge in ("end", "last") else 1
        op["_before"] = None if before > ctx.beats else before
        rest = (rest[: wm.start()] + rest[wm.end() :]).strip()
    rest = re.sub(r"^(?:showing|with|where|about|of|that shows|featuring|:|-|that)\b\s*", "", rest)
    return [_Op(op | {"position": before, "description": _prompt(rest) or None})]


def _remove_beats(m: re.Match[str], ctx: Context) -> list[_Item]:
    beats = sorted(set(_refs(m["b"], ctx, "beat")), reverse=True)
    return [_Op({"op": "remove_beat", "beat": b}) for b in beats]


def _move(beat: int, index: int, n: int) -> _Op:
    """Move ``beat`` to 0-based ``index``; ``_before`` is the original beat it lands before."""
    others = [x for x in range(1, n + 1) if x != beat]
    before = others[index] if index < len(others) else None
    return _Op({"op": "move_beat", "beat": beat, "position": index + 1, "_before": before})


def _move_beat(m: re.Match[str], ctx: Context) -> list[_Item]:
    beat, n, to = _ref(m["b"], ctx, "beat"), ctx.beats, m["to"].lower()
    if not to:  # "open with the reveal" / "end on the offer"
        to = "start" if re.match(r"(?:open|start|begin|lead|kick)", m[0], re.I) else "end"
    if "b2" in m.groupdict():
        target = _ref(m["b2"], ctx, "beat")
        others = [x for x in range(1, n + 1) if x != beat]
        after = to in ("after", "between", "behind")
        index = others.index(target) + after if target != beat else beat - 1
    elif to in ("start", "beginning", "front", "top", "first"):
        index = 0
    elif to in ("up", "earlier", "sooner", "left", "down", "later", "right", "further"):
        n_word = m.groupdict().get("n")
        steps = int(_number(n_word) or 1) if n_word else 1
        index = beat - 1 + (steps if to in ("down", "later", "right", "further") else -steps)
        index = int(_within(index + 1, 1, n, "The new position")) - 1
    elif to in ("end", "last", "bottom"):
        index = n - 1
    else:
        index = int(_within(_number(m["pos"]) or 0, 1, n, "The position")) - 1
    return [_move(beat, index, n)]


def _swap_beats(m: re.Match[str], ctx: Context) -> list[_Item]:
    a, b = sorted((_ref(m["b"], ctx, "beat"), _ref(m["b2"], ctx, "beat")))
    if a == b:
        raise _Problem(f"Swapping beat {a} with itself changes nothing.")
    moves: list[_Item] = [_move(a, b - 1, ctx.beats)]
    if b != a + 1:  # then b goes where a was: before a's old right neighbour
        moves.append(_Op({"op": "move_beat", "beat": b, "position": a, "_before": a + 1}))
    return moves


def _spec_text(op: str, key: str) -> Handler:
    def handler(m: re.Match[str], ctx: Context) -> list[_Item] | None:
        value = _value(_own(m["v"]))
        said = m.string[: m.start("v")].rstrip().lower()
        if op in ("set_product", "set_brand") and re.fullmatch(r"(?:more )?[a-z]+er", value):
            return None  # "make the brand bigger": a change to how it looks, not a name
        if (op in ("set_product", "set_brand") and re.match(r"the [A-Z0-9]", value)
                and not re.search(r"\b(?:to|as|into)$|:$", said)):  # fmt: skip
            value = value[len("the ") :]  # "the product is now the Halo X2"; "... to" verbatim
        if not 1 <= len(value) <= 120:
            raise _Problem(f"A {key} is 1 to 120 characters.")
        return [_Op({"op": op, key: value})]

    return handler


_STYLE_EXAMPLE = {
    "mood": "a calmer mood",
    "lighting": "warmer lighting",
    "camera": "a handheld camera",
    "palette": "a black and gold palette",
}


def _style(field: str) -> Handler:
    def handler(m: re.Match[str], ctx: Context) -> list[_Item] | None:
        value = _adjective(m["v"])
        if not value or len(value.split()) > 6 or value.split()[0] in _VERBS:
            return None
        if set(value.split()) <= VAGUE:  # "make it look good": which way?
            raise _Problem(f"What {field} would you like? Say e.g. '{_STYLE_EXAMPLE[field]}'.")
        words = [w for w in re.split(r"[ ,]+", value) if w and w != "and"]
        shifts = [next((v for k, v in _SHIFTS.items() if w.startswith(k)), None) for w in words]
        if field == "palette" and all(shifts):  # "warmer and a bit darker": shifts, no colours
            return [_Op({"op": "adjust_palette", "change": c}) for c in dict.fromkeys(shifts)]
        return [_Op({"op": "set_style", "field": field, "value": value})]

    return handler


#: Comparatives that name another slot than the mood: a level, a tempo, a length, a size, a
#: place in time, or no direction at all.
_NOT_MOOD = frozenset("louder quieter faster slower quicker shorter longer bigger smaller "
                      "larger higher lower later earlier sooner better worse".split())  # fmt: skip


def _mood_comparative(m: re.Match[str], ctx: Context) -> list[_Item] | None:
    """The whole ad's mood from any comparative ("make the whole thing a little snappier")."""
    word = m["v"].split()[-1].lower()
    if word in _NOT_MOOD or base_of(word) == word:
        return None
    return _style("mood")(m, ctx)


#: The last word of an instrument's name ("acoustic guitar", "upright bass", "strings").
_INSTRUMENT_WORDS = frozenset(
    "guitar guitars piano pianos strings string bass drums drum percussion synth synths "
    "synthesizer pads keys organ violin violins cello cellos viola harp flute flutes "
    "clarinet saxophone sax trumpet trumpets horns horn brass choir vocals ukulele banjo "
    "mandolin marimba glockenspiel xylophone vibraphone claps handclaps bells timpani "
    "accordion harmonica tabla sitar kalimba stabs orchestra 808s".split()
)


#: Words no instrument's name holds: "like a drum and bass track" names a genre.
_NOT_IN_A_NAME = frozenset("like a an the as or with vibe feel style sound track song".split())


def _instruments(text: str) -> list[str] | None:
    """The instruments a list names ("piano and strings", "an acoustic guitar"), else None.

    Every item must end in an instrument's word (:data:`_INSTRUMENT_WORDS`); "calm piano
    vibe" is a mood, not a list.
    """
    t = re.sub(
        r"^(?:use|add|play|put in) |\b(?:for|in|on) (?:the )?(?:background )?"
        r"(?:music|soundtrack|track|song|score)$",
        "",
        text.strip(),
    )
    t = re.sub(r" (?:only|alone)$", "", t)  # "piano only"
    parts = [re.sub(r"^(?:an?|the|some|more|just) ", "", p.strip()) for p in re.split(_LIST, t)]
    parts = [p for p in parts if p]
    if parts and all(
        p.split()[-1] in _INSTRUMENT_WORDS
        and len(p.split()) <= 3
        and not _NOT_IN_A_NAME & set(p.split())
        for p in parts
    ):
        return parts
    return None


def _music_brief(text: str) -> tuple[str | None, int | None, list[str] | None] | None:
    """(mood, tempo_bpm, instruments) in "calmer and slower, 90 bpm, with piano and strings"."""
    t, bpm, instruments = _value(text).lower(), None, None
    per_minute = r"(?:bpm|beats? (?:per|a|an) minute)"
    if bm := re.search(rf"(\d{{2,3}}) ?{per_minute}|tempo (?:of |to |at )?(\d{{2,3}})", t):
        bpm = int(_within(int(bm[1] or bm[2]), MIN_BPM, MAX_BPM, "The tempo in BPM"))
        t = t.replace(bm[0], " ")
    if tm := re.search(
        r"\b(?:with |at )?(?:an? )?(slower|faster|quicker)(?: tempo| pace| beat)\b", t
    ):
        bpm = bpm or (SLOW_BPM if tm[1].startswith("slow") else FAST_BPM)
        t = t.replace(tm[0], " ")
    if im := re.search(r"\b(?:with|using|featuring) (.+)$", t):
        raw = [p.strip() for p in re.split(_LIST, im[1]) if p.strip()]
        t = t[: im.start()]
        feel = r"(?:more|less) (\w+)|(?:\w+ )?(\w+) (?:feel|vibe|mood|tone|sound|energy|touch|edge)"
        found = [re.fullmatch(feel, p) for p in raw]
        if raw and all(found):  # "with a darker feel", "with more energy": a mood
            t += " " + " ".join(f[1] or f[2] for f in found if f)
        else:
            parts = [re.sub(r"^(?:an?|the|some|more) ", "", p) for p in raw]
            instruments = [p for p in parts if p] or None
    if instruments is None and (played := _instruments(t)):
        instruments, t = played, ""  # "piano and strings", "an acoustic guitar": what plays
    if tm := re.search(r"\b(too )?(slower|slow|faster|fast|quicker|quick)\b(?: tempo| pace)?", t):
        slow = tm[2].startswith("slow") != bool(tm[1])  # "too fast": slower
        bpm = bpm or (SLOW_BPM if slow else FAST_BPM)
        t = t.replace(tm[0], " ")
    t = re.sub(
        r"\b(?:and|music|soundtrack|track|song|score|tune|tempo|at|to|be|more|sounding|beat|for|"
        r"vibe|style|genre|kind|"
        r"a bit|a little|an?|the|some|should|must|will|would|could|can|have|has|had|get|got|"
        r"is|are|was|with|i|i'?d|we|you|it|like|love|want|need|please|around|about|roughly|"
        r"approximately|this time|sound|sounds|feel|feels|seem|seems|look)\b|[,:~]",
        " ",
        t,
    )
    mood = _adjective(t) or None
    if mood and (len(mood.split()) > 4 or mood.split()[0] in _VERBS):
        return None
    return None if (mood, bpm, instruments) == (None, None, None) else (mood, bpm, instruments)


def _music(regenerate: bool) -> Handler:
    """A new brief: ``set_music`` before refine, ``regenerate_music`` at refine (or if asked)."""

    def handler(m: re.Match[str], ctx: Context) -> list[_Item] | None:
        desc = m.groupdict().get("m")
        brief = _music_brief(desc) if desc else None
        if brief is None and not regenerate:
            return None
        mood, bpm, instruments = brief or (None, None, None)
        if regenerate or ctx.phase == "refine":
            prompt = ("with " + " and ".join(instruments)) if instruments else None
            prompt = _value(desc) if desc and brief is None else prompt
            return [_call("regenerate_music", mood=mood, tempo_bpm=bpm, prompt=prompt)]
        return [
            _Op({"op": "set_music", "mood": mood, "tempo_bpm": bpm, "instruments": instruments})
        ]

    return handler


def _tempo(m: re.Match[str], ctx: Context) -> list[_Item]:
    """A new tempo: "change the tempo to 95 bpm", "speed the music up" (:data:`FAST_BPM`)."""
    if m["bpm"]:
        bpm = int(_within(int(m["bpm"]), MIN_BPM, MAX_BPM, "The tempo in BPM"))
    else:
        faster = ("up", "speed", "slow", "faster", "quicker", "higher")  # "slow" as in "too slow"
        bpm = FAST_BPM if m["dir"].lower() in faster else SLOW_BPM
    if ctx.phase == "refine":
        return [_call("regenerate_music", mood=None, tempo_bpm=bpm, prompt=None)]
    return [_Op({"op": "set_music", "mood": None, "tempo_bpm": bpm, "instruments": None})]


def music_step(gain_db: float, step_db: float) -> float:
    """The gain a step of the music's level leads to from ``gain_db``.

    A step moves from the current gain, rounded to 0.1 dB and kept within
    :data:`MUTE_DB`..:data:`MAX_GAIN_DB`. Muted music has no level to step from: a step up
    from the mute level starts from the music's original level (0 dB), so "louder" after
    "mute the music" gives +3 dB, an audible level, not -57 dB.

    Args:
        gain_db: the branch's current gain against the music's original level, dB.
        step_db: the step, dB; positive is louder.

    Returns:
        The new gain, dB.
    """
    base = 0.0 if gain_db <= MUTE_DB and step_db > 0 else gain_db
    return round(min(MAX_GAIN_DB, max(MUTE_DB, base + step_db)), 1)


def _level(ctx: Context, step_db: float) -> ToolCall:
    """``set_music_volume`` for a step; the private ``_step_db`` lets a later step chain on.

    :func:`_chain_levels` redoes the gain from the gain an earlier clause of the same message
    set ("at -10 dB, then 3 dB louder" is -7 dB) and drops the private key.
    """
    return _call(
        "set_music_volume", gain_db=music_step(ctx.music_gain_db, step_db), _step_db=step_db
    )


def _chain_levels(items: list[_Item], ctx: Context) -> list[_Item]:
    """Each step of the music's level from the gain the message left before it, in order.

    A step read twice the same ("the music drowns the voice, lower it": two readings of one
    "quieter") counts once, as every repeated call does in :func:`_assemble`.
    """
    gain, out, seen = ctx.music_gain_db, list[_Item](), list[ToolCall]()
    for it in items:
        if isinstance(it, ToolCall) and it.tool == "set_music_volume":
            if it in seen:
                continue
            seen.append(it)
            step = it.args.get("_step_db")
            gain = float(it.args["gain_db"]) if step is None else music_step(gain, step)
            it = _call("set_music_volume", gain_db=gain)
        out.append(it)
    return out


def _volume(sign: int) -> Handler:
    """The music's level: with ``sign`` 0 the gain itself, else a step from the current gain.

    "music at -6 dB" sets -6 dB; "louder by 3 dB", "3 dB quieter", "louder" (a step of
    :data:`STEP_DB`, or :data:`BIG_STEP_DB` for "much louder") set the gain the step leads to
    from :attr:`Context.music_gain_db` (:func:`music_step`).
    """

    def handler(m: re.Match[str], ctx: Context) -> list[_Item]:
        db, much = m.groupdict().get("db"), m.groupdict().get("much")
        if db:
            gain = float(db.lower().removesuffix("db").replace("−", "-"))
            gain = gain if sign == 0 else sign * abs(gain)
        else:
            gain = sign * (BIG_STEP_DB if much else STEP_DB)
        if sign:
            step = _within(gain, -MAX_STEP_DB, MAX_STEP_DB, "A change of the music's level in dB")
            return [_level(ctx, step)]
        gain = _within(gain, MUTE_DB, MAX_GAIN_DB, "Music gain in dB")
        return [_call("set_music_volume", gain_db=gain)]

    return handler


def _phase(m: re.Match[str], ctx: Context) -> list[_Item]:
    p = m["p"].lower()
    phase = ("storyboard" if re.match(r"story|image|frame", p) else "chunks"
             if re.match(r"chunk|clip|video", p) else "refine"
             if re.match(r"refine|music|mix|final", p) else "plan")  # fmt: skip
    return [_call("revisit_phase", phase=phase)]


def _switch(m: re.Match[str], ctx: Context) -> list[_Item]:
    if re.fullmatch(_FRAGMENTS["%MODEL%"], m["n"], re.I):
        raise _Problem(f"Which chunk? Say e.g. 'use {m['n'].lower()} for chunk 2' (or 'for all "
                       "chunks').")  # fmt: skip
    return [_call("switch_branch", name=m["n"])]


# --- the rule table: first full match whose handler accepts wins ------------------------------


def _rule(handler: Handler, *patterns: str) -> list[tuple[str, Handler]]:
    return [(p, handler) for p in patterns]


#: Camera moves for one beat or chunk: words -> agent.spec.CameraMove.
_MOVES: dict[str, str] = {
    r"pan(?:s|ning)? (?:to the )?left": "pan-left",
    r"pan(?:s|ning)? (?:to the )?right": "pan-right",
    r"tilt(?:s|ing)? up(?:wards?)?": "tilt-up", r"tilt(?:s|ing)? down(?:wards?)?": "tilt-down",
    r"(?:zoom(?:s|ing)?|push(?:es|ing)?|dolly|dollies|move|moves|close) ?-?in(?:wards?)?":
        "push-in",
    r"(?:zoom(?:s|ing)?|pull(?:s|ing)?|dolly|dollies) ?-?(?:out|back)": "pull-out",
    r"orbit(?:s|ing)?|circle(?:s|ing)?|(?:rotate|go|goes|move|moves|spin|spins) around"
    r"|(?:360|turntable)(?: shot| spin)?": "orbit",
    r"static(?: shot| camera)?|still(?: shot)?|locked[ -]off(?: shot)?|(?:stay|hold)s? still"
    r"|no (?:camera )?(?:movement|motion)": "static",
}  # fmt: skip
_MOVE_WORDS = {"pan-left": "pan left", "pan-right": "pan right", "tilt-up": "tilt up",
               "tilt-down": "tilt down", "push-in": "push in", "pull-out": "pull out",
               "orbit": "orbit", "static": "static shot"}  # fmt: skip
_FRAGMENTS["%ORD%"] = _ORD
_SPEED = r"(?:(?:a |an )?(?:slow|slowly|fast|quick|quickly|gentle|gently|smooth|smoothly|subtle|"
_SPEED += r"dramatic|steady|steadily|rapid|sweeping) )?"
_FRAGMENTS["%MOVE%"] = (
    _SPEED
    + "(?:"
    + "|".join(_MOVES)
    + ")"
    + r"(?: (?:slowly|quickly|gently|smoothly|fast|slow|steadily))?"
)
_FRAGMENTS["%SHIFT%"] = (r"(?:soft(?:er)?|warm(?:er)?|cool(?:er)?|cold(?:er)?|dark(?:er)?|deeper"
                         r"|light(?:er)?"
                         r"|paler|pastels?|vivid|saturated|bolder|punchier|richer|brighter|muted"
                         r"|desaturated|duller|subdued|washed[ -]out|vibrant"
                         r"|colou?rful)")  # fmt: skip
_FRAGMENTS["%HUE%"] = r"(?:colou?rs|colou?r palette|palette|colou?r scheme|tones|hues|colou?r)"
_FRAGMENTS["%MORE%"] = (
    r"(?:(?:a bit|a little|a lot|a touch|a tad|much|slightly|even|way|"
    r"somewhat) )?(?:more )?"
)
#: Palette direction words -> agent.edits.PaletteShift.
_SHIFTS = {
    "warm": "warmer",
    "cool": "cooler",
    "cold": "cooler",
    "dark": "darker",
    "deep": "darker",
    "light": "lighter",
    "pale": "lighter",
    "pastel": "pastel",
    "vivid": "vivid",
    "vibran": "vivid",
    "colo": "vivid",
    "saturat": "vivid",
    "bold": "vivid",
    "punch": "vivid",
    "rich": "vivid",
    "bright": "vivid",
    "mut": "muted",
    "desat": "muted",
    "dull": "muted",
    "subdued": "muted",
    "washed": "muted",
    "soft": "pastel",
    "tone": "muted",
    "pop": "vivid",
}


def _camera_move(m: re.Match[str], ctx: Context) -> list[_Item]:
    """One beat's camera move (a spec edit), or one chunk rendered again with that move."""
    words = re.sub("^" + _SPEED, "", m["mv"].lower())
    words = re.sub(r" (?:slowly|quickly|gently|smoothly|fast|slow|steadily)$", "", words)
    move = next(v for k, v in _MOVES.items() if re.fullmatch(k, words))
    where = m["w"]
    if re.search(r"\b(?:chunk|clip|segment)s?\b", where, re.I):
        chunk = _ref(where, ctx, "chunk")
        return [_call("regenerate_chunk", chunk=chunk, model=None, prompt=_MOVE_WORDS[move])]
    return [_Op({"op": "set_camera", "beat": _ref(where, ctx, "beat"), "camera": move})]


_OPPOSITE = {"warmer": "cooler", "cooler": "warmer", "darker": "lighter", "lighter": "darker",
             "vivid": "muted", "muted": "vivid", "pastel": "vivid"}  # fmt: skip


def _palette_shift(m: re.Match[str], ctx: Context) -> list[_Item] | None:
    less = m.groupdict().get("lsh")
    word = (less or m["sh"]).lower()
    change = next(v for k, v in _SHIFTS.items() if word.startswith(k))
    change = _OPPOSITE[change] if less else change  # "less saturated" -> muted
    if less:
        return [_Op({"op": "adjust_palette", "change": change})]
    after = m[0][m.end("sh") - m.start() :].lower()
    if any(w in NAMED_COLOURS for w in re.findall(r"[a-z]+", after)):
        return None  # "a dark blue and gold palette": colours, not a shift
    said = re.findall(_FRAGMENTS["%SHIFT%"], after, re.I)
    more = [next(v for k, v in _SHIFTS.items() if w.lower().startswith(k)) for w in said]
    return [_Op({"op": "adjust_palette", "change": c}) for c in dict.fromkeys([change, *more])]


def _finish(m: re.Match[str], ctx: Context) -> list[_Item]:
    """Finishing: at the last pause, approve it; earlier, run to the end without pausing."""
    return [_CONTINUE] if ctx.phase == "refine" else [_AUTO, _CONTINUE]


def _compare(m: re.Match[str], ctx: Context) -> list[_Item]:
    a = m.groupdict().get("a") or ctx.branch
    return [_call("compare_branches", a=a, b=m["b"])]


def _compare_default(m: re.Match[str], ctx: Context) -> list[_Item]:
    """Two branches not named: the branch in view against main, or a question on main."""
    if ctx.branch == "main":
        raise _Problem("Which branches? Say e.g. 'compare main and main-1' ('list branches' "
                       "shows them).")  # fmt: skip
    return [_call("compare_branches", a=ctx.branch, b="main")]


def _move_to_ordinal(m: re.Match[str], ctx: Context) -> list[_Item]:
    beat, word = _ref(m["b"], ctx, "beat"), m["ordpos"].lower()
    index = _ref(f"the {word} beat", ctx, "beat") - 1
    return [_move(beat, index, ctx.beats)]


def _say(m: re.Match[str], ctx: Context) -> list[_Item]:
    """A beat that should "say 'X'": the spoken line at the refine pause, shown text before.

    The refine pause is where the voiceover is heard and changed (only that line is
    re-spoken); before it, "say" is what the beat shows, as it always was.
    """
    if ctx.phase == "refine":
        return _voiceover(m, ctx)
    return _beat_text(m, ctx)


def _voiceover(m: re.Match[str], ctx: Context) -> list[_Item]:
    """A beat's voiceover line, or none ("nothing")."""
    text = "" if m["t"].lower() == "nothing" else _value(_own(m["t"]))
    if len(text) > MAX_VOICEOVER_CHARS:
        raise _Problem(f"A voiceover line is at most {MAX_VOICEOVER_CHARS} characters.")
    return [_call("set_voiceover", beat=_ref(m["b"], ctx, "beat"), text=text)]


def _voice(m: re.Match[str], ctx: Context) -> list[_Item]:
    """The voiceover off, on, another voice or a named one (checked when it is applied)."""
    what = m["v"].lower()
    if what in ("off", "on"):
        return [_call("set_voice", enabled=what == "on")]
    voice = None if what == "another voice" else what.removeprefix("voice ")
    return [_call("set_voice", enabled=True, voice=voice)]


def _voice_kind(m: re.Match[str], ctx: Context) -> list[_Item]:
    """A kind of voice ("a female voice"): voices are picked by name, so say how."""
    raise _Problem(
        f"A voice is chosen by its name, not by a kind such as '{m['k'].lower()}': the speech "
        "models do not describe their voices by kind. Name one of its voices instead: OpenAI's "
        "include alloy and nova; the offline model has a single voice, heart."
    )


def _captions(m: re.Match[str], ctx: Context) -> list[_Item]:
    x = m["x"].lower()
    if x in ("bigger", "smaller"):
        return [_call("set_captions", size=x)]
    return [_call("set_captions", mode=x)]


def _level_step(m: re.Match[str], ctx: Context) -> list[_Item]:
    """A step of the music against the voice: the gain it leads to (:func:`music_step`)."""
    step = _within(float(m["db"]), -MAX_STEP_DB, MAX_STEP_DB, "A change of the music's level in dB")
    return [_level(ctx, step)]


_AUTO = _call("set_auto_continue", enabled=True)
_UP, _DOWN = (
    r"(?: (?:by )?(?P<db>\d+(?:\.\d+)?) ?db)?",
    r"(?P<much>much |a lot |way |far )?(?:a bit |a little |a touch |slightly |somewhat )?",
)
# fmt: off
RULES: list[tuple[str | re.Pattern[str], Handler]] = [
    *_rule(_complaint,
           r"(?:i |we )?(?:really )?(?:don'?t|do not|didn'?t) (?:like|love|want) (?P<x>.+)",
           r"(?:i |we )(?:hate|dislike) (?P<x>.+)"),
    # -- flow: approvals, auto-continue, status, cost, help
    *_rule(_calls(_CONTINUE),
           r"continue|go ahead|next|proceed|approved?|ship it|carry on|move on|keep going|go on|go"
           r"|next (?:phase|step)|(?:continue|go|move on|proceed) to the next (?:phase|step)",
           r"let'?s go|do it|run it|render it|build it|generate",
           r"(?:run|push|see|take|carry) it (?:through|all the way)"),
    *_rule(_calls(_ACK),
           r"(?:i'?m |i am |we'?re |we are )?(?:really |very |quite |so )?(?:happy|pleased|"
           r"satisfied|fine|good|ok|okay) with (?:it|this|that|the result|the plan|the storyboard|"
           r"the clips|the video)(?: now)?",
           r"(?:i|we) (?:really )?(?:like|love|dig) (?:it|this|that|them|the result)",
           r"(?:that|this|it) works(?: for me| for us)?|works for me|(?:that|this|it)(?:'s| is) "
           r"(?:great|good|perfect|fine|nice|amazing|awesome|excellent|spot on|exactly right)",
           r"that'?s the one|this is the one|nailed it|love it|(?:we'?re|i'?m|it'?s|that'?s|all)"
           r" (?:all "
           r")?(?:good|fine|set|sorted)|"
           r"(?:nice|great|good) (?:work|job)|well done|spot on|exactly|beautiful|excellent|"
           r"awesome|amazing|brilliant"),
    *_rule(_calls(_ACK),
           r"ok(?:ay)?|k|yes|yep|yeah|ya|y|sure|great|nice|cool|good|perfect|fine|lgtm|love it|"
           r"all good|(?:this |that |it )?(?:looks?|sounds?|seems?) (?:good|great|fine|perfect|"
           r"right)(?: to me)?|(?:👍|✅|👌|🚀|🔥)+"),
    *_rule(_calls(_AUTO, _CONTINUE),
           r"(?:turn on |enable |switch on |go )?(?:auto[ -]?continue|auto[ -]?pilot|yolo)"
           r"(?: mode)?(?: on)?",
           r"run (?:it )?(?:all the way )?to the end|go all the way",
           r"(?:don'?t|do not) (?:stop|pause)",
           r"finish (?:it )?(?:without (?:stopping|pausing|asking)|on your own)",
           r"no more (?:pauses|stops|reviews|stopping|pausing|asking|interruptions|breaks"
           r"|questions|"
           r"check-?ins)|run (?:it )?(?:straight|all the way) through"),
    *_rule(_calls(_AUTO, _CONTINUE),
           r"(?:just )?(?:run|do|make|render|finish|complete|go through|keep going|continue|"
           r"carry on|go on|go|take it|handle)"
           r"(?: it| everything| the rest| all(?: of it)?| all the rest| all the steps| the whole"
           r" thing| everything else| the remaining steps)*"
           r"(?: (?:without|with no) (?:asking|stopping|pausing|checking|reviews?|pauses|stops|"
           r"breaks|interruptions|me|us|my (?:input|approval|review|ok|okay|feedback)|(?:a )?"
           r"pause|asking me)"
           r"(?: me| with me| with us| in between| anything| again| at all)?| unattended| (?:to"
           r"|until|"
           r"till|through"
           r" to)"
           r" the (?:end|"
           r"final (?:video|cut|ad|result))| all the way(?: through)?| on your own| by yourself|"
           r" automatically| straight through){1,3}",
           r"(?:don'?t|do not|no need to|never) (?:ask|check with|bother|stop for) me(?: again|"
           r" anymore| any more)?",
           r"(?:you )?(?:don'?t|do not|no) need to (?:stop|pause|wait|ask|check)(?: (?:for|with))?"
           r"(?: me| my (?:approval|input|ok|okay|review|feedback))?(?: anymore| any more)?",
           r"(?:turn|switch|set) auto[ -]?(?:continue|pilot)(?: mode)? (?:to )?on",
           r"(?:stop|quit) (?:pausing|asking(?: me)?|stopping|checking(?: with me)?)",
           r"(?:turn on |enable |switch on |use )?auto[ -]?(?:pilot|mode|run)(?: on)?",
           r"(?:there'?s )?no need to (?:check|ask)(?: with me| me)?(?: anymore)?",
           r"(?:(?:you )?(?:can )?(?:do|handle|finish|take) (?:the rest|it from here)|"
           r"i trust you|surprise me)"),
    *_rule(_finish,
           r"(?:let'?s |we can |you can |please )?(?:finish|finali[sz]e|wrap(?: it| this)? up|"
           r"export|complete|publish|deliver|ship)(?: it| this| up| now| here| there| off| the"
           r" (?:final )?"
           r"(?:video|ad|cut|film|spot))*",
           r"(?:render (?:(?:it|this|the (?:video|ad)) )?out|export it|(?:render|make|produce"
           r"|create|"
           r"build|give me|show me|output) the final (?:video|cut|ad|film|"
           r"version|result))",
           r"(?:it |this |that )?looks? (?:finished|done|complete|ready)(?: to me| to us)?",
           r"(?:we'?re|we are|i'?m|i am|all|it'?s|that'?s) (?:all )?(?:done|finished)(?: here| now|"
           r" with (?:it|this|that))?|done|finished"
           r"|that'?s (?:it|all|everything)|nothing (?:else|more)"),
    *_rule(_calls(_call("set_auto_continue", enabled=False)),
           r"(?:ask|check with) me (?:at|after|before) (?:every|each) (?:step|phase|pause)",
           r"(?:pause|stop) (?:at|after|before) (?:every|each) (?:step|phase)",
           r"(?:i want to|let me) (?:review|approve|check) (?:every|each) (?:step|phase)",
           r"(?:turn off|disable|stop|switch off|no more) (?:auto[ -]?continue|auto[ -]?pilot|"
           r"yolo)(?: mode)?|(?:auto[ -]?continue|yolo)(?: mode)? off",
           r"(?:turn|switch|set) (?:auto[ -]?(?:continue|pilot|mode|run)|yolo)(?: mode)? "
           r"(?:to )?off",
           r"pause after (?:each|every) (?:phase|step)"),
    *_rule(_calls(_call("status")),
           r"(?:show |what'?s |what is )?(?:the )?status|where are we(?: at| now)?|progress",
           r"what(?:'s| is) happening|how(?:'s| is) it going|(?:what|which) (?:phase|step)"
           r"(?: are we (?:in|at|on))?",
           # a question about the ad's or a beat's length: the status shows it
           r"how long (?:is|are) (?:%IT%|%BEAT%)(?: now| currently| right now| at the moment)?",
           r"(?:is|are) %IT% (?:too |a bit |very |rather )?(?:long|short)",
           r"what(?:'s| is) %IT%(?: now| currently| right now| at the moment)?"),
    *_rule(_calls(_call("show_cost")),
           r"(?:show |what'?s |what is |how much is )?(?:me )?(?:the )?(?:total )?(?:cost|costs|"
           r"spend|spending|bill)(?: so far)?"),
    *_rule(_calls(_call("show_cost")),
           r"(?:how much|what)\b.*\b(?:cost|costs|costing|spen[dt]|spending|money|paid|pay|bill|"
           r"budget|charged|used|expensive|pricey|damage|tab|tally)\b.*",
           r"how (?:expensive|pricey|costly)\b.*",
           r"(?:the )?(?:total )?(?:cost|costs|spend|spending|price|bill|budget|spent)(?: so far|"
           r" to "
           r"date| until now| in total)?",
           r"(?:show|tell) me (?:what|how much) (?:it|this|that|everything|the video|we|i)\b.*",
           r"(?:show|tell|give) me (?:the )?(?:total )?(?:cost|costs|spend|spending|bill|price)"
           r"(?: so far| to date)?"),
    *_rule(_calls(), r"(?:no,? )?(?:it'?s|it is|that'?s|this is) not (?:an? |the )?[\w' -]+"),
    *_rule(_help, r"help|\?+|what can i (?:do|say)(?: here| now)?|options|commands"),
    # -- branches and phases
    *_rule(_calls(_call("list_branches")),
           r"(?:show|list|see|view)(?: me)?(?: the| all| my)*(?: branches| branch tree| tree)",
           r"branches|what branches (?:are there|do i have|exist)"),
    *_rule(lambda m, ctx: [_call("compare_branches", a=m["a"], b=m["b"])],
           r"(?:compare|diff) (?:the )?(?:two )?(?:branch(?:es)? )?(?P<a>%NAME%) (?:and|with|to"
           r"|vs\.?|"
           r"versus|against) "
           r"(?:branch )?(?P<b>%NAME%)",
           r"(?:what(?:'s| is| are)|show(?: me)?) the diff(?:erence)?s? between (?:branch )?"
           r"(?P<a>%NAME%) and (?:branch )?(?P<b>%NAME%)",
           r"what(?:'s| has| is)? (?:changed|different) (?:between|in) (?:branch )?(?P<a>%NAME%) "
           r"(?:and|vs\.?|versus|compared to) (?:branch )?(?P<b>%NAME%)",
           r"how (?:does|do|is) (?:branch )?(?P<a>%NAME%) differ(?:ent)? (?:from|to|with) "
           r"(?:branch )?(?P<b>%NAME%)",
           r"(?:diff|show the diff(?:erence)?) (?:between )?(?P<a>%NAME%) (?:and|vs\.?) "
           r"(?P<b>%NAME%)"),
    *_rule(_compare_default, r"compare the branches"),
    *_rule(_compare,
           r"(?:compare|diff)(?: (?:it|this|this one|this branch|the current branch|my branch|"
           r"this version))? (?:with|to|against|and|vs\.?|versus) (?:branch )?(?P<b>%NAME%)",
           r"how (?:does|is) (?:it|this|this branch|this version) (?:differ(?:ent)?|compare) "
           r"(?:from|to|with|against) "
           r"(?:branch )?(?P<b>%NAME%)",
           r"what(?:'s| is) (?:the )?different (?:from|to|than) (?:branch )?(?P<b>%NAME%)",
           r"(?:show me |what are |what'?s |show )?the diff(?:erence)?s? (?:with|from|to|against|"
           r"compared to) (?:branch )?(?P<b>%NAME%)"),
    *_rule(_phase,
           r"(?:go|jump|get)(?: back)? to (?:the )?(?P<p>%PHASE%)(?: phase| step| stage)?",
           r"back to (?:the )?(?P<p>%PHASE%)(?: phase| step| stage)?",
           r"(?:return|revisit|reopen|rewind)(?: to)? (?:the )?(?P<p>%PHASE%)(?: phase| step| "
           r"stage)?"),
    *_rule(_switch,
           r"(?:switch|change|go|move|jump)(?: back)? to (?:the )?branch (?P<n>%NAME%)",
           r"(?:switch|go|jump)(?: back)? (?:to|into|over to) (?P<n>main(?:-\d+)*"
           r"|[a-z][\w.]*(?:-[\w.]+)+)",
           r"(?:checkout|check out|open|use|select) (?:the )?branch (?P<n>%NAME%)",
           r"(?:checkout|check out) (?P<n>%NAME%)",
           r"(?:use|switch to|go with|try) (?P<n>%MODEL%)(?: model)?"),
    # -- one beat's or chunk's camera move (before the ad's camera style)
    *_rule(_camera_move,
           r"(?:make |have |let |set )?(?:the )?camera (?:in|on|for|during|of) "
           r"(?P<w>%BEAT%|%CHUNK%) (?:to |should |do an? |be an? |be )?(?P<mv>%MOVE%)"
           r"(?: shot| move| movement)?"
           r"(?: (?:on|onto|to|over|around|across|towards?|the) .+)?",
           r"(?:make |have |let )?(?:the )?camera (?:should |will |must |can |could |to )?"
           r"(?P<mv>%MOVE%)(?: (?:the|around the|over the|on "
           r"the|onto the|across the|towards the|to the) [\w-]+(?: [\w-]+)?)? (?:in|on|for|during) "
           r"(?P<w>%BEAT%|%CHUNK%)",
           r"(?:make |have |let |give )?(?P<w>%BEAT%|%CHUNK%)(?:'s camera| camera)?(?: ?[:–-])? "
           r"(?:should |to )?(?:use |be |have |do |get )?(?:an? )?(?:(?:slow|fast|quick|gentle|"
           r"smooth|subtle|dramatic|steady) )?(?P<mv>%MOVE%)"
           r"(?: shot| move| movement)?"
           r"(?: (?:on|onto|to|over|around|across|towards?|the) .+)?",
           r"(?P<w>%BEAT%|%CHUNK%) (?:needs|could use|wants|should have|gets?|deserves) (?:an? )?"
           r"(?P<mv>%MOVE%)(?: shot| move| movement)?",
           r"(?:in|on|for|during) (?P<w>%BEAT%|%CHUNK%),? (?:the )?camera "
           r"(?:should |to |will |must |can )?(?:do an? |be an? |be )?(?P<mv>%MOVE%)"
           r"(?: shot| move| movement)?"
           r"(?: (?:on|onto|to|over|around|across|towards?|the) .+)?",
           r"(?:use |do |add )?(?:an? )?(?P<mv>%MOVE%)(?: shot| move| movement)?(?: (?:(?:on|onto"
           r"|to|"
           r"over|around|across|towards?) )?(?:the )?[\w-]+(?: [\w-]+)?)? (?:in|on|for|during|at"
           r" the "
           r"(?:start|end|beginning) of) "
           r"(?P<w>%BEAT%|%CHUNK%)",
           r"(?:make|give|use|change) (?P<w>%BEAT%|%CHUNK%) (?:to |into )?(?:an? )?(?P<mv>%MOVE%)"
           r"(?: shot| move| movement)?"),
    # -- brand and product names (before titles: "rename the brand to ...")
    *_rule(_spec_text("set_brand", "name"),
           r"(?:rename|change|switch|set|update|make|call) (?:the )?(?:name (?:of )?(?:the )?)?"
           r"brand(?: name)? "
           r"(?:to |into |as |in |en |a |auf |zu |= ?|: ?)?(?P<v>.+)",
           r"(?:the |our |my )?(?:new )?brand(?:'s name| name)?(?: now)?"
           r"(?: (?:is|should be|will be|becomes)(?: actually| really| now)?"
           r"(?: called| named)?(?: now)?|:| =|=) (?P<v>.+)"),
    *_rule(_spec_text("set_product", "name"),
           r"(?:rename|call|name) (?:the )?product(?: name)? (?:to |into |as |in |en |a )?"
           r"(?P<v>.+)",
           r"(?:the |our |my )?(?:new )?product(?:'s name| name)?(?: now)?"
           r"(?: (?:is|should be|will be|becomes)(?: actually| really| now)?"
           r"(?: called| "
           r"named)?|:| =|=) (?P<v>.+)"),
    # -- palette directions (before palettes of named colours)
    *_rule(_palette_shift,
           r"(?:make |use |go |go with |give it |i want |try |switch to |change to )?(?:the |an? |"
           r"some )?%MORE%(?P<sh>%SHIFT%)(?:,? (?:and )?(?:more )?[a-z-]+){0,2} %HUE%",
           r"(?:make |change |turn |shift |set |push )?(?:the |an? )?%HUE% %MORE%"
           r"(?:to |into |be |a bit )?%MORE%(?P<sh>%SHIFT%)(?: and (?:more )?[a-z-]+)",
           r"(?:make |change |turn |shift |set |push )?(?:the |an? )?%HUE% %MORE%"
           r"(?:to |into |be |a bit )?%MORE%(?P<sh>%SHIFT%)",
           r"(?:make |change |turn |set )?(?:the )?%HUE% (?:a bit |a little |much |slightly )?"
           r"(?:to be |be )?less (?P<lsh>%SHIFT%)(?P<sh>)",
           r"(?:an? |the )?less (?P<lsh>%SHIFT%) %HUE%(?P<sh>)",
           r"(?:make it |make everything |make it all |make the whole thing |go |go with |use |try "
           r"|go more |a bit |a little |more |slightly |much "
           r"|an? "
           r")*(?P<sh>pastels?)(?: look| feel| vibe| style| tones?| colou?rs| palette)?",
           r"(?:give|make) (?:the )?%HUE% (?:an? )?%MORE%(?P<sh>%SHIFT%) (?:feel|look|tone|vibe|"
           r"touch|cast)",
           r"(?P<sh>warm|cool|tone) (?:up|down) (?:the )?%HUE%",
           r"(?P<sh>desaturate|saturate|warm up|cool down|darken|lighten|brighten|soften|mute|"
           r"deepen|enrich) (?:the )?%HUE%(?: a bit| a little| slightly)?"),
    # -- the whole ad: duration, product, title, style
    *_rule(_duration,
           r"%IT% (?:should be|to|is|at|:|should last|should run|lasts|runs) (?P<d>%DUR%)"
           r"(?: long)?",
           r"(?:switch|go|change|move) (?:it )?to (?P<d>%DUR%)",
           r"make (?:it|the ad|the video) (?P<d>%N%)",
           r"(?:set|change|make|put) (?:the )?(?:duration|length|runtime)(?: of %IT%)?"
           r"(?: to| at| =|:)? (?P<d>%N%)",
           r"(?:cut|trim|shorten|lengthen|extend|bring) (?:it|the ad|the video|the spot)"
           r"(?: down| up)? to (?P<d>%N%)",
           r"(?:let it |make it )?last (?:for )?(?P<d>%DUR%)",
           r"(?:an? )?(?P<d>%DUR%)(?: long| total| version| cut| edit| ad| video| spot)?"),
    *_rule(_duration,
           r"(?:could|can|should|would|will|shall) %IT% (?:be|last|run) (?P<d>%DUR%)(?: long)?",
           r"what if %IT% (?:was|were|is|lasted|ran) (?P<d>%DUR%)(?: long)?",
           r"(?:make|set|change|cut|trim|shorten|lengthen|extend|bring|keep|let) %IT%(?: down| up| "
           r"back)? (?:last|run|be|take)(?: for)? (?P<d>%DUR%)(?: long)?"),
    (_FRAMED_DUR, _framed_duration),
    *_rule(_ask("How long should it be? Say e.g. 'make it 15 seconds' (6 to 60 seconds).",
                "set_duration"),
           r"(?:can|could|should) %IT% be (?:a bit |a little |much )?(?:shorter|longer)",
           r"(?:a bit |a little |much |way )?(?:shorter|longer)",
           r"(?:it'?s |it is |that'?s |way |a bit |much )*too (?:long|short)",
           r"(?:make|cut) %IT% (?:a bit |a little |much )?(?:shorter|longer)|(?:shorten|lengthen)"
           r" %IT%",
           # a multiple of a length this interpreter does not know: ask for the number
           r"(?:double|halve|triple) (?:the )?(?:length|duration|runtime)(?: of %IT%)?",
           r"(?:make )?%IT% (?:twice|half|three times|double) as (?:long|short)"),
    *_rule(_spec_text("set_product", "name"),
           r"(?:change|switch|set|make|update) (?:the )?product(?: name)?(?: to| into| as| ?:) "
           r"(?P<v>.+)",
           r"(?:the )?product(?: name)? (?:is|should be|:|=) (?P<v>.+)",
           r"(?:advertise|sell|feature|promote) (?P<v>.+?) instead"),
    *_rule(lambda m, ctx: [_Op({"op": "set_tagline", "tagline": ""})],
           r"(?:remove|drop|delete|lose|cut) (?:the )?(?:%TAGLINE%)|no (?:%TAGLINE%)(?: please)?"),
    *_rule(_spec_text("set_tagline", "tagline"),
           r"(?:change|switch|set|make|update|replace) (?:the )?(?:%TAGLINE%)"
           r"(?: to| into| as| with| ?:) (?P<v>.+)",
           r"(?:the )?(?:%TAGLINE%) (?:is|should be|should say|should read|:|=) (?P<v>.+)",
           r"(?:use|try) (?P<v>.+?) as (?:the )?(?:%TAGLINE%)"),
    *_rule(_spec_text("set_title", "title"),
           r"(?:call|name|title) (?:it|the (?:ad|video|spot)) (?P<v>.+)",
           r"(?:rename|retitle)(?: it| the (?:ad|video|spot))?(?: to| as)? (?P<v>.+)",
           r"(?:change|set|make|update) the (?:title|name)(?: of (?:it|the (?:ad|video)))? "
           r"(?:to|into|as|:) (?P<v>.+)",
           r"(?:the )?title(?: should be| is|:|=) (?P<v>.+)"),
    *_rule(_style("palette"),
           r"(?:(?:use|go with|go for|switch to|try|i want|make it|give it|how about|with)"
           r" )?(?:an? |the )?"
           r"(?P<v>[^,;:]+?) (?:colou?r )?(?:palette|colou?r scheme|colou?rs|colou?rway)",
           r"(?:change|set|make|update) (?:the )?(?:colou?r )?(?:palette|colou?rs|colou?r scheme) "
           r"(?:to |into |be )?(?P<v>.+)",
           r"(?:palette|colou?rs)(?::|=| should be) (?P<v>.+)"),
    *_rule(_style("lighting"),
           r"(?:(?:use|go with|go for|switch to|try|i want|make it|give it|how about|with)"
           r" )?(?:an? |the |more )?(?P<v>[^;:]+?) "
           r"(?:lighting|light|lights)",
           r"(?:make|change|set) (?:the )?(?:lighting|light) (?:to |into |be |more )?(?P<v>.+)",
           r"(?:lighting|light)(?::|=| should be) (?P<v>.+)"),
    *_rule(_style("camera"),
           r"(?:(?:use|go with|go for|switch to|try|i want|give it|how about|with) )?(?:an? |the "
           r"|more )?(?P<v>[^,;:]+?) camera"
           r"(?: work| moves?| movements?| language| style)?",
           r"(?:make|change|set) (?:the )?camera(?: work| moves?| movements?| language| style)? "
           r"(?:to |into |be |more )?(?P<v>.+)",
           r"camera(?: work)?(?::|=| should be) (?P<v>.+)"),
    *_rule(_mood_comparative,
           r"(?:make|keep) (?:it|the (?:whole |entire )?(?:ad|video|spot|thing|film|commercial)|"
           r"everything) (?:feel |look |be |seem )?(?P<v>(?:(?:a (?:bit|little|lot|touch|tad)"
           r"|much|even|way|slightly|somewhat) )*[a-z]+er)",
           r"(?:%IT%|the whole (?:ad|video|thing|spot)|everything) (?:should |needs to |must |to )?"
           r"(?:feel|look|seem|be|sound)s? (?P<v>(?:(?:a bit|a little|much|even|way|slightly) )*"
           r"[a-z]+er)"),
    *_rule(_style("mood"),
           r"make (?:it|the (?:ad|video|spot|whole thing)) (?P<v>(?:(?:a (?:bit|little|lot) |much "
           r"|more |even |way |slightly )*%MOOD%)(?: and (?:more )?%MOOD%)?)",
           # any adjective after "look/feel more": "make it look more expensive"
           r"make (?:it|the (?:ad|video|spot|whole thing)) (?:look|feel|seem) (?P<v>(?:a bit |a "
           r"little |much |even |way )?more [a-z-]+)",
           r"(?:an? |the |more )?(?P<v>%MOOD%)(?: (?:mood|tone|vibes?|feel|style))?",
           r"(?:change|set|make) the (?:mood|tone|vibe|feel) (?:to |more |be )?(?P<v>.+)"),
    *_rule(_mood_comparative,
           # a comparative alone must look like one: -ier, a degree word, or a style noun
           r"(?:(?:give (?:it|the (?:ad|video|whole thing))|go for|i'?d like|i want) )?"
           r"(?:an? |the )?(?P<v>(?:(?:a bit|a little|much|even|way|slightly) )*[a-z]+er)"
           r" (?:mood|tone|vibes?|feel|look|style|atmosphere)",
           r"(?P<v>(?:(?:a bit|a little|much|even|way|slightly) )+[a-z]+er|[a-z]+ier)"),
    # -- music: volume before brief
    # -- voiceover and captions (the grammar's canonical phrasings, tools.grammar)
    *_rule(_say, r"say (?P<t>%QUOTED%) on (?P<b>%BEAT%)"),
    *_rule(_voiceover, r"voiceover of (?P<b>%BEAT%) to (?P<t>%QUOTED%|nothing)"),
    *_rule(_voice, r"voiceover (?P<v>off|on|another voice|voice [\w.-]+)"),
    *_rule(_voice_kind, r"voiceover kind (?P<k>[\w']+)"),
    *_rule(_captions, r"captions (?P<x>off|soft|burn|bigger|smaller)"),
    *_rule(_level_step, r"music against the voice by (?P<db>[+-]\d+(?:\.\d+)?) db"),
    # the grammar reads removal ("cut the music", "no music", "ohne Musik") as this command
    *_rule(_calls(_call("set_music_volume", gain_db=MUTE_DB)), r"mute %MUSIC%"),
    *_rule(_volume(0),
           r"%MUSIC%(?: volume| level| gain)?(?: should| needs to| must| can)? (?:be|sit|stay|go|"
           r"come in) (?:at |to |down to |around )?(?P<db>%DB%)",
           r"(?:bring|lower|raise|turn|drop|change|adjust|put|set|make|reduce|decrease|increase|"
           r"boost|cut) %MUSIC%(?: volume| level| gain)? (?:down |up )?(?:to|at) (?P<db>%DB%)",
           r"(?:set |put )?(?:the )?(?:music )?(?:volume|gain|level)(?: of the music)? (?:to|at) "
           r"(?P<db>%DB%)"),
    *_rule(_volume(1),
           rf"(?:make )?%MUSIC% {_DOWN}(?:louder|up){_UP}",
           r"(?:make )?%MUSIC% (?:should be |needs to be |must be |to be )?(?:by )?"
           r"(?P<db>\d+(?:\.\d+)?) ?db (?:louder|up|higher)",
           rf"{_DOWN}louder(?: %MUSIC%)?{_UP}",
           rf"(?:turn|bring|crank|pump|dial|kick|push) (?:up %MUSIC%|%MUSIC% up){_UP}",
           rf"(?:raise|increase|boost) %MUSIC%(?: volume)?{_UP}",
           r"(?:turn|bring) (?:it |the volume |the sound |the level )?up",
           r"%MUSIC% (?:is )?(?:(?P<much>way |much |far )|a bit |a little |slightly )?too "
           r"(?:quiet|low|soft|weak)"),
    *_rule(_volume(-1),
           rf"(?:make )?%MUSIC% {_DOWN}(?:quieter|lower|down){_UP}",
           r"(?:make )?%MUSIC% (?:should be |needs to be |must be |to be )?(?:by )?"
           r"(?P<db>\d+(?:\.\d+)?) ?db (?:quieter|softer|lower|down)",
           rf"{_DOWN}quieter(?: %MUSIC%)?{_UP}",
           rf"(?:turn|bring|knock|take|dial|pull|tone) (?:down %MUSIC%|%MUSIC% down){_UP}",
           rf"(?:lower|reduce|decrease|drop|dip|cut) %MUSIC%(?: volume| level)?{_UP}",
           r"(?:turn|bring) (?:it |the volume |the sound |the level )?down",
           r"%MUSIC% (?:is )?(?:(?P<much>way |much |far )|a bit |a little |slightly )?too "
           r"(?:loud|high|strong)"),
    *_rule(_music(regenerate=True),
           r"(?:new|different|another|fresh|other) (?:music|track|song|soundtrack|score)"
           r"(?: (?:that'?s |: |but |as |to |into |- |so it'?s |and make it )?(?P<m>.+))?",
           r"%REGEN% %MUSIC%(?: (?:that'?s |: |but |as |to |into |- |so it'?s |and make it )?"
           r"(?P<m>.+))?"),
    *_rule(_tempo,
           r"(?:an? |the )?(?P<dir>faster|quicker|slower|higher|lower) (?:tempo|pace|bpm)(?P<bpm>)",
           r"(?:change|set|make|put|bring|adjust|bump|push|take|raise|lower|drop|increase|decrease|"
           r"speed|slow) (?:the )?(?:music |song |track |soundtrack )?(?:tempo|bpm)(?: of %MUSIC%)?"
           r"(?: up| down)? "
           r"(?:to |at )?"
           r"(?P<bpm>\d{2,3})(?: ?bpm)?(?P<dir>)",
           r"(?:speed|slow) %MUSIC% (?P<dir>up|down)(?: (?:to|at) (?P<bpm>\d{2,3})(?: ?bpm)?)?",
           r"(?:%MUSIC%|the tempo) (?:is )?(?:way |much |a bit |a little |slightly )?too "
           r"(?P<dir>fast|quick|slow)(?P<bpm>)",
           r"(?P<dir>speed|slow) (?:up|down) %MUSIC%(?: (?:to|at) (?P<bpm>\d{2,3})(?: ?bpm)?)?"),
    *_rule(_music(regenerate=False),
           r"(?:swap|switch|change|replace|trade) (?:out )?%MUSIC% (?:out )?(?:for|with) "
           r"(?P<m>.+)",
           r"(?:make|change|switch|set|turn|have|put) %MUSIC% "
           r"(?:to |into |be |sound |more |a bit )*(?P<m>.+?)",
           r"%MUSIC%(?: should be| at|:|=| more| tempo(?: to)?)? (?P<m>.+)",
           r"(?:(?:use|try|play|give me|i want|go with|switch to|put on) )?(?:an? |some |more )?"
           r"(?P<m>[^;:]+? (?:music|soundtrack|track|song|score|tune)(?: .+)?)",
           r"(?:set |change )?(?:the )?(?P<m>tempo (?:to |at )?\d+(?: ?bpm)?)",
           r"(?P<m>\d+ ?bpm)",
           r"(?P<m>\d+ ?beats? (?:per|a|an) minute)"),
    *_rule(_ask("How should the music change? e.g. 'calmer music', 'music at 90 bpm', "
                "'new music'."), r"(?:change|fix) %MUSIC%"),
    # -- beats: timing, text, type, images, content, structure
    *_rule(_move_beat,
           r"(?:move|put|shift|bring|place|slot|slide|stick|set) (?P<b>%BEAT%) "
           r"(?:(?:forward|back|up|down|earlier|later) )?(?:so (?:that )?it (?:sits|goes|comes) )?"
           r"(?:to (?:sit |go |come |be |land )?)?"
           r"(?P<to>after|before|in front of|ahead of|behind) (?P<b2>%BEAT%)",
           r"(?P<b>%BEAT%) (?:should |must |needs to |has to )?(?:comes?|go(?:es)?|be|plays?"
           r"|appears?|"
           r"happens?) (?:right )?(?P<to>after|before) (?P<b2>%BEAT%)",
           r"(?:(?:make|have|let) )?(?P<b>%BEAT%) (?:should |must |needs to )?(?:comes?|go(?:es)?"
           r"|be|"
           r"plays?|opens?|closes?) (?:at )?(?:the )?(?P<to>first|last|start|end|beginning)",
           r"(?:make|have|let) (?P<b>%BEAT%) (?:comes?|go(?:es)?|plays?|appears?) (?:right )?"
           r"(?P<to>after|before) (?P<b2>%BEAT%)",
           r"(?:open|start|begin|lead|kick off) (?:with|on) (?P<b>%BEAT%)(?P<to>)",
           r"(?:end|close|finish|wrap up) (?:with|on) (?P<b>%BEAT%)(?P<to>)"),
    *_rule(_move_beat,
           r"(?:move|shift|bump|push|bring) (?P<b>%BEAT%) (?P<to>up|down|earlier|later|sooner|left|"
           r"right|further)(?: by)?(?: (?P<n>%N%|one))?(?: (?:places?|positions?|slots?|spots?|"
           r"steps?))?",
           r"(?:move|shift|bump|push|bring) (?P<b>%BEAT%)(?: by)? (?P<n>%N%|one) (?:places?|"
           r"positions?|slots?|spots?|steps?) (?P<to>up|down|earlier|later|sooner|left|right|"
           r"further)"),
    *_rule(_move_to_ordinal,
           r"(?:make|move|put|bring|place) (?P<b>%BEAT%) (?:to |into |as |in |at )?(?:the )?"
           r"(?P<ordpos>%ORD%) (?:beat|scene|one|shot|place|position|slot|spot)"),
    *_rule(_beat_text,
           r"(?P<b>%BEAT%) (?:should |must |needs to )?(?:says?|reads?|display|show the text)"
           r"(?: :)? (?P<t>\"[^\"]+\"|'[^']+'|.+)",
           r"(?:put|write|add|place|set|display|show) (?:the )?(?:(?:on-?screen )?(?:text|caption|"
           r"words?|line|headline|copy) )?(?P<t>\"[^\"]+\"|'[^']+') (?:on|to|in|over|for|into|at) "
           r"(?P<b>%BEAT%)",
           r"(?:on|in|for|at) (?P<b>%BEAT%),? (?:write|put|say|add|use|display|show) (?:the )?"
           r"(?:(?:on-?screen )?(?:words?|text|caption|line|headline|copy) )?(?P<t>\"[^\"]+\""
           r"|'[^']+')",
           r"(?:on|in|for|at) (?P<b>%BEAT%),? (?:write|put|say|add|use the text) "
           r"(?P<t>\"[^\"]+\"|'[^']+'|.+)",
           r"(?:on|in|for|at) (?P<b>%BEAT%),? (?:show|display) (?P<t>\"[^\"]+\"|'[^']+')",
           r"(?P<b>%BEAT%) (?:should |must |needs to |has to )?(?:show|display|have) (?:the )?"
           r"(?:(?:text|words?|caption) )?(?P<t>\"[^\"]+\"|'[^']+')"),
    *_rule(_beat_text,
           r"(?:the )?(?:on-?screen )?(?:text|caption|headline|copy)(?: of| on| for| in| to| at)? "
           r"(?P<b>%BEAT%) ?(?::|=|should be|should say|should read|is|says|reads) (?P<t>.+)"),
    *_rule(_ask_length,
           r"(?:give|allow) (?P<b>%BEAT%) (?:a bit |a little |some |much |a lot )?(?:more|less|"
           r"extra) (?:time|room|screen time)",
           r"(?P<b>%BEAT%) (?:can|could|should|needs to|must|has to) (?:be|run|last) (?:a bit |a "
           r"little |much )?(?:longer|shorter)"),
    *_rule(_relative_length,
           r"(?:make|cut|trim|shorten|lengthen|extend) (?P<b>%BEAT%) (?:by )?(?P<d>%DUR%) "
           r"(?P<dir>shorter|longer)",
           r"(?:shorten|trim|cut|lengthen|extend) (?P<b>%BEAT%) by (?P<d>%DUR%)(?P<dir>)"),
    *_rule(_retime,
           r"let (?P<b>%BEATS%) (?:last|run|be|take)(?: for)? (?P<d>%DUR%)(?: long)?%EACH%",
           r"(?P<b>%BEATS%) (?:should|must|needs to|has to|can|could) (?:all |both |each )?"
           r"(?:only |just )?(?:be|last|run|"
           r"take) (?:only |just |at most |max )?(?P<d>%DUR%)(?: long)?%EACH%",
           r"(?:give|allow) (?P<b>%BEATS%) (?:only |just )?(?P<d>%DUR%)%EACH%"),
    *_rule(_retime,
           r"(?:make|set|change|retime|shorten|lengthen|extend|trim|cut|give)(?: the (?:length|"
           r"duration) of)? (?P<b>%BEATS%)(?: (?:length|duration))?(?: all| both| each)?"
           r"(?: to| at| last)? (?P<d>%DUR%)(?: long)?%EACH%",
           r"(?P<b>%BEATS%)(?: should (?:be|last)| to| for| lasts?| ?:| ?=) (?P<d>%DUR%)"
           r"(?: long)?%EACH%"),
    *_rule(_beat_text,
           r"(?:change|set|make|update|replace) (?:the )?(?:on-?screen )?(?:text|caption|headline|"
           r"copy|tagline|line|words?)(?: on| of| for| in) (?P<b>%BEAT%) (?:to|with|:) (?P<t>.+)",
           r"(?:change|set|update) (?P<b>%BEAT%) (?:on-?screen )?(?:text|caption|headline|copy) "
           r"to (?P<t>.+)",
           r"(?P<b>%BEAT%) (?:on-?screen )?(?:text|caption|headline)"
           r"(?: should (?:say|read|be)| to|:|=)? (?P<t>.+)",
           r"(?:make|have) (?P<b>%BEAT%) (?:say|read) (?P<t>.+)",
           r"(?:put|write|add) (?P<t>\"[^\"]+\"|'[^']+') (?:on|to|in|over) (?P<b>%BEAT%)",
           r"(?:remove|delete|drop|clear|no) (?:the )?(?:on-?screen )?(?:text|caption|headline)"
           r"(?: from| on| in| for) (?P<b>%BEAT%)"),
    *_rule(_beat_type,
           r"(?:make|change|turn|set) (?P<b>%BEAT%)(?:'s type)? (?:into |to |as )?(?:an? |the )?"
           r"(?P<ty>%TYPE%)(?: beat)?",
           r"change the type of (?P<b>%BEAT%) to (?:an? )?(?P<ty>%TYPE%)(?: beat)?"),
    *_rule(_replace_image,
           r"(?:use|take|put|set) (?:this|that|the|my) ?(?:uploaded |new |attached )?(?:image|"
           r"picture|photo|pic|upload|file|one)?(?: i (?:uploaded|sent|attached))? (?:for|as|on|"
           r"in) (?P<b>%BEAT%)(?: image)?",
           r"(?:replace|swap) (?P<b>%BEAT%)(?: image| picture| photo)? with (?:this|that|the|my) ?"
           r"(?:uploaded |new |attached )?(?:image|picture|photo|pic|upload|one)?",
           r"(?:upload|attach) (?:an? |this )?(?:image |picture )?(?:for|to) (?P<b>%BEAT%)"),
    *_rule(_calls(),
           r"i (?:don'?t|do not|really don'?t) (?:like|love) (?:%BEATS%|%CHUNKS%)",
           r"(?:%BEATS%|%CHUNKS%) (?:doesn'?t|does not|don'?t) (?:work|look right|fit)"),
    *_rule(_regen_ordinal,
           r"%REGEN% (?:the )?(?P<o>%ORD%)(?: one)?(?: %VIA% (?P<p>.+))?"),
    *_rule(_regen_beats,
           r"(?:make|do|draw|create|render|paint) (?P<b>%BEATS%)(?: image| picture| frame)? "
           r"(?:anew|over|from scratch)(?P<p>)"),
    *_rule(_regen_beats,
           r"(?:give|have) (?P<b>%BEATS%)(?: image| picture| frame)? (?:another|a new|one more|a "
           r"fresh) (?:try|go|take|shot|pass|attempt)(?: %VIA% (?P<p>.+))?"),
    *_rule(_regen_all,
           r"%REGEN% (?:everything|it all|all of (?:it|them)|all)(?: again)?(?: %VIA% (?P<p>.+))?"),
    *_rule(_beat_content,
           r"(?P<b>%BEAT%)(?: image| picture| frame)? (?:needs|could use|wants|should have|lacks) "
           r"(?P<p>(?:more|less|a|an|some) .+)"),
    *_rule(_regen_beats,
           r"(?P<b>%BEATS%)(?: image| picture| frame)? (?:needs|need|should get|could use|wants|"
           r"deserves) (?:redoing|a redo|regenerating|re-?doing|another (?:try|take|go|pass)|"
           r"to be (?:redone|regenerated|redrawn))(?P<p>)",
           r"%REGEN% (?:all (?:the )?(?:beats|images|frames|pictures)|every (?:beat|image|frame|"
           r"picture)|the (?:whole |entire )?storyboard)(?P<b>) (?:except|but not|apart from|other "
           r"than|besides|but) (?P<x>%BEATS%|(?:the )?%ORD% one)(?P<p>)",
           r"%REGEN% (?:all (?:the )?(?:beats|images|frames)|every (?:beat|image|frame)|the "
           r"(?:whole |entire )?storyboard)(?P<b>)(?: %VIA% (?P<p>.+))?",
           r"%REGEN% (?P<b>%BEATS%)(?: image| picture| frame)?(?: %VIA% (?P<p>.+))?",
           r"%REGEN% (?P<b>%BEATS%)(?: image| picture| frame)? (?:to|in) (?P<p>.+)",
           r"%REGEN% (?P<b>%BEATS%)(?: image| picture| frame)? (?P<p>(?:(?:a bit|a little|much|"
           r"even|way) )?(?:[a-z]+er|more [a-z]+)(?: and (?:[a-z]+er|more [a-z]+))?)"),
    *_rule(_beat_content,
           r"(?:make|turn|change|set|update|replace) (?P<b>%BEAT%)(?: description| image| picture"
           r"| scene| shot)? (?:into |to |with |be |show |to show |so (?:that )?it shows )?"
           r"(?P<p>.+)",
           r"(?:swap|switch|trade|change|replace) (?:out )?(?P<b>%BEAT%)(?: image| picture|"
           r" scene)? "
           r"(?:out )?(?:for|with) (?P<p>.+)",
           r"(?P<b>%BEAT%)(?: should (?:be|show|look like|feature|depict|have|contain|include)"
           r"| shows?|:| =| -) "
           r"(?P<p>.+)",
           r"show (?P<p>.+) (?:in|on) (?P<b>%BEAT%)",
           r"(?:in|on|for) (?P<b>%BEAT%),? (?:show|have|depict|feature|use) (?P<p>.+)"),
    *_rule(_add_beat,
           r"(?:add|insert|include|put in|append|throw in|squeeze|slip|fit) (?:in )?"
           r"(?:an? |another |one more |a new |new )?"
           r"(?P<ty>%TYPE%)(?: beat| scene| shot)?(?P<rest> .+)?",
           r"(?:add|insert|include|append) (?:an? |another |one more |a new |new )?"
           r"(?:beat|scene|shot) (?:of |for |with )?(?:an? |the )?(?P<ty>%TYPE%)(?P<rest> .+)?"),
    *_rule(_ask("What type of beat? One of: " + ", ".join(t.replace("_", " ") for t in BEAT_TYPES)
                + "."),
           r"(?:add|insert|append) (?:an? |another |a new |one more )?(?:beat|scene|shot)(?: .+)?"),
    *_rule(_remove_beats,
           r"(?:remove|delete|drop|cut|kill|lose|get rid of|take out|scrap|ditch|skip) "
           r"(?P<b>%BEATS%)"),
    *_rule(_move_beat,
           r"(?:move|put|shift) (?P<b>%BEAT%) (?P<to>after|before) (?P<b2>%BEAT%)",
           r"(?:move|put|shift|bring|place) (?P<b>%BEAT%) (?:at|to) (?:the )?(?:very )?"
           r"(?P<to>start|beginning|front|top|end|bottom)",
           r"(?:move|put|shift|bring|push|pull) (?P<b>%BEAT%) (?:forward |back |up |down |earlier "
           r"|later )?(?P<to>to|into|at|in) (?:position |slot |place |spot |beat )(?P<pos>%N%)",
           r"(?:move|put|shift|bring|push|pull) (?P<b>%BEAT%) (?:forward |back |up |down |earlier "
           r"|later )?(?P<to>to|into) (?:position |slot |place |spot |beat )?(?P<pos>%N%)"),
    *_rule(_swap_beats,
           r"(?:swap|switch|exchange) (?P<b>%BEAT%)(?: and| with|,) (?P<b2>%BEAT%|%N%)",
           r"(?:swap|switch|exchange) (?:the )?(?P<b>%ORD%) and (?:the )?(?P<b2>%ORD%) "
           r"(?:beat|scene|shot|image)s"),
    # -- chunks
    *_rule(_regen_chunks,
           r"(?:use|try|switch to|go with|render) (?P<model>[\w.:-]+(?: [\w.]+){0,3}?)(?: model)?"
           r" (?:for|on|in) (?P<c>%CHUNKS%)(?P<tail>(?: .*)?)",
           r"(?:use|try|switch to|go with|render) (?P<model>%MODEL%)(?: model)? (?:for|on|in) "
           r"(?:all (?:the )?chunks|every chunk|all (?:the )?clips|all of them)(?P<c>)(?P<tail>)",
           r"%REGEN% (?:all (?:the )?chunks|every chunk|all (?:the )?clips|the whole video)(?P<c>)"
           r" (?:except|but not|apart from|other than|besides|but) (?P<x>%CHUNKS%|(?:the )?%ORD%"
           r" one)"
           r"(?P<tail>)",
           r"%REGEN% (?:all (?:the )?chunks|every chunk|all (?:the )?clips|the whole video)(?P<c>)"
           r"(?P<tail>(?: .*)?)",
           r"%REGEN% (?P<c>%CHUNKS%)(?P<tail>(?: .*)?)",
           r"(?:give|have) (?P<c>%CHUNKS%) (?:another|a new|one more|a fresh) (?:try|go|take|shot|"
           r"pass|attempt)(?P<tail>(?: .*)?)",
           r"(?P<model>%MODEL%)(?: model)? (?:for|on) (?P<c>%CHUNKS%)(?P<tail>)",
           r"(?:switch|change|move|put|set) (?P<c>%CHUNKS%) (?:over )?(?:to|onto)"
           r" (?P<model>%MODEL%)"
           r"(?: model)?(?P<tail>)",
           r"(?P<c>%CHUNK%) (?P<tail>(?:with|using|on|in|via) .+)",
           r"(?:make|change) (?P<c>%CHUNK%) (?P<tail>.+)"),
    # last: only what no other rule takes may be a request for another frame
    *_rule(_reframe,
           r"(?:(?:make|turn|change|switch|convert|set|reformat|redo|do|put|render|crop|"
           r"reframe) )?(?P<f>.+)"),
]
# fmt: on

# --- the driver -------------------------------------------------------------------------------

_HEAD = re.compile(
    r"^(?:(?:please|pls|plz|kindly|(?:can|could|would|will) (?:you|we)|i'?d like(?: you)? to|"
    r"i would like(?: you)? to|i (?:want|need)(?: you)? to|let'?s|lets|now|just|so|hey|hi|hello|"
    r"(?:i'?d|i would|we'?d|we would) (?:like|love|prefer|rather(?: have)?)(?= (?!to\b)\S)|"
    r"(?:i|we) (?:want|need|"
    r"prefer)(?= (?!to\b)\S)|also|and|then|"
    r"actually|ok(?:ay)?(?: so)?|yes|yeah|great|nice|perfect|alright|well|maybe|oh|hmm+|"
    r"from (?:now|here) on|going forward|henceforth|this time|why not|"
    r"(?:don'?t|do not) forget to|"
    r"um+)\b[ ,]*(?=\S))+",
    re.I,
)
_TAIL = re.compile(
    r"(?:[ ,]*\b(?:please|pls|thanks|thank you|thx|for me|now|just|instead|again|this time|a bit|"
    r"a little|a touch|slightly|somewhat|from now on|from here on|overall|in general|throughout|"
    r"everywhere|across the board|(?:across|throughout|for|in|over) (?:the |this )?(?:whole |"
    r"entire )?(?:ad|video|spot|film|commercial|thing)|in (?:every|each|all) (?:the )?(?:beats?|"
    r"scenes?|shots?))\b)+[ .!?]*$|[ .!?]+$",
    re.I,
)
_QUOTED = re.compile(r"""(?<!\w)(["'])(?:(?!\1).)+\1(?!\w)""")
_SEP = re.compile(
    r"\s*(?:[;,]|[.!?](?=\s|$))\s*(?:(?:and|then|also|but|plus|afterwards|after that|finally)"
    r"\s+)*|\s+(?:(?:and|then|also|but|plus|afterwards|after that|finally)\s+)+",
    re.I,
)
_POSSIBLE: dict[Phase, tuple[str, ...]] = {
    "plan": ("make it N seconds", "make beat N <what it shows>", "make beat N 4 seconds long",
             "add a <type> beat after beat N", "remove beat N", "move beat N to the start",
             "change the text on beat N to '…'", "warmer lighting", "use a black and gold palette",
             "make it moodier", "warmer colours", "pan left in beat N", "change the product to …",
             "rename the brand to …", "call it '…'", "calmer music", "music at 90 bpm",
             "continue"),
    "storyboard": ("regenerate beat N [as …]", "use this image for beat N", "continue"),
    "chunks": ("regenerate chunk N [with kling|veo|hailuo|wan] [as …]", "continue"),
    "refine": ("regenerate the music [calmer|at 90 bpm]", "quieter music",
               "music at -6 dB", "mute the music", "finish it"),
}  # fmt: skip
_ANYTIME = ("go back to the plan", "list branches", "switch to main-1", "compare main and main-1",
            "status", "show cost", "auto-continue")  # fmt: skip


def possible(phase: Phase) -> str:
    """What a user can say at a pause, as one sentence for replies and help.

    Args:
        phase: the pause.

    Returns:
        "At the storyboard review you can say: regenerate beat N [as …]; … Any time: …".
    """
    return (f"At the {phase} review you can say: {'; '.join(_POSSIBLE[phase])}. "
            f"Any time: {'; '.join(_ANYTIME)}.")  # fmt: skip


def _clean(text: str) -> str:
    """NFKC, straight quotes, no control or format characters, single spaces."""
    text = unicodedata.normalize("NFKC", text).translate(str.maketrans("“”„‘’`", "\"\"\"'''"))
    text = re.sub(r"\s*(?:→|->|=>)\s*", ": ", text)  # "brand → Lumen & Co"
    text = re.sub(r"«\s*(.*?)\s*»", r'"\1"', text)  # « French quotes »
    dropped = {"Cc", "Cf", "Sk"}  # controls, format marks, emoji skin tones
    kept = [
        " " if ch.isspace() else ""
        if unicodedata.category(ch) in dropped or "\ufe00" <= ch <= "\ufe0f" else ch
        for ch in text
    ]  # fmt: skip
    return " ".join("".join(kept).split())


def _split(text: str) -> list[tuple[str, str]]:
    """Clauses as (separator before it, clause), never inside quotes or a list of references.

    "the 2nd and 3rd images" and "beats 2, 3 and 5" name several targets of one request.
    """
    quoted = [m.span() for m in _QUOTED.finditer(text)]
    quoted += [m.span() for m in _REF_LIST.finditer(text)]
    out, start, sep = [], 0, ""
    for m in _SEP.finditer(text):
        if not any(a <= m.start() < b for a, b in quoted):
            out.append((sep, text[start : m.start()]))
            start, sep = m.end(), m.group()
    out.append((sep, text[start:]))
    return [(s, c) for s, c in out if c.strip()]


#: A clause that opens on a beat or chunk and says "again" or "anew" but no verb ("Clip 3
#: nochmal mit Veo", "clip 2 with wan anew", "the seventh image again, as a snowy forest").
_MAKING = r"(?:generate|make|create|draw|render|do|produce|build|shoot|paint)"
_AGAIN_LEAD = _compile(
    rf"^(?P<verb>{_MAKING} )?"
    r"(?P<r>(?:%BEATS%|%CHUNKS%))(?P<mid>(?: (?:with|using|on|via) (?:the )?%MODEL%)?),?"
    r"(?: please)? (?:again|anew|once more|one more time)\b,?(?P<rest>.*)$"
)
#: The same with "again" before the target, as French and Spanish say it ("génère à nouveau
#: l'image 2", "genera de nuevo la imagen 2").
_AGAIN_FIRST = _compile(
    rf"^(?P<verb>{_MAKING}) (?:again|anew|once more) (?P<r>(?:%BEATS%|%CHUNKS%))(?P<mid>)"
    r"(?P<rest>.*)$"
)
#: What may follow "<verb> <target> again" for it to be a new take: nothing, or a model, a
#: prompt after "with" or "but", another clause ("haz la escena 2 de nuevo más corta" is a
#: length, said again).
_AGAIN_REST = re.compile(r"\s*(?:$|[,;]|(?:with|using|via|on|but|please|and)\b)", re.I)


#: A place next to a beat, said with a degree word ("just before the offer", "right after").
_NEXT_TO = re.compile(r"\b(?:just|right|immediately|directly|straight) (after|before|behind|"
                      r"ahead of|in front of)\b", re.I)  # fmt: skip
#: A place between two beats ("between beats 5 and 6", "between the hook and the problem",
#: "between 5 and 6"); a number alone is a beat when no unit follows it ("20 and 30 seconds").
_NO_UNIT = r"(?! ?(?:s|secs?|seconds?|db|bpm|%|x)(?!\w))"
_BETWEEN = _compile(
    rf"\b(?:in )?between (?:(?P<a>%BEAT%)|(?P<an>%N%){_NO_UNIT}),? and (?:the )?"
    rf"(?:(?P<b>%BEAT%)|(?P<bn>%N%){_NO_UNIT})(?!\w)"
)


def _position(clause: str, ctx: Context) -> str:
    """Where a beat goes, as the rules say it: "between beats 5 and 6" is "after beat 5".

    Two neighbouring beats, in either order, name the place after the first of them, so a new
    or moved beat lands at position N+1 as with "after beat N". Two beats that are not
    neighbours ("between beats 2 and 6") leave the place open: the interpreter asks back.
    "just/right/immediately before X" is "before X".

    Raises:
        _Problem: the two beats are not neighbours, or one of them does not exist.
    """

    def after(m: re.Match[str]) -> str:
        a = _ref(m["a"] or f"beat {m['an']}", ctx, "beat")
        b = _ref(m["b"] or f"beat {m['bn']}", ctx, "beat")
        if abs(a - b) != 1:
            raise _Problem(
                f"Beats {a} and {b} are not next to each other, so 'between' them is no one "
                f"place: say where, e.g. 'after beat {min(a, b)}' or 'before beat {max(a, b)}'."
            )
        return f"after beat {min(a, b)}"

    clause = _NEXT_TO.sub(r"\1", clause)
    return _BETWEEN.sub(after, clause)


def _anew(clause: str) -> str:
    """A new take for German's "generiere ... neu", "mach ... neu"; "anew" says how, not what."""
    low = clause.lower()
    if re.search(r" anew\b", low) and (_REGEN_START.match(clause) or low.startswith("make ")):
        return re.sub(r"^make ", "regenerate ", re.sub(r" anew\b", "", clause), flags=re.I)
    return clause


def _again(clause: str) -> str:
    """A new take said with "again" as "regenerate <target> ...".

    Bare ("image 2 again") or after a verb of making ("generate image 2 again", "do chunk 3
    once more", "genera de nuevo la imagen 2"); other clauses come back unchanged.
    """
    if m := _AGAIN_LEAD.match(clause.strip()) or _AGAIN_FIRST.match(clause.strip()):
        if m["verb"] and not _AGAIN_REST.match(m["rest"]):
            return clause
        return f"regenerate {m['r']}{m['mid']}{m['rest']}"
    return clause


#: Words that make a request a standing instruction ("from now on, just keep going").
_STANDING = re.compile(r"\b(?:from (?:now|here) on|going forward|henceforth)\b", re.I)


#: Two ordinals sharing the noun after the second ("the first and the last beat"), which
#: reads as two references ("the first beat and the last beat").
_ORD_PAIR = re.compile(
    rf"\b(?P<a>(?:the )?{_ORD}) (?P<sep>and|or|&) (?P<b>the {_ORD}) "
    rf"(?P<noun>{_BEAT_NOUN}|chunk|clip|segment)s?\b",
    re.I,
)


#: The branch in view said without its name ("this branch", "the current version").
_THIS_BRANCH = re.compile(
    r"\b(?:this|the current|my|our|the present) (?:branch|version)\b"
    r"|\bthe (?:branch|version) (?:i'?m|we'?re|i am|we are) (?:on|in|looking at)\b",
    re.I,
)


#: Ways to say where a beat goes, each as the form the rules read (see :func:`_places`).
_PLACE_FORMS: list[tuple[re.Pattern[str], str]] = [
    # "the very last image": the last image
    (re.compile(r"\bvery (?=(?:last|first|final|end|beginning|start)\b)", re.I), ""),
    # "the image before last", "the one before the last": the penultimate one
    (re.compile(rf"\b(?:the )?({_BEAT_NOUN}|one|chunk|clip) before (?:the )?last\b", re.I),
     r"the penultimate \1"),
    # "bring the offer forward by one (place)": one place earlier; "back by two": later
    (re.compile(rf"\b(?:forwards?|up|ahead) (?:by )?({_NUM})(?: (?:places?|positions?|spots?|"
                r"slots?|steps?))?$", re.I), r"\1 places earlier"),
    (re.compile(rf"\b(?:back(?:wards?)?|down) (?:by )?({_NUM})(?: (?:places?|positions?|spots?|"
                r"slots?|steps?))?$", re.I), r"\1 places later"),
    # "after the third one": after the third beat
    (re.compile(rf"\b(after|before|behind|ahead of) (?:the )?({_ORD}) one\b", re.I),
     r"\1 the \2 beat"),
    # "every clip", "each chunk", "all the clips": all chunks
    (re.compile(r"\b(?:every|each|all(?: of)?(?: the)?) (?:video )?(?:chunks?|clips?|segments?)\b",
                re.I), "all chunks"),
    (re.compile(r"^all chunks (?=(?:with|using|on|in|via) )", re.I), "regenerate all chunks "),
    # "put a hook at the start": a new beat ("put the hook at the start" moves it)
    (re.compile(rf"^(?:put|place|stick|slot|throw) (?=(?:an?|another|one more|a new) (?:new )?"
                rf"{_TYPE})", re.I), "add "),
    # "beat 6 should go to position 2", "the offer must be at the end": a move; German
    # leaves the verb out ("Beat 6 soll an Position 2")
    (re.compile(rf"^(?P<b>{_BEAT}|(?:the )?{_TYPE}(?: beat)?) (?:should|must|needs to|has to|"
                r"can|could|will)(?: (?:go|come|move|be moved|sit|be|appear|land))?"
                rf" (?P<w>(?:to|at|in|into) (?:the )?(?:position {_NUM}|start|end|beginning|"
                rf"front|back|{_ORD}(?: place| position| spot| slot)?))$", re.I),
     r"move \g<b> \g<w>"),
]  # fmt: skip


_OPPOSITE_OF = {"loud": "quiet", "quiet": "loud", "bright": "dark", "dark": "bright",
                "fast": "slow", "slow": "fast", "long": "short", "short": "long",
                "warm": "cool", "cool": "warm"}  # fmt: skip
_NOT_ENOUGH = re.compile(
    rf"\b(?:(?P<v>is |are )not|(?P<n>is|are)n'?t|not) (?P<a>{'|'.join(_OPPOSITE_OF)}) enough\b",
    re.I,
)


def _too_opposite(m: re.Match[str]) -> str:
    verb = m["v"] or (f"{m['n']} " if m["n"] else "")
    return f"{verb}too {_OPPOSITE_OF[m['a'].lower()]}"


def _places(clause: str) -> str:
    """``clause`` with a beat's place said the way the rules read it (:data:`_PLACE_FORMS`)."""
    for pattern, repl in _PLACE_FORMS:
        clause = pattern.sub(repl, clause)
    return clause


def _type_spellings() -> list[tuple[re.Pattern[str], str]]:
    """A pattern per beat-type name of two or more words, for any way of joining its words.

    "before-and-after", "before & after", "before/after", "Before_After", "brand-story",
    "hero-shot", "call-to-action", "emotional moments": the words of a name from the beat
    library (or a longer alias) joined by spaces, hyphens, underscores, slashes, "&", "+" or
    "and", in any case, with a plural "s". Each reads as the name's spelling the rules know.
    """
    out: dict[tuple[str, ...], tuple[re.Pattern[str], str]] = {}
    names = [t.replace("_", " ") for t in BEAT_TYPES] + sorted(_TYPE_ALIASES, key=len)
    for name in names:
        words = tuple(w for w in re.split(r"[\s_/&+-]+", name) if w and w != "and")
        if len(words) < 2 or words in out:
            continue
        join = r"(?:\s*[-_/&+]\s*|\s+)(?:(?:and|n|'n')(?:\s*[-_]\s*|\s+))?"
        pattern = r"\b" + join.join(map(re.escape, words)) + r"(?:e?s)?\b"
        out[words] = (re.compile(pattern, re.I), name)
    return list(out.values())


_TYPE_SPELLINGS = _type_spellings()


def _type_names(clause: str) -> str:
    """``clause`` with beat-type names spelled as the rules know them (see above)."""
    clause = re.sub(r"(?<=\w)-(?=(?:beat|scene|shot)s?\b)", " ", clause)  # "before-after-beat"
    for pattern, name in _TYPE_SPELLINGS:

        def spelled(m: re.Match[str], name: str = name) -> str:
            said = m[0].lower()
            plural = said.removesuffix("s") == name or said.removesuffix("es") == name
            if said in _TYPE_ALIASES or re.fullmatch(r"[^\W_]+(?: [^\W_]+)*", said) and not plural:
                return m[0]  # known, or plain words ("a close up of hands"): as written
            return name

        clause = pattern.sub(spelled, clause)
    return clause


class _Negated(list[_Item]):
    """A clause that asks for an edit *not* to happen ("don't make the music louder").

    It is understood and adds no calls; :attr:`what` (the clause) goes into the reply when the
    message asks for nothing else.
    """

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what


#: A clause that opens on a negation, in the slot words every language reads into: "don't",
#: "do not", "never", "I don't want", "let's not", "no need to", and the "not"/"no" that the
#: French "ne ... pas", German "nicht" and Spanish "no" + verb read as.
_NEGATED_LEAD = re.compile(
    r"^(?:(?:no|nope|nah)\b[ ,]*)?(?:please )?(?:(?:i|we|you) (?:really )?(?:don'?t|do not|"
    r"didn'?t|did not) (?:want|need|mean|ask(?:ed)?)(?: (?:for|you|it))*(?: to)?|"
    r"(?:i|we) (?:never|would not|wouldn'?t) (?:want|like)(?: to)?|"
    r"don'?t|do not|never|not(?! (?:too|so|that|very|quite)\b)|let'?s not|let us not|no need to|"
    r"there'?s no need to)\b ?"
    r"(?P<rest>.*)$",
    re.I,
)
#: "keep the hook as it is", "leave the music alone": an explicit "no change" to a target.
_LEFT_ALONE = re.compile(
    r"^(?:keep|leave|let) (?P<rest>.+?) (?:as (?:it is|they are|is)|unchanged|untouched|alone|"
    r"the (?:same|way it is)|like (?:it is|that|this))$",
    re.I,
)
#: "keep the music", "leave beat 3": a target kept, with nothing said of how it should change.
_KEEP_TARGET = _compile(
    r"(?:keep|leave) (?P<rest>(?:the |my |our )?(?:music|soundtrack|track|song|palette|"
    r"colou?rs|lighting|light|camera|mood|title|brand|product|text|voiceover|voice|captions|"
    r"%BEATS%))(?: as well| too| alone| please)?"
)
#: A "not" that negates the verb or the change inside a clause: at its end (German "ändere
#: Szene 2 nicht": "change beat 2 not"), before a verb or a comparative ("make the music not
#: louder"), or twice (French "ne change pas": "not change not"); never "not too" (a degree).
_NEG_VERBS = _VERBS - {"it"} | {
    "touch",
    "touche",
    "modify",
    "raise",
    "lower",
    "speed",
    "slow",
    "want",
}
_NOT_VERBS = _alt(_NEG_VERBS | {"changed"})
_INNER_NOT = re.compile(rf"\bnot$|\bnot (?=\w+er\b|{_NOT_VERBS})|\bnot\b.*\bnot\b", re.I)


#: A "not" that asks for the thing after all: a suggestion ("why not", "how about"), a
#: reminder ("don't forget to"), or a condition ("if not").
_NOT_NEGATED = re.compile(
    r"\b(?:why|if|or|whether) not\b|^(?:please )?(?:don'?t|do not|never) (?:forget|fail|"
    r"hesitate)\b",
    re.I,
)


def _turns_off(item: _Item) -> bool:
    """Whether an item takes something away or stops asking.

    That is how the rules read a "no" that is a request of its own ("no music", "no text on
    beat 3", "don't burn the captions in", "don't stop").
    """
    args = item.args
    if isinstance(item, _Op):
        return args.get("op") == "set_beat" and args.get("on_screen_text") == ""
    return (
        item.tool in ("set_auto_continue", "set_captions")
        or (item.tool == "set_music_volume" and args.get("gain_db") == MUTE_DB)
        or (item.tool == "set_voice" and args.get("enabled") is False)
        or (item.tool == "set_voiceover" and args.get("text") == "")
    )


def _negated(clause: str, ctx: Context) -> _Negated | None:
    """The clause as a negated request, or None when it is not one.

    A negated pause ("don't stop", "no need to check with me") is no negated edit: the rules
    read it as auto-continue, so a reading that turns auto-continue on or off is kept.
    """
    core = _HEAD.sub("", _TAIL.sub("", clause)).strip()
    core = _QUOTED.sub("'…'", core)  # quoted words are text to show, never a negation
    lead = _NEGATED_LEAD.match(core)
    alone = _LEFT_ALONE.match(core) or _KEEP_TARGET.fullmatch(core)
    words = core.lower().split()
    after = [w.rstrip(",") for w in words[1:3] if w not in ("the", "it", "them")][:1]
    verb = after[0] if after else ""  # "no la subas" reads "no the raise"
    spanish_no = words[:1] == ["no"] and bool({verb, verb[:-1], verb[:-2]} & _NEG_VERBS)
    inner = _INNER_NOT.search(core) if not lead and not alone else None
    if not (lead or alone or spanish_no or inner) or _INSTEAD.search(core):
        return None
    if _NOT_NEGATED.search(core):
        return None  # "why not make it 20 seconds", "don't forget to add a hook": asked for
    if lead or alone:
        rest = (lead or alone)["rest"]  # type: ignore[index]
    elif spanish_no:
        rest = " ".join(core.split()[1:])
    else:
        rest = re.sub(r"\bnot\b", " ", core)
    rest = " ".join(rest.split())
    if PAUSES & set(re.findall(r"[a-z]+", rest.lower())):
        return None  # "don't stop", "don't ask me again": no edit to leave out
    whole = _parse(clause, ctx, negation=False)
    if (lead and isinstance(whole, list) and any(map(_turns_off, whole))
            and _parse(rest, ctx, negation=False) != whole):  # fmt: skip
        return None  # "I don't want any music", "don't burn the captions in": the rules' own
    if not rest:
        return None
    return _Negated(_own(clause.strip()))


def _parse(clause: str, ctx: Context, *, negation: bool = True) -> list[_Item] | _Problem | None:
    """The items one clause means, a problem with it, or None when no rule takes it.

    With ``negation``, a clause that asks for an edit not to happen is a :class:`_Negated`.
    """
    clause = _type_names(clause)  # "a before-and-after beat": the before and after type
    if re.fullmatch(r"[A-Za-z0-9][\w.-]*", ctx.branch):  # "this branch": the one in view, by name
        clause = _THIS_BRANCH.sub(ctx.branch, clause)
    clause = _ORD_PAIR.sub(r"\g<a> \g<noun> \g<sep> \g<b> \g<noun>", clause)
    clause = _places(clause)
    # "not loud enough": too quiet, the complaint the rules read
    clause = _NOT_ENOUGH.sub(_too_opposite, clause)
    clause = re.sub(r"\b(?:showed|featured)\b", "shows", clause)  # "I'd rather it showed X"
    if negation and (negated := _negated(clause, ctx)) is not None:
        return negated
    if (lead := _HEAD.sub("", clause).strip()) != (again := _again(lead)):
        clause = again  # "Clip 1 nochmal": regenerate chunk 1
    clause = _HEAD.sub("", _TAIL.sub("", clause)).strip()
    low = clause.lower()
    clause = _anew(clause)
    if re.search(r"\b(?:again|once more|one more time)\b", low):
        clause = _AGAIN.sub(r"\1", clause)  # "render chunk 3 again using veo": the same request
    clause = _APPROX.sub("", clause)  # "only 1.5 seconds", "around 90 bpm": the number
    if re.search(r"\b(?:between|before|after|behind|ahead|front)\b", low):
        try:
            clause = _position(clause, ctx)  # "between beats 5 and 6": after beat 5
        except _Problem as exc:
            return exc
    clause = re.sub(r"\bbrand[ -]new\b", "new", clause, flags=re.I)  # not the brand
    clause = _INSTEAD.sub(lambda m: f"{m['new']} {m['u1'] or m['u2']}", clause)  # "15, not 30 s"
    if re.match(r"(?:add|insert|append|put in) ", low):
        clause = _ADD_WHERE_FIRST.sub(r"\1 \3 \2", clause)  # "add at the end an offer beat"
    if "please" in low:
        clause = _PLEASE_AFTER_TARGET.sub(r"\1", clause)  # "the music please 4 dB louder"
    # "can the colours be more muted?" asks for the change: "make the colours more muted"
    clause = re.sub(r"^(?:can|could|would|should) (the [a-z' ]+?|it) (?:be|get|look|feel|sound) ",
                    r"make \1 ", clause, flags=re.I)  # fmt: skip
    clause = re.sub(
        r"^(\w+) (?:a bit|a little|slightly|somewhat) (?=the |my |our )", r"\1 ", clause
    )
    if "camera" in low:
        clause = _CAMERA_SPLIT.sub(r"\1 \2", clause)  # "tilt the camera down" -> "tilt down"
    # a verb-final clause puts the direction first ("nach links schwenken": "left pan")
    clause = re.sub(r"\b(left|right|up|down) (pan|tilt|zoom|push|pull|dolly)$", r"\2 \1", clause)
    clause = normalise(clause)  # "brighten the lighting": make the lighting brighter
    if not clause:
        return []
    if (scene := redraw(clause, _PATTERNS)) is not None:  # "put beat 2 on a beach"
        if (result := _rules(scene, ctx)) is not None:
            return result
    commands, complete = rephrase(clause, _PATTERNS)
    for command in commands if complete else []:  # a reading with a slot for every word
        if (result := _rules(command, ctx)) is not None:
            return result
    if (result := _rules(clause, ctx)) is not None:
        return result
    for command in commands:  # no rule takes the clause: the grammar's reading of its slots
        if (result := _rules(command, ctx)) is not None:
            return result
    return None


@functools.cache
def _compiled_rules() -> list[tuple[re.Pattern[str], Handler]]:
    """:data:`RULES` compiled, once, on first use.

    Compiling them all takes 1-2 s of CPU (``python -X importtime``), which every ``reelgraph``
    process would pay at import; only the ones that interpret an edit need them.
    """
    return [(_compile(p) if isinstance(p, str) else p, handler) for p, handler in RULES]


def _rules(clause: str, ctx: Context) -> list[_Item] | _Problem | None:
    """The items the first phrase rule that takes ``clause`` gives, its problem, or None."""
    for pattern, handler in _compiled_rules():
        if m := pattern.fullmatch(clause):
            try:
                items = handler(m, ctx)
            except _Problem as exc:
                return exc
            if items is not None:
                return items
    return None


_PATTERNS = Patterns(
    beats=_compile(r"\b(?:%BEATS%)(?!\w)"),
    chunks=_compile(r"\b(?:%CHUNKS%)(?!\w)"),
    model=_compile(r"\b%MODEL%(?!\w)"),
    duration=_compile(r"\b%DUR%"),
)
_REF_START = _compile(
    rf"(?:{_BEAT}|{_CHUNK}|(?:the )?{_ORD} ones?\b|"
    rf"(?:the )?{_ORD}(?=$| (?:with|using|via|on|as|in|to|a|an)\b)|"
    rf"%MODEL%\b|(?:the )?(?:product|brand|title|"
    r"music|soundtrack|palette|colou?rs|lighting|camera|mood|video|ad|spot|film|commercial)\b)"
)
_BARE = _compile(
    r"(?:(?:but|and|a bit|a little|a lot|much|more|even|slightly|way|somewhat),? )*"
    r"(?:%MOOD%|slower|faster|quicker)(?:,? (?:and |but )?(?:a bit |much |more |even )*"
    r"(?:%MOOD%|slower|faster|quicker))*"
)


def _elliptic(prev: str, clause: str) -> list[str]:
    """A clause that starts with a new target and no verb, completed with the verb before it.

    "make beat 2 a sunset and beat 4 a forest": "beat 4 a forest" -> "make beat 4 a forest";
    "use kling for chunk 2 and veo for chunk 5": "veo for chunk 5" -> "use veo for chunk 5";
    "redo the second image and the fifth one" -> "redo the fifth image". A clause that does not
    start with a beat, chunk, ordinal or model joins a value instead ("a dog and a cat").
    """
    head, body = _HEAD.sub("", prev).strip(), _HEAD.sub("", clause).strip()
    new_value = re.match(r"""(["'])(?:(?!\1).)+\1""", body)
    old_value = _QUOTED.search(head)
    old_ref = _REF_START.search(head)
    if new_value and old_value and old_ref:
        # 'put "A" on the first beat and "B" on the second': "B" on the second beat
        rest = body[new_value.end() :].strip()
        noun = re.search(rf"{_BEAT_NOUN}|chunk|clip|segment", old_ref[0], re.I)
        if rest and noun and not re.search(rf"{_BEAT_NOUN}|chunk|clip|segment", rest, re.I):
            rest = f"{rest} {noun[0]}"
        again = head[: old_value.start()] + new_value[0] + head[old_value.end() :]
        if rest and (ref := re.search(r"\b(?:on|to|in|for|at) (.+)$", rest)):
            again = (
                again.replace(old_ref[0], ref[1], 1)
                if old_ref.start() > old_value.start()
                else again
            )
        return [again]
    target = _REF_ANY.search(head)  # the beat or chunk the first clause is about
    noun = re.search(r"(beat|scene|shot|image|picture|frame|photo|chunk|clip|segment)",
                     target[0] if target else "", re.I)  # fmt: skip
    if noun:
        # a number alone stands for the same kind of target: "and 6 as a market", "and the 7
        # with a desert", "and hailuo for 4"
        body = _BARE_REF.sub(lambda m: f"{noun[1]} {m['n'] or m['n2']}", body, count=1)
        if not re.search(rf"\b{_BEAT_NOUN}|chunk|clip|segment", body, re.I):
            body = re.sub(rf"\b((?:the )?{_ORD})$", rf"\1 {noun[1]}", body, flags=re.I)
    too = _TOO.fullmatch(body)
    if target and too and (new := _REF_ANY.fullmatch(too["r"] or too["r2"])):
        # "redo chunk 2 with kling and chunk 5 too": the same request for chunk 5
        return [head[: target.start()] + new[0] + head[target.end() :]]
    start = _REF_START.match(body)
    if not start or not head:
        return []
    ref = _REF_START.search(head)
    if noun:
        body = re.sub(r"\bones?\b", noun[1], body, count=1)
        if m := re.match(rf"((?:the )?{_ORD})(?=$| (?:with|using|via|on|as|in|to|a|an)\b)", body,
                         re.I):  # fmt: skip
            body = f"{m[1]} {noun[1]}{body[m.end() :]}"  # "and the fourth with hailuo"
    verb = head.split()[0] + " "
    prefix = head[: ref.start()] if ref and ref.start() > 0 else verb
    model_first = bool(re.match(_FRAGMENTS["%MODEL%"], body, re.I))
    heads = [verb, prefix] if model_first else [prefix, verb]
    if model_first and ref and ref.start() == 0:
        heads = [""]  # "veo for clip 1, and hailuo for 4": the clause says it all
    out = [h + body for h in dict.fromkeys(heads)]
    start = _REF_START.match(body)
    quote = re.search(r"[\"']", head)
    if (start and ref and quote and ref.end() <= quote.start()
            and re.match(r"\s*[\"']", body[start.end() :])):  # fmt: skip
        # "the hook should say 'A' and the end card 'B'": the end card should say 'B'
        middle = head[ref.end() : quote.start()]
        out.insert(0, body[: start.end()] + middle + body[start.end() :].strip())
    if start and start.end() < len(body):  # "beat 2 should show X and beat 3 Y": "beat 3: Y"
        out.append(f"{body[: start.end()]}: {body[start.end() :].strip()}")
    return out


#: A number alone where a beat or chunk is meant, in a clause after one named it: at the
#: start before a preposition ("6 as a market"), or at the end after one ("hailuo for 4").
_BARE_REF = _compile(
    r"^(?:the )?(?P<n>\d+)(?= (?:with|using|via|on|as|in|into|to|a|an|too|also|as well)\b)"
    r"|(?:(?<=\bfor )|(?<=\bon )|(?<=\bto )|(?<=\bin ))(?:the )?(?P<n2>\d+)$"
)
#: A clause that asks for the same again with another target ("and chunk 5 too", "do the same
#: for beat 5", "same for the CTA").
_TOO = _compile(
    r"(?:also |and )?(?P<r>.+?),? (?:too|as well|also)"
    r"|(?:and )?(?:do |make it )?(?:the )?same (?:thing )?(?:for|with|to|on) (?P<r2>.+)"
)
_PRONOUN = re.compile(
    r"^(\S+(?: up| over| again)?) (?:it|that|this|that one|this one|them)\b(.*)$", re.I
)
#: Longest clause tried after joining pieces, characters (a description is at most 500): an
#: unknown message is not re-parsed as it grows, so interpreting stays linear in its length.
_MAX_CLAUSE_CHARS = 600
_REF_ANY = _compile(r"(?:%BEATS%|%CHUNKS%)")
_REF_LIST = _compile(r"\b(?:%BEATS%|%CHUNKS%)(?=[ ,.!?;]|$)")
_STYLE_END = re.compile(
    r"\b(?:lighting|light|lights|palette|colou?rs|tones|camera(?: work)?|"
    r"mood|vibe|feel|music|soundtrack)[ .!?]*$",
    re.I,
)
#: "15 instead of 30 seconds", "20s rather than 30s": the new value with its unit.
_INSTEAD = _compile(
    r"\b(?P<new>%N%) ?(?P<u1>s|secs?|seconds?|bpm|db)?,? (?:instead of|rather than|not) %N% ?"
    r"(?P<u2>s|secs?|seconds?|bpm|db)\b"
)
_APPROX = re.compile(r"\b(?:only|just|exactly|about|around|roughly|approximately|~) ?"
                     r"(?=\d+(?:\.\d+)? ?"
                     r"(?:s|secs?|seconds?|bpm|db)\b)", re.I)  # fmt: skip
_CAMERA_SPLIT = re.compile(r"\b(pan|tilt|zoom|push|pull|dolly|move)(?: the)? camera "
                           r"(left|right|up|down|in|out|back)\b", re.I)  # fmt: skip
_ADD_WHERE_FIRST = _compile(
    r"^(add|insert|append|put in) ((?:at|to) the (?:start|beginning|end|front)|(?:after|before) "
    r"%BEAT%) ((?:an? |another |a new |one more )?(?:%TYPE%|(?:beat|scene|shot)\b).*)$"
)
_PLEASE_AFTER_TARGET = _compile(r"(%MUSIC%|%BEAT%|%CHUNK%) please\b")
_REGEN_START = _compile(r"%REGEN%\b")
_AGAIN = _compile(r"((?:%BEATS%|%CHUNKS%)) (?:again|once more|one more time)\b")
_BARE_DUR = _compile(r"(?:(?:like|say|about|maybe|to|of|for|only|just) )*(?P<d>%DUR%)(?: long)?")
_MODIFIER = _compile(
    r"(?:something|anything|with|more|less|but|a bit|a little|slightly|much|kind of|sort of)\b.*"
    r"|[a-z-]+(?:ier|er)(?: and [a-z-]+(?:ier|er))?"
)


def _style_of(result: list[_Item] | _Problem | None) -> str | None:
    """The one style target of a result's ops ("palette", "lighting", ...), else None."""
    if not isinstance(result, list) or not result:
        return None
    fields = {
        "palette" if op.get("op") == "adjust_palette" else op.get("field")
        for op in (it.args if isinstance(it, _Op) else {} for it in result)
        if op.get("op") in ("adjust_palette", "set_style")
    }
    if len(fields) != 1 or not all(isinstance(it, _Op) for it in result):
        return None
    return str(fields.pop())


def _new_take(result: list[_Item] | _Problem | None) -> bool:
    """A new image or chunk without a prompt yet ("redo image 5", then ", brighter")."""
    return isinstance(result, list) and any(
        isinstance(it, ToolCall)
        and it.tool in ("regenerate_beat", "regenerate_chunk")
        and it.args.get("prompt") is None
        for it in result
    )


_THEM = re.compile(r"\b(?:them|they|it)\b", re.I)


def _about_captions(result: list[_Item] | _Problem | None) -> bool:
    return (
        isinstance(result, list)
        and bool(result)
        and all(isinstance(it, ToolCall) and it.tool == "set_captions" for it in result)
    )


def _about_music(result: list[_Item] | _Problem | None) -> bool:
    return isinstance(result, list) and any(
        (isinstance(it, ToolCall) and it.tool in ("regenerate_music", "set_music_volume"))
        or (isinstance(it, _Op) and it.args.get("op") == "set_music")
        for it in result
    )


def _clauses(text: str, ctx: Context) -> list[tuple[str, list[_Item] | _Problem | None]]:
    """Parse clause by clause; a clause no rule takes is joined to a neighbour and retried.

    Clauses opening with a verb join forward first ("use a black" + "gold palette"); others
    join backward first ("make beat 2 a dog" + "a cat").
    """
    pieces = _split(text)
    done: list[tuple[str, list[_Item] | _Problem | None]] = []
    i = 0
    while i < len(pieces):
        clause = pieces[i][1]
        result, used = _parse(clause, ctx), i
        prev_ok = bool(done) and isinstance(done[-1][1], list)
        asked_back = bool(done) and isinstance(done[-1][1], _Vague)  # "make beat 2 shorter"
        if result is None and (prev_ok or asked_back):
            for candidate in _elliptic(done[-1][0], clause):
                if (r := _parse(candidate, ctx)) is not None:
                    result = r
                    break
        core = _HEAD.sub("", _TAIL.sub("", clause)).strip()
        if (result is None and prev_ok and (nm := _ENOUGH.fullmatch(core))
                and _ops_of(done[-1][1], "set_duration")):  # fmt: skip
            result = _parse(f"make it {nm['n']} seconds", ctx)  # "... 30 seconds? 20 is enough"
        vague = done[-1][1] if done else None
        if (isinstance(vague, _Vague) and vague.op == "retime_beat"
                and (dm := _BARE_DUR.fullmatch(core))
                and (bm := _REF_ANY.search(done[-1][0]))):  # fmt: skip
            # "make beat 2 shorter, 3 seconds": the length of that beat
            result = _parse(f"make {bm[0]} {dm['d']}", ctx)
        recent = [c for c, _ in done[-3:] if len(c) <= _MAX_CLAUSE_CHARS]
        named = (
            [
                m[0]
                for c in recent
                for m in _REF_ANY.finditer(c)
                if m[0].lower().removeprefix("the ") not in ATTRIBUTES
            ]
            if result is None
            else []
        )
        if result is None and named and (pm := _PRONOUN.match(core)):  # "..., redo it"
            if (r := _parse(f"{pm[1]} {named[-1]}{pm[2]}", ctx)) is not None:
                result = r
        if result is None and named:  # "the 4th image looks off, try again": that image
            for candidate in (f"{core} {named[-1]}", f"{core} in {named[-1]}"):
                if (r := _parse(candidate, ctx)) is not None:
                    result = r
                    break
        if (isinstance(result, list) and named and done and named[-1] in done[-1][0]
                and (done[-1][1] is None or isinstance(done[-1][1], _Remark))):  # fmt: skip
            done[-1] = (done[-1][0], [])  # "the final frame looks blurry, redo it": a remark
        own_command = isinstance(result, list) and all(
            isinstance(it, ToolCall) and it.tool in _PIPELINE for it in result
        )  # "..., then finish it": "it" is the video, not the music
        own_command = own_command or (
            isinstance(result, list) and bool(result) and _style_of(result) is None
        )  # "make it 25 seconds"
        if prev_ok and _about_captions(done[-1][1]) and _THEM.search(core):
            captions = _THEM.sub("the captions", core, count=1)
            if _about_captions(r := _parse(captions, ctx)):  # "..., keep them as a soft track"
                result = r
        if (prev_ok and _about_music(done[-1][1]) and re.search(r"\bit\b", core, re.I)
                and not own_command):  # fmt: skip
            music = re.sub(r"\bit\b", "the music", core, count=1, flags=re.I)
            if _about_music(r := _parse(music, ctx)):  # "... and make it calmer": the music
                result = r
        if (prev_ok and _about_music(done[-1][1])
                and not (own_command and not _about_music(result))  # "with bigger captions"
                and (_BARE.fullmatch(core) or _MODIFIER.fullmatch(core))
                and not re.search(r"\b(?:louder|quieter)\b", core, re.I)
                and not re.search(_FRAGMENTS["%DUR%"], core, re.I)):  # fmt: skip
            joined = f"{done[-1][0]} {clause}"  # "regenerate the music, calmer": the music's
            if _about_music(r := _parse(joined, ctx)):
                done[-1] = (joined, r)
                i += 1
                continue
        if (result is None and prev_ok and _about_music(done[-1][1]) and len(core.split()) <= 4
                and core.split()[0].lower() not in _VERBS):  # fmt: skip
            prev = done[-1][0]
            tries = [prev + pieces[i][0] + clause, f"{prev} with {clause}", f"{prev} {clause}"]
            for joined in tries:
                if _about_music(r := _parse(joined, ctx)):  # "music: calm, acoustic guitar"
                    done[-1] = (joined, r)
                    break
            else:
                if _about_music(r := _parse(f"music with {clause}", ctx)):
                    done.append((clause, r))  # "music: calm, 85 bpm, acoustic guitar"
                    i += 1
                    continue
                joined = ""
            if joined:
                i += 1
                continue
        if prev_ok and _style_of(done[-1][1]) and _BARE.fullmatch(core):
            joined = f"{done[-1][0]} and {core}"  # "make the palette darker and moodier"
            if _style_of(r := _parse(joined, ctx)) == _style_of(done[-1][1]):
                done[-1] = (joined, r)
                i += 1
                continue
        if (
            prev_ok
            and _new_take(done[-1][1])
            and (_BARE.fullmatch(core) or re.match(r"(?:with|as|showing) \S", core, re.I))
        ):  # "redo image 5, brighter", "..., this time with snow"
            joined = f"{done[-1][0]} {core}"  # "redo image 5, brighter": that image, brighter
            if isinstance(r := _parse(joined, ctx), list) and not _new_take(r):
                done[-1] = (joined, r)
                i += 1
                continue
        tries = ["back", "forward"]
        if (_HEAD.sub("", clause).split() or [""])[0].lower() in _VERBS:
            tries.reverse()
        if (_BARE.fullmatch(core) and i + 1 < len(pieces)
                and _STYLE_END.search(pieces[i + 1][1])):  # fmt: skip
            joined = clause + pieces[i + 1][0] + pieces[i + 1][1]  # "softer, more natural light"
            if isinstance(r := _parse(joined, ctx), list):
                done.append((joined, r))
                i += 2
                continue
        if prev_ok and (result is None or isinstance(result, _Problem)):
            result = _carried(done[-1][0], core, ctx) or result  # "..., and put 'X' on it"
        for direction in tries if result is None else []:
            if direction == "forward":
                for j in range(i + 1, min(i + 3, len(pieces))):
                    joined = clause + "".join(s + c for s, c in pieces[i + 1 : j + 1])
                    if len(joined) <= _MAX_CLAUSE_CHARS and (r := _parse(joined, ctx)) is not None:
                        clause, result, used = joined, r, j
                        break
            elif done:
                joined = done[-1][0] + pieces[i][0] + clause
                r = _parse(joined, ctx) if len(joined) <= _MAX_CLAUSE_CHARS else None
                if r is not None or done[-1][1] is None:
                    done.pop()
                    clause, result = joined, r
            if result is not None:
                break
        done.append((clause, result))
        i = used + 1
    return done


_IT = re.compile(r"\b(?:it|that one|this one)\b", re.I)
#: A bare number after a clause about the ad's length: the length it should be instead.
_ENOUGH = _compile(
    r"(?:(?:just|only|maybe|rather|no) )*(?P<n>%N%)(?: ?(?:s|secs?|seconds?))?"
    r"(?: (?:is|are|would be|will be|should be|'s) (?:enough|fine|ok|okay|plenty|better|good|"
    r"right)| will do| works| then| instead)?"
)


def _ops_of(result: list[_Item] | _Problem | None, op: str) -> bool:
    """Whether a clause's result holds a spec op of the kind ``op``."""
    return isinstance(result, list) and any(
        isinstance(it, _Op) and it.args.get("op") == op for it in result
    )


def _carried(prev: str, core: str, ctx: Context) -> list[_Item] | None:
    """A clause that cannot be read alone, read with the one target the clause before named.

    "make beat 5 show a skateboarder and make it 3 seconds" (3 s is no ad length: beat 5's);
    "beat 3 should be a rooftop at night and last 4 seconds"; "change beat 1 to a sunrise and
    put 'Morning' on it"; "regenerate chunk 2 and use veo for it". Only per-beat and per-chunk
    results are taken: a length, on-screen text, a camera move, a new take.
    """
    if _REF_ANY.search(core):
        return None
    refs = [m[0] for m in _REF_ANY.finditer(prev)
            if m[0].lower().removeprefix("the ") not in ATTRIBUTES]  # fmt: skip
    if len(refs) != 1:
        return None
    if _IT.search(core):
        candidate = _IT.sub(refs[0], core, count=1)
    elif dm := re.search(_FRAGMENTS["%DUR%"], core, re.I):
        candidate = f"make {refs[0]} {dm[0]} long"
    else:
        return None
    result = _parse(candidate, ctx)
    if not isinstance(result, list) or not result:
        return None
    for it in result:
        op = it.args if isinstance(it, _Op) else {}
        per_target = (op.get("op") in ("retime_beat", "set_camera")
                      or (op.get("op") == "set_beat" and op.get("on_screen_text"))
                      or (isinstance(it, ToolCall)
                          and it.tool in ("regenerate_chunk", "regenerate_beat")))  # fmt: skip
        if not per_target:
            return None
    return result


def _renumber(ops: list[dict[str, Any]], beats: int) -> list[dict[str, Any]]:
    """Turn beat numbers as the user saw them into numbers valid when ops apply in order."""
    order: list[int] = list(range(1, beats + 1))  # original numbers; 0 for added beats
    out = []
    for op in ops:
        op = dict(op)
        before = op.pop("_before", -1)
        if "beat" in op:
            if op["beat"] not in order:
                raise _Problem(f"Beat {op['beat']} is already removed earlier in the message.")
            op["beat"] = order.index(op["beat"]) + 1
        slot = order.index(before) if before in order else len(order)
        if op["op"] == "remove_beat":
            order.pop(op["beat"] - 1)
            if not order:
                raise _Problem("An ad needs at least one beat.")
        elif op["op"] == "add_beat":
            op["position"] = None if before == -1 else slot + 1
            order.insert(slot, 0)
        elif op["op"] == "move_beat":
            moved = order.pop(op["beat"] - 1)
            slot = order.index(before) if before in order else len(order)
            if before not in order and before is not None:  # its neighbour went earlier in
                slot = min(op["position"] - 1, len(order))  # the message: the place as said
            order.insert(slot, moved)
            op["position"] = slot + 1
        out.append(op)
    return out


def _merge(
    ops: list[dict[str, Any]], same: Callable[[dict[str, Any]], Any]
) -> list[dict[str, Any]]:
    """Fold entries with the same ``same(entry)`` key (not None) into the first of them."""
    out: list[dict[str, Any]] = []
    for op in ops:
        key = same(op)
        first = next((o for o in out if key is not None and same(o) == key), None)
        if first is None:
            out.append(dict(op))
        elif op.get("op") == "set_style":  # "moodier and more playful": both words
            if op["value"] not in first["value"].split(" and "):
                first["value"] = f"{first['value']} and {op['value']}"
        else:
            first.update({k: v for k, v in op.items() if v is not None})
    return out


_ONCE = ("set_duration", "set_product", "set_title", "set_tagline", "set_music")  # later wins


def _assemble(items: list[_Item], ctx: Context) -> list[ToolCall]:
    """Final calls: acknowledgements dropped, spec ops in one edit_spec, continue last."""
    items = _chain_levels(items, ctx)
    if all(it in (_ACK, _CONTINUE) for it in items):
        return [_CONTINUE] if items else []
    calls: list[ToolCall] = []
    ops: list[dict[str, Any]] = []
    for op in (it.args for it in items if isinstance(it, _Op)):
        last = ops[-1] if ops else {}
        if (
            op["op"] == last.get("op") == "set_beat"
            and op["beat"] == last["beat"]
            and not any(op.get(k) and last.get(k) for k in op if k not in ("op", "beat"))
        ):
            # "change beat 1 to a sunrise, and put 'Morning' on it": one new beat 1
            ops[-1] = last | {k: v for k, v in op.items() if v is not None}
        else:
            ops.append(op)  # fmt: skip
    for it in items:
        if isinstance(it, _Op) and not any(c.tool == "edit_spec" for c in calls):
            ops = _merge(ops, lambda o: o["op"] if o["op"] in _ONCE else None)
            ops = _merge(ops, lambda o: o["field"] if o["op"] == "set_style" else None)
            calls.append(_call("edit_spec", ops=_renumber(ops, ctx.beats)))
        elif isinstance(it, ToolCall) and it != _ACK and it not in calls:
            calls.append(it)
    music = [c for c in calls if c.tool == "regenerate_music"]
    if len(music) > 1:  # "calmer music, 90 bpm" at refine: one new track
        first, merged = calls.index(music[0]), _merge([c.args for c in music], lambda a: 1)[0]
        calls = [c for c in calls if c.tool != "regenerate_music"]
        calls.insert(first, _call("regenerate_music", **merged))
    # "regenerate chunk 2 with kling and make it slower": one new take of chunk 2
    for tool, key in (("regenerate_chunk", "chunk"), ("regenerate_beat", "beat")):
        merged_calls: list[ToolCall] = []
        for c in calls:
            same = next((o for o in merged_calls if o.tool == tool == c.tool
                         and o.args[key] == c.args[key]), None)  # fmt: skip
            if same is None:
                merged_calls.append(c)
            else:
                args = same.args | {k: v for k, v in c.args.items() if v is not None}
                merged_calls[merged_calls.index(same)] = _call(tool, **args)
        calls = merged_calls
    if any(c != _STATUS for c in calls):
        calls = [c for c in calls if c != _STATUS]  # every door shows the status after the calls
    return [c for c in calls if c != _CONTINUE] + ([_CONTINUE] if _CONTINUE in calls else [])


def _describe(item: _Item) -> str:
    args = {k: v for k, v in item.args.items() if not k.startswith("_") and v is not None}
    name = args.pop("op") if isinstance(item, _Op) else item.tool
    shown = ", ".join(f"{k} {v!r}" for k, v in args.items())
    return name.replace("_", " ") + (f" ({shown})" if shown else "")


def _echo(text: str) -> str:
    return f'"{text[:60]}…"' if len(text) > 60 else f'"{text}"'


def interpret(text: str, ctx: Context) -> Interpretation:
    """Turn a chat message into tool calls, or into a reply when it cannot.

    Args:
        text: the user's message, any language of phrasing the rules know; at most
            :data:`MAX_TEXT_CHARS` characters. Treated as data, never as instructions.
        ctx: the pause and the counts of beats and chunks (beat and chunk numbers are 1-based).

    Returns:
        Calls in order and no reply; or no calls and a reply saying what was understood, what
        was not or why it cannot be done, and what is possible at ``ctx.phase``. Never both
        empty.
    """
    if len(text) > MAX_TEXT_CHARS:
        too_long = f"That message is too long ({len(text)} characters; the limit is "
        return Interpretation(
            reply=f"{too_long}{MAX_TEXT_CHARS}). Ask for a few changes at a time."
        )
    clean = _clean(text)
    reading = canonical(clean)
    token = _READING.set(reading)
    try:
        return _interpret(reading, ctx)
    finally:
        _READING.reset(token)


def _interpret(reading: Reading, ctx: Context) -> Interpretation:
    clean = reading.text
    if not clean:
        return Interpretation(reply="What would you like to change? " + possible(ctx.phase))
    whole_text = _type_names(_anew(_again(_HEAD.sub("", _TAIL.sub("", clean)).strip())))
    # "beat 6 should be at position 2" says where the beat goes, not what it shows
    scene = redraw(_places(whole_text), _PATTERNS, whole=True)
    if (scene is not None and _negated(whole_text, ctx) is None
            and isinstance(whole := _rules(scene, ctx), list) and whole):  # fmt: skip
        if calls := _assemble(whole, ctx):  # "beat 2: moody and dark, candlelit": one beat
            return Interpretation(calls=calls)
    done = _clauses(clean, ctx)
    items = [it for _, r in done if isinstance(r, list) for it in r]
    given = {it.args["op"] for it in items if isinstance(it, _Op)}
    problems = [
        str(r)
        for _, r in done
        if isinstance(r, _Problem) and not (isinstance(r, _Vague) and r.op in given)
    ]
    unknown = [c for c, r in done if r is None]
    if not problems and not unknown:
        try:
            if (calls := _assemble(items, ctx)) == [_CONTINUE] and _STANDING.search(clean):
                calls = [_AUTO, _CONTINUE]  # "from now on, keep going": at every pause to come
            if calls:
                return Interpretation(calls=calls)
            if negated := [r.what for _, r in done if isinstance(r, _Negated)]:
                said = "; ".join(map(_echo, negated))
                return Interpretation(
                    reply=f"Nothing to do: {said} asks for no change, and nothing else was "
                    f"asked. {possible(ctx.phase)}"
                )
            unknown = [clean]
        except _Problem as exc:
            problems = [str(exc)]
    unknown = [reading.original(c) for c in unknown]
    parts = problems + (
        [f"I did not understand {', '.join(map(_echo, unknown))}."] if unknown else []
    )
    understood = [_describe(it) for it in items if it != _ACK]
    if understood:
        parts.append(f"I understood: {'; '.join(understood)}. Nothing was changed yet.")
    if unknown:
        parts.append(possible(ctx.phase))
    return Interpretation(reply=" ".join(parts))
