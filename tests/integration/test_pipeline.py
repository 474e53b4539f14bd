"""The whole pipeline through the command line, against real PostgreSQL and FFmpeg."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest

from agent.deps import open_deps
from agent.service.status import BranchStatus
from agent.settings import Settings
from agent.studio import Studio
from tests.conftest import Cli
from tests.measure import PHOTO_RGB, measure, photo_share

pytestmark = [pytest.mark.integration, pytest.mark.slow]

NIKE = "Create a 30-second Nike sneaker ad, energetic style"


def test_yolo_makes_a_30_second_mp4_with_loud_normalised_music(cli: Cli) -> None:
    # the golden run: the README's first command, in its own process as a user runs it
    st = json.loads(cli.process("generate", NIKE, "--yolo", "--seed", "1", "--json").stdout)
    assert st["status"] == "complete"
    assert st["phase"] == "refine"
    mp4 = measure(Path(st["final_video"]))
    assert mp4.duration_s == pytest.approx(30.0, abs=0.1)
    assert mp4.frames == 30 * 24
    assert mp4.video_codec == "h264"
    assert mp4.size_px == (1280, 720)
    assert mp4.audio_codec == "aac"
    assert mp4.audio_duration_s == pytest.approx(30.0, abs=0.1)
    assert mp4.integrated_lufs == pytest.approx(-14.0, abs=1.0)
    assert mp4.peak_dbfs is not None and mp4.peak_dbfs <= -0.9  # true peak ≤ -1 dBTP
    assert mp4.moov_before_mdat, "final MP4 must be +faststart for browsers"
    names = set(st["artifacts"])
    assert {"spec", "stitched", "music", "final"} <= names
    assert any(n.startswith("beat_") for n in names) and any(n.startswith("chunk_") for n in names)
    for a in st["artifacts"].values():
        assert Path(a["path"]).is_file()
        assert a["key"].startswith(f"tester/videos/{st['video_id']}/")
    assert st["usage"]["cost_usd"] == 0
    assert st["usage"]["reused"] < st["usage"]["calls"]


def test_second_generate_with_same_prompt_and_seed_reuses_everything(cli: Cli) -> None:
    first = cli.json("generate", NIKE, "--yolo", "--seed", "1")
    again = cli.json("generate", NIKE, "--yolo", "--seed", "1")
    assert again["video_id"] != first["video_id"]
    assert again["status"] == "complete"
    assert again["usage"]["calls"] > 0
    assert again["usage"]["reused"] == again["usage"]["calls"]
    assert again["artifacts"]["final"]["sha256"] == first["artifacts"]["final"]["sha256"]
    # each video numbers its own versions
    assert again["artifacts"]["final"]["key"].endswith("final_v1.mp4")


def test_duration_and_aspect_options(cli: Cli) -> None:
    st = cli.json(
        "generate",
        "A calm ad for chamomile tea",
        "--duration",
        "8",
        "--aspect",
        "9:16",
        "--yolo",
        "--seed",
        "2",
    )
    mp4 = measure(Path(st["final_video"]))
    assert mp4.duration_s == pytest.approx(8.0, abs=0.1)
    assert mp4.size_px == (720, 1280)
    assert mp4.audio_codec == "aac"
    assert mp4.integrated_lufs == pytest.approx(-14.0, abs=1.0)


def test_without_yolo_it_pauses_at_each_phase(cli: Cli) -> None:
    st = cli.json(
        "generate",
        "Playful ad for a lemon soda",
        "--duration",
        "8",
        "--aspect",
        "1:1",
        "--seed",
        "3",
    )
    vid = st["video_id"]
    seen = [(st["status"], st["phase"])]
    for _ in range(4):
        st = cli.json("continue", vid)
        seen.append((st["status"], st["phase"]))
    assert seen == [
        ("paused", "plan"),
        ("paused", "storyboard"),
        ("paused", "chunks"),
        ("paused", "refine"),
        ("complete", "refine"),
    ]
    assert measure(Path(st["final_video"])).size_px == (1080, 1080)
    # status agrees, and continuing a finished branch changes nothing
    assert cli.json("status", vid)["status"] == "complete"
    assert cli.json("continue", vid)["usage"] == st["usage"]
    out = cli.home / "exported.mp4"
    cli("export", vid, "-o", str(out))
    assert out.read_bytes() == Path(st["final_video"]).read_bytes()
    listed = json.loads(cli("videos", "--json").stdout)["videos"]
    assert any(v["video_id"] == vid and v["status"] == "complete" for v in listed)


def _finished_chunks(conn: psycopg.Connection[tuple[object, ...]], video_id: str) -> set[str]:
    # a chunk is finished once it is an artifact (however it was made: the local model's
    # clip is the chunk itself, another model's clip is conformed first)
    rows = conn.execute(
        "SELECT DISTINCT name FROM artifacts WHERE video_id = %s AND name LIKE 'chunk\\_%%'",
        (video_id,),
    ).fetchall()
    return {str(r[0]) for r in rows}


def _wait_for_chunks(
    cli: Cli, prompt: str, count: int, timeout_s: float, hold: psycopg.Connection[Any]
) -> str | None:
    """Wait until the newest video with ``prompt`` has ``count`` finished chunks, then hold it.

    Each look takes a SHARE lock on ``artifacts`` in a transaction on ``hold``; when enough
    chunks are there the transaction stays open, so the run cannot register another chunk
    (it waits) until ``hold`` rolls back: the run is caught in its chunk phase, whatever the
    speed of the machine.
    """
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            hold.execute("LOCK TABLE artifacts IN SHARE MODE")
            row = hold.execute(
                "SELECT id FROM videos WHERE prompt = %s ORDER BY created_at DESC LIMIT 1",
                (prompt,),
            ).fetchone()
        except psycopg.errors.UndefinedTable:  # the first command is still setting up
            row = None
        if row and len(_finished_chunks(hold, str(row[0]))) >= count:
            return str(row[0])
        hold.rollback()
        time.sleep(0.02)
    return None


def test_kill_during_chunks_then_continue_renders_no_finished_chunk_again(cli: Cli) -> None:
    prompt = "Energetic 8-second ad for TrailBlaze running shoes"  # three chunks
    # one beat at a time, held after two chunks (see _wait_for_chunks) while we look and kill
    proc = cli.popen(
        "generate", prompt, "--yolo", "--seed", "4242", "--json", REELGRAPH_MAX_CONCURRENCY="1"
    )
    hold = psycopg.connect(cli.env["DATABASE_URL"])
    try:
        video_id = _wait_for_chunks(cli, prompt, 2, timeout_s=120, hold=hold)
        assert video_id is not None, "the run never finished two chunks"
        # while it runs, others see it running and cannot run the same branch
        running = cli.json("status", video_id)
        assert (running["status"], running["phase"]) == ("running", "chunks")
        busy = cli("continue", video_id, check=False)
        assert busy.returncode == 2 and "running elsewhere" in busy.stderr
        assert proc.poll() is None, "the run ended before it could be killed"
        finished_before = _finished_chunks(hold, video_id)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        hold.close()
    cut = cli.json("status", video_id)
    assert cut["status"] == "failed" and "cut off" in cut["error"]

    st = cli.json("continue", video_id, "--yolo")
    assert st["status"] == "complete"
    assert measure(Path(st["final_video"])).duration_s == pytest.approx(8.0, abs=0.1)
    with psycopg.connect(cli.env["DATABASE_URL"], autocommit=True) as conn:
        rendered = conn.execute(
            "SELECT artifact, count(*) FROM cost_events WHERE video_id = %s AND phase = 'chunks'"
            " AND model = 'motion' AND NOT reused GROUP BY artifact",
            (video_id,),
        ).fetchall()
    chunks = {n for n in st["artifacts"] if n.startswith("chunk_")}
    assert finished_before < chunks, "the kill came after every chunk had finished"
    assert all(n == 1 for _, n in rendered), f"a chunk was rendered twice: {rendered}"
    assert {a for a, _ in rendered} == chunks
    # what finished before the kill shows up as reused calls after it
    assert st["usage"]["phases"]["chunks"]["reused"] >= 0


def test_a_starting_server_finishes_runs_that_were_cut_off(cli: Cli) -> None:
    prompt = "Playful 8-second ad for Fizzy lemonade"
    proc = cli.popen("generate", prompt, "--yolo", "--seed", "4343", "--json")
    hold = psycopg.connect(cli.env["DATABASE_URL"])
    try:
        video_id = _wait_for_chunks(cli, prompt, 1, timeout_s=120, hold=hold)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        hold.close()
    assert video_id is not None

    async def start_up() -> list[BranchStatus]:
        settings = Settings(home=cli.home, database_url=cli.env["DATABASE_URL"])
        async with open_deps(settings) as deps:
            return await Studio(deps).resume_cut_off()

    finished = asyncio.run(start_up())
    mine = [st for st in finished if st.video_id == video_id]
    assert len(mine) == 1 and mine[0].status == "complete"
    assert measure(Path(str(mine[0].final_video))).duration_s == pytest.approx(8.0, abs=0.1)
    assert cli.json("status", video_id)["status"] == "complete"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["", "--yolo"], "empty"),
        (["x" * 20_000], "limit"),
        (["an ad", "--duration", "0"], "duration"),
        (["an ad", "--duration", "600"], "duration"),
        (["an ad", "--aspect", "4:3"], "aspect"),
    ],
)
def test_bad_input_gets_one_line_and_creates_nothing(
    cli: Cli, tmp_path: Path, args: list[str], message: str
) -> None:
    env = {**cli.env, "REELGRAPH_HOME": str(tmp_path / "home")}
    env.pop("DATABASE_URL")  # would start an embedded server if anything got that far
    proc = Cli(env, tmp_path / "home")("generate", *args, check=False)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and message in lines[0], lines
    assert proc.stdout == ""
    assert not (tmp_path / "home").exists(), "bad input must create nothing"


def test_unknown_video_id_is_a_one_line_error(cli: Cli) -> None:
    before = json.loads(cli("videos", "--json").stdout)["videos"]
    for cmd in (
        ["status", "no-such-video"],
        ["continue", "no-such-video"],
        ["export", "no-such-video", "-o", "x.mp4"],
    ):
        proc = cli(*cmd, check=False)
        assert proc.returncode == 2
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and "no video" in lines[0], lines
    assert json.loads(cli("videos", "--json").stdout)["videos"] == before


def test_an_unknown_or_unavailable_model_is_refused_before_anything_is_made(cli: Cli) -> None:
    if cli.env.get("REPLICATE_API_TOKEN") or cli.env.get("OPENAI_API_KEY"):
        pytest.skip("checks the names offered without keys")
    before = json.loads(cli("videos", "--json").stdout)["videos"]
    for flag, name, kind in (
        ("--video-model", "sora", "video model"),
        ("--video-model", "kling", "video model"),  # known, but REPLICATE_API_TOKEN is unset
        ("--planner", "openai", "planner"),  # OPENAI_API_KEY is unset
    ):
        proc = cli("generate", "a 6-second ad for tea", flag, name, check=False)
        assert proc.returncode == 2, proc.stderr
        assert f"unknown {kind} {name!r}; known: local" in proc.stderr
    assert json.loads(cli("videos", "--json").stdout)["videos"] == before


def test_a_product_photo_given_with_reference_is_drawn_in_the_storyboard(
    cli: Cli, tmp_path: Path
) -> None:
    from PIL import Image

    photo = tmp_path / "bottle.jpg"
    Image.new("RGB", (600, 800), PHOTO_RGB).save(photo, format="JPEG", quality=95)
    st = cli.json("generate", "a 6-second ad for Verde olive oil", "-r", str(photo), "--yolo")
    assert st["status"] == "complete"
    assert len(st["options"]["reference_images"]) == 1
    shares = [
        photo_share(Path(art["path"]))
        for name, art in st["artifacts"].items()
        if name.startswith("beat_")
    ]
    assert max(shares) > 0.02, shares  # the photo stands in for the drawn product
    assert measure(Path(st["final_video"])).duration_s == pytest.approx(6.0, abs=0.1)


def test_a_bad_reference_photo_is_refused_before_anything_is_made(cli: Cli, tmp_path: Path) -> None:
    before = json.loads(cli("videos", "--json").stdout)["videos"]
    text, empty = tmp_path / "notes.png", tmp_path / "empty.jpg"
    text.write_text("not a photo")
    empty.write_bytes(b"")
    for path, message in ((text, "notes.png is not an image"), (empty, "empty.jpg is empty")):
        proc = cli("generate", "a 6-second ad for tea", "-r", str(path), check=False)
        assert proc.returncode == 2
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and message in lines[0], lines
    proc = cli("generate", "an ad", *["-r", str(text)] * 5, check=False)
    assert proc.returncode == 2 and "at most 4" in proc.stderr
    assert json.loads(cli("videos", "--json").stdout)["videos"] == before
