"""Edits survive the trip through a job's arguments (JSON) unchanged, and junk is refused."""

from __future__ import annotations

import json

import pytest

from agent.editing import RegenerateBeat, SetMusicVolume
from agent.errors import UserError
from agent.service.edits import from_json, to_json


def test_edits_come_back_from_a_jobs_arguments_as_they_went_in() -> None:
    edits = [RegenerateBeat(beat=2, prompt="a sunset"), SetMusicVolume(gain_db=-6.0)]
    stored = json.loads(json.dumps(to_json(edits)))  # as the job row keeps them
    assert from_json(stored) == edits


def test_an_argument_that_is_no_edit_is_refused() -> None:
    with pytest.raises(UserError, match="not an edit"):
        from_json([{"kind": "drop_table", "beat": 1}])
