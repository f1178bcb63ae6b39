"""The attribution family's dummy explainer: the smallest `Explainer`, for registry-parametrised tests."""

from __future__ import annotations

import torch
from torch import nn

from harness.contracts import TaskInfo


class DummyExplainer(nn.Module):
    """The image's brightness as its attribution: needs no gradient and ignores the classifier."""

    def forward(self, classifier: nn.Module, pixel_values: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        return pixel_values.mean(1, keepdim=True)


def build_dummy(info: TaskInfo) -> nn.Module:
    return DummyExplainer()
