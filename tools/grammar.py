"""Slot grammar of the offline interpreter: one clause → (target, attribute, value) → a command.

A clause (already read into English slot words by :mod:`tools.lexicon`) is taken apart into
slots, whatever their order:

- **values** with a form of their own: quoted text, a video model name, a level in dB, a tempo
  in BPM, a length in seconds, an ordinal that names a position ("second", "last");
- **targets**: beats and chunks (as :mod:`tools.interpreter`'s reference patterns find them),
  the music, the whole ad;
- **attributes** from small word classes (:data:`ATTRIBUTES`): on-screen text, brand, product,
  title, mood, lighting, camera, palette, level, tempo, length;
- **directions** (louder/quieter, up/down), negated pauses ("don't stop", "without pausing"),
  finishing words, and fillers that carry no slot.

:func:`rephrase` maps the slots by one table (:func:`_table`) onto the interpreter's canonical
command for them ("the hook needs the text 'X'" → ``change the text on the hook to 'X'``;
"a little quieter on the music" → ``quieter music``), which the interpreter's rules then turn
into tool calls, with their range checks. A reading is *complete* when every word of the
clause was a slot or a filler: the interpreter trusts a complete reading before its phrase
rules, and an incomplete one only for clauses no rule takes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: Attribute words → attribute. A clause may name several; :func:`_table` decides by priority.
ATTRIBUTES: dict[str, str] = {
    **dict.fromkeys("text texts headline overlay words wording say says saying read reads "
                    "write written label".split(), "text"),
    **dict.fromkeys("caption captions subtitle subtitles subs".split(), "captions"),
    **dict.fromkeys("voice voices voiceover voiceovers voice-over vo narration narrator "
                    "narrators narrate narrated speaker speech spoken speak speaks "
                    "speaking".split(), "voice"),
    **dict.fromkeys("brand company maker rebrand rebranded rebranding".split(), "brand"),
    **dict.fromkeys("product item selling advertising promoting featuring".split(), "product"),
    **dict.fromkeys("genre".split(), "music"),
    **dict.fromkeys("title".split(), "title"),
    **dict.fromkeys("mood vibe vibes feel feeling atmosphere".split(), "mood"),
    **dict.fromkeys("lighting light lights illumination".split(), "lighting"),
    **dict.fromkeys("camera camerawork cinematography".split(), "camera"),
    **dict.fromkeys("palette colours colors colour color tones".split(), "palette"),
    **dict.fromkeys("volume level gain".split(), "level"),
    **dict.fromkeys("tempo pace".split(), "tempo"),
    **dict.fromkeys("length duration runtime".split(), "length"),
}  # fmt: skip
#: Camera moves said as verbs ("pan left", "tilts up") and the directions that follow them.
CAMERA_VERBS = frozenset("pan pans panning tilt tilts tilting zoom zooms zooming push pushes "
                         "pull pulls dolly dollies orbit orbits orbiting "
                         "static".split())  # fmt: skip
DIRECTIONS = frozenset("left right up down in out back".split())
#: Words that say a camera does not move, said of the camera ("keep the camera still").
STILL = frozenset("still steady fixed motionless stationary locked unmoving".split())
#: Camera styles for the whole ad ("shoot it handheld").
CAMERA_STYLES = frozenset("handheld steadicam gimbal drone aerial tripod locked-off "
                          "documentary".split())  # fmt: skip
#: Positions said as words: the start (1) or the end (0).
PLACES = {"start": 1, "beginning": 1, "front": 1, "end": 0, "last": 0}
MUSIC = frozenset("music soundtrack track song score tune audio".split())
WHOLE = frozenset("ad video spot film commercial thing whole entire overall everything "
                  "throughout all".split())  # fmt: skip
UP = frozenset("louder raise raised boost increase up higher bump".split())
DOWN = frozenset("quieter lower lowered reduce decrease down cut softer-volume dip "
                 "drop".split())  # fmt: skip
#: Directions of a step in the music's level, for a gain in dB ("pull the music back by 5 dB",
#: "nudge it up 2 dB"); the last one said wins ("bring it back up").
GAIN_UP = UP | {"louder"}
GAIN_DOWN = DOWN | {"back", "quieter", "softer", "duck", "ducked", "tame"}  # "3 dB softer"
#: Verbs that move or place a level and say nothing of their own ("nudge", "sit", "dial").
GAIN_VERBS = frozenset("nudge nudged sit sits sitting dial ease knock crank pump tone "
                       "pull pulled push pushed".split())  # fmt: skip
#: Words that silence the music ("the music completely off", "mute the soundtrack").
SILENCE = frozenset("off mute muted silence silent silenced kill".split())
#: Words that make a cut a whole one ("cut the music completely": off).
TOTAL = frozenset("completely entirely altogether totally fully".split())
NEGATION = frozenset("don't dont not no without never stop quit skip".split())
#: Words that turn something off or take it away ("captions off", "drop the narration").
OFF = frozenset("off remove removed hide disable disabled drop kill mute muted delete lose cut "
                "none rid".split())  # fmt: skip
#: Verbs that take their object away ("cut the music", "ditch the soundtrack"); with a
#: degree ("cut the music down", "drop it a bit", "by 3 dB") they only lower a level.
REMOVE = OFF - {"off", "none", "hide"} | frozenset(
    "ditch ditched scrap scrapped strip eliminate axe nix dump omit skip silence".split()
)
#: Verbs that take away with a particle ("take out the music", "leave the music out").
REMOVE_PHRASAL = frozenset("take leave pull strip cut get".split())
AWAY = frozenset({"out", "away"})
#: Degree words: a removal verb with one of them only lowers ("cut the music a bit").
DEGREE = frozenset("bit little slightly touch tad somewhat notch".split())
#: Words that turn something (back) on.
ON = frozenset("on back enable enabled restore".split())
#: Words that ask for another one of something ("a different voice").
#: Words that describe a kind of voice rather than name one ("a female voice", "a deeper voice").
VOICE_KINDS = frozenset("male female man woman man's woman's men's women's masculine feminine "
                        "boy girl child kid deep deeper low lower high higher older younger "
                        "british american australian".split())  # fmt: skip
OTHER = frozenset("another different other next alternative".split())
#: Caption settings: size and mode words (:data:`SetCaptionsArgs` of :mod:`tools.schemas`).
CAPTION_WORDS = {
    **dict.fromkeys("bigger larger big large huge enlarge increase".split(), "bigger"),
    **dict.fromkeys("smaller small tiny shrink reduce".split(), "smaller"),
    **dict.fromkeys("soft track optional toggle toggleable selectable separate".split(), "soft"),
    **dict.fromkeys("burn burned burnt burn-in burned-in hard hardcoded hard-coded baked "
                    "permanent onscreen on-screen visible".split(), "burn"),
}  # fmt: skip
#: Words that set the music against something else in the mix ("under the voice").
RELATION = frozenset("under underneath beneath below behind against relative compared "
                     "versus vs over above".split())  # fmt: skip
#: Loudness as a complaint about what is named first: it covers the other (the music "drowns
#: out the voice"), or it cannot be heard (the voice is "hard to hear", "buried").
COVERS = frozenset("overpowering overpowers overpower drowns drown drowning buries bury masks "
                   "masking covers swamps".split())  # fmt: skip
COVERED = frozenset("hear heard audible inaudible drowned buried masked swamped "
                    "lost".split())  # fmt: skip
#: Adjectives of level, a complaint after "too" ("the voice is too quiet").
LOUD, QUIET = frozenset({"loud"}), frozenset("quiet faint weak low soft".split())
PAUSES = frozenset("stop stopping pause pauses pausing approval approvals approve asking ask "
                   "checking check checks waiting wait confirm confirmation confirming "
                   "review reviews breaks".split())  # fmt: skip
AUTO = frozenset("automatically automatic auto autopilot yourself unattended".split())
FINISH = frozenset("finish final finalise finalize export wrap done ship publish deliver "
                   "release".split())  # fmt: skip
RELATIVE = frozenset("longer shorter more less extra".split())
#: Verbs that change a length ("shorten the hook by a second").
RESIZE = frozenset("shorten shortened lengthen lengthened extend extended trim stretch "
                   "by".split())  # fmt: skip
SWAP = frozenset("swap switch exchange trade".split())
COMPARE = frozenset("compare comparison better worse differ differs different difference "
                    "differences diff versus vs or against between which branch branches "
                    "changed side stack stacks compares measure measures".split())  # fmt: skip
#: Words that ask how two versions differ or which is better (not only name a branch).
CONTRAST = frozenset("compare comparison better worse best differ differs different difference "
                     "differences diff changed".split())  # fmt: skip
#: Values that say no direction ("make it look good"): a question, not an edit.
VAGUE = frozenset("good better best nice nicer great greater awesome amazing perfect different "
                  "interesting fine ok okay right special".split())  # fmt: skip
#: Words that ask what the video cost.
COST = frozenset("cost costs costed spent spend spending bill expensive breakdown money "
                 "price".split())  # fmt: skip
#: Phrases that hand the rest of the run over ("go on without me", "end to end").
_HAND_OVER = re.compile(
    r"\b(?:without me|without us|end to end|all the way(?: through)?|on "
    r"(?:your|its) own|by (?:yourself|itself)|(?:run|go|continue|keep going|carry on|finish)\b"
    r".*\b(?:to|until|till) the (?:end|finish))\b",
    re.I,
)
ORDINALS = {w: i + 1 for i, w in enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth".split())}  # fmt: skip
#: Words that carry no slot: verbs of asking and making, articles, prepositions, degree words.
FILLERS = frozenset(
    "a an the of for to on in at by with and it its it's this that these is are be been being "
    "should could would can will must might may shall make makes set change changed switch turn "
    "give put get have has want need needs like i i'd we we'd me us you your our my let let's "
    "please pls now just more much bit little slightly somewhat very really so some "
    "lot tiny touch than there here go going keep use using called named name rename renamed "
    "new now then also anymore any longer from onto into instead over time rest way look looks "
    "sound sounds feels feel become becomes being do does doing try bring take render rendering "
    "run runs running continue continuing proceed long lasts only exactly about around roughly "
    "approximately maybe perhaps we're i'm it's we've move moved place shift again once "
    "another stretch extend lengthen shorten trim expand how what what's show tell mode".split()
)


@dataclass
class Slots:
    """What one clause says, by slot (words in clause order)."""

    quoted: str | None = None
    model: str | None = None
    db: float | None = None
    db_absolute: bool = False  # the level is said as a place ("at -15 dB"), not a step
    bpm: int | None = None
    duration: str | None = None
    beats: list[str] = field(default_factory=list)
    chunks: list[str] = field(default_factory=list)
    attributes: list[str] = field(default_factory=list)
    branches: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)  # every word left after the value slots
    value: list[str] = field(default_factory=list)  # words of no class: a free value

    def has(self, *words: str) -> bool:
        """Whether any of ``words`` is in the clause (lower case)."""
        return any(w in self.words for w in words)


@dataclass(frozen=True)
class Patterns:
    """The interpreter's patterns for the spans the grammar does not define itself."""

    beats: re.Pattern[str]
    chunks: re.Pattern[str]
    model: re.Pattern[str]
    duration: re.Pattern[str]


_QUOTED = re.compile(r"""(?<!\w)(["'])((?:(?!\1).)+)\1(?!\w)""")
_NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}  # fmt: skip
_DB = re.compile(rf"(?<![\w.])((?:minus |plus )?[+−-]?\d+(?:\.\d+)?|{'|'.join(_NUMBER_WORDS)}) ?"
                 r"(?:dbs?|decibels?)\b", re.I)  # fmt: skip
#: Words before a level that say where it sits, not how far it moves ("at -15 dB").
_AT_LEVEL = re.compile(r"(?:\b(?:at|to|around|of)|[:=])\s*$", re.I)
_BPM = re.compile(r"\b(\d{2,3}) ?(?:bpm|beats per minute|beats a minute)\b", re.I)
_BRANCH = re.compile(r"\b(?:main|[a-z]+-\d+)\b(?![.-]\w)", re.I)
_WORD = re.compile(r"[\w'&.+-]+")


#: Verbs made from an adjective ("brighten the lighting"): the adjective they make more of.
_VERB_ADJECTIVES = {"brighten": "brighter", "darken": "darker", "soften": "softer",
                    "lighten": "lighter", "deepen": "deeper", "sharpen": "sharper",
                    "warm up": "warmer", "cool down": "cooler", "calm down": "calmer",
                    "liven up": "livelier"}  # fmt: skip
_VERB_OBJECT = re.compile(
    rf"^({'|'.join(_VERB_ADJECTIVES)}) ((?:the |my |our )?[\w ]+?)(?: (up|down))?$", re.I
)


def normalise(clause: str) -> str:
    """A verb made from an adjective, in the grammar's word order.

    "brighten the lighting" -> "make the lighting brighter" (the object is kept as written).
    """
    if (m := _VERB_OBJECT.match(clause)) and len(m[2].split()) <= 4:
        return f"make {m[2]} {_VERB_ADJECTIVES[m[1].lower()]}"
    return clause


#: Verbs that change what a beat's picture shows ("put beat 2 on a beach", "turn beat 1 into a
#: forest", "redo beat 8 in a stadium"); the scene follows one of :data:`SCENE_PREPOSITIONS`.
#: "make ... off/from beat N" is German's "mach aus Szene N ..." as :mod:`tools.lexicon` reads it.
REDRAW_VERBS = frozenset(
    "make put place set move take turn transform convert regenerate redo redraw rerender "
    "re-render render draw show change switch bring send drop relocate shift stage shoot "
    "film".split()
)
#: Prepositions that lead from a beat to the scene it should show ("an" only before an article:
#: German's "an einen Strand").
SCENE_PREPOSITIONS = r"(?:into|in|onto|on|at|to|as|an(?= (?:a|an|the)\b))"
#: Where a beat goes when it is moved rather than redrawn ("move beat 3 to position 6").
_PLACE_WORDS = (
    r"(?:(?:the )?(?:position|place|slot|spot|number|no\.?) ?\d+|\d+(?:st|nd|rd|th)?"
    r"|(?:the )?(?:start|beginning|front|end|back|top|bottom|middle)|(?:right |just )?"
    r"(?:after|before|behind|ahead of|between|next to)\b.*|(?:the )?(?:\w+ )?"
    r"(?:place|position|slot|spot)|(?:the )?(?:first|second|third|fourth|fifth|sixth|"
    r"seventh|eighth|ninth|tenth|last|penultimate)(?: one)?)"
)
#: Words of a move by places ("move beat 3 two places later").
_MOVED = r"\b(?:places?|positions?|slots?|spots?|earlier|later|forwards?|backwards?)$"
#: Words that make a free-standing description something else than a scene.
_NOT_SCENE = frozenset().union(UP, DOWN, OFF - {"cut"}, RELATIVE, PAUSES, FINISH, AUTO, MUSIC,
                               WHOLE - {"all"}, COST, RESIZE, SWAP)  # fmt: skip
_LOOK = r"(?:should|must|needs? to|has to|could|can) (?:look|feel|be|seem|show)(?: like)? "


#: A second target said without its noun after a separator ("..., and 6 as a market", "and the
#: fifth one into a park"): the start of another clause, never part of a scene.
_ELLIPTIC_TARGET = re.compile(
    r"(?:,|;| and| then)\s+(?:and\s+)?(?:the\s+)?(?:\d+(?:st|nd|rd|th)?|"
    + "|".join([*ORDINALS, "last"])
    + r")(?: one\b|\s*(?::|\b(?:as|into|in|on|at|to|with|a|an)\b))",
    re.I,
)


#: Another request for the same thing after a separator ("..., and do the same for beat 5").
_SAME_AGAIN = re.compile(r"(?:,|;| and| then)\s+(?:and\s+)?(?:do |make it )?(?:the )?same\b", re.I)


def redraw(clause: str, patterns: Patterns, *, whole: bool = False) -> str | None:
    """A request to show a beat as another scene, as the canonical ``make <beat> <scene>``.

    The clause is a verb of :data:`REDRAW_VERBS` (or none), one beat, a preposition of
    :data:`SCENE_PREPOSITIONS` (or, after a verb, none) and the scene: "put beat 2 on a rooftop",
    "beat 6 into a park", "take the third beat to a market". The colon binds a beat to its scene
    ("beat 4: a city street at night"), as does "beat 3 should look …". With ``whole`` the
    clause is a whole message, whose scene may hold commas and "and" ("beat 2 moody and dark,
    candlelit"); then the scene must carry no slot of another request (an attribute, a value
    with a form of its own, another target, a direction).

    Args:
        clause: one clause (or with ``whole``, one message) in the grammar's English slot words.
        patterns: the interpreter's reference patterns.
        whole: whether ``clause`` is a whole message not yet split into clauses.

    Returns:
        ``make <beat> <scene>``, or None when the clause is no such request (a move to a
        position, a length, another request).
    """
    text = clause.strip().rstrip("?.! ")
    verb = re.match(rf"(?:(?:please|could you|can you|would you) )?({'|'.join(REDRAW_VERBS)}) "
                    r"(?:(?:off|from) )?", text, re.I)  # fmt: skip
    rest = text[verb.end() :] if verb else text
    ref = patterns.beats.match(rest)
    if ref is None or re.search(r"(?:,| and| &)\s*$", ref[0]) or re.search(r",| and | & ", ref[0]):
        return None
    after = rest[ref.end() :]
    link = re.match(rf"\s*(?::|(?: please)? {SCENE_PREPOSITIONS} |,? {_LOOK})\s*", after, re.I)
    if link is None and not verb and not whole:
        return None
    scene = after[link.end() :] if link else after.strip()
    if link is None and verb and verb[1].lower() != "make":
        return None  # "show beat 3", "redo the second image and the fifth": no scene
    if (not scene or re.match(r"[\d.,]", scene) or re.fullmatch(_PLACE_WORDS, scene, re.I)
            or re.search(_MOVED, scene, re.I)):  # fmt: skip
        return None  # "move beat 3 to position 6", "beat 2 to 4 seconds": not a scene
    if whole and (_ELLIPTIC_TARGET.search(scene) or _SAME_AGAIN.search(scene)):
        return None  # "beat 2 as a harbour, and 6 as a market": a second target, clause by clause
    if whole and any(w in REDRAW_VERBS or w in ("it", "redo-it") for w in
                     re.findall(r"[\w']+", scene.lower())):  # fmt: skip
        return None  # "the last frame looks blurry, redo it": a remark, then a request
    slots = read(scene, patterns)
    looks = {"lighting", "mood", "palette"} if link else set()  # "beat 4: warm lighting"
    if (set(slots.attributes) - looks or slots.quoted or slots.model or slots.db is not None
                or slots.bpm or slots.duration or slots.beats or slots.chunks or slots.branches
            or any(w in _NOT_SCENE for w in slots.words)):  # fmt: skip
        return None
    if whole and not (link or verb):
        if not re.search(r",| and ", scene):
            return None  # "beat 2 moody": the interpreter's rules, clause by clause
    return f"make {ref[0].strip()} {scene.strip()}"


def read(clause: str, patterns: Patterns) -> Slots:
    """The slots of one clause (slot words in English, as :mod:`tools.lexicon` reads them)."""
    slots, rest = Slots(), clause
    if m := _QUOTED.search(rest):
        slots.quoted, rest = m[0], rest[: m.start()] + " " + rest[m.end() :]
    for pattern, key in ((_DB, "db"), (_BPM, "bpm")):
        if m := pattern.search(rest):
            word = m[1].lower()
            word = word.replace("minus ", "-").replace("plus ", "+").replace("−", "-")
            number = float(_NUMBER_WORDS.get(word, word))
            setattr(slots, key, int(number) if key == "bpm" else number)
            if key == "db":
                slots.db_absolute = bool(_AT_LEVEL.search(rest[: m.start()]))
            rest = rest[: m.start()] + " " + rest[m.end() :]
    for m in reversed(list(_BRANCH.finditer(rest))):
        slots.branches.insert(0, m[0])
        rest = rest[: m.start()] + " " + rest[m.end() :]
    if m := patterns.model.search(rest):
        slots.model, rest = m[0], rest[: m.start()] + " " + rest[m.end() :]
    if m := patterns.duration.search(rest):
        slots.duration, rest = m[0], rest[: m.start()] + " " + rest[m.end() :]
    for pattern, found in ((patterns.chunks, slots.chunks), (patterns.beats, slots.beats)):
        for m in reversed(list(pattern.finditer(rest))):
            if re.sub(r"^the |'s$", "", m[0].strip().lower()) in ATTRIBUTES:
                continue  # "the brand": an attribute, not the brand-story beat
            found.insert(0, m[0].strip())
            rest = rest[: m.start()] + " " + rest[m.end() :]
    rest = re.sub(r"\bbrand[ -]new\b", "new", rest, flags=re.I)  # not the brand
    for word in _WORD.findall(rest):
        low = word.lower().strip(".")
        if low.endswith("'s") and (low[:-2] in ATTRIBUTES or low[:-2] in MUSIC):
            low = low[:-2]  # "the brand's called X": the brand is called X
        slots.words.append(low)
        if low in ATTRIBUTES:
            attribute = ATTRIBUTES[low]
            if attribute == "captions" and slots.beats:
                attribute = "text"  # "the caption on beat 3": that beat's on-screen text
            slots.attributes.append(attribute)
        elif low in MUSIC:
            slots.attributes.append("music")
        elif not _known(low):
            slots.value.append(word.strip("."))
    if {"music", "voice"} <= set(slots.attributes):  # "the music softer under the voice"
        slots.value = [w for w in slots.value if w.lower() != "softer"]
    return slots


#: Words of no class that still carry no free value ("too", "silent", "this version").
_OTHER_KNOWN = frozenset("shoot film shot time keep too can't cannot barely hardly one version "
                         "current mix nothing silent silence empty blank as style "
                         "background gets got getting entirely completely altogether totally "
                         "fully but them phase phases step steps stage stages did didn't "
                         "each every after made two both".split())  # fmt: skip
# "softer" stays a free value ("softer lighting"); with a level in dB it is a step down
_OTHER_KNOWN = _OTHER_KNOWN | GAIN_VERBS | GAIN_DOWN - {"softer"} | SILENCE


def _known(word: str) -> bool:
    classes = (
        FILLERS,
        WHOLE,
        UP,
        DOWN,
        NEGATION,
        PAUSES,
        AUTO,
        FINISH,
        RELATIVE,
        SWAP,
        ORDINALS,
        COMPARE,
        COST,
        CAMERA_VERBS,
        STILL,
        DIRECTIONS,
        PLACES,
        OFF,
        ON,
        OTHER,
        CAPTION_WORDS,
        RELATION,
        COVERS,
        COVERED,
        LOUD,
        QUIET,
        REMOVE,
        AWAY,
        DEGREE,
        _OTHER_KNOWN,
    )
    return any(word in c for c in classes)


def rephrase(clause: str, patterns: Patterns) -> tuple[list[str], bool]:
    """Canonical commands the clause may mean, best first, and whether its reading is complete.

    Args:
        clause: one clause in English slot words, without leading politeness.
        patterns: the interpreter's beat, chunk, model and duration patterns.

    Returns:
        (commands, complete): commands in the interpreter's own phrasing, to be parsed by its
        rules (which resolve references and check ranges); complete is True when no word of
        the clause was left without a slot. ([], False) when the table has no row for it.
    """
    slots = read(clause, patterns)
    commands = _table(slots, clause)
    if not commands and _HAND_OVER.search(clause) and not (slots.beats or slots.chunks):
        commands = ["turn on auto-continue"]  # "you can go on without me"
    level_step = slots.db is not None and {w.lower() for w in slots.value} <= {"softer"}
    return commands, not slots.value or level_step  # "the music softer by 2 dB": a step


def _level_against_voice(s: Slots) -> list[str]:
    """The music's level against the voice, as a signed step in dB; [] if no level is said.

    The first of music and voice named is what the direction words are about: "the music
    down 4 dB under the narration" is -4, "the voice is too quiet" and "I can't hear the
    narrator over the music" are the music down (-3 without a number).
    """
    words = s.words
    targets = [(i, 1 if w in MUSIC else -1) for i, w in enumerate(words)
               if w in MUSIC or ATTRIBUTES.get(w) == "voice"]  # fmt: skip
    # a target after "under", "against", "over the" is the reference, not what changes
    main = [t for t in targets if not ({*words[max(0, t[0] - 2) : t[0]]} & RELATION)] or targets
    subject = main[0][1]  # +1: the music; -1: the voice
    down = s.has(*DOWN, "softer")  # against the voice, "softer" is a level
    if s.has(*UP) != down:
        louder = 1 if s.has(*UP) else -1
        at = next(i for i, w in enumerate(words) if w in UP or w in DOWN or w == "softer")
        before = [t for t in main if t[0] < at]
        subject = before[-1][1] if before else subject  # "the voice is fine, music up 2 dB"
    elif s.has(*COVERS) or s.has("too") and s.has(*LOUD):
        louder = -1  # what is named first is too loud
    elif s.has(*COVERED) or s.has("too") and s.has(*QUIET):
        louder = 1  # what is named first cannot be heard
    else:
        return []
    size = abs(s.db) if s.db is not None else 6 if s.has("much", "way", "lot", "far") else 3
    sign = louder * subject
    return [f"music against the voice by {sign * size:+g} dB"]


def _voice_and_captions(s: Slots) -> list[str]:  # noqa: PLR0911 - one row per request
    """Rows for the voiceover and the captions (issue 13's edits).

    A beat's line ("the voiceover on beat 3 should be 'X'", "no narration on the hook"), the
    voice on, off, another or a named one, the music's level against the voice, and the
    captions' mode (burned in, soft track, off) or size.
    """
    attrs = s.attributes
    beat = s.beats[0] if len(s.beats) == 1 else None
    off = s.has(*NEGATION) or s.has(*OFF)
    if "captions" in attrs and "voice" not in attrs:
        music = [w for w in s.words if w in MUSIC and w != "track"]  # "as a soft track"
        asks = [w for w in s.value if w.lower() not in ("add", "include", "want")]
        if s.beats or s.chunks or asks or s.quoted or music:
            return []
        sizes = {CAPTION_WORDS[w] for w in s.words if CAPTION_WORDS.get(w) in ("bigger", "smaller")}
        modes = {CAPTION_WORDS[w] for w in s.words if CAPTION_WORDS.get(w) in ("soft", "burn")}
        if len(sizes) == 1:
            return [f"captions {sizes.pop()}"]
        if "soft" in modes:
            return ["captions soft"]
        if "burn" in modes:
            return ["captions soft" if off else "captions burn"]
        if off:
            return ["captions off"]
        return ["captions burn"] if s.has(*ON) or asks != s.value else []  # "add subtitles"
    cut = {"cut", "drop", "dip"} if "music" not in attrs and s.db is None else set()
    if s.has(*OFF) and not (s.has(*(UP | DOWN) - cut) or "music" in attrs or s.db is not None):
        pass  # "cut the narration": the voice off, below
    elif (
        "music" in attrs
        or s.db is not None
        or s.has(*UP, *DOWN, *COVERS, *COVERED, "too", "softer")
    ):
        if s.beats or s.chunks or s.value or s.quoted:
            return []
        return _level_against_voice(s)
    if beat and not s.chunks and not s.value:
        if s.quoted:
            return [f"voiceover of {beat} to {s.quoted}"]
        if off or s.has("nothing", "silent", "silence", "empty"):
            return [f"voiceover of {beat} to nothing"]
        return []
    if s.beats or s.chunks or s.quoted or set(attrs) - {"voice"}:
        return []
    name = s.value[0].lower() if len(s.value) == 1 else ""
    at = s.words.index(name) if name in s.words else -1
    near = {*s.words[max(0, at - 1) : at], *s.words[at + 1 : at + 2], *s.words[at - 2 : at]}
    if name in VOICE_KINDS and not off:
        return [f"voiceover kind {name}"]  # "a female voice": a kind, never a voice's name
    if name and not off and {"voice", "voices"} & near:
        return [f"voiceover voice {name}"]  # "use the nova voice", "voice to nova"
    if s.value:
        return []
    if s.has(*OTHER) or s.has("change", "switch", "swap", "new"):
        return ["voiceover another voice"]
    if off:
        return ["voiceover off"]
    return ["voiceover on"] if s.has(*ON) else []


def _gain(s: Slots) -> str:
    """The music's gain as the interpreter's command: a level where it sits, or a step.

    "at -15 dB", "to -8 dB", "music -10 dB" (a sign, no direction) name the gain itself; a
    direction word ("pull back", "nudge up", "drop", "louder") makes the number a step of that
    sign ("by 5 dB"): a step from the branch's current gain, which the interpreter adds.
    """
    directions = [w for w in s.words if w in GAIN_UP or w in GAIN_DOWN]
    if s.db_absolute or not directions or s.db is None:
        return f"set the music to {s.db or 0:g} dB"
    size = f"{abs(s.db):g}"
    up = directions[-1] in GAIN_UP and not (directions[-1] == "up" and s.has("pull", "tone"))
    return f"raise the music by {size} dB" if up else f"lower the music by {size} dB"


def _name(words: list[str], clause: str) -> str:
    """Free words as the name they span in ``clause``, with the words of a class inside it.

    "we're selling the Glow Up lip balm now": "Glow Up lip balm" ("Up" is a direction word
    elsewhere). A span that holds an attribute or target word is no one name: the free words.
    """
    edge = r"(?<![\w'&.+-]){}(?![\w'&.+-])"
    first = re.search(edge.format(re.escape(words[0])), clause)
    last = list(re.finditer(edge.format(re.escape(words[-1])), clause))
    if first and last and last[-1].end() > first.start():
        start = first.start()
        while m := re.search(r"(?:^|\s)([A-Z][\w'&.+-]*)\s+$", clause[:start]):
            if m[1].lower() in ATTRIBUTES or m[1].lower() in MUSIC:
                break
            start = m.start(1)  # "Orbit Labs": a capital word of a class opens the name
        span = clause[start : last[-1].end()]
        inside = [w.lower() for w in _WORD.findall(span)]
        if not any(w in ATTRIBUTES or w in MUSIC for w in inside) and len(inside) <= 2 * len(words):
            return span
    return " ".join(words)


def _table(s: Slots, clause: str) -> list[str]:  # noqa: C901, PLR0911, PLR0912 - one row per slot shape
    """(target, attribute, value) → canonical commands; one row per shape, first match wins."""
    attrs, beat = s.attributes, (s.beats[0] if len(s.beats) == 1 else None)
    free = " ".join(s.value)
    takes_free = {
        "brand",
        "product",
        "camera",
        "lighting",
        "mood",
        "palette",
        "music",
        "voice",
        "captions",
    }
    camera = s.has(*CAMERA_VERBS) or any(w.lower() in CAMERA_STYLES for w in s.value)
    if s.value and not (takes_free & set(attrs) or camera):
        return []  # words no slot takes, and no row that takes a free value
    if "voice" in attrs or "captions" in attrs:
        return _voice_and_captions(s)
    said = {w for w in s.words if ATTRIBUTES.get(w) in ("text", "captions")}
    if s.quoted and beat and set(attrs) == {"text"} and said <= {"say", "says", "saying"} and said:
        return [f"say {s.quoted} on {beat}"]  # spoken or shown: the pause decides
    if len(s.branches) == 2 and s.has(*COMPARE) and not (attrs or s.beats or s.chunks):
        return [f"compare {s.branches[0]} and {s.branches[1]}"]
    if len(s.branches) < 2 and s.has(*CONTRAST) and not (attrs or s.beats or s.chunks):
        if s.branches:  # "what's different between this branch and main?"
            return [f"compare with {s.branches[0]}"]
        if s.has("branch", "branches"):  # "which branch is better?"
            return ["compare the branches"]
    shown = "text" in attrs or s.has("show", "shows", "display", "displays", "anzeigen")
    if s.quoted and beat and not s.chunks and shown:
        return [f"change the text on {beat} to {s.quoted}"]
    takes_away = s.has(*REMOVE, *OFF) or s.has(*REMOVE_PHRASAL) and s.has(*AWAY, "off")
    if (beat and set(attrs) == {"text"} and not (s.value or s.quoted or s.chunks or s.duration)
            and (takes_away or s.has("no", "without"))):  # fmt: skip
        return [f"remove the text from {beat}"]  # "take the words off the last beat"
    if s.quoted and not s.beats and not s.chunks:
        for attr, command in (("brand", "rename the brand to"), ("product", "change the product "
                              "to"), ("title", "call it")):  # fmt: skip
            if attr in attrs:
                return [f"{command} {s.quoted}"]
    name = bool(s.value) and (s.value[0][:1].isupper() or any(c.isdigit() for c in free))
    for attr, command in (("brand", "rename the brand to"), ("product", "change the product to")):
        if attr in attrs and name and not (s.beats or s.chunks or s.quoted):
            return [f"{command} {_name(s.value, clause)}"]
    if s.has(*NEGATION) and s.has(*PAUSES) and not (s.beats or s.chunks or attrs):
        return ["turn on auto-continue"]
    if s.has(*AUTO) and not (s.beats or s.chunks or attrs or s.value or s.has(*OFF)):
        return ["turn on auto-continue"]
    if (
        s.has(*COST)
        and not (s.beats or s.chunks or attrs or s.value or s.quoted)
        and not s.has("make", "look", "looks", "feel", "sound")
    ):  # "look more expensive"
        return ["show cost"]
    if s.has(*FINISH) and not (s.beats or s.chunks or attrs or s.value or s.duration):
        return ["finish it"]
    if s.chunks and s.model and not (s.beats or attrs or s.value or s.quoted):
        return [f"regenerate {s.chunks[0]} with {s.model}"]
    if (s.db is not None and attrs and set(attrs) <= {"music", "level"}
            and not {w.lower() for w in s.value} - {"softer"}):  # fmt: skip
        return [_gain(s)]
    if (s.db is not None and not (attrs or s.beats or s.chunks or s.value or s.quoted)
            and (s.db_absolute or s.has(*GAIN_UP, *GAIN_DOWN))):  # fmt: skip
        return [_gain(s)]  # "then 3 dB louder": a level in dB is the music's, the only one
    removal = s.has(*REMOVE) or s.has(*REMOVE_PHRASAL) and s.has(*AWAY, "off")
    degree = s.has(*(GAIN_UP | GAIN_DOWN) - REMOVE, *DEGREE) or "level" in attrs
    if (
        "music" in attrs
        and set(attrs) <= {"music", "level"}
        and (
            removal
            and not degree
            and s.db is None
            or s.has(*SILENCE)
            or s.has(*OFF)
            and s.has(*TOTAL)
            or s.has("no", "without")
            and not s.has(*GAIN_DOWN)
            or s.has("don't", "dont", "not")
            and s.has("want", "need")  # "I don't want music"
        )
        and not (s.has(*GAIN_UP) or s.beats or s.chunks or s.value or s.quoted)
    ):
        return ["mute the music"]  # "turn the music completely off", "cut the music"
    if s.bpm is not None and not s.value and attrs and set(attrs) <= {"music", "tempo"}:
        return [f"music at {s.bpm} bpm"]
    relative = bool(
        s.has("by", "add", "adding", "extra", "another", "plus")
        or (
            s.duration
            and re.search(
                re.escape(s.duration) + r",? ?(?:longer|shorter|more|less)\b", clause, re.I
            )
        )
    )  # "two seconds longer" is relative; "shorter: 2 seconds" names the length
    if s.duration and not (relative or s.chunks or s.value) and set(attrs) <= {"length"}:
        if beat:
            return [f"make {beat} {s.duration} long"]
        if not s.beats:
            return [f"make it {s.duration}"]
    if (
        "music" in attrs
        and not (s.beats or s.chunks or s.value)
        and set(attrs) <= {"music", "level"}
    ):
        much = "much " if s.has("much", "way", "lot", "far") else ""
        if s.has(*UP) and not s.has(*DOWN):
            return [f"make the music {much}louder"]
        if (s.has(*DOWN) or s.has(*COVERS)) and not s.has(*UP):
            return [f"make the music {much}quieter"]  # also "the music drowns everything"
    if len(s.beats) == 2 and s.has(*SWAP) and not (attrs or s.value):
        return [f"swap {s.beats[0]} and {s.beats[1]}"]
    places = [ORDINALS.get(w, PLACES.get(w)) for w in s.words if w in ORDINALS or w in PLACES]
    if (
        beat
        and len(places) == 1
        and not (attrs or s.value or s.duration or s.chunks)
        and not s.has(*CAMERA_VERBS)
    ):  # "zoom out at the end of beat 9": a camera move
        to = "the end" if places[0] == 0 else f"position {places[0]}"
        if s.has("before", "after") or s.has(*RELATIVE, *RESIZE):
            return []  # "shorten the hook by a second": a length, not a place
        return [f"move {beat} to {to}"]
    moves = [i for i, w in enumerate(s.words)
             if w in CAMERA_VERBS or "camera" in attrs and w in STILL]  # fmt: skip
    if beat and moves and not (s.chunks or s.duration or "music" in attrs):
        verb = re.sub(r"(?:e?s|ing)$", "", s.words[moves[0]]).replace("dolli", "dolly")
        verb = "static" if verb in STILL else verb  # "keep the camera still in beat 6"
        after = [w for w in s.words[moves[0] + 1 :] if w in DIRECTIONS]
        after = [w for w in after if w != "in"] or after  # "pans in beat 4 right": right
        defaults = {"zoom": "in", "push": "in", "dolly": "in", "pull": "out", "static": "shot"}
        default = defaults.get(verb, "")
        return [f"{verb} {after[0] if after else default} in {beat}".replace("  ", " ")]
    styles = [w for w in s.value if w.lower() in CAMERA_STYLES]
    if styles and not (s.beats or s.chunks or set(attrs) - {"camera"}):
        return [f"make the camera {free}"]
    for attr in ("camera", "lighting", "mood"):
        if attr in attrs and free and not (s.beats or s.chunks) and "music" not in attrs:
            return [f"make the {attr} {free}"]
    if "palette" in attrs and free and not (s.beats or s.chunks):
        return [f"{free} colours"]
    if set(attrs) == {"music"} and free and not (s.beats or s.chunks):
        return [f"change the music to {free}"]
    return []
