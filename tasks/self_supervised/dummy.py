"""The self-supervised family's dummy model: the smallest `SelfSupervisedEncoder`, for registry-parametrised tests."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from harness.contracts import TaskInfo

POOL = 2  # images are average-pooled to POOL x POOL before the encoder
DIM = 4  # feature width


class DummyEncoder(nn.Module):
    """A linear auto-encoder of the 2x2 pooled image: its loss is the reconstruction error (no labels),
    or cross-entropy of a linear head with the `supervised` objective; features are the code."""

    def __init__(self, channels: int, num_classes: int) -> None:
        super().__init__()
        self.encoder = nn.Linear(channels * POOL * POOL, DIM)
        self.decoder = nn.Linear(DIM, channels * POOL * POOL)
        self.head = nn.Linear(DIM, num_classes)

    def encode(self, pixel_values: torch.Tensor) -> torch.Tensor:
        """pixel_values (B, C, H, W) -> features (B, DIM)."""
        return self.encoder(F.adaptive_avg_pool2d(pixel_values, POOL).flatten(1))

    def forward(self, pixel_values: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        code = self.encode(pixel_values)
        if labels is not None:
            return F.cross_entropy(self.head(code), labels)
        return F.mse_loss(self.decoder(code), F.adaptive_avg_pool2d(pixel_values, POOL).flatten(1))


def build_dummy(info: TaskInfo) -> nn.Module:
    """A tiny, trainable `SelfSupervisedEncoder` for `info`'s images."""
    return DummyEncoder(info.input_shape[0], info.num_classes)
