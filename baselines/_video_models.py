"""Video classifiers: forward(pixel_values (B, T, C, H, W) in [0, 1]) -> logits.

Imported lazily by baselines/video.py (the leading underscore keeps registry discovery away from
torch).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

IMAGENET_MEAN, IMAGENET_STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)


class HFVideoClassifier(nn.Module):
    """A transformers video classifier (VideoMAE, TimeSformer). Clips are resized to the model's frame
    size and frame count when they differ (released weights expect 224x224 and 16 or 8 frames), and
    normalised with `stats`: ImageNet's for released weights, which were trained that way, whatever a
    from-scratch method asks for, or none (None)."""

    def __init__(self, model: nn.Module, stats: tuple | None = (IMAGENET_MEAN, IMAGENET_STD)) -> None:
        super().__init__()
        self.model = model
        self.size, self.frames = model.config.image_size, model.config.num_frames
        self.normalise = stats is not None  # (mean, std) per channel, or None for raw [0, 1] pixels
        mean, std = stats or ((0.0,), (1.0,))
        self.register_buffer("mean", torch.tensor(mean).view(1, 1, -1, 1, 1), persistent=False)
        self.register_buffer("std", torch.tensor(std).view(1, 1, -1, 1, 1), persistent=False)

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        b, t, c, h, w = pixel_values.shape
        if t != self.frames:  # nearest frames, evenly spaced
            pixel_values = pixel_values[:, torch.linspace(0, t - 1, self.frames).round().long()]
            t = self.frames
        if (h, w) != (self.size, self.size):
            pixel_values = F.interpolate(pixel_values.reshape(b * t, c, h, w), size=self.size, mode="bilinear",
                                         align_corners=False).reshape(b, t, c, self.size, self.size)
        if self.normalise:
            pixel_values = (pixel_values - self.mean) / self.std
        return self.model(pixel_values=pixel_values).logits


def _conv_bn(cin: int, cout: int, dims: int, kernel, stride=1) -> nn.Sequential:
    conv, bn = (nn.Conv2d, nn.BatchNorm2d) if dims == 2 else (nn.Conv3d, nn.BatchNorm3d)
    padding = tuple(k // 2 for k in kernel) if isinstance(kernel, tuple) else kernel // 2
    return nn.Sequential(conv(cin, cout, kernel, stride, padding, bias=False), bn(cout))


class FrameAverage(nn.Module):
    """A 2D CNN on every frame, features averaged over time, then a linear head. The average is the
    same for any order of the frames: the no-temporal-modelling control. Its spatial layout mirrors
    R3D's (a 5x5 stem that halves the frame size, then stages that halve it again), so the two
    differ in time, not in how much they see of a frame."""

    def __init__(self, channels: int, num_classes: int, width: int, stages: int) -> None:
        super().__init__()
        layers, cin = [_conv_bn(channels, width, 2, 5, stride=2), nn.ReLU(inplace=True)], width
        for i in range(stages):
            cout = width * 2**i
            layers += [_conv_bn(cin, cout, 2, 3, stride=1 if i == 0 else 2), nn.ReLU(inplace=True),
                       _conv_bn(cout, cout, 2, 3), nn.ReLU(inplace=True)]
            cin = cout
        self.features = nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.head = nn.Linear(cin, num_classes)

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        b, t = pixel_values.shape[:2]
        per_frame = self.features(pixel_values.flatten(0, 1)).view(b, t, -1)
        return self.head(per_frame.mean(dim=1))


class Block3d(nn.Module):
    """R3D's basic residual block: two 3x3x3 convolutions, a strided 1x1x1 projection when the shape changes."""

    def __init__(self, cin: int, cout: int, stride: int) -> None:
        super().__init__()
        self.body = nn.Sequential(_conv_bn(cin, cout, 3, 3, stride), nn.ReLU(inplace=True), _conv_bn(cout, cout, 3, 3))
        self.skip = nn.Identity() if cin == cout and stride == 1 else _conv_bn(cin, cout, 3, 1, stride)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.relu(self.body(x) + self.skip(x))


class R3D(nn.Module):
    """A small R3D (Tran et al. 2018, 'A closer look at spatiotemporal convolutions'): a (3, 5, 5) stem
    that halves the frame size, then residual 3x3x3 stages that halve time and space."""

    def __init__(self, channels: int, num_classes: int, width: int, stages: int) -> None:
        super().__init__()
        self.stem = nn.Sequential(_conv_bn(channels, width, 3, (3, 5, 5), (1, 2, 2)), nn.ReLU(inplace=True))
        blocks, cin = [], width
        for i in range(stages):
            cout = width * 2**i
            blocks.append(Block3d(cin, cout, 1 if i == 0 else 2))
            cin = cout
        self.blocks = nn.Sequential(*blocks)
        self.head = nn.Linear(cin, num_classes)

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        x = self.blocks(self.stem(pixel_values.transpose(1, 2)))  # (B, T, C, H, W) -> (B, C, T, H, W)
        return self.head(x.mean(dim=(2, 3, 4)))
