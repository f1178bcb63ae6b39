"""The fixed hold-out and the profile caps, written once for every family.

Hold-out: a dataset that ships no validation split gives up the last `val_size` examples of a fixed
permutation (seed 0) of its train split. Caps: a profile (or the command line) sets `data.train_size`
on train and `data.eval_size` on val and test; a run uses the first that many examples of each split,
so a capped split is always a prefix of the full one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

import numpy as np

from harness.config import DataConfig

T = TypeVar("T")
SPLITS = ("train", "val", "test")


def permutation(n: int, seed: int = 0) -> np.ndarray:
    """The fixed order of n examples that hold-outs and capped subsets take from (numpy's legacy RNG)."""
    return np.random.RandomState(seed).permutation(n)


def holdout(n: int, val_size: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(train, val) indices of n examples: val is the last min(val_size, max(1, n // 10)) of `permutation`."""
    order = permutation(n, seed)
    n_val = min(val_size, max(1, n // 10))
    return order[:-n_val], order[-n_val:]


def caps(data_cfg: DataConfig) -> dict[str, int | None]:
    """The cap on each split: data.train_size on train, data.eval_size on val and test (None = no cap)."""
    return {"train": data_cfg.train_size, "val": data_cfg.eval_size, "test": data_cfg.eval_size}


def capped_sizes(sizes: Mapping[str, int], data_cfg: DataConfig) -> dict[str, int]:
    """How many examples of each split (full sizes given) a run uses; for generators that render
    only the prefix they need (example i depends on (seed, i) alone)."""
    cap = caps(data_cfg)
    return {split: min(cap[split] or n, n) for split, n in sizes.items()}


def _prefix(part, n: int | None):
    if n is None:
        return part
    if isinstance(part, tuple):  # (images, labels): every array of the split alike
        return tuple(_prefix(p, n) for p in part)
    if hasattr(part, "column_names"):  # a datasets.Dataset (a tensor's `select` is something else)
        return part.select(range(min(n, len(part))))
    return part[:n]


def apply_caps(splits: Mapping[str, T], data_cfg: DataConfig, uncapped: Mapping[str, int] | None = None
               ) -> dict[str, T]:
    """The prefix of each split that a run uses, in the same order. A split is an array, a tensor, a
    `datasets.Dataset` or a tuple of those; `uncapped` gives a split's size when no cap is set (default: all)."""
    cap = caps(data_cfg)
    uncapped = uncapped or {}
    return {split: _prefix(part, cap[split] or uncapped.get(split)) for split, part in splits.items()}
