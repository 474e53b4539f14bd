"""The reelgraph exception tree.

Every error reelgraph raises on purpose derives from :class:`ReelgraphError`, so callers at
the edge (the CLI, the chat UI) can catch one type and show it well::

    ReelgraphError            anything reelgraph raises on purpose
    ├── UserError             bad input or an impossible request; one line, no traceback
    │   ├── NotFound          no such video, branch, beat, chunk or artifact
    │   ├── WrongPhase        an operation not allowed at the current pause
    │   ├── BudgetExceeded    a paid call would take the video past its budget_usd cap
    │   └── BranchBusy        the branch is being run by another process
    ├── ProviderError         a model provider (OpenAI, Replicate, local) failed; the branch
    │   │                     stays paused at its last good checkpoint
    │   └── ProviderTimeout   a provider call passed its deadline and was cancelled
    ├── StorageError          the artifact store or the database failed
    └── MediaError            an FFmpeg (or PyAV) operation failed; carries the command
                              and the tail of its stderr

Vendor and library errors are translated where they happen and re-raised ``from exc`` so the
original traceback stays attached.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence

__all__ = [
    "BranchBusy",
    "BudgetExceeded",
    "MediaError",
    "NotFound",
    "ProviderError",
    "ReelgraphError",
    "ProviderTimeout",
    "StorageError",
    "UserError",
    "WrongPhase",
]


class ReelgraphError(Exception):
    """Base of every error reelgraph raises on purpose."""


class UserError(ReelgraphError):
    """Bad input or an impossible request; the message is meant for the user, one line."""


class NotFound(UserError):
    """An unknown video, branch, beat or chunk."""


class WrongPhase(UserError):
    """An operation that is not allowed at the current pause."""


class BudgetExceeded(UserError):
    """The next call's estimate would take the video past its budget cap."""


class BranchBusy(UserError):
    """Another process holds the run lock of this branch."""


class ProviderError(ReelgraphError):
    """A provider failed; the branch stays paused at its last good checkpoint."""


class ProviderTimeout(ProviderError):
    """A provider call passed its deadline and was cancelled."""


class StorageError(ReelgraphError):
    """The database or the artifact store failed."""


class MediaError(ReelgraphError):
    """An FFmpeg or PyAV operation failed.

    Never a bare ``IOError``: the message shows the exact command and the end of what the tool
    wrote to stderr, so a failure can be reproduced by pasting the command into a shell.

    Attributes:
        command: the full argument list that was run (for PyAV operations, a pseudo-command
            such as ``["av.open", "<path>"]``).
        stderr_tail: the last lines of the tool's stderr (or the library's error text).
    """

    def __init__(self, message: str, command: Sequence[str], stderr_tail: str) -> None:
        """Build the error.

        Args:
            message: what was being done, e.g. ``"ffmpeg exited with code 1"``.
            command: the argument list that failed.
            stderr_tail: the end of stderr, already trimmed to a readable length.
        """
        self.command: list[str] = [str(part) for part in command]
        self.stderr_tail = stderr_tail
        super().__init__(
            f"{message}\n  command: {shlex.join(self.command)}\n  stderr: {stderr_tail}"
        )
