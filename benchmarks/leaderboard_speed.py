"""How long `bench leaderboard` takes on 10,000 records (target: under 2 s for load + aggregate + render).

    .venv/bin/python benchmarks/leaderboard_speed.py [--records 10000] [--repeat 3]

Writes synthetic, schema-valid records (built with the `Record` model, 10 epochs of history each) into a
temporary folder, half in the official layout (<task>/<method>/<run_id>.json) and half in the runs layout
(<task>/<method>/<run_id>/record.json), 5% of them of an older task version. Then it times, in one process:
loading and validating every file, aggregating, and rendering the terminal table to a string. Imports
(pandas, scipy, rich, the registry) are timed separately: they are paid once per command, whatever the size.
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TASKS = ("digits", "mnist", "cifar10")
METHODS = 25
PROFILES = ("smoke", "default")


def synthetic_record(i: int):
    from harness.record import Record

    task, method = TASKS[i % 3], f"method-{(i // 3) % METHODS:02d}"
    profile, seed = PROFILES[(i // (3 * METHODS)) % 2], i // (3 * METHODS * 2)
    accuracy = 0.5 + 0.015 * ((i // 3) % METHODS) + 0.01 * ((seed * 7919) % 11) / 11
    return Record(
        run_id=f"20260101-{i:06d}-abcdef123456-{i:05d}", created_at="2026-01-01T00:00:00+00:00",
        status="completed", task={"name": task, "version": "0" if i % 20 == 0 else "1",
                                  "dataset_fingerprint": "0123456789abcdef"},
        method={"name": method, "version": "1"}, seed=seed, profile=profile, config_hash="abcdef123456",
        metrics={"accuracy": accuracy, "f1_macro": accuracy - 0.01, "balanced_accuracy": accuracy - 0.005},
        primary_metric={"name": "accuracy", "higher_is_better": True},
        history=[{"epoch": e, "train_loss": 2.0 / e, "val": {"accuracy": accuracy - 0.1 / e, "f1_macro": accuracy},
                  "seconds": 0.5} for e in range(1, 11)],
        config={"task": task, "method": {"name": method}, "profile": profile, "seed": seed,
                "trainer": {"epochs": 10, "lr": 0.001}},
        timings={"train_seconds": 1.0 + i % 7, "eval_seconds": 0.1, "train_samples_per_second": 1000.0,
                 "eval_samples_per_second": 5000.0 + i % 13},
        num_parameters=1000 * ((i // 3) % METHODS + 1),
        provenance={"git_commit": None, "git_dirty": None, "dlbench_version": "0.1.0", "python": "3.11",
                    "torch": "2.14.1", "transformers": None, "accelerate": "1.15.0", "datasets": "5.2.0",
                    "platform": "Linux", "device": "cpu", "world_size": 1, "per_device_batch_size": 64},
    )


def write_records(root: Path, n: int) -> list[Path]:
    """n records under root/records and root/runs. Plain writes: fsync per file would only slow the setup."""
    for i in range(n):
        rec = synthetic_record(i)
        if i % 2:
            path = root / "runs" / rec.task.name / rec.method.name / rec.run_id / "record.json"
        else:
            path = root / "records" / rec.task.name / rec.method.name / f"{rec.run_id}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(rec.model_dump_json(indent=2), encoding="utf-8")
    return [root / "records", root / "runs"]


def time_once(dirs: list[Path]) -> dict[str, float]:
    """In-process, the way `bench leaderboard` runs it (cyclic GC paused for the command)."""
    from leaderboard.aggregate import runs_frame, summarise
    from leaderboard.load import gc_paused, load_records
    from leaderboard.render import render_terminal

    with gc_paused():
        return _phases(dirs, load_records, runs_frame, summarise, render_terminal)


def _phases(dirs, load_records, runs_frame, summarise, render_terminal) -> dict[str, float]:
    cpu0, t0 = time.process_time(), time.perf_counter()
    loaded = [load_records([d])[0] for d in dirs]
    t1 = time.perf_counter()
    board = summarise(runs_frame(loaded))
    t2 = time.perf_counter()
    text = render_terminal(board, color=False)
    t3, cpu3 = time.perf_counter(), time.process_time()
    assert sum(len(v) for v in loaded) > 0 and text
    return {"load": t1 - t0, "aggregate": t2 - t1, "render": t3 - t2, "total": t3 - t0, "cpu": cpu3 - cpu0,
            "rows": len(board)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    t0 = time.perf_counter()
    for module in ("pandas", "scipy.stats", "rich.table", "jinja2"):  # what a `bench leaderboard` pays once
        importlib.import_module(module)
    from harness import registry

    registry.tasks()
    imports = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        dirs = write_records(Path(tmp), args.records)
        print(f"wrote {args.records:,} records in {time.perf_counter() - t0:.1f} s (setup, not timed)")
        runs = [time_once(dirs) for _ in range(args.repeat)]
        t0 = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "cli", "leaderboard", f"dirs=[{dirs[0]},{dirs[1]}]"],
                              capture_output=True, text=True, check=True)
        end_to_end = time.perf_counter() - t0
        assert "method-00" in done.stdout
    print(f"imports (once per command): {imports:.2f} s")
    print(f"end to end, `python -m cli leaderboard dirs=[...]` (start, imports, all phases, exit): "
          f"{end_to_end:.2f} s")
    for i, r in enumerate(runs, 1):
        print(f"run {i}: load {r['load']:.2f} s + aggregate {r['aggregate']:.2f} s + render {r['render']:.2f} s "
              f"= {r['total']:.2f} s wall, {r['cpu']:.2f} s CPU ({r['rows']} leaderboard rows)")
    median = statistics.median(r["total"] for r in runs)
    cpu = statistics.median(r["cpu"] for r in runs)
    print(f"median load + aggregate + render: {median:.2f} s wall ({cpu:.2f} s CPU) for {args.records:,} records "
          "(target < 2 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
