"""The video family's dummy model: the smallest `VideoClassifier`, for registry-parametrised tests."""

from __future__ import annotations

import torch
from torch import nn

from harness.contracts import TaskInfo


class DummyVideoClassifier(nn.Module):
    """pixel_values (B, T, C, H, W) -> logits (B, K): one linear layer on each frame's mean colour, in
    time order (so it can, barely, tell motions apart)."""

    def __init__(self, frames: int, channels: int, num_classes: int) -> None:
        super().__init__()
        self.head = nn.Linear(frames * channels, num_classes)

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        return self.head(pixel_values.mean(dim=(-2, -1)).flatten(1))


def build_dummy(info: TaskInfo) -> nn.Module:
    """A tiny, trainable `VideoClassifier`; `info.input_shape` is (T, C, H, W)."""
    frames, channels = info.input_shape[:2]
    return DummyVideoClassifier(frames, channels, info.num_classes)
