"""The doors ask the service, never the deps or the graph; the service's views answer."""

from __future__ import annotations

import ast
import asyncio
from types import SimpleNamespace
from typing import Any, cast

import pytest

from agent.deps import Deps
from agent.errors import UserError
from agent.media import Media
from agent.providers.local.models import LocalPlanner
from agent.providers.registry import default_registry
from agent.service.chat import Views
from agent.spec import FPS
from agent.state import Options
from tests.conftest import REPO

#: Attributes of the studio a door must not reach through (import-linter sees imports only).
REACH_THROUGH = {"deps", "graph"}


def reach_throughs(source: str) -> list[str]:
    """``line: expression`` for each ``x.deps`` / ``x.graph`` attribute access in ``source``."""
    return [
        f"{node.lineno}: {ast.unparse(node)}"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Attribute) and node.attr in REACH_THROUGH
    ]


def test_the_check_sees_a_reach_through() -> None:
    source = "async def f(s):\n    return (await s()).deps.registry, s.graph.aget_state\n"
    assert len(reach_throughs(source)) == 2


@pytest.mark.parametrize(
    "path",
    sorted(p.relative_to(REPO).as_posix() for p in (REPO / "ui").rglob("*.py"))
    + ["tools/operations.py"],
)
def test_doors_do_not_reach_into_the_studios_deps_or_graph(path: str) -> None:
    assert reach_throughs((REPO / path).read_text()) == []


def _views() -> Views:
    deps = SimpleNamespace(registry=default_registry(cast(Media, None)))
    return Views(cast(Deps, deps), cast(Any, None))


def test_chunk_spans_tile_the_ad_beat_by_beat() -> None:
    spec = asyncio.run(LocalPlanner().plan("a sneaker ad", Options(duration_s=20)))
    spans = _views().chunk_spans(spec, "local")
    assert spans is not None and spans[0].start_s == 0
    assert all(a.end_s == b.start_s for a, b in zip(spans, spans[1:], strict=False))
    assert round(spans[-1].end_s * FPS) == round(spec.duration_s * FPS)
    assert [s.beat_index for s in spans] == sorted(s.beat_index for s in spans)
    assert {s.beat_index for s in spans} == {b.index for b in spec.beats}


def test_an_unregistered_model_has_no_spans_and_an_unknown_voice_model_is_named() -> None:
    spec = asyncio.run(LocalPlanner().plan("a sneaker ad", Options(duration_s=8)))
    views = _views()
    assert views.chunk_spans(spec, "replicate:kling-v2.1") is None
    assert views.speech_model("local").voices
    with pytest.raises(UserError, match="local"):
        views.speech_model("nope")
