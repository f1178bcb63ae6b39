"""Records to frames and tables from Python: what `bench leaderboard` and `bench table` compute, before rendering.

The folders are read and checked here for both the command line and the API (a folder given must exist; the
default ones may be missing), then leaderboard.aggregate does the counting, intervals and tests.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from harness.errors import UserError, unknown

if TYPE_CHECKING:
    import pandas as pd

    from leaderboard.table import PaperTable

PathLike = str | os.PathLike
Dirs = PathLike | Sequence[PathLike] | None  # None: leaderboard/records and runs (either may be missing)
Names = str | Sequence[str] | None
LEADING = ("task", "method", "mean", "ci95_low", "ci95_high", "n_seeds", "rank", "vs_best", "p_value", "test",
           "metric", "profile", "task_version")


def _names(names: Names) -> list[str] | None:
    return [names] if isinstance(names, str) else None if names is None else list(names)


def record_dirs(dirs: Dirs) -> list[Path]:
    """The folders to read: those given (each must exist and be readable), else leaderboard/records and runs."""
    from leaderboard.load import DEFAULT_DIRS

    if dirs is None:
        return list(DEFAULT_DIRS)
    given = [dirs] if isinstance(dirs, (str, os.PathLike)) else list(dirs)
    for d in given:
        if not Path(d).exists():
            raise UserError(f"dirs: no such folder: {os.fspath(d)}")
        if not os.access(d, os.R_OK | (os.X_OK if Path(d).is_dir() else 0)):  # os.walk would skip it silently
            raise UserError(f"dirs: cannot read {os.fspath(d)}; check its permissions")
    return [Path(d) for d in given]


def load_runs(dirs: Dirs) -> pd.DataFrame:
    """Completed runs under the folders, one row each (leaderboard.aggregate.collect); rejected files are
    reported on stderr and skipped."""
    from leaderboard.aggregate import collect
    from leaderboard.load import report_rejected

    runs, rejected = collect(record_dirs(dirs))
    report_rejected(rejected)
    return runs


def check_tasks(wanted: list[str], runs: pd.DataFrame) -> None:
    """Unknown names get close matches from the registry and the records."""
    from harness import registry

    have = set(runs["task"]) if len(runs) else set()
    for task in wanted:
        if task not in have:
            if task in registry.tasks():
                raise UserError(f"no completed records of task '{task}' under the folders read")
            raise unknown("task", task, set(registry.tasks()) | have)


def records(dirs: Dirs = None) -> pd.DataFrame:
    """One row per completed run, counted as the leaderboard counts them (valid records only, a run_id once, a
    seed once per method): `m.<metric>` columns, the four timings, the provenance fields, the record's `path`
    and the validated `record` itself (its `history` holds the training curve)."""
    runs = load_runs(dirs)
    if runs.empty:
        return runs
    recs = runs["record"]
    for name in ("eval_seconds", "train_samples_per_second"):  # train_seconds and eval rate are already there
        runs[name] = [getattr(r.timings, name) for r in recs]
    for name in type(recs.iloc[0].provenance).model_fields:
        runs[name] = [getattr(r.provenance, name) for r in recs]
    runs["config_hash"] = [r.config_hash for r in recs]
    return runs


def leaderboard(task: Names = None, dirs: Dirs = None, *, metric: str | None = None,
                stale: bool = False) -> pd.DataFrame:
    """The leaderboard of `bench leaderboard`, as a frame: one row per (task, version, profile, method) with
    mean, std, n_seeds, ci95_low/ci95_high (95% t-interval inside the metric's range), rank, vs_best (best,
    tied, worse, untested), Holm-corrected p_value and the `test` behind it. `metric`: score this metric
    instead of each task's primary one. `stale`: keep rows of older task versions (left out, as on screen)."""
    board, _ = ranked(task, dirs, metric)
    board = board if stale else board[~board["stale"]].reset_index(drop=True)
    first = [c for c in LEADING if c in board.columns]  # what a printed frame shows before its "..."
    return board[first + [c for c in board.columns if c not in first]]


def ranked(task: Names = None, dirs: Dirs = None, metric: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the leaderboard with stale rows, the runs it summarises): what `leaderboard` returns and
    `bench leaderboard` renders (its pages link each seed's record, so they need the runs too)."""
    from leaderboard.aggregate import summarise

    runs = load_runs(dirs)
    wanted = _names(task)
    if wanted is not None:
        check_tasks(wanted, runs)
        runs = runs[runs["task"].isin(wanted)]
    return summarise(runs, metric), runs


def paper_table(tasks: Names = None, metrics: Names = None, *, profile: str | None = None,
                label: str | None = None, dirs: Dirs = None) -> PaperTable:
    """The table `bench table` renders: methods x (task, metric) columns of one profile each."""
    from harness.specs import PROFILES
    from leaderboard.aggregate import current_tasks
    from leaderboard.table import build_table

    if profile is not None and profile not in PROFILES:
        raise unknown("profile", profile, PROFILES)
    runs = load_runs(dirs)
    chosen = _names(tasks)
    chosen = chosen if chosen is not None else current_tasks(runs)
    check_tasks(chosen, runs)
    return build_table(runs, chosen, _names(metrics), profile, label)


def table(tasks: Names = None, metrics: Names = None, *, profile: str | None = None, label: str | None = None,
          dirs: Dirs = None) -> str:
    """The booktabs LaTeX of `bench table`: best bold, second underlined, ties with the best marked by the
    leaderboard's tests; every string from a record escaped. Needs \\usepackage{booktabs} and graphicx."""
    from leaderboard.table import render_table

    return render_table(paper_table(tasks, metrics, profile=profile, label=label, dirs=dirs))
