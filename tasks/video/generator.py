"""A deterministic generator of moving-shape videos whose class is a motion no single frame shows.

Every class has a time-reversed twin (left/right, up/down, clockwise/counter-clockwise,
grow/shrink), and each motion's parameters are drawn symmetrically in time: a trajectory's midpoint
(or mid-scale, or starting angle) is drawn first and the class only decides which end comes first.
So the *unordered set* of frames of a video has the same distribution as that of its twin, and a
model that pools frames without order (frame-avg) can tell the axis of motion but not its
direction: it sits at chance (0.5) between the two classes of a pair, which `reversal_accuracy`
measures. One or two shapes, each doing the class's motion with its own speed, on a noisy background
redrawn every frame.

Video `index` drawn with `seed` depends only on (seed, index, frames, size), and its label is
`index % 8`, so any prefix of a split is class-balanced. Numpy only. Bump GENERATOR_VERSION with any
change that alters a pixel or a label; the task's version carries it.
"""

from __future__ import annotations

import math

import numpy as np

from tasks.video import MOTIONS

TWIN = (1, 0, 3, 2, 5, 4, 7, 6)  # the class that plays the same frames backwards
# convex outlines around the origin, radius about 1; none looks the same after a small rotation
OUTLINES = (
    np.array([(0.0, -1.1), (0.7, 0.8), (-0.7, 0.8)]),  # isosceles triangle
    np.array([(-1.0, -0.45), (1.0, -0.45), (1.0, 0.45), (-1.0, 0.45)]),  # bar
    np.array([(0.0, -1.2), (0.6, 0.0), (0.0, 0.7), (-0.6, 0.0)]),  # kite
    np.array([(-1.0, 0.6), (-0.5, -0.6), (0.5, -0.6), (1.0, 0.6)]),  # trapezoid
)
SUPERSAMPLE = 2  # 2x2 samples per pixel: anti-aliased edges, so sub-pixel motion is visible


def _grid(size: int) -> np.ndarray:
    """(P, 2) sample positions (x, y) in pixel units, SUPERSAMPLE^2 per pixel."""
    s = (np.arange(size * SUPERSAMPLE) + 0.5) / SUPERSAMPLE
    xx, yy = np.meshgrid(s, s)
    return np.stack([xx.ravel(), yy.ravel()], axis=1)


def _coverage(vertices: np.ndarray, grid: np.ndarray, size: int) -> np.ndarray:
    """Fraction of each pixel inside a convex polygon, per frame: vertices (F, V, 2) -> (F, size, size)."""
    a = vertices[:, :, None, :]  # (F, V, 1, 2)
    edge = np.roll(vertices, -1, axis=1)[:, :, None, :] - a
    rel = grid[None, None] - a  # (F, V, P, 2)
    cross = edge[..., 0] * rel[..., 1] - edge[..., 1] * rel[..., 0]
    inside = np.all(cross >= 0, axis=1) | np.all(cross <= 0, axis=1)  # either winding
    f = len(vertices)
    return inside.reshape(f, size, SUPERSAMPLE, size, SUPERSAMPLE).mean(axis=(2, 4))


def _track(rng: np.random.Generator, label: int, frames: int, size: int):
    """Per-frame centre (F, 2), angle (F,) and radius (F,) of one shape doing motion `label`."""
    t = np.arange(frames) - (frames - 1) / 2  # centred time: the trajectory's midpoint is drawn first
    unit = size / 32
    radius = rng.uniform(3.5, 6.0) * unit
    angle = np.full(frames, rng.uniform(0, 2 * math.pi))
    radii = np.full(frames, radius)
    motion = MOTIONS[label]
    if motion in ("left", "right", "up", "down"):
        speed = rng.uniform(0.9, 1.4) * unit  # pixels per frame
        half = speed * (frames - 1) / 2
        lo, hi = radius * 1.2 + half, size - radius * 1.2 - half
        mid = rng.uniform(lo, max(lo, hi), size=2)
        sign = -1.0 if motion in ("left", "up") else 1.0  # image y grows downwards
        axis = 0 if motion in ("left", "right") else 1
        centre = np.repeat(mid[None], frames, axis=0)
        centre[:, axis] += sign * speed * t
    else:
        margin = radius * 1.6
        centre = np.repeat(rng.uniform(margin, size - margin, size=2)[None], frames, axis=0)
        if motion in ("clockwise", "counter-clockwise"):
            # y points down, so a growing angle turns clockwise on screen; at most 15 degrees a frame,
            # far below any outline's symmetry, so the direction is never ambiguous
            omega = math.radians(rng.uniform(9, 15))
            angle = angle + (1.0 if motion == "clockwise" else -1.0) * omega * t
        else:
            ratio = rng.uniform(1.8, 2.6)  # smallest to largest over the video
            step = math.log(ratio) / (frames - 1)
            radii = radius * np.exp((1.0 if motion == "grow" else -1.0) * step * t)
    return centre, angle, radii


def render_video(seed: int, index: int, frames: int = 16, size: int = 32) -> tuple[np.ndarray, int]:
    """Video `index` of the split drawn with `seed`: uint8 (frames, size, size, 3) and its class."""
    rng = np.random.default_rng([seed, index])
    label = index % len(MOTIONS)
    grid = _grid(size)
    background = rng.uniform(10, 70, size=3)
    video = background + rng.normal(0, 10, size=(frames, size, size, 3))  # fresh noise every frame
    for _ in range(rng.integers(1, 3)):
        outline = OUTLINES[rng.integers(len(OUTLINES))]
        colour = rng.uniform(120, 255, size=3)
        centre, angle, radii = _track(rng, label, frames, size)
        cos, sin = np.cos(angle)[:, None], np.sin(angle)[:, None]
        x, y = outline[None, :, 0] * radii[:, None], outline[None, :, 1] * radii[:, None]
        vertices = np.stack([x * cos - y * sin + centre[:, :1], x * sin + y * cos + centre[:, 1:]], axis=-1)
        cover = _coverage(vertices, grid, size)[..., None]
        video = video * (1 - cover) + colour * cover
    return np.clip(video, 0, 255).round().astype(np.uint8), label
