"""Records -> one leaderboard row per (task, task version, method, profile).

Rules, in order:
- only `status == "completed"` records count; a run_id seen twice counts once (the first folder wins,
  so `leaderboard/records` beats a local copy in `runs`);
- each seed counts once per row: when a seed was run again, the earlier folder wins, then the latest
  `created_at`;
- statistics (mean, std with ddof=1, 95% t-interval inside the metric's declared range) are over
  seeds; rank and significance are computed within one (task, task version, profile), by the task's
  metric and its direction: each method against the best by a paired test over the test examples where
  both have per-example outputs, else Welch's t-test over seeds (leaderboard/compare.py), the section's
  p-values Holm-corrected together;
- a task version other than the registry's current one (the latest seen, for an unregistered task)
  is never pooled with the current one: those rows stay separate with `stale=True`, and the default
  views (terminal, md, html, LaTeX, paper) leave them out.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.errors import UserError
from harness.specs import PROFILES, Metric
from leaderboard.compare import Comparer, Side
from leaderboard.load import gc_paused, load_records
from leaderboard.stats import ALPHA, WELCH, holm, mean_interval, welch_p_values

if TYPE_CHECKING:
    import pandas as pd

    from harness.record import Record

CONTEXT = ["task", "task_version", "profile"]
GROUP = [*CONTEXT, "method"]


def _run_row(path: Path, source: int, rec: Record) -> dict[str, Any]:
    row = {
        "path": str(path), "source": source, "run_id": rec.run_id, "created_at": rec.created_at,
        "status": rec.status, "task": rec.task.name, "task_version": rec.task.version,
        "method": rec.method.name, "method_version": rec.method.version, "profile": rec.profile,
        "seed": rec.seed, "primary_metric": rec.primary_metric.name,
        "higher_is_better": rec.primary_metric.higher_is_better, "num_parameters": rec.num_parameters,
        "train_seconds": rec.timings.train_seconds,
        "eval_samples_per_second": rec.timings.eval_samples_per_second, "record": rec,
    }
    row.update({f"m.{name}": value for name, value in rec.metrics.items()})
    return row


def runs_frame(loaded: list[list[tuple[Path, Record]]]) -> pd.DataFrame:
    """One row per completed run from `load_records` results, one list per folder in priority order."""
    import pandas as pd

    with gc_paused():
        rows = [_run_row(path, source, rec) for source, valid in enumerate(loaded) for path, rec in valid]
        runs = pd.DataFrame(rows, columns=None if rows else ["run_id", "status", *GROUP, "seed", "source"])
    return completed_runs(runs)


def collect(dirs: list[Path]) -> tuple[pd.DataFrame, list[tuple[Path, str]]]:
    """All valid records under `dirs` as one row per run (deduplicated), and the rejected files.

    Valid means the schema's checks and, for a registered task, every metric inside its declared range:
    runs/ is read with the same strictness as a submission, so a hand-edited record cannot top a table."""
    loaded, rejected = [], []
    for top in dirs:
        valid, bad = load_records([top])
        kept = []
        for path, rec in valid:
            reason = _out_of_range(rec)
            if reason:
                bad.append((path, reason))
            else:
                kept.append((path, rec))
        loaded.append(kept)
        rejected += bad
    return runs_frame(loaded), rejected


def _out_of_range(rec: Record) -> str:
    """The first reason `bench submit` would give against `rec`'s metric values ('' when none): one rule."""
    from leaderboard.submit import Context, check_metric_values

    return next(iter(check_metric_values(rec, Context())), "")


def completed_runs(runs: pd.DataFrame) -> pd.DataFrame:
    """Completed runs, one per run_id and one per seed within a leaderboard row."""
    runs = runs[runs["status"] == "completed"]
    runs = runs.drop_duplicates("run_id", keep="first")
    if "created_at" in runs:
        runs = runs.sort_values(["source", "created_at"], ascending=[True, False], kind="stable")
    return runs.drop_duplicates([*GROUP, "seed"], keep="first").reset_index(drop=True)


def _version_key(version: str) -> tuple:
    """'10' after '9', and numbers before words, so mixed versions still compare."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[.\-]", version))


def current_version(task: str, runs: pd.DataFrame) -> str:
    """The registry's version of `task`, or the latest version seen when the task is not registered."""
    from harness import registry

    spec = registry.tasks().get(task)
    if spec is not None:
        return spec.version
    seen = runs.loc[runs["task"] == task, "task_version"].unique()
    return max(seen, key=_version_key) if len(seen) else ""


def registered_metric(task: str, metric: str) -> Metric | None:
    """The registry's description of `metric` for `task`; None for an unregistered task or metric."""
    from harness import registry

    spec = registry.tasks().get(task)
    return next((m for m in spec.metrics if m.name == metric), None) if spec is not None else None


def metric_direction(task: str, metric: str, runs: pd.DataFrame) -> bool:
    """Whether higher is better for `metric` of `task`: the registry's word, else the records'."""
    described = registered_metric(task, metric)
    if described is not None:
        return described.higher_is_better
    recorded = runs.loc[(runs["task"] == task) & (runs["primary_metric"] == metric), "higher_is_better"]
    if len(recorded):
        return bool(recorded.iloc[0])
    raise UserError(f"cannot tell whether higher or lower '{metric}' is better for task '{task}'")


def metric_range(task: str, metric: str) -> tuple[float, float]:
    """The (low, high) the registry says a value of `metric` lies in; unbounded when it says nothing."""
    described = registered_metric(task, metric)
    return described.range if described is not None and described.range else (-math.inf, math.inf)


def primary_metric(task: str, runs: pd.DataFrame) -> str:
    from harness import registry

    spec = registry.tasks().get(task)
    if spec is not None:
        return spec.primary_metric
    return str(runs.loc[runs["task"] == task, "primary_metric"].mode().iloc[0])


def summarise(runs: pd.DataFrame, metric: str | None = None) -> pd.DataFrame:
    """The leaderboard: one row per (task, task version, profile, method), ranked within each context.

    `metric` is scored for every task; None means each task's primary metric.
    """
    import pandas as pd

    pieces = [_summarise_task(task, runs[runs["task"] == task], metric or primary_metric(task, runs))
              for task in sorted(runs["task"].unique())]
    pieces = [p for p in pieces if len(p)]
    if not pieces:
        return pd.DataFrame(columns=[*GROUP, "stale", "metric", "mean", "std", "n_seeds", "rank", "vs_best",
                                     "p_value", "test"])
    board = pd.concat(pieces, ignore_index=True)
    board["profile_order"] = board["profile"].map({p: i for i, p in enumerate(PROFILES)})
    board = board.sort_values(["task", "stale", "task_version", "profile_order", "rank", "method"], kind="stable")
    return board.drop(columns="profile_order").reset_index(drop=True)


def _summarise_task(task: str, runs: pd.DataFrame, metric: str) -> pd.DataFrame:
    column = f"m.{metric}"
    if column not in runs or runs[column].notna().sum() == 0:
        return runs.iloc[0:0]
    higher = metric_direction(task, metric, runs)
    runs = runs[runs[column].notna()].sort_values(["seed", "path"], kind="stable")  # seeds and records align
    grouped = runs.groupby(GROUP, sort=True)
    rows = grouped.agg(
        n_seeds=(column, "count"), mean=(column, "mean"), std=(column, "std"),
        num_parameters=("num_parameters", "median"), train_seconds=("train_seconds", "mean"),
        eval_samples_per_second=("eval_samples_per_second", "mean"),
    ).reset_index()
    rows["values"] = grouped[column].agg(list).to_numpy()
    rows["seeds"] = grouped["seed"].agg(list).to_numpy()
    rows["records"] = grouped["path"].agg(list).to_numpy()
    rows["method_version"] = grouped["method_version"].agg(lambda v: ",".join(sorted(set(v)))).to_numpy()
    rows["metric"] = metric
    rows["higher_is_better"] = higher
    rows["stale"] = rows["task_version"] != current_version(task, runs)
    bounds = metric_range(task, metric)
    intervals = [mean_interval(m, s, n, bounds) for m, s, n in zip(rows["mean"], rows["std"], rows["n_seeds"],
                                                                     strict=True)]
    rows["ci95_low"] = [low for low, _ in intervals]
    rows["ci95_high"] = [high for _, high in intervals]
    rows["rank"] = rows.groupby(CONTEXT)["mean"].rank(method="min", ascending=not higher).astype(int)
    return _mark_ties(rows, _comparer(task, metric, runs))


def _comparer(task: str, metric: str, runs: pd.DataFrame) -> Comparer:
    """What compares `task`'s rows on `metric` with their best: the task's hooks and the runs' records."""
    from harness import registry

    records = dict(zip(runs["path"], runs["record"], strict=True)) if "record" in runs else {}
    return Comparer(registry.tasks().get(task), metric, records)


def _mark_ties(rows: pd.DataFrame, comparer: Comparer) -> pd.DataFrame:
    """`vs_best`: best, tied (Holm-corrected p >= alpha against the best), worse, or untested (no test could
    run: no per-example outputs and fewer than 2 seeds on one side); `test` names each row's test."""
    keys = [tuple(k) for k in rows[CONTEXT].itertuples(index=False)]
    values = list(rows["values"])
    best: dict[tuple, int] = {}  # context -> position of its reference row
    for i, (key, rank) in enumerate(zip(keys, rows["rank"], strict=True)):
        # equal means share rank 1; the one with more seeds is the reference
        if rank == 1 and (key not in best or len(values[i]) > len(values[best[key]])):
            best[key] = i
    sides = [Side(tuple(s), tuple(p)) for s, p in zip(rows["seeds"], rows["records"], strict=True)]
    welch = welch_p_values([(values[best[k]], v) for k, v in zip(keys, values, strict=True)])
    tests: list[str | None] = []
    raw: list[float] = []
    for i, (key, rank) in enumerate(zip(keys, rows["rank"], strict=True)):
        found = None if rank == 1 else comparer.test(sides[best[key]], sides[i])
        name, p = found or (None if rank == 1 or math.isnan(welch[i]) else WELCH, welch[i])
        tests.append(name)
        raw.append(p if name else math.nan)
    p_values = [math.nan] * len(raw)
    for key in best:  # one family of tests per section
        idx = [i for i, k in enumerate(keys) if k == key]
        for i, p in zip(idx, holm([raw[i] for i in idx]), strict=True):
            p_values[i] = p
    rows["vs_best"] = ["best" if rank == 1 else "untested" if math.isnan(p) else "tied" if p >= ALPHA else "worse"
                       for p, rank in zip(p_values, rows["rank"], strict=True)]
    rows["p_value"] = p_values
    rows["test"] = tests
    return rows


def current_tasks(runs: pd.DataFrame) -> list[str]:
    """Tasks with completed records of their current version."""
    if runs.empty:
        return []
    board = summarise(runs)
    return sorted(set(board.loc[~board["stale"], "task"]))

