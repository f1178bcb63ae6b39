"""Optimizers and learning-rate schedules by name (the `trainer.optimizer` / `trainer.scheduler` keys).

The one table of names: harness/config.py checks `trainer.optimizer` and `trainer.scheduler` against
OPTIMIZERS and SCHEDULERS here. torch and transformers are imported inside the functions, so the
config (and `bench list`) can import this module without them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import torch


class Settings(Protocol):
    """What the optimizer and schedule read from the trainer config (harness.config.TrainerConfig)."""

    lr: float
    weight_decay: float
    optimizer: str
    scheduler: str
    epochs: int
    warmup_epochs: int


def _adamw(params, cfg: Settings) -> torch.optim.Optimizer:
    import torch

    return torch.optim.AdamW(params, lr=cfg.lr, weight_decay=cfg.weight_decay)


def _adam(params, cfg: Settings) -> torch.optim.Optimizer:
    import torch

    return torch.optim.Adam(params, lr=cfg.lr, weight_decay=cfg.weight_decay)


def _sgd(params, cfg: Settings) -> torch.optim.Optimizer:
    import torch

    return torch.optim.SGD(params, lr=cfg.lr, momentum=0.9, nesterov=True, weight_decay=cfg.weight_decay)


OPTIMIZERS: dict[str, Callable] = {"adamw": _adamw, "adam": _adam, "sgd": _sgd}
# our names -> transformers.get_scheduler names (warmup is linear in both)
SCHEDULERS = {"cosine": "cosine", "constant": "constant_with_warmup"}


def build(model: torch.nn.Module, cfg: Settings, steps_per_epoch: int):
    """The optimizer and the per-step learning-rate schedule `cfg` names."""
    from transformers import get_scheduler

    params = list(model.parameters())
    # a model with no weights (an attribution method: settings only) gets an optimizer over one empty
    # group, which torch accepts and steps as a no-op, where an empty parameter list is refused
    optimizer = OPTIMIZERS[cfg.optimizer](params or [{"params": []}], cfg)
    scheduler = get_scheduler(
        SCHEDULERS[cfg.scheduler],
        optimizer,
        num_warmup_steps=cfg.warmup_epochs * steps_per_epoch,
        num_training_steps=cfg.epochs * steps_per_epoch,
    )
    return optimizer, scheduler
