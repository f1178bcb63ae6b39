"""Harness overhead: the same model, batches and steps through `bench run` vs a plain PyTorch loop.

    python benchmarks/step_time.py --methods cnn vit --repeats 9 --epochs 10

Both paths build the model from the same seed, iterate the same DataLoader with the same
per-epoch seeds, and use the same optimizer and schedule; the script checks that their training
losses agree, so the timing compares like with like. Runs alternate (harness, plain, harness, ...)
in one process (which one goes first alternates) so machine noise hits both. Reported: median
milliseconds per step, the ratio of medians and the ratio of minima harness/plain (target <= 1.05).
"""

from __future__ import annotations

import argparse
import logging
import statistics
import tempfile
import time

import torch
import torch.nn.functional as F
from accelerate.utils import set_seed
from torch.utils.data import DataLoader

from harness import optim, registry
from harness.config import compose
from harness.runner import epoch_seed, run


def plain_loop(task_name: str, method_name: str, args: list[str]) -> tuple[float, int, list[float]]:
    """A hand-written loop: no Accelerate, no progress bar, no checkpoints."""
    cfg = compose([f"task={task_name}", f"method={method_name}", *args])
    task, method = registry.get_task(task_name), registry.get_method(method_name)
    set_seed(cfg.seed)
    data = task.build_data(cfg.data, cfg.profile, cfg.metrics)
    set_seed(cfg.seed)
    model = method.build(data.info, cfg.method)
    gen = torch.Generator()
    loader = DataLoader(data.train, batch_size=cfg.trainer.batch_size, shuffle=True, generator=gen,
                        collate_fn=data.collate)
    optimizer, scheduler = optim.build(model, cfg.trainer, len(loader))
    seconds, steps, losses = 0.0, 0, []
    for epoch in range(1, cfg.trainer.epochs + 1):
        set_seed(epoch_seed(cfg.seed, epoch))
        gen.manual_seed(epoch_seed(cfg.seed, epoch))
        model.train()
        t0, total = time.perf_counter(), 0.0
        for batch in loader:
            loss = F.cross_entropy(model(batch["pixel_values"]), batch["labels"])
            loss.backward()
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            total += loss.item()
            steps += 1
        seconds += time.perf_counter() - t0
        losses.append(total / len(loader))
    return seconds, steps, losses


def harness_loop(task_name: str, method_name: str, args: list[str], out: str) -> tuple[float, int, list[float]]:
    cfg = compose([f"task={task_name}", f"method={method_name}", f"output_dir={out}", *args])
    record = run(cfg).record
    steps_per_epoch = -(-len(registry.get_task(task_name).build(cfg.data, cfg.profile).train) // cfg.trainer.batch_size)
    return record.timings.train_seconds, steps_per_epoch * cfg.trainer.epochs, [h.train_loss for h in record.history]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", default="digits")
    parser.add_argument("--methods", nargs="+", default=["cnn", "vit"])
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--epochs", type=int, default=10)
    opts = parser.parse_args()
    logging.getLogger("dlbench").setLevel(logging.WARNING)
    torch.set_num_threads(torch.get_num_threads())
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, task {opts.task}, "
          f"{opts.epochs} epochs x {opts.repeats} repeats, alternating")
    with tempfile.TemporaryDirectory() as out:
        for method in opts.methods:
            args = [f"trainer.epochs={opts.epochs}", "trainer.log_every=1000"]
            harness_loop(opts.task, method, args, out)  # warm-up: caches, allocator, thread pools
            h_times, p_times = [], []
            for rep in range(opts.repeats):
                # alternate which goes first, so a slow phase of the machine does not favour one side
                if rep % 2 == 0:
                    hs, hn, h_loss = harness_loop(opts.task, method, args, out)
                    ps, pn, p_loss = plain_loop(opts.task, method, args)
                else:
                    ps, pn, p_loss = plain_loop(opts.task, method, args)
                    hs, hn, h_loss = harness_loop(opts.task, method, args, out)
                assert hn == pn, (hn, pn)
                if max(abs(a - b) for a, b in zip(h_loss, p_loss, strict=True)) > 1e-4:
                    raise SystemExit(f"{method}: harness and plain losses differ: {h_loss} vs {p_loss}")
                h_times.append(hs / hn)
                p_times.append(ps / pn)
            # medians are robust to a noisy neighbour; minima (timeit's choice) estimate the undisturbed cost
            h, p = statistics.median(h_times), statistics.median(p_times)
            ratios = ", ".join(f"{a / b:.3f}" for a, b in zip(h_times, p_times, strict=True))
            print(f"{method:<8} steps/run {hn:>5}  harness {h * 1e3:7.3f} ms/step  plain {p * 1e3:7.3f} ms/step  "
                  f"ratio of medians {h / p:.3f}  ratio of minima {min(h_times) / min(p_times):.3f}"
                  f"   (per-repeat ratios: {ratios})")


if __name__ == "__main__":
    main()
