"""Every example the product suggests runs and works (issue 14, part 3).

Suggestions are read at test time from where users read them, never copied: README.md's
command line section, chainlit.md, ``reelgraph edit --help`` and ``reelgraph generate --help``,
the chat's invitation at each pause (:data:`ui.chat_render.SUGGESTED_EDIT`), the interpreter's
help for each pause (:func:`tools.interpreter.possible`; its "any time" commands about
branches and cost are not edits) and the examples its replies give ("Say e.g. '…'", read from
``tools/interpreter.py``'s source).

Each edit example is interpreted at the pause it is suggested for, on one short offline video
made once for all of them (its ``main`` has passed every pause, so an edit forks from the
pause it belongs to), applied through the same session the chat and ``reelgraph edit`` use,
and must change what it names, as measured (:mod:`agent.phases.effects`). Examples from the
interpreter's replies name no pause: they are tried at the final video, where every edit is
allowed. Each example brief must plan a video at the command line, as long as it says.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from agent.errors import UserError
from agent.state import PHASES, Options, Phase, VideoRequest
from agent.studio import Studio
from tests.conftest import REPO, Cli, run_in_process
from tests.integration.conftest import FRESH_SEEDS
from tools.interpreter import possible
from tools.llm_interpreter import interpret_message
from tools.operations import EDIT_TOOLS, Session
from ui.chat_render import SUGGESTED_EDIT

pytestmark = [pytest.mark.integration, pytest.mark.slow]

BRIEF = "Energetic ad for a ceramic mug"
#: The seed of the one video every edit example runs on, fixed so that the test gives the same
#: answer every run. The offline video model's new take of a chunk is a new framing of its
#: camera move (agent.providers.local.motion.framing), but a static shot has one framing:
#: on a seed whose chunk 2 is static, "regenerate chunk 2" rightly changes nothing.
EXAMPLES_SEED = 144


def _photo(path: Path, size_px: tuple[int, int] = (1280, 720)) -> Path:
    """A picture unlike any storyboard frame: diagonal stripes in three colours."""
    w, h = size_px
    yy, xx = np.mgrid[0:h, 0:w]
    band = ((xx + yy) // 60) % 3
    colours = np.array([(230, 60, 40), (30, 160, 90), (250, 220, 60)], np.uint8)
    Image.fromarray(colours[band]).save(path)
    return path


#: How a suggestion names the pause it belongs to ("after the plan:", "at the final video:").
_PAUSE_WORDS: dict[str, Phase] = {
    "plan": "plan", "storyboard": "storyboard", "chunks": "chunks", "chunk": "chunks",
    "final": "refine", "refine": "refine", "music": "refine",
}  # fmt: skip
_PAUSE_LINE = re.compile(r"^- (?:at|after) the (\w+)[^:]*:(.*)$")


@dataclass(frozen=True)
class Example:
    """One suggested message: where it was read, the pause it is for, an attached image."""

    source: str
    phase: Phase
    text: str
    photo: bool = False
    model: str | None = None  # a model the suggestion names (may need a key to run)

    def __str__(self) -> str:
        return f"{self.source} @ {self.phase}: {self.text!r}"


def _pause_items(markdown: str, quote: str, source: str) -> Iterator[Example]:
    """Examples in ``- after the <pause>: <quote>x<quote>, …`` list items (continuations too)."""
    items: list[str] = []
    current: str | None = None
    for line in [*markdown.splitlines(), ""]:
        if _PAUSE_LINE.match(line):
            if current is not None:
                items.append(current)
            current = line
        elif current is not None and line.startswith("  ") and line.strip():
            current += " " + line.strip()
        elif current is not None:
            items.append(current)
            current = None
    found = 0
    q = re.escape(quote)
    for item in items:
        m = _PAUSE_LINE.match(item)
        assert m, item
        phase, body = _PAUSE_WORDS[m.group(1).lower()], m.group(2)
        for said in re.finditer(rf"{q}([^{q}]+){q}(\s+with\s+`--image)?", body):
            before = body[: said.start()][-40:]
            photo = bool(said.group(2)) or "attach an image" in before
            found += 1
            yield Example(source, phase, said.group(1), photo=photo)
    assert found, f"no examples found in {source}: has its layout changed?"


def _help(command: str) -> str:
    """What ``reelgraph <command> --help`` prints (in-process: the same typer app, no start-up)."""
    proc = run_in_process((command, "--help"), dict(os.environ))
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _cli_help_items(command: str) -> Iterator[Example]:
    """Examples in ``reelgraph <command> --help``: "at the <pause> 'x', 'y' with --image …"."""
    help_text = _help(command)
    found = 0
    for part in " ".join(help_text.split()).split(";"):
        if not (m := re.search(r"\bat the (\w+)", part)):
            continue
        for said in re.finditer(r"'([^']+)'(\s+with\s+--image)?", part[m.end() :]):
            found += 1
            yield Example(f"reelgraph {command} --help", _PAUSE_WORDS[m.group(1).lower()],
                          said.group(1), photo=bool(said.group(2)))  # fmt: skip
    assert found, f"no examples found in reelgraph {command} --help: has its layout changed?"


def _section(markdown: str, title: str) -> str:
    start = markdown.index(f"## {title}")
    end = markdown.find("\n## ", start + 3)
    return markdown[start : end if end > 0 else None]


#: Fillers for the help's placeholders: ``<type>``, ``<what it shows>``, ``'…'``, ``as …``.
_FILL = {"type": "hook", "quoted": "'Aurora Sunrise'", "scene": "a sunset on the beach",
         "name": "Aurora"}  # fmt: skip


def _fill(template: str) -> str:
    """A help template's placeholders filled: ``N``, ``<type>``, ``<…>``, ``'…'``, ``as …``."""
    text = re.sub(r"\bN seconds\b", "12 seconds", template)  # a length an ad can have
    text = re.sub(r"\bN\b", "2", text)
    text = text.replace("<type>", _FILL["type"])
    text = re.sub(r"<[^>]+>", _FILL["scene"], text)
    text = text.replace("'…'", _FILL["quoted"]).replace("as …", f"as {_FILL['scene']}")
    return text.replace("…", _FILL["name"])


def _expand(template: str) -> Iterator[tuple[str, str | None]]:
    """Messages from a help template, with the model each names (or None).

    ``x / y z`` gives ``x z`` and ``y z``; ``[a|b]`` gives the message without it and with
    each alternative (``[with kling|veo]``: the leading word is shared); placeholders are
    filled by :func:`_fill`.
    """
    text = _fill(template)
    if slash := re.search(r"(\w+) / (\w+)", text):
        for word in slash.groups():
            yield from _expand(text[: slash.start()] + word + text[slash.end() :])
        return
    brackets = list(re.finditer(r" ?\[([^\]]+)\]", text))

    def bare(s: str) -> str:
        return re.sub(r" ?\[[^\]]+\]", "", s).strip()

    yield bare(text), None
    for br in brackets:
        alts = br.group(1).split("|")
        shared = len(alts) > 1 and " " in alts[0] and all(" " not in a for a in alts[1:])
        lead = alts[0].split()[0] + " " if shared else ""
        for i, alt in enumerate(alts):
            phrase = alt if i == 0 else lead + alt
            model = phrase.removeprefix("with ").strip() if lead == "with " else None
            yield bare(text[: br.start()] + " " + phrase + text[br.end() :]), model


def suggested_examples() -> list[Example]:
    """Every example the product suggests, parsed from where users read it."""
    readme = _section((REPO / "README.md").read_text(), "Command line")
    chat = (REPO / "chainlit.md").read_text()
    out = [
        *_pause_items(readme, '"', "README.md"),
        *_pause_items(chat, "*", "chainlit.md"),
        *_cli_help_items("edit"),
        *(Example("the chat's invitation", phase, text)
          for phase, text in SUGGESTED_EDIT.items()),
    ]  # fmt: skip
    for phase in PHASES:
        said = possible(phase)
        here = said.split("you can say:", 1)[1].split(". Any time:", 1)[0]
        for template in here.split("; "):
            for text, model in _expand(template.strip().rstrip(".")):
                photo = "use this" in text
                out.append(Example(f"help at {phase}", phase, text, photo=photo, model=model))
    out.extend(_reply_examples())
    return list(dict.fromkeys(out))


def _reply_examples() -> Iterator[Example]:
    """Examples in the interpreter's replies: ``e.g. 'x', 'y'`` in ``tools/interpreter.py``.

    Read from the source's string literals (f-strings too). A placeholder that stands for a
    beat or chunk number is filled with 2; an example with any other placeholder (a model
    name the user typed) cannot be written out and is left out, and so is an answer that
    only names a beat or chunk.
    """
    source = (REPO / "tools/interpreter.py").read_text()
    found = 0
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        elif isinstance(node, ast.JoinedStr):
            parts = []
            for part in node.values:
                if isinstance(part, ast.Constant):
                    parts.append(str(part.value))
                else:
                    expr = ast.unparse(part)
                    parts.append("2" if re.search(r"beat|chunk", expr) else "\x00")
            text = "".join(parts)
        else:
            continue
        for listed in re.finditer(r"e\.g\.,? ((?:'[^']+'(?:,? (?:or )?)?)+)", text):
            for said in re.findall(r"'([^']+)'", listed.group(1)):
                # an answer that only names a beat ("Which beat? Say e.g. 'beat 3'") completes
                # the question it answers: it is no request on its own
                if "\x00" not in said and not re.fullmatch(r"(?:beat|chunk) \d+", said):
                    found += 1
                    yield Example("the interpreter's replies", "refine", said)
    assert found, "no examples found in the interpreter's replies: has their wording changed?"


async def _try(studio: Studio, vid: str, ex: Example, photo: Path) -> str | None:
    """Run one example at its pause on a fork of ``main``; None if it works, else why not."""
    session = Session(studio, "tester", vid, "main", upload=photo if ex.photo else None)
    # What the user sees at that pause: main has passed it, its beats and chunks are the same.
    ctx = dataclasses.replace(await session.context(), phase=ex.phase)
    result = await interpret_message(studio.deps.settings, ex.text, ctx)
    if not result.calls:
        return f"the interpreter replied {result.reply!r}"
    if not any(c.tool in EDIT_TOOLS for c in result.calls):
        return None  # understood as a command (continue, status, …), nothing to render
    try:
        await session.execute(result.calls)
    except UserError as exc:
        if ex.model and ex.model in str(exc):
            return None  # a paid model with no key here: refused, naming it
        if str(exc).startswith("the spec already says that"):
            return None  # a filled-in template that this video already has (beat 2 pans left)
        return f"refused: {exc} (calls {[c.model_dump() for c in result.calls]})"
    effects = session.effects
    named = [e for e in effects if e.targeted]
    revisit = all(c.tool == "revisit_phase" for c in result.calls if c.tool in EDIT_TOOLS)
    if revisit:
        return None
    if not named or any(e.outcome != "changed" for e in named):
        shown = "; ".join(e.message for e in named) or "no effect reported"
        return f"{shown} (calls {[c.model_dump() for c in result.calls]})"
    return None


@pytest.mark.asyncio
async def test_every_suggested_example_works(studio: Studio, tmp_path: Path) -> None:
    examples = suggested_examples()
    sources = {ex.source.split(" @")[0] for ex in examples}
    assert {"README.md", "chainlit.md", "reelgraph edit --help", "help at refine",
            "the interpreter's replies"} <= sources  # fmt: skip
    assert any(ex.text == "make beat 3 a sunset on the beach" for ex in examples)

    request = VideoRequest(prompt=BRIEF, options=Options(duration_s=8, seed=EXAMPLES_SEED))
    vid = await studio.create_video(request, "tester")
    done = await studio.run(vid, "tester", auto_continue=True)
    assert done.status == "complete"
    photo = _photo(tmp_path / "photo.png")

    failures = []
    for ex in examples:
        why = await _try(studio, vid, ex, photo)
        if why is not None:
            failures.append(f"{ex}: {why}")
    assert not failures, f"{len(failures)} of {len(examples)} examples fail:\n" + "\n".join(
        failures
    )


# -- example briefs ---------------------------------------------------------------------------


def suggested_briefs() -> list[tuple[str, str]]:
    """(where, brief) for every example brief: README.md, chainlit.md, ``generate --help``."""
    readme = (REPO / "README.md").read_text()
    chat = (REPO / "chainlit.md").read_text()
    help_text = _help("generate")
    found = [
        *(("README.md", b) for b in re.findall(r'reelgraph generate "([^"]+)"', readme)),
        *(("chainlit.md", b) for b in re.findall(r"^> (.+)$", chat, re.M)),
        *(("reelgraph generate --help", b)
          for b in re.findall(r"e\.g\. '([^']+)'", " ".join(help_text.split()))),
    ]  # fmt: skip
    briefs = [(where, b.strip()) for where, b in found if b.strip("…. ")]  # "…" is a placeholder
    assert {w for w, _ in briefs} == {"README.md", "chainlit.md", "reelgraph generate --help"}
    return list(dict((b, (w, b)) for w, b in briefs).values())


def test_every_suggested_brief_plans_a_video(cli: Cli) -> None:
    for where, brief in suggested_briefs():
        seed = str(next(FRESH_SEEDS))
        made = cli.json("generate", brief, "--seed", seed)
        assert (made["status"], made["phase"]) == ("paused", "plan"), (where, brief, made)
        plan = json.loads(Path(made["artifacts"]["spec"]["path"]).read_text())
        assert len(plan["beats"]) >= 3, (where, brief, plan["beats"])
        if said := re.search(r"(\d+)[- ]second", brief):
            assert plan["duration_s"] == float(said.group(1)), (where, brief)
        # the names the brief gives (capitalised words after its first) are the ad's brand
        for name in re.findall(r"(?<=\s)[A-Z][\w&.-]*", brief):
            assert name in f"{plan['brand']} {plan['title']}", (where, brief, name, plan["brand"])
