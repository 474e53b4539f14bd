"""The ``reelgraph`` command line: generate, continue, status, videos, export, models, serve.

Every command takes ``--json`` for scripts (one JSON object on stdout). Errors are one line on
stderr; the exit code is 2 for bad input, 1 for a failed run or an edit that changed nothing.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import stat
import tempfile
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table
from rich.tree import Tree

from agent import db
from agent.compare import Comparison, compare
from agent.editing import Edit
from agent.errors import ReelgraphError, StorageError, UserError
from agent.phases.effects import Effect
from agent.queue import Enqueued, Queue
from agent.service.status import (
    BranchInfo,
    BranchStatus,
    EditEffect,
    EditOutcome,
    QueuedStatus,
    VideoSummary,
    edit_outcome,
)
from agent.service.videos import video_request
from agent.settings import Settings
from agent.spec import Spec
from agent.state import MAX_REFERENCE_IMAGES, Options
from agent.store import DISK_ERRNOS
from agent.studio import ProgressEvent, Studio
from agent.text import text_problem, user_text
from agent.uploads import checked_image, read_image_file
from tools.llm_interpreter import interpret_message
from tools.operations import EDIT_TOOLS, Session
from ui.progress import PhaseProgress

app = typer.Typer(
    name="reelgraph",
    help="Turn a one-line brief into a finished video ad, reviewing each phase on the way.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
T = TypeVar("T")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object for scripts.")]


def _plain_arg(value: str | None) -> str | None:
    """Typer callback: a video id or branch name must be plain text; else exit 2, one line."""
    if value is None:
        return None
    problem = text_problem(value)
    if problem is not None:
        err.print(f"error: {value!r} contains {problem}", markup=False, highlight=False)
        raise typer.Exit(2)
    return value


VideoArg = Annotated[str, typer.Argument(help="The video id.", callback=_plain_arg)]
BranchOpt = Annotated[str, typer.Option("--branch", "-b", help="Branch name.", callback=_plain_arg)]
YoloOpt = Annotated[
    bool, typer.Option("--yolo", help="Auto-continue: run through every remaining phase.")
]


def _one_line(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"] if p != "options")
    msg = first["msg"].removeprefix("Value error, ")
    return f"{where}: {msg}" if where else msg


def _log_to_file(path: Path) -> None:
    """Log warnings to ``path``; only reelgraph's own (``agent.*``) also show on stderr.

    The command reports its own failures as one line on stderr. A lost database otherwise adds
    the pool's reconnection attempts, psycopg's "error ignored terminating", asyncio's "Task
    exception was never retrieved" and LangGraph's "coroutine … was never awaited" there, so
    library records and Python warnings go to the file only. If the file cannot be opened they
    are dropped, never shown half-way through output. Calling again replaces the handlers.
    """
    root, ours = logging.getLogger(), logging.getLogger("agent")
    for logger in (root, ours):
        for old in [h for h in logger.handlers if h.get_name() == "reelgraph-cli"]:
            logger.removeHandler(old)
            old.close()
    # reelgraph's own warnings (a missing font, a prediction that could not be cancelled) are
    # meant for the user: they stay on stderr as one line each, and reach the log file too.
    shown = logging.StreamHandler()
    shown.setFormatter(logging.Formatter("warning: %(message)s"))
    shown.setLevel(logging.WARNING)
    shown.set_name("reelgraph-cli")
    ours.addHandler(shown)
    handler: logging.Handler
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8", delay=True)
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(process)d %(name)s %(levelname)s %(message)s")
    )
    handler.setLevel(logging.WARNING)
    handler.set_name("reelgraph-cli")
    root.addHandler(handler)
    logging.captureWarnings(True)


def _run(job: Callable[[Studio, Settings], Coroutine[Any, Any, T]]) -> T:
    """Open the studio, run ``job``, turn errors into one line and an exit code."""
    try:
        settings = Settings()
    except ValidationError as exc:
        err.print(f"error: configuration: {_one_line(exc)}", markup=False, highlight=False)
        raise typer.Exit(2) from None

    async def main() -> T:
        async with Studio.open(settings) as studio:
            return await job(studio, settings)

    _log_to_file(settings.home / "logs" / "cli.log")
    try:
        return asyncio.run(main())
    except UserError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        raise typer.Exit(2) from None
    except ReelgraphError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        raise typer.Exit(1) from None
    except OSError as exc:  # a file or disk problem nothing below translated: still one line
        where = f": {exc.filename}" if exc.filename else ""
        err.print(f"error: {exc.strerror or exc}{where}", markup=False, highlight=False)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        err.print("interrupted: `reelgraph continue` resumes, keeping finished work")
        raise typer.Exit(130) from None


def _run_queued(job: Callable[[Queue, Settings], Coroutine[Any, Any, T]]) -> T:
    """:func:`_run` with the studio's job queue open too (runs, status, cancel, worker)."""

    async def with_queue(studio: Studio, settings: Settings) -> T:
        async with Queue.open(studio) as queue:
            return await job(queue, settings)

    return _run(with_queue)


def _emit_queued(status: BranchStatus, job: Enqueued, as_json: bool) -> None:
    """Say that a run was queued: ``status: queued`` and its position (or JSON)."""
    body = {
        **status.model_dump(mode="json"),
        "status": job.status,
        "job_id": job.job_id,
        "queue_position": job.position or None,
    }
    if as_json:
        typer.echo(json.dumps(body, default=str))
        return
    where = f" (position {job.position} in the queue)" if job.position else ""
    joined = ", joining the run already waiting" if job.existing else ""
    out.print(f"video: {status.video_id}", highlight=False)
    out.print(f"branch: {status.branch}", highlight=False)
    out.print(f"job: {job.job_id}", highlight=False)
    out.print(f"status: {job.status}{where}{joined}", highlight=False)
    err.print(
        f"follow: reelgraph status {status.video_id}   (a `reelgraph worker` runs it)",
        highlight=False,
    )


def _emit(status: BranchStatus, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(status.model_dump(mode="json")))
        return
    t = Table(show_header=False, box=None, pad_edge=False)
    t.add_column(style="bold")
    t.add_column(overflow="fold")  # paths stay whole, to copy
    t.add_row("video", status.video_id)
    t.add_row("title", status.title or "—")
    t.add_row("branch", status.branch)
    t.add_row("status", status.status + (f" at {status.phase}" if status.phase else ""))
    if isinstance(status, QueuedStatus) and status.queue_position:
        t.add_row("queue", f"position {status.queue_position} (job {status.job_id})")
    u = status.usage
    t.add_row("usage", f"{u.calls} calls, {u.reused} reused, ${u.cost_usd:.2f}")
    if status.next_phase and status.estimate_next_usd is not None:
        why = f" ({status.estimate_error})" if status.estimate_error else ""
        t.add_row("next", f"{status.next_phase}: ${status.estimate_next_usd:.2f}{why}")
    if status.final_video:
        t.add_row("final", status.final_video)
    if status.error:
        t.add_row("error", status.error)
    out.print(t)
    for note in status.licence_notes:
        err.print(f"warning: not for commercial use: {note}", style="yellow", highlight=False)
    if status.status == "paused":
        err.print(
            f"next: reelgraph continue {status.video_id}"
            + (f" --branch {status.branch}" if status.branch != "main" else "")
            + "   (add --yolo to run to the end)",
            highlight=False,
        )


async def _run_branch(
    queue: Queue, video_id: str, user_id: str, branch: str, yolo: bool, show: bool
) -> BranchStatus:
    """Run the branch here, as a job of the queue (same lock as every worker's jobs)."""
    with PhaseProgress(err, enabled=show) as bars:
        return await queue.run_here(
            video_id, user_id, branch, auto_continue=yolo, on_progress=bars.update
        )


DetachOpt = Annotated[
    bool,
    typer.Option(
        "--detach",
        help="Queue the run and return at once (`reelgraph worker` runs it);"
        " prints status: queued and the position in the queue.",
    ),
]


def _fail(message: str, code: int = 2) -> typer.Exit:
    """Print ``error: message`` on one line; return the exit to raise."""
    err.print(f"error: {message}", markup=False, highlight=False)
    return typer.Exit(code)


def _plain(value: str, what: str) -> str:
    """``value`` if it is plain text (:func:`agent.text.user_text`); else exit 2, one line."""
    try:
        return user_text(value, what)
    except UserError as exc:
        raise _fail(str(exc)) from None


@app.command()
def generate(
    prompt: Annotated[
        str,
        typer.Argument(
            help="The brief, e.g. 'Create a 30-second Nike sneaker ad, energetic style'."
        ),
    ],
    duration: Annotated[
        float | None,
        typer.Option(
            "--duration", "-d", help="Length in seconds, 6-60 (default: from the prompt, else 30)."
        ),
    ] = None,
    aspect: Annotated[
        str | None,
        typer.Option(
            "--aspect", "-a", help="16:9, 9:16 or 1:1 (default: from the prompt, else 16:9)."
        ),
    ] = None,
    yolo: YoloOpt = False,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the offline providers.")] = 0,
    video_model: Annotated[
        str | None,
        typer.Option(
            "--video-model",
            help="local, or with REPLICATE_API_TOKEN set hailuo, kling, veo, wan or"
            " replicate:<name> (see `reelgraph models`). Default: hailuo-02 when the token"
            " is set, else local.",
        ),
    ] = None,
    image_model: Annotated[
        str | None, typer.Option("--image-model", help="local, flux or replicate:flux-dev.")
    ] = None,
    music_model: Annotated[
        str | None, typer.Option("--music-model", help="local or musicgen.")
    ] = None,
    planner: Annotated[
        str | None, typer.Option("--planner", help="local, or openai with OPENAI_API_KEY set.")
    ] = None,
    voiceover: Annotated[
        bool | None,
        typer.Option("--voiceover/--no-voiceover", help="Speak each beat's line (default: on)."),
    ] = None,
    subtitles: Annotated[
        str | None,
        typer.Option(
            "--subtitles",
            help="burn (captions in the picture and a soft track; default), soft (a track"
            " players can turn on) or off.",
        ),
    ] = None,
    voice: Annotated[
        str | None,
        typer.Option(
            "--voice",
            help="The voice: heart offline; alloy, nova, … with OPENAI_API_KEY set.",
        ),
    ] = None,
    voice_model: Annotated[
        str | None,
        typer.Option("--voice-model", help="local, or openai with OPENAI_API_KEY set."),
    ] = None,
    budget: Annotated[
        float | None,
        typer.Option("--budget", help="Cap on the video's spend, USD; a call past it stops."),
    ] = None,
    reference: Annotated[
        list[Path] | None,
        typer.Option(
            "--reference",
            "-r",
            help=f"A product photo (PNG, JPEG, …) the storyboard draws the product from;"
            f" repeat for up to {MAX_REFERENCE_IMAGES} (the first is drawn).",
        ),
    ] = None,
    detach: DetachOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Create a video and run it to its first pause (to the end with --yolo)."""
    photos = reference or []
    if len(photos) > MAX_REFERENCE_IMAGES:
        raise _fail(f"at most {MAX_REFERENCE_IMAGES} --reference images")
    try:  # each photo is read and checked before anything is stored
        photo_bytes = [read_image_file(p, f"--reference {p.name}") for p in photos]
        for p, data in zip(photos, photo_bytes, strict=True):
            checked_image(data, f"--reference {p.name}")
    except UserError as exc:
        raise _fail(str(exc)) from None
    try:
        request = video_request(
            prompt,
            auto_continue=yolo,
            duration_s=duration,
            aspect=aspect,
            seed=seed,
            video_model=video_model,
            image_model=image_model,
            music_model=music_model,
            planner=planner,
            budget_usd=budget,
            voiceover=voiceover,
            subtitles=subtitles,
            voice=voice,
            voice_model=voice_model,
        )
    except UserError as exc:
        raise _fail(str(exc)) from None

    async def job(queue: Queue, settings: Settings) -> tuple[BranchStatus, Enqueued | None]:
        studio = queue.studio
        shas = [
            await studio.add_reference_image(data, f"--reference {path.name}")
            for path, data in zip(photos, photo_bytes, strict=True)
        ]
        options = request.options.model_copy(
            update={"reference_images": tuple(dict.fromkeys(shas))}
        )
        video_id = await studio.create_video(
            request.model_copy(update={"options": options}), settings.user_id
        )
        if detach:
            queued = await queue.enqueue(video_id, settings.user_id, "main", auto_continue=yolo)
            return await studio.status(video_id, settings.user_id), queued
        if not as_json:
            err.print(f"video {video_id}", highlight=False)
        st = await _run_branch(queue, video_id, settings.user_id, "main", yolo, not as_json)
        return st, None

    _emit_run(*_run_queued(job), as_json)


def _emit_run(status: BranchStatus, queued: Enqueued | None, as_json: bool) -> None:
    if queued is None:
        _emit(status, as_json)
    else:
        _emit_queued(status, queued, as_json)


@app.command("continue")
def continue_(
    video_id: VideoArg,
    branch: BranchOpt = "main",
    yolo: YoloOpt = False,
    detach: DetachOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Run a branch to its next pause; also finishes a phase that a crash cut off."""

    async def job(queue: Queue, settings: Settings) -> tuple[BranchStatus, Enqueued | None]:
        user = settings.user_id
        if detach:
            queued = await queue.enqueue(video_id, user, branch, auto_continue=yolo)
            return await queue.studio.status(video_id, user, branch), queued
        return await _run_branch(queue, video_id, user, branch, yolo, not as_json), None

    _emit_run(*_run_queued(job), as_json)


@app.command()
def cancel(
    video_id: VideoArg,
    branch: BranchOpt = "main",
    as_json: JsonOpt = False,
) -> None:
    """Cancel a branch's run: a queued one is removed, a running one aborted.

    The branch keeps everything up to its last pause; `reelgraph continue` runs it on.
    """

    async def job(queue: Queue, settings: Settings) -> tuple[list[Any], QueuedStatus]:
        done = await queue.cancel(video_id, settings.user_id, branch)
        return done, await queue.status(video_id, settings.user_id, branch)

    done, st = _run_queued(job)
    jobs = [{"job_id": c.job_id, "was": c.was, "stopped": c.done} for c in done]
    if as_json:
        typer.echo(json.dumps({**st.model_dump(mode="json"), "cancelled": jobs}))
        return
    if not jobs:
        err.print(f"nothing to cancel: branch {branch} has no queued or running run")
    for c in jobs:
        what = "removed from the queue" if c["was"] == "queued" else "aborted"
        late = "" if c["stopped"] else " (still stopping)"
        out.print(f"job {c['job_id']}: {c['was']}, {what}{late}", highlight=False)
    _emit(st, False)


@app.command()
def worker(
    concurrency: Annotated[
        int, typer.Option("--concurrency", "-c", min=1, max=64, help="Runs at once.")
    ] = 1,
    grace: Annotated[
        float,
        typer.Option(
            "--grace",
            min=0,
            help="Seconds running jobs get to finish on SIGTERM before they go back to the"
            " queue (another worker resumes them from their last checkpoint).",
        ),
    ] = 30.0,
    heartbeat: Annotated[
        float, typer.Option("--heartbeat", min=0.1, help="Seconds between heartbeats.")
    ] = 10.0,
    stalled_after: Annotated[
        float,
        typer.Option(
            "--stalled-after",
            min=0.3,
            help="Seconds without a heartbeat after which a worker counts as dead and its"
            " jobs are re-queued (at least three heartbeats).",
        ),
    ] = 30.0,
) -> None:
    """Run queued runs until stopped (SIGINT/SIGTERM: finish, or hand back after --grace).

    A worker another process removed from the queue's workers registers again and goes on.
    One that stops on any other error of the queue's database exits 1 with the reason, so a
    process manager (systemd ``Restart=on-failure``, Kubernetes) starts it again.
    """

    async def job(studio: Studio, settings: Settings) -> None:
        async with Queue.open(
            studio, heartbeat_s=heartbeat, stalled_after_s=stalled_after
        ) as queue:

            def started() -> None:
                err.print(
                    f"worker {queue.worker_name}: taking runs, {concurrency} at once",
                    highlight=False,
                )

            await queue.work(concurrency=concurrency, grace_s=grace, on_started=started)
            err.print(f"worker {queue.worker_name}: stopped", highlight=False)

    _run(job)


@app.command()
def status(
    video_id: VideoArg,
    branch: BranchOpt = "main",
    as_json: JsonOpt = False,
) -> None:
    """Show where a branch is, its artifacts and what it cost."""

    async def job(queue: Queue, settings: Settings) -> tuple[QueuedStatus, Spec | None]:
        st = await queue.status(video_id, settings.user_id, branch)
        return st, await queue.studio.spec(video_id, settings.user_id, branch)

    st, spec = _run_queued(job)
    _emit(st, as_json)
    if not as_json and spec is not None:
        beats = Table("beat", "type", "time", "on screen", "voiceover", box=None)
        beats.columns[4].overflow = "fold"
        for b in spec.beats:
            beats.add_row(
                str(b.number), b.type, f"{b.start_s:.1f}–{b.end_s:.1f} s",
                b.on_screen_text or "—", b.voiceover or "—",
            )  # fmt: skip
        out.print(beats)
    if not as_json and st.artifacts:
        t = Table("artifact", "version", "path", box=None)
        t.columns[2].overflow = "fold"
        for a in st.artifacts.values():  # beat 1 …, its file keeps the 0-based beat_00_v1
            t.add_row(a.label, str(a.version), a.path)
        out.print(t)


@app.command()
def videos(as_json: JsonOpt = False) -> None:
    """List your videos, newest first."""

    async def job(studio: Studio, settings: Settings) -> list[VideoSummary]:
        return await studio.videos(settings.user_id)

    rows = _run(job)
    if as_json:
        typer.echo(json.dumps({"videos": [r.model_dump(mode="json") for r in rows]}))
        return
    if not rows:
        err.print('no videos yet: reelgraph generate "a 30-second ad for …"')
        return
    t = Table("video", "status", "phase", "branches", "title")
    for r in rows:
        title = r.title or r.prompt[:60]
        t.add_row(r.video_id, r.status, r.phase or "—", str(r.branches), title)
    out.print(t)


def _write_error(path: Path, exc: OSError) -> ReelgraphError:
    """An OSError writing ``path`` as one line: StorageError for a full or failing disk."""
    reason = exc.strerror or str(exc)
    if exc.errno in DISK_ERRNOS:
        return StorageError(f"cannot write {path}: {reason}; nothing was written")
    return UserError(f"cannot write {path}: {reason}")


def _check_target(path: Path) -> None:
    """Refuse an output path that is a directory or an existing non-regular file.

    Raises:
        UserError: ``path`` is a directory, a device (``/dev/full``), a pipe or a socket.
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise _write_error(path, exc) from exc
    if stat.S_ISDIR(mode):
        raise UserError(f"{path} is a directory; give a file name, e.g. {path / 'ad.mp4'}")
    if not stat.S_ISREG(mode):
        raise UserError(f"{path} is not a regular file; give a file name ending in .mp4")


def _beside(path: Path) -> Path:
    """A new empty temporary file in ``path``'s directory (created if missing).

    Raises:
        UserError, StorageError: the directory cannot be made or written.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as exc:
        raise _write_error(path, exc) from exc
    os.close(fd)
    return Path(name)


async def export_file(studio: Studio, video_id: str, user_id: str, branch: str, dst: Path) -> Path:
    """Write the branch's final MP4 to ``dst`` whole or not at all.

    The bytes go to a temporary file beside ``dst``, flushed to disk, then renamed over it;
    on any failure the temporary file is removed and ``dst`` is as it was.

    Raises:
        UserError: ``dst`` is a directory, a device or otherwise not writable (path and
            reason); no final video yet; unknown video or branch.
        StorageError: the disk is full or failing.
    """
    _check_target(dst)
    tmp = _beside(dst)
    try:
        try:
            await studio.export(video_id, user_id, branch, tmp)
            with tmp.open("rb+") as f:
                os.fsync(f.fileno())
            mask = os.umask(0)
            os.umask(mask)
            tmp.chmod(0o666 & ~mask)
            os.replace(tmp, dst)
        except OSError as exc:
            raise _write_error(dst, exc) from exc
    finally:
        tmp.unlink(missing_ok=True)
    return dst


@app.command()
def export(
    video_id: VideoArg,
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the MP4.")],
    branch: BranchOpt = "main",
    as_json: JsonOpt = False,
) -> None:
    """Copy a branch's final MP4 to a file (written whole or not at all)."""
    try:
        _check_target(output)
    except ReelgraphError as exc:
        raise _fail(str(exc)) from None

    async def job(studio: Studio, settings: Settings) -> Path:
        return await export_file(studio, video_id, settings.user_id, branch, output)

    written = _run(job)
    if as_json:
        typer.echo(json.dumps({"path": str(written), "size_bytes": written.stat().st_size}))
    else:
        err.print(f"wrote {written}", highlight=False)


TextArg = Annotated[str, typer.Argument(help="What to change, in your own words.")]


@app.command()
def interpret(
    video_id: VideoArg,
    text: TextArg,
    branch: BranchOpt = "main",
    as_json: JsonOpt = False,
) -> None:
    """Show the operations a message would run (a dry run: nothing changes)."""
    _plain(text, "the message")

    async def job(studio: Studio, settings: Settings) -> dict[str, Any]:
        session = Session(studio, settings.user_id, video_id, branch)
        result = await interpret_message(settings, text, await session.context())
        return result.model_dump(mode="json")

    result = _run(job)
    if as_json:
        typer.echo(json.dumps(result))
        return
    for call in result["calls"]:
        out.print(f"{call['tool']} {json.dumps(call['args'])}", highlight=False)
    if result["reply"]:
        err.print(result["reply"], highlight=False, markup=False)


@app.command()
def edit(
    video_id: VideoArg,
    text: TextArg,
    branch: BranchOpt = "main",
    image: Annotated[
        Path | None, typer.Option("--image", help="An image for 'use this for beat N'.")
    ] = None,
    yolo: YoloOpt = False,
    detach: Annotated[
        bool,
        typer.Option(
            "--detach",
            help="Queue the edit and return at once (`reelgraph worker` applies it and runs"
            " the branch it makes to its pause); prints status: queued and the position.",
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Change a branch in your own words; the first edit at a pause forks a new branch.

    For example: at the plan pause 'make it 15 seconds'; at the storyboard pause 'make beat 3
    a sunset on the beach', 'use this for beat 2' with --image PHOTO; at the chunks pause
    'regenerate chunk 2'; at the final video 'quieter music'. Beats and chunks count from 1.
    Prints what the edit visibly changed; exits 1 if it changed nothing, saying why. The edit
    is a job of the queue, run here (or, with --detach, by a worker), under the branch's lock.
    """
    _plain(text, "the edit")
    if image is not None:
        try:  # a missing, unreadable or hostile image is refused before anything runs
            checked_image(read_image_file(image, f"--image {image.name}"), f"--image {image.name}")
        except UserError as exc:
            raise _fail(str(exc)) from None

    queued: list[Enqueued] = []

    async def job(queue: Queue, settings: Settings) -> MessageOutcome:
        async def editor(
            video_id: str,
            user_id: str,
            branch: str,
            edits: list[Edit],
            on_progress: Callable[[ProgressEvent], None] | None,
        ) -> EditOutcome:
            if not detach:
                return edit_outcome(
                    await queue.run_here(
                        video_id, user_id, branch, on_progress=on_progress, edits=edits
                    )
                )
            queued.append(await queue.enqueue(video_id, user_id, branch, edits=edits))
            # queued, not applied: the branch as it is, which the edit has not changed yet
            now = await queue.studio.status(video_id, user_id, branch)
            return EditOutcome.of(now, created_branch=False, parent=None)

        session = Session(
            queue.studio, settings.user_id, video_id, branch, yolo, image, editor=editor
        )
        result = await interpret_message(settings, text, await session.context())
        if not result.calls:
            raise UserError(result.reply or "nothing to do")
        if detach and (others := [c.tool for c in result.calls if c.tool not in EDIT_TOOLS]):
            raise UserError(
                f"--detach queues edits only; this asks for {', '.join(others)} too: run it"
                " without --detach, or send the edit alone"
            )
        with PhaseProgress(err, enabled=not as_json and not detach) as bars:
            status = await session.execute(result.calls, on_progress=bars.update)
        calls = [c.model_dump(mode="json") for c in result.calls]
        edited = EditOutcome.of(status, created_branch=False, parent=None, effects=session.effects)
        return MessageOutcome.model_validate(
            {**dict(edited), "calls": calls, "messages": session.messages}
        )

    status = _run_queued(job)
    if queued:
        _emit_queued(status, queued[-1], as_json)
        return
    if not as_json:
        for line in status.messages:
            err.print(line, highlight=False, markup=False)
        for effect in status.effects:
            err.print(effect_line(effect), highlight=False, markup=False)
    _emit(status, as_json)
    if status.effect == "none":  # a no-op is not a success: say why, exit 1
        why = next(e.message for e in status.effects if e.targeted)
        err.print(f"error: the edit changed nothing: {why}", highlight=False, markup=False)
        raise typer.Exit(1)


class MessageOutcome(BranchStatus):
    """What ``reelgraph edit`` reports: the branch in view afterwards and what happened.

    Attributes:
        calls: the tool calls the message was read as.
        messages: what the operations said, in order.
        effect: one word for what the edits visibly changed (:data:`EditEffect`).
        effects: what happened to each artifact they re-rendered, in order.
    """

    calls: list[dict[str, Any]]
    messages: list[str]
    effect: EditEffect | None
    effects: list[Effect]


def effect_line(effect: Effect) -> str:
    """One stderr line for an edit's effect: ``changed: beat 3 changed visibly (…)``."""
    if not effect.targeted:
        return f"note: {effect.message}"
    prefix = {"slight": "warning", "unchanged": "no change", "pending": "next"}
    return f"{prefix.get(effect.outcome, effect.outcome)}: {effect.message}"


@app.command("branches")
def branches_(
    video_id: VideoArg,
    as_json: JsonOpt = False,
) -> None:
    """Show the video's branch tree."""

    async def job(studio: Studio, settings: Settings) -> list[BranchInfo]:
        return await studio.branches(video_id, settings.user_id)

    rows = _run(job)
    if as_json:
        branches = [b.model_dump(mode="json") for b in rows]
        typer.echo(json.dumps({"video_id": video_id, "branches": branches}))
        return
    nodes: dict[str | None, Tree] = {None: Tree(f"video {video_id}")}
    for b in rows:
        label = f"{b.name}  {b.status} at {b.phase or '—'}"
        if b.parent:
            label += f"  (forked at {b.fork_phase})"
        nodes[b.name] = nodes.get(b.parent, nodes[None]).add(label)
    out.print(nodes[None])


@app.command("compare")
def compare_(
    video_id: VideoArg,
    a: Annotated[str, typer.Argument(help="A branch.", callback=_plain_arg)],
    b: Annotated[str, typer.Argument(help="Another branch.", callback=_plain_arg)],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Side-by-side MP4 (storyboards go to .png).")
    ] = Path("compare.mp4"),
    as_json: JsonOpt = False,
) -> None:
    """Compare two branches: spec diff, storyboards side by side, finals side by side."""

    async def job(studio: Studio, settings: Settings) -> Comparison:
        return await compare(studio, video_id, settings.user_id, a, b, output)

    result = _run(job)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "spec_diff": result.spec_diff,
                    "storyboards": str(result.storyboards),
                    "video": str(result.video) if result.video else None,
                }
            )
        )
        return
    out.print(result.spec_diff or f"{a} and {b} have the same spec", highlight=False, markup=False)
    err.print(f"storyboards: {result.storyboards}", highlight=False)
    if result.video:
        err.print(f"side by side: {result.video}", highlight=False)
    else:
        err.print("no side-by-side video: both branches need a final video", highlight=False)


@app.command()
def models(
    duration: Annotated[
        float, typer.Option("--duration", "-d", help="Length of the ad to price, seconds.")
    ] = 30.0,
    aspect: Annotated[str, typer.Option("--aspect", "-a", help="16:9, 9:16 or 1:1.")] = "16:9",
    as_json: JsonOpt = False,
) -> None:
    """The video models, and what an ad would cost and take with each (FLUX + MusicGen).

    Priced on the spec the offline planner writes for a sneaker ad of this length; prices and
    latencies from the model catalog (agent/providers/replicate/models.toml, with sources).
    """
    from agent.service.pricing import model_prices

    try:
        options = Options.model_validate({"duration_s": duration, "aspect": aspect})
    except ValidationError as exc:
        err.print(f"error: {_one_line(exc)}", markup=False, highlight=False)
        raise typer.Exit(2) from None
    beats, rows = asyncio.run(model_prices(options))
    if as_json:
        models = [r.model_dump(mode="json") for r in rows]
        typer.echo(json.dumps({"duration_s": duration, "beats": beats, "models": models}))
        return
    t = Table("replicate:", "clips (s)", "end frame", "$/s", "chunks", "billed s", "ad $",
              "time (min)", "sequential (min)")  # fmt: skip
    for r in rows:
        t.add_row(
            r.model.removeprefix("replicate:"),
            "/".join(f"{c:g}" for c in r.clip_lengths_s),
            "yes" if r.end_frame else "no",
            f"{r.price_usd_per_s:.3f}",
            str(r.chunks),
            f"{r.billed_video_s:g}",
            f"{r.cost_usd:.2f}",
            f"{r.wall_min:g}",
            f"{r.sequential_wall_min:g}",
        )
    out.print(t)
    err.print(
        f"A {duration:g}-second {aspect} ad of {beats} beats, with FLUX schnell images"
        " and MusicGen music (CC-BY-NC: not for commercial use). `local` costs $0.00.",
        highlight=False,
    )


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.", min=1, max=65535)] = 8000,
    no_worker: Annotated[
        bool,
        typer.Option(
            "--no-worker",
            help="Only enqueue runs; `reelgraph worker` processes run them (default: this"
            " server runs them too).",
        ),
    ] = False,
    concurrency: Annotated[
        int, typer.Option("--concurrency", "-c", min=1, max=64, help="Runs at once here.")
    ] = 4,
) -> None:
    """Serve the HTTP API (the seed system's /api/ routes) with uvicorn until interrupted.

    Runs go on the job queue; unless --no-worker, this process runs them too.
    """
    try:
        import uvicorn
    except ImportError:
        err.print("error: the HTTP API needs its extra: pip install 'reelgraph[api]'")
        raise typer.Exit(2) from None
    try:
        users = Settings().api_users()
    except ValidationError as exc:
        err.print(f"error: configuration: {_one_line(exc)}", markup=False, highlight=False)
        raise typer.Exit(2) from None
    if not users:
        err.print(
            "warning: REELGRAPH_API_TOKENS is empty, so every request will get 401;"
            ' set it like "token1:alice,token2:bob"',
            highlight=False,
        )
    from ui import api_core

    api_core.WORKER.enabled, api_core.WORKER.concurrency = not no_worker, concurrency
    uvicorn.run("ui.api:app", host=host, port=port, log_level="info")


db_app = typer.Typer(
    name="db",
    help="The embedded PostgreSQL server of REELGRAPH_HOME: status, stop.",
    no_args_is_help=True,
)
app.add_typer(db_app)


def _embedded_pgdata(action: str) -> Path:
    """The embedded server's data directory, or exit 2 when ``DATABASE_URL`` names another."""
    try:
        settings = Settings()
    except ValidationError as exc:
        err.print(f"error: configuration: {_one_line(exc)}", markup=False, highlight=False)
        raise typer.Exit(2) from None
    if settings.database_url:
        err.print(
            f"error: DATABASE_URL is set, so reelgraph uses that server and does not {action}"
            " it; unset DATABASE_URL for the embedded one",
            highlight=False,
        )
        raise typer.Exit(2)
    return settings.pgdata_dir


@db_app.command("status")
def db_status(as_json: JsonOpt = False) -> None:
    """Say whether the embedded server of REELGRAPH_HOME runs (never starts it)."""
    server = db.embedded_status(_embedded_pgdata("report on"))
    body = {"running": server.running, "pid": server.pid, "pgdata": str(server.pgdata)}
    if as_json:
        typer.echo(json.dumps(body))
    elif server.running:
        out.print(f"running (pid {server.pid}) in {server.pgdata}", highlight=False)
    else:
        out.print(f"stopped ({server.pgdata})", highlight=False)


@db_app.command("stop")
def db_stop(as_json: JsonOpt = False) -> None:
    """Stop the embedded server of REELGRAPH_HOME and wait until it is gone.

    Runs using it end and `reelgraph continue` resumes them; any command starts it again.
    """
    pgdata = _embedded_pgdata("stop")
    try:
        stopped = db.stop_embedded(pgdata)
    except ReelgraphError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        raise typer.Exit(1) from None
    if as_json:
        typer.echo(json.dumps({"stopped": stopped, "pgdata": str(pgdata)}))
    else:
        out.print(
            f"stopped the server in {pgdata}" if stopped else f"no server was running in {pgdata}",
            highlight=False,
        )


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
