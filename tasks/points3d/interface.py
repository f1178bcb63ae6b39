"""What a point-cloud classifier takes and returns (the family's contract with its methods)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from torch import Tensor


@runtime_checkable
class PointCloudClassifier(Protocol):
    """`model(points)`: points (B, N, 3) float, centred in the unit ball -> logits (B, K).
    Augmentation is the method's business (inside `forward` when training)."""

    def __call__(self, points: Tensor) -> Tensor: ...
