"""The leaderboard as plain values every output format shares: one section per (task, version, profile).

Numbers are formatted here, once, so the terminal, Markdown, HTML and LaTeX views agree digit for digit.
Strings from records stay raw here; each format's template escapes them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from leaderboard.stats import ALPHA, TEST_NAME

if TYPE_CHECKING:
    import pandas as pd

MARKS = {"best": "best", "tied": "†", "worse": "", "untested": "n<2"}
TEST_NOTE = (f"† not significantly different from the best ({TEST_NAME} over seeds, α = {ALPHA}); "
             "n<2: fewer than 2 seeds on one side, not tested")


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
