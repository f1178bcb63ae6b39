"""Sampling throughput of one trained ddpm run: DDPM (1,000 ancestral steps) vs DDIM (50 steps),
side by side in one process on the same weights and labels.

    python benchmarks/sampling_speed.py runs/digits-gen/ddpm/<run_id> [--images 64] [--repeats 2]

Prints images per second for each sampler and their ratio. The same weights serve both samplers:
only `method.sampler` and `method.steps` differ, which change sampling, not the network.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import time
from pathlib import Path

import torch


def main() -> None:
    from safetensors.torch import load_model

    from harness import registry
    from harness.evaluate import checkpoint_weights, load_run_config

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("--images", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()

    cfg = load_run_config(args.run_dir)
    data = registry.get_task(cfg.task).build_data(cfg.data, cfg.profile, cfg.metrics)
    labels = torch.arange(args.images) % data.info.num_classes
    samplers = {"ddpm-1000": dataclasses.replace(cfg.method, sampler="ddpm"),
                "ddim-50": dataclasses.replace(cfg.method, sampler="ddim", steps=50)}
    models = {}
    for name, params in samplers.items():
        models[name] = registry.get_method(cfg.method_name).build(data.info, params).eval()
        load_model(models[name], str(checkpoint_weights(args.run_dir)))
    seconds: dict[str, list[float]] = {name: [] for name in models}
    for _ in range(args.repeats):  # alternate, so both see the same machine load
        for name, model in models.items():
            torch.manual_seed(0)
            t0 = time.perf_counter()
            model.generate(labels)
            seconds[name].append(time.perf_counter() - t0)
    rate = {name: args.images / statistics.median(s) for name, s in seconds.items()}
    print(f"{cfg.task} {cfg.method_name}: {args.images} images, {args.repeats} repeats, torch threads "
          f"{torch.get_num_threads()}")
    for name, r in rate.items():
        print(f"  {name:10s} {r:8.2f} images/s  (median of {[round(s, 2) for s in seconds[name]]} s)")
    print(f"  ratio ddim-50 / ddpm-1000: {rate['ddim-50'] / rate['ddpm-1000']:.1f}x")


if __name__ == "__main__":
    main()
