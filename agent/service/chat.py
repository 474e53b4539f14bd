"""What a door shows at a pause beyond the branch's status: chunk timings, pause payloads, voices.

The chat renders a pause from :meth:`agent.studio.Studio.status` plus a few facts that live in
the registry or the graph's checkpoint: where each chunk sits on the ad's timeline, the pause's
own payload (its estimate for the next phase) and the per-artifact directions a user gave, and
the voices of a speech model. Doors ask here instead of reaching into the deps or the graph.
Reached as :attr:`agent.studio.Studio.views`.

:class:`ChatFiles` keeps the media of the chat's history (Chainlit's elements) in the artifact
store, and hands them back only to the user whose thread shows them. Reached as
:attr:`agent.studio.Studio.chat_files`.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langgraph.graph.state import CompiledStateGraph

from agent.blobs import check_digest
from agent.deps import Deps
from agent.errors import NotFound, StorageError, UserError
from agent.phases.chunks import plan_chunks
from agent.spec import FPS, Spec


@dataclass(frozen=True)
class ChunkSpan:
    """Where one chunk sits on the ad's timeline.

    Attributes:
        beat_index: the beat it belongs to (0-based, as in the spec).
        start_s: its first frame's time, seconds from the ad's start.
        end_s: the time just after its last frame, seconds.
    """

    beat_index: int
    start_s: float
    end_s: float


@dataclass(frozen=True)
class SpeechModel:
    """A registered speech model.

    Attributes:
        name: its registry name.
        voices: the voices it speaks with; the first is its default.
    """

    name: str
    voices: tuple[str, ...]


class Views:
    """Read-only facts for the doors over one set of :class:`Deps` and the studio's graph."""

    def __init__(self, deps: Deps, graph: CompiledStateGraph[Any, Any, Any, Any]) -> None:
        """Bind the deps (registry) and the graph (to read checkpoints)."""
        self._deps = deps
        self._graph = graph

    def chunk_spans(self, spec: Spec, video_model: str) -> list[ChunkSpan] | None:
        """Each chunk's beat and time span, as the chunks phase cuts ``spec`` for the model.

        Args:
            spec: the branch's plan.
            video_model: the registry name of the video model (its clip lengths set the cut).

        Returns:
            The spans in playback order (the frame grid of :data:`agent.spec.FPS`), or None
            when ``video_model`` is not registered in this process (its keys are not set).
        """
        try:
            video = self._deps.registry.video(video_model)
        except UserError:
            return None
        spans, frame = [], 0
        for job in plan_chunks(spec, video.clip_lengths_s):
            spans.append(ChunkSpan(job.beat_index, frame / FPS, (frame + job.frames) / FPS))
            frame += job.frames
        return spans

    async def chosen_models(self, thread_id: str) -> dict[str, str | None]:
        """The models the user chose for single artifacts at a branch's newest checkpoint.

        The pause's estimate and allowed actions are in the branch's status
        (:class:`~agent.service.status.BranchStatus`); this is what the status does not say.
        The caller checks the video's owner first (``thread_id`` comes from a status
        :meth:`agent.studio.Studio.status` gave the owner).

        Returns:
            Artifact name (``chunk_03``) → the video model the user asked for when
            regenerating it (``replicate:kling-v2.1``), None where the direction named none.
        """
        snap = await self._graph.aget_state({"configurable": {"thread_id": thread_id}})
        found = (snap.values or {}).get("overrides") or {}
        return {name: getattr(o, "model", None) for name, o in found.items()}

    def speech_model(self, name: str) -> SpeechModel:
        """The registered speech model ``name`` and its voices.

        Raises:
            UserError: no such speech model here (the message lists the known ones).
        """
        speaker = self._deps.registry.voice_model(name)
        return SpeechModel(speaker.name, tuple(speaker.voices))


class ChatFiles:
    """The chat history's media, content-addressed in the artifact store, owner-checked.

    Chainlit's data layer saves each element a message shows (a storyboard frame, a video)
    through a storage client (``ui/chat_storage.py``), which puts the bytes here and records
    the blob's address in the element's object key: ``<sha256>/<Chainlit's own key>``. A frame
    that is an artifact costs no extra space (same bytes, same blob). Reading one back is
    allowed only to the user whose thread the element belongs to (Chainlit's ``elements`` and
    ``threads`` tables, in ``schema.sql``).
    """

    def __init__(self, deps: Deps) -> None:
        """Bind the deps (the pool for Chainlit's tables, the artifact store)."""
        self._deps = deps

    async def keep(self, data: bytes, key: str) -> str:
        """Store an element's bytes; the object key to record for it.

        Args:
            data: the element's content.
            key: the key Chainlit made for it (``<user id>/<element id>/<name>``).

        Returns:
            ``<sha256>/<key>``.

        Raises:
            StorageError: the store cannot be written.
        """
        sha, _ = await asyncio.to_thread(self._deps.store.put_bytes, data, "")
        return f"{sha}/{key}"

    async def owned(self, element_id: str, user_identifier: str) -> tuple[Path, str]:
        """The file and media type of a history element, if ``user_identifier``'s thread has it.

        Args:
            element_id: Chainlit's element id (a UUID).
            user_identifier: the logged-in user (Chainlit's ``identifier``).

        Returns:
            (a local file with the element's bytes, its media type).

        Raises:
            NotFound: no such element kept here, or another user's: the two are not told apart.
        """
        try:
            element = uuid.UUID(element_id)
        except ValueError:
            raise NotFound(f"no chat file {element_id[:40]!r}") from None
        async with self._deps.pool.connection() as conn:
            cur = await conn.execute(
                """SELECT e."objectKey" AS key, e.mime FROM elements e
                   JOIN threads t ON t.id = e."threadId"
                   WHERE e.id = %s AND t."userIdentifier" = %s""",
                (element, user_identifier),
            )
            row = await cur.fetchone()
        if row is None or not row["key"]:
            raise NotFound(f"no chat file {element_id!r}")
        try:
            sha = check_digest(str(row["key"]).split("/", 1)[0])
            path = await asyncio.to_thread(self._deps.store.local_path, sha)
        except StorageError as exc:
            raise NotFound(f"chat file {element_id!r} is not in the artifact store") from exc
        return path, str(row["mime"] or "application/octet-stream")
