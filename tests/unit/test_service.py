"""The one request every door builds for a new video (agent/service/videos.py)."""

from __future__ import annotations

import pytest

from agent.errors import UserError
from agent.providers.registry import Registry
from agent.service.videos import MODEL_FIELDS, video_request


def test_unnamed_models_are_left_to_the_registrys_defaults() -> None:
    request = video_request("an ad for tea", video_model=None, image_model=None, seed=3)
    assert not set(MODEL_FIELDS) & request.options.model_fields_set
    reg = Registry(defaults={"video_model": "replicate:hailuo-02", "planner": "openai"})
    chosen = reg.with_defaults(request.options)
    assert (chosen.video_model, chosen.planner, chosen.image_model) == (
        "replicate:hailuo-02",
        "openai",
        "local",
    )
    assert chosen.seed == 3


def test_a_named_model_is_kept_even_when_it_is_local() -> None:
    request = video_request("an ad for tea", video_model="local")
    reg = Registry(defaults={"video_model": "replicate:hailuo-02", "music_model": "m"})
    chosen = reg.with_defaults(request.options)
    assert (chosen.video_model, chosen.music_model) == ("local", "m")


def test_length_and_aspect_come_from_the_option_then_the_brief() -> None:
    said = video_request("a 12-second vertical ad for tea")
    assert (said.options.duration_s, said.options.aspect) == (12.0, "9:16")
    named = video_request("a 12-second vertical ad for tea", duration_s=8, aspect="1:1")
    assert (named.options.duration_s, named.options.aspect) == (8.0, "1:1")


@pytest.mark.parametrize(
    ("fields", "where"),
    [({"duration_s": 500}, "duration_s: "), ({"aspect": "4:3"}, "aspect: "), ({}, "prompt")],
)
def test_bad_fields_are_one_line_user_errors(fields: dict[str, object], where: str) -> None:
    prompt = "" if not fields else "an ad for tea"
    with pytest.raises(UserError) as err:
        video_request(prompt, **fields)
    assert str(err.value).startswith(where)
    assert "\n" not in str(err.value)
