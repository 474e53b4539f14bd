"""Every edit has a visible, checked effect or says why not (issue 14, parts 3 and 6).

At the command line: what an edit changed is reported per artifact, numbered from 1; an edit
that changed nothing exits 1 with the reason; "louder music" on a music-only soundtrack is
refused before anything forks, "quieter music" makes the delivered file quieter, and a step
"by N dB" moves it from the level of the branch it is said on (twice in a row lowers it twice)
while "at N dB" sets the level.

Over HTTP the edit's response says the same, a refused no-op is a 422 with the reason, and
the seed API's 0-based indexes are explained as users count. A picture the edit did not name
is reported when it changed. (Every example the product suggests is run by
``test_suggested_examples.py``.)
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from PIL import Image

from agent.editing import RegenerateBeat
from agent.phases.effects import measure as measure_effects
from agent.state import ArtifactRef, Options
from agent.studio import Studio
from tests.conftest import ApiServer, Cli
from tests.measure import measure

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
    # the status counts from 1; the files keep the seed's 0-based names
    assert [paused["artifacts"][n]["label"] for n in beats[:2]] == ["beat 1", "beat 2"]
    wide = Cli({**cli.env, "COLUMNS": "500"}, cli.home)  # one line per row, paths whole
    rows = [line.split() for line in wide("status", vid).stdout.splitlines()]
    first = next(r for r in rows if r[:2] == ["beat", "1"])
    assert first[3].endswith("/beat_00_v1.png"), first
    assert not any(r and r[0].startswith(("beat_", "chunk_")) for r in rows)

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

    # "by N dB" is a step from the gain of the branch edited (the door reads it), twice over;
    # "at N dB" is the gain itself
    lower = cli.json("edit", vid, "music quieter by 2 dB", "--branch", quieter["branch"])
    stepped = measure(Path(lower["artifacts"]["final"]["path"]))
    assert stepped.integrated_lufs == pytest.approx(old_lufs - 5, abs=0.7)
    again = cli.json("edit", vid, "music quieter by 2 dB", "--branch", lower["branch"])
    twice = measure(Path(again["artifacts"]["final"]["path"]))
    assert twice.integrated_lufs == pytest.approx(old_lufs - 7, abs=0.7)
    assert twice.integrated_lufs < stepped.integrated_lufs - 1.3, "the second step lowers it too"
    at = cli.json("edit", vid, "music at -2 dB", "--branch", again["branch"])
    placed = measure(Path(at["artifacts"]["final"]["path"]))
    assert placed.integrated_lufs == pytest.approx(old_lufs - 2, abs=0.7)

    back = cli.json("edit", vid, "louder music", "--branch", quieter["branch"])
    assert back["effect"] == "visible", "back up to full level from -2 dB"
    full = measure(Path(back["artifacts"]["final"]["path"]))
    assert full.integrated_lufs == pytest.approx(old_lufs, abs=0.7)


# -- the HTTP API (the seed system's routes) --------------------------------------------------


@pytest.fixture
def api(api_server: ApiServer) -> Iterator[httpx.Client]:
    """A client of the session's ``reelgraph serve``, signed in as this module's user."""
    with httpx.Client(
        base_url=api_server.url, headers=api_server.auth("effects"), timeout=120
    ) as client:
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
    at2 = _http_status(api, vid, "paused_at_phase2")["current_checkpoint"]
    cp2 = at2["checkpoint_id"]
    # the seed API's keys are 0-based (its contract); each artifact says how users count it
    assert (at2["artifacts"]["beat_0"]["label"], at2["artifacts"]["beat_1"]["label"]) == (
        "beat 1", "beat 2"
    )  # fmt: skip

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
    assert r.json()["effect"] == "visible"

    def branches() -> set[str]:
        listed = api.get(f"/api/video/{vid}/checkpoints").json()["checkpoints"]
        return {c["branch_name"] for c in listed}

    made = branches()
    cp_new = r.json()["checkpoint_id"]
    again = api.post(
        f"/api/video/{vid}/checkpoints/{cp_new}/upload-image",
        data={"beat_index": "1"},
        files={"image": ("photo.png", photo, "image/png")},
    )
    assert again.status_code == 422, again.text
    assert again.json()["detail"] == "that image is already beat 2's picture; nothing would change"
    assert branches() == made, "a refused edit forks nothing"

    # the seed API's 0-based index is explained as users count too
    missing = api.post(
        f"/api/video/{vid}/checkpoints/{cp2}/regenerate-beat", json={"beat_index": 40}
    )
    assert missing.status_code == 404, missing.text
    assert missing.json()["detail"].startswith("beat_index 40 (beat 41) does not exist; ")
    assert re.search(r"has beats 1-\d+ \(beat_index 0-\d+\)$", missing.json()["detail"])


# -- what an edit did not name --------------------------------------------------------------


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
