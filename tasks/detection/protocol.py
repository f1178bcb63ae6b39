"""How detection and segmentation are trained and scored: one protocol per family.

Detection models follow one interface: `model(pixel_values, targets)` returns the model's own
training loss (targets: a list of {"boxes": [x1, y1, x2, y2] pixels, "labels"}), and
`model(pixel_values)` returns one {"boxes", "scores", "labels"} dict per image, boxes in pixels.
Segmentation models return per-pixel class logits (B, K, h, w) at any resolution; the protocol
upsamples them to the mask's size.

Distributed evaluation: detection predictions are gathered as per-image objects keyed by image id
and de-duplicated by id (a distributed sampler repeats images to even out the last batch);
segmentation predictions are tensors of equal shapes gathered with `gather_for_metrics`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from harness.contracts import Evaluation

IGNORE_INDEX = 255
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


class DetectionProtocol:
    objectives = ("model_loss",)  # the detector computes its own loss (focal + L1, Hungarian set loss, ...)

    def __init__(self, num_classes: int, class_names: Sequence[str]) -> None:
        self.num_classes, self.class_names = num_classes, tuple(class_names)

    def training_step(self, model: torch.nn.Module, batch: dict[str, Any], objective: str) -> torch.Tensor:
        targets = [{"boxes": b, "labels": c} for b, c in zip(batch["boxes"], batch["labels"], strict=False)]
        return model(batch["pixel_values"], targets)

    @torch.no_grad()
    def evaluate(self, accelerator, model: torch.nn.Module, loader, desc: str) -> Evaluation:
        model.eval()
        t0 = time.perf_counter()
        items: list[dict[str, Any]] = []
        for batch in tqdm(loader, desc=desc, leave=False, disable=None if accelerator.is_main_process else True):
            preds = model(batch["pixel_values"])
            local = [{"image_id": int(i), "boxes": p["boxes"].cpu(), "scores": p["scores"].cpu(),
                      "labels": p["labels"].cpu(), "gt_boxes": b.cpu(), "gt_labels": c.cpu()}
                     for i, p, b, c in zip(batch["image_id"], preds, batch["boxes"], batch["labels"], strict=False)]
            items.extend(accelerator.gather_for_metrics(local, use_gather_object=True))
        items = dedup_by_image_id(items)
        metrics = detection_metrics(items)
        model.train()
        return Evaluation(metrics=metrics, num_samples=len(items), seconds=time.perf_counter() - t0)

    @torch.no_grad()
    def write_artifacts(self, accelerator, model: torch.nn.Module, dataset, run_dir: Path) -> None:
        from tasks.detection.pictures import detection_grid

        model.eval()
        batch = dataset.__getitems__(list(range(min(GRID, len(dataset)))))
        preds = model(batch["pixel_values"].to(accelerator.device))
        detection_grid(batch, preds, self.class_names).save(Path(run_dir) / "predictions.png")
        model.train()


def upsampled_logits(model: torch.nn.Module, pixel_values: torch.Tensor) -> torch.Tensor:
    logits = model(pixel_values)
    if logits.shape[-2:] != pixel_values.shape[-2:]:
        logits = F.interpolate(logits, size=pixel_values.shape[-2:], mode="bilinear", align_corners=False)
    return logits


class SegmentationMetrics:
    """mIoU and pixel accuracy accumulated over the whole dataset (one confusion matrix), not
    averaged per image; background is a class; pixels equal to IGNORE_INDEX count nowhere. A class
    absent from both truth and predictions is left out of the mean (torchmetrics' macro weights)."""

    def __init__(self, num_classes: int) -> None:
        from torchmetrics.classification import MulticlassAccuracy, MulticlassJaccardIndex

        self.iou = MulticlassJaccardIndex(num_classes, average="macro", ignore_index=IGNORE_INDEX)
        self.acc = MulticlassAccuracy(num_classes, average="micro", ignore_index=IGNORE_INDEX)

    def update(self, preds: torch.Tensor, masks: torch.Tensor) -> None:
        self.iou.update(preds, masks)
        self.acc.update(preds, masks)

    def compute(self) -> dict[str, float]:
        return {"mIoU": float(self.iou.compute()), "pixel_accuracy": float(self.acc.compute())}


class SegmentationProtocol:
    objectives = ("cross_entropy",)  # per-pixel, ignore_index honoured

    def __init__(self, num_classes: int, class_names: Sequence[str]) -> None:
        self.num_classes, self.class_names = num_classes, tuple(class_names)

    def training_step(self, model: torch.nn.Module, batch: dict[str, Any], objective: str) -> torch.Tensor:
        return F.cross_entropy(upsampled_logits(model, batch["pixel_values"]), batch["masks"],
                               ignore_index=IGNORE_INDEX)

    @torch.no_grad()
    def evaluate(self, accelerator, model: torch.nn.Module, loader, desc: str) -> Evaluation:
        model.eval()
        t0 = time.perf_counter()
        metrics, n = SegmentationMetrics(self.num_classes), 0
        for batch in tqdm(loader, desc=desc, leave=False, disable=None if accelerator.is_main_process else True):
            preds = upsampled_logits(model, batch["pixel_values"]).argmax(1)
            # drops the images that the distributed sampler repeated to even out the last batch
            preds, masks = accelerator.gather_for_metrics((preds, batch["masks"]))
            metrics.update(preds.cpu(), masks.cpu())
            n += len(masks)
        out = metrics.compute()
        model.train()
        return Evaluation(metrics=out, num_samples=n, seconds=time.perf_counter() - t0)

    @torch.no_grad()
    def write_artifacts(self, accelerator, model: torch.nn.Module, dataset, run_dir: Path) -> None:
        from tasks.detection.pictures import segmentation_grid

        model.eval()
        batch = dataset.__getitems__(list(range(min(GRID, len(dataset)))))
        preds = upsampled_logits(model, batch["pixel_values"].to(accelerator.device)).argmax(1).cpu()
        segmentation_grid(batch, preds).save(Path(run_dir) / "predictions.png")
        model.train()
