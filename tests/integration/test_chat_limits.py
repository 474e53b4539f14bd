"""Chat messages too long for the socket, or with control characters, get a clear reply.

A real Chainlit server (the chat tests' fixture) and Debian's chromium: a 17 MB message used
to drop the socket without a word; now the browser sends a notice of its length instead
(public/reelgraph.js) and the app answers it, and the same session keeps working.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.test_chat import (
    CHROMIUM,
    CHROMIUM_ARGS,
    USERS,
    Server,
    _need_chromium,
    server,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]
__all__ = ["server"]  # the module-scoped Chainlit server fixture, shared with test_chat

REPLY_MS = 60_000


def test_a_17_mb_message_and_control_characters_get_a_reply(server: Server) -> None:
    _need_chromium()
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.set_default_timeout(REPLY_MS)

            def assistant() -> Any:
                return page.locator("[data-step-type='assistant_message']")

            def type_in(text_js: str) -> None:
                """Put the JavaScript expression's string in the composer and send it."""
                page.locator("#chat-input").evaluate(
                    """(el, make) => {
                        const text = new Function('return ' + make)();
                        const proto = Object.getPrototypeOf(el);
                        const setter = Object.getOwnPropertyDescriptor(proto, 'value').set;
                        setter.call(el, text);
                        el.dispatchEvent(new Event('input', { bubbles: true }));
                    }""",
                    text_js,
                )
                page.locator("#chat-submit").click()

            def send(text: str) -> None:
                page.locator("#chat-input").fill(text)
                page.locator("#chat-submit").click()

            def wait_reply(text: str) -> None:
                expect(assistant().filter(has_text=text).last).to_be_visible(timeout=REPLY_MS)

            page.goto(server.url)
            page.locator("#email").fill("alice")
            page.locator("#password").fill(USERS["alice"])
            page.locator("button[type=submit]").click()
            expect(page.locator("#chat-input")).to_be_visible(timeout=60_000)
            expect(page.locator("#chat-settings-sidebar-content")).to_contain_text("Duration")

            type_in("'tea ad, '.repeat(2125000)")  # 17,000,000 characters (17 MB)
            wait_reply("That message is too long (17,000,000 characters; the limit is 2,000)")
            # the first message makes the thread: its page replaces the composer
            page.wait_for_url("**/thread/**")
            expect(assistant().last).to_be_visible()
            # the same connection still carries messages both ways
            send("an 8-second tea ad \x07 with bells")
            wait_reply("That message contains a control character (U+0007) at position 19")
            send("make it louder " * 300)
            wait_reply("That message is too long (4,500 characters")
            assert assistant().filter(has_text="Planning").count() == 0, "nothing started"
        finally:
            browser.close()
