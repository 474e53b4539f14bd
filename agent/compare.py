"""Compare two branches: the spec diff, the storyboards side by side, the finals side by side."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from agent.studio import Studio

#: Height of one storyboard thumbnail in the comparison sheet, pixels.
THUMB_H_PX = 180
_GAP_PX = 12


@dataclass(frozen=True)
class Comparison:
    """What :func:`compare` made.

    Attributes:
        spec_diff: unified diff of the two specs ("" if equal).
        storyboards: PNG with the two storyboards in two columns, beat by beat.
        video: MP4 with the two final videos side by side (None unless both are finished).
    """

    spec_diff: str
    storyboards: Path
    video: Path | None


def storyboard_sheet(columns: list[tuple[str, list[Path | None]]], dst: Path) -> None:
    """Draw storyboards as labelled columns, one row per beat (a gap where one has fewer).

    Args:
        columns: (title, image per beat) for each branch.
        dst: the PNG to write.
    """
    rows = max((len(images) for _, images in columns), default=0)
    thumbs: list[list[Image.Image | None]] = []
    width = 0
    for _, images in columns:
        col: list[Image.Image | None] = []
        for path in images:
            if path is None:
                col.append(None)
                continue
            with Image.open(path) as img:
                w = round(img.width * THUMB_H_PX / img.height)
                col.append(img.convert("RGB").resize((w, THUMB_H_PX), Image.Resampling.LANCZOS))
                width = max(width, w)
        thumbs.append(col)
    width = width or THUMB_H_PX * 16 // 9
    font = ImageFont.load_default(size=20)
    head = 40
    sheet = Image.new(
        "RGB",
        (len(columns) * (width + _GAP_PX) + _GAP_PX, head + rows * (THUMB_H_PX + _GAP_PX)),
        (24, 24, 28),
    )
    draw = ImageDraw.Draw(sheet)
    for c, ((title, _), col) in enumerate(zip(columns, thumbs, strict=True)):
        x = _GAP_PX + c * (width + _GAP_PX)
        draw.text((x, 10), title, fill=(235, 235, 235), font=font)
        for r, thumb in enumerate(col):
            y = head + r * (THUMB_H_PX + _GAP_PX)
            if thumb is not None:
                sheet.paste(thumb, (x, y))
                draw.text((x + 6, y + 4), str(r + 1), fill=(255, 255, 255), font=font)
    sheet.save(dst, format="PNG")


async def compare(
    studio: Studio, video_id: str, user_id: str, a: str, b: str, dst: Path
) -> Comparison:
    """Compare branches ``a`` and ``b`` of a video.

    Args:
        studio: the studio.
        video_id: the video.
        user_id: its owner.
        a: one branch's name.
        b: the other branch's name.
        dst: the side-by-side MP4 to write; the storyboard sheet goes beside it as ``.png``.

    Raises:
        NotFound: unknown video or branch.
        MediaError: FFmpeg failed.
        StorageError: an image or video is in no store (see :meth:`Studio.local_file`).
    """
    diff = await studio.compare_specs(video_id, user_id, a, b)
    columns: list[tuple[str, list[Path | None]]] = []
    finals: list[Path] = []
    for name in (a, b):
        st = await studio.status(video_id, user_id, name)
        arts = st.artifacts
        beats = sorted(n for n in arts if n.startswith("beat_"))
        images: list[Path | None] = [await studio.local_file(arts[n].sha256) for n in beats]
        columns.append((f"{name}: {st.status} at {st.phase}", images))
        if st.final_video:
            finals.append(await studio.local_file(arts["final"].sha256))
    dst.parent.mkdir(parents=True, exist_ok=True)
    sheet = dst.with_suffix(".png")
    await asyncio.to_thread(storyboard_sheet, columns, sheet)
    video = None
    if len(finals) == 2:
        await studio.deps.media.side_by_side(finals[0], finals[1], dst)
        video = dst
    return Comparison(diff, sheet, video)
