"""What a self-supervised encoder takes and returns (the family's contract with its methods)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from torch import Tensor


@runtime_checkable
class SelfSupervisedEncoder(Protocol):
    """Pretraining: `model(pixel_values)` -> scalar loss tensor (the method's own, augmentations inside);
    with the `supervised` objective `model(pixel_values, labels)` instead; pixel_values (B, C, H, W)
    float in [0, 1], labels (B,) long.

    Scoring: `model.encode(pixel_values)` -> frozen features (B, D) float (the task fits a linear probe
    and a kNN classifier on them)."""

    def __call__(self, pixel_values: Tensor, labels: Tensor | None = None) -> Tensor: ...

    def encode(self, pixel_values: Tensor) -> Tensor: ...
