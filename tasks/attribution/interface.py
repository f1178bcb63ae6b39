"""What an attribution method takes and returns (the family's contract with its methods)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from torch import Tensor, nn


@runtime_checkable
class Explainer(Protocol):
    """`explainer(classifier, pixel_values, targets)`: classifier maps (B, C, H, W) floats in [0, 1] to
    logits (B, K) (the task's, in eval mode; Quantus's randomisation test hands in randomised copies);
    targets (B,) long are the classes to explain. Returns attributions (B, C', H, W) with C' = C or 1,
    of any sign and scale: the protocol scores |attribution| summed over channels, one heatmap per image.
    An explainer trains nothing; it may hold fixed settings (steps, windows, noise)."""

    def __call__(self, classifier: nn.Module, pixel_values: Tensor, targets: Tensor) -> Tensor: ...
