"""The detection family's dummy model: the smallest `Detector`, for registry-parametrised tests."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from harness.contracts import TaskInfo

POOL = 2  # images are average-pooled to POOL x POOL before the class head


class DummyDetector(nn.Module):
    """One learnt box per class (relative centre and size) and a linear head that scores each class's
    presence from the pooled image: every image gets K boxes, one per class. The loss is the presence
    BCE plus the L1 distance of each true box to its class's box, both in relative coordinates."""

    def __init__(self, channels: int, num_classes: int) -> None:
        super().__init__()
        self.presence = nn.Linear(channels * POOL * POOL, num_classes)
        self.boxes = nn.Parameter(torch.zeros(num_classes, 4))  # logits of (cx, cy, w, h) / image size

    def _relative_boxes(self) -> torch.Tensor:
        """(K, 4) [x1, y1, x2, y2] as fractions of the image's width and height."""
        centre, size = self.boxes.sigmoid().split(2, dim=1)
        return torch.cat([centre - size / 2, centre + size / 2], dim=1)

    def forward(self, pixel_values: torch.Tensor, targets: list[dict[str, torch.Tensor]] | None = None
                ) -> torch.Tensor | list[dict[str, torch.Tensor]]:
        logits = self.presence(F.adaptive_avg_pool2d(pixel_values, POOL).flatten(1))  # (B, K)
        height, width = pixel_values.shape[-2:]
        scale = pixel_values.new_tensor([width, height, width, height])
        boxes = self._relative_boxes()
        if targets is None:
            labels = torch.arange(len(boxes), device=pixel_values.device)
            return [{"boxes": boxes * scale, "scores": s.sigmoid(), "labels": labels} for s in logits]
        present = torch.zeros_like(logits)
        box_losses = []
        for row, target in enumerate(targets):
            present[row, target["labels"]] = 1.0
            if len(target["labels"]):
                box_losses.append(F.l1_loss(boxes[target["labels"]], target["boxes"] / scale))
        loss = F.binary_cross_entropy_with_logits(logits, present)
        return loss + torch.stack(box_losses).mean() if box_losses else loss


def build_dummy(info: TaskInfo) -> nn.Module:
    """A tiny, trainable `Detector` for `info`'s images and classes."""
    return DummyDetector(info.input_shape[0], info.num_classes)
