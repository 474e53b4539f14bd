r"""User text: what every door accepts as a brief, a title, an edit message or an id.

Text that users write is stored in PostgreSQL, drawn on frames and sent to model providers.
PostgreSQL refuses NUL in ``text`` columns, and a lone UTF-16 surrogate (JSON ``"\ud800"``)
cannot be encoded as UTF-8 at all, so either would fail deep inside a run, after a video row
was written. Both, and the other C0/C1 control characters, are refused here, at the door,
before anything is created. Newline, carriage return and tab are allowed (multi-line briefs).

One rule, in several shapes:

- :func:`text_problem` says what is wrong with a string (or None);
- :data:`UserText` is a pydantic ``str`` type that refuses bad text (a ``ValueError``, which
  pydantic reports as a validation error);
- :func:`check_text_tree` walks JSON-like data (dicts, lists, strings, dict keys too), for a
  model's ``mode="before"`` validator, so every string field of a model is covered, including
  fields added later; :class:`TextInput` is a base model that does it;
- :func:`user_text` raises :class:`~agent.errors.UserError` for doors that take raw strings
  (command-line arguments, chat messages).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, model_validator

from agent.errors import UserError

#: C0 controls except tab, newline and carriage return; DEL and the C1 controls; lone
#: surrogates (U+D800-U+DFFF never stand alone in well-formed Unicode text); the
#: noncharacters U+FFFE and U+FFFF.
_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def text_problem(value: str) -> str | None:
    """What makes ``value`` unacceptable as user text, or None when it is fine.

    Returns:
        e.g. ``"a control character (U+0000) at position 1"``.
    """
    m = _BAD.search(value)
    if m is None:
        return None
    code = ord(m.group())
    kind = "a lone surrogate" if 0xD800 <= code <= 0xDFFF else "a control character"
    return f"{kind} (U+{code:04X}) at position {m.start()}"


def check_text(value: str, what: str = "the text") -> str:
    """Return ``value`` if it is acceptable user text.

    Raises:
        ValueError: it holds a control character or a lone surrogate (named, with its place).
    """
    problem = text_problem(value)
    if problem is not None:
        raise ValueError(f"{what} contains {problem}; send plain text")
    return value


def user_text(value: str, what: str) -> str:
    """:func:`check_text` for doors that take raw strings (CLI arguments, chat messages).

    Raises:
        UserError: it holds a control character or a lone surrogate.
    """
    try:
        return check_text(value, what)
    except ValueError as exc:
        raise UserError(str(exc)) from None


def without_bad_text(value: str) -> str:
    """``value`` with its control characters and lone surrogates removed.

    For metadata a user does not write as such (an uploaded file's name), where refusing the
    whole request would be out of proportion; everything users write is refused instead.
    """
    return _BAD.sub("", value)


#: A ``str`` that refuses control characters and lone surrogates (pydantic validation error).
UserText = Annotated[str, AfterValidator(check_text)]


def check_text_tree(data: Any, where: str = "") -> Any:
    """Check every string in JSON-like ``data`` (dict keys included); return ``data``.

    Iterative, so a request nested a thousand levels deep is checked, not a RecursionError.

    Args:
        data: dicts, lists, tuples and scalars, as a request body arrives; other objects
            (already validated models) are left alone.
        where: the path of ``data`` for messages (``beats.2.description``).

    Raises:
        ValueError: a string holds a control character or a lone surrogate; the message
            names the field's path.
    """
    stack: list[tuple[Any, str]] = [(data, where)]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            check_text(value, path or "the text")
        elif isinstance(value, Mapping):
            for key, item in value.items():
                if isinstance(key, str):
                    check_text(key, f"a field name in {path or 'the request'}")
                stack.append((item, f"{path}.{key}" if path else str(key)))
        elif isinstance(value, list | tuple):
            stack.extend((item, f"{path}.{n}" if path else str(n)) for n, item in enumerate(value))
    return data


class TextInput(BaseModel):
    """A model whose every string (at any depth) is checked by :func:`check_text_tree`."""

    @model_validator(mode="before")
    @classmethod
    def _plain_text(cls, data: Any) -> Any:
        return check_text_tree(data)


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def is_uuid(value: str) -> bool:
    """Whether ``value`` is a UUID in the canonical lower-case form reelgraph writes ids in."""
    return _UUID.fullmatch(value) is not None
