"""How detection is trained and scored (model interface: `tasks.detection.interface.Detector`).

Distributed evaluation: predictions are gathered as per-image objects keyed by image id and
de-duplicated by id (a distributed sampler repeats images to even out the last batch).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import torch
from tqdm.auto import tqdm

from harness.contracts import Evaluation
from tasks.detection import FAMILY

GRID = 8  # test images drawn by write_artifacts


def dedup_by_image_id(items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per image id (the first seen), in id order: each image counts once at any world size."""
    seen: dict[int, dict[str, Any]] = {}
    for item in items:
        seen.setdefault(int(item["image_id"]), item)
    return [seen[k] for k in sorted(seen)]


def detection_metrics(items: Sequence[dict[str, Any]]) -> dict[str, float]:
    """COCO mAP@[.50:.95], mAP50 and mAP75 (torchmetrics MeanAveragePrecision, pycocotools backend).

    Each item holds one image's predictions (boxes, scores, labels) and truth (gt_boxes, gt_labels),
    boxes as [x1, y1, x2, y2] pixels."""
    from torchmetrics.detection import MeanAveragePrecision

    metric = MeanAveragePrecision(box_format="xyxy", iou_type="bbox", backend="pycocotools")
    metric.update(
        [{"boxes": it["boxes"].float(), "scores": it["scores"].float(), "labels": it["labels"].long()} for it in items],
        [{"boxes": it["gt_boxes"].float(), "labels": it["gt_labels"].long()} for it in items],
    )
    out = metric.compute()
    return {"mAP": float(out["map"]), "mAP50": float(out["map_50"]), "mAP75": float(out["map_75"])}


# per-example column -> key of a `detection_metrics` item
_COLUMN_KEYS = {"pred_boxes": "boxes", "pred_scores": "scores", "pred_labels": "labels",
                "gt_boxes": "gt_boxes", "gt_labels": "gt_labels"}


def detection_columns(items: Sequence[dict[str, Any]]) -> dict[str, list]:
    """One row per test image (example_id: the dataset's image_id), its predictions and its truth as
    list columns (boxes [x1, y1, x2, y2] pixels): `detection_items` turns rows back into what
    `detection_metrics` takes, so mAP can be recomputed on any resample of the images."""
    return {"example_id": [int(it["image_id"]) for it in items]} | {
        column: [it[key].tolist() for it in items] for column, key in _COLUMN_KEYS.items()}


def _tensor(values: Sequence, boxes: bool) -> torch.Tensor:
    if boxes:  # (n, 4), also when n = 0
        return torch.tensor([list(box) for box in values], dtype=torch.float64).reshape(-1, 4)
    return torch.tensor(list(values))


def detection_items(columns: dict[str, Sequence]) -> list[dict[str, Any]]:
    """The inverse of `detection_columns` (rows read back from parquet hold arrays or lists)."""
    return [{"image_id": int(i)} | {key: _tensor(columns[column][n], boxes=key.endswith("boxes"))
                                    for column, key in _COLUMN_KEYS.items()}
            for n, i in enumerate(columns["example_id"])]


class DetectionProtocol:
    objectives = FAMILY.objectives  # model_loss: the detector's own loss (focal + L1, Hungarian set loss, ...)

    def __init__(self, num_classes: int, class_names: Sequence[str]) -> None:
        self.num_classes, self.class_names = num_classes, tuple(class_names)

    def training_step(self, model: torch.nn.Module, batch: dict[str, Any], objective: str) -> torch.Tensor:
        targets = [{"boxes": b, "labels": c} for b, c in zip(batch["boxes"], batch["labels"], strict=False)]
        return model(batch["pixel_values"], targets)

    @torch.no_grad()
    def evaluate(self, accelerator, model: torch.nn.Module, loader, desc: str,
                 per_example: bool = False) -> Evaluation:
        model.eval()
        t0 = time.perf_counter()
        items: list[dict[str, Any]] = []
        for batch in tqdm(loader, desc=desc, leave=False, disable=None if accelerator.is_main_process else True):
            local = self.items(batch, model(batch["pixel_values"]))
            items.extend(accelerator.gather_for_metrics(local, use_gather_object=True))
        items = dedup_by_image_id(items)
        metrics = self.metrics(items)
        model.train()
        return Evaluation(metrics=metrics, num_samples=len(items), seconds=time.perf_counter() - t0,
                          per_example=self.columns(items) if per_example else None)

    # what a subclass scoring more than boxes (instance segmentation) replaces: one item per image, the
    # metrics of a list of items, and their per-example columns
    def items(self, batch: dict[str, Any], preds: list[dict[str, torch.Tensor]]) -> list[dict[str, Any]]:
        return [{"image_id": int(i), "boxes": p["boxes"].cpu(), "scores": p["scores"].cpu(),
                 "labels": p["labels"].cpu(), "gt_boxes": b.cpu(), "gt_labels": c.cpu()}
                for i, p, b, c in zip(batch["image_id"], preds, batch["boxes"], batch["labels"], strict=False)]

    metrics = staticmethod(detection_metrics)
    columns = staticmethod(detection_columns)
    picture = "detection_grid"  # the tasks.scenes.pictures function write_artifacts draws with

    @torch.no_grad()
    def write_artifacts(self, accelerator, model: torch.nn.Module, dataset, run_dir: Path) -> None:
        from tasks.scenes import pictures

        model.eval()
        batch = dataset.__getitems__(list(range(min(GRID, len(dataset)))))
        preds = [{k: v.cpu() for k, v in p.items()} for p in model(batch["pixel_values"].to(accelerator.device))]
        getattr(pictures, self.picture)(batch, preds, self.class_names).save(Path(run_dir) / "predictions.png")
        model.train()
