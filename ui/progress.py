"""Rich progress bars, one per phase, fed by the studio's progress events."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from agent.state import PHASES
from agent.studio import ProgressEvent


class PhaseProgress:
    """A bar per phase; a phase's bar appears with its first event."""

    def __init__(self, console: Console, *, enabled: bool = True) -> None:
        """Draw on ``console`` (stderr), or nothing when disabled or not a terminal."""
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description:<11}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[item]}"),
            TimeElapsedColumn(),
            console=console,
            disable=not enabled or not console.is_terminal,
        )
        self._tasks: dict[str, TaskID] = {}

    def __enter__(self) -> PhaseProgress:
        """Start drawing."""
        self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop drawing."""
        self._progress.stop()

    def update(self, event: ProgressEvent) -> None:
        """Advance the event's phase by one item."""
        task = self._tasks.get(event.phase)
        if task is None:
            for earlier in PHASES[: PHASES.index(event.phase)]:
                if earlier in self._tasks:
                    t = self._tasks[earlier]
                    self._progress.update(t, completed=self._progress.tasks[t].total)
            task = self._progress.add_task(event.phase, total=event.total, item="")
            self._tasks[event.phase] = task
        label = _label(event.item) + (" (reused)" if event.reused else "")
        self._progress.update(task, advance=1, total=event.total, item=label)


def _label(item: str) -> str:
    """``beat_03`` → ``beat 4``: the 1-based numbers users see."""
    kind, _, number = item.rpartition("_")
    return f"{kind} {int(number) + 1}" if kind and number.isdigit() else item
