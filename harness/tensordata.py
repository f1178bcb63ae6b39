"""An in-memory dataset of equal-length tensors that the DataLoader fetches a batch at a time.

Embedded tasks are small enough to live in memory; `__getitems__` lets the DataLoader gather a
whole batch with one indexing op instead of collating per-example dicts (harness overhead is a
tracked number: see benchmarks/step_time.py).
"""

from __future__ import annotations

import torch
from torch.utils.data import Dataset


class TensorDict(Dataset):
    def __init__(self, **tensors: torch.Tensor) -> None:
        lengths = {len(t) for t in tensors.values()}
        if len(lengths) != 1:
            raise ValueError(f"tensors of different lengths: { {k: len(t) for k, t in tensors.items()} }")
        self.tensors = tensors
        self.length = lengths.pop()

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, index: int) -> dict[str, torch.Tensor]:
        return {k: t[index] for k, t in self.tensors.items()}

    def __getitems__(self, indices: list[int]) -> dict[str, torch.Tensor]:
        idx = torch.as_tensor(indices)
        return {k: t[idx] for k, t in self.tensors.items()}

    def subset(self, n: int | None) -> TensorDict:
        """The first n examples (splits are stored pre-shuffled and stratified, so this is fair)."""
        if n is None or n >= self.length:
            return self
        return TensorDict(**{k: t[:n] for k, t in self.tensors.items()})


def collate_batched(batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """The batch is already collated by `TensorDict.__getitems__`."""
    return batch
