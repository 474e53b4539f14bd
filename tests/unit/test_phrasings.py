"""Accuracy of the offline interpreter on a set of phrasings (en, fr, de, es).

The set is ``tests/fixtures/phrasings.toml``: each case is a message, the pause it is said at,
and the tool calls a user means by it (no calls for a request that must be refused). A case
counts as right only when the calls are exactly those, in order. ``dev`` cases were looked at
while building the grammar; each ``held*`` split was written after the grammar of its day and
run once untuned; its first-run accuracy is recorded in the fixture's header (``held16`` was
the last, 14/43 = 0.326; its misses were then fixed by kind, so no split here is unseen any
more).
Each split's accuracy is printed (``pytest -s``); the assertion (>= 0.95) is on all cases
together, so it guards against regressions, not against unseen phrasings.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from tools.interpreter import Context, interpret

SET = Path(__file__).resolve().parent.parent / "fixtures" / "phrasings.toml"
TYPES = ("hook", "problem", "product_reveal", "feature_highlight", "lifestyle", "social_proof",
         "offer", "call_to_action", "logo_end_card")  # fmt: skip
TARGET = 0.95


def _without_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_none(v) for v in value]
    return value


def _score(cases: list[dict[str, Any]]) -> tuple[int, list[str]]:
    right, misses = 0, []
    for case in cases:
        ctx = Context(phase=case["phase"], beats=9, chunks=6, beat_types=TYPES, branch="main-1")
        result = interpret(case["text"], ctx)
        got = _without_none([c.model_dump() for c in result.calls])
        if got == _without_none(case["calls"]):
            right += 1
        else:
            misses.append(f"{case['phase']}: {case['text']!r} -> {got or result.reply}")
    return right, misses


def test_accuracy_on_the_phrasing_set() -> None:
    cases = tomllib.loads(SET.read_text(encoding="utf-8"))["case"]
    splits: dict[str, list[dict[str, Any]]] = {}
    for case in cases:
        splits.setdefault(case.get("split", "dev"), []).append(case)
    assert len(cases) >= 150 and len(cases) - len(splits["dev"]) >= 35
    right, misses = 0, []
    for name, group in splits.items():
        n_right, n_misses = _score(group)
        right, misses = right + n_right, misses + n_misses
        print(f"\n{name}: {n_right}/{len(group)} = {n_right / len(group):.3f}")  # noqa: T201
    print(f"all: {right}/{len(cases)} = {right / len(cases):.3f}")  # noqa: T201
    for miss in misses:
        print("miss", miss)  # noqa: T201
    assert right / len(cases) >= TARGET, "\n".join(misses)
