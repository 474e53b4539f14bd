"""What the chat shows at a pause, built from a branch's status and spec (never from history).

Pure helpers: Markdown for the spec and the cost line, numbered storyboard thumbnails, and the
list of media to show per phase. ``ui.app`` turns them into Chainlit messages and elements.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from PIL import Image, ImageDraw, ImageFont

from agent.phases.effects import Effect
from agent.service.status import BranchInfo, BranchStatus
from agent.spec import Spec
from agent.state import Phase

#: Longest side of a storyboard thumbnail in the chat, pixels.
THUMB_PX = 480

#: The change the chat suggests at each pause; each one works there on a short ad
#: (tests/integration/test_edit_effects.py runs them).
SUGGESTED_EDIT: dict[Phase, str] = {
    "plan": "make it 15 seconds",
    "storyboard": "regenerate beat 2 as a sunset",
    "chunks": "regenerate chunk 2",
    "refine": "quieter music",
}


#: Where the browser fetches a chat history's image or video by element id (ui/chat_storage.py
#: serves it, owner-checked), relative to the chat's root.
FILE_ROUTE = "/reelgraph/chat-file"

#: Example briefs on the landing page (label, brief): each says its length and shape in words,
#: as users do, and the brief's words set them (:func:`agent.brief_options.options_from_brief`).
STARTERS = [
    ("Vertical sneaker reel", "A 15-second vertical ad for Lumen running shoes, energetic style"),
    ("Cold brew, 30 s", "A 30-second ad for Acme cold brew coffee, warm morning mood"),
    ("Square bakery teaser", "An 8-second square ad for Crumb bakery's new croissant, playful"),
]


@dataclass(frozen=True)
class Media:
    """One file to show: kind, label, path on disk, media type ("" for the kind's usual)."""

    kind: Literal["image", "video", "chunk", "audio", "file"]
    name: str
    path: Path
    mime: str = ""


#: A code span, left as it is by :func:`escape_directives`.
_CODE_SPAN = re.compile(r"(`+).+?\1", re.S)
#: A colon that starts a name, unescaped: ``:gpt-4o-mini`` in ``openai:gpt-4o-mini``.
_NAME_COLON = re.compile(r"(?<!\\):(?=[A-Za-z])")


def escape_directives(markdown: str) -> str:
    """``markdown`` with each colon that starts a name backslash-escaped; idempotent.

    Chainlit renders messages with remark-directive, which reads ``:name`` as a text
    directive and drops it: ``openai:gpt-4o-mini planning failed`` showed as ``openai planning
    failed``. An escaped colon (CommonMark backslash escape) renders as a plain colon. Code
    spans are left alone, where a backslash would show.
    """
    out, last = [], 0
    for m in _CODE_SPAN.finditer(markdown):
        out += [_NAME_COLON.sub(r"\\:", markdown[last : m.start()]), m.group(0)]
        last = m.end()
    out.append(_NAME_COLON.sub(r"\\:", markdown[last:]))
    return "".join(out)


def plural(n: int, noun: str) -> str:
    """``1 beat``, ``3 beats``: a count as users read it."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def beat_type(name: str) -> str:
    """A beat library type as users read it: ``call_to_action`` → ``call to action``."""
    return name.replace("_", " ")


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(text.replace("|", "\\|").split()) or "—"


def spec_markdown(spec: Spec) -> str:
    """The spec as a table of beats, then the style and the music brief."""
    rows = [
        "| Beat | Type | Time | Description | On-screen text | Voiceover |",
        "|---:|---|---|---|---|---|",
    ]
    for b in spec.beats:
        end = b.start_s + b.duration_s
        rows.append(
            f"| {b.index + 1} | {_cell(beat_type(b.type))} | {b.start_s:.1f}–{end:.1f} s"
            f" | {_cell(b.description)} | {_cell(b.on_screen_text)} | {_cell(b.voiceover)} |"
        )
    s, m = spec.style, spec.music
    return "\n".join(
        [
            # The title heads the message (:func:`headline`): the spec says its shape.
            f"**Spec:** {spec.duration_s:g} s, {spec.aspect}, {plural(len(spec.beats), 'beat')}",
            "",
            *rows,
            "",
            f"**Style:** {_cell(s.mood)}; lighting {_cell(s.lighting)}; camera {_cell(s.camera)};"
            f" palette {' '.join(s.palette)}",
            f"**Music:** {_cell(m.mood)}, {m.tempo_bpm} BPM, {m.key},"
            f" {_cell(', '.join(m.instruments))}",
        ]
    )


def cost_line(status: BranchStatus) -> str:
    """Cost so far and, at a pause, the pause's estimate for the next phase."""
    u = status.usage
    line = f"**Cost so far:** ${u.cost_usd:.2f} ({plural(u.calls, 'call')}, {u.reused} reused)"
    nxt = status.next_phase
    if status.status == "paused" and nxt:
        line += f" · **next ({nxt}) estimate:** ${status.estimate_next_usd or 0.0:.2f}"
        if status.estimate_error:
            line += f" (it would stop: {status.estimate_error})"
    return line


def numbered_thumb(src: Path, number: int, cache: Path) -> Path:
    """A thumbnail of a storyboard frame with its beat number drawn in the corner (cached)."""
    out = cache / f"{src.stem}-{number}.png"
    if out.exists():
        return out
    cache.mkdir(parents=True, exist_ok=True)
    with Image.open(src) as im:
        thumb = im.convert("RGB")
    thumb.thumbnail((THUMB_PX, THUMB_PX))
    draw = ImageDraw.Draw(thumb)
    size = max(14, thumb.height // 8)
    font = ImageFont.load_default(size=size)
    label = str(number)
    box = draw.textbbox((0, 0), label, font=font)
    pad = size // 3
    w, h = box[2] - box[0] + 2 * pad, box[3] - box[1] + 2 * pad
    draw.rectangle((0, 0, w, h), fill=(0, 0, 0))
    draw.text((pad - box[0], pad - box[1]), label, fill=(255, 255, 255), font=font)
    tmp = out.with_suffix(".tmp")
    thumb.save(tmp, format="PNG")
    tmp.replace(out)
    return out


def numbered(status: BranchStatus, prefix: str) -> list[tuple[int, str]]:
    """:func:`_numbered` over a branch status's artifacts."""
    return _numbered(status.artifacts, prefix)


def _numbered(arts: Iterable[str], prefix: str) -> list[tuple[int, str]]:
    """``(number as users count it, artifact name)`` for ``beat_00``, ``beat_01``…, in order.

    Sorted by the number itself, so ``beat_10`` comes after ``beat_9`` whatever the padding.
    """
    out = []
    for name in arts:
        rest = name.removeprefix(prefix)
        if name.startswith(prefix) and rest.isdigit():
            out.append((int(rest) + 1, name))
    return sorted(out)


def differing_beats(a: BranchStatus, b: BranchStatus) -> list[int]:
    """The beats (numbered from 1) whose storyboard frames differ between two branches.

    A beat that one branch has and the other has not differs too.
    """
    names = {name for _, name in numbered(a, "beat_") + numbered(b, "beat_")}
    out = []
    for n, name in _numbered(names, "beat_"):
        x, y = a.artifacts.get(name), b.artifacts.get(name)
        if x is None or y is None or x.sha256 != y.sha256:
            out.append(n)
    return out


def chunk_name(number: int) -> str:
    """The chat's name of chunk ``number`` (1-based), unique and not a prefix of another."""
    return f"chunk-{number}.mp4"


def media(status: BranchStatus, thumbs: Path, local: Callable[[str], Path]) -> list[Media]:
    """The files to show for the branch's phase, in the order users read them.

    Storyboard: one numbered thumbnail per beat, beat 1 first. Chunks: the stitched preview,
    then each chunk (kind ``"chunk"``: a file, not a player, named by :func:`chunk_name`). Refine or
    complete: the final video, its music, a download.

    ``local`` maps an artifact's sha256 to a local file (``ArtifactStore.local_path``, which
    downloads from S3 on a cold cache), so this blocks: run it in a thread.
    """
    arts = status.artifacts
    phase, done = status.phase, status.status == "complete"

    def file(name: str) -> Path:
        return local(arts[name].sha256)

    out: list[Media] = []
    if phase == "storyboard":
        for n, name in _numbered(arts, "beat_"):
            path = numbered_thumb(file(name), n, thumbs / arts[name].sha256[:16])
            out.append(Media("image", f"Beat {n}", path))
    elif phase == "chunks":
        if "stitched" in arts:
            out.append(Media("video", "Stitched preview", file("stitched")))
        for n, name in _numbered(arts, "chunk_"):
            out.append(Media("chunk", chunk_name(n), file(name)))
    elif phase == "refine" or done:
        if "final" in arts:
            out.append(Media("video", "Final video", file("final")))
        if "music" in arts:
            out.append(Media("audio", "Music", file("music")))
        if "voiceover" in arts:
            out.append(Media("audio", "Voiceover", file("voiceover"), "audio/wav"))
        if "final" in arts:
            out.append(Media("file", download_name(status), file("final")))
    return out


def download_name(status: BranchStatus) -> str:
    """``<title>-<branch>.mp4``: the final video's file name for a download."""
    title = "".join(c if c.isalnum() else "-" for c in (status.title or "reelgraph"))
    return f"{title.strip('-')[:60] or 'reelgraph'}-{status.branch}.mp4"


def chunk_table(
    status: BranchStatus,
    spans_s: list[tuple[int, float, float]] | None,
    model: str,
    chosen: Mapping[str, str | None] | None = None,
) -> str:
    """The chunks as a compact table: chunk (named as its file), beat, time range, model.

    Args:
        status: the branch's status (:meth:`agent.studio.Studio.status`).
        spans_s: per chunk in playback order, ``(beat index, start_s, end_s)`` on the ad's
            timeline (from :func:`agent.phases.chunks.plan_chunks`); ``None`` when unknown,
            and then the table has no beat and time columns.
        model: the branch's video model.
        chosen: artifact name → the model a chunk was regenerated with, when known
            (:meth:`agent.service.chat.Views.chosen_models`).
    """
    chosen = chosen or {}
    chunks = _numbered(status.artifacts, "chunk_")
    if spans_s is not None and len(spans_s) != len(chunks):
        spans_s = None

    def model_of(name: str) -> str:
        return f"`{chosen.get(name) or model}`"

    if spans_s is None:
        rows = ["| Chunk | Model |", "|---|---|"]
        rows += [f"| {chunk_name(n)} | {model_of(a)} |" for n, a in chunks]
    else:
        rows = ["| Chunk | Beat | Time | Model |", "|---|---:|---|---|"]
        for (n, a), (beat, start_s, end_s) in zip(chunks, spans_s, strict=True):
            rows.append(
                f"| {chunk_name(n)} | {beat + 1} | {start_s:.1f}–{end_s:.1f} s | {model_of(a)} |"
            )
    return "\n".join(rows)


def is_final(status: BranchStatus) -> bool:
    """True once the branch has its final video: complete, or paused at the refine review."""
    return status.status == "complete" or (status.status == "paused" and status.phase == "refine")


def headline(status: BranchStatus) -> str:
    """One line: title, branch, where it is (``complete`` once the final video exists)."""
    if is_final(status):
        where = "complete"
    else:
        where = status.status + (f" at {status.phase}" if status.phase else "")
    title = status.title or status.prompt[:60]
    return f"### {_cell(title)}\nBranch `{status.branch}` — {where}"


def progress_text(phase: str, item: str, done: int, total: int) -> str:
    """``Running storyboard… 3/9 (beat 3)``."""
    kind, _, number = item.rpartition("_")
    label = f"{kind} {int(number) + 1}" if kind and number.isdigit() else item
    return f"Running {phase}… {done}/{total}" + (f" ({label})" if label else "")


#: The title of each phase's progress step in the chat.
PHASE_TITLES = {
    "plan": "Plan",
    "storyboard": "Storyboard",
    "chunks": "Video chunks",
    "refine": "Music and final mix",
}


def phase_progress(phase: str, item: str, done: int, total: int) -> str:
    """What a phase has done so far, as users count: ``beat 3 of 9 drawn``.

    Args:
        phase: plan, storyboard, chunks or refine.
        item: the item that finished last (``beat_02``, ``chunk_04``, ``stitched``, ``music``).
        done: items finished in this phase so far.
        total: items in the phase (the chunks phase counts its stitch as one more).
    """
    if phase == "plan":
        return "spec written" if done else "writing the spec"
    if phase == "storyboard":
        return f"beat {done} of {total} drawn"
    if phase == "chunks":
        chunks = max(total - 1, 1)
        if item == "stitched":
            return f"{chunks} of {chunks} chunks rendered and stitched"
        return f"chunk {min(done, chunks)} of {chunks} rendered"
    if phase == "refine":
        return "final video mixed" if item == "final" else "music made, mixing the final video"
    return f"{done} of {total} done"


def effect_lines(effects: Iterable[Effect]) -> list[str]:
    """What an edit changed, one chat line per effect, numbered from 1.

    Effects as :mod:`agent.phases.effects` measures them.

    A change the edit asked for is plain; one smaller than asked is a warning; an unchanged
    result says so in bold with its reason, so a no-op never reads as a success.
    """
    lines = []
    for e in effects:
        message = e.message[:1].upper() + e.message[1:]
        if not e.targeted:
            lines.append(f"Note: {message}.")
        elif e.outcome == "changed":
            lines.append(f"{message}.")
        elif e.outcome == "slight":
            lines.append(f"**Only a small change.** {message}.")
        elif e.outcome == "pending":
            lines.append(f"{message}.")
        else:
            lines.append(f"**Nothing visible changed.** {message}.")
    return lines


def invitation(phase: str | None) -> str:
    """What a pause invites the user to do, with an example that works at ``phase``."""
    example = next((text for at, text in SUGGESTED_EDIT.items() if at == phase), None)
    if example is None:
        return "Continue, or tell me what to change."
    return f"Continue, or tell me what to change (for example *{example}*)."


def branch_tree(tree: list[BranchInfo], current: str) -> str:
    """The branches as an indented tree, each child under its parent, oldest first.

    Args:
        tree: :meth:`agent.studio.Studio.branches`.
        current: the branch in view, marked.
    """
    children: dict[str | None, list[BranchInfo]] = {}
    names = {b.name for b in tree}
    for b in tree:
        parent = b.parent if b.parent in names else None
        children.setdefault(parent, []).append(b)
    lines = ["**Branches**", ""]

    def walk(parent: str | None, depth: int) -> None:
        for b in children.get(parent, []):
            where = "complete" if b.status == "complete" else f"{b.status} at {b.phase or '—'}"
            fork = f", forked from `{b.parent}` at {b.fork_phase}" if b.parent else ""
            mark = " ← in view" if b.name == current else ""
            lines.append(f"{'    ' * depth}- `{b.name}`: {where}{fork}{mark}")
            walk(b.name, depth + 1)

    walk(None, 0)
    return "\n".join(lines)


def storyboards_side_by_side(
    rows: list[tuple[str, list[Path]]], out: Path, height_px: int = 160
) -> Path:
    """One image: a labelled row of numbered storyboard frames per branch, beats aligned.

    Args:
        rows: per branch, its name and its frames in beat order.
        out: where to write the PNG.
        height_px: height of each frame in the image, pixels.
    """
    label_px = max(90, height_px // 2 + 40)
    pad = 8
    scaled: list[tuple[str, list[Image.Image]]] = []
    for name, frames in rows:
        ims: list[Image.Image] = []
        for n, path in enumerate(frames, start=1):
            with Image.open(path) as im:
                frame: Image.Image = im.convert("RGB")
            frame = frame.resize((max(1, frame.width * height_px // frame.height), height_px))
            draw = ImageDraw.Draw(frame)
            font = ImageFont.load_default(size=max(14, height_px // 7))
            box = draw.textbbox((0, 0), str(n), font=font)
            draw.rectangle((0, 0, box[2] - box[0] + 8, box[3] - box[1] + 8), fill=(0, 0, 0))
            draw.text((4 - box[0], 4 - box[1]), str(n), fill=(255, 255, 255), font=font)
            ims.append(frame)
        scaled.append((name, ims))
    width = label_px + max((sum(i.width + pad for i in ims) for _, ims in scaled), default=0)
    sheet = Image.new("RGB", (width, len(scaled) * (height_px + pad) + pad), (255, 255, 255))
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.load_default(size=18)
    for row, (name, ims) in enumerate(scaled):
        y = pad + row * (height_px + pad)
        draw.text((pad, y + height_px // 2 - 10), name, fill=(0, 0, 0), font=font)
        x = label_px
        for frame_im in ims:
            sheet.paste(frame_im, (x, y))
            x += frame_im.width + pad
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    sheet.save(tmp, format="PNG")
    tmp.replace(out)
    return out
