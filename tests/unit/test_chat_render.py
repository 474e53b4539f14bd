"""What the chat shows (ui.chat_render), without a browser: Markdown, order, labels."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from agent.service.status import ArtifactInfo, BranchInfo, BranchStatus, Usage
from ui.chat_render import (
    beat_type,
    branch_tree,
    chunk_table,
    differing_beats,
    escape_directives,
    headline,
    is_final,
    media,
    phase_progress,
    plural,
    storyboards_side_by_side,
)


@pytest.mark.parametrize(
    ("markdown", "shown"),
    [
        # remark-directive would drop ":gpt-4o-mini" and ":kling" (seen in a CI failure).
        (
            "openai:gpt-4o-mini planning failed",
            "openai\\:gpt-4o-mini planning failed",
        ),
        ("known: local, replicate:kling", "known: local, replicate\\:kling"),
        # Not names: URLs, times, bold labels.
        ("see https://example.org/a", "see https://example.org/a"),
        ("at 12:30", "at 12:30"),
        ("**Style:** warm", "**Style:** warm"),
        # Code spans show backslashes, so they are left alone.
        ("use `replicate:kling` or wan:x", "use `replicate:kling` or wan\\:x"),
    ],
)
def test_model_names_survive_chainlit_markdown(markdown: str, shown: str) -> None:
    assert escape_directives(markdown) == shown


def test_escaping_twice_changes_nothing() -> None:
    once = escape_directives("a:b `c:d` e:f")
    assert escape_directives(once) == once


# -- what each pause shows ----------------------------------------------------------------------


def _status(phase: str | None, status: str = "paused", **arts: ArtifactInfo) -> BranchStatus:
    return BranchStatus.model_validate(
        {
            "video_id": "v1",
            "branch": "main-1",
            "thread_id": "t1",
            "status": status,
            "phase": phase,
            "title": "Acme Tea",
            "prompt": "an ad",
            "options": {},
            "artifacts": arts,
            "usage": Usage(calls=0, reused=0, cost_usd=0.0),
            "licence_notes": [],
            "final_video": None,
            "error": None,
            "allowed": [],
        }
    )


def _art(sha: str) -> ArtifactInfo:
    return ArtifactInfo(
        key=f"u/videos/v1/{sha}", version=1, sha256=sha, mime="image/png", size_bytes=1,
        path=f"/cache/{sha}", url=f"file:///cache/{sha}", label=sha,
    )  # fmt: skip


def _frame(tmp_path: Path, sha: str) -> Path:
    path = tmp_path / f"{sha}.png"
    if not path.exists():
        Image.new("RGB", (320, 180), (40, 80, 120)).save(path)
    return path


def test_storyboard_is_in_beat_order_numbered_from_one(tmp_path: Path) -> None:
    # Twelve beats, listed out of order: beat_10 must not come before beat_02.
    arts = {f"beat_{i:02d}": _art(f"s{i}") for i in (10, 2, 0, 11, 1, 3, 4, 5, 6, 7, 8, 9)}
    shown = media(_status("storyboard", **arts), tmp_path / "thumbs", lambda s: _frame(tmp_path, s))
    assert [m.name for m in shown] == [f"Beat {n}" for n in range(1, 13)]
    assert {m.kind for m in shown} == {"image"}


def test_chunks_show_the_stitched_preview_first_then_each_chunk_on_demand(tmp_path: Path) -> None:
    arts = {"chunk_01": _art("c1"), "stitched": _art("st"), "chunk_00": _art("c0")}
    shown = media(_status("chunks", **arts), tmp_path, lambda s: tmp_path / s)
    assert [(m.kind, m.name) for m in shown] == [
        ("video", "Stitched preview"),
        ("chunk", "chunk-1.mp4"),
        ("chunk", "chunk-2.mp4"),
    ]


def test_chunk_table_labels_beat_time_and_model() -> None:
    st = _status("chunks", chunk_00=_art("a"), chunk_01=_art("b"), chunk_02=_art("c"))
    chosen = {"chunk_01": "replicate:kling-v2.1", "beat_00": None}
    table = chunk_table(st, [(0, 0.0, 3.0), (1, 3.0, 8.0), (1, 8.0, 10.0)], "local", chosen)
    lines = table.splitlines()
    assert lines[0] == "| Chunk | Beat | Time | Model |"
    assert lines[2] == "| chunk-1.mp4 | 1 | 0.0–3.0 s | `local` |"
    assert lines[3] == "| chunk-2.mp4 | 2 | 3.0–8.0 s | `replicate:kling-v2.1` |"
    assert lines[4].startswith("| chunk-3.mp4 | 2 | 8.0–10.0 s |")
    # A timeline that does not match the chunks (another grid) is left out, not misapplied.
    assert "Beat" not in chunk_table(st, [(0, 0.0, 3.0)], "local", chosen)


def test_the_final_pause_reads_complete() -> None:
    assert "— complete" in headline(_status("refine"))
    assert is_final(_status("refine")) and is_final(_status(None, "complete"))
    assert "— paused at chunks" in headline(_status("chunks"))
    assert not is_final(_status("refine", "running"))


@pytest.mark.parametrize(
    ("phase", "item", "done", "total", "line"),
    [
        ("storyboard", "beat_02", 3, 9, "beat 3 of 9 drawn"),
        ("chunks", "chunk_04", 5, 13, "chunk 5 of 12 rendered"),  # 12 chunks + the stitch
        ("chunks", "stitched", 13, 13, "12 of 12 chunks rendered and stitched"),
        ("refine", "final", 2, 2, "final video mixed"),
        ("plan", "spec", 1, 1, "spec written"),
    ],
)
def test_progress_lines_count_as_users_do(
    phase: str, item: str, done: int, total: int, line: str
) -> None:
    assert phase_progress(phase, item, done, total) == line


def test_branch_tree_nests_children_under_their_parent() -> None:
    def row(name: str, parent: str | None, status: str = "paused") -> BranchInfo:
        return BranchInfo.model_validate(
            {"name": name, "thread_id": name, "parent": parent, "fork_checkpoint_id": None,
             "status": status, "phase": "chunks", "fork_phase": "storyboard"}
        )  # fmt: skip

    tree = [row("main", None), row("main-1", "main"), row("main-2", "main", "complete"),
            row("main-1-1", "main-1")]  # fmt: skip
    lines = branch_tree(tree, "main-1").splitlines()[2:]
    assert [line.split("`")[1] for line in lines] == ["main", "main-1", "main-1-1", "main-2"]
    indents = [len(line) - len(line.lstrip()) for line in lines]
    assert indents == [0, 4, 8, 4]
    assert lines[1].endswith("← in view") and "complete" in lines[3]


def test_storyboards_side_by_side_is_one_image_with_a_row_per_branch(tmp_path: Path) -> None:
    a = [_frame(tmp_path, "a1"), _frame(tmp_path, "a2")]
    out = storyboards_side_by_side([("main", a), ("main-1", a)], tmp_path / "cmp.png", 90)
    with Image.open(out) as im:
        assert im.height == 2 * 90 + 3 * 8
        assert im.width > 2 * 160


def test_a_comparison_names_the_beats_whose_frames_differ() -> None:
    a = _status("storyboard", beat_00=_art("a0"), beat_01=_art("a1"), beat_02=_art("a2"))
    b = _status("storyboard", beat_00=_art("a0"), beat_01=_art("b1"), beat_02=_art("a2"))
    assert differing_beats(a, b) == [2]
    assert differing_beats(a, a) == []
    longer = _status("storyboard", beat_00=_art("a0"), beat_01=_art("a1"), beat_02=_art("a2"),
                     beat_03=_art("a3"))  # fmt: skip
    assert differing_beats(a, longer) == [4]


def test_counts_read_as_users_say_them() -> None:
    assert [plural(1, "call"), plural(2, "call"), plural(0, "beat")] == [
        "1 call", "2 calls", "0 beats"
    ]  # fmt: skip
    assert beat_type("call_to_action") == "call to action"
