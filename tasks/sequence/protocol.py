"""How sequence models are trained and scored: classification (accuracy) and regression (MSE).

Method interface: `model(inputs, attention_mask)` (tasks/sequence/interface.py). The family's one
objective, `cross_entropy`, is the negative log-likelihood of the task's targets: the categorical
cross-entropy of the logits for classification, and for regression the cross-entropy with a
unit-variance Gaussian model, which is the squared error up to a factor 1/2 and a constant (Goodfellow
et al. 2016, section 5.5.1); the regression protocol trains on the mean squared error itself, so the
training loss is the scored metric.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from harness.contracts import Evaluation
from tasks.sequence import FAMILY


@torch.no_grad()
def gather_outputs(accelerator, model: torch.nn.Module, loader, desc: str
                   ) -> tuple[torch.Tensor, torch.Tensor, float]:
    """Outputs and labels of a whole split in split order, each example once at any world size, and the seconds."""
    model.eval()
    t0, outputs, labels = time.perf_counter(), [], []
    for batch in tqdm(loader, desc=desc, leave=False, disable=None if accelerator.is_main_process else True):
        out = model(batch["inputs"], batch["attention_mask"])
        # drops the examples that the distributed sampler repeated to even out the last batch
        out, y = accelerator.gather_for_metrics((out, batch["labels"]))
        outputs.append(out.float().cpu())
        labels.append(y.cpu())
    model.train()
    return torch.cat(outputs), torch.cat(labels), time.perf_counter() - t0


class SequenceClassificationProtocol:
    """Cross-entropy on the logits; scored by top-1 accuracy over the split."""

    objectives = FAMILY.objectives

    def __init__(self, num_classes: int) -> None:
        self.num_classes = num_classes

    def training_step(self, model: torch.nn.Module, batch: dict[str, torch.Tensor], objective: str) -> torch.Tensor:
        return F.cross_entropy(model(batch["inputs"], batch["attention_mask"]), batch["labels"])

    def evaluate(self, accelerator, model: torch.nn.Module, loader, desc: str,
                 per_example: bool = False) -> Evaluation:
        logits, labels, seconds = gather_outputs(accelerator, model, loader, desc)
        preds = logits.argmax(dim=1)
        correct = (preds == labels).numpy()
        rows: dict[str, Any] | None = None
        if per_example:  # accuracy is the mean of `correct`
            rows = {"example_id": np.arange(len(labels)), "label": labels.numpy(), "prediction": preds.numpy(),
                    "correct": correct}
        return Evaluation(metrics={"accuracy": float(correct.mean())}, num_samples=len(labels), seconds=seconds,
                          per_example=rows)


class SequenceRegressionProtocol:
    """Mean squared error, trained and scored (see the module docstring for the objective's name)."""

    objectives = FAMILY.objectives

    def training_step(self, model: torch.nn.Module, batch: dict[str, torch.Tensor], objective: str) -> torch.Tensor:
        return F.mse_loss(model(batch["inputs"], batch["attention_mask"]), batch["labels"])

    def evaluate(self, accelerator, model: torch.nn.Module, loader, desc: str,
                 per_example: bool = False) -> Evaluation:
        preds, targets, seconds = gather_outputs(accelerator, model, loader, desc)
        squared = (preds.double() - targets.double()) ** 2
        rows: dict[str, Any] | None = None
        if per_example:  # mse is the mean of `squared_error`
            rows = {"example_id": np.arange(len(targets)), "target": targets.numpy(), "prediction": preds.numpy(),
                    "squared_error": squared.numpy()}
        return Evaluation(metrics={"mse": float(squared.mean())}, num_samples=len(targets), seconds=seconds,
                          per_example=rows)
