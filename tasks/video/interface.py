"""What a video classifier takes and returns (the family's contract with its methods)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from torch import Tensor


@runtime_checkable
class VideoClassifier(Protocol):
    """`model(pixel_values)`: pixel_values (B, T, C, H, W) float in [0, 1] (the transformers video layout)
    -> logits (B, K)."""

    def __call__(self, pixel_values: Tensor) -> Tensor: ...
