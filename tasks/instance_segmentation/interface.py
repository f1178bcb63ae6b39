"""What an instance-segmentation model takes and returns (the family's contract with its methods)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from torch import Tensor


@runtime_checkable
class InstanceSegmenter(Protocol):
    """Training: `model(pixel_values, targets)` -> scalar loss tensor (the model's own loss);
    pixel_values (B, 3, H, W) float in [0, 1]; targets: B dicts {"boxes": (n_i, 4) float [x1, y1, x2, y2]
    pixels, "labels": (n_i,) long in [0, K), "masks": (n_i, H, W) bool}.

    Inference (`targets=None`): a list of B dicts {"boxes": (m_i, 4), "scores": (m_i,), "labels": (m_i,),
    "masks": (m_i, H, W) float in [0, 1]} (the protocol keeps mask pixels above 0.5)."""

    def __call__(self, pixel_values: Tensor, targets: list[dict[str, Tensor]] | None = None
                 ) -> Tensor | list[dict[str, Tensor]]: ...
