"""How generative models are trained and scored.

Method interface: `model(pixel_values, labels)` returns the model's own training loss (pixels in
[0, 1]); `model.generate(labels)` returns one image per label, pixels in [0, 1]. Optionally
`model.trajectory(label)` returns a few intermediate images of one sample (diffusion), drawn as
a strip by `write_artifacts`.

Distributed evaluation: each process generates the samples for the test labels of its batches;
real and generated features are gathered with `gather_for_metrics`, which drops the examples the
distributed sampler repeated, so every test label yields exactly one sample at any world size.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
from tqdm.auto import tqdm

from harness.contracts import Evaluation
from tasks.generative import FAMILY
from tasks.generative.metrics import frechet_distance, precision_recall
from tasks.generative.reference import ReferenceCNN

GRID_PER_CLASS = 8


class GenerativeProtocol:
    objectives = FAMILY.objectives  # each method computes its own loss (noise MSE, ELBO, GAN losses)

    def __init__(self, reference: ReferenceCNN, floor: float, num_classes: int,
                 features: torch.nn.Module | None = None) -> None:
        # `reference` classifies the samples; `features` (InceptionV3 when given, else the reference
        # itself) is the space of FD and precision/recall
        self.reference, self.floor, self.num_classes = reference, floor, num_classes
        self.features = reference if features is None else features

    def training_step(self, model: torch.nn.Module, batch: dict[str, torch.Tensor], objective: str) -> torch.Tensor:
        return model(batch["pixel_values"], batch["labels"])

    @torch.no_grad()
    def evaluate(self, accelerator, model: torch.nn.Module, loader, desc: str,
                 per_example: bool = False) -> Evaluation:
        model.eval()
        reference = self.reference.to(accelerator.device)
        features = self.features.to(accelerator.device)
        generate = accelerator.unwrap_model(model).generate
        t0 = time.perf_counter()
        real, fake, logits, labels = [], [], [], []
        for batch in tqdm(loader, desc=f"{desc} (sampling)", leave=False,
                          disable=None if accelerator.is_main_process else True):
            samples = generate(batch["labels"]).clamp(0, 1)
            ref_fake = reference(samples)
            fake_features = ref_fake if features is reference else features(samples)
            parts = (features(batch["pixel_values"]), fake_features, reference.head(ref_fake), batch["labels"])
            for out, part in zip((real, fake, logits, labels), accelerator.gather_for_metrics(parts), strict=True):
                out.append(part.cpu())
        real, fake, logits, labels = (torch.cat(x) for x in (real, fake, logits, labels))
        seconds = time.perf_counter() - t0
        precision, recall = precision_recall(real, fake)
        metrics = {"fd": frechet_distance(real, fake), "precision": precision, "recall": recall,
                   "class_accuracy": float((logits.argmax(1) == labels).double().mean()),
                   "fd_real_floor": self.floor}
        model.train()
        return Evaluation(metrics=metrics, num_samples=len(labels), seconds=seconds,
                          per_example=_columns(real, fake, logits, labels) if per_example else None)

    @torch.no_grad()
    def write_artifacts(self, accelerator, model: torch.nn.Module, dataset, run_dir: Path) -> None:
        """samples.png: one row per class; trajectory.png: one sample's denoising steps (diffusion)."""
        from torchvision.utils import save_image

        model.eval()
        labels = torch.arange(self.num_classes).repeat_interleave(GRID_PER_CLASS).to(accelerator.device)
        save_image(model.generate(labels).clamp(0, 1).cpu(), Path(run_dir) / "samples.png", nrow=GRID_PER_CLASS,
                   padding=1)
        if hasattr(model, "trajectory"):
            steps = model.trajectory(labels[:1]).clamp(0, 1).cpu()
            save_image(steps, Path(run_dir) / "trajectory.png", nrow=len(steps), padding=1)
        model.train()


def _columns(real: torch.Tensor, fake: torch.Tensor, logits: torch.Tensor, labels: torch.Tensor) -> dict[str, Any]:
    """One row per test label (example_id: its index in the split, gather_for_metrics keeps the order):
    the sample generated for it and the real test image, both in the FD features, so FD and
    precision/recall can be recomputed on a resample; class_correct is what class_accuracy averages."""
    preds = logits.argmax(1)
    return {"example_id": np.arange(len(labels)), "label": labels.numpy(), "class_prediction": preds.numpy(),
            "class_correct": (preds == labels).numpy(), "real_features": real.float().numpy(),
            "generated_features": fake.float().numpy()}
