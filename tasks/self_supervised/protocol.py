"""How self-supervised encoders are trained and scored.

Method interface (baselines/ssl.py): `model(pixel_values)` returns the method's own
self-supervised loss (its augmentations inside); a method with the `supervised` objective gets
`model(pixel_values, labels)` instead; `model.encode(pixel_values)` returns frozen features (N, D).

Scoring: features of the whole train split (the probe's training set and the kNN memory bank)
and of the evaluated split; every process embeds the train split itself (it is small and this
keeps the bank identical everywhere), while the evaluated split is sharded and collected with
`gather_for_metrics`, so each test example counts once at any world size.
"""

from __future__ import annotations

import time

import numpy as np
import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from harness.contracts import Evaluation
from tasks.self_supervised import FAMILY, KNN_K, KNN_T

EMBED_BATCH = 512


def knn_predict(bank: torch.Tensor, bank_labels: torch.Tensor, queries: torch.Tensor, num_classes: int,
                k: int = KNN_K, t: float = KNN_T) -> torch.Tensor:
    """Weighted kNN (Wu et al. 2018, as in DINO): the k most cosine-similar bank entries vote for
    their class with weight exp(similarity / t)."""
    sim = F.normalize(queries, dim=1) @ F.normalize(bank, dim=1).T
    top, idx = sim.topk(min(k, len(bank)), dim=1)
    votes = torch.zeros(len(queries), num_classes, dtype=sim.dtype)
    votes.scatter_add_(1, bank_labels[idx], (top / t).exp())
    return votes.argmax(1)


def make_probe():
    """The task's linear probe, unfitted: logistic regression (lbfgs, deterministic) on standardised
    features (benchmarks/sklearn_reference.py fits the same one on raw pixels)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000, C=1.0))


def probe_predict(train: torch.Tensor, labels: torch.Tensor, test: torch.Tensor) -> torch.Tensor:
    """A linear probe fitted on `train` features, predicting `test`."""
    probe = make_probe()
    probe.fit(train.double().numpy(), labels.numpy())
    return torch.from_numpy(probe.predict(test.double().numpy()))


class SSLProtocol:
    objectives = FAMILY.objectives

    def __init__(self, train, num_classes: int) -> None:
        self.train, self.num_classes = train, num_classes

    def training_step(self, model: torch.nn.Module, batch: dict[str, torch.Tensor], objective: str) -> torch.Tensor:
        if objective == "supervised":
            return model(batch["pixel_values"], batch["labels"])
        return model(batch["pixel_values"])  # labels stay hidden

    @torch.no_grad()
    def _bank(self, encode, device) -> tuple[torch.Tensor, torch.Tensor]:
        x, y = self.train.tensors["pixel_values"], self.train.tensors["labels"]
        feats = [encode(x[i:i + EMBED_BATCH].to(device)).float().cpu() for i in range(0, len(x), EMBED_BATCH)]
        return torch.cat(feats), y

    @torch.no_grad()
    def evaluate(self, accelerator, model: torch.nn.Module, loader, desc: str,
                 per_example: bool = False) -> Evaluation:
        model.eval()
        encode = accelerator.unwrap_model(model).encode
        t0 = time.perf_counter()
        bank, bank_labels = self._bank(encode, accelerator.device)
        feats, labels = [], []
        for batch in tqdm(loader, desc=f"{desc} (embedding)", leave=False,
                          disable=None if accelerator.is_main_process else True):
            f, y = accelerator.gather_for_metrics((encode(batch["pixel_values"]).float(), batch["labels"]))
            feats.append(f.cpu())
            labels.append(y.cpu())
        feats, labels = torch.cat(feats), torch.cat(labels)
        probe = probe_predict(bank, bank_labels, feats)
        knn = knn_predict(bank, bank_labels, feats, self.num_classes)
        metrics = {"probe_top1": float((probe == labels).double().mean()),
                   "knn_top1": float((knn == labels).double().mean())}
        model.train()
        columns = None
        if per_example:  # one row per example of the split, in its order (gather_for_metrics keeps it)
            columns = {"example_id": np.arange(len(labels)), "label": labels.numpy(),
                       "probe_prediction": probe.numpy(), "probe_correct": (probe == labels).numpy(),
                       "knn_prediction": knn.numpy(), "knn_correct": (knn == labels).numpy()}
        return Evaluation(metrics=metrics, num_samples=len(labels), seconds=time.perf_counter() - t0,
                          per_example=columns)
