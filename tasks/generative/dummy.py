"""The generative family's dummy model: the smallest `ConditionalGenerator`, for registry-parametrised tests."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from harness.contracts import TaskInfo

SIDE = 2  # each class is one learnt 2x2 image, upsampled to the task's size
STEPS = 3  # images in a trajectory


class DummyGenerator(nn.Module):
    """One learnt low-resolution image per class; its loss is the pixel MSE to the real images, and
    sampling is deterministic (every sample of a class is that class's image)."""

    def __init__(self, channels: int, size: tuple[int, int], num_classes: int) -> None:
        super().__init__()
        self.size = size
        self.images = nn.Parameter(torch.zeros(num_classes, channels, SIDE, SIDE))

    def generate(self, labels: torch.Tensor) -> torch.Tensor:
        """labels (B,) long -> (B, C, H, W) in [0, 1]."""
        return torch.sigmoid(F.interpolate(self.images[labels], size=self.size, mode="bilinear", align_corners=False))

    def trajectory(self, labels: torch.Tensor) -> torch.Tensor:
        """labels (1,) -> (STEPS, C, H, W): grey fading into the sample of that label."""
        sample = self.generate(labels[:1])[0]
        return torch.stack([0.5 + (sample - 0.5) * t for t in torch.linspace(0, 1, STEPS).tolist()])

    def forward(self, pixel_values: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        return F.mse_loss(self.generate(labels), pixel_values)


def build_dummy(info: TaskInfo) -> nn.Module:
    """A tiny, trainable `ConditionalGenerator` for `info`'s (C, H, W) images and classes."""
    channels, height, width = info.input_shape
    return DummyGenerator(channels, (height, width), info.num_classes)
