"""Captioned scenes for the multimodal family: one or two named-colour shapes, five captions each.

Every caption of a scene names every attribute of it (size, colour and shape of each object, and
where: a 3x3 grid cell for one object, the relation for two), only in different words, so that
a scene's captions are five paraphrases of one description. That keeps retrieval honest (a
caption is never right for an image that differs from its own in any attribute) and makes
string overlap between splits measurable: `data.py` drops every training scene that shares a
caption with a val or test scene.

Scene `index` of a split drawn with `seed` depends only on (seed, index, size). Numpy and PIL
only. Bump CAPTIONS_VERSION with any change to a pixel or a word.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tasks.multimodal import COLOUR_NAMES, COLOURS
from tasks.shapes import CLASSES
from tasks.shapes.generator import shape_mask

SIZES = {"small": (0.13, 0.16), "large": (0.21, 0.25)}  # radius as a fraction of the image side
CELLS = ("top left corner", "top middle", "top right corner", "middle left", "center", "middle right",
         "bottom left corner", "bottom middle", "bottom right corner")
SINGLE_SHARE = 0.25  # fraction of scenes with one object (the rest have two)
RELATION_MARGIN = 2.0  # the main axis of a relation is at least twice the other
SINGLE_TEMPLATES = (
    "a {o} in the {p}",
    "a photo of a {o} at the {p}",
    "one {o}, placed in the {p} of the picture",
    "there is a {o} in the {p} of the image",
    "a picture showing a {o}, {p}",
)
PAIR_TEMPLATES = (
    "a {a} {rel} a {b}",
    "a {b} {inv} a {a}",
    "two shapes: a {a} {rel} a {b}",
    "a picture with a {b}, and a {a} {rel} it",
    "there is a {a} {rel} a {b}",
)
RELATIONS = {"left": ("to the left of", "to the right of"), "right": ("to the right of", "to the left of"),
             "above": ("above", "below"), "below": ("below", "above")}


@dataclass(frozen=True)
class Obj:
    shape: int  # index into CLASSES
    colour: str
    size: str
    cx: float
    cy: float

    def words(self) -> str:
        return f"{self.size} {self.colour} {CLASSES[self.shape]}"


@dataclass(frozen=True)
class CaptionedScene:
    image: np.ndarray  # (H, W, 3) uint8
    objects: tuple[Obj, ...]
    captions: tuple[str, ...]  # five paraphrases of one description


def _cell(obj: Obj, size: int) -> str:
    col = min(int(obj.cx / size * 3), 2)
    row = min(int(obj.cy / size * 3), 2)
    return CELLS[row * 3 + col]


def _relation(a: Obj, b: Obj) -> str:
    dx, dy = b.cx - a.cx, b.cy - a.cy
    if abs(dx) >= abs(dy):
        return "left" if dx > 0 else "right"
    return "above" if dy > 0 else "below"


def describe(objects: tuple[Obj, ...], size: int) -> tuple[str, ...]:
    if len(objects) == 1:
        obj = objects[0]
        return tuple(t.format(o=obj.words(), p=_cell(obj, size)) for t in SINGLE_TEMPLATES)
    a, b = objects
    rel, inv = RELATIONS[_relation(a, b)]
    return tuple(t.format(a=a.words(), b=b.words(), rel=rel, inv=inv) for t in PAIR_TEMPLATES)


PARTIAL_DROPS = ("size", "colour", "size and colour")


def partial(caption: str, drop: str) -> str:
    """The caption without its size words, colour words or both (one of PARTIAL_DROPS).

    Every stored caption names every attribute, so a partial one can never equal any stored
    caption of any split: training on partial captions keeps the held-out captions unseen."""
    words = {"size": set(SIZES), "colour": set(COLOURS), "size and colour": set(SIZES) | set(COLOURS)}[drop]
    return " ".join(w for w in caption.split(" ") if w not in words)


def _clear(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Whether one of left/right/above/below describes b against a without doubt (not near a diagonal)."""
    dx, dy = abs(b[0] - a[0]), abs(b[1] - a[1])
    return max(dx, dy) >= RELATION_MARGIN * min(dx, dy)


def _place(rng: np.random.Generator, size: int, placed: list[tuple[float, float, float]],
           alone: bool) -> tuple | None:
    """Size name, radius and centre of a new shape that does not touch the ones already placed.

    A lone shape sits near the centre of a 3x3 cell, and a second shape is placed so that its
    relation to the first is clear: captions never depend on a coin flip at a cell border or on
    a diagonal, which would make two scenes' correct captions indistinguishable."""
    cell = size / 3
    for _ in range(50):
        name = str(rng.choice(tuple(SIZES)))
        r = rng.uniform(*SIZES[name]) * size
        if alone:
            row, col = rng.integers(3, size=2)
            cx, cy = np.clip((np.array([col, row]) + 0.5) * cell + rng.uniform(-0.15, 0.15, 2) * cell, r, size - r)
            if int(cx // cell) != col or int(cy // cell) != row:
                continue  # a large shape pushed off its corner cell by the border: draw again
        else:
            cx, cy = rng.uniform(r, size - r, size=2)
            if not all(math.hypot(cx - x, cy - y) > r + pr + 1 and _clear((x, y), (cx, cy)) for x, y, pr in placed):
                continue
        return name, r, float(cx), float(cy)
    return None  # no room next to the shapes already placed


def _layout(rng: np.random.Generator, size: int, n: int) -> list[tuple]:
    """Sizes and places of n shapes; the whole layout is drawn again when the last shape finds no room."""
    for _ in range(1000):
        placed: list[tuple] = []
        for _ in range(n):
            spot = _place(rng, size, [(cx, cy, r) for _, r, cx, cy in placed], alone=n == 1)
            if spot is None:
                break
            placed.append(spot)
        if len(placed) == n:
            return placed
    raise RuntimeError("no layout found")  # never seen at these sizes


def render_captioned(seed: int, index: int, size: int = 32, objects: int | None = None) -> CaptionedScene:
    """Scene `index` of the split drawn with `seed`. `objects` forces 1 or 2 shapes (zero-shot
    classification uses single-shape scenes); None draws it (SINGLE_SHARE of scenes have one)."""
    rng = np.random.default_rng([seed, index, size, 2])
    n = objects or (1 if rng.random() < SINGLE_SHARE else 2)
    image = rng.uniform(25, 80) + rng.normal(0, 5, size=(size, size, 3))
    objs = []
    for name, r, cx, cy in _layout(rng, size, n):
        obj = Obj(int(rng.integers(len(CLASSES))), str(rng.choice(COLOUR_NAMES)), name, cx, cy)
        mask = shape_mask(CLASSES[obj.shape], cx, cy, r, rng.uniform(0, 2 * math.pi), size)
        image[mask] = np.asarray(COLOURS[obj.colour]) + rng.normal(0, 6, size=(int(mask.sum()), 3))
        objs.append(obj)
    objs_t = tuple(objs)
    return CaptionedScene(np.clip(image, 0, 255).astype(np.uint8), objs_t, describe(objs_t, size))
