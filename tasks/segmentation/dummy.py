"""The segmentation family's dummy model: the smallest `Segmenter`, for registry-parametrised tests."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from harness.contracts import TaskInfo


class DummySegmenter(nn.Module):
    """pixel_values (B, 3, H, W) -> logits (B, K, H/2, W/2): a 1x1 convolution on a 2x2 average pooling
    (half resolution on purpose: the protocol's upsampling is part of the contract)."""

    def __init__(self, channels: int, num_classes: int) -> None:
        super().__init__()
        self.head = nn.Conv2d(channels, num_classes, kernel_size=1)

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        return self.head(F.avg_pool2d(pixel_values, 2))


def build_dummy(info: TaskInfo) -> nn.Module:
    """A tiny, trainable `Segmenter`; `info.num_classes` counts background."""
    return DummySegmenter(info.input_shape[0], info.num_classes)
