"""Pure pieces: chunk planning, the artifact reducer, memo keys, request validation, the store."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from agent.memo import Call
from agent.phases.chunks import beat_frames, plan_chunks
from agent.spec import FPS, Beat, MusicBrief, Spec, Style, retile
from agent.state import MAX_PROMPT_CHARS, ArtifactRef, Options, VideoRequest, merge_artifacts
from agent.store import LocalStore


def make_spec(durations: list[float]) -> Spec:
    beats = [
        Beat(
            index=0,
            type="hook",
            start_s=0,
            duration_s=d,
            description="d",
            image_prompt="i",
            motion_prompt="m",
            camera="push-in",
        )
        for d in durations
    ]
    return Spec(
        title="t",
        product="p",
        audience="a",
        style=Style(palette=["#000000", "#ff0000", "#ffffff"], mood="m", lighting="l", camera="c"),
        music=MusicBrief(mood="energetic", tempo_bpm=120, key="A minor", instruments=["drums"]),
        duration_s=sum(durations),
        beats=retile(beats),
    )


def test_spec_rejects_beats_that_do_not_sum_to_the_duration() -> None:
    spec = make_spec([3, 3])
    with pytest.raises(ValidationError, match="sum to 6.000 s"):
        Spec.model_validate({**spec.model_dump(), "duration_s": 7})


@pytest.mark.parametrize("durations", [[6.0], [2.5, 3.5], [1.3, 7.25, 4.45, 10.0], [12.0] * 5])
def test_beat_frames_sum_to_the_whole_ad(durations: list[float]) -> None:
    spec = make_spec(durations)
    frames = beat_frames(spec)
    assert sum(frames) == round(spec.duration_s * FPS)
    assert all(abs(f - d * FPS) <= 1 for f, d in zip(frames, durations, strict=True))


def test_chunks_cover_each_beat_on_the_model_grid() -> None:
    spec = make_spec([3.0, 7.5, 12.0])
    jobs = plan_chunks(spec, (5.0,))
    # a chained chunk drops its first frame (the previous chunk's last), so it adds 119
    assert [(j.beat_index, j.frames, j.skip_frames) for j in jobs] == [
        (0, 72, 0),
        (1, 120, 0),
        (1, 60, 1),
        (2, 120, 0),
        (2, 119, 1),
        (2, 49, 1),
    ]
    assert [j.index for j in jobs] == list(range(6))
    assert sum(j.frames for j in jobs) == 22.5 * FPS


def test_chunks_pick_the_shortest_clip_that_covers_the_rest() -> None:
    jobs = plan_chunks(make_spec([14.0]), (6.0, 10.0))  # Hailuo's grid
    assert [(j.clip_s, j.frames) for j in jobs] == [(10.0, 240), (6.0, 96)]
    assert [(j.clip_s, j.frames) for j in plan_chunks(make_spec([8.0]), (6.0, 10.0))] == [
        (10.0, 192)
    ]


def ref(name: str, sha: str = "a") -> ArtifactRef:
    return ArtifactRef(
        name=name,
        key=f"u/videos/v/{name}_v1.png",
        version=1,
        sha256=(sha * 64)[:64],
        mime="image/png",
        size_bytes=1,
        provider="local",
        model="m",
    )


def test_artifact_reducer_merges_overrides_and_removes() -> None:
    left = {"beat_00": ref("beat_00"), "beat_01": ref("beat_01")}
    merged = merge_artifacts(
        left, {"beat_01": ref("beat_01", "b"), "beat_00": None, "chunk_00": ref("chunk_00")}
    )
    assert set(merged) == {"beat_01", "chunk_00"}
    assert merged["beat_01"].sha256 == "b" * 64
    assert set(left) == {"beat_00", "beat_01"}, "the reducer must not mutate its input"


def test_memo_key_depends_on_everything_that_decides_the_output() -> None:
    base = Call("local", "motion", {"camera": "push-in", "seed": 1}, inputs=("x",))
    assert base.key == Call("local", "motion", {"seed": 1, "camera": "push-in"}, ("x",)).key
    others = [
        Call("local", "motion", {"camera": "pan-left", "seed": 1}, ("x",)),
        Call("local", "motion", {"camera": "push-in", "seed": 2}, ("x",)),
        Call("local", "motion", {"camera": "push-in", "seed": 1}, ("y",)),
        Call("local", "other", {"camera": "push-in", "seed": 1}, ("x",)),
        Call("replicate", "motion", {"camera": "push-in", "seed": 1}, ("x",)),
    ]
    assert len({base.key, *(c.key for c in others)}) == 6
    # price is not part of the key: a re-priced model still reuses its outputs
    assert Call("local", "motion", base.params, ("x",), cost_usd=5).key == base.key


@pytest.mark.parametrize(
    ("prompt", "options", "match"),
    [
        ("", {}, "empty"),
        ("   \n\t ", {}, "empty"),
        ("x" * (MAX_PROMPT_CHARS + 1), {}, "limit"),
        ("ad", {"duration_s": 0}, "greater than or equal to 6"),
        ("ad", {"duration_s": 600}, "less than or equal to 60"),
        ("ad", {"aspect": "4:3"}, "16:9"),
        ("ad", {"seed": -1}, "greater than or equal to 0"),
    ],
)
def test_video_request_rejects_bad_input(
    prompt: str, options: dict[str, object], match: str
) -> None:
    with pytest.raises(ValidationError, match=match):
        VideoRequest(prompt=prompt, options=Options.model_validate(options))


def test_video_request_normalises_whitespace() -> None:
    assert VideoRequest(prompt="  a\n ad  ").prompt == "a ad"


def test_store_is_content_addressed(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    sha1, size = store.put_bytes(b"frame", ".png")
    sha2, _ = store.put_bytes(b"frame", ".png")
    assert sha1 == sha2 and size == 5
    assert store.has_blob(sha1)
    p1 = store.link("u/videos/v/beat_00_v1.png", sha1)
    p2 = store.link("u/videos/w/beat_00_v1.png", sha1)
    assert p1.read_bytes() == p2.read_bytes() == b"frame"
    assert p1.stat().st_ino == store.local_path(sha1).stat().st_ino  # a link, not a copy
    with pytest.raises(Exception, match="unsafe"):
        store.link("../escape.png", sha1)
