"""What a detection model takes and returns (the family's contract with its methods)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from torch import Tensor


@runtime_checkable
class Detector(Protocol):
    """Training: `model(pixel_values, targets)` -> scalar loss tensor (the detector's own loss);
    pixel_values (B, 3, H, W) float in [0, 1]; targets: B dicts {"boxes": (n_i, 4) float [x1, y1, x2, y2]
    pixels, "labels": (n_i,) long in [0, K)}.

    Inference (`targets=None`): a list of B dicts {"boxes": (m_i, 4) float pixels, "scores": (m_i,)
    float, "labels": (m_i,) long}."""

    def __call__(self, pixel_values: Tensor, targets: list[dict[str, Tensor]] | None = None
                 ) -> Tensor | list[dict[str, Tensor]]: ...
