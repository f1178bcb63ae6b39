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


def init_zero_tables(model: nn.Module, suffixes: tuple[str, ...], std: float = 0.02) -> None:
    """Draw every parameter whose name ends with one of `suffixes` from a truncated normal (std 0.02,
    as ViT, YOLOS and TimeSformer initialise their tokens and tables) when it is still all zero.
    transformers creates these tables with torch.zeros and, built from a
    config, its `_init_weights` leaves some of them there: YOLOS's detection tokens, CLS token and
    position table (identical zero queries make every detection the same), TimeSformer's time table
    (a model blind to frame order)."""
    with torch.no_grad():
        for name, param in model.named_parameters():
            if name.endswith(suffixes) and not param.any():
                nn.init.trunc_normal_(param, std=std)


def sincos_table(length: int, dim: int) -> torch.Tensor:
    """The transformer's 1D sin-cos table (Vaswani et al. 2017), (1, length, dim): a position code every
    entry of which differs from the start, the way MAE's fixed tables are (baselines/_ssl_models.py)."""
    position = torch.arange(length, dtype=torch.float32)[:, None]
    freq = torch.exp(torch.arange(0, dim, 2, dtype=torch.float32) * (-torch.log(torch.tensor(10000.0)) / dim))
    table = torch.zeros(length, dim)
    table[:, 0::2] = torch.sin(position * freq)
    table[:, 1::2] = torch.cos(position * freq)[:, : dim // 2]
    return table[None]
