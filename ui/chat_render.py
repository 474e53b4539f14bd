"""What the chat shows at a pause, built from a branch's status and spec (never from history).

Pure helpers: Markdown for the spec and the cost line, numbered storyboard thumbnails, and the
list of media to show per phase. ``ui.app`` turns them into Chainlit messages and elements.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from PIL import Image, ImageDraw, ImageFont

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


@dataclass(frozen=True)
class Media:
    """One file to show: kind, label, path on disk, media type ("" for the kind's usual)."""

    kind: Literal["image", "video", "audio", "file"]
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
            f"| {b.index + 1} | {_cell(b.type)} | {b.start_s:.1f}–{end:.1f} s"
            f" | {_cell(b.description)} | {_cell(b.on_screen_text)} | {_cell(b.voiceover)} |"
        )
    s, m = spec.style, spec.music
    return "\n".join(
        [
            f"**{_cell(spec.title)}** — {spec.duration_s:g} s, {spec.aspect},"
            f" {len(spec.beats)} beats",
            "",
            *rows,
            "",
            f"**Style:** {_cell(s.mood)}; lighting {_cell(s.lighting)}; camera {_cell(s.camera)};"
            f" palette {' '.join(s.palette)}",
            f"**Music:** {_cell(m.mood)}, {m.tempo_bpm} BPM, {m.key},"
            f" {_cell(', '.join(m.instruments))}",
        ]
    )


def cost_line(status: dict[str, Any], payload: dict[str, Any]) -> str:
    """Cost so far and the estimate for the next phase."""
    u = status["usage"]
    line = f"**Cost so far:** ${u['cost_usd']:.2f} ({u['calls']} calls, {u['reused']} reused)"
    nxt = payload.get("next_phase")
    if status["status"] == "paused" and nxt:
        line += f" · **next ({nxt}) estimate:** ${float(payload.get('estimate_next_usd', 0)):.2f}"
        if payload.get("estimate_error"):
            line += f" (it would stop: {payload['estimate_error']})"
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


def media(status: dict[str, Any], thumbs: Path, local: Callable[[str], Path]) -> list[Media]:
    """The files to show for the branch's phase: storyboard, chunks, or final video and music.

    ``local`` maps an artifact's sha256 to a local file (``ArtifactStore.local_path``, which
    downloads from S3 on a cold cache), so this blocks: run it in a thread.
    """
    arts: dict[str, dict[str, Any]] = status["artifacts"]
    phase, done = status["phase"], status["status"] == "complete"

    def file(name: str) -> Path:
        return local(arts[name]["sha256"])

    out: list[Media] = []
    if phase == "storyboard":
        for name in sorted(n for n in arts if n.startswith("beat_")):
            n = int(name.removeprefix("beat_")) + 1
            path = numbered_thumb(file(name), n, thumbs / arts[name]["sha256"][:16])
            out.append(Media("image", f"Beat {n}", path))
    elif phase == "chunks":
        for name in sorted(n for n in arts if n.startswith("chunk_")):
            n = int(name.removeprefix("chunk_")) + 1
            out.append(Media("video", f"Chunk {n}", file(name)))
        if "stitched" in arts:
            out.append(Media("video", "Stitched", file("stitched")))
    elif phase == "refine" or done:
        if "final" in arts:
            out.append(Media("video", "Final video", file("final")))
        if "music" in arts:
            out.append(Media("audio", "Music", file("music")))
        if "voiceover" in arts:
            out.append(Media("audio", "Voiceover", file("voiceover"), "audio/wav"))
        if "final" in arts:
            title = "".join(c if c.isalnum() else "-" for c in (status["title"] or "reelgraph"))
            name = f"{title.strip('-')[:60] or 'reelgraph'}-{status['branch']}.mp4"
            out.append(Media("file", name, file("final")))
    return out


def headline(status: dict[str, Any]) -> str:
    """One line: title, branch, where it is."""
    where = status["status"] + (f" at {status['phase']}" if status["phase"] else "")
    title = status["title"] or status["prompt"][:60]
    return f"### {_cell(title)}\nBranch `{status['branch']}` — {where}"


def progress_text(phase: str, item: str, done: int, total: int) -> str:
    """``Running storyboard… 3/9 (beat 3)``."""
    kind, _, number = item.rpartition("_")
    label = f"{kind} {int(number) + 1}" if kind and number.isdigit() else item
    return f"Running {phase}… {done}/{total}" + (f" ({label})" if label else "")


def effect_lines(effects: list[dict[str, Any]]) -> list[str]:
    """What an edit changed, one chat line per effect (:mod:`agent.effects`), numbered from 1.

    A change the edit asked for is plain; one smaller than asked is a warning; an unchanged
    result says so in bold with its reason, so a no-op never reads as a success.
    """
    lines = []
    for e in effects:
        message = e["message"][:1].upper() + e["message"][1:]
        if not e["targeted"]:
            lines.append(f"Note: {message}.")
        elif e["outcome"] == "changed":
            lines.append(f"{message}.")
        elif e["outcome"] == "slight":
            lines.append(f"**Only a small change.** {message}.")
        elif e["outcome"] == "pending":
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
