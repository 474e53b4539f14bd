"""The graph's first node: a LangGraph server client's input becomes a video.

The app's own runs (:class:`agent.studio.Studio`) start with the video already made and the
state filled, so this node does nothing for them.
"""

from __future__ import annotations

from typing import Any

from langgraph.config import get_config
from langgraph.runtime import Runtime

from agent.deps import Deps
from agent.errors import UserError
from agent.phases.common import deps_of
from agent.server.tree import Refused, server_user, tag_thread, thread_id
from agent.service.videos import create_video, stored_options, video_request
from agent.state import AdmitInput, VideoRequest

#: Input keys passed to :func:`~agent.service.videos.video_request` as options, unchanged.
_VOICE_KEYS = ("voiceover", "subtitles", "voice", "caption_scale")


def _request(state: dict[str, Any]) -> VideoRequest:
    """The client's input as a validated request (:func:`agent.service.videos.video_request`).

    The voice and caption options (``voiceover``, ``subtitles``, ``voice``,
    ``caption_scale``) go through the same validation as the CLI's and the HTTP API's.

    Raises:
        Refused: no prompt, an empty or too long one, a bad duration, aspect ratio or voice
            or caption option.
    """
    if not isinstance(state.get("prompt"), str):
        raise Refused('the input needs a "prompt": describe the ad, e.g. "an 8-second tea ad"')
    try:
        return video_request(
            state["prompt"],
            duration_s=state.get("duration_s"),
            aspect=state.get("aspect"),
            auto_continue=bool(state.get("auto_continue", False)),
            **{key: state.get(key) for key in _VOICE_KEYS},
        )
    except UserError as exc:
        raise Refused(f"bad input: {exc}") from None


async def admit(state: AdmitInput, *, runtime: Runtime[Deps]) -> dict[str, Any]:
    """Start a video from a server client's input; nothing when the state has one already.

    Input (the served graph's input schema, :class:`agent.state.VideoInput`):
    ``{"prompt": str, "duration_s": 6-60, "aspect": "16:9" | "9:16" | "1:1",
    "auto_continue": bool, "voiceover": bool, "subtitles": "burn" | "soft" | "off",
    "voice": str, "caption_scale": 0.5-2.0}``, all but the prompt optional. The owner is the
    authenticated user (the local user on a server without auth). The video and its ``main``
    branch (this thread) are recorded in our tables, the thread's metadata gets ``video_id``
    and ``branch``, and the state is filled as :class:`~agent.studio.Studio` fills it. The
    video is created as every door creates one (:func:`agent.service.videos.create_video`):
    model options take the registry's defaults, so with keys set it uses the real models.

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
    video_id = await create_video(deps, request, owner, thread_id=thread)
    options = await stored_options(deps, video_id)
    if user is not None:
        await tag_thread(thread, {"video_id": video_id, "branch": "main"})
    return {
        "video_id": video_id,
        "user_id": owner,
        "branch": "main",
        "prompt": request.prompt,
        "options": options,
        "auto_continue": request.auto_continue,
        "spec": None,
        "artifacts": {},
        "music_gain_db": 0.0,
    }
