"""What an image-text (CLIP) model takes and returns (the family's contract with its methods)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from torch import Tensor


@runtime_checkable
class ImageTextModel(Protocol):
    """`model(pixel_values, input_ids)` -> (image_features (B, D), text_features (B, D), logit_scale ()),
    features L2-normalised, logit_scale the 0-d multiplier of their cosine similarities (CLIP's exp(t));
    pixel_values (B, 3, H, W) float in [0, 1] (the model resizes and normalises), input_ids (B, L) long
    from `model.tokenize`.

    `model.tokenize(texts)` -> (len(texts), L) long; `model.encode_image(pixel_values)` -> (B, D) and
    `model.encode_text(input_ids, normalize=True)` -> (B, D), both L2-normalised."""

    def __call__(self, pixel_values: Tensor, input_ids: Tensor) -> tuple[Tensor, Tensor, Tensor]: ...

    def tokenize(self, texts: list[str]) -> Tensor: ...

    def encode_image(self, pixel_values: Tensor) -> Tensor: ...

    def encode_text(self, input_ids: Tensor, normalize: bool = True) -> Tensor: ...
