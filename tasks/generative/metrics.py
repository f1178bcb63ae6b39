"""Sample-quality numbers computed on features: Fréchet distance and k-NN precision/recall."""

from __future__ import annotations

import torch
from torch import nn


class _Given(nn.Module):
    """Features already computed: torchmetrics' FID accumulates them unchanged."""

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.num_features = dim

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return features


def frechet_distance(real: torch.Tensor, fake: torch.Tensor) -> float:
    """FD between Gaussians fitted to two feature sets (torchmetrics' FID, on our features)."""
    from torchmetrics.image.fid import FrechetInceptionDistance

    fid = FrechetInceptionDistance(feature=_Given(real.shape[1]))
    fid.update(real.double(), real=True)
    fid.update(fake.double(), real=False)
    return float(fid.compute())


def _kth_radius(features: torch.Tensor, k: int) -> torch.Tensor:
    d = torch.cdist(features, features)
    return d.kthvalue(k + 1, dim=1).values  # +1: the nearest point is the point itself


def precision_recall(real: torch.Tensor, fake: torch.Tensor, k: int = 3) -> tuple[float, float]:
    """Kynkäänniemi et al. (2019): precision = share of fake points inside some real point's k-NN
    ball; recall = share of real points inside some fake point's k-NN ball."""
    real, fake = real.double(), fake.double()
    d = torch.cdist(fake, real)  # (n_fake, n_real)
    precision = (d <= _kth_radius(real, k)[None, :]).any(1).double().mean()
    recall = (_kth_radius(fake, k)[None, :] >= d.T).any(1).double().mean()
    return float(precision), float(recall)
