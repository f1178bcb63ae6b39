"""Shared by the transformers image classifiers: forward(pixel_values) -> logits, plus weights loading.

Imported lazily by builders (the leading underscore keeps registry discovery away from torch).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from harness.errors import UserError


class HFImageClassifier(nn.Module):
    def __init__(self, model: nn.Module, input_size: int, channels: int) -> None:
        super().__init__()
        self.model = model
        self.input_size = input_size
        wanted = model.config.num_channels
        self.repeat = wanted // channels if wanted != channels else 1

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        if self.input_size and pixel_values.shape[-1] != self.input_size:
            pixel_values = F.interpolate(pixel_values, size=self.input_size, mode="bilinear", align_corners=False)
        if self.repeat > 1:  # grey images into a 3-channel pretrained model
            pixel_values = pixel_values.repeat(1, self.repeat, 1, 1)
        return self.model(pixel_values=pixel_values).logits


def from_pretrained(model_cls, path: str, num_labels: int) -> nn.Module:
    try:
        return model_cls.from_pretrained(path, num_labels=num_labels, ignore_mismatched_sizes=True)
    except (OSError, ValueError) as err:
        raise UserError(f"method.pretrained='{path}': cannot load weights ({str(err).splitlines()[0]})") from None
