"""What two accelerate wrappers cost per step on the CPU, each beside what the runner now calls.

    python benchmarks/accelerate_overhead.py [--rounds 30]

`benchmarks/step_time.py` times whole runs, whose scatter on a shared 2-core machine (per-repeat
ratios 0.85-1.24) hides costs of tens of microseconds; this script times the two pieces alone,
alternating in one process: iterating a digits-sized training loader prepared with and without
device placement, and `accelerator.backward` against `loss.backward()` (what
`harness.runner.backward_for` picks when there is no grad scaler, accumulation, DeepSpeed or Megatron).
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader

from harness.tensordata import TensorDict, collate_batched


def per_batch_us(loader: DataLoader, epochs: int = 20) -> float:
    t0 = time.perf_counter()
    for _ in range(epochs):
        for _batch in loader:
            pass
    return (time.perf_counter() - t0) / (epochs * len(loader)) * 1e6


def per_backward_us(backward, weight: torch.Tensor, steps: int = 200) -> float:
    t0 = time.perf_counter()
    for _ in range(steps):
        backward((weight * 2).sum())
    return (time.perf_counter() - t0) / steps * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    rounds = parser.parse_args().rounds
    acc = Accelerator(cpu=True)
    data = TensorDict(pixel_values=torch.randn(1078, 1, 8, 8), labels=torch.zeros(1078, dtype=torch.long))

    def loader() -> DataLoader:
        return DataLoader(data, batch_size=64, shuffle=True, generator=torch.Generator(), collate_fn=collate_batched)

    loaders = {"placed (accelerate default)": acc.prepare(loader()),
               "not placed (runner on CPU)": acc.prepare(loader(), device_placement=[False])}
    weight = torch.randn(1000, requires_grad=True)
    backwards = {"accelerator.backward": acc.backward, "loss.backward (runner)": torch.Tensor.backward}
    times: dict[str, list[float]] = {name: [] for name in [*loaders, *backwards]}
    for _ in range(rounds):  # alternate, so a slow phase of the machine hits every variant
        for name, dl in loaders.items():
            times[name].append(per_batch_us(dl))
        for name, fn in backwards.items():
            times[name].append(per_backward_us(fn, weight))
    for name, values in times.items():
        print(f"{name:<30} median {statistics.median(values):7.1f} us  min {min(values):7.1f} us")


if __name__ == "__main__":
    main()
