"""How the runs of a sweep execute: the `bench sweep` options that are not part of any run config.

A module of its own so that harness/sweep.py (which plans the grid) and harness/launchers.py (which
runs it) both import it and not each other. None of these options changes a config hash. The CLI
parses them (cli/options.py); `help` metadata is what `bench sweep --help` prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from harness.errors import check_rule

DEFAULT_MAX_RUNS = 10_000  # far above any sweep run so far; a typo in a range() is not


def _at_least(key: str, value: int, low: int) -> None:
    check_rule(key, value, value >= low, f">= {low}")


@dataclass
class SlurmOptions:
    partition: str | None = field(default=None, metadata={"help": "SLURM partition; null: the cluster's default"})
    time_min: int = field(default=60, metadata={"help": "time limit of each run's job, in minutes"})
    gpus_per_run: int = field(
        default=1, metadata={"help": "GPUs of each job; one process per GPU unless num_processes is given"})
    cpus_per_run: int = field(default=4, metadata={"help": "CPU cores of each job"})

    def __post_init__(self) -> None:
        _at_least("slurm.time_min", self.time_min, 1)
        _at_least("slurm.gpus_per_run", self.gpus_per_run, 0)
        _at_least("slurm.cpus_per_run", self.cpus_per_run, 1)


@dataclass
class SweepOptions:
    jobs: int = field(default=1, metadata={"help": "runs at the same time (local workers; SLURM array parallelism)"})
    rerun: bool = field(default=False, metadata={"help": "also run grid points whose completed record exists"})
    launcher: str = field(default="local", metadata={
        "help": "where runs execute: local (worker processes here) or slurm (one job each, via submitit)"})
    num_processes: int = field(default=1, metadata={"help": "processes per run (docs/distributed.md)"})
    max_runs: int = field(default=DEFAULT_MAX_RUNS, metadata={
        "help": "refuse a grid of more runs than this, before listing it (a range(0,100000000) typo)"})
    slurm: SlurmOptions = field(default_factory=SlurmOptions)

    def __post_init__(self) -> None:
        _at_least("jobs", self.jobs, 1)
        _at_least("num_processes", self.num_processes, 1)
        _at_least("max_runs", self.max_runs, 1)
