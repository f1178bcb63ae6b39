"""Picture grids (PIL only): test images with predicted and true boxes or masks, and sample sheets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

SCALE = 4  # small images are enlarged so boxes and labels are readable
TRUE, PREDICTED = (0, 230, 0), (255, 40, 40)
SCORE_THRESHOLD = 0.3


def _palette(n: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    colours = rng.integers(40, 256, size=(max(n, 1), 3)).astype(np.uint8)
    colours[0] = (0, 0, 0)  # class 0 = background in segmentation
    return colours


def _tile(pixel_values) -> Image.Image:
    arr = (pixel_values.permute(1, 2, 0).cpu().numpy() * 255).clip(0, 255).astype(np.uint8)
    img = Image.fromarray(arr)
    return img.resize((img.width * SCALE, img.height * SCALE), Image.NEAREST)


def _row(tiles: Sequence[Image.Image]) -> Image.Image:
    w, h = tiles[0].size
    out = Image.new("RGB", (w * len(tiles) + 2 * (len(tiles) - 1), h), (255, 255, 255))
    for i, t in enumerate(tiles):
        out.paste(t, (i * (w + 2), 0))
    return out


def _stack(rows: Sequence[Image.Image]) -> Image.Image:
    w, h = max(r.width for r in rows), rows[0].height
    out = Image.new("RGB", (w, h * len(rows) + 2 * (len(rows) - 1)), (255, 255, 255))
    for i, r in enumerate(rows):
        out.paste(r, (0, i * (h + 2)))
    return out


def _draw_boxes(img: Image.Image, boxes, labels, names, colour, scores=None) -> None:
    draw = ImageDraw.Draw(img)
    for k, (box, label) in enumerate(zip(boxes.tolist(), labels.tolist(), strict=False)):
        if scores is not None and float(scores[k]) < SCORE_THRESHOLD:
            continue
        x1, y1, x2, y2 = (v * SCALE for v in box)
        draw.rectangle([x1, y1, x2, y2], outline=colour, width=2)
        name = names[label] if 0 <= label < len(names) else str(label)
        text = name if scores is None else f"{name} {float(scores[k]):.2f}"
        draw.text((x1 + 2, y1 + 1), text, fill=colour)


def detection_grid(batch: dict[str, Any], preds: Sequence[dict[str, Any]] | None, names: Sequence[str]) -> Image.Image:
    """One tile per image: true boxes in green, predicted boxes (score >= 0.3) in red."""
    tiles = []
    for i in range(len(batch["pixel_values"])):
        tile = _tile(batch["pixel_values"][i])
        _draw_boxes(tile, batch["boxes"][i], batch["labels"][i], names, TRUE)
        if preds is not None:
            p = preds[i]
            _draw_boxes(tile, p["boxes"].cpu(), p["labels"].cpu(), names, PREDICTED, p["scores"].cpu())
        tiles.append(tile)
    return _row(tiles)


def _mask_tile(mask, palette: np.ndarray) -> Image.Image:
    m = mask.cpu().numpy().astype(np.int64)
    rgb = np.where((m == 255)[..., None], 255, palette[np.clip(m, 0, len(palette) - 1)]).astype(np.uint8)
    img = Image.fromarray(rgb)
    return img.resize((img.width * SCALE, img.height * SCALE), Image.NEAREST)


def segmentation_grid(batch: dict[str, Any], preds=None) -> Image.Image:
    """Rows: images, true masks, predicted masks (ignored pixels white)."""
    n = len(batch["pixel_values"])
    top = int(batch["masks"][batch["masks"] != 255].max()) if (batch["masks"] != 255).any() else 0
    palette = _palette(max(top + 1, int(preds.max()) + 1 if preds is not None else 0, 2))
    rows = [_row([_tile(batch["pixel_values"][i]) for i in range(n)]),
            _row([_mask_tile(batch["masks"][i], palette) for i in range(n)])]
    if preds is not None:
        rows.append(_row([_mask_tile(preds[i], palette) for i in range(n)]))
    return _stack(rows)


def truth_detection_grid(batch: dict[str, Any], info: Any) -> Image.Image:
    """Ground-truth boxes of a batch (`bench show task=... samples=PNG`)."""
    return detection_grid(batch, None, info.extra["class_names"])


def truth_segmentation_grid(batch: dict[str, Any], info: Any) -> Image.Image:
    """Ground-truth masks of a batch (`bench show task=... samples=PNG`)."""
    return segmentation_grid(batch)


# saturated colours that stand out on the scenes' backgrounds: one per instance, in order
INSTANCE_COLOURS = np.array([(255, 0, 0), (255, 230, 0), (0, 230, 255), (255, 0, 255), (255, 140, 0),
                             (0, 90, 255), (140, 255, 0), (255, 255, 255)], np.float32)


def _instance_tile(pixel_values, masks, boxes, labels, names, colour, scores=None) -> Image.Image:
    """The image with each instance's mask painted in its own colour and its box and name on top."""
    keep = np.ones(len(labels), bool) if scores is None else scores.numpy() >= SCORE_THRESHOLD
    arr = pixel_values.permute(1, 2, 0).cpu().numpy() * 255
    for n, k in enumerate(np.flatnonzero(keep)):
        m = masks[k].cpu().numpy() > 0.5
        arr[m] = 0.3 * arr[m] + 0.7 * INSTANCE_COLOURS[n % len(INSTANCE_COLOURS)]
    img = Image.fromarray(arr.clip(0, 255).astype(np.uint8))
    img = img.resize((img.width * SCALE, img.height * SCALE), Image.NEAREST)
    _draw_boxes(img, boxes[keep], labels[keep], names, colour, None if scores is None else scores[keep])
    return img


def instance_grid(batch: dict[str, Any], preds: Sequence[dict[str, Any]] | None, names: Sequence[str]) -> Image.Image:
    """Rows: true instances (masks tinted, boxes green), then predicted ones (score >= 0.3, boxes red)."""
    n = len(batch["pixel_values"])
    rows = [_row([_instance_tile(batch["pixel_values"][i], batch["instance_masks"][i], batch["boxes"][i],
                                 batch["labels"][i], names, TRUE) for i in range(n)])]
    if preds is not None:
        rows.append(_row([_instance_tile(batch["pixel_values"][i], p["masks"], p["boxes"], p["labels"], names,
                                         PREDICTED, p["scores"]) for i, p in enumerate(preds)]))
    return _stack(rows)


def truth_instance_grid(batch: dict[str, Any], info: Any) -> Image.Image:
    """Ground-truth instances of a batch (`bench show task=... samples=PNG`)."""
    return instance_grid(batch, None, info.extra["class_names"])
