"""Without logins there is no chat history: a reloaded page still shows the video where it is.

Its own Chainlit server without auth (a laptop's setup), the chat tests' browser. A reload picks
up the session's latest video with its media; New chat starts a new one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.integration.chat_browser import BRIEF, Server, chat_server, tab

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
def open_server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with chat_server(tmp_path_factory.mktemp("chat-open"), database_url, logins=False) as s:
        yield s


def test_without_logins_a_reload_shows_the_latest_video_and_new_chat_starts_over(
    chromium: Any, open_server: Server
) -> None:
    from playwright.sync_api import expect

    with tab(chromium, open_server, user=None) as chat:
        chat.send(BRIEF)
        beats = chat.spec_beats()
        chat.pause("main", "paused at plan")
        chat.click("Continue")
        expect(chat.pause("main", "paused at storyboard").locator(".inline-image")).to_have_count(
            beats
        )
        chat.page.reload()
        board = chat.pause("main", "paused at storyboard")
        expect(board.locator(".inline-image")).to_have_count(beats)
        # The settings panel shows what the video was made with (8 s), not the defaults.
        settings = chat.page.locator("#chat-settings-sidebar-content")
        expect(settings).to_contain_text(re.compile(r"brief says\)\s*8(?!\d)"))
        chat.shot("08-reload-without-logins")
        chat.page.locator("#new-chat-button").click()
        chat.page.locator("#confirm").click()
        expect(chat.page.locator("#starters button").first).to_be_visible()
        expect(chat.assistant()).to_have_count(0)
