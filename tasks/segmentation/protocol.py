"""How semantic segmentation is trained and scored (model interface: `tasks.segmentation.interface.Segmenter`).

Logits are upsampled bilinearly to the mask's size. Distributed evaluation: predictions are tensors
of equal shapes gathered with `gather_for_metrics`, which drops the images the sampler repeated.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from harness.contracts import Evaluation
from tasks.scenes.data import IGNORE_INDEX
from tasks.segmentation import FAMILY

GRID = 8  # test images drawn by write_artifacts


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


def pixel_counts(preds: torch.Tensor, masks: torch.Tensor,
                 num_classes: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Per image: per-class intersection and union pixel counts (B, K) and the labelled pixels (B,),
    IGNORE_INDEX pixels left out as in SegmentationMetrics. Summed over any set of images they give
    that set's mIoU (sum I / sum U per class, mean over classes with a non-zero union) and pixel
    accuracy (sum I / sum labelled)."""
    b = len(masks)
    valid = masks != IGNORE_INDEX
    image = torch.arange(b)[:, None, None].expand_as(masks)[valid] * num_classes
    truth, pred = masks[valid].long(), preds[valid].long()

    def count(index: torch.Tensor) -> torch.Tensor:
        return torch.bincount(index, minlength=b * num_classes).reshape(b, num_classes)

    hit = truth == pred
    intersection = count(image[hit] + truth[hit])
    union = count(image + truth) + count(image + pred) - intersection
    return intersection, union, valid.flatten(1).sum(1)


def metrics_from_counts(intersection: np.ndarray, union: np.ndarray, labelled: np.ndarray) -> dict[str, float]:
    """mIoU and pixel accuracy of any set of images from their per-example rows ((N, K), (N, K), (N,)),
    with SegmentationMetrics' conventions: a class whose union is empty is left out of the mean."""
    i, u = intersection.sum(0).astype(np.float64), union.sum(0).astype(np.float64)
    present = u > 0
    return {"mIoU": float((i[present] / u[present]).mean()), "pixel_accuracy": float(i.sum() / labelled.sum())}


class SegmentationProtocol:
    objectives = FAMILY.objectives  # cross_entropy per pixel, ignore_index honoured

    def __init__(self, num_classes: int, class_names: Sequence[str]) -> None:
        self.num_classes, self.class_names = num_classes, tuple(class_names)

    def training_step(self, model: torch.nn.Module, batch: dict[str, Any], objective: str) -> torch.Tensor:
        return F.cross_entropy(upsampled_logits(model, batch["pixel_values"]), batch["masks"],
                               ignore_index=IGNORE_INDEX)

    @torch.no_grad()
    def evaluate(self, accelerator, model: torch.nn.Module, loader, desc: str,
                 per_example: bool = False) -> Evaluation:
        model.eval()
        t0 = time.perf_counter()
        metrics, n = SegmentationMetrics(self.num_classes), 0
        counts: list[tuple[torch.Tensor, ...]] = []
        for batch in tqdm(loader, desc=desc, leave=False, disable=None if accelerator.is_main_process else True):
            preds = upsampled_logits(model, batch["pixel_values"]).argmax(1)
            # drops the images that the distributed sampler repeated to even out the last batch
            preds, masks = (t.cpu() for t in accelerator.gather_for_metrics((preds, batch["masks"])))
            metrics.update(preds, masks)
            if per_example:
                counts.append(pixel_counts(preds, masks, self.num_classes))
            n += len(masks)
        out = metrics.compute()
        model.train()
        columns = None
        if per_example:  # one row per image, in split order (gather_for_metrics keeps it)
            intersection, union, labelled = (torch.cat(c) for c in zip(*counts, strict=True))
            columns = {"example_id": np.arange(n), "intersection": intersection.numpy(), "union": union.numpy(),
                       "labelled_pixels": labelled.numpy()}
        return Evaluation(metrics=out, num_samples=n, seconds=time.perf_counter() - t0, per_example=columns)

    @torch.no_grad()
    def write_artifacts(self, accelerator, model: torch.nn.Module, dataset, run_dir: Path) -> None:
        from tasks.scenes.pictures import segmentation_grid

        model.eval()
        batch = dataset.__getitems__(list(range(min(GRID, len(dataset)))))
        preds = upsampled_logits(model, batch["pixel_values"].to(accelerator.device)).argmax(1).cpu()
        segmentation_grid(batch, preds).save(Path(run_dir) / "predictions.png")
        model.train()
