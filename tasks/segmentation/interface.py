"""What a semantic-segmentation model takes and returns (the family's contract with its methods)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from torch import Tensor


@runtime_checkable
class Segmenter(Protocol):
    """`model(pixel_values)`: pixel_values (B, 3, H, W) float in [0, 1] -> per-pixel logits (B, K, h, w)
    at any resolution (the protocol upsamples them bilinearly to (H, W)); K counts background."""

    def __call__(self, pixel_values: Tensor) -> Tensor: ...
