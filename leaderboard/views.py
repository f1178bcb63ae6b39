"""The leaderboard as plain values every output format shares: one section per (task, version, profile).

Numbers are formatted here, once, so the terminal, Markdown, HTML and LaTeX views agree digit for digit.
Strings from records stay raw here; each format's template escapes them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from leaderboard.aggregate import primary_metric
from leaderboard.paired import BOOTSTRAP, MCNEMAR
from leaderboard.stats import ALPHA, WELCH

if TYPE_CHECKING:
    import pandas as pd

MARKS = {"best": "best", "tied": "†", "worse": "", "untested": "n<2"}
UNTESTED_NOTE = "n<2: not tested (no per-example outputs on one side, and fewer than 2 seeds)"


def test_note(tests: list[str]) -> str:
    """The footnote of a section whose comparisons with the best used `tests` (names, in order)."""
    used = "; ".join(tests) or WELCH
    return f"† not significantly different from the best ({used}; Holm-corrected, α = {ALPHA}); {UNTESTED_NOTE}"


# the footnote of a page of many sections: the rule that chose each section's test
TEST_NOTE = (f"† not significantly different from the best (α = {ALPHA}, Holm-corrected within each section): a "
             f"paired test over the test examples where both methods' runs left per-example outputs ({MCNEMAR} for "
             f"0/1 scores, else a {BOOTSTRAP}), else {WELCH}; {UNTESTED_NOTE}")


def fmt_metric(x: float) -> str:
    if x is None or math.isnan(x):
        return "–"
    return f"{x:.3f}" if abs(x) < 10 else f"{x:.2f}" if abs(x) < 1000 else f"{x:,.0f}"


def fmt_count(x: float) -> str:
    """1,234,567 -> 1.23M: parameter counts and throughputs span six orders of magnitude."""
    if x is None or math.isnan(x):
        return "–"
    for scale, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "K")):
        if abs(x) >= scale:
            return f"{x / scale:.3g}{suffix}"
    return f"{x:.3g}" if x != int(x) else str(int(x))


def fmt_seconds(x: float) -> str:
    return "–" if x is None or math.isnan(x) else f"{x:.2f}" if x < 10 else f"{x:.1f}" if x < 1000 else f"{x:,.0f}"


@dataclass
class Row:
    rank: int
    method: str
    mean: str
    std: str
    ci95: str
    n_seeds: int
    vs_best: str
    mark: str
    params: str
    train_seconds: str
    eval_rate: str
    records: list[tuple[int, str]]  # (seed, path)
    sort: dict[str, float]  # raw numbers for click-to-sort
    test: str = ""  # the test behind vs_best ('' for the best and the untested)


@dataclass
class Section:
    task: str
    version: str
    profile: str
    metric: str
    higher_is_better: bool
    stale: bool
    rows: list[Row] = field(default_factory=list)

    @property
    def tests(self) -> list[str]:
        """The tests its rows were compared with the best by, each once, in row order."""
        return list(dict.fromkeys(r.test for r in self.rows if r.test))

    @property
    def test_names(self) -> str:
        """`tests` as one phrase (Welch's when nothing was tested)."""
        return "; ".join(self.tests) or WELCH

    @property
    def note(self) -> str:
        return test_note(self.tests)

    @property
    def heading(self) -> str:
        arrow = "higher" if self.higher_is_better else "lower"
        stale = " (stale: not the current task version)" if self.stale else ""
        return f"{self.task} v{self.version} · profile {self.profile} · {self.metric} ({arrow} is better){stale}"


def _row(r: pd.Series) -> Row:
    ci = "–" if math.isnan(r["ci95_low"]) else f"[{fmt_metric(r['ci95_low'])}, {fmt_metric(r['ci95_high'])}]"
    return Row(
        rank=int(r["rank"]), method=str(r["method"]), mean=fmt_metric(r["mean"]),
        std="" if math.isnan(r["std"]) else fmt_metric(r["std"]),
        ci95=ci, n_seeds=int(r["n_seeds"]), vs_best=str(r["vs_best"]), mark=MARKS[r["vs_best"]],
        params=fmt_count(r["num_parameters"]), train_seconds=fmt_seconds(r["train_seconds"]),
        eval_rate=fmt_count(r["eval_samples_per_second"]), records=list(zip(r["seeds"], r["records"], strict=True)),
        sort={"rank": int(r["rank"]), "mean": float(r["mean"]), "n": int(r["n_seeds"]),
              "params": float(r["num_parameters"]), "train": float(r["train_seconds"]),
              "eval": float(r["eval_samples_per_second"])},
        test=r["test"] if isinstance(r.get("test"), str) else "",
    )


def sections(board: pd.DataFrame, include_stale: bool = False) -> list[Section]:
    """The board split by (task, task version, profile), in the board's order; stale rows only on request."""
    out: dict[tuple, Section] = {}
    for _, r in board.iterrows():
        if r["stale"] and not include_stale:
            continue
        key = (r["task"], r["task_version"], r["profile"])
        if key not in out:
            out[key] = Section(task=str(r["task"]), version=str(r["task_version"]), profile=str(r["profile"]),
                               metric=str(r["metric"]), higher_is_better=bool(r["higher_is_better"]),
                               stale=bool(r["stale"]))
        out[key].rows.append(_row(r))
    return list(out.values())


def task_metrics(task: str, runs: pd.DataFrame) -> list[str]:
    """The task's ranked metrics that its records report, primary first (registry order, else the primary
    only). Reference metrics (the same for every method) are left out: see leaderboard/paper.py `reference_values`.
    Shared by the paper's tables and the results page."""
    from harness import registry

    primary = primary_metric(task, runs)
    spec = registry.tasks().get(task)
    if spec is None:
        return [primary]
    task_runs = runs[runs["task"] == task]
    reported = [m.name for m in spec.metrics if not m.reference and f"m.{m.name}" in task_runs
                and task_runs[f"m.{m.name}"].notna().any()]
    return [primary] + [m for m in reported if m != primary]
