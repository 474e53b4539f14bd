"""Contact sheet of offline storyboards for 10 varied briefs, to look at by eye.

Plans each brief with the offline planner, draws every beat with the offline storyboard at
its full size and shrinks it into a row under the brief. Prints the mean time per frame.

The planner fills ``spec.category`` and writes the setting the brief names into the beats
that show the product, so each row is exactly what a user of the offline providers gets. The
caption gives the aspect, the archetype drawn and the brief's scene (place/time/weather).

    PYTHONPATH=$PWD .venv/bin/python benchmarks/contact_sheet.py [out/contact_sheet.png]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from PIL import Image, ImageDraw

from agent.providers.local.planner import plan_spec
from agent.providers.local.storyboard import parse_scene, product_kind, render_storyboard_frame
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
ROW_H = 180
CAPTION_H = 34
GAP = 8


def main(dst: Path) -> None:
    """Render the sheet to ``dst`` and print what each row shows and the time per frame."""
    rows: list[tuple[str, list[Image.Image]]] = []
    frames, seconds = 0, 0.0
    for brief, duration_s, aspect in BRIEFS:
        spec = plan_spec(brief, duration_s, aspect, 0)
        thumbs = []
        for beat in spec.beats:
            t0 = time.perf_counter()
            frame = render_storyboard_frame(spec, beat, spec.size_px, 0)
            seconds += time.perf_counter() - t0
            frames += 1
            w, h = frame.image.size
            thumbs.append(
                frame.image.resize((round(ROW_H * w / h), ROW_H), Image.Resampling.LANCZOS)
            )
        kind = product_kind(spec.product, spec.category)
        scene = parse_scene(brief)
        caption = f"{brief[:64]}  [{aspect}, {kind}, {scene.place}/{scene.time}/{scene.weather}]"
        rows.append((caption, thumbs))
        types = " ".join(b.type for b in spec.beats)
        print(f"{aspect:5} {kind:12} {scene} {spec.product!r} {spec.brand!r}: {types}")
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
