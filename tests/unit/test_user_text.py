"""User text is refused with one clear line when it holds control characters or surrogates."""

from __future__ import annotations

import asyncio

import pytest
from pydantic import ValidationError

from agent.errors import UserError
from agent.providers.local.models import LocalPlanner
from agent.spec import Spec
from agent.state import Options, VideoRequest
from agent.text import check_text_tree, text_problem, user_text
from tools.interpreter import ToolCall
from tools.schemas import tool_args

BAD = ["\x00", "\ud800", "\udfff", "\x1b", "\x7f", "\x85", "\ufffe"]


@pytest.mark.parametrize("char", BAD)
def test_bad_characters_are_named_with_their_place(char: str) -> None:
    problem = text_problem(f"tea{char} ad")
    assert problem is not None and f"U+{ord(char):04X}) at position 3" in problem
    with pytest.raises(UserError, match=r"^the message contains a .* at position 3"):
        user_text(f"tea{char} ad", "the message")


@pytest.mark.parametrize("text", ["a tea ad", "line one\nline two\ttab\r\n", "café ☕ 🍵 茶", ""])
def test_plain_text_passes(text: str) -> None:
    assert text_problem(text) is None
    assert user_text(text, "x") == text


@pytest.mark.parametrize("char", BAD)
def test_a_video_request_refuses_bad_text_anywhere(char: str) -> None:
    with pytest.raises(ValidationError, match="prompt contains"):
        VideoRequest(prompt=f"an 8-second tea ad{char}")
    with pytest.raises(ValidationError, match="video_model contains"):
        Options.model_validate({"video_model": f"local{char}"})
    with pytest.raises(ValidationError, match="options.planner contains"):
        VideoRequest.model_validate({"prompt": "ad", "options": {"planner": char}})


def test_a_spec_refuses_bad_text_at_any_depth() -> None:
    spec = asyncio.run(LocalPlanner().plan("An 8-second ad for tea", Options(duration_s=8)))
    data = spec.model_dump(mode="json")
    Spec.model_validate(data)
    for path, setter in [
        ("title", lambda d: d.update(title="a\x00b")),
        ("beats.1.description", lambda d: d["beats"][1].update(description="x\ud800")),
        ("style.palette.0", lambda d: d["style"]["palette"].__setitem__(0, "#fff\x00")),
    ]:
        bad = spec.model_dump(mode="json")
        setter(bad)
        with pytest.raises(ValidationError, match=f"{path} contains"):
            Spec.model_validate(bad)


def test_tool_arguments_refuse_bad_text_in_one_line() -> None:
    call = ToolCall(tool="edit_spec", args={"ops": [{"op": "set_title", "title": "a\x00b"}]})
    with pytest.raises(UserError) as exc:
        tool_args(call)
    assert str(exc.value).startswith("edit_spec: arguments: ops.0.title contains a control")
    assert "\n" not in str(exc.value)
    call = ToolCall(tool="regenerate_beat", args={"beat": 1, "prompt": "\ud800"})
    with pytest.raises(UserError, match="prompt contains a lone surrogate"):
        tool_args(call)


def test_dict_keys_are_checked_too() -> None:
    with pytest.raises(ValueError, match="a field name in style contains"):
        check_text_tree({"style": {"mo\x00od": "calm"}})


def test_deeply_nested_input_is_checked_without_recursion() -> None:
    deep: object = "x\x00"
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(ValueError, match="contains a control character"):
        check_text_tree({"beats": deep})


@pytest.mark.parametrize("value", [float("inf"), float("nan")])
def test_options_refuse_numbers_json_cannot_store(value: float) -> None:
    with pytest.raises(ValidationError, match="finite number"):
        Options(budget_usd=value)
    with pytest.raises(ValidationError):
        Options(duration_s=value)
