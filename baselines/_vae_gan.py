"""A conditional convolutional VAE and a conditional DCGAN, in torch (small images: H, W divisible by 4)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


def _decoder(latent: int, width: int, channels: int, size: int) -> nn.Sequential:
    """latent -> (channels, size, size) logits: a linear map to a 4x-smaller grid, then two 2x upsamplings."""
    s = size // 4
    return nn.Sequential(
        nn.Linear(latent, 2 * width * s * s), nn.Unflatten(1, (2 * width, s, s)), nn.BatchNorm2d(2 * width), nn.ReLU(),
        nn.ConvTranspose2d(2 * width, width, 4, 2, 1), nn.BatchNorm2d(width), nn.ReLU(),
        nn.ConvTranspose2d(width, channels, 4, 2, 1),
    )


def _encoder(channels: int, width: int, size: int, out: int, norm: bool) -> nn.Sequential:
    s = size // 4
    bn = nn.BatchNorm2d if norm else (lambda c: nn.Identity())
    return nn.Sequential(
        nn.Conv2d(channels, width, 4, 2, 1), nn.LeakyReLU(0.2),
        nn.Conv2d(width, 2 * width, 4, 2, 1), bn(2 * width), nn.LeakyReLU(0.2),
        nn.Flatten(), nn.Linear(2 * width * s * s, out),
    )


class ConditionalVAE(nn.Module):
    """ELBO with a Bernoulli likelihood on pixels in [0, 1]; the label is one-hot in both halves."""

    def __init__(self, info, latent: int, width: int) -> None:
        super().__init__()
        c, h, _ = info.input_shape
        self.k, self.latent = info.num_classes, latent
        self.encoder = _encoder(c, width, h, 2 * width, norm=True)
        self.posterior = nn.Linear(2 * width + self.k, 2 * latent)
        self.decoder = _decoder(latent + self.k, width, c, h)

    def forward(self, pixel_values: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        onehot = F.one_hot(labels, self.k).float()
        mu, logvar = self.posterior(torch.cat([self.encoder(pixel_values), onehot], 1)).chunk(2, 1)
        z = mu + torch.randn_like(mu) * (0.5 * logvar).exp()
        logits = self.decoder(torch.cat([z, onehot], 1))
        recon = F.binary_cross_entropy_with_logits(logits, pixel_values, reduction="sum")
        kl = -0.5 * (1 + logvar - mu.square() - logvar.exp()).sum()
        return (recon + kl) / len(pixel_values)  # negative ELBO per image

    def generate(self, labels: torch.Tensor) -> torch.Tensor:
        z = torch.randn(len(labels), self.latent, device=labels.device)
        return torch.sigmoid(self.decoder(torch.cat([z, F.one_hot(labels, self.k).float()], 1)))


class ConditionalDCGAN(nn.Module):
    """Generator and projection discriminator (Miyato & Koyama 2018) trained with the
    non-saturating GAN loss. Both losses come back as one sum whose single backward pass gives each
    network only its own gradients: the discriminator sees detached fakes, and the generator's loss
    goes through a copy of the discriminator whose parameters are detached (`functional_call`).
    The harness's one optimizer then updates both at once (simultaneous gradient steps)."""

    def __init__(self, info, latent: int, width: int) -> None:
        super().__init__()
        c, h, _ = info.input_shape
        self.latent = latent
        self.embed = nn.Embedding(info.num_classes, latent)  # the generator's label input
        self.generator = _decoder(latent, width, c, h)
        self.features = _encoder(c, width, h, 2 * width, norm=False)
        self.critic = nn.Linear(2 * width, 1)
        self.projection = nn.Embedding(info.num_classes, 2 * width)

    def _fake(self, labels: torch.Tensor) -> torch.Tensor:
        z = torch.randn(len(labels), self.latent, device=labels.device)
        return torch.sigmoid(self.generator(z * (1 + self.embed(labels))))

    def _score(self, images: torch.Tensor, labels: torch.Tensor, params: dict | None = None) -> torch.Tensor:
        if params is None:
            h = self.features(images)
            return self.critic(h).squeeze(1) + (self.projection(labels) * h).sum(1)
        call = torch.func.functional_call
        h = call(self.features, params["features"], (images,))
        return call(self.critic, params["critic"], (h,)).squeeze(1) + (
            call(self.projection, params["projection"], (labels,)) * h).sum(1)

    def forward(self, pixel_values: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        fake = self._fake(labels)
        real_score, fake_score = self._score(pixel_values, labels), self._score(fake.detach(), labels)
        d_loss = (F.binary_cross_entropy_with_logits(real_score, torch.ones_like(real_score))
                  + F.binary_cross_entropy_with_logits(fake_score, torch.zeros_like(fake_score)))
        frozen = {name: {k: p.detach() for k, p in getattr(self, name).named_parameters()}
                  for name in ("features", "critic", "projection")}
        g_score = self._score(fake, labels, frozen)
        g_loss = F.binary_cross_entropy_with_logits(g_score, torch.ones_like(g_score))
        return d_loss + g_loss

    def generate(self, labels: torch.Tensor) -> torch.Tensor:
        return self._fake(labels)
