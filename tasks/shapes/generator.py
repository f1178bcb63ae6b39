"""A deterministic generator of synthetic scenes: 1 to 4 coloured shapes on a textured background.

Each scene carries COCO-style boxes ([x, y, width, height] in pixels, of the visible part), one
instance map (0 = background, i + 1 = instance i, later shapes occlude earlier ones) and a
semantic mask (0 = background, c + 1 = class c). Scene `index` of a split drawn with `seed` depends
only on (seed, index, size), so a prefix of a split is the same whatever the split's length.

    from tasks.shapes.generator import render_scene
    scene = render_scene(seed=0, index=3, size=64)

Numpy and PIL only (no torch), so any family can reuse it. Bump GENERATOR_VERSION with any change
that alters a pixel or a label; the tasks built on it carry it in their version.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from tasks.shapes import CLASSES

MIN_OBJECTS, MAX_OBJECTS = 1, 4
MIN_VISIBLE = 0.6  # a shape placed later may hide at most 40% of an earlier one
TRIES = 30  # placement attempts per shape before it is left out


@dataclass(frozen=True)
class Scene:
    image: np.ndarray  # (H, W, 3) uint8
    boxes: np.ndarray  # (n, 4) float32, COCO [x, y, w, h] of the visible pixels
    categories: np.ndarray  # (n,) int64 in [0, len(CLASSES))
    areas: np.ndarray  # (n,) float32, visible pixels per instance
    instance_map: np.ndarray  # (H, W) uint8: 0 background, i + 1 instance i
    semantic: np.ndarray  # (H, W) uint8: 0 background, c + 1 class c


def _background(rng: np.random.Generator, size: int) -> np.ndarray:
    """A base colour with sinusoidal stripes and pixel noise, so a method cannot threshold the image."""
    base = rng.uniform(40, 215, size=3)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    angle, freq = rng.uniform(0, math.pi), rng.uniform(0.15, 0.6)
    stripes = np.sin(freq * (xx * math.cos(angle) + yy * math.sin(angle)) + rng.uniform(0, 2 * math.pi))
    texture = stripes[..., None] * rng.uniform(8, 25, size=3) + rng.normal(0, 8, size=(size, size, 3))
    return np.clip(base + texture, 0, 255)


def _polygon(cls: str, cx: float, cy: float, r: float, rot: float) -> list[tuple[float, float]]:
    if cls == "square":
        pts = [(-1, -1), (1, -1), (1, 1), (-1, 1)]
        return [(cx + r * 0.8 * x, cy + r * 0.8 * y) for x, y in pts]
    if cls == "triangle":
        angles = [rot + k * 2 * math.pi / 3 for k in range(3)]
        return [(cx + r * math.cos(a), cy + r * math.sin(a)) for a in angles]
    # star: five points, inner radius 0.45 r
    return [(cx + (r if k % 2 == 0 else 0.45 * r) * math.cos(rot + k * math.pi / 5),
             cy + (r if k % 2 == 0 else 0.45 * r) * math.sin(rot + k * math.pi / 5)) for k in range(10)]


def shape_mask(cls: str, cx: float, cy: float, r: float, rot: float, size: int) -> np.ndarray:
    canvas = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(canvas)
    if cls == "circle":
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=1)
    else:
        draw.polygon(_polygon(cls, cx, cy, r, rot), fill=1)
    return np.asarray(canvas, dtype=bool)


def _colour(rng: np.random.Generator, background_mean: np.ndarray) -> np.ndarray:
    """A saturated colour far enough from the background's mean colour to be seen."""
    for _ in range(50):
        colour = rng.uniform(0, 255, size=3)
        if np.linalg.norm(colour - background_mean) > 110:
            return colour
    return 255 - background_mean


def render_scene(seed: int, index: int, size: int = 64) -> Scene:
    rng = np.random.default_rng([seed, index, size])
    image = _background(rng, size)
    mean = image.reshape(-1, 3).mean(0)
    masks: list[np.ndarray] = []
    cats: list[int] = []
    for _ in range(int(rng.integers(MIN_OBJECTS, MAX_OBJECTS + 1))):
        cls_id = int(rng.integers(len(CLASSES)))
        for _ in range(TRIES):
            r = rng.uniform(0.09, 0.2) * size
            cx, cy = rng.uniform(r, size - r, size=2)
            mask = shape_mask(CLASSES[cls_id], cx, cy, r, rng.uniform(0, 2 * math.pi), size)
            visible_after = [(m & ~mask).sum() / max(m.sum(), 1) for m in masks]
            if mask.sum() >= 12 and all(v >= MIN_VISIBLE for v in visible_after):
                break
        else:
            continue
        masks = [m & ~mask for m in masks] + [mask]
        cats.append(cls_id)
        image[mask] = _colour(rng, mean) + rng.normal(0, 6, size=(int(mask.sum()), 3))
    instance_map = np.zeros((size, size), np.uint8)
    semantic = np.zeros((size, size), np.uint8)
    boxes, areas = [], []
    for i, (m, c) in enumerate(zip(masks, cats, strict=False)):
        instance_map[m] = i + 1
        semantic[m] = c + 1
        ys, xs = np.nonzero(m)
        boxes.append([xs.min(), ys.min(), xs.max() + 1 - xs.min(), ys.max() + 1 - ys.min()])
        areas.append(m.sum())
    return Scene(
        image=np.clip(image, 0, 255).astype(np.uint8),
        boxes=np.asarray(boxes, np.float32).reshape(-1, 4),
        categories=np.asarray(cats, np.int64),
        areas=np.asarray(areas, np.float32),
        instance_map=instance_map,
        semantic=semantic,
    )


def render_object(seed: int, index: int, size: int = 32) -> tuple[np.ndarray, int]:
    """One centred-ish shape of a random class and colour on a plain, slightly noisy background:
    the single-object images of the generative family. Returns ((H, W, 3) uint8, class id)."""
    rng = np.random.default_rng([seed, index, size, 1])
    background = rng.uniform(20, 120, size=3)
    image = np.broadcast_to(background, (size, size, 3)) + rng.normal(0, 4, size=(size, size, 3))
    cls_id = int(rng.integers(len(CLASSES)))
    r = rng.uniform(0.22, 0.36) * size
    cx, cy = rng.uniform(size / 2 - 0.12 * size, size / 2 + 0.12 * size, size=2)
    mask = shape_mask(CLASSES[cls_id], cx, cy, r, rng.uniform(0, 2 * math.pi), size)
    image[mask] = _colour(rng, background)
    return np.clip(image, 0, 255).astype(np.uint8), cls_id
