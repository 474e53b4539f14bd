"""Bad input at the command line: one line on stderr, a non-zero exit, nothing left behind.

Hostile images (``generate -r``, ``edit --image``), text with control characters or bytes that
are not UTF-8, output paths that cannot take a file, and a disk that fills up during the
storyboard. Each runs ``reelgraph`` in its own process against the real database.
"""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from agent.blobs import sha256_file
from tests.bombs import BOMBS, png_bomb, ztxt
from tests.conftest import REPO, Cli

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _one_line_error(proc: subprocess.CompletedProcess[str], starts: str) -> str:
    """The single stderr line of a refused command (no traceback), checked to start so."""
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode in (1, 2), (proc.returncode, proc.stderr)
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert lines[0].startswith(f"error: {starts}"), lines[0]
    return lines[0]


def _video_ids(cli: Cli) -> set[str]:
    return {v["video_id"] for v in cli.json("videos")["videos"]}


@pytest.fixture(scope="module")
def finished(cli: Cli) -> dict[str, Any]:
    """A 6-second video run to the end."""
    return cli.json("generate", "A 6-second ad for a pencil", "--duration", "6", "--yolo")


@pytest.mark.parametrize("name", ["png 30000x30000", "jpeg 65500x65500", "gif 65535x65535"])
def test_generate_refuses_a_bomb_reference_in_one_line(cli: Cli, tmp_path: Path, name: str) -> None:
    photo = tmp_path / "photo.png"
    photo.write_bytes(BOMBS[name])
    before = _video_ids(cli)
    proc = cli("generate", "An ad for a pencil", "--duration", "6", "-r", str(photo), check=False)
    line = _one_line_error(proc, "--reference photo.png ")
    assert "40 megapixels" in line
    assert _video_ids(cli) == before, "no video was created"


def test_generate_refuses_text_chunk_bombs_missing_files_and_bad_text(
    cli: Cli, tmp_path: Path
) -> None:
    photo = tmp_path / "text.png"
    photo.write_bytes(png_bomb(64, 64, extra=ztxt(8 << 20)))
    before = _video_ids(cli)
    proc = cli("generate", "An ad for a pencil", "-r", str(photo), check=False)
    _one_line_error(proc, "--reference text.png is damaged or truncated")
    proc = cli("generate", "An ad for a pencil", "-r", str(tmp_path / "gone.png"), check=False)
    _one_line_error(proc, "cannot read --reference gone.png")
    proc = cli("generate", "An ad for a pencil", "-r", str(tmp_path), check=False)
    _one_line_error(proc, "cannot read --reference")
    # a control character, and bytes that are not UTF-8 (Python sees a lone surrogate)
    proc = cli("generate", "An ad for a pencil\x1b[2J", "--duration", "6", check=False)
    _one_line_error(proc, "prompt contains a control character (U+001B)")
    proc = cli("generate", "An ad for a pencil \udcff", "--duration", "6", check=False)
    _one_line_error(proc, "prompt contains a lone surrogate")
    # a number JSON (and so the database) cannot hold
    proc = cli("generate", "An ad for a pencil", "--duration", "6", "--budget", "inf", check=False)
    _one_line_error(proc, "budget_usd: Input should be a finite number")
    assert _video_ids(cli) == before, "no video was created"


def test_edit_refuses_a_missing_or_hostile_image_and_bad_text(
    cli: Cli, finished: dict[str, Any], tmp_path: Path
) -> None:
    vid = finished["video_id"]
    branches = cli.json("branches", vid)["branches"]
    proc = cli("edit", vid, "use this for beat 1", "--image", "/nonexistent.png", check=False)
    _one_line_error(proc, "cannot read --image nonexistent.png (/nonexistent.png): No such file")
    bomb = tmp_path / "frame.png"
    bomb.write_bytes(BOMBS["png 30000x30000"])
    proc = cli("edit", vid, "use this for beat 1", "--image", str(bomb), check=False)
    _one_line_error(proc, "--image frame.png ")
    proc = cli("edit", vid, "make it calmer \udcff", check=False)
    _one_line_error(proc, "the edit contains a lone surrogate")
    proc = cli("status", vid + "\udcff", check=False)
    _one_line_error(proc, f"'{vid}\\udcff' contains a lone surrogate (U+DCFF)")
    proc = cli("continue", vid, "--branch", "main\x1b[2J", check=False)
    _one_line_error(proc, "'main\\x1b[2J' contains a control character (U+001B)")
    assert cli.json("branches", vid)["branches"] == branches, "no branch was made"


def test_export_writes_whole_files_and_refuses_bad_paths_in_one_line(
    cli: Cli, finished: dict[str, Any], tmp_path: Path
) -> None:
    vid = finished["video_id"]
    good = tmp_path / "out" / "ad.mp4"
    assert cli.json("export", vid, "-o", str(good))["size_bytes"] == good.stat().st_size
    assert good.read_bytes()[4:8] == b"ftyp"
    assert sorted(p.name for p in good.parent.iterdir()) == ["ad.mp4"], "no temporary left"

    proc = cli("export", vid, "-o", str(tmp_path), check=False)
    _one_line_error(proc, f"{tmp_path} is a directory")
    proc = cli("export", vid, "-o", "/dev/full", check=False)
    _one_line_error(proc, "/dev/full is not a regular file")
    proc = cli("export", vid, "-o", "/proc/x.mp4", check=False)
    _one_line_error(proc, "cannot write /proc/x.mp4: ")
    assert not Path("/proc/x.mp4").exists()
    blocker = tmp_path / "file"
    blocker.write_text("x")
    proc = cli("export", vid, "-o", str(blocker / "ad.mp4"), check=False)
    _one_line_error(proc, f"cannot write {blocker / 'ad.mp4'}: Not a directory")
    # an existing file is replaced whole, never left half-written
    old = tmp_path / "old.mp4"
    old.write_bytes(b"old")
    cli("export", vid, "-o", str(old))
    assert old.read_bytes() == good.read_bytes()


def _limited(cli: Cli, max_file_bytes: int, *args: str) -> subprocess.CompletedProcess[str]:
    """``reelgraph *args`` unable to write any file past ``max_file_bytes`` (a full disk)."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_file_bytes, max_file_bytes))

    return subprocess.run(
        [sys.executable, "-m", "ui.cli", *args],
        env=cli.env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=limit,
    )


def test_a_full_disk_during_the_storyboard_is_one_line_and_resumable(cli: Cli) -> None:
    st = cli.json("generate", "A 6-second ad for green tea", "--duration", "6")
    vid = st["video_id"]
    assert (st["status"], st["phase"]) == ("paused", "plan")
    tmp = cli.home / "artifacts" / "tmp"
    before = set(tmp.rglob("*")) if tmp.exists() else set()
    proc = _limited(cli, 16_000, "continue", vid)
    line = _one_line_error(proc, "cannot write ")
    assert "File too large" in line and "continue the run" in line
    assert proc.returncode == 1
    blobs = [p for p in (cli.home / "artifacts" / "blobs").rglob("*") if p.is_file()]
    assert all(sha256_file(p) == p.name for p in blobs), "no half-written blob in the store"
    # A sibling beat cancelled mid-render may still be writing its scratch when the process
    # ends; the next command sweeps the scratch of processes that are gone.
    leftover = (set(tmp.rglob("*")) if tmp.exists() else set()) - before
    st = cli.json("status", vid)
    assert st["status"] == "failed" and "File too large" in st["error"]
    # with room again, the same command finishes the storyboard
    st = cli.json("continue", vid)
    assert (st["status"], st["phase"]) == ("paused", "storyboard")
    assert not [p for p in leftover if p.exists()], "the failed run's scratch is swept"
