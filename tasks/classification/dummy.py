"""The classification family's dummy model: the smallest `ImageClassifier`, for registry-parametrised tests."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from harness.contracts import TaskInfo

POOL = 2  # images are average-pooled to POOL x POOL: a few dozen weights at any input size


class DummyClassifier(nn.Module):
    """pixel_values (B, C, H, W) -> logits (B, K): one linear layer on a 2x2 average pooling."""

    def __init__(self, channels: int, num_classes: int) -> None:
        super().__init__()
        self.head = nn.Linear(channels * POOL * POOL, num_classes)

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        return self.head(F.adaptive_avg_pool2d(pixel_values, POOL).flatten(1))


def build_dummy(info: TaskInfo) -> nn.Module:
    """A tiny, trainable `ImageClassifier` for `info`'s images."""
    return DummyClassifier(info.input_shape[0], info.num_classes)
