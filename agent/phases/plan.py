"""Phase 1: the brief becomes a spec."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from langgraph.runtime import Runtime

from agent.deps import Deps
from agent.phases.common import progress, recorder
from agent.spec import Spec
from agent.state import State
from agent.trust import guard


async def plan(state: State, *, runtime: Runtime[Deps]) -> dict[str, Any]:
    """Plan the ad with the video's planner; the spec is stored as ``spec_vN.json``."""
    deps = await guard(runtime, state)
    options = state["options"]
    planner = deps.registry.planner(options.planner)
    rec = recorder(runtime, state, "plan")

    async def make(dst: Path) -> None:
        spec = await planner.plan(state["prompt"], options)
        dst.write_text(spec.model_dump_json(indent=2), encoding="utf-8")

    blob = await rec.produce(planner.describe(state["prompt"], options), "spec", ".json", make)
    spec = Spec.model_validate_json(blob.path.read_text(encoding="utf-8"))
    ref = await rec.register("spec", "json", "application/json", blob)
    progress(runtime, "plan", "spec", 1)
    return {"spec": spec, "artifacts": {"spec": ref}, "phase": "plan"}
