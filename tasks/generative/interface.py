"""What a class-conditional generative model takes and returns (the family's contract)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from torch import Tensor


@runtime_checkable
class ConditionalGenerator(Protocol):
    """Training: `model(pixel_values, labels)` -> scalar loss tensor (the method's own: noise MSE, ELBO,
    GAN losses); pixel_values (B, C, H, W) float in [0, 1], labels (B,) long in [0, K).

    Sampling: `model.generate(labels)` -> (B, C, H, W) float in [0, 1], one image per label.
    Optional: `model.trajectory(labels)`, labels (1,) long -> (S, C, H, W) in [0, 1]: S intermediate
    images of one sample (drawn as a strip in the run folder)."""

    def __call__(self, pixel_values: Tensor, labels: Tensor) -> Tensor: ...

    def generate(self, labels: Tensor) -> Tensor: ...
