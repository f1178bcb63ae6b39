"""Scenes in which one object decides the label: the attribution family's ground truth.

One shape of a class in CLASSES (the deciding object, whose class is the label) sits among one to
three distractors that carry no label (rings, crosses and bars, in random colours) on the shapes
generator's textured background. Distractors are drawn first and the deciding object last, so its
pixel mask is exactly where the label lives: an attribution that points elsewhere is wrong.

    from tasks.shapes.deciding import render_deciding_scene
    image, label, mask = render_deciding_scene(seed=0, index=3, size=64)

Numpy and PIL only. Bump DECIDING_VERSION (tasks/shapes/__init__.py) with any change that alters a
pixel or a label.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw

from tasks.shapes import CLASSES
from tasks.shapes.generator import _background, _colour, shape_mask

DISTRACTORS = ("ring", "cross", "bar")
MIN_DISTRACTORS, MAX_DISTRACTORS = 1, 3


def distractor_mask(kind: str, cx: float, cy: float, r: float, rot: float, size: int) -> np.ndarray:
    """A shape that no class uses: a ring (an outline circle), a cross or a thick bar."""
    canvas = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(canvas)
    width = max(2, int(r * 0.3))
    if kind == "ring":
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], outline=1, width=width)
    else:
        arms = (rot, rot + math.pi / 2) if kind == "cross" else (rot,)
        for a in arms:
            dx, dy = r * math.cos(a), r * math.sin(a)
            draw.line([(cx - dx, cy - dy), (cx + dx, cy + dy)], fill=1, width=width)
    return np.asarray(canvas, dtype=bool)


def render_deciding_scene(seed: int, index: int, size: int = 64) -> tuple[np.ndarray, int, np.ndarray]:
    """((H, W, 3) uint8 image, label, (H, W) bool mask of the deciding object), a function of (seed, index, size)."""
    rng = np.random.default_rng([seed, index, size, 2])
    image = _background(rng, size)
    mean = image.reshape(-1, 3).mean(0)
    for _ in range(int(rng.integers(MIN_DISTRACTORS, MAX_DISTRACTORS + 1))):
        kind = DISTRACTORS[int(rng.integers(len(DISTRACTORS)))]
        r = rng.uniform(0.1, 0.2) * size
        cx, cy = rng.uniform(r, size - r, size=2)
        mask = distractor_mask(kind, cx, cy, r, rng.uniform(0, math.pi), size)
        image[mask] = _colour(rng, mean) + rng.normal(0, 6, size=(int(mask.sum()), 3))
    label = int(rng.integers(len(CLASSES)))
    r = rng.uniform(0.12, 0.2) * size
    cx, cy = rng.uniform(r, size - r, size=2)
    mask = shape_mask(CLASSES[label], cx, cy, r, rng.uniform(0, 2 * math.pi), size)
    image[mask] = _colour(rng, mean) + rng.normal(0, 6, size=(int(mask.sum()), 3))
    return np.clip(image, 0, 255).astype(np.uint8), label, mask
