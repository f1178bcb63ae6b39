"""How classification is trained and scored: one protocol for every classification task."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torchmetrics.functional.classification import multiclass_accuracy, multiclass_f1_score
from tqdm.auto import tqdm

from harness.contracts import Evaluation


def _multiclass_hinge(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    # Weston-Watkins multiclass SVM loss (CS231n): sum_j!=y max(0, s_j - s_y + 1), batch mean.
    return F.multi_margin_loss(logits, labels, margin=1.0) * logits.shape[1]


OBJECTIVES = {"cross_entropy": F.cross_entropy, "multiclass_hinge": _multiclass_hinge}


class ClassificationProtocol:
    def __init__(self, num_classes: int) -> None:
        self.num_classes = num_classes

    objectives = tuple(OBJECTIVES)

    def training_step(self, model: torch.nn.Module, batch: dict[str, torch.Tensor], objective: str) -> torch.Tensor:
        return OBJECTIVES[objective](model(batch["pixel_values"]), batch["labels"])

    @torch.no_grad()
    def evaluate(self, accelerator, model: torch.nn.Module, loader, desc: str,
                 per_example: bool = False) -> Evaluation:
        logits, labels, seconds = gather_logits(accelerator, model, loader, desc, "pixel_values")
        return Evaluation(metrics=classification_metrics(logits, labels, self.num_classes),
                          num_samples=len(labels), seconds=seconds,
                          per_example=classification_columns(logits, labels) if per_example else None)


@torch.no_grad()
def gather_logits(accelerator, model: torch.nn.Module, loader, desc: str,
                  key: str) -> tuple[torch.Tensor, torch.Tensor, float]:
    """Logits and labels of a whole split, each example once at any world size, and the seconds taken.
    `key` names the model's input in the batch (pixel_values, points, ...)."""
    model.eval()
    t0 = time.perf_counter()
    all_logits, all_labels = [], []
    for batch in tqdm(loader, desc=desc, leave=False, disable=None if accelerator.is_main_process else True):
        logits = model(batch[key])
        # drops the samples that the distributed sampler repeated to even out the last batch
        logits, labels = accelerator.gather_for_metrics((logits, batch["labels"]))
        all_logits.append(logits.float().cpu())
        all_labels.append(labels.cpu())
    seconds = time.perf_counter() - t0
    model.train()
    return torch.cat(all_logits), torch.cat(all_labels), seconds


def classification_metrics(logits: torch.Tensor, labels: torch.Tensor, num_classes: int) -> dict[str, float]:
    return prediction_metrics(logits.argmax(dim=1), labels, num_classes)


def prediction_metrics(preds: torch.Tensor, labels: torch.Tensor, num_classes: int) -> dict[str, float]:
    """Accuracy, macro F1 and balanced accuracy of predicted classes: what the per-example `prediction`
    and `label` columns give back on any resample of the examples (tasks/classification/rescore.py)."""
    kw = {"num_classes": num_classes, "validate_args": False}
    return {
        "accuracy": float(multiclass_accuracy(preds, labels, average="micro", **kw)),
        "f1_macro": float(multiclass_f1_score(preds, labels, average="macro", **kw)),
        "balanced_accuracy": float(multiclass_accuracy(preds, labels, average="macro", **kw)),
    }


def classification_columns(logits: torch.Tensor, labels: torch.Tensor) -> dict[str, Any]:
    """One row per example, in split order (gather_logits keeps it): accuracy is the mean of `correct`,
    and `confidence` (the top softmax probability) serves calibration and error analysis."""
    confidence, preds = logits.float().softmax(dim=1).max(dim=1)
    return {"example_id": np.arange(len(labels)), "label": labels.numpy(), "prediction": preds.numpy(),
            "correct": (preds == labels).numpy(), "confidence": confidence.numpy()}
