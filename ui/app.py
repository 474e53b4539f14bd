"""The reelgraph chat: ``chainlit run ui/app.py`` from the repository root.

One chat thread is one video. The landing page names the product and offers starter briefs;
the settings panel stays open beside the chat. The first message is the brief (its words set
length and shape, and the panel then shows them); each phase runs with one live progress step
("beat 3 of 9 drawn") and pauses, and the chat shows what it made (spec table, storyboard in
beat order, the stitched preview then a table of its chunks, the final video with music and a
download) with Continue / Auto-continue / Branches buttons, or, once the final video exists,
Branches / Compare. Free text goes to the edit interpreter; an image attached with "use this
for beat 2" replaces that frame.

Runs live outside the websocket session: each is an ``asyncio`` task in a process-wide
registry keyed by (video, branch), created with an empty context, so a page reload or a closed
tab stops nothing. Whatever a session shows is rendered from the branch's graph state
(``Studio.status``), so a resumed thread shows the current pause, or follows the run still
going. The thread's video id and branch are kept in Chainlit's thread metadata; without logins
(no history) a reloaded page picks up the video of the session it replaced. A session whose
page reloaded keeps following its run (a socket that only dropped restores it), so what any
session writes for a run (a phase's progress step, the pause reached, a failure) has ids of the
job or the branch's checkpoint (:func:`ui.chat_storage.keyed_id`): the history holds it once.

Auth: with ``CHAINLIT_AUTH_SECRET`` and ``REELGRAPH_CHAT_USERS="alice:pw,bob:pw"`` set, users
log in with a password, chat history is stored by Chainlit's SQLAlchemy data layer in the same
PostgreSQL (tables in ``schema.sql``), its images and videos in the artifact store
(``ui/chat_storage.py``), and each user reaches only their own videos (the studio checks the
owner on every call), threads and live files (Chainlit checks the author) and history media
(the file route checks the thread's user).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import chainlit as cl
from chainlit.context import local_steps
from chainlit.data import get_data_layer
from chainlit.data.sql_alchemy import SQLAlchemyDataLayer
from chainlit.input_widget import Select, Slider, Switch
from chainlit.server import app, sio
from chainlit.types import ThreadDict
from chainlit.utils import utc_now

from agent import db
from agent.brief_options import DEFAULT_DURATION_S
from agent.editing import Edit
from agent.errors import ReelgraphError, UserError
from agent.service.status import BranchStatus, EditOutcome, edit_outcome
from agent.service.videos import video_request
from agent.spec import Spec
from agent.state import VideoRequest
from agent.text import user_text
from agent.uploads import read_image_file
from tools.interpreter import MAX_TEXT_CHARS
from tools.llm_interpreter import interpret_message
from tools.operations import Session
from ui import chat_jobs, process
from ui import chat_render as render
from ui.chat_jobs import Job, busy, run_job, running_job, start_job
from ui.chat_storage import (
    ArtifactStorageClient,
    HistoryDataLayer,
    add_file_route,
    keyed_id,
    ordered_id,
)

#: Largest chat message the socket accepts, bytes; longer texts are refused with a reply
#: (Socket.IO's default of 1 MB would drop the connection without a word).
MAX_SOCKET_BYTES = 16 * 1024 * 1024
ASPECTS = ["16:9", "9:16", "1:1"]
#: Chainlit's sizes of an inline image.
ImageSize = Literal["small", "medium", "large"]

sio.eio.max_http_buffer_size = MAX_SOCKET_BYTES
#: What the browser sends instead of a message too long for the socket (public/reelgraph.js
#: replaces any message over 100,000 characters by it): the message's length, so the reply
#: can say it. Answered like every too-long message; nothing else reads it.
TOO_LONG_NOTICE = re.compile(r"\[reelgraph\] message not sent: (\d{1,12}) characters")
log = logging.getLogger("reelgraph.chat")


# -- typed wrappers of Chainlit calls mypy sees as untyped --------------------------------------


def _get(key: str) -> Any:
    return cl.user_session.get(key)  # type: ignore[no-untyped-call]


def _set(key: str, value: Any) -> None:
    cl.user_session.set(key, value)  # type: ignore[no-untyped-call]


def _layer() -> Any:
    return get_data_layer()  # type: ignore[no-untyped-call]


def _utc_now() -> str:
    stamp: str = utc_now()  # type: ignore[no-untyped-call]
    return stamp


async def _send(msg: cl.Message) -> None:
    await msg.send()  # type: ignore[no-untyped-call]


async def _update(msg: cl.Message) -> None:
    await msg.update()  # type: ignore[no-untyped-call]


async def _send_settings(widgets: cl.ChatSettings) -> dict[str, Any]:
    values: dict[str, Any] = await widgets.send()  # type: ignore[no-untyped-call]
    return values


# -- process-wide state ----------------------------------------------------------------------


#: What ``chainlit run`` puts in ``OPENAI_API_KEY`` when ``CI`` is set (its ``--ci`` flag,
#: chainlit/cli/__init__.py, for Chainlit's own tests), over any key that was there.
CHAINLIT_CI_KEY = "sk-FAKE-OPENAI-API-KEY"


def _drop_chainlit_ci_key() -> None:
    """Unset Chainlit's placeholder OpenAI key, so the chat plans offline as the CLI would.

    Left in place, the ``openai`` planner would be chosen and fail on every brief with an
    authentication or connection error.
    """
    if os.environ.get("OPENAI_API_KEY") == CHAINLIT_CI_KEY:
        del os.environ["OPENAI_API_KEY"]
        log.warning(
            "CI is set, so chainlit replaced OPENAI_API_KEY with a placeholder: ignored, the"
            " chat plans offline. Unset CI to plan with OpenAI."
        )


_drop_chainlit_ci_key()
settings = process.settings
studio = process.studio
#: Without logins (no chat history): per user, the video and branch of the last session that
#: closed by a page reload or a closed tab rather than by New chat, shown by the next session.
reopen: dict[str, tuple[str, str]] = {}


@cl.on_app_shutdown
async def _shutdown() -> None:
    await chat_jobs.close()
    await process.close()


# -- auth and persistence --------------------------------------------------------------------


def chat_users() -> dict[str, str]:
    """``REELGRAPH_CHAT_USERS="alice:secret1,bob:secret2"`` → ``{"alice": "secret1", ...}``."""
    users: dict[str, str] = {}
    for entry in os.environ.get("REELGRAPH_CHAT_USERS", "").split(","):
        name, sep, password = entry.strip().partition(":")
        if sep and name and password:
            users[name] = password
    return users


def asyncpg_url(url: str) -> str:
    """The libpq URL as SQLAlchemy's asyncpg dialect wants it (``?host=/dir`` sockets work)."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme not in ("postgres", "postgresql", "postgresql+psycopg"):
        raise UserError(f"DATABASE_URL must be a postgresql:// URL, not {scheme}://")
    return f"postgresql+asyncpg://{rest}"


if chat_users():

    @cl.password_auth_callback
    async def _login(username: str, password: str) -> cl.User | None:
        expected = chat_users().get(username)
        if expected is None or not hmac.compare_digest(
            password.encode("utf-8"), expected.encode("utf-8")
        ):
            return None
        await studio()  # applies schema.sql (Chainlit's tables too) before Chainlit saves the user
        return cl.User(identifier=username, metadata={"provider": "password"})

    @cl.data_layer
    def _data_layer() -> SQLAlchemyDataLayer:
        # The storage client keeps the history's images and videos, so reopened threads show
        # them (without one, Chainlit saves no elements at all), in the order they were sent.
        return HistoryDataLayer(
            conninfo=asyncpg_url(db.database_url(settings())),
            storage_provider=ArtifactStorageClient(studio),
        )

    add_file_route(app, studio)


def user_id() -> str:
    """Who is chatting: the logged-in user's identifier, or the local user without auth."""
    user = cl.context.session.user
    return user.identifier if user else settings().user_id


async def remember(video_id: str, branch: str) -> None:
    """Keep the thread's video and branch in the session and in the thread's metadata."""
    _set("video_id", video_id)
    _set("branch", branch)
    thread_id = cl.context.session.thread_id
    if (layer := _layer()) and thread_id:
        try:
            await layer.update_thread(thread_id, metadata={"video_id": video_id, "branch": branch})
        except Exception:  # history is a convenience; the video itself is safe
            log.warning("could not save thread %s metadata", thread_id, exc_info=True)


# -- rendering -------------------------------------------------------------------------------


async def deliver(msg: cl.Message, *, update: bool = False) -> None:
    """Send (or update) a message; a session that has gone away is logged, not raised.

    Its Markdown is escaped first (:func:`ui.chat_render.escape_directives`), so model names
    such as ``replicate:kling`` show whole.
    """
    msg.content = render.escape_directives(msg.content)
    try:
        await (_update(msg) if update else _send(msg))
    except Exception:
        log.warning("could not deliver a message to the chat session", exc_info=True)


async def say(content: str, *, key: str | None = None, saved: bool = True, **kwargs: Any) -> None:
    """Send a message; a session that has gone away (reload, closed tab) is not an error.

    Args:
        content: its Markdown.
        key: what it reports, when more than one session may report it (:func:`thread_key`):
            it is then written to the thread once.
        saved: False for a line that only this page needs (the history's own copy would
            pile up with every reopening).
        **kwargs: :class:`chainlit.Message`'s other arguments.
    """
    msg = cl.Message(content=content, id=keyed_id(key) if key else None, **kwargs)
    msg.persisted = not saved  # Chainlit writes a message to the history unless persisted
    await deliver(msg)


def thread_key(*parts: object) -> str:
    """A key for :func:`keyed_id`: this chat thread's id, then ``parts``, joined by ``/``."""
    return "/".join(str(p) for p in (cl.context.session.thread_id, *parts))


async def pause_key(status: BranchStatus) -> str | None:
    """What names the pause ``status`` shows in this thread: the branch's newest checkpoint.

    Every session that shows where a run stopped (the one that started it, one reloaded while
    it ran, a second tab) shows the same checkpoint under the same ids, so the thread's history
    holds it once. None before the branch has a checkpoint.
    """
    checkpoint, _ = await (await studio()).head(status.video_id, status.branch)
    return None if checkpoint is None else thread_key("pause", status.thread_id, checkpoint)


def actions(status: BranchStatus) -> list[cl.Action]:
    """The buttons under a branch's state.

    Paused (or failed) before the final video: Continue, Auto-continue, Branches. With the
    final video (complete, or at the refine review, where only music edits are left): Branches
    and Compare; nothing to continue.
    """
    payload = {"branch": status.branch}
    out = []
    if render.is_final(status):
        return [
            cl.Action(name="branches", payload=payload, label="Branches"),
            cl.Action(
                name="compare", payload=payload, label="Compare",
                tooltip="This branch next to another: storyboards and final videos",
            ),
        ]  # fmt: skip
    if status.status in ("paused", "failed"):
        out += [
            cl.Action(
                name="continue", payload=payload, label="Continue", tooltip="Run the next phase"
            ),
            cl.Action(
                name="auto_continue", payload=payload, label="Auto-continue",
                tooltip="Run every remaining phase without pausing",
            ),
        ]  # fmt: skip
    out.append(cl.Action(name="branches", payload=payload, label="Branches"))
    return out


def element(m: render.Media, image_size: ImageSize = "medium") -> Any:
    """The Chainlit element that shows ``m``.

    Players for the preview and the final video; a file chip per chunk (compact; a click opens
    or saves it). ``image_size`` is Chainlit's (small, medium, large): large for a sheet of
    several frames.
    """
    # Ids in the order made: a reopened thread shows its elements in the order sent.
    common: dict[str, Any] = {
        "path": str(m.path), "name": m.name, "id": ordered_id(), "display": "inline",
    }  # fmt: skip
    if m.kind == "image":
        return cl.Image(**common, size=image_size)
    if m.kind == "video":
        return cl.Video(**common, mime="video/mp4")
    if m.kind == "chunk":
        # A small file chip, not a player: Chainlit opens every side element in a panel.
        return cl.File(**common, mime="video/mp4")
    if m.kind == "audio":
        return cl.Audio(**common, mime=m.mime or "audio/mpeg")
    return cl.File(**common, mime="video/mp4")


async def say_with_media(
    content: str,
    elements: list[Any],
    buttons: list[cl.Action] | None = None,
    key: str | None = None,
) -> None:
    """Send a message, then its elements one by one, in order.

    Chainlit's ``Message.send`` sends elements concurrently and the browser lays them out in
    the order they arrive: a storyboard showed as 3, 4, 5, 1, 2 after an edit (the new frame's
    copy finished last). Sent in turn, they keep the order given. With ``key``
    (:func:`thread_key`), the message and its elements take ids of the key
    (:func:`ui.chat_storage.keyed_id`): sent again by any session, they are one copy.
    """
    msg = cl.Message(content=content, actions=buttons or [], id=keyed_id(key) if key else None)
    await deliver(msg)
    for i, el in enumerate(elements, start=1):
        if key:
            el.id = keyed_id(key, i)
        try:
            await el.send(for_id=msg.id)
        except Exception:
            log.warning("could not send %s to the chat session", el.name, exc_info=True)
            return


async def chunk_spans(
    status: BranchStatus, spec: Spec | None
) -> list[tuple[int, float, float]] | None:
    """Per chunk: (beat index, start_s, end_s) on the ad's timeline, or None if unknown here."""
    if spec is None:
        return None
    spans = (await studio()).views.chunk_spans(spec, status.options.video_model)
    return None if spans is None else [(c.beat_index, c.start_s, c.end_s) for c in spans]


async def show(status: BranchStatus, key: str | None = None) -> None:
    """Render a branch where it is: spec, storyboard, chunks or final, cost, buttons.

    ``key`` (:func:`pause_key`) names the pause when other sessions may show it too (where a
    run stopped): the thread then holds it once. Without it (the user asked to see a branch
    again), it is added below whatever is shown.
    """
    s = await studio()
    uid = user_id()
    spec = await s.spec(status.video_id, uid, status.branch)
    final = render.is_final(status)
    parts = [render.headline(status)]
    if status.phase == "plan" and spec is not None:
        parts.append(render.spec_markdown(spec))
    elif status.phase == "storyboard":
        parts.append("**Storyboard** below, one frame per beat, numbered as in the spec.")
    elif status.phase == "chunks":
        parts.append(
            "**Chunks** of the preview above, by beat and time; each one's file is below.\n\n"
            + render.chunk_table(
                status,
                await chunk_spans(status, spec),
                status.options.video_model,
                await s.views.chosen_models(status.thread_id),
            )
        )
    elif final:
        parts.append(
            "The final video's music and a download are below. Ask for *quieter music* or"
            " another edit to make a new branch; **Branches** and **Compare** show the others."
        )
    if status.status == "failed" and status.error:
        parts.append(f"The run stopped: {status.error}. Continue resumes it.")
    parts.append(render.cost_line(status))
    parts += [f"**Not for commercial use:** {note}" for note in status.licence_notes]
    if status.status == "paused" and not final:
        parts.append(render.invitation(status.phase))
    thumbs = settings().home / "chat" / "thumbs"
    found = await asyncio.to_thread(render.media, status, thumbs, s.records.local_path)
    videos = [element(m) for m in found if m.kind == "video"]
    if videos and (status.phase == "chunks" or final):
        # Chainlit puts a message's media below its text, and audio before video: the video
        # (the stitched preview, the final) goes under the headline in a message of its own,
        # so it comes first, and the chunks list or the music and download follow it.
        label = "**Final video**" if final else "**Stitched preview**"
        await say_with_media(f"{parts.pop(0)}\n\n{label}", videos, key=key and f"{key}/video")
        found = [m for m in found if m.kind != "video"]
    await say_with_media("\n\n".join(parts), [element(m) for m in found], actions(status), key)


def _parent_id() -> str | None:
    """The step a message sent here would nest under (Chainlit's rule in ``Message``).

    A progress step nests under the same parent as the pause message that follows it, so the
    two show in the order they were sent (a reply to a typed brief nests under it).
    """
    steps = local_steps.get() or []
    return str(steps[-1].id) if steps else None


async def _send_step(step: cl.Step, update: bool) -> None:
    try:
        await (step.update() if update else step.send())  # type: ignore[no-untyped-call]
    except Exception:
        log.warning("could not show progress in the chat session", exc_info=True)


async def follow(job: Job) -> None:
    """Show a job's progress in this session, one live step per phase, then where it stops.

    Each phase the run reaches gets a step whose text follows the studio's progress events
    (``beat 3 of 9 drawn``, ``chunk 5 of 12 rendered``); the step ends when the next phase
    starts or the run stops. Then the pause it reached is shown (or its error).
    """
    steps: dict[str, cl.Step] = {}
    shown: dict[str, str] = {}
    run: dict[str, int] = {}

    async def sync(finished: bool) -> None:
        phases = await job.phases()
        for i, p in enumerate(phases):
            run["job_id"] = p.job_id
            line = render.phase_progress(p.phase, p.item, p.done, p.total)
            ended = finished or i < len(phases) - 1
            key = f"{line}|{ended}"
            if shown.get(p.phase) == key:
                continue
            step = steps.get(p.phase)
            if step is None:
                title = render.PHASE_TITLES.get(p.phase, p.phase)
                # Every session following the job shows (and saves) the phase's one step.
                step_key = thread_key("progress", p.job_id, p.phase) if p.job_id else None
                step = steps[p.phase] = cl.Step(
                    name=title,
                    type="tool",
                    id=keyed_id(step_key) if step_key else None,
                    parent_id=_parent_id(),
                    default_open=True,
                    show_input=False,
                )
                step.start = _utc_now()
            step.output = line
            if ended:
                step.end = _utc_now()
            await _send_step(step, update=p.phase in shown)
            shown[p.phase] = key

    while not job.task.done():
        await asyncio.wait({job.task}, timeout=0.5)
        await sync(finished=False)
    await sync(finished=True)
    # The job's outcome, as every session following it reports it: written once per thread.
    outcome = thread_key("outcome", run["job_id"]) if run.get("job_id") else None
    try:
        status = job.task.result()
    except UserError as exc:
        await say(str(exc), key=outcome)
        return
    except ReelgraphError as exc:
        await say(
            f"The run failed: {str(exc).splitlines()[0]}."
            " Continue retries it; finished work is kept.",
            key=outcome,
        )
        return
    except Exception as exc:
        log.exception("run %s failed", job.label)
        await say(f"Something went wrong ({type(exc).__name__}). Continue retries it.")
        return
    for line in job.messages:
        await say(line[:1].upper() + line[1:])
    if status.video_id == _get("video_id"):
        await remember(status.video_id, status.branch)
    await show(status, await pause_key(status))


# -- chat handlers ---------------------------------------------------------------------------


async def send_settings(chosen: dict[str, Any] | None = None) -> None:
    """The chat settings (for the next brief): duration, aspect ratio, video model.

    The video models are those registered in this process: ``local``, plus the paid ones
    whose keys are set; the default (Hailuo-02 with a Replicate token) comes first.
    ``chosen`` (``{"duration", "aspect", "video_model", "voiceover", "subtitles"}``) sets the
    values shown: what the brief chose, so the panel never disagrees with the video being made.
    """
    models = (await studio()).video_models()
    chosen = chosen or {}
    duration = chosen.get("duration") or DEFAULT_DURATION_S
    aspect = chosen.get("aspect") if chosen.get("aspect") in ASPECTS else ASPECTS[0]
    model = chosen.get("video_model") if chosen.get("video_model") in models else models[0]
    values = await _send_settings(
        cl.ChatSettings(
            [
                Slider(
                    id="duration",
                    label="Duration, seconds (unless the brief says)",
                    initial=float(duration),
                    min=6,
                    max=60,
                    step=1,
                ),
                Select(
                    id="aspect",
                    label="Aspect ratio (unless the brief says)",
                    values=ASPECTS,
                    initial_value=aspect,
                ),
                Select(id="video_model", label="Video model", values=models, initial_value=model),
                Switch(
                    id="voiceover",
                    label="Voiceover",
                    initial=chosen.get("voiceover") is not False,
                ),
                Select(
                    id="subtitles",
                    label="Subtitles",
                    values=["burn", "soft", "off"],
                    initial_value=chosen.get("subtitles") or "burn",
                ),
            ]  # fmt: skip
        )
    )
    _set("options", dict(values))


@cl.set_starters
async def _starters(user: cl.User | None = None, language: str | None = None) -> list[cl.Starter]:
    return [cl.Starter(label=label, message=brief) for label, brief in render.STARTERS]


async def send_video_settings(video_id: str) -> None:
    """The settings panel showing what a video was made with (its brief's choices)."""
    try:
        options = (await (await studio()).video(video_id, user_id())).options
    except UserError:
        await send_settings()
        return
    await send_settings(
        {
            "duration": options.duration_s,
            "aspect": options.aspect,
            "video_model": options.video_model,
            "voiceover": options.voiceover,
            "subtitles": options.subtitles,
        }
    )


@cl.on_chat_start
async def _start() -> None:
    if cl.context.session.user is None and (last := reopen.pop(user_id(), None)):
        # Without logins there is no history: a reloaded page picks up where it was.
        await send_video_settings(last[0])
        await remember(*last)
        asyncio.get_running_loop().create_task(_show_resumed(*last, None))
    else:
        await send_settings()


@cl.on_chat_end
async def _end() -> None:
    """Remember a reloaded (not a New chat) session's video, for the page that comes next."""
    video_id, session = _get("video_id"), cl.context.session
    if isinstance(video_id, str) and not getattr(session, "to_clear", True):
        reopen[user_id()] = (video_id, str(_get("branch") or "main"))


@cl.on_settings_update
async def _settings_update(values: dict[str, Any]) -> None:
    _set("options", dict(values))


@cl.on_chat_resume
async def _resume(thread: ThreadDict) -> None:
    # Chainlit restores the session from the thread's metadata; read it directly if not.
    metadata = thread.get("metadata")
    if not isinstance(metadata, dict):
        metadata = {}
    video_id = _get("video_id") or metadata.get("video_id")
    if isinstance(video_id, str):
        await send_video_settings(video_id)
        branch = str(_get("branch") or metadata.get("branch") or "main")
        await remember(video_id, branch)
        handler = asyncio.current_task()
        shown = _last_pause_shown(thread)
        saved = {str(step.get("id")) for step in thread.get("steps") or []}
        asyncio.get_running_loop().create_task(
            _show_resumed(video_id, branch, handler, shown, saved)
        )
    else:
        await send_settings()
        log.warning("resumed thread %s has no video in its metadata", thread.get("id"))


def _last_pause_shown(thread: ThreadDict) -> str | None:
    """The text of the last pause the thread's saved history shows (None without one).

    A pause message starts with :func:`ui.chat_render.headline` (``### title`` then the branch
    and where it is). Without logins nothing is saved and the history is empty.
    """
    for step in reversed(thread.get("steps") or []):
        output = step.get("output") or ""
        if step.get("type") == "assistant_message" and output.startswith("### "):
            return output
    return None


async def _show_resumed(
    video_id: str,
    branch: str,
    handler: asyncio.Task[Any] | None,
    shown: str | None = None,
    saved: frozenset[str] | set[str] = frozenset(),
) -> None:
    """After a resume: follow the branch's run if it is going, else show where it is.

    Chainlit sends the thread's history to the browser, replacing what is on screen, after
    ``on_chat_resume`` returns, from the same Socket.IO handler task (``handler``); waiting
    for that task puts what this shows after the history on the same ordered connection.
    When the history already ends on this very pause (``shown``, its text) or holds it under
    its key (``saved``, the ids of the history's steps; :func:`pause_key`), its media are on
    screen: one line with the pause's buttons follows (Chainlit keeps no buttons in history)
    rather than the whole pause again (sent under its key, it would only update the copy
    above, out of sight).
    """
    if handler is not None:
        await asyncio.wait({handler})
    try:
        if job := await running_job(video_id, branch):
            await follow(job)
            return
        status = await (await studio()).status(video_id, user_id(), branch)
        top, key = render.headline(status), await pause_key(status)
        if (shown is not None and shown.startswith(top)) or (key and keyed_id(key) in saved):
            where = top.split("\n", 1)[-1]
            await say(f"{where}, as shown above.", actions=actions(status), saved=False)
            return
        # The run may have stopped after the history was read: the session that followed it
        # writes this pause too, under the same key.
        await show(status, key)
    except UserError as exc:
        await say(str(exc))
    except Exception:
        log.exception("could not show video %s branch %s after a resume", video_id, branch)


def request_for(brief: str, photos: tuple[str, ...] = ()) -> VideoRequest:
    """The brief plus the chat settings; a length or aspect said in the brief wins over them.

    ``photos`` are the stored product photos' SHA-256 (:attr:`Options.reference_images`).
    Settings the user never touched take the registry's defaults when the video is created.

    Raises:
        UserError: a setting is invalid (one line).
    """
    opts = _get("options") or {}
    slider = opts.get("duration")
    return video_request(
        brief,
        fallback_duration_s=None if slider is None else float(slider),
        fallback_aspect=opts.get("aspect"),
        video_model=opts.get("video_model"),
        voiceover=opts.get("voiceover"),
        subtitles=opts.get("subtitles"),
        reference_images=photos or None,
    )


async def new_video(brief: str, photo: Path | None) -> None:
    """Create the thread's video from the brief and run its plan.

    An image attached to the brief is the product photo the storyboard draws the product from.
    """
    s, uid = await studio(), user_id()
    request = request_for(brief)  # a bad brief is refused before the photo is stored
    if photo is not None:
        data = await asyncio.to_thread(read_image_file, photo, "the attached image")
        sha = await s.add_reference_image(data, "the attached image")
        request = request_for(brief, (sha,))
    video_id = await s.create_video(request, uid)
    await remember(video_id, "main")
    o = request.options
    await send_settings(
        {
            "duration": o.duration_s,
            "aspect": o.aspect,
            "video_model": o.video_model,
            "voiceover": o.voiceover,
            "subtitles": o.subtitles,
        }
    )
    if photo is not None:
        await say("The storyboard will show the attached image as the product.")

    async def work(_: list[str]) -> BranchStatus:
        return await run_job(video_id, uid, "main")

    await follow(await start_job(video_id, "main", "Planning", work))


def upload_of(message: cl.Message) -> Path | None:
    """The image attached to the message (checked by content later); UserError otherwise."""
    files = [e for e in message.elements or [] if getattr(e, "path", None)]
    if not files:
        return None
    if len(files) > 1:
        raise UserError("attach one image at a time (the product photo, or one beat's frame)")
    f = files[0]
    if not (f.mime or "").startswith("image/"):
        raise UserError(
            f"{f.name} is not an image ({f.mime or 'unknown type'}); attach a PNG or JPEG"
        )
    return Path(str(f.path))


async def edit(text: str, upload: Path | None) -> None:
    """Interpret a message at a pause and run what it asks for."""
    s, uid = await studio(), user_id()
    video_id: str = _get("video_id")
    branch: str = _get("branch") or "main"
    if await busy(video_id, branch):
        raise UserError(f"branch {branch} is running; wait for it to pause")

    async def editor(
        video_id: str, user_id: str, branch: str, edits: list[Edit], _: Any
    ) -> EditOutcome:
        return edit_outcome(await run_job(video_id, user_id, branch, edits=edits))

    async def runner(video_id: str, user_id: str, branch: str, auto: bool, _: Any) -> BranchStatus:
        return await run_job(video_id, user_id, branch, auto_continue=auto)

    session = Session(
        s, uid, video_id, branch, bool(_get("auto_continue")), upload, editor=editor, runner=runner
    )
    result = await interpret_message(settings(), text, await session.context())
    if not result.calls:
        await say(result.reply or "Nothing to do.")
        return
    if upload is not None and not any(c.tool == "replace_beat_image" for c in result.calls):
        raise UserError("say which beat the image is for, e.g. 'use this for beat 2'")
    tools = {c.tool for c in result.calls}
    cl_state: dict[str, bool] = {}

    async def work(said: list[str]) -> BranchStatus:
        try:
            return await session.execute(result.calls)
        finally:
            said.extend(session.messages)
            said.extend(render.effect_lines(session.effects))
            cl_state["auto_continue"] = session.auto_continue

    label = "Working" if tools & {"list_branches", "show_cost", "compare_branches"} else "Running"
    job = await start_job(video_id, branch, label, work)
    await follow(job)
    if "auto_continue" in cl_state:
        _set("auto_continue", cl_state["auto_continue"])


@cl.on_message
async def _message(message: cl.Message) -> None:
    text = message.content or ""
    try:
        notice = TOO_LONG_NOTICE.fullmatch(text)
        chars = int(notice.group(1)) if notice else len(text)
        if chars > MAX_TEXT_CHARS:
            raise UserError(
                f"That message is too long ({chars:,} characters; the limit is"
                f" {MAX_TEXT_CHARS:,}). Nothing was changed."
            )
        user_text(text, "That message")
        upload = upload_of(message)
        if not isinstance(_get("video_id"), str):
            await new_video(text, upload)
        else:
            await edit(text, upload)
    except UserError as exc:
        await say(str(exc))


# -- buttons ---------------------------------------------------------------------------------


async def _run_branch(action: cl.Action, auto: bool) -> None:
    video_id = _get("video_id")
    branch = str(action.payload.get("branch") or _get("branch") or "main")
    if not isinstance(video_id, str):
        await say("Send a brief first.")
        return
    s, uid = await studio(), user_id()
    try:
        await s.video(video_id, uid)  # the owner's, or NotFound before anything starts

        async def work(_: list[str]) -> BranchStatus:
            return await run_job(video_id, uid, branch, auto_continue=auto)

        job = await start_job(video_id, branch, "Running to the end" if auto else "Running", work)
    except UserError as exc:
        await say(str(exc))
        return
    await remember(video_id, branch)
    # The button's HTTP request returns now; the session follows the run while it lives.
    asyncio.get_running_loop().create_task(follow(job))


@cl.action_callback("continue")
async def _continue(action: cl.Action) -> None:
    await _run_branch(action, auto=False)


@cl.action_callback("auto_continue")
async def _auto(action: cl.Action) -> None:
    await _run_branch(action, auto=True)


@cl.action_callback("branches")
async def _branches(action: cl.Action) -> None:
    video_id = _get("video_id")
    if not isinstance(video_id, str):
        await say("Send a brief first.")
        return
    try:
        tree = await (await studio()).branches(video_id, user_id())
    except UserError as exc:
        await say(str(exc))
        return
    current = _get("branch") or "main"
    buttons = []
    for b in tree:
        if b.name == current:
            continue
        name = b.name
        buttons += [
            cl.Action(name="switch", payload={"branch": name}, label=f"Switch to {name}"),
            cl.Action(
                name="compare", payload={"branch": current, "other": name},
                label=f"Compare with {name}",
            ),
        ]  # fmt: skip
    await say(render.branch_tree(tree, current), actions=buttons)


@cl.action_callback("compare")
async def _compare(action: cl.Action) -> None:
    """Two branches side by side: spec changes, storyboards (beats aligned), final videos.

    Without ``other`` in the payload, the branch is compared with its parent (``main`` with
    its newest child).
    """
    video_id = _get("video_id")
    if not isinstance(video_id, str):
        await say("Send a brief first.")
        return
    s, uid = await studio(), user_id()
    a = str(action.payload.get("branch") or _get("branch") or "main")
    try:
        tree = await s.branches(video_id, uid)
        other = action.payload.get("other")
        if not other:
            row = next((b for b in tree if b.name == a), None)
            kids = [b.name for b in tree if b.parent == a]
            other = (row.parent if row else None) or (kids[-1] if kids else None)
        if not other:
            await say(f"`{a}` is the only branch: make a change to have another to compare.")
            return
        pair = [await s.status(video_id, uid, name) for name in (a, str(other))]
        diff = await s.compare_specs(video_id, uid, a, str(other))
    except UserError as exc:
        await say(str(exc))
        return
    found = await asyncio.to_thread(_side_by_side, pair, s.records.local_path)
    changed = diff.count("\n+") + diff.count("\n-") if diff else 0
    lines = [
        f"### `{a}` and `{other}` side by side",
        "The specs are the same."
        if not diff
        else f"The specs differ in {changed // 2 or 1}"
        " place(s):\n\n```diff\n" + "\n".join(diff.splitlines()[2:40]) + "\n```",
    ]
    if not found:
        lines.append("Neither branch has a storyboard yet.")
    elif beats := render.differing_beats(*pair):
        shown = ", ".join(str(n) for n in beats)
        lines.append(f"The storyboards differ in {render.plural(len(beats), 'beat')}: {shown}.")
    else:
        lines.append("The storyboards are the same.")
    await say_with_media("\n\n".join(lines), [element(m, "large") for m in found])


def _side_by_side(pair: list[BranchStatus], local: Callable[[str], Path]) -> list[render.Media]:
    """The storyboards of two branches in one image, and their final videos (blocks)."""
    out: list[render.Media] = []
    rows = []
    for st in pair:
        beats = [local(st.artifacts[n].sha256) for _, n in render.numbered(st, "beat_")]
        if beats:
            rows.append((st.branch, beats))
    if rows:
        firsts = [st.artifacts.get("beat_00") for st in pair]
        digest = "-".join(first.sha256[:8] if first else "x" for first in firsts)
        path = settings().home / "chat" / "compare" / f"{digest}-{len(rows)}.png"
        names = " / ".join(name for name, _ in rows)
        out.append(
            render.Media(
                "image", f"Storyboards {names}", render.storyboards_side_by_side(rows, path)
            )
        )
    for st in pair:
        if (final := st.artifacts.get("final")) is not None:
            out.append(render.Media("video", f"Final {st.branch}", local(final.sha256)))
    return out


@cl.action_callback("switch")
async def _switch(action: cl.Action) -> None:
    video_id = _get("video_id")
    branch = str(action.payload.get("branch", ""))
    if not isinstance(video_id, str):
        return
    try:
        status = await (await studio()).status(video_id, user_id(), branch)
    except UserError as exc:
        await say(str(exc))
        return
    await remember(video_id, branch)
    if job := await running_job(video_id, branch):
        asyncio.get_running_loop().create_task(follow(job))
        return
    await show(status)
