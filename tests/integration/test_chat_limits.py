"""Chat messages too long for the socket, or with control characters, get a clear reply.

A real Chainlit server and Debian's chromium (the shared ``chat`` fixture): a 17 MB message
used to drop the socket without a word; now the browser sends a notice of its length instead
(public/reelgraph.js) and the app answers it, and the same session keeps working.
"""

from __future__ import annotations

import pytest

from tests.integration.chat_browser import Chat

pytestmark = [pytest.mark.integration, pytest.mark.slow]

REPLY_MS = 60_000


def test_a_17_mb_message_and_control_characters_get_a_reply(chat: Chat) -> None:
    from playwright.sync_api import expect

    page = chat.page
    page.set_default_timeout(REPLY_MS)

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

    def wait_reply(text: str) -> None:
        expect(chat.last_reply(text)).to_be_visible(timeout=REPLY_MS)

    type_in("'tea ad, '.repeat(2125000)")  # 17,000,000 characters (17 MB)
    wait_reply("That message is too long (17,000,000 characters; the limit is 2,000)")
    # the first message makes the thread: its page replaces the composer
    page.wait_for_url("**/thread/**")
    expect(chat.assistant().last).to_be_visible()
    # the same connection still carries messages both ways
    chat.send("an 8-second tea ad \x07 with bells")
    wait_reply("That message contains a control character (U+0007) at position 19")
    chat.send("make it louder " * 300)
    wait_reply("That message is too long (4,500 characters")
    assert chat.assistant().filter(has_text="Planning").count() == 0, "nothing started"
