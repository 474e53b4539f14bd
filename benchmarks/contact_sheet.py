"""Contact sheet of offline storyboards for 10 varied briefs, to look at by eye.

Plans each brief with the offline planner, draws every beat with the offline storyboard at
its full size and shrinks it into a row under the brief. Prints the mean time per frame.

Until the planner fills ``spec.category`` and carries the scenes a brief names into its beats
(issue 14 part 1), the sheet stands in for it, and says so in the row's caption: the category
comes from the brief's words through the storyboard's lexicon ("cat from brief"), and the
brief is given as the regenerate prompt of the beats that show a setting ("scene from brief").

    PYTHONPATH=$PWD .venv/bin/python benchmarks/contact_sheet.py [out/contact_sheet.png]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from PIL import Image, ImageDraw

from agent.providers.local.planner import plan_spec
from agent.providers.local.storyboard import (
    beat_scene,
    parse_scene,
    product_kind,
    render_storyboard_frame,
)
from agent.providers.local.storyboard.text import draw_line
from agent.spec import Aspect

#: (brief, duration in seconds, aspect): products, languages, scenes and aspects that differ.
BRIEFS: list[tuple[str, float, Aspect]] = [
    ("A 20s ad for TrailMax hiking boots on snowy mountains at dawn", 20, "16:9"),
    (
        "Anuncio de 15 segundos para las zapatillas de running Veloz, corriendo por la ciudad "
        "de noche bajo la lluvia",
        15,
        "9:16",
    ),
    ("Glow Up lip balm, playful, for teens, on the beach at sunset", 15, "1:1"),
    ("Bean & Leaf coffee, warm and cosy, breakfast in the kitchen at dawn", 20, "16:9"),
    ("Lunettes de soleil Soleil Noir : une plage au coucher du soleil", 15, "9:16"),
    ("Kabellose Kopfhörer von Klangwerk, im Büro und nachts in der Stadt", 20, "16:9"),
    ("为飞跃跑鞋制作一支15秒广告：城市夜景中奔跑", 15, "9:16"),
    ("ワイヤレスイヤホン「Oto」の広告、夕焼けの海辺で", 15, "1:1"),
    ("إعلان لعطر الورد الفاخر في الصحراء عند الغروب", 15, "16:9"),
    ("Volt EV electric car on the open road at golden hour", 20, "16:9"),
]
#: Beat types that show a setting, where the brief's scene goes when the plan names none.
SETTING_BEATS = {"hook", "problem", "lifestyle", "emotional_moment", "before_after", "hero_shot"}
ROW_H = 180
CAPTION_H = 34
GAP = 8


def main(dst: Path) -> None:
    """Render the sheet to ``dst`` and print what each row shows and the time per frame."""
    rows: list[tuple[str, list[Image.Image]]] = []
    frames, seconds = 0, 0.0
    for brief, duration_s, aspect in BRIEFS:
        spec = plan_spec(brief, duration_s, aspect, 0)
        notes = []
        if not spec.category:
            kind = product_kind(spec.product)
            kind = product_kind(brief) if kind == "box" else kind
            spec = spec.model_copy(update={"category": kind})
            notes.append("cat from brief")
        stand_in = not any(beat_scene(spec, b).named for b in spec.beats)
        if stand_in and parse_scene(brief).named:
            notes.append("scene from brief")
        thumbs = []
        for beat in spec.beats:
            prompt = brief if stand_in and beat.type in SETTING_BEATS else None
            t0 = time.perf_counter()
            frame = render_storyboard_frame(spec, beat, spec.size_px, 0, prompt=prompt)
            seconds += time.perf_counter() - t0
            frames += 1
            w, h = frame.image.size
            thumbs.append(
                frame.image.resize((round(ROW_H * w / h), ROW_H), Image.Resampling.LANCZOS)
            )
        kind = product_kind(spec.product, spec.category)
        scene = parse_scene(brief)
        caption = f"{brief[:64]}  [{aspect}, {kind}, {scene.place}/{scene.time}/{scene.weather}"
        caption += "; " + ", ".join(notes) + "]" if notes else "]"
        rows.append((caption, thumbs))
        print(f"{aspect:5} {kind:12} {scene} {spec.product!r} {notes}")
    width = max(sum(t.width + GAP for t in thumbs) for _, thumbs in rows) + GAP
    sheet = Image.new("RGB", (width, len(rows) * (ROW_H + CAPTION_H + GAP) + GAP), (24, 24, 28))
    draw = ImageDraw.Draw(sheet)
    y = GAP
    for caption, thumbs in rows:
        draw_line(draw, (GAP, y + CAPTION_H - 12), caption, 18, (235, 235, 235), anchor="ls")
        x = GAP
        for thumb in thumbs:
            sheet.paste(thumb, (x, y + CAPTION_H))
            x += thumb.width + GAP
        y += ROW_H + CAPTION_H + GAP
    dst.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(dst)
    print(f"{frames} frames, {seconds / frames:.3f} s per frame at full size; wrote {dst}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "out/contact_sheet.png"))
