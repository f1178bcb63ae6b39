"""The multimodal family's dummy model: the smallest `ImageTextModel`, for registry-parametrised tests."""

from __future__ import annotations

import math
import zlib

import torch
import torch.nn.functional as F
from torch import nn

from harness.contracts import TaskInfo

POOL = 2  # images are average-pooled to POOL x POOL before the image tower
DIM = 8  # shared embedding width
VOCAB = 32  # words are hashed into VOCAB - 1 buckets; id 0 pads
CONTEXT = 16  # tokens per text (longer texts are cut)


class DummyCLIP(nn.Module):
    """A linear image tower on the pooled image, a bag of hashed words as the text tower, and CLIP's
    learnt temperature (initialised at 1/0.07, as CLIP)."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.image = nn.Linear(channels * POOL * POOL, DIM)
        self.words = nn.Embedding(VOCAB, DIM, padding_idx=0)
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))

    def tokenize(self, texts: list[str]) -> torch.Tensor:
        """(len(texts), CONTEXT) long: crc32 of each lower-cased word (deterministic across processes)."""
        ids = torch.zeros(len(texts), CONTEXT, dtype=torch.long)
        for row, text in enumerate(texts):
            words = text.lower().split()[:CONTEXT]
            ids[row, :len(words)] = torch.tensor([1 + zlib.crc32(w.encode()) % (VOCAB - 1) for w in words],
                                                 dtype=torch.long)
        return ids

    def encode_image(self, pixel_values: torch.Tensor) -> torch.Tensor:
        """pixel_values (B, C, H, W) -> L2-normalised features (B, DIM)."""
        return F.normalize(self.image(F.adaptive_avg_pool2d(pixel_values, POOL).flatten(1)), dim=-1)

    def encode_text(self, input_ids: torch.Tensor, normalize: bool = True) -> torch.Tensor:
        """input_ids (B, CONTEXT) -> features (B, DIM): the mean of the words' embeddings."""
        count = (input_ids != 0).sum(dim=1, keepdim=True).clamp(min=1)
        features = self.words(input_ids).sum(dim=1) / count
        return F.normalize(features, dim=-1) if normalize else features

    def forward(self, pixel_values: torch.Tensor, input_ids: torch.Tensor
                ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        return self.encode_image(pixel_values), self.encode_text(input_ids), self.logit_scale.exp()


def build_dummy(info: TaskInfo) -> nn.Module:
    """A tiny, trainable `ImageTextModel` for `info`'s images."""
    return DummyCLIP(info.input_shape[0])
