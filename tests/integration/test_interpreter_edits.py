"""Requests in words, interpreted offline and run by a Session: the spec changes as asked.

Real Postgres; the video pauses at the plan, so nothing is drawn or rendered.
"""

from __future__ import annotations

import pytest

from agent.state import Options, VideoRequest
from agent.studio import Studio
from tests.integration.conftest import FRESH_SEEDS
from tools.interpreter import interpret
from tools.operations import Session

pytestmark = [pytest.mark.integration]


async def say(session: Session, text: str) -> None:
    meaning = interpret(text, await session.context())
    assert meaning.calls, meaning.reply
    await session.execute(meaning.calls)


def rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


@pytest.mark.asyncio
async def test_words_at_the_plan_pause_change_what_they_name(studio: Studio) -> None:
    request = VideoRequest(
        prompt="A calm 12 second ad for Nordic Brew cold coffee",
        options=Options(duration_s=12, seed=next(FRESH_SEEDS)),
    )
    vid = await studio.create_video(request, "alice")
    st = await studio.run(vid, "alice")
    assert (st.status, st.phase) == ("paused", "plan")
    before = await studio.spec(vid, "alice", "main")
    assert before is not None

    session = Session(studio, "alice", vid)
    await say(session, "warmer colours and rename the brand to Bean & Leaf")
    after = await studio.spec(vid, "alice", session.branch)
    assert session.branch == "main-1" and after is not None
    assert after.brand == "Bean & Leaf"
    for old, new in zip(before.style.palette, after.style.palette, strict=True):
        assert rgb(new)[0] >= rgb(old)[0] and rgb(new)[2] <= rgb(old)[2] and new != old

    await say(session, "fais la scène 2 un coucher de soleil sur la plage")
    french = await studio.spec(vid, "alice", session.branch)
    assert french is not None and french.beats[1].description == "un coucher de soleil sur la plage"

    # a move beat 1 does not have yet (the planner's choice varies with the seed)
    move = "pan-right" if french.beats[0].camera == "pan-left" else "pan-left"
    await say(session, f"make the camera in beat 1 {move.replace('-', ' ')}")
    moved = await studio.spec(vid, "alice", session.branch)
    assert moved is not None and moved.beats[0].camera == move
    assert moved.style.camera == before.style.camera, "the ad's camera style is untouched"

    session.messages.clear()
    await say(session, "compare this branch with main")
    diff = "\n".join(session.messages)
    assert "Bean & Leaf" in diff and "coucher de soleil" in diff
