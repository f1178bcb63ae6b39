"""What a classification model takes and returns (the family's contract with its methods)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from torch import Tensor


@runtime_checkable
class ImageClassifier(Protocol):
    """`model(pixel_values)`: pixel_values (B, C, H, W) float in [0, 1] -> logits (B, K), K = num_classes.

    Trained with the method's objective on the logits (cross_entropy or multiclass_hinge)."""

    def __call__(self, pixel_values: Tensor) -> Tensor: ...
