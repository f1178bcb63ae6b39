"""The points3d family's dummy model: the smallest `PointCloudClassifier`, for registry-parametrised tests."""

from __future__ import annotations

import torch
from torch import nn

from harness.contracts import TaskInfo

WIDTH = 8  # per-point features before the max pooling


class DummyPointClassifier(nn.Module):
    """points (B, N, 3) -> logits (B, K): a one-layer PointNet (shared per-point layer, max over points)."""

    def __init__(self, num_classes: int) -> None:
        super().__init__()
        self.point = nn.Linear(3, WIDTH)
        self.head = nn.Linear(WIDTH, num_classes)

    def forward(self, points: torch.Tensor) -> torch.Tensor:
        return self.head(torch.relu(self.point(points)).amax(dim=1))


def build_dummy(info: TaskInfo) -> nn.Module:
    """A tiny, trainable `PointCloudClassifier` (no augmentation)."""
    return DummyPointClassifier(info.num_classes)
