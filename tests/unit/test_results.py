"""The typed results every door renders (agent/service/status.py): what their JSON looks like.

Doors print ``model_dump(mode="json")``; a job on the queue records that JSON and the waiter
reads it back (:func:`run_result`). These check that the round trip keeps the type and that
the JSON has the shape the doors printed when the results were plain dicts.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from agent.errors import ReelgraphError
from agent.phases.effects import Effect, Outcome
from agent.service.status import (
    BranchStatus,
    EditOutcome,
    QueuedStatus,
    VideoOptions,
    VideoSummary,
    edit_outcome,
    run_result,
)
from agent.state import Options

#: Options as ``create_video`` stores them: every Options field, plus auto_continue.
STORED = {**Options(duration_s=8, video_model="replicate:hailuo-02").model_dump(mode="json")}
STORED["auto_continue"] = True


def _status(**changes: Any) -> BranchStatus:
    data: dict[str, Any] = {
        "video_id": "v1",
        "branch": "main-1",
        "thread_id": "t1",
        "status": "paused",
        "phase": "storyboard",
        "title": "Acme Tea",
        "prompt": "an ad for tea",
        "options": STORED,
        "artifacts": {
            "beat_00": {
                "key": "alice/videos/v1/beat_00_v2.png",
                "version": 2,
                "sha256": "ab" * 32,
                "mime": "image/png",
                "size_bytes": 10,
                "path": "/c/ab",
                "url": "file:///c/ab",
                "label": "beat 1",
            }
        },  # fmt: skip
        "usage": {"calls": 3, "reused": 1, "cost_usd": 0.0, "phases": {"plan": {"calls": 1}}},
        "licence_notes": [],
        "final_video": None,
        "error": None,
        "allowed": ["continue", "regenerate_beat"],
        "next_phase": "chunks",
        "estimate_next_usd": 0.0,
        "estimate_error": None,
    }
    return BranchStatus.model_validate({**data, **changes})


def _effect(outcome: Outcome, targeted: bool = True, **more: Any) -> Effect:
    return Effect("beat_01", "beat 2", targeted, outcome, 12.5, "/255", f"beat 2 {outcome}", **more)


def test_a_stored_videos_options_come_back_as_they_were_stored() -> None:
    options = VideoOptions.model_validate(STORED)
    assert options.model_dump(mode="json") == STORED
    assert options.auto_continue and options.video_model == "replicate:hailuo-02"
    run = options.run_options()
    assert type(run) is Options and run.duration_s == 8 and "auto_continue" not in run.model_dump()


def test_an_edit_outcome_is_the_status_plus_what_the_edit_did_in_json() -> None:
    status = _status()
    found = [_effect("changed", loudness_lufs=(-14.2, -14.0)), _effect("changed", targeted=False)]
    outcome = EditOutcome.of(status, created_branch=True, parent="main", effects=found)
    assert outcome.effect == "visible"
    body = json.loads(json.dumps(outcome.model_dump(mode="json")))
    assert body == {
        **status.model_dump(mode="json"),
        "created_branch": True,
        "parent": "main",
        "effect": "visible",
        "effects": [e.as_dict() for e in found],
    }
    assert body["effects"][0]["loudness_lufs"] == [-14.2, -14.0]


@pytest.mark.parametrize(
    ("outcomes", "effect"),
    [(["unchanged"], "none"), (["changed", "slight"], "partial"), (["pending"], None), ([], None)],
)
def test_an_edits_one_word_never_calls_a_no_op_a_success(
    outcomes: list[Outcome], effect: str | None
) -> None:
    found = [_effect(o) for o in outcomes]
    outcome = EditOutcome.of(_status(), created_branch=False, parent=None, effects=found)
    assert outcome.effect == effect


def test_a_jobs_recorded_json_comes_back_as_the_type_it_was() -> None:
    status = _status()
    edited = EditOutcome.of(status, created_branch=True, parent="main", effects=[_effect("slight")])
    for result in (status, edited):
        again = run_result(json.loads(json.dumps(result.model_dump(mode="json"))))
        assert type(again) is type(result) and again == result
    assert edit_outcome(edited) is edited
    with pytest.raises(ReelgraphError, match="was a run, not an edit"):
        edit_outcome(status)
    with pytest.raises(ValidationError):
        run_result({"branch": "main"})


def test_a_queued_status_says_queued_with_its_place() -> None:
    status = _status()
    queued = QueuedStatus.model_validate({**dict(status), "job_id": 7, "queue_position": 2})
    queued = queued.model_copy(update={"status": "queued"})
    body = queued.model_dump(mode="json")
    assert body == {
        **status.model_dump(mode="json"),
        "status": "queued",
        "job_id": 7,
        "queue_position": 2,
    }
    with pytest.raises(ValidationError):
        BranchStatus.model_validate({**status.model_dump(), "status": "queued"})


def test_a_video_in_a_list_dates_itself_in_iso_8601() -> None:
    made = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
    row = {"video_id": "v1", "prompt": "an ad", "title": None, "created_at": made,
           "status": "paused", "phase": None, "branches": 2}  # fmt: skip
    body = VideoSummary.model_validate(row).model_dump(mode="json")
    assert body == {**row, "created_at": "2026-12-03T09:30:00+00:00"}
