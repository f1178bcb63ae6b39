"""`bench run`, `bench sweep`, `bench evaluate`: parse, then call harness/ (runner, sweep, evaluate).

The run config (task, method, profile and every trainer.*, data.*, method.*, metrics.* key) is
composed by harness.config.compose; what is parsed here are the options around it (how many processes,
which launcher), which never change a config hash.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from cli import options
from cli.options import Command, Key
from harness.errors import UserError, check_rule
from harness.io import check_output_file
from harness.sweep_options import SweepOptions

NUM_PROCESSES = "processes on this machine; > 1 re-launches the command through Accelerate (docs/distributed.md)"


@dataclass
class RunOptions:
    num_processes: int = field(default=1, metadata={"help": NUM_PROCESSES})

    def __post_init__(self) -> None:
        check_rule("num_processes", self.num_processes, self.num_processes >= 1, ">= 1")


@dataclass
class EvaluateOptions(RunOptions):
    eval_batch_size: int | None = field(default=None, metadata={
        "help": "per device; null: the run's trainer.eval_batch_size"})
    out: str | None = field(default=None, metadata={
        "help": "also write {metrics, num_samples, world_size, ...} as JSON to this file"})

    def __post_init__(self) -> None:
        from harness.evaluate import check_eval_batch_size

        super().__post_init__()
        check_eval_batch_size(self.eval_batch_size)
        if self.out is not None:
            check_output_file("out", self.out)


@dataclass
class Chosen:
    """The selectors `bench run ... --help` reads to show a method's and a task's own keys."""

    task: str | None = None
    method: str | None = None
    profile: str | None = None


def _check_world(num_processes: int, command: str) -> None:
    """Inside a launched worker, num_processes must agree with the world it is part of."""
    from harness import distributed

    world = distributed.launched_world_size()
    if world > 1 and num_processes not in (1, world):
        raise UserError(f"'bench {command}' already runs in {world} processes; drop num_processes={num_processes}")


def cmd_run(args: list[str]) -> int:
    """`bench run`: compose and check the config, then train and score it here or in N processes."""
    from harness import distributed
    from harness.config import compose

    option_args, run_args = options.split(args, RunOptions)
    opts = options.parse("run", RunOptions, option_args)
    _check_world(opts.num_processes, "run")
    cfg = compose(run_args)  # every key, type and name checked before any heavy import
    if distributed.should_launch(opts.num_processes):
        return distributed.launch(["run", *run_args], opts.num_processes, cfg.trainer.mixed_precision)
    from harness.runner import run

    try:
        result = run(cfg)
    except KeyboardInterrupt:
        print("interrupted: the last checkpoint is kept; add resume=true to the same command", file=sys.stderr)
        return 130
    return 0 if result.record.status == "completed" else 1


def cmd_sweep(args: list[str]) -> int:
    """`bench sweep`: the sweep options parsed here; the grid, its checks and the runs in harness.sweep."""
    from harness.sweep import run_sweep

    option_args, run_args = options.split(args, SweepOptions)
    result = run_sweep(run_args, options.parse("sweep", SweepOptions, option_args))
    if result.interrupted:
        print(f"interrupted after {len(result.outcomes)} of {result.total} run(s); the same command finishes the "
              "rest (completed runs are skipped, cut-off ones resume)", file=sys.stderr)
        return 130
    return 1 if any(o.status == "failed" for o in result.outcomes) else 0


def cmd_evaluate(args: list[str]) -> int:
    """`bench evaluate RUN_DIR`: score a run's checkpoint on the test split, here or in N processes."""
    from harness import distributed, evaluate

    opts, folders = options.parse_with_paths("evaluate", EvaluateOptions, args)
    if len(folders) != 1:
        raise UserError("'bench evaluate' takes one run folder, for example: bench evaluate runs/digits/cnn/<run_id>")
    _check_world(opts.num_processes, "evaluate")
    run_dir = Path(folders[0])
    cfg, weights = evaluate.load_run(run_dir, opts.eval_batch_size)
    if distributed.should_launch(opts.num_processes):
        rest = [a for a in args if options.key_of(a) != "num_processes"]
        return distributed.launch(["evaluate", *rest], opts.num_processes, cfg.trainer.mixed_precision)
    evaluate.evaluate_and_report(run_dir, cfg, weights, opts.out)
    return 0


def run_keys(args: list[str]) -> list[tuple[str, list[Key]]]:
    """`bench run --help`: the run config's keys; with method=NAME (task=NAME) its method.* (metrics.*) keys."""
    from harness import registry
    from harness.config import SELECTORS, RunKeys, Selection

    chosen = options.parse("run", Chosen, [a for a in args if options.key_of(a) in SELECTORS])
    sections = [("run config", options.keys(Selection) + options.keys(RunKeys))]
    if chosen.method is None:
        sections.append(("method.* keys: add method=NAME to list them (bench run method=cnn --help)", []))
    else:
        method = registry.get_method(chosen.method)
        sections.append((f"method.* keys of {method.name}", options.keys(method.params, "method.")))
    task = registry.get_task(chosen.task) if chosen.task is not None else None
    if task is not None and task.metric_params is not None:
        sections.append((f"metrics.* keys of {task.name}", options.keys(task.metric_params, "metrics.")))
    return sections


COMMANDS = [
    Command("run", "train, evaluate, write a record under runs/ (num_processes=N: Accelerate)",
            "task=NAME method=NAME [key=value ...] [num_processes=N]", RunOptions, cmd_run, run_keys),
    Command("sweep", "every combination as a run; skips completed ones; summary at the end",
            "KEY=A,B KEY2='range(0,3)' ... [jobs=N] [rerun=true] [launcher=local|slurm] [slurm.*=...]",
            SweepOptions, cmd_sweep,
            note="any run key (bench run --help) also takes a list a,b,c, range(start,stop[,step]) or "
                 "choice(a,b): every combination is one run"),
    Command("evaluate", "score a run's checkpoint on the test split (docs/distributed.md)",
            "RUN_DIR [num_processes=N] [eval_batch_size=B] [out=PATH]", EvaluateOptions, cmd_evaluate,
            arguments=(("RUN_DIR", "a run folder, runs/<task>/<method>/<run_id> (its config.yaml and checkpoint)"),)),
]
