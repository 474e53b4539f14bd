"""The graph's first node: a LangGraph server client's input becomes a video.

The app's own runs (:class:`agent.studio.Studio`) start with the video already made and the
state filled, so this node does nothing for them.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from langgraph.config import get_config
from langgraph.runtime import Runtime
from pydantic import ValidationError

from agent.brief_options import options_from_brief
from agent.deps import Deps
from agent.phases.common import deps_of
from agent.server.tree import Refused, server_user, tag_thread, thread_id
from agent.state import AdmitInput, Options, VideoRequest


def _request(state: dict[str, Any]) -> VideoRequest:
    """The client's input as a validated request.

    Raises:
        Refused: no prompt, an empty or too long one, a bad duration or aspect ratio.
    """
    if not isinstance(state.get("prompt"), str):
        raise Refused('the input needs a "prompt": describe the ad, e.g. "an 8-second tea ad"')
    try:
        duration_s, aspect = options_from_brief(
            state["prompt"], state.get("duration_s"), state.get("aspect")
        )
        return VideoRequest(
            prompt=state["prompt"],
            options=Options.model_validate({"duration_s": duration_s, "aspect": aspect}),
            auto_continue=bool(state.get("auto_continue", False)),
        )
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in err["loc"] if p != "options") or "input"
        raise Refused(f"bad input: {where}: {err['msg'].removeprefix('Value error, ')}") from None


async def _record(deps: Deps, request: VideoRequest, user: str, thread: str) -> str:
    """Create the video and its ``main`` branch on this thread (once per thread)."""
    async with deps.pool.connection() as conn, conn.transaction():
        cur = await conn.execute("SELECT video_id FROM branches WHERE thread_id = %s", (thread,))
        row = await cur.fetchone()
        if row is not None:  # this node ran before and the run was cut off
            return str(row["video_id"])
        video_id = str(uuid.uuid4())
        options = request.options.model_dump(mode="json")
        options["auto_continue"] = request.auto_continue
        await conn.execute(
            'INSERT INTO users ("identifier") VALUES (%s) ON CONFLICT DO NOTHING', (user,)
        )
        await conn.execute(
            "INSERT INTO videos (id, user_id, prompt, options) VALUES (%s, %s, %s, %s)",
            (video_id, user, request.prompt, json.dumps(options)),
        )
        await conn.execute(
            """INSERT INTO branches (video_id, name, thread_id, status, phase)
               VALUES (%s, 'main', %s, 'paused', NULL)""",
            (video_id, thread),
        )
    return video_id


async def admit(state: AdmitInput, *, runtime: Runtime[Deps]) -> dict[str, Any]:
    """Start a video from a server client's input; nothing when the state has one already.

    Input (the served graph's input schema, :class:`agent.state.VideoInput`):
    ``{"prompt": str, "duration_s": 6-60, "aspect": "16:9" | "9:16" | "1:1",
    "auto_continue": bool}``, all but the prompt optional. The owner is the authenticated
    user (the local user on a server without auth). The video and its ``main`` branch (this
    thread) are recorded in our tables, the thread's metadata gets ``video_id`` and
    ``branch``, and the state is filled as :class:`~agent.studio.Studio` fills it.

    Raises:
        Refused: bad input; or input sent to a thread that already holds a video (resume
            its pause instead, or start the new video on a new thread).
    """
    config = get_config()
    user = server_user(runtime, config)
    if state.get("video_id"):
        if user is not None:  # a server client sent new input to a thread with a video
            raise Refused(
                f"this thread already holds video {state['video_id']} (branch"
                f" {state.get('branch')}); resume its pause with Command(resume=...), or"
                " create a new thread for a new video"
            )
        return {}
    request = _request(dict(state))
    deps = await deps_of(runtime)
    owner = user or deps.settings.user_id
    thread = thread_id(config)
    video_id = await _record(deps, request, owner, thread)
    if user is not None:
        await tag_thread(thread, {"video_id": video_id, "branch": "main"})
    return {
        "video_id": video_id,
        "user_id": owner,
        "branch": "main",
        "prompt": request.prompt,
        "options": request.options,
        "auto_continue": request.auto_continue,
        "spec": None,
        "artifacts": {},
        "music_gain_db": 0.0,
    }
