"""How point-cloud classifiers are trained and scored: overall and mean class accuracy (ModelNet).

Method interface: `model(points)` -> logits, points (B, N, 3) float, centred in the unit ball.
Augmentation is the method's business (it knows whether it needs it); the protocol only scores.
"""

from __future__ import annotations

import time

import torch
import torch.nn.functional as F
from torchmetrics.functional.classification import multiclass_accuracy
from tqdm.auto import tqdm

from harness.contracts import Evaluation


class PointCloudProtocol:
    objectives = ("cross_entropy",)

    def __init__(self, num_classes: int) -> None:
        self.num_classes = num_classes

    def training_step(self, model: torch.nn.Module, batch: dict[str, torch.Tensor], objective: str) -> torch.Tensor:
        return F.cross_entropy(model(batch["points"]), batch["labels"])

    @torch.no_grad()
    def evaluate(self, accelerator, model: torch.nn.Module, loader, desc: str) -> Evaluation:
        model.eval()
        t0 = time.perf_counter()
        all_logits, all_labels = [], []
        for batch in tqdm(loader, desc=desc, leave=False, disable=None if accelerator.is_main_process else True):
            logits = model(batch["points"])
            # drops the samples that the distributed sampler repeated to even out the last batch
            logits, labels = accelerator.gather_for_metrics((logits, batch["labels"]))
            all_logits.append(logits.float().cpu())
            all_labels.append(labels.cpu())
        preds, labels = torch.cat(all_logits).argmax(dim=1), torch.cat(all_labels)
        seconds = time.perf_counter() - t0
        model.train()
        kw = {"num_classes": self.num_classes, "validate_args": False}
        metrics = {"overall_accuracy": float(multiclass_accuracy(preds, labels, average="micro", **kw)),
                   # torchmetrics' macro average skips classes absent from both labels and predictions
                   "mean_class_accuracy": float(multiclass_accuracy(preds, labels, average="macro", **kw))}
        return Evaluation(metrics=metrics, num_samples=len(labels), seconds=seconds)
