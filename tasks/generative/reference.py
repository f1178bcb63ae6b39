"""The reference network of the generative family: a small CNN classifier trained once per task.

No Inception weights can be downloaded here, so features come from a network the harness trains
itself: seed 0, a fixed number of epochs, full-batch order from a seeded generator, on the task's
train split. It is cached as safetensors next to the data and named by its weights' hash, which
goes into every record's dataset fingerprint. Its penultimate layer gives the features for FD and
precision/recall; its head scores the class-conditional samples.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

EPOCHS = 12
FEATURES = 64


@dataclass(frozen=True)
class ReferenceSetup:
    """What the reference network trains on: the first `train_size` images of the train split (None:
    all of it) for `epochs` epochs. The default is the whole split for EPOCHS epochs; a large split
    takes a prefix instead (Fashion-MNIST's 55,000 images for 12 epochs would take over an hour on 2
    CPU cores)."""

    train_size: int | None = None
    epochs: int = EPOCHS

    def tag(self) -> str:
        """The cache file name's suffix: empty for the default, so existing caches stay valid."""
        return "" if self == WHOLE_SPLIT else f"-n{self.train_size}e{self.epochs}"


WHOLE_SPLIT = ReferenceSetup()


class ReferenceCNN(nn.Module):
    num_features = FEATURES  # torchmetrics' FID reads this instead of probing with a dummy image

    def __init__(self, channels: int, num_classes: int) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(channels, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(64, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, FEATURES), nn.ReLU(),
        )
        self.head = nn.Linear(FEATURES, num_classes)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """Features of images in [0, 1] (what FD and precision/recall use)."""
        return self.body(images.float() - 0.5)

    def classify(self, images: torch.Tensor) -> torch.Tensor:
        return self.head(self(images))


def _train(images: torch.Tensor, labels: torch.Tensor, num_classes: int, epochs: int) -> ReferenceCNN:
    torch.manual_seed(0)
    model = ReferenceCNN(images.shape[1], num_classes)
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    gen = torch.Generator().manual_seed(0)
    for _ in range(epochs):
        for idx in torch.randperm(len(labels), generator=gen).split(64):
            loss = nn.functional.cross_entropy(model.classify(images[idx]), labels[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    return model.eval()


def load_or_train(path: Path, images: torch.Tensor, labels: torch.Tensor, num_classes: int,
                  setup: ReferenceSetup = WHOLE_SPLIT) -> tuple[ReferenceCNN, str]:
    """The cached reference network at `path` (trained first when missing, as `setup` says) and its
    weights' hash."""
    from safetensors.torch import load_file, save_file

    from tasks.data.cache import build_once

    def write(tmp: Path) -> None:
        n = setup.train_size
        model = _train(images[:n], labels[:n], num_classes, setup.epochs)
        save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(tmp))

    build_once(path, write)  # trained by one process; the others wait, then load its weights
    model = ReferenceCNN(images.shape[1], num_classes)
    model.load_state_dict(load_file(str(path)))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return model.eval().requires_grad_(False), digest
