"""What a sequence model takes and returns (the family's contract with its methods)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from torch import Tensor


@runtime_checkable
class SequenceModel(Protocol):
    """`model(inputs, attention_mask)`: inputs (B, T, C) float32 for real-valued series, or (B, T) int64 token
    ids (0 pads) for token tasks; attention_mask (B, T) int64, 1 on real steps, which come first (padding is
    on the right) -> logits (B, K) for classification, predictions (B,) for regression (num_classes == 0).

    Padding must change no prediction: a padded example scores as it does alone, unpadded."""

    def __call__(self, inputs: Tensor, attention_mask: Tensor) -> Tensor: ...
