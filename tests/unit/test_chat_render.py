"""The chat's Markdown helpers (ui.chat_render), without a browser."""

from __future__ import annotations

import pytest

from ui.chat_render import escape_directives


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
