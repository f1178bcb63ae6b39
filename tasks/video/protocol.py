"""How video classifiers are trained and scored: clip top-1/top-5 and video-level top-1.

Method interface: `model(pixel_values)` -> logits, pixel_values (B, T, C, H, W) in [0, 1] (the
transformers video layout). Every evaluation example is one clip of a video (`video_index`); the
video's prediction is the mean of its clips' softmax probabilities (the multi-view protocol of
I3D, SlowFast and VideoMAE), and `views` records how many clips each video had, since single-view
and multi-view numbers are not comparable.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torchmetrics.functional.classification import multiclass_accuracy
from tqdm.auto import tqdm

from harness.contracts import Evaluation
from tasks.video import FAMILY


class VideoProtocol:
    objectives = FAMILY.objectives

    def __init__(self, num_classes: int, views: int, twins: tuple[int, ...] | None = None) -> None:
        self.num_classes, self.views, self.twins = num_classes, views, twins

    def training_step(self, model: torch.nn.Module, batch: dict[str, torch.Tensor], objective: str) -> torch.Tensor:
        return F.cross_entropy(model(batch["pixel_values"]), batch["labels"])

    @torch.no_grad()
    def evaluate(self, accelerator, model: torch.nn.Module, loader, desc: str,
                 per_example: bool = False) -> Evaluation:
        model.eval()
        t0 = time.perf_counter()
        parts: list[tuple[torch.Tensor, ...]] = []
        for batch in tqdm(loader, desc=desc, leave=False, disable=None if accelerator.is_main_process else True):
            logits = model(batch["pixel_values"])
            # drops the clips that the distributed sampler repeated to even out the last batch
            gathered = accelerator.gather_for_metrics((logits, batch["labels"], batch["video_index"]))
            parts.append(tuple(t.cpu() for t in gathered))
        logits, labels, videos = (torch.cat(x) for x in zip(*parts, strict=True))
        logits = logits.float()
        seconds = time.perf_counter() - t0
        model.train()
        return Evaluation(metrics=self.metrics(logits, labels, videos), num_samples=len(labels), seconds=seconds,
                          per_example=self.columns(logits, labels, videos) if per_example else None)

    def metrics(self, logits: torch.Tensor, labels: torch.Tensor, videos: torch.Tensor) -> dict[str, float]:
        kw = {"num_classes": self.num_classes, "average": "micro", "validate_args": False}
        out = {"clip_top1": float(multiclass_accuracy(logits, labels, top_k=1, **kw)),
               "clip_top5": float(multiclass_accuracy(logits, labels, top_k=min(5, self.num_classes), **kw))}
        probs, video_labels, _ = self._videos(logits, labels, videos)
        out["video_top1"] = float(multiclass_accuracy(probs, video_labels, top_k=1, **kw))
        out["views"] = len(labels) / max(len(video_labels), 1)
        if self.twins is not None:
            out["reversal_accuracy"] = float(self._reversal(logits, labels).mean())
        return out

    def columns(self, logits: torch.Tensor, labels: torch.Tensor, videos: torch.Tensor) -> dict[str, Any]:
        """One row per test clip (example_id: the clip's index in the split). clip_* columns score the
        clip alone; video_* columns score its video (mean of its clips' probabilities) and repeat on each
        of its clips, so video_top1 is the mean of video_correct over one row per video_index."""
        probs, video_labels, inverse = self._videos(logits, labels, videos)
        clip_pred = logits.argmax(dim=1)
        top5 = logits.topk(min(5, self.num_classes), dim=1).indices
        video_pred = probs.argmax(dim=1)[inverse]
        out = {"example_id": np.arange(len(labels)), "video_index": videos.numpy(), "label": labels.numpy(),
               "clip_prediction": clip_pred.numpy(), "clip_correct": (clip_pred == labels).numpy(),
               "clip_top5_correct": (top5 == labels[:, None]).any(dim=1).numpy(),
               "video_prediction": video_pred.numpy(), "video_correct": (video_pred == labels).numpy()}
        if self.twins is not None:
            out["reversal_score"] = self._reversal(logits, labels).numpy()
        return out

    def _videos(self, logits: torch.Tensor, labels: torch.Tensor,
                videos: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Per video: summed clip probabilities, its label, and each clip's row among the videos."""
        ids, inverse = torch.unique(videos, return_inverse=True)
        probs = torch.zeros(len(ids), self.num_classes).index_add_(0, inverse, logits.softmax(dim=1))
        video_labels = torch.zeros(len(ids), dtype=labels.dtype).index_copy_(0, inverse, labels)
        return probs, video_labels, inverse

    def _reversal(self, logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        # between each clip's class and its time-reversed twin only (a tie counts half): chance is 0.5
        twin = torch.tensor(self.twins)[labels]
        own, other = logits.gather(1, labels[:, None]), logits.gather(1, twin[:, None])
        return ((own > other).double() + 0.5 * (own == other).double())[:, 0]
