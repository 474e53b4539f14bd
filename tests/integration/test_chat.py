"""The chat as a first-time user meets it: a real Chainlit server, Debian's chromium, two users.

One module-scoped server (``chainlit run ui/app.py --headless``) with password auth for alice
and bob, the session's PostgreSQL and its own REELGRAPH_HOME. Each browser test starts its own
video in a fresh browser context and checks one thing a user would notice; none needs another
to have run. Every pause a test reaches is saved as a screenshot under
``out/chat-screenshots/`` (ignored by git), the artifact a reviewer looks at.
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
from PIL import Image

from agent.deps import open_deps
from agent.errors import NotFound
from agent.settings import Settings
from agent.state import Options, VideoRequest
from agent.studio import Studio
from tests.conftest import REPO
from tests.measure import PHOTO_RGB, photo_share
from tests.servers import free_port, serving
from ui.chat_render import STARTERS

pytestmark = [pytest.mark.integration, pytest.mark.slow]

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
    with serving(argv, chat_env(home, database_url, logins), log_path, f"{url}/auth/config"):
        yield Server(url, home, database_url, log_path)


@pytest.fixture(scope="module")
def server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with chat_server(tmp_path_factory.mktemp("chat-home"), database_url, logins=True) as s:
        yield s


@contextmanager
def _login_http(server: Server, user: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        r = client.post("/login", data={"username": user, "password": USERS[user]})
        assert r.status_code == 200, r.text
        yield client


# -- browser --------------------------------------------------------------------------------


def _need_chromium() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail("/usr/bin/chromium is missing on CI: .ci/run installs Debian's chromium")
    pytest.skip("/usr/bin/chromium is missing (apt-get install chromium)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    _need_chromium()
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
        return self.page.locator("[data-step-type='assistant_message']")

    def last_reply(self, text: str) -> Any:
        return self.assistant().filter(has_text=text).last

    def send(self, text: str) -> None:
        self.page.locator("#chat-input").fill(text)
        self.page.locator("#chat-submit").click()

    def wait_reply(self, text: str) -> None:
        from playwright.sync_api import expect

        expect(self.last_reply(text)).to_be_visible()

    def attach(self, path: Path) -> None:
        """Attach a file to the next message, once Chainlit has finished uploading it."""
        from playwright.sync_api import expect

        self.page.locator("input[type=file]").first.set_input_files(str(path))
        expect(self.page.locator("#attachments")).to_be_visible()
        expect(self.page.locator("#upload-button")).to_be_enabled()  # not "…-loading"

    def click(self, label: str) -> None:
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
            # The thread scrolls inside its own pane: bring the newest reply's end into view.
            self.assistant().last.evaluate(
                "(el) => el.scrollIntoView({block: 'end', behavior: 'instant'})"
            )
        self.page.screenshot(path=str(SHOTS / f"{name}.png"))

    def image_bytes(self, image: Any) -> bytes:
        src = image.get_attribute("src")
        assert src
        r = self.page.request.get(src if src.startswith("http") else self.server.url + src)
        assert r.ok, r.status
        body: bytes = r.body()
        return body


@pytest.fixture
def chat(browser: Any, server: Server) -> Iterator[Chat]:
    """A fresh browser context (no cookies) on the chat, logged in as alice."""
    context = browser.new_context(viewport={"width": 1400, "height": 1200})
    context.set_default_timeout(PHASE_MS)
    c = Chat(context.new_page(), server)
    try:
        c.open("alice")
        yield c
    except AssertionError as exc:
        raise AssertionError(f"{exc}{_detail(c)}") from exc
    finally:
        context.close()


def _detail(c: Chat) -> str:
    """What the server and the page said: a failure on a CI machine is read from here."""
    log = c.server.log.read_text(errors="replace")[-6000:]
    return f"\n--- chainlit log ---\n{log}\n--- page ---\n" + "\n".join(c.console[-60:])


def _beats(chat: Chat) -> int:
    table = chat.page.locator("table").last
    from playwright.sync_api import expect

    expect(table).to_contain_text("On-screen text")
    beats: int = table.locator("tbody tr").count()
    assert beats >= 2
    return beats


def test_the_landing_page_says_what_it_is_and_offers_examples(chat: Chat) -> None:
    from playwright.sync_api import expect

    page = chat.page
    expect(page.locator("#reelgraph-intro h1")).to_have_text("reelgraph")
    expect(page.locator("#reelgraph-tagline")).to_contain_text("one-line brief into a video ad")
    starters = page.locator("#starters button")
    expect(starters).to_have_count(3)
    assert starters.all_inner_texts() == [label for label, _ in STARTERS]
    settings = page.locator("#chat-settings-sidebar-content")
    for label in ("Duration", "Aspect ratio", "Video model"):
        expect(settings).to_contain_text(label)
    expect(settings).to_contain_text("16:9")
    chat.shot("01-landing")


def test_a_starter_brief_sets_length_and_shape_and_the_panel_shows_them(chat: Chat) -> None:
    from playwright.sync_api import expect

    chat.page.get_by_role("button", name="Square bakery teaser").click()
    chat.pause("main", "paused at plan")
    expect(chat.last_reply("Cost so far")).to_contain_text("8 s, 1:1")
    settings = chat.page.locator("#chat-settings-sidebar-content")
    expect(settings).to_contain_text("1:1")
    expect(settings).not_to_contain_text("16:9")
    chat.shot("02-plan")


def test_the_storyboard_is_in_beat_order_and_an_edit_keeps_it(chat: Chat, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    photo = tmp_path / "product.png"
    Image.new("RGB", (500, 500), PHOTO_RGB).save(photo)
    chat.attach(photo)
    chat.send(BRIEF)
    chat.wait_reply("attached image as the product")
    beats = _beats(chat)
    chat.pause("main", "paused at plan")
    chat.click("Continue")
    board = chat.pause("main", "paused at storyboard")
    images = board.locator(".inline-image")
    expect(images).to_have_count(beats)
    names = [f"Beat {n}" for n in range(1, beats + 1)]
    assert [images.nth(i).get_attribute("alt") for i in range(beats)] == names
    # Live progress: a step per phase that counts as users do; no "done." noise lines.
    expect(chat.page.get_by_text(f"beat {beats} of {beats} drawn")).to_be_visible()
    expect(chat.assistant().filter(has_text=": done.")).to_have_count(0)
    chat.shot("03-storyboard")
    before = [chat.image_bytes(images.nth(i)) for i in range(beats)]
    assert max(photo_share(b) for b in before) > 0.02  # the photo stands in for the product

    chat.send("regenerate beat 2 as a sunset")
    chat.wait_reply("made branch main-1 from main")
    edited = chat.pause("main-1", "paused at storyboard").locator(".inline-image")
    expect(edited).to_have_count(beats)
    assert [edited.nth(i).get_attribute("alt") for i in range(beats)] == names
    after = [chat.image_bytes(edited.nth(i)) for i in range(beats)]
    assert [a == b for a, b in zip(after, before, strict=True)] == [
        n != 2 for n in range(1, beats + 1)
    ]
    chat.shot("04-storyboard-after-edit")


def test_bad_requests_get_a_clear_reply_and_change_nothing(chat: Chat, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    chat.send(BRIEF)
    chat.pause("main", "paused at plan")
    chat.click("Continue")
    beats = chat.pause("main", "paused at storyboard").locator(".inline-image").count()
    chat.send("regenerate beat 12")
    chat.wait_reply("Beat 12 does not exist")
    chat.send("make the music louder")
    chat.wait_reply("refine")  # WrongPhase: allowed from the refine pause on
    fake = tmp_path / "notes.png"
    fake.write_text("not really a picture\n" * 50)
    chat.attach(fake)
    chat.send("use this for beat 2")
    chat.wait_reply("not an image")
    chat.page.locator("#chat-input").evaluate(
        """(el) => {
            const text = 'make it louder '.repeat(7000);
            const proto = Object.getPrototypeOf(el);
            const setter = Object.getOwnPropertyDescriptor(proto, 'value').set;
            setter.call(el, text);
            el.dispatchEvent(new Event('input', { bubbles: true }));
        }"""
    )
    chat.page.locator("#chat-submit").click()
    chat.wait_reply("too long (105,000 characters")
    expect(chat.assistant().locator(".inline-image")).to_have_count(beats)
    expect(chat.assistant().filter(has_text="Branch main-1")).to_have_count(0)


def test_the_chunks_pause_shows_the_preview_then_a_labelled_list(chat: Chat) -> None:
    from playwright.sync_api import expect

    chat.send(BRIEF)
    chat.pause("main", "paused at plan")
    chat.click("Continue")
    chat.pause("main", "paused at storyboard")
    chat.click("Continue")
    preview = chat.pause("main", "paused at chunks")
    # One player, the stitched preview, first; then the chunks as a list, each a file to open.
    players = chat.page.locator("video")
    expect(players).to_have_count(1)
    expect(preview.locator("video")).to_have_count(1)
    listing = chat.last_reply("Chunks of the preview")
    table = listing.locator("table")
    for column in ("Chunk", "Beat", "Time", "Model"):
        expect(table.locator("thead")).to_contain_text(column)
    expect(table.locator("tbody tr").first).to_contain_text("chunk-1.mp4")
    expect(table.locator("tbody tr").first).to_contain_text("0.0–")
    expect(table.locator("tbody tr").first).to_contain_text("local")
    above, below = preview.bounding_box(), listing.bounding_box()
    assert above and below and above["y"] < below["y"]
    expect(chat.page.get_by_text("chunks rendered and stitched")).to_be_visible()
    rows = table.locator("tbody tr").count()
    expect(chat.page.locator("a[download]")).to_have_count(rows)  # one file per chunk
    chat.shot("05-chunks")


def test_a_reload_mid_run_loses_nothing_and_the_next_click_works(chat: Chat) -> None:
    """Reload while a phase runs, and again at the pause it reaches; then one click runs on.

    The click after the reload is made once: a lost click is a bug, never retried.
    """
    from playwright.sync_api import expect

    chat.send(BRIEF)
    chat.pause("main", "paused at plan")
    chat.click("Continue")
    chat.pause("main", "paused at storyboard")
    chat.click("Continue")
    # The run has started (its progress step shows); the reload is the user's.
    expect(chat.page.get_by_text("Video chunks").first).to_be_visible()
    chat.page.reload()
    # The reopened thread follows the run to its pause: the preview and the chunks.
    expect(chat.page.locator("video")).to_have_count(1)
    chat.pause("main", "paused at chunks")
    chat.page.reload()
    chat.pause("main", "paused at chunks")
    expect(chat.page.locator("video")).to_have_count(1)
    chat.click("Auto-continue")
    chat.pause("main", "complete")


def test_the_final_pause_is_complete_with_download_and_no_continue(chat: Chat) -> None:
    from playwright.sync_api import expect

    chat.send(BRIEF)
    chat.pause("main", "paused at plan")
    chat.click("Auto-continue")
    chat.pause("main", "complete")
    page = chat.page
    for label in ("Branches", "Compare"):
        expect(page.get_by_role("button", name=label, exact=True)).to_have_count(
            2 - (label == "Compare")
        )
    # Nothing left to continue: only the plan's pause offers Continue and Auto-continue.
    for label in ("Continue", "Auto-continue"):
        expect(page.get_by_role("button", name=label, exact=True)).to_have_count(1)
    expect(page.locator("a[download]").last).to_be_attached()
    expect(page.locator("audio").last).to_be_attached()
    video = page.locator("video").last
    played = video.evaluate(
        """async (v) => {
            v.muted = true;
            await v.play();
            await new Promise((r) => setTimeout(r, 1500));
            return { t: v.currentTime, error: v.error ? v.error.code : null,
                     duration: v.duration };
        }"""
    )
    assert played["error"] is None and played["t"] > 0.2, played
    assert 7 <= played["duration"] <= 9, played
    chat.shot("06-final")


def test_branches_show_as_a_tree_with_switch_and_compare(chat: Chat) -> None:
    from playwright.sync_api import expect

    chat.send(BRIEF)
    chat.pause("main", "paused at plan")
    chat.click("Continue")
    chat.pause("main", "paused at storyboard")
    chat.send("regenerate beat 2 as a sunset")
    chat.pause("main-1", "paused at storyboard")
    chat.click("Branches")
    tree = chat.last_reply("Branches")
    expect(tree).to_contain_text("main-1: paused at storyboard, forked from main at storyboard")
    chat.click("Compare with main")
    compared = chat.last_reply("side by side")
    expect(compared.locator(".inline-image")).to_have_count(1)
    expect(compared).to_contain_text("main-1")
    chat.shot("07-compare")
    chat.click("Switch to main")
    shown = chat.assistant().filter(has_text="Branch main — paused at storyboard")
    expect(shown).to_have_count(2)  # main's storyboard again, below the comparison


# -- isolation ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def alices_thread(browser: Any, server: Server) -> dict[str, str]:
    """A thread of alice's at the storyboard pause: its id, a storyboard image's URL."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(PHASE_MS)
    c = Chat(context.new_page(), server)
    try:
        c.open("alice")
        c.send(BRIEF)
        c.pause("main", "paused at plan")
        c.page.wait_for_url("**/thread/**")
        c.click("Continue")
        image = c.pause("main", "paused at storyboard").locator(".inline-image").last
        return {
            "thread_id": c.page.url.rstrip("/").rsplit("/", 1)[-1],
            "element_url": str(image.get_attribute("src")),
        }
    finally:
        context.close()


def test_bob_cannot_reach_alices_thread_or_files(
    server: Server, alices_thread: dict[str, str]
) -> None:
    found = alices_thread
    with _login_http(server, "alice") as alice, _login_http(server, "bob") as bob:
        path = found["element_url"].removeprefix(server.url)
        assert alice.get(path).status_code == 200
        assert httpx.get(server.url + path, timeout=30).status_code in (401, 403)
        assert bob.get(path).status_code in (401, 403, 404)
        thread = f"/project/thread/{found['thread_id']}"
        assert alice.get(thread).status_code == 200
        assert bob.get(thread).status_code in (401, 403, 404)
        r = bob.request("DELETE", "/project/thread", json={"threadId": found["thread_id"]})
        assert r.status_code in (401, 403, 404)
        assert alice.get(thread).status_code == 200  # still there
        assert _login_fails(server, "bob", USERS["alice"])
        r = bob.post("/project/threads", json={"pagination": {"first": 50}, "filter": {}})
        assert r.status_code == 200
        assert found["thread_id"] not in r.text
        r = alice.post("/project/threads", json={"pagination": {"first": 50}, "filter": {}})
        assert found["thread_id"] in r.text


def _login_fails(server: Server, user: str, password: str) -> bool:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        r = client.post("/login", data={"username": user, "password": password})
        return r.status_code == 401


def test_chainlit_saves_threads_steps_and_the_video_of_a_thread(
    server: Server, alices_thread: dict[str, str]
) -> None:
    """Every column Chainlit 2.x writes exists: steps and thread metadata are saved."""

    async def rows(studio: Studio) -> tuple[Any, Any, list[str]]:
        async with studio.deps.pool.connection() as conn:
            cur = await conn.execute(
                'SELECT "userIdentifier", metadata FROM threads WHERE id = %s',
                (alices_thread["thread_id"],),
            )
            thread = await cur.fetchone()
            cur = await conn.execute(
                'SELECT count(*) AS n FROM steps WHERE "threadId" = %s',
                (alices_thread["thread_id"],),
            )
            steps = await cur.fetchone()
        videos = [v["video_id"] for v in await studio.videos("alice")]
        return thread, steps, videos

    thread, steps, videos = server.studio_call(rows)
    assert thread["userIdentifier"] == "alice"
    assert thread["metadata"]["video_id"] in videos
    assert steps["n"] >= 4
    log = server.log.read_text(errors="replace")
    # The data layer logs failed statements (a missing column, say) as warnings only.
    assert "error occurred" not in log, log[-3000:]


def test_bob_cannot_see_edit_or_run_alices_video(server: Server) -> None:
    async def check(studio: Studio) -> None:
        request = VideoRequest(
            prompt="an 8-second ad for Acme tea", options=Options(duration_s=8, seed=7)
        )
        vid = await studio.create_video(request, "alice")
        await studio.run(vid, "alice")
        for call in (
            studio.video(vid, "bob"),
            studio.status(vid, "bob"),
            studio.spec(vid, "bob"),
            studio.branches(vid, "bob"),
            studio.run(vid, "bob"),
            studio.compare_specs(vid, "bob", "main", "main"),
            studio.export(vid, "bob", "main", server.home / "stolen.mp4"),
        ):
            with pytest.raises(NotFound):
                await call
        assert vid not in [v["video_id"] for v in await studio.videos("bob")]
        assert not (server.home / "stolen.mp4").exists()
        assert (await studio.status(vid, "alice"))["phase"] == "plan"

    server.studio_call(check)
