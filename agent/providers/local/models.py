"""The offline providers: real, deterministic for a seed, free.

They are the default on a machine with no keys and the test doubles everywhere else. Each
``describe`` names exactly the inputs its output depends on, plus a renderer version, so the
memo reuses what is still valid and nothing stale.
"""

from __future__ import annotations

import asyncio
from contextlib import nullcontext
from pathlib import Path

from PIL import Image

from agent import captions
from agent.media import X264_ID, Media
from agent.memo import Call
from agent.providers.base import ClipRequest, ImageRequest, MusicRequest
from agent.providers.local import motion, music, planner, storyboard
from agent.spec import Spec
from agent.state import Options

#: Bump when a renderer's output changes, so memoised results of the old one are not reused.
RENDERER_VERSION = 11


class LocalPlanner:
    """Rule-based planner over the beat library."""

    name = "local"

    def describe(self, prompt: str, options: Options) -> Call:
        """The call for a brief: prompt, duration, aspect, seed."""
        return Call(
            "local",
            "planner",
            {
                "v": RENDERER_VERSION,
                "planner": planner.PLANNER_VERSION,
                "prompt": prompt,
                "duration_s": options.duration_s,
                "aspect": options.aspect,
                "seed": options.seed,
            },
            unit="spec",
        )

    async def plan(self, prompt: str, options: Options) -> Spec:
        """Plan the ad from the brief and options."""
        return planner.plan_spec(prompt, options.duration_s, options.aspect, options.seed)


class LocalImages:
    """Pillow storyboard renderer: a composition per beat type, the spec's palette."""

    name = "local"

    def describe(self, req: ImageRequest) -> Call:
        """The call for one image: beat (not its timing), style, product, size, seed, photo."""
        spec, beat = req.spec, req.beat
        return Call(
            "local",
            "storyboard",
            {
                "v": RENDERER_VERSION,
                "beat": beat.model_dump(
                    mode="json", exclude={"start_s", "duration_s", "voiceover"}
                ),
                "prompt": req.prompt,
                "style": spec.style.model_dump(mode="json"),
                "product": spec.product,
                "category": spec.category,
                "brand": spec.brand,
                "title": spec.title,
                "size_px": list(req.size_px),
                "seed": req.seed,
                "take": req.take,
            },
            inputs=(req.reference_sha256,) if req.reference_sha256 else (),
            unit="image",
        )

    async def draw(self, req: ImageRequest, dst: Path) -> None:
        """Render the beat's frame to a PNG.

        A user's prompt (one that differs from the beat's) sets the frame's scene ("a sunset on
        the beach", "at night in the rain"); the seed varies the rest, and another take is
        framed anew (see :func:`~agent.providers.local.storyboard.render_storyboard_frame`).
        A product photo (``req.reference``) stands in for the drawn product.
        """
        spec = req.spec

        def render() -> None:
            photo = Image.open(req.reference) if req.reference is not None else None
            with photo or nullcontext():
                frame = storyboard.render_storyboard_frame(
                    spec, req.beat, req.size_px, req.seed, photo, req.prompt, req.take
                )
            frame.image.save(dst, format="PNG", compress_level=1)

        await asyncio.to_thread(render)


class LocalVideo:
    """FFmpeg motion renderer: 5-second clips with the beat's camera move.

    It is ``frame_exact``: asked for some of a clip's frames, it draws and encodes only those,
    as a canonical chunk, so no frame is made to be trimmed away.
    """

    name = "local"
    clip_lengths_s: tuple[float, ...] = (motion.CLIP_S,)
    end_frame = False
    native_audio = False
    frame_exact = True

    def __init__(self, media: Media) -> None:
        """Render with this FFmpeg."""
        self._media = media

    def describe(self, req: ClipRequest) -> Call:
        """The call for one clip: start image, camera, length, size, seed, frames kept."""
        params: dict[str, object] = {
            "v": RENDERER_VERSION,
            "motion": motion.MOTION_VERSION,
            "camera": req.camera,
            "clip_s": req.clip_s,
            "size_px": list(req.size_px),
            "seed": req.seed,
            "x264": X264_ID,  # the clip is a canonical chunk: stitched with others like it
        }
        if req.frames is not None:
            params |= {"frames": req.frames, "skip_frames": req.skip_frames}
        if req.captions is not None and req.captions.cues:
            params |= {
                "captions": req.captions.model_dump(mode="json"),
                "drawing": captions.DRAWING_VERSION,
            }
        return Call(
            "local",
            "motion",
            params,
            inputs=(req.start_sha256,),
            units=req.clip_s,
            unit="second",
        )

    async def animate(self, req: ClipRequest, dst: Path) -> None:
        """Animate the start image with the camera move."""
        await motion.render_clip(
            self._media,
            req.start_image.read_bytes(),
            req.camera,
            req.size_px,
            dst,
            seed=req.seed,
            duration_s=req.clip_s,
            frames=req.frames,
            skip_frames=req.skip_frames if req.frames is not None else 0,
            captions=req.captions,
        )

    def describe_last_frame(self, req: ClipRequest) -> Call:
        """The call for the last frame of ``req``'s clip, as drawn, without captions."""
        clip = self.describe(req.model_copy(update={"captions": None}))
        last = req.skip_frames + req.frames - 1 if req.frames is not None else None
        return Call(
            "local",
            "motion-last-frame",
            {**clip.params, "frame": last},
            inputs=clip.inputs,
            unit="image",
        )

    async def last_frame(self, req: ClipRequest, dst: Path) -> None:
        """Write the last kept frame of ``req``'s clip, without captions, as a PNG."""
        last = req.skip_frames + req.frames - 1 if req.frames is not None else None
        await motion.render_last_frame(
            req.start_image.read_bytes(),
            req.camera,
            req.size_px,
            dst,
            seed=req.seed,
            duration_s=req.clip_s,
            frame=last,
        )


class LocalMusic:
    """numpy synthesiser: chords, bass, drums or pads, in the brief's key and tempo."""

    name = "local"

    def __init__(self, media: Media) -> None:
        """Encode with this FFmpeg."""
        self._media = media

    def describe(self, req: MusicRequest) -> Call:
        """The call for a soundtrack: brief, duration, seed."""
        return Call(
            "local",
            "music",
            {
                "v": RENDERER_VERSION,
                "brief": req.brief.model_dump(mode="json"),
                "duration_s": req.duration_s,
                "seed": req.seed,
            },
            units=req.duration_s,
            unit="second",
        )

    async def compose(self, req: MusicRequest, dst: Path) -> None:
        """Synthesise and encode to MP3."""

        def synth() -> bytes:
            samples = music.synthesize(req.brief, req.duration_s, req.seed)
            return music.write_wav(samples, music.SAMPLE_RATE_HZ)

        wav = await asyncio.to_thread(synth)
        await self._media.encode_mp3(wav, dst)
