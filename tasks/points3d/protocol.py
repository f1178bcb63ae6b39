"""How point-cloud classifiers are trained and scored: overall and mean class accuracy (ModelNet).

Method interface: `model(points)` -> logits, points (B, N, 3) float, centred in the unit ball.
Augmentation is the method's business (it knows whether it needs it); the protocol only scores.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torchmetrics.functional.classification import multiclass_accuracy

from harness.contracts import Evaluation
from tasks.classification.protocol import classification_columns, gather_logits
from tasks.points3d import FAMILY


class PointCloudProtocol:
    objectives = FAMILY.objectives

    def __init__(self, num_classes: int) -> None:
        self.num_classes = num_classes

    def training_step(self, model: torch.nn.Module, batch: dict[str, torch.Tensor], objective: str) -> torch.Tensor:
        return F.cross_entropy(model(batch["points"]), batch["labels"])

    def evaluate(self, accelerator, model: torch.nn.Module, loader, desc: str,
                 per_example: bool = False) -> Evaluation:
        logits, labels, seconds = gather_logits(accelerator, model, loader, desc, "points")
        return Evaluation(metrics=pointcloud_metrics(logits.argmax(dim=1), labels, self.num_classes),
                          num_samples=len(labels), seconds=seconds,
                          per_example=classification_columns(logits, labels) if per_example else None)


def pointcloud_metrics(preds: torch.Tensor, labels: torch.Tensor, num_classes: int) -> dict[str, float]:
    """Overall and mean class accuracy of predicted classes (also on a resample of the per-example
    `prediction` and `label` columns: tasks/points3d/rescore.py)."""
    kw = {"num_classes": num_classes, "validate_args": False}
    return {"overall_accuracy": float(multiclass_accuracy(preds, labels, average="micro", **kw)),
            # torchmetrics' macro average skips classes absent from both labels and predictions
            "mean_class_accuracy": float(multiclass_accuracy(preds, labels, average="macro", **kw))}
