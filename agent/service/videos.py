"""New videos: one way from a door's fields to a stored video, for every door.

:func:`video_request` turns what a user named (a brief and the options they set) into a
:class:`~agent.state.VideoRequest`; :func:`create_video` records it with the registry's
defaults for every model option the user left unset. The command line, the HTTP API, the
chat and the LangGraph server's admission all go through both, so a video made with keys set
uses the same providers whichever door made it.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

from pydantic import ValidationError

from agent.brief_options import options_from_brief
from agent.deps import Deps
from agent.errors import NotFound, UserError
from agent.service.status import VideoOptions
from agent.state import Options, VideoRequest

#: Options naming a provider; unset ones take the registry's defaults (:func:`create_video`).
MODEL_FIELDS = ("planner", "image_model", "video_model", "music_model")


def one_line(exc: ValidationError) -> str:
    """A validation error as ``where: what`` on one line (``where`` without ``options.``)."""
    first = exc.errors(include_url=False)[0]
    where = ".".join(str(p) for p in first["loc"] if p != "options")
    msg = str(first["msg"]).removeprefix("Value error, ")
    return f"{where}: {msg}" if where else msg


def video_request(
    prompt: str,
    *,
    auto_continue: bool = False,
    fallback_duration_s: float | None = None,
    fallback_aspect: str | None = None,
    **named: Any,
) -> VideoRequest:
    """The request for a new video from a brief and the options a user named.

    Only options given a value (not None) are set; every model option left unset takes the
    registry's defaults when the video is created (:func:`create_video`): the real models
    when their keys are set, else ``local``. Length and aspect ratio come from the named
    option, else from the brief's words, else the fallbacks, else the defaults
    (:func:`agent.brief_options.options_from_brief`).

    Args:
        prompt: the brief (untrusted text).
        auto_continue: run through every phase without pausing.
        fallback_duration_s: length when neither option nor brief names one, seconds.
        fallback_aspect: aspect ratio when neither option nor brief names one.
        **named: :class:`~agent.state.Options` fields (``duration_s``, ``aspect``, ``seed``,
            ``video_model``, ``image_model``, ``music_model``, ``planner``, ``budget_usd``,
            ``music``, ``reference_images``, ``voiceover``, ``subtitles``, ``voice``,
            ``voice_model``); None means "not named".

    Raises:
        UserError: a field is invalid (one line: ``duration_s: Input should be …``).
    """
    given = {k: v for k, v in named.items() if v is not None}
    try:
        duration_s, aspect = options_from_brief(
            prompt,
            given.pop("duration_s", None),
            given.pop("aspect", None),
            fallback_duration_s=fallback_duration_s,
            fallback_aspect=fallback_aspect,
        )
        return VideoRequest(
            prompt=prompt,
            options=Options.model_validate({"duration_s": duration_s, "aspect": aspect, **given}),
            auto_continue=auto_continue,
        )
    except ValidationError as exc:
        raise UserError(one_line(exc)) from None


async def create_video(
    deps: Deps,
    request: VideoRequest,
    user_id: str,
    *,
    title: str | None = None,
    thread_id: str | None = None,
) -> str:
    """Record a new video with its ``main`` branch; nothing runs yet.

    Model options the request leaves unset take the registry's defaults
    (:meth:`agent.providers.registry.Registry.with_defaults`); every chosen provider must be
    registered.

    Args:
        deps: the studio's dependencies.
        request: the brief and options (:func:`video_request`).
        user_id: the owner.
        title: a title the user gave; kept as the video's title for good (else the title
            follows the ``main`` branch's spec).
        thread_id: the ``main`` branch's thread (the LangGraph server's thread); a new one if
            None. A thread that already holds a video gives that video back: the server's
            admission may run again when its run was cut off.

    Returns:
        The video's id.

    Raises:
        UserError: a provider named in the options is unknown, the voice is not one of the
            speech model's, or a reference image is not in the store.
    """
    reg = deps.registry
    opts = reg.with_defaults(request.options)
    reg.planner(opts.planner), reg.image(opts.image_model)
    reg.video(opts.video_model), reg.music_model(opts.music_model)
    speaker = reg.voice_model(opts.voice_model)
    if opts.voice is not None and opts.voice not in speaker.voices:
        known = ", ".join(speaker.voices)
        raise UserError(
            f"unknown voice {opts.voice!r} for speech model {speaker.name!r}; known: {known}"
        )
    for sha in opts.reference_images:
        if not await asyncio.to_thread(deps.store.has_blob, sha):
            raise UserError(f"reference image {sha[:12]}… is not stored; upload it first")
    options = {**opts.model_dump(mode="json"), "auto_continue": request.auto_continue}
    async with deps.pool.connection() as conn, conn.transaction():
        if thread_id is not None:
            cur = await conn.execute(
                "SELECT video_id FROM branches WHERE thread_id = %s", (thread_id,)
            )
            row = await cur.fetchone()
            if row is not None:
                return str(row["video_id"])
        video_id = str(uuid.uuid4())
        await conn.execute(
            'INSERT INTO users ("identifier") VALUES (%s) ON CONFLICT DO NOTHING', (user_id,)
        )
        await conn.execute(
            """INSERT INTO videos (id, user_id, prompt, options, title, title_given)
               VALUES (%s, %s, %s, %s, %s, %s)""",
            (video_id, user_id, request.prompt, json.dumps(options), title, title is not None),
        )
        await conn.execute(
            """INSERT INTO branches (video_id, name, thread_id, status, phase)
               VALUES (%s, 'main', %s, 'paused', NULL)""",
            (video_id, thread_id or str(uuid.uuid4())),
        )
    return video_id


async def stored_options(deps: Deps, video_id: str) -> Options:
    """The options a video was created with (after the registry's defaults).

    Raises:
        NotFound: no such video.
    """
    async with deps.pool.connection() as conn:
        cur = await conn.execute("SELECT options FROM videos WHERE id = %s", (video_id,))
        row = await cur.fetchone()
    if row is None:
        raise NotFound(f"no video {video_id!r}")
    return VideoOptions.model_validate(row["options"]).run_options()
