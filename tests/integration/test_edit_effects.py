"""Every edit has a visible, checked effect or says why not (issue 14, parts 3 and 6).

At the command line: what an edit changed is reported per artifact, numbered from 1; an edit
that changed nothing exits 1 with the reason; "louder music" on a music-only soundtrack is
refused before anything forks, and "quieter music" makes the delivered file quieter.

Every example the product suggests is parsed out of where users read it (README.md's command
line section, chainlit.md, ``reelgraph edit --help``, the chat's invitation at each pause, the
interpreter's help for each pause;
its "any time" commands about branches and cost are not edits), run through the
interpreter at its pause of a short offline video, applied, and must change what it names.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from PIL import Image

from agent.editing import RegenerateBeat
from agent.effects import measure as measure_effects
from agent.errors import UserError
from agent.state import PHASES, ArtifactRef, Options, Phase, VideoRequest
from agent.studio import Studio
from tests.conftest import REPO, Cli
from tests.measure import measure
from tests.servers import free_port, serving
from tools.interpreter import possible
from tools.llm_interpreter import interpret_message
from tools.operations import EDIT_TOOLS, Session
from ui.chat_render import SUGGESTED_EDIT

pytestmark = [pytest.mark.integration, pytest.mark.slow]

BRIEF = "Energetic ad for a ceramic mug"


def _photo(path: Path, size_px: tuple[int, int] = (1280, 720)) -> Path:
    """A picture unlike any storyboard frame: diagonal stripes in three colours."""
    w, h = size_px
    yy, xx = np.mgrid[0:h, 0:w]
    band = ((xx + yy) // 60) % 3
    colours = np.array([(230, 60, 40), (30, 160, 90), (250, 220, 60)], np.uint8)
    Image.fromarray(colours[band]).save(path)
    return path


# -- the command line ------------------------------------------------------------------------


def test_a_storyboard_edit_reports_its_effect_numbered_from_one(cli: Cli) -> None:
    vid = cli.json("generate", BRIEF, "--duration", "8", "--seed", "141")["video_id"]
    paused = cli.json("continue", vid)
    beats = sorted(n for n in paused["artifacts"] if n.startswith("beat_"))
    assert len(beats) >= 3

    proc = cli("edit", vid, "use this for beat 3", "--image", str(_photo(cli.home / "p.png")))
    lines = proc.stderr.strip().splitlines()
    said = [line for line in lines if "beat 3" in line]
    assert said and said[0].startswith("changed: beat 3 changed visibly (mean change "), lines
    assert not any(re.search(r"\bbeat_?0?2\b", line) for line in lines), "numbered from 1"

    edited = json.loads(
        cli("edit", vid, "use this for beat 2", "--image", str(cli.home / "p.png"), "--json")
        .stdout
    )  # fmt: skip
    assert edited["effect"] == "visible"
    (effect,) = edited["effects"]
    assert (effect["artifact"], effect["label"], effect["outcome"]) == (
        "beat_01", "beat 2", "changed"
    )  # fmt: skip
    assert effect["amount"] >= 20 and effect["unit"] == "/255"
    for name in beats:  # the other beats are the pictures that were there
        if name != "beat_01":
            assert edited["artifacts"][name]["sha256"] == paused["artifacts"][name]["sha256"]


def test_an_edit_that_changes_nothing_exits_1_with_the_reason(cli: Cli) -> None:
    vid = cli.json("generate", BRIEF, "--duration", "6", "--seed", "142")["video_id"]
    paused = cli.json("continue", vid)
    same = Path(paused["artifacts"]["beat_00"]["path"])  # beat 1's own picture, given again

    proc = cli("edit", vid, "use this for beat 1", "--image", str(same), check=False)
    assert proc.returncode == 1, proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("error: the edit changed nothing: beat 1 was redone but looks the same")
    assert "the image given is the one that was already there" in last

    proc = cli("edit", vid, "use this for beat 1", "--image", str(same), "--json", check=False)
    assert proc.returncode == 1
    result = json.loads(proc.stdout)
    assert result["effect"] == "none"
    assert [(e["label"], e["outcome"], e["amount"]) for e in result["effects"]] == [
        ("beat 1", "unchanged", 0.0)
    ]
    made = len(json.loads(cli("branches", vid, "--json").stdout)["branches"])

    # Known before rendering: refused with the reason, and nothing forks.
    refused = cli("edit", vid, "make it 6 seconds", check=False)
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines() == [
        "error: the spec already says that (set duration 6 s); nothing would change"
    ]
    assert len(json.loads(cli("branches", vid, "--json").stdout)["branches"]) == made

    # With something else to do, the part that changes nothing is left out and reported: the
    # new picture is made at the storyboard pause, not sent back to the plan.
    photo = _photo(cli.home / "other.png")
    both = cli("edit", vid, "make it 6 seconds, use this for beat 1", "--image", str(photo),
               "--json")  # fmt: skip
    mixed = json.loads(both.stdout)
    assert (mixed["phase"], mixed["effect"]) == ("storyboard", "partial")
    assert sorted((e["label"], e["outcome"]) for e in mixed["effects"]) == [
        ("beat 1", "changed"), ("the spec", "unchanged")
    ]  # fmt: skip


def test_music_level_edits_change_the_file_or_say_why_not(cli: Cli) -> None:
    done = cli.json(
        "generate", BRIEF, "--duration", "6", "--seed", "143", "--yolo",
        "--no-voiceover", "--subtitles", "off",  # the music is the whole soundtrack
    )  # fmt: skip
    vid, final = done["video_id"], Path(done["final_video"])
    assert measure(final).integrated_lufs == pytest.approx(-14, abs=1)

    louder = cli("edit", vid, "louder music", check=False)
    assert louder.returncode == 2
    assert louder.stderr.strip().splitlines() == [
        "error: the music is the whole soundtrack and the final mix is normalised to -14 LUFS,"
        " so louder music would not change it; 'quieter music' turns the soundtrack down, or"
        " regenerate the music with a more energetic brief"
    ]
    tree = json.loads(cli("branches", vid, "--json").stdout)["branches"]
    assert [b["name"] for b in tree] == ["main"], "a refused edit forks nothing"

    quieter = cli.json("edit", vid, "quieter music")
    assert quieter["effect"] == "visible"
    (effect,) = quieter["effects"]
    assert effect["label"] == "the final video" and effect["outcome"] == "changed"
    new = measure(Path(quieter["artifacts"]["final"]["path"]))
    old_lufs = measure(final).integrated_lufs
    assert old_lufs is not None and new.integrated_lufs is not None
    assert new.integrated_lufs == pytest.approx(old_lufs - 3, abs=0.7)
    assert effect["loudness_lufs"][1] == pytest.approx(new.integrated_lufs, abs=0.5)

    back = cli.json("edit", vid, "louder music", "--branch", quieter["branch"])
    assert back["effect"] == "visible", "back up to full level from -3 dB"
    full = measure(Path(back["artifacts"]["final"]["path"]))
    assert full.integrated_lufs == pytest.approx(old_lufs, abs=0.7)


# -- the HTTP API (the seed system's routes) --------------------------------------------------


@pytest.fixture
def api(database_url: str, tmp_path: Path) -> Iterator[httpx.Client]:
    """``reelgraph serve`` on a free port, with a client that has a token."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "REELGRAPH_HOME": str(tmp_path / "api"),
           "REELGRAPH_API_TOKENS": "effects-token:tester"}  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    argv = [sys.executable, "-m", "ui.cli", "serve", "--port", str(port)]
    with (
        serving(argv, env, tmp_path / "server.log", f"{base}/api/openapi.json"),
        httpx.Client(
            base_url=base, headers={"Authorization": "Bearer effects-token"}, timeout=120
        ) as client,
    ):
        yield client


def _http_status(api: httpx.Client, vid: str, want: str) -> dict[str, Any]:
    deadline = time.monotonic() + 120
    while True:
        body: dict[str, Any] = api.get(f"/api/status/{vid}").json()
        if body["status"] == want:
            return body
        assert body["status"] != "failed" and time.monotonic() < deadline, body
        time.sleep(0.2)  # polling the status route, as the seed system's clients do


def test_http_edit_responses_say_what_changed(api: httpx.Client, tmp_path: Path) -> None:
    r = api.post("/api/generate", json={"prompt": f"An 8-second {BRIEF}", "model": "local"})
    assert r.status_code == 200, r.text
    vid = r.json()["video_id"]
    cp1 = _http_status(api, vid, "paused_at_phase1")["current_checkpoint"]["checkpoint_id"]
    assert api.post(f"/api/video/{vid}/continue", json={"checkpoint_id": cp1}).status_code == 200
    cp2 = _http_status(api, vid, "paused_at_phase2")["current_checkpoint"]["checkpoint_id"]

    photo = _photo(tmp_path / "photo.png").read_bytes()
    r = api.post(
        f"/api/video/{vid}/checkpoints/{cp2}/upload-image",
        data={"beat_index": "1"},  # 0-based, the seed API's contract: beat 2
        files={"image": ("photo.png", photo, "image/png")},
    )
    assert r.status_code == 200, r.text
    (effect,) = r.json()["effects"]
    assert (effect["artifact"], effect["label"], effect["outcome"]) == (
        "beat_1", "beat 2", "changed"
    )  # fmt: skip
    assert effect["message"].startswith("beat 2 changed visibly") and effect["amount"] >= 20


# -- every example the product suggests ------------------------------------------------------

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


def _cli_help_items(command: str) -> Iterator[Example]:
    """Examples in ``reelgraph <command> --help``: "at the <pause> 'x', 'y' with --image …"."""
    help_text = subprocess.run(
        [sys.executable, "-m", "ui.cli", command, "--help"],
        cwd=REPO, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
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
    return list(dict.fromkeys(out))


_seeds = itertools.count(144)


@pytest.mark.asyncio
async def test_a_picture_the_edit_did_not_name_is_reported_when_it_changes(
    studio: Studio, tmp_path: Path
) -> None:
    """Scene edits must change the edited beat "and nothing else" (issue 14's acceptance)."""
    store = studio.deps.store

    def ref(name: str, path: Path) -> ArtifactRef:
        sha, size = store.put_bytes(path.read_bytes(), ".png")
        return ArtifactRef(
            name=name,
            key=f"t/{name}.png",
            version=1,
            sha256=sha,
            mime="image/png",
            size_bytes=size,
            provider="local",
            model="local",
        )

    grey = tmp_path / "grey.png"
    Image.new("RGB", (320, 180), (128, 128, 128)).save(grey)
    photo = _photo(tmp_path / "photo.png", (320, 180))
    names = ("beat_00", "beat_01")
    before = {"options": Options(), "artifacts": {n: ref(n, grey) for n in names}}
    after = {"options": Options(), "artifacts": {n: ref(n, photo) for n in names}}
    found = await measure_effects(studio.deps, before, after, [RegenerateBeat(beat=1)])
    assert [(e.label, e.targeted, e.outcome) for e in found] == [
        ("beat 1", True, "changed"), ("beat 2", False, "changed")
    ]  # fmt: skip
    assert found[1].message.startswith("beat 2 changed too, although the edit did not name it")


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
    named = [e for e in effects if e["targeted"]]
    revisit = all(c.tool == "revisit_phase" for c in result.calls if c.tool in EDIT_TOOLS)
    if revisit:
        return None
    if not named or any(e["outcome"] != "changed" for e in named):
        shown = "; ".join(e["message"] for e in named) or "no effect reported"
        return f"{shown} (calls {[c.model_dump() for c in result.calls]})"
    return None


@pytest.mark.asyncio
async def test_every_suggested_example_works(studio: Studio, tmp_path: Path) -> None:
    examples = suggested_examples()
    sources = {ex.source.split(" @")[0] for ex in examples}
    assert {"README.md", "chainlit.md", "reelgraph edit --help", "help at refine"} <= sources
    assert any(ex.text == "make beat 3 a sunset on the beach" for ex in examples)

    request = VideoRequest(prompt=BRIEF, options=Options(duration_s=8, seed=next(_seeds)))
    vid = await studio.create_video(request, "tester")
    done = await studio.run(vid, "tester", auto_continue=True)
    assert done["status"] == "complete"
    photo = _photo(tmp_path / "photo.png")

    failures = []
    for ex in examples:
        why = await _try(studio, vid, ex, photo)
        if why is not None:
            failures.append(f"{ex}: {why}")
    assert not failures, f"{len(failures)} of {len(examples)} examples fail:\n" + "\n".join(
        failures
    )
