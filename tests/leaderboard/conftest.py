"""Records built from `Record(...)` objects, written in the runs/ layout: leaderboard tests never train."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from harness.record import Record

PROVENANCE = {
    "git_commit": None, "git_dirty": None, "dlbench_version": "0.1.0", "python": "3.11", "torch": "2.14.1",
    "transformers": None, "accelerate": "1.15.0", "datasets": "5.2.0", "platform": "Linux", "device": "cpu",
    "world_size": 1, "per_device_batch_size": 64,
}


def make_record(task: str = "digits", method: str = "linear", seed: int = 0, value: float = 0.9, *,
                version: str = "1", profile: str = "smoke", metric: str = "accuracy", higher_is_better: bool = True,
                status: str = "completed", run_id: str | None = None, extra: dict[str, float] | None = None,
                num_parameters: int = 650, train_seconds: float = 1.0, eval_rate: float = 1000.0) -> Record:
    """A schema-valid record with `metric` = `value`; everything else fixed and small."""
    run_id = run_id or f"{task}-v{version}-{method}-{profile}-s{seed}"
    metrics = {metric: value, **(extra or {})} if status == "completed" else {}
    return Record(
        run_id=run_id, created_at="2026-01-01T00:00:00+00:00", status=status,
        error=None if status == "completed" else "boom",
        task={"name": task, "version": version, "dataset_fingerprint": "0123456789abcdef"},
        method={"name": method, "version": "1"}, seed=seed, profile=profile, config_hash="abcdef123456",
        metrics=metrics, primary_metric={"name": metric, "higher_is_better": higher_is_better},
        history=[{"epoch": e, "train_loss": 1.0 / e, "val": {metric: value - 0.1 / e}, "seconds": 0.1}
                 for e in (1, 2, 3)],
        config={"task": task, "method": {"name": method}, "profile": profile, "seed": seed},
        timings={"train_seconds": train_seconds, "eval_seconds": 0.1, "train_samples_per_second": 100.0,
                 "eval_samples_per_second": eval_rate},
        num_parameters=num_parameters, provenance=PROVENANCE,
    )


@pytest.fixture
def runs_dir(tmp_path: Path) -> Path:
    path = tmp_path / "runs"
    path.mkdir()
    return path


@pytest.fixture
def write_record(runs_dir: Path) -> Callable[..., Path]:
    """`write_record(**make_record kwargs, root=None)`: runs/<task>/<method>/<run_id>/record.json."""

    def write(root: Path | None = None, **fields) -> Path:
        rec = make_record(**fields)
        path = (root or runs_dir) / rec.task.name / rec.method.name / rec.run_id / "record.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(rec.model_dump_json(indent=2), encoding="utf-8")  # Record.write fsyncs: slow in bulk
        return path

    return write


# The results page's fixture: (task, version, metric, higher_is_better, method, train seconds, values per seed).
# Three families and an unregistered task; digits carries all three of its metrics, fashion-mnist's linear
# and cnn meet the task's references, adding has a method that does not train (0 s).
RESULTS = [
    ("digits", "1", "accuracy", True, "cnn", 3.0, (0.98, 0.985, 0.99)),
    ("digits", "1", "accuracy", True, "mlp", 6.0, (0.965, 0.97, 0.975)),
    ("digits", "1", "accuracy", True, "linear", 1.0, (0.95, 0.96, 0.955)),
    ("fashion-mnist", "1", "accuracy", True, "cnn", 200.0, (0.91, 0.915, 0.92)),
    ("fashion-mnist", "1", "accuracy", True, "linear", 30.0, (0.84, 0.842, 0.844)),
    ("adding", "1-T100", "mse", False, "gru", 250.0, (0.004, 0.005, 0.006)),
    ("adding", "1-T100", "mse", False, "constant", 0.0, (0.167, 0.167, 0.167)),
    ("toy-task", "1", "score", True, "m-a", 2.0, (0.5, 0.6)),
    ("toy-task", "1", "score", True, "m-b", 20.0, (0.7, 0.8)),
]
PICTURE = "predictions.png"  # beside the run folder of digits/cnn seed 0


def write_results_records(root: Path) -> Path:
    """The results page's records folder under `root` (runs/ layout), with one picture; returns the folder."""
    for task, version, metric, higher, method, seconds, values in RESULTS:
        for seed, value in enumerate(values):
            extra = {"f1_macro": value - 0.01, "balanced_accuracy": value - 0.005} if task == "digits" else None
            rec = make_record(task, method, seed, value, version=version, metric=metric, higher_is_better=higher,
                              extra=extra, train_seconds=seconds, num_parameters=1000 * (seed + 1) * len(method))
            path = root / task / method / rec.run_id / "record.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(rec.model_dump_json(), encoding="utf-8")
            if (task, method, seed) == ("digits", "cnn", 0):
                (path.parent / PICTURE).write_bytes(b"\x89PNG\r\n\x1a\n")  # linked, never decoded
    return root
