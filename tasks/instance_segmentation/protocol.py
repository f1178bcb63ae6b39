"""How instance segmentation is trained and scored (model interface:
`tasks.instance_segmentation.interface.InstanceSegmenter`).

Mask AP is COCO's (torchmetrics MeanAveragePrecision with iou_type segm on the pycocotools
backend, the same masks given to pycocotools' COCOeval: tests/tasks/test_instance_segmentation.py
checks the two agree). Predicted masks are kept where their probability exceeds 0.5, as Mask
R-CNN's paste-and-threshold does. Distributed evaluation gathers per-image objects and de-duplicates
them by image id, as detection does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from tasks.detection.protocol import DetectionProtocol, detection_items
from tasks.instance_segmentation import FAMILY

MASK_THRESHOLD = 0.5


def instance_metrics(items: Sequence[dict[str, Any]]) -> dict[str, float]:
    """Mask mAP@[.50:.95], mask mAP50 and mAP75, and box mAP, over per-image items holding predictions
    (boxes, scores, labels, masks (m, H, W) bool) and truth (gt_boxes, gt_labels, gt_masks)."""
    from torchmetrics.detection import MeanAveragePrecision

    metric = MeanAveragePrecision(box_format="xyxy", iou_type=("bbox", "segm"), backend="pycocotools")
    metric.update(
        [{"boxes": it["boxes"].float(), "scores": it["scores"].float(), "labels": it["labels"].long(),
          "masks": it["masks"].bool()} for it in items],
        [{"boxes": it["gt_boxes"].float(), "labels": it["gt_labels"].long(), "masks": it["gt_masks"].bool()}
         for it in items],
    )
    out = metric.compute()
    return {"mask_mAP": float(out["segm_map"]), "mask_mAP50": float(out["segm_map_50"]),
            "mask_mAP75": float(out["segm_map_75"]), "box_mAP": float(out["bbox_map"])}


def _rle(masks: torch.Tensor) -> list[str]:
    """COCO run-length encodings of (m, H, W) bool masks, as text (per-example columns stay data)."""
    import numpy as np
    from pycocotools import mask as mask_utils

    encoded = mask_utils.encode(np.asfortranarray(masks.numpy().astype(np.uint8).transpose(1, 2, 0)))
    return [e["counts"].decode("ascii") for e in encoded]


def instance_columns(items: Sequence[dict[str, Any]]) -> dict[str, list]:
    """One row per test image (example_id: the image id): predictions and truth, boxes as lists and
    masks as COCO RLE strings of the image's size (`height`, `width`), so mask AP can be recomputed
    on any resample of the images."""
    columns: dict[str, list] = {"example_id": [int(it["image_id"]) for it in items],
                                "height": [int(it["gt_masks"].shape[-2]) for it in items],
                                "width": [int(it["gt_masks"].shape[-1]) for it in items]}
    for prefix, keys in (("pred", ("boxes", "scores", "labels", "masks")),
                         ("gt", ("gt_boxes", "gt_labels", "gt_masks"))):
        for key in keys:
            name = f"{prefix}_{key.removeprefix('gt_')}"
            columns[name] = [_rle(it[key]) if key.endswith("masks") else it[key].tolist() for it in items]
    return columns


def _decoded(rles: Sequence[str], height: int, width: int) -> torch.Tensor:
    """(m, H, W) bool masks from `_rle`'s strings (lossless: COCO RLE is exact)."""
    import numpy as np
    from pycocotools import mask as mask_utils

    if not len(rles):
        return torch.zeros((0, height, width), dtype=torch.bool)
    decoded = mask_utils.decode([{"size": [height, width], "counts": str(r).encode("ascii")} for r in rles])
    return torch.from_numpy(np.ascontiguousarray(decoded.transpose(2, 0, 1)).astype(bool))


def instance_items(columns: dict[str, Sequence]) -> list[dict[str, Any]]:
    """The inverse of `instance_columns`: what `instance_metrics` takes, from rows read back from parquet."""
    items = detection_items(columns)  # the same box, score and label columns
    for n, item in enumerate(items):
        size = int(columns["height"][n]), int(columns["width"][n])
        item["masks"], item["gt_masks"] = (_decoded(columns[name][n], *size) for name in ("pred_masks", "gt_masks"))
    return items


class InstanceSegmentationProtocol(DetectionProtocol):
    """Detection's training and evaluation loop (gathered per-image items, de-duplicated by image id),
    with masks in each item and COCO mask AP as the metrics."""

    objectives = FAMILY.objectives  # model_loss: the model's own (box + class + mask) loss

    def training_step(self, model: torch.nn.Module, batch: dict[str, Any], objective: str) -> torch.Tensor:
        targets = [{"boxes": b, "labels": c, "masks": m}
                   for b, c, m in zip(batch["boxes"], batch["labels"], batch["instance_masks"], strict=True)]
        return model(batch["pixel_values"], targets)

    def items(self, batch: dict[str, Any], preds: list[dict[str, torch.Tensor]]) -> list[dict[str, Any]]:
        return [{"image_id": int(i), "boxes": p["boxes"].cpu(), "scores": p["scores"].cpu(),
                 "labels": p["labels"].cpu(), "masks": p["masks"].cpu() > MASK_THRESHOLD,
                 "gt_boxes": b.cpu(), "gt_labels": c.cpu(), "gt_masks": m.cpu()}
                for i, p, b, c, m in zip(batch["image_id"], preds, batch["boxes"], batch["labels"],
                                         batch["instance_masks"], strict=True)]

    metrics = staticmethod(instance_metrics)
    columns = staticmethod(instance_columns)
    picture = "instance_grid"
