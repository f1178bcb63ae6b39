"""Train, sweep, score and reproduce from Python: `bench run`, `sweep`, `evaluate` and `reproduce` minus the
string parsing. The config goes through harness.config.compose_pairs, the function `bench run` calls once its
arguments are parsed, so a key, a type or a range is refused with the same one line as on the command line.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.errors import ConfigError, UserError, check_rule

if TYPE_CHECKING:
    from harness.config import RunConfig
    from harness.record import Record
    from leaderboard.reproduce import Comparison

PathLike = str | os.PathLike
# {"trainer": {"epochs": 1}}, {"trainer.epochs": 1}, or both kinds in one mapping
Overrides = Mapping[str, Any]


def flatten(overrides: Overrides | None, prefix: str = "") -> dict[str, Any]:
    """Nested or dotted overrides as dotted keys. A mapping value is a node of the config: no run key takes a
    dict (method.*, metrics.* and data.* keys are numbers, strings, bools, None or lists)."""
    flat: dict[str, Any] = {}
    for key, value in (overrides or {}).items():
        if not isinstance(key, str) or not key:
            raise ConfigError(f"override keys are names such as 'trainer.epochs', got {key!r}")
        dotted = f"{prefix}{key}"
        items = flatten(value, f"{dotted}.") if isinstance(value, Mapping) else {dotted: _plain(value)}
        for name, item in items.items():
            if name in flat:
                raise ConfigError(f"key '{name}' is given twice")
            flat[name] = item
    return flat


def _plain(value: Any) -> Any:
    """A path as the string the command line would give."""
    return os.fspath(value) if isinstance(value, os.PathLike) else value


def _pairs(task: str, method: str, seed: int, profile: str, output_dir: PathLike,
           overrides: Overrides | None) -> list[tuple[str, Any]]:
    """The (key, value) pairs `bench run task=... method=... profile=... seed=... output_dir=... k=v` parses to."""
    given = {"task": task, "method": method, "profile": profile, "seed": seed, "output_dir": _plain(output_dir)}
    extra = flatten(overrides)
    clash = sorted(given.keys() & extra.keys())
    if clash:
        raise ConfigError(f"'{clash[0]}' is an argument of its own; pass {clash[0]}=... instead of putting it "
                          "in overrides")
    return [*given.items(), *extra.items()]


def config(task: str, method: str, *, seed: int = 0, profile: str = "default", overrides: Overrides | None = None,
           output_dir: PathLike = "runs") -> RunConfig:
    """The checked run config that `run` trains, composed as `bench run task=TASK method=METHOD ...` would be."""
    from harness.config import compose_pairs

    return compose_pairs(_pairs(task, method, seed, profile, output_dir, overrides))


def run(task: str, method: str, *, seed: int = 0, profile: str = "default", overrides: Overrides | None = None,
        output_dir: PathLike = "runs") -> Record:
    """Train and score one config as `bench run` does: its folder goes under
    output_dir/<task>/<method>/<run_id>/ (record.json, config.yaml, run.log, checkpoint/); returns its record.
    A run whose loss diverged returns a record with status 'failed' and the reason in `error`."""
    from harness.progress import show_lines
    from harness.runner import run as run_config

    cfg = config(task, method, seed=seed, profile=profile, overrides=overrides, output_dir=output_dir)
    show_lines()
    return run_config(cfg).record


def _choices(key: str, values: Sequence[Any]) -> str:
    """`key=a,b,c`: a sweep over `values` in the override grammar, each value written as `override_text` does."""
    from harness.config import override_text

    return f"{key}=" + ",".join(override_text(key, v).split("=", 1)[1] for v in values)


def sweep(task: str, methods: str | Sequence[str], seeds: Sequence[int] = (0, 1, 2), *, profile: str = "default",
          overrides: Overrides | None = None, output_dir: PathLike = "runs", jobs: int = 1,
          rerun: bool = False) -> list[Record]:
    """Every (method, seed) as one run, as `bench sweep`: all checked before any starts, those with a completed
    record skipped (unless `rerun`), `jobs` at a time in worker processes (their output in output_dir/.sweep/).
    Returns the records in grid order (methods, then seeds); a run that ended without one is named in the
    sweep's summary lines and left out."""
    from harness.config import override_text
    from harness.progress import show_lines
    from harness.sweep import run_sweep
    from harness.sweep_options import SweepOptions

    names = [methods] if isinstance(methods, str) else list(methods)
    if not names or not seeds:
        raise ConfigError("dlbench.sweep needs at least one method and one seed")
    options = SweepOptions(jobs=jobs, rerun=rerun)
    fixed = [override_text(k, v) for k, v in _pairs(task, names[0], seeds[0], profile, output_dir, overrides)
             if k not in ("method", "seed")]
    show_lines()
    result = run_sweep([*fixed, _choices("method", names), _choices("seed", list(seeds))], options)
    if result.interrupted:
        raise KeyboardInterrupt  # the same call finishes the rest: completed runs are skipped
    return [rec for o in sorted(result.outcomes, key=lambda o: o.job.index) if (rec := _readable(o.record))]


def _readable(path: str | None) -> Record | None:
    from harness.record import load_record

    try:
        return load_record(path) if path else None
    except UserError:
        return None  # the summary already said "record unreadable"


def evaluate(run_dir: PathLike, *, num_processes: int = 1, eval_batch_size: int | None = None) -> dict[str, float]:
    """Score a run folder's checkpoint on the test split, as `bench evaluate` does; the test metrics.
    num_processes > 1 launches that many processes through Accelerate (docs/distributed.md)."""
    import json
    import tempfile

    from harness import distributed
    from harness import evaluate as scoring
    from harness.progress import show_lines

    check_rule("num_processes", num_processes, num_processes >= 1, ">= 1")
    folder = Path(run_dir)
    cfg, weights = scoring.load_run(folder, eval_batch_size)
    show_lines()
    if not distributed.should_launch(num_processes):
        return scoring.evaluate_and_report(folder, cfg, weights, None).metrics
    with tempfile.TemporaryDirectory(prefix="dlbench-evaluate-") as tmp:
        out = Path(tmp) / "metrics.json"
        batch = [] if eval_batch_size is None else [f"eval_batch_size={eval_batch_size}"]
        code = distributed.launch(["evaluate", str(folder), f"out={out}", *batch], num_processes,
                                  cfg.trainer.mixed_precision)
        if code != 0 or not out.is_file():
            raise RuntimeError(f"'bench evaluate {folder}' in {num_processes} processes exited with code {code}")
        return json.loads(out.read_text(encoding="utf-8"))["metrics"]


def reproduce(record_path: PathLike, *, tolerance: float | None = None,
              output_dir: PathLike | None = None) -> Comparison:
    """Re-run a record's config and compare its metrics, as `bench reproduce` does; `.reproduced_ok` is the
    verdict, `.differences()` the reproduced minus recorded values. output_dir=None: a temporary folder."""
    from harness.progress import show_lines
    from leaderboard.reproduce import check_options, reproduce_all

    check_options(tolerance, output_dir)
    show_lines()
    return reproduce_all([Path(record_path)], None if output_dir is None else os.fspath(output_dir), tolerance)[0]
