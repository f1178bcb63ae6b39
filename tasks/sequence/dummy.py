"""The sequence family's dummy model: the smallest `SequenceModel`, for registry-parametrised tests."""

from __future__ import annotations

import torch
from torch import nn

from harness.contracts import TaskInfo

HASHED = 32  # token ids are folded onto this many rows: a few dozen weights at any vocabulary size


class DummySequenceModel(nn.Module):
    """inputs -> logits (B, K) or predictions (B,): one linear layer on the masked mean over time of the
    channels (series) or of a 2-d embedding of the token ids folded modulo HASHED (tokens)."""

    def __init__(self, channels: int, outputs: int, tokens: bool) -> None:
        super().__init__()
        self.embed = nn.Embedding(HASHED, channels) if tokens else None
        self.head = nn.Linear(channels, max(outputs, 1))
        self.regression = outputs == 0

    def forward(self, inputs: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        x = self.embed(inputs % HASHED) if self.embed is not None else inputs
        mask = attention_mask.unsqueeze(-1).to(x.dtype)
        out = self.head((x * mask).sum(1) / mask.sum(1).clamp_min(1))
        return out.squeeze(-1) if self.regression else out


def build_dummy(info: TaskInfo) -> nn.Module:
    """A tiny, trainable `SequenceModel`; `info.input_shape` is (T, C) for series and (T,) for tokens."""
    tokens = len(info.input_shape) == 1
    return DummySequenceModel(2 if tokens else info.input_shape[1], info.num_classes, tokens)
