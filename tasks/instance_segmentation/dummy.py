"""The instance-segmentation family's dummy model: the detection dummy with each box filled as its mask."""

from __future__ import annotations

import torch
from torch import nn

from harness.contracts import TaskInfo
from tasks.detection.dummy import DummyDetector


class DummyInstanceSegmenter(DummyDetector):
    """DummyDetector's K boxes per image, each mask the filled box (the loss ignores the masks)."""

    def forward(self, pixel_values: torch.Tensor, targets: list[dict[str, torch.Tensor]] | None = None):
        out = super().forward(pixel_values, targets)
        if targets is not None:
            return out
        height, width = pixel_values.shape[-2:]
        ys = torch.arange(height, device=pixel_values.device).view(1, -1, 1) + 0.5
        xs = torch.arange(width, device=pixel_values.device).view(1, 1, -1) + 0.5
        for o in out:
            x1, y1, x2, y2 = (c.view(-1, 1, 1) for c in o["boxes"].unbind(1))
            o["masks"] = ((xs >= x1) & (xs < x2) & (ys >= y1) & (ys < y2)).float()
        return out


def build_dummy(info: TaskInfo) -> nn.Module:
    """A tiny, trainable `InstanceSegmenter` for `info`'s images and classes."""
    return DummyInstanceSegmenter(info.input_shape[0], info.num_classes)
