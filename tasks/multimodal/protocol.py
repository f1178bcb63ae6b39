"""How image-text models are trained and scored.

Method interface (baselines/clip.py): `model(pixel_values, input_ids)` returns L2-normalised image
and text features and the logit scale; `model.tokenize(list[str])` gives input ids;
`model.encode_image(pixels)` / `model.encode_text(ids, normalize=True)` give normalised features.
Pixels arrive in [0, 1]; the model owns its resizing and normalisation.

Training (both tasks): open_clip's ClipLoss on one caption per image. With several processes the
features are gathered with gradients (`local_loss`, `gather_with_grad`: open_clip's recommended
distributed setting), so the negatives are the whole global batch.

Distributed evaluation: image and caption features are computed where their batch lands and
collected with `gather_for_metrics`, which drops the examples the sampler repeated; every image
and caption counts once at any world size.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import torch
from tqdm.auto import tqdm

from harness.contracts import Evaluation
from tasks.multimodal import FAMILY

RECALL_KS = (1, 5, 10)


def _unwrapped(model: torch.nn.Module) -> torch.nn.Module:
    return getattr(model, "module", model)  # DistributedDataParallel keeps the model in .module


class ContrastiveTraining:
    objectives = FAMILY.objectives

    def __init__(self) -> None:
        self._loss = None

    def training_step(self, model: torch.nn.Module, batch: dict, objective: str) -> torch.Tensor:
        if self._loss is None:
            from open_clip.loss import ClipLoss

            dist = torch.distributed.is_available() and torch.distributed.is_initialized()
            rank, world = (torch.distributed.get_rank(), torch.distributed.get_world_size()) if dist else (0, 1)
            self._loss = ClipLoss(local_loss=world > 1, gather_with_grad=world > 1, cache_labels=True,
                                  rank=rank, world_size=world)
        ids = _unwrapped(model).tokenize(batch["caption"]).to(batch["pixel_values"].device)
        image, text, scale = model(batch["pixel_values"], ids)
        return self._loss(image, text, scale)


def _bar(loader, accelerator, desc: str):
    return tqdm(loader, desc=desc, leave=False, disable=None if accelerator.is_main_process else True)


def recall_at_k(scores: torch.Tensor, positives: torch.Tensor, ks: tuple[int, ...]) -> dict[int, float]:
    """CLIP_benchmark's Recall@K: a query is a hit when any of its positives is in its top k.
    scores and positives: (queries, candidates). torchmetrics' RetrievalHitRate is exactly that."""
    from torchmetrics.retrieval import RetrievalHitRate

    indexes = torch.arange(scores.shape[0])[:, None].expand_as(scores).reshape(-1)
    out = {}
    for k in ks:
        metric = RetrievalHitRate(top_k=k)
        out[k] = float(metric(scores.reshape(-1), positives.reshape(-1), indexes=indexes))
    return out


def query_hits(scores: torch.Tensor, positives: torch.Tensor, ks: tuple[int, ...]) -> dict[int, torch.Tensor]:
    """Per query, whether any of its positives is in its top k (the hits that recall_at_k averages)."""
    top = positives.gather(1, scores.topk(min(max(ks), scores.shape[1]), dim=1).indices)
    return {k: top[:, :k].any(dim=1) for k in ks}


def retrieval_columns(scores: torch.Tensor, positives: torch.Tensor, captions: int) -> dict[str, Any]:
    """One row per test image (example_id: its index in the split, gather_for_metrics keeps the order):
    i2t_hit@k for the image as query, and t2i_hit@k as a list of `captions` booleans, one per caption
    of the image as query. i2t_r<k> is the mean of i2t_hit@k; t2i_r<k> the mean over all list items."""
    i2t, t2i = query_hits(scores, positives, RECALL_KS), query_hits(scores.T, positives.T, RECALL_KS)
    n = len(scores)
    return ({"example_id": np.arange(n)} | {f"i2t_hit@{k}": hit.numpy() for k, hit in i2t.items()}
            | {f"t2i_hit@{k}": hit.reshape(n, captions).numpy() for k, hit in t2i.items()})


class RetrievalProtocol(ContrastiveTraining):
    """Image-to-text and text-to-image Recall@1/5/10 over a split with K captions per image."""

    @torch.no_grad()
    def evaluate(self, accelerator, model: torch.nn.Module, loader, desc: str,
                 per_example: bool = False) -> Evaluation:
        model.eval()
        clip = accelerator.unwrap_model(model)
        t0 = time.perf_counter()
        images, texts = [], []
        for batch in _bar(loader, accelerator, f"{desc} (encoding)"):
            k = len(batch["captions"][0])
            ids = clip.tokenize([c for caps in batch["captions"] for c in caps]).to(batch["pixel_values"].device)
            parts = (clip.encode_image(batch["pixel_values"]),
                     clip.encode_text(ids, normalize=True).view(len(batch["captions"]), k, -1))
            image, text = accelerator.gather_for_metrics(parts)
            images.append(image.float().cpu())
            texts.append(text.float().cpu())
        image, text = torch.cat(images), torch.cat(texts)
        n, k = text.shape[:2]
        scores = image @ text.reshape(n * k, -1).T  # (images, captions)
        owner = torch.arange(n * k) // k  # caption j describes image owner[j]
        positives = owner[None, :] == torch.arange(n)[:, None]
        i2t = recall_at_k(scores, positives, RECALL_KS)
        t2i = recall_at_k(scores.T, positives.T, RECALL_KS)
        seconds = time.perf_counter() - t0
        metrics = {f"i2t_r{k_}": v for k_, v in i2t.items()} | {f"t2i_r{k_}": v for k_, v in t2i.items()}
        metrics["mean_recall"] = sum(metrics.values()) / len(metrics)
        model.train()
        return Evaluation(metrics=metrics, num_samples=n, seconds=seconds,
                          per_example=retrieval_columns(scores, positives, k) if per_example else None)


class ZeroShotProtocol(ContrastiveTraining):
    """Zero-shot top-1 for one or more label sets, each with its class names and prompt templates.

    `<set>_top1` uses CLIP's prompt ensemble (the class embedding is the mean over the templates,
    open_clip's build_zero_shot_classifier); `<set>_top1_per_template` is the mean of the top-1
    of each template alone, which shows how much the ensemble buys. Batches carry `label_<set>`."""

    def __init__(self, label_sets: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]) -> None:
        super().__init__()
        self.label_sets = label_sets

    def _classifiers(self, clip, device) -> dict[str, list[torch.Tensor]]:
        from open_clip import build_zero_shot_classifier

        out = {}
        for name, (classes, templates) in self.label_sets.items():
            def build(tpl, classes=classes):
                return build_zero_shot_classifier(clip, clip.tokenize, classes, tpl, num_classes_per_batch=None,
                                                  device=device)

            out[name] = [build(templates)] + [build((t,)) for t in templates]  # ensemble first
        return out

    @torch.no_grad()
    def evaluate(self, accelerator, model: torch.nn.Module, loader, desc: str,
                 per_example: bool = False) -> Evaluation:
        model.eval()
        clip = accelerator.unwrap_model(model)
        t0 = time.perf_counter()
        classifiers = self._classifiers(clip, accelerator.device)
        names = list(classifiers)
        preds: dict[str, list[torch.Tensor]] = {n: [] for n in names}
        labels: dict[str, list[torch.Tensor]] = {n: [] for n in names}
        for batch in _bar(loader, accelerator, f"{desc} (zero-shot)"):
            features = clip.encode_image(batch["pixel_values"])
            parts = tuple(torch.stack([(features @ w.to(features.dtype)).argmax(1) for w in classifiers[n]], 1)
                          for n in names) + tuple(batch[f"label_{n}"] for n in names)
            parts = accelerator.gather_for_metrics(parts)
            for i, n in enumerate(names):
                preds[n].append(parts[i].cpu())
                labels[n].append(parts[len(names) + i].cpu())
        metrics, columns = {}, {}
        for n in names:
            pred, label = torch.cat(preds[n]), torch.cat(labels[n])
            hits = (pred == label[:, None]).double()  # (samples, 1 + templates)
            metrics[f"{n}_top1"] = float(hits[:, 0].mean())
            metrics[f"{n}_top1_per_template"] = float(hits[:, 1:].mean())
            # one row per test image: the ensemble's answer, and each template's alone as a list
            columns |= {f"{n}_label": label.numpy(), f"{n}_prediction": pred[:, 0].numpy(),
                        f"{n}_correct": hits[:, 0].bool().numpy(),
                        f"{n}_correct_per_template": hits[:, 1:].bool().numpy()}
        model.train()
        columns = ({"example_id": np.arange(len(hits))} | columns) if per_example else None
        return Evaluation(metrics=metrics, num_samples=len(hits), seconds=time.perf_counter() - t0,
                          per_example=columns)
