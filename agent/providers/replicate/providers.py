"""Replicate image, video and music providers (the protocols of :mod:`agent.providers.base`).

Each provider is one :class:`~agent.providers.replicate.catalog.ModelSpec` plus the code that
turns a request into that model's input. ``describe`` returns a memoisable
:class:`~agent.memo.Call` whose parameters are everything that decides the output (the model,
its fixed inputs, the prompt, the clip length, the aspect ratio, the seed) and whose inputs are
the hashes of the start and end frames; its price comes from the catalog. The seed is part of
the key even for models that take none (Hailuo, Kling): it is the *take*, so regenerating a
chunk asks for a new clip instead of reusing the memo.

A prediction's id is journalled the moment it is created; a call whose key has a pending
prediction polls that one instead of creating another (crash resume, see
:mod:`agent.providers.replicate.journal`). Failures raise
:class:`~agent.errors.ProviderError` naming the model, the prediction and the API's error.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps

from agent.errors import ProviderError, UserError
from agent.media import Media
from agent.memo import Call
from agent.providers.base import ClipRequest, ImageRequest, MusicRequest
from agent.providers.replicate.catalog import ModelSpec
from agent.providers.replicate.client import ReplicateClient
from agent.providers.replicate.journal import PredictionJournal
from agent.spec import ASPECT_SIZE_PX, Aspect, BeatType

log = logging.getLogger(__name__)

#: Bump when the way requests become model inputs changes, so old memo entries are not reused.
INPUT_VERSION = 1
#: Overall deadline of one prediction, seconds, by capability. Image-to-video typically takes
#: 1-5 minutes (NOTES.md), queues can add more; FLUX takes seconds.
DEADLINE_S: dict[str, float] = {"image": 300.0, "video": 1800.0, "music": 900.0}

ClientFactory = Callable[[], ReplicateClient]


def aspect_of(size_px: tuple[int, int]) -> Aspect:
    """The aspect ratio (``16:9``, ``9:16``, ``1:1``) of a frame size.

    Raises:
        UserError: the size is none of reelgraph's aspect ratios.
    """
    w, h = size_px
    for aspect, (aw, ah) in ASPECT_SIZE_PX.items():
        if w * ah == h * aw:
            return aspect
    raise UserError(f"{w}x{h} px is not 16:9, 9:16 or 1:1")


class _Predictions:
    """Runs one model's predictions: journal, create or resume, wait, download."""

    def __init__(
        self,
        model: ModelSpec,
        client: ClientFactory,
        journal: PredictionJournal | None,
        deadline_s: float | None = None,
    ) -> None:
        self.model = model
        self._client = client
        self._journal = journal
        self.deadline_s = deadline_s or DEADLINE_S[model.capability]

    async def run(
        self,
        call: Call,
        inputs: Callable[[ReplicateClient], Awaitable[dict[str, Any]]],
        dst: Path,
    ) -> None:
        """Make ``call``'s output in ``dst``: resume its pending prediction, or create one.

        Args:
            call: the memoised call (its key finds a pending prediction).
            inputs: builds the model input (uploading files) when a prediction is created.
            dst: where the output file goes.

        Raises:
            ProviderError: the prediction failed or was cancelled, or its output is gone.
            ProviderTimeout: it passed the deadline and was cancelled.
        """
        name = self.model.name
        journal = self._journal
        async with self._client() as api:
            pid = await journal.pending(call) if journal else None
            if pid is None:
                created = await api.create(self.model.slug, self.model.version, await inputs(api))
                pid = created.id
                if journal:
                    await journal.started(call, pid)
            else:
                log.info("resuming Replicate prediction %s (%s)", pid, name)
            try:
                done = await api.wait(pid, self.deadline_s)
                if done.status != "succeeded":
                    why = done.error or "no reason given"
                    raise ProviderError(f"Replicate {name}: prediction {pid} {done.status}: {why}")
                await api.download(done.output_url(), dst)
            except ProviderError:
                if journal:
                    await journal.failed(call)
                raise
            except asyncio.CancelledError:
                if journal:
                    await asyncio.shield(journal.failed(call))
                raise


class _Replicate:
    """What every Replicate provider holds: its model, its name and its prediction runner."""

    capability: str

    def __init__(
        self,
        model: ModelSpec,
        client: ClientFactory,
        journal: PredictionJournal | None = None,
        *,
        deadline_s: float | None = None,
    ) -> None:
        """Use ``model`` through ``client``; journal prediction ids in ``journal``.

        Raises:
            ValueError: ``model`` is not of this provider's capability.
        """
        if model.capability != self.capability:
            article = "an" if self.capability == "image" else "a"
            raise ValueError(f"{model.name} is not {article} {self.capability} model")
        self.model = model
        self.name = f"replicate:{model.name}"
        self._run = _Predictions(model, client, journal, deadline_s)

    def _call(
        self,
        params: dict[str, Any],
        *,
        inputs: tuple[str, ...] = (),
        units: float,
        unit: str,
        cost_usd: float,
    ) -> Call:
        """The memoisable call of one prediction: ``params`` plus the model and its fixed input."""
        m = self.model
        return Call(
            "replicate",
            m.name,
            {"v": INPUT_VERSION, "slug": m.slug, "version": m.version, "fixed": m.fixed_input}
            | params,
            inputs=inputs,
            units=units,
            unit=unit,
            cost_usd=cost_usd,
        )


#: Beats framed on the product: the ones a model with an image input draws from the user's
#: product photo (the others are scenes, where starting from the photo would fight the prompt).
PRODUCT_BEATS: frozenset[BeatType] = frozenset(
    {"product_reveal", "hero_shot", "feature_highlight", "detail_closeup", "offer"}
)
#: How far FLUX may move from the product photo: 0 keeps it, 1 ignores it; flux-dev's own
#: default (its API page), which keeps the product's shape and colours and restages the rest.
PROMPT_STRENGTH = 0.8


def _pad_photo(photo: Path, req: ImageRequest, dst: Path) -> None:
    """Write ``photo`` to ``dst`` as a PNG of ``req.size_px``, whole, on the palette's colour."""
    with Image.open(photo) as image:
        padded = ImageOps.pad(
            image.convert("RGB"), req.size_px, Image.Resampling.LANCZOS, req.spec.style.palette[0]
        )
    padded.save(dst, format="PNG")


class ReplicateImages(_Replicate):
    """FLUX storyboard images (``flux-schnell``, ``flux-dev``).

    The prompt is the beat's image prompt plus the spec's style (mood, lighting, palette) and
    product; the aspect ratio comes from ``size_px``. FLUX draws about a megapixel, so the
    image is scaled to cover ``size_px`` and centre-cropped. A model with an image input
    (``flux-dev``) starts product beats (:data:`PRODUCT_BEATS`) from the request's product
    photo, padded to the frame's aspect ratio with the palette's first colour, since the
    output takes the input's aspect ratio.
    """

    capability = "image"

    def _photo(self, req: ImageRequest) -> str | None:
        """The product photo's hash if this request draws from it, else None."""
        if self.model.image_input and req.beat.type in PRODUCT_BEATS:
            return req.reference_sha256
        return None

    def _aspect(self, size_px: tuple[int, int]) -> Aspect:
        aspect = aspect_of(size_px)
        if aspect not in self.model.aspect_ratios:
            raise UserError(f"{self.name} cannot draw {aspect} images")
        return aspect

    @staticmethod
    def prompt(req: ImageRequest) -> str:
        """The text sent to FLUX: the image prompt, then style and product."""
        style = req.spec.style
        return (
            f"{req.prompt}. Product: {req.spec.product}. Mood: {style.mood}. Lighting:"
            f" {style.lighting}. Colour palette: {', '.join(style.palette)}."
            " Advertising still, no text."
        )

    def describe(self, req: ImageRequest) -> Call:
        """The call: model, prompt with style, aspect ratio, size, seed, photo; USD per image."""
        photo = self._photo(req)
        return self._call(
            {
                "prompt": self.prompt(req),
                "aspect": self._aspect(req.size_px),
                "size_px": list(req.size_px),
                "seed": req.seed,
            }
            | ({"prompt_strength": PROMPT_STRENGTH} if photo else {}),
            inputs=(photo,) if photo else (),
            units=1,
            unit="image",
            cost_usd=self.model.price_usd,
        )

    async def inputs(
        self, req: ImageRequest, api: ReplicateClient, scratch: Path
    ) -> dict[str, Any]:
        """The model input for ``req`` (as the model's schema names the fields).

        Args:
            req: the request.
            api: uploads the product photo if it is over a data URI's size.
            scratch: where the photo, padded to the frame's aspect ratio, is written.
        """
        m = self.model
        out: dict[str, Any] = {**m.fixed_input, "prompt": self.prompt(req)}
        if m.aspect_input:
            out[m.aspect_input] = self._aspect(req.size_px)
        if m.seed_input:
            out[m.seed_input] = req.seed
        if self._photo(req) and req.reference is not None:
            await asyncio.to_thread(_pad_photo, req.reference, req, scratch)
            out[m.image_input] = await api.file_input(scratch, "image/png")
            out["prompt_strength"] = PROMPT_STRENGTH
        return out

    async def draw(self, req: ImageRequest, dst: Path) -> None:
        """Draw the image and write a PNG of exactly ``req.size_px`` to ``dst``.

        Raises:
            ProviderError: the prediction failed; ProviderTimeout: it took too long.
        """
        raw = dst.with_name(dst.stem + ".download")

        scratch = dst.with_name(dst.stem + ".photo.png")

        async def inputs(api: ReplicateClient) -> dict[str, Any]:
            return await self.inputs(req, api, scratch)

        try:
            await self._run.run(self.describe(req), inputs, raw)
        finally:
            scratch.unlink(missing_ok=True)

        def fit() -> None:
            try:
                with Image.open(raw) as image:
                    rgb = image.convert("RGB")
            except OSError as exc:
                raise ProviderError(f"{self.name} returned no readable image: {exc}") from exc
            fitted = ImageOps.fit(rgb, req.size_px, Image.Resampling.LANCZOS)
            fitted.save(dst, format="PNG")
            raw.unlink()

        await asyncio.to_thread(fit)


class ReplicateVideo(_Replicate):
    """Image-to-video models (Hailuo, Kling, Veo, Wan).

    Attributes:
        native_audio: always False here: chunks are conformed without audio and the soundtrack
            is made in the refine phase, so Veo is asked for no audio (``generate_audio``
            false, the silent price) and the ad still gets its music.
    """

    capability = "video"
    native_audio = False

    @property
    def clip_lengths_s(self) -> tuple[float, ...]:
        """The clip lengths the model makes, seconds (from the catalog)."""
        return self.model.clip_lengths_s

    @property
    def end_frame(self) -> bool:
        """The model takes a last frame (from the catalog)."""
        return self.model.end_frame

    def _check(self, req: ClipRequest) -> Aspect:
        m = self.model
        if req.clip_s not in m.clip_lengths_s:
            lengths = ", ".join(f"{s:g}" for s in m.clip_lengths_s)
            raise UserError(f"{self.name} makes clips of {lengths} s, not {req.clip_s:g} s")
        aspect = aspect_of(req.size_px)
        if aspect not in m.aspect_ratios:
            ok = " and ".join(m.aspect_ratios)
            raise UserError(
                f"{self.name} makes {ok} videos only, not {aspect}: choose another aspect ratio"
                " or another video model"
            )
        if (req.end_image is None) != (req.end_sha256 is None):
            raise ValueError("end_image and end_sha256 go together")
        if req.end_image is not None and not self.end_frame:
            raise UserError(f"{self.name} takes no end frame")
        return aspect

    @staticmethod
    def prompt(req: ClipRequest) -> str:
        """The text sent to the model: the motion prompt and the camera move."""
        return f"{req.prompt}. Camera: {req.camera}."

    def describe(self, req: ClipRequest) -> Call:
        """The call: model, prompt, camera, clip length, aspect, take; start and end frames.

        Raises:
            UserError: a clip length the model does not make, or an aspect ratio it cannot
                (Veo: 16:9 and 9:16 only), or an end frame for a model that takes none.
        """
        aspect = self._check(req)
        inputs = (req.start_sha256,) + ((req.end_sha256,) if req.end_sha256 else ())
        return self._call(
            {
                "prompt": self.prompt(req),
                "clip_s": req.clip_s,
                "aspect": aspect,
                "seed": req.seed,
                "end_frame": req.end_sha256 is not None,
            },
            inputs=inputs,
            units=req.clip_s,
            unit="second",
            cost_usd=round(self.model.price_usd * req.clip_s, 6),
        )

    async def inputs(self, req: ClipRequest, api: ReplicateClient) -> dict[str, Any]:
        """The model input for ``req``; frames become data URIs or uploaded files."""
        m = self.model
        aspect = self._check(req)
        out: dict[str, Any] = {**m.fixed_input, "prompt": self.prompt(req)}
        out[m.start_image_input] = await api.file_input(req.start_image, "image/png")
        if req.end_image is not None:
            out[m.end_image_input] = await api.file_input(req.end_image, "image/png")
        if m.frames_per_second:  # Wan: a frame count at a frame rate (81 frames at 16 fps)
            out["num_frames"] = round(req.clip_s * m.frames_per_second) + 1
        else:
            out["duration"] = int(req.clip_s)
        if m.aspect_input:
            out[m.aspect_input] = aspect
        if m.seed_input:
            out[m.seed_input] = req.seed
        return out

    async def animate(self, req: ClipRequest, dst: Path) -> None:
        """Make the clip and write the model's MP4 to ``dst``.

        Raises:
            UserError: see :meth:`describe`.
            ProviderError: the prediction failed; ProviderTimeout: it took too long.
        """

        async def inputs(api: ReplicateClient) -> dict[str, Any]:
            return await self.inputs(req, api)

        await self._run.run(self.describe(req), inputs, dst)


class ReplicateMusic(_Replicate):
    """MusicGen soundtracks.

    MusicGen takes whole seconds, so it is asked for ``ceil(duration_s)`` seconds of WAV,
    which is then cut to exactly ``duration_s`` and encoded to MP3. Its weights are CC-BY-NC
    4.0: not for commercial use (``model.commercial_use`` is False).
    """

    capability = "music"

    def __init__(
        self,
        model: ModelSpec,
        client: ClientFactory,
        media: Media,
        journal: PredictionJournal | None = None,
        *,
        deadline_s: float | None = None,
    ) -> None:
        """Compose with ``model`` through ``client``; cut and encode with ``media``."""
        super().__init__(model, client, journal, deadline_s=deadline_s)
        self._media = media

    @staticmethod
    def prompt(req: MusicRequest) -> str:
        """The text sent to MusicGen: mood, tempo, key, instruments."""
        b = req.brief
        return (
            f"{b.mood} music for an advert, {b.tempo_bpm} BPM, {b.key},"
            f" instruments: {', '.join(b.instruments)}"
        )

    def describe(self, req: MusicRequest) -> Call:
        """The call: prompt, exact duration, seed; priced per generated second."""
        return self._call(
            {"prompt": self.prompt(req), "duration_s": req.duration_s, "seed": req.seed},
            units=req.duration_s,
            unit="second",
            cost_usd=round(self.model.price_usd * math.ceil(req.duration_s), 6),
        )

    def inputs(self, req: MusicRequest) -> dict[str, Any]:
        """The model input for ``req``."""
        out: dict[str, Any] = {
            **self.model.fixed_input,
            "prompt": self.prompt(req),
            "duration": math.ceil(req.duration_s),
        }
        if self.model.seed_input:
            out[self.model.seed_input] = req.seed
        return out

    async def compose(self, req: MusicRequest, dst: Path) -> None:
        """Compose, cut to exactly ``req.duration_s`` and write an MP3 to ``dst``.

        Raises:
            ProviderError: the prediction failed; MediaError: FFmpeg could not cut it.
        """
        raw = dst.with_name(dst.stem + ".download.wav")

        async def inputs(_: ReplicateClient) -> dict[str, Any]:
            return self.inputs(req)

        await self._run.run(self.describe(req), inputs, raw)
        await self._media.run(
            ["-i", str(raw), "-t", f"{req.duration_s:.3f}", "-c:a", "libmp3lame",
             "-b:a", "192k", "-f", "mp3", str(dst)]
        )  # fmt: skip
        raw.unlink()
