"""What a client may send to a review pause, and what the graph does with it.

Resume values (``Command(resume=...)``; the pause's payload lists them under ``resume``):

* ``{"action": "continue"}``, optionally ``"auto_continue": true`` to run the rest without
  pausing;
* ``{"action": "edit", "calls": [{"tool": "regenerate_beat", "args": {"beat": 2, "prompt":
  "a sunset"}}]}``: tool calls in the shapes of :data:`tools.schemas.TOOLS`;
* ``{"text": "make beat 2 a sunset"}``: a change request in plain words, turned into tool
  calls by the edit interpreter (OpenAI when ``OPENAI_API_KEY`` is set, else offline);
* ``{"action": "fork"}``, optionally with ``"calls": [...]`` or ``"text": "..."``: the server
  makes a new branch (a new thread) seeded from this pause plus the edit, and this thread
  pauses here again with ``fork`` in its payload naming the new thread (on the LangGraph
  server, see :mod:`agent.server.fork`; a graph without a door that makes forks refuses it).

An edit applies on this thread (a thread is a branch; its earlier checkpoints stay in its
history): the edit classes of :mod:`agent.editing` compute the new values, and the run goes
back to regenerate what changed (the memo reuses the rest), then pauses again. A resume the
graph cannot use (unknown action, bad arguments, an edit not allowed at this pause, text it
cannot map) changes nothing: the run pauses at the same review again with ``error`` set.

Edits are checked as ``reelgraph edit`` checks them (:mod:`agent.phases.effects`, one
implementation for every door): edits known to change nothing are refused before anything
is applied or forked, with the reason in ``error`` (and no branch is made); the pause the
edit leads to (on this thread, or on the fork when the client runs it) measures what it
re-rendered against what was here and says so in its payload's ``effect`` and ``effects``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import ValidationError

from agent.deps import Deps
from agent.editing import (
    Edit,
    EditSpec,
    RegenerateBeat,
    RegenerateChunk,
    RegenerateMusic,
    RevisitPhase,
    SetMusicVolume,
    seed_values,
)
from agent.errors import ReelgraphError, UserError
from agent.phases import effects
from agent.state import PHASES, PRIVATE_KEYS, Phase, State
from tools.interpreter import Context, ToolCall
from tools.llm_interpreter import interpret_message
from tools.schemas import ToolArgs, tool_args

#: The node that runs after an edit's values are seeded as ``as_node`` (see
#: :data:`agent.editing.RERUN_AFTER`): a fan-out, a generation node or a pause.
NEXT_AFTER: dict[str, str] = {
    "plan": "review_plan",
    "review_plan": "draw_beat",
    "storyboard": "review_storyboard",
    "review_storyboard": "render_beat",
    "chunks": "review_chunks",
    "review_chunks": "refine",
    "refine": "review_refine",
}

#: Tools that only read (the server's thread API answers these) or need an upload.
_NOT_HERE = {
    "status": "read the thread's state (threads.get_state)",
    "show_cost": "read cost_usd in this payload",
    "list_branches": "search threads by metadata video_id",
    "switch_branch": "run the other thread",
    "compare_branches": "read both threads' states",
    "replace_beat_image": "upload the image through the HTTP API or the chat",
}


class Unusable(Exception):
    """A resume value the graph cannot use; the message goes into the next pause."""


#: Makes a fork of the paused branch with the edits asked for (first list; its next pause
#: measures them) of which the second list is applied (the first less the edits known to
#: change nothing; both empty: the same pause), and returns what the pause payload says of
#: it (``thread_id``, ``branch``, ``parent``, ``phase``).
Forker = Callable[[list[Edit], list[Edit]], Awaitable[dict[str, str]]]


def resume_shapes(allowed: list[str]) -> dict[str, Any]:
    """The resume values a client may send at a pause whose actions are ``allowed``."""
    tools = [a for a in allowed if a != "continue"]
    return {
        "continue": {"action": "continue", "auto_continue": False},
        "edit": {
            "action": "edit",
            "calls": [
                {
                    "tool": f"one of {tools}",
                    "args": "that tool's arguments; beats and chunks count from 1",
                }
            ],
        },
        "text": {"text": "a change request in plain words"},
        "fork": {
            "action": "fork",
            "calls": "optional: edit calls to apply on the new branch",
            "text": "optional: a change request for the new branch, instead of calls",
        },
    }


def _parse(answer: Any) -> tuple[str, Any]:
    """(kind, content) of a resume value: continue → auto flag, edit → calls, text → text."""
    if not isinstance(answer, dict):
        raise Unusable(
            'send an object: {"action": "continue"}, {"action": "edit", "calls": [...]} or'
            ' {"text": "..."}'
        )
    if "text" in answer and answer.get("action") in (None, "text"):
        if not isinstance(answer["text"], str) or set(answer) - {"text", "action"}:
            raise Unusable('a text resume is {"text": "<a change request>"}')
        return "text", answer["text"]
    action = answer.get("action")
    if action == "fork":
        if set(answer) - {"action", "calls", "text"} or ("calls" in answer and "text" in answer):
            raise Unusable(
                'a fork is {"action": "fork"}, optionally with "calls": [...] or "text": "..."'
            )
        if "text" in answer:
            if not isinstance(answer["text"], str):
                raise Unusable('a fork\'s "text" is a change request in plain words')
            return "fork", answer["text"]
        if "calls" not in answer:
            return "fork", []
        return "fork", _calls(answer["calls"])
    if action == "continue":
        auto = answer.get("auto_continue", False)
        if not isinstance(auto, bool) or set(answer) - {"action", "auto_continue"}:
            raise Unusable('continue is {"action": "continue"} with an optional boolean'
                           ' "auto_continue"')  # fmt: skip
        return "continue", auto
    if action == "edit":
        if set(answer) - {"action", "calls"}:
            raise Unusable('an edit is {"action": "edit", "calls": [{"tool": ..., "args": {...}}]}')
        return "edit", _calls(answer.get("calls"))
    raise Unusable(f"unknown action {str(action)[:40]!r}: use continue, edit or fork, or send text")


def _calls(calls: Any) -> list[ToolCall]:
    """The tool calls of an edit or a fork."""
    if not isinstance(calls, list) or not calls:
        raise Unusable('an edit is {"action": "edit", "calls": [{"tool": ..., "args": {...}}]}')
    try:
        return [ToolCall.model_validate(c) for c in calls]
    except ValidationError:
        raise Unusable('each call is {"tool": "<name>", "args": {...}}') from None


def _args(call: ToolCall) -> ToolArgs:
    try:
        return tool_args(call)
    except UserError as exc:
        raise Unusable(str(exc)) from None


def _edit(call: ToolCall, phase: Phase, allowed: tuple[str, ...], deps: Deps) -> Edit:
    """The edit a call asks for, if it is allowed at this pause."""
    if call.tool in _NOT_HERE:
        raise Unusable(f"{call.tool} is not done at a pause: {_NOT_HERE[call.tool]}")
    if call.tool not in allowed:
        raise Unusable(
            f"{call.tool} is not allowed at the {phase} pause (allowed: {', '.join(allowed)});"
            " go back with revisit_phase, or fork a thread from that phase's pause"
        )
    args = _args(call).model_dump()
    try:
        match call.tool:
            case "edit_spec":
                return EditSpec.model_validate(args)
            case "regenerate_beat":
                return RegenerateBeat(**args)
            case "regenerate_chunk":
                if args.get("model"):
                    deps.registry.video(args["model"])  # unknown → UserError
                return RegenerateChunk(**args)
            case "regenerate_music":
                return RegenerateMusic(**args)
            case "set_music_volume":
                return SetMusicVolume(**args)
            case "revisit_phase":
                if PHASES.index(args["phase"]) > PHASES.index(phase):
                    raise Unusable(f"the {args['phase']} pause is ahead; continue to get there")
                return RevisitPhase(to=args["phase"])
    except (ReelgraphError, ValidationError, ValueError) as exc:
        raise Unusable(f"{call.tool}: {exc}") from None
    raise Unusable(f"{call.tool} is not an edit")


async def _interpret(text: str, state: State, phase: Phase, deps: Deps) -> list[ToolCall]:
    spec = state.get("spec")
    ctx = Context(
        phase=phase,
        beats=len(spec.beats) if spec else 0,
        chunks=sum(1 for n in state.get("artifacts", {}) if n.startswith("chunk_")),
        beat_types=tuple(b.type for b in spec.beats) if spec else (),
        branch=state.get("branch", "main"),
        music_gain_db=float(state.get("music_gain_db", 0.0)),
    )
    try:
        meaning = await interpret_message(deps.settings, text, ctx)
    except ReelgraphError as exc:
        raise Unusable(f"the edit interpreter failed: {exc}") from None
    if not meaning.calls:
        raise Unusable(meaning.reply or "I did not understand that.")
    return meaning.calls


async def _without_no_ops(edits: list[Edit], state: State, deps: Deps) -> list[Edit]:
    """``edits`` less those known to change nothing (:func:`agent.phases.effects.refuse_no_ops`).

    Raises:
        Unusable: every edit would change nothing (the reason), or one does not apply.
    """
    try:
        return await effects.refuse_no_ops(deps, dict(state), edits)
    except (ReelgraphError, ValueError) as exc:
        raise Unusable(str(exc)) from None


async def _apply(asked: list[Edit], edits: list[Edit], state: State, deps: Deps) -> dict[str, Any]:
    """The state update that applies ``edits`` on this thread and re-runs what they change.

    ``asked`` is every edit the client asked for (``edits`` without the no-ops): the next
    pause measures them all (:func:`agent.phases.effects.pending_check`).
    """
    video = deps.registry.video(state["options"].video_model)
    try:
        values, pause, as_node = seed_values(dict(state), edits, video.clip_lengths_s)
    except (ReelgraphError, ValueError) as exc:
        raise Unusable(str(exc)) from None
    if values["spec"] != state.get("spec"):
        rec = deps.recorder(state["video_id"], state["user_id"], state["branch"], "plan", None)
        data = values["spec"].model_dump_json(indent=2).encode()
        ref = await rec.keep("spec", "json", "application/json", data, "user", "edit")
        values["artifacts"] = {**values["artifacts"], "spec": ref}
    update = {k: v for k, v in values.items() if k not in PRIVATE_KEYS}
    check = effects.pending_check(state, asked, pause)
    return {**update, "goto": NEXT_AFTER[as_node], "review_error": None, "edit_check": check}


async def _fork(
    content: str | list[ToolCall],
    state: State,
    phase: Phase,
    allowed: tuple[str, ...],
    deps: Deps,
    fork: Forker | None,
) -> dict[str, Any]:
    """Make a fork through ``fork`` and pause here again, naming it."""
    if fork is None:
        raise Unusable(
            "forks are made by the door you use: `reelgraph edit`, the chat, or the HTTP API"
        )
    calls = await _interpret(content, state, phase, deps) if isinstance(content, str) else content
    go = [c.tool for c in calls if c.tool in ("continue_pipeline", "set_auto_continue")]
    if go:
        raise Unusable(f"{go[0]} is not an edit: fork first, then continue the new thread")
    asked = [_edit(c, phase, allowed, deps) for c in calls]
    edits = await _without_no_ops(asked, state, deps) if asked else []
    try:
        made = await fork(asked, edits)
    except (ReelgraphError, ValueError) as exc:
        raise Unusable(f"the fork failed: {exc}") from None
    return {"goto": f"review_{phase}", "review_error": None, "forked": made, "edit_check": None}


async def resolve(
    answer: Any,
    state: State,
    phase: Phase,
    allowed: tuple[str, ...],
    deps: Deps,
    fork: Forker | None = None,
) -> dict[str, Any]:
    """The state update for a resume value at the ``phase`` pause.

    Args:
        answer: what the client sent (see the module docstring).
        state: the state at the pause.
        phase: the pause.
        allowed: the actions allowed there (``continue`` and edit tool names).
        deps: the run's dependencies.
        fork: makes a fork (the LangGraph server's runs); None where forks are made by the
            door (a fork resume is then refused with a reason).

    Returns:
        An update for the review node: ``goto`` (None → the next phase; a node → re-run from
        there; ``review_<phase>`` → pause again) and ``review_error`` (why the value was not
        used, or None), plus any changed state; after a fork, ``forked`` names the new
        branch; ``edit_check`` is what the next pause measures (None: no edit led there).
    """
    return {"edit_check": None, **await _resolve(answer, state, phase, allowed, deps, fork)}


async def _resolve(
    answer: Any,
    state: State,
    phase: Phase,
    allowed: tuple[str, ...],
    deps: Deps,
    fork: Forker | None,
) -> dict[str, Any]:
    try:
        kind, content = _parse(answer)
        if kind == "fork":
            return await _fork(content, state, phase, allowed, deps, fork)
        if kind == "continue":
            return {"auto_continue": True, "goto": None} if content else {"goto": None}
        calls = content if kind == "edit" else await _interpret(content, state, phase, deps)
        go = [c for c in calls if c.tool in ("continue_pipeline", "set_auto_continue")]
        asked = [_edit(c, phase, allowed, deps) for c in calls if c not in go]
        if asked and go:
            raise Unusable("send the edit alone, then continue once you have seen its result")
        if asked:
            return await _apply(asked, await _without_no_ops(asked, state, deps), state, deps)
        auto = [_args(c) for c in go if c.tool == "set_auto_continue"]
        on = bool(auto and getattr(auto[-1], "enabled", False))
        if any(c.tool == "continue_pipeline" for c in go) or on:
            return {"auto_continue": True, "goto": None} if on else {"goto": None}
        return {"auto_continue": False, "goto": f"review_{phase}", "review_error": None}
    except Unusable as exc:
        return {"goto": f"review_{phase}", "review_error": str(exc)}
