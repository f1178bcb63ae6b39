"""How attributions are scored (model interface: `tasks.attribution.interface.Explainer`).

The protocol holds the task's trained classifier; the run's model is the explainer. Nothing trains:
the family's one objective, "none", exists because every family names one, and `training_step`
refuses to run. Each test batch is explained once, and every metric is computed per image
(tasks/attribution/scoring.py), so a split's score is the mean of its per-image rows and the
records' per-example columns recompute it on any resample. Distributed evaluation: per-image rows are
gathered with `gather_for_metrics`, which drops the images the sampler repeated.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
from tqdm.auto import tqdm

from harness.contracts import Evaluation
from harness.io import atomic_write
from tasks.attribution import FAMILY
from tasks.attribution.scoring import METRIC_NAMES, heatmap, score_batch

GRID = 6  # test images drawn by write_artifacts


class AttributionProtocol:
    objectives = FAMILY.objectives

    def __init__(self, classifier: torch.nn.Module) -> None:
        self.classifier = classifier

    def training_step(self, model: torch.nn.Module, batch: dict[str, Any], objective: str) -> torch.Tensor:
        raise RuntimeError("attribution methods do not train: the task's classifier is trained by the task")

    def heatmaps(self, explainer: torch.nn.Module, classifier: torch.nn.Module, pixel_values: torch.Tensor,
                 targets: torch.Tensor) -> torch.Tensor:
        """(B, 1, H, W) relevance of `classifier`'s decision for `targets`, as the explainer attributes it."""
        with torch.enable_grad():  # gradient methods need the input's gradient even inside evaluation
            return heatmap(explainer(classifier, pixel_values.detach().clone().requires_grad_(True), targets))

    def evaluate(self, accelerator, model: torch.nn.Module, loader, desc: str,
                 per_example: bool = False) -> Evaluation:
        explainer = model
        t0 = time.perf_counter()
        classifier = self.classifier.to(accelerator.device).eval()
        seed = torch.initial_seed() % 2**31  # the run's seed (the runner set it): the randomisation test's draw

        def explain(model: torch.nn.Module, inputs, targets, **_) -> np.ndarray:  # Quantus's keywords
            x = torch.as_tensor(inputs, device=accelerator.device)
            t = torch.as_tensor(targets, device=accelerator.device)
            return self.heatmaps(explainer, model, x, t).cpu().numpy()

        rows: list[torch.Tensor] = []
        for batch in tqdm(loader, desc=desc, leave=False, disable=None if accelerator.is_main_process else True):
            x, y = batch["pixel_values"].to(accelerator.device), batch["labels"].to(accelerator.device)
            heat = self.heatmaps(explainer, classifier, x, y)
            scores = score_batch(classifier, x, y, heat, batch["masks"], explain, seed)
            table = torch.as_tensor(np.stack([scores[k] for k in METRIC_NAMES], 1), device=accelerator.device)
            rows.append(accelerator.gather_for_metrics(table).cpu())  # drops the sampler's repeated images
        table = torch.cat(rows).double().numpy()
        metrics = {k: float(table[:, i].mean()) for i, k in enumerate(METRIC_NAMES)}
        columns = None
        if per_example:  # one row per image, in split order; every metric is the mean of its column
            columns = {"example_id": np.arange(len(table)), **{k: table[:, i] for i, k in enumerate(METRIC_NAMES)}}
        return Evaluation(metrics=metrics, num_samples=len(table), seconds=time.perf_counter() - t0,
                          per_example=columns)

    def write_artifacts(self, accelerator, model: torch.nn.Module, dataset, run_dir: Path) -> None:
        """attributions.png: test images in rows; the image, its mask and the method's heatmap."""
        from tasks.attribution.pictures import attribution_grid

        batch = dataset.__getitems__(list(range(min(GRID, len(dataset)))))
        x, y = batch["pixel_values"].to(accelerator.device), batch["labels"].to(accelerator.device)
        heat = self.heatmaps(model, self.classifier.to(accelerator.device), x, y).cpu()
        figure = attribution_grid(batch["pixel_values"], batch["masks"], {"heatmap": heat})
        atomic_write(Path(run_dir) / "attributions.png", lambda tmp: figure.savefig(tmp, format="png", dpi=150))
