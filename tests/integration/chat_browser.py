"""What the chat's browser tests share: a real Chainlit server, Debian's chromium, a user's tab.

The fixtures built on these (``chat_site``, ``chromium``, ``chat``) live in this directory's
``conftest.py``: one Chainlit server with logins and one browser per test session, and a fresh
browser context (no cookies) per test, so no test depends on another having run.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from agent.deps import open_deps
from agent.settings import Settings
from agent.studio import Studio
from tests.conftest import REPO
from tests.servers import free_port, serving

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
]
USERS = {"alice": "pw-a", "bob": "pw-b"}
PHASE_MS = 180_000  # generous: a phase of an 8-second ad takes seconds here
SHOTS = REPO / "out" / "chat-screenshots"
BRIEF = "an 8-second ad for Acme cold brew coffee, energetic style"


@dataclass
class Server:
    """A running chat server: its URL, data directory, database and log file."""

    url: str
    home: Path
    database_url: str
    log: Path

    def studio_call(self, fn: Any) -> Any:
        """Run ``await fn(studio)`` against the server's database and store."""

        async def main() -> Any:
            settings = Settings(home=self.home, database_url=self.database_url)
            async with open_deps(settings) as deps:
                return await fn(Studio(deps))

        # In a thread of its own: Playwright's sync API keeps an event loop in this one.
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(lambda: asyncio.run(main())).result()


def chat_env(home: Path, database_url: str, logins: bool) -> dict[str, str]:
    """The environment of a chat server: its own home, the test database, logins or not."""
    env = {
        **os.environ,
        "REELGRAPH_HOME": str(home),
        "DATABASE_URL": database_url,
        # As on CI, where chainlit then puts a placeholder in OPENAI_API_KEY (its --ci flag):
        # the chat must still plan offline.
        "CI": "true",
    }
    if logins:
        env["CHAINLIT_AUTH_SECRET"] = secrets.token_hex(32)
        env["REELGRAPH_CHAT_USERS"] = ",".join(f"{u}:{p}" for u, p in USERS.items())
    return env


@contextmanager
def chat_server(home: Path, database_url: str, logins: bool) -> Iterator[Server]:
    """``chainlit run ui/app.py --headless`` on a free port, until the block ends."""
    port = free_port()
    log_path = home / "chainlit.log"
    chainlit = str(Path(sys.executable).parent / "chainlit")
    url = f"http://127.0.0.1:{port}"
    argv = [chainlit, "run", "ui/app.py", "--headless", "--port", str(port)]
    env = chat_env(home, database_url, logins)
    # Chainlit imports for a minute on a busy two-core machine: a generous start.
    with serving(argv, env, log_path, f"{url}/auth/config", start_s=240):
        yield Server(url, home, database_url, log_path)


@contextmanager
def login_http(server: Server, user: str) -> Iterator[httpx.Client]:
    """An HTTP client with ``user``'s session cookie (logged in with their password)."""
    with httpx.Client(base_url=server.url, timeout=30) as client:
        r = client.post("/login", data={"username": user, "password": USERS[user]})
        assert r.status_code == 200, r.text
        yield client


def need_chromium() -> None:
    """Skip without Debian's chromium; on CI its absence is a failure."""
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail("/usr/bin/chromium is missing on CI: .ci/run installs Debian's chromium")
    pytest.skip("/usr/bin/chromium is missing (apt-get install chromium)")


@contextmanager
def launch_chromium() -> Iterator[Any]:
    """Debian's chromium, headless, driven by Playwright, until the block ends."""
    need_chromium()
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=PHASE_MS)
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


class Chat:
    """One user's browser tab on the chat, with what a user does: type, click, look."""

    def __init__(self, page: Any, server: Server) -> None:
        """Watch ``page`` (its console goes into failure reports) on ``server``."""
        self.page, self.server = page, server
        self.console: list[str] = []
        page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))

    def open(self, user: str | None = "alice") -> None:
        """Open the chat (logging in as ``user``) and wait until its session is up."""
        from playwright.sync_api import expect

        self.page.goto(self.server.url)
        if user:
            self.page.locator("#email").fill(user)
            self.page.locator("#password").fill(USERS[user])
            self.page.locator("button[type=submit]").click()
        # The settings arrive from the session: it is up, and an attachment uploads into it.
        expect(self.page.locator("#chat-settings-sidebar-content")).to_contain_text("Duration")

    def assistant(self) -> Any:
        """The assistant's messages."""
        return self.page.locator("[data-step-type='assistant_message']")

    def last_reply(self, text: str) -> Any:
        """The newest assistant message containing ``text``."""
        return self.assistant().filter(has_text=text).last

    def send(self, text: str) -> None:
        """Type ``text`` in the composer and send it."""
        self.page.locator("#chat-input").fill(text)
        self.page.locator("#chat-submit").click()

    def wait_reply(self, text: str) -> None:
        """Wait until an assistant message contains ``text``."""
        from playwright.sync_api import expect

        expect(self.last_reply(text)).to_be_visible()

    def attach(self, path: Path) -> None:
        """Attach a file to the next message, once Chainlit has finished uploading it."""
        from playwright.sync_api import expect

        self.page.locator("input[type=file]").first.set_input_files(str(path))
        expect(self.page.locator("#attachments")).to_be_visible()
        expect(self.page.locator("#upload-button")).to_be_enabled()  # not "…-loading"

    def spec_beats(self) -> int:
        """The number of beats in the newest spec table (the plan pause's), once it shows.

        A table comes whole with its message, so its rows can be counted; the frames of a
        storyboard come one by one after their message, and are waited for by this count.
        """
        from playwright.sync_api import expect

        table = self.page.locator("table").last
        expect(table).to_contain_text("On-screen text")
        beats: int = table.locator("tbody tr").count()
        assert beats >= 2
        return beats

    def click(self, label: str) -> None:
        """Click the newest button labelled ``label``, once."""
        self.page.get_by_role("button", name=label, exact=True).last.click()

    def pause(self, branch: str, where: str) -> Any:
        """Wait for the message showing ``branch`` at ``where`` (``paused at plan``)."""
        reply = self.last_reply(f"Branch {branch} — {where}")
        from playwright.sync_api import expect

        expect(reply).to_be_visible()
        return reply

    def shot(self, name: str) -> None:
        """Save what the user sees as ``out/chat-screenshots/<name>.png``: the newest reply."""
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.wait_for_load_state("networkidle")
        if self.assistant().count():
            # The thread scrolls inside its own pane: scroll it to its end, as a user reading
            # the newest reply would (short of it, Chainlit's scroll-down button covers it).
            self.assistant().last.evaluate(
                """(el) => {
                    el.scrollIntoView({block: 'end', behavior: 'instant'});
                    for (let p = el.parentElement; p; p = p.parentElement) {
                        if (p.scrollHeight > p.clientHeight + 1
                            && getComputedStyle(p).overflowY !== 'visible') {
                            p.scrollTop = p.scrollHeight;
                            break;
                        }
                    }
                }"""
            )
        self.page.screenshot(path=str(SHOTS / f"{name}.png"))

    def image_bytes(self, image: Any) -> bytes:
        """The bytes the browser gets for an ``<img>`` (with the tab's cookies)."""
        src = image.get_attribute("src")
        assert src
        r = self.page.request.get(src if src.startswith("http") else self.server.url + src)
        assert r.ok, r.status
        body: bytes = r.body()
        return body

    def detail(self) -> str:
        """What the server and the page said: a failure on a CI machine is read from here."""
        log = self.server.log.read_text(errors="replace")[-6000:]
        return f"\n--- chainlit log ---\n{log}\n--- page ---\n" + "\n".join(self.console[-60:])


@contextmanager
def tab(browser: Any, server: Server, user: str | None = "alice") -> Iterator[Chat]:
    """A fresh browser context (no cookies) on the chat, logged in as ``user``.

    A failed assertion inside the block carries the server's log and the page's console.
    """
    context = browser.new_context(viewport={"width": 1400, "height": 1200})
    context.set_default_timeout(PHASE_MS)
    c = Chat(context.new_page(), server)
    try:
        c.open(user)
        yield c
    except AssertionError as exc:
        raise AssertionError(f"{exc}{c.detail()}") from exc
    finally:
        context.close()


#: A test hook that forces Chainlit's session race on every load of the page: it holds the
#: first ``/set-session-cookie`` POST for 1.5 s, so the page's stale fresh-session connect
#: (made first) gets its answer after the thread's (made second), the order that lost clicks
#: (public/reelgraph.js). ``window.__cookiesAnswered`` counts the POSTs answered.
SLOW_FIRST_SESSION_COOKIE = """(() => {
  const fetch0 = window.fetch;
  let held = false;
  window.__cookiesAnswered = 0;
  window.fetch = function (input, init) {
    const url = input instanceof Request ? input.url : String(input);
    if (!url.includes("/set-session-cookie")) return fetch0.call(this, input, init);
    const wait = held ? 0 : 1500;
    held = true;
    return new Promise((ok) => setTimeout(ok, wait))
      .then(() => fetch0.call(this, input, init))
      .finally(() => { window.__cookiesAnswered += 1; });
  };
})();"""
