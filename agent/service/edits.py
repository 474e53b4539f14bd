"""Edits as plain JSON, so an edit can wait in the job queue and run on any worker.

An edit job (:mod:`agent.queue`) carries its edits in the job's arguments: each one is the
edit model's JSON (:data:`agent.editing.Edit`, told apart by ``kind``), or, for the HTTP API's
whole-spec replacement, a :class:`ReplaceSpec` (``kind: edit_spec`` with a ``spec``).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, TypeAdapter, ValidationError

from agent.editing import Edit, EditSpec
from agent.edits import SpecEdit
from agent.errors import UserError
from agent.spec import Spec

_EDIT: TypeAdapter[Edit] = TypeAdapter(Edit)


class ReplaceSpec(EditSpec):
    """A spec edit that sets the whole (validated) spec, as ``PATCH …/spec`` sends it."""

    ops: list[SpecEdit] = Field(default_factory=list)
    spec: Spec

    def apply(self, values: dict[str, Any], target: Any) -> dict[str, Any]:
        """The values with the new spec."""
        return {**values, "spec": self.spec}


def to_json(edits: list[Edit]) -> list[dict[str, Any]]:
    """The edits as JSON-ready dicts (each with its ``kind``), for a job's arguments."""
    return [e.model_dump(mode="json") for e in edits]


def from_json(data: list[dict[str, Any]]) -> list[Edit]:
    """The edits :func:`to_json` wrote.

    Raises:
        UserError: an item is not an edit (the job's arguments were not written by
            :func:`to_json`).
    """
    edits: list[Edit] = []
    try:
        for item in data:
            if item.get("kind") == "edit_spec" and "spec" in item:
                edits.append(ReplaceSpec.model_validate(item))
            else:
                edits.append(_EDIT.validate_python(item))
    except ValidationError as exc:
        raise UserError(f"not an edit: {exc.errors()[0]['msg']}") from None
    return edits
