"""`bench table`: a paper table, methods as rows and tasks (or one task's metrics) as columns.

Each column is one (task, metric) at one profile, current task version only: mean ± std over seeds, the
best in bold, the second underlined, a dagger on entries the leaderboard's test (paired where per-example
outputs exist, else Welch's t-test over seeds; leaderboard/aggregate.py) cannot tell from the best. A metric
the registry marks as a reference (the same for every method: a real-data floor) is never ranked.
A single-task table also carries cost (parameters, training time, evaluation throughput) per row.
The LaTeX comes from templates/table.tex.j2 and needs `\\usepackage{booktabs}` and `graphicx`: a table wider
than the text is scaled down to the text width, so it never runs off the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from harness.errors import UserError, unknown
from harness.specs import PROFILES
from leaderboard.aggregate import primary_metric, registered_metric, summarise
from leaderboard.stats import ALPHA, TEST_NAME
from leaderboard.templating import render
from leaderboard.views import fmt_count, fmt_metric, fmt_seconds

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class Cell:
    mean: str = "--"
    std: str = ""
    bold: bool = False
    underline: bool = False
    tied: bool = False
    untested: bool = False


@dataclass
class Column:
    task: str
    metric: str
    profile: str
    higher_is_better: bool
    header: str = ""
    cells: dict[str, Cell] = field(default_factory=dict)  # method -> cell
    seeds: list[int] = field(default_factory=list)  # seed counts of its entries
    cost: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # method -> params, train s, eval/s
    tests: list[str] = field(default_factory=list)  # the significance tests behind its marks
    reference: bool = False  # a method-independent value (Metric.reference): shown, never ranked


@dataclass
class PaperTable:
    subject: str
    label: str
    columns: list[Column]
    methods: list[str]
    cost: dict[str, tuple[str, str, str]]  # method -> (params, train s, eval samples/s); single-task only
    # method -> BibTeX keys, cited after the method's name (the paper, which writes references.bib)
    cites: dict[str, tuple[str, ...]] = field(default_factory=dict)
    placement: str = "htbp"  # the paper sets its tables in place ("H", float package)
    brief: bool = False  # the paper explains the marks once (its Setup section, labelled sec:setup)

    def context(self) -> dict[str, object]:
        seeds = [n for c in self.columns for n in c.seeds]
        lo, hi = min(seeds), max(seeds)
        tests = list(dict.fromkeys(t for c in self.columns for t in c.tests)) or [f"{TEST_NAME} over seeds"]
        return {
            "subject": self.subject, "label": self.label, "columns": self.columns, "cost": self.cost,
            "rows": [(m, [c.cells.get(m, Cell()) for c in self.columns]) for m in self.methods],
            "seeds": str(lo) if lo == hi else f"{lo}--{hi}",
            "profiles": ", ".join(dict.fromkeys(c.profile for c in self.columns)),
            "any_untested": any(cell.untested for c in self.columns for cell in c.cells.values()),
            "any_single": lo < 2, "test": "; ".join(tests), "alpha": ALPHA,
            "any_reference": any(c.reference for c in self.columns), "cites": self.cites,
            "placement": self.placement, "brief": self.brief,
        }


def slug(name: str) -> str:
    """A file-name and label-safe form of a name from a record (no path separators, no TeX specials)."""
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-") or "unnamed"


def _profile(board: pd.DataFrame, task: str, wanted: str | None) -> str:
    present = [p for p in PROFILES if (board["profile"] == p).any()]
    if wanted is None:
        return present[-1]  # the most thorough profile with results
    if wanted not in present:
        raise UserError(f"no completed records of task '{task}' at profile '{wanted}'; profiles with records: "
                        + ", ".join(present))
    return wanted


def _column(runs: pd.DataFrame, task: str, metric: str, profile: str | None) -> Column:
    task_runs = runs[runs["task"] == task]
    known = [c[2:] for c in task_runs.columns if c.startswith("m.") and task_runs[c].notna().any()]
    if metric not in known:
        raise unknown("metric", metric, known, where=f"the records of task '{task}'")
    board = summarise(task_runs, metric)
    board = board[~board["stale"]]
    if board.empty:
        raise UserError(f"no completed records of the current version of task '{task}'")
    chosen = _profile(board, task, profile)
    board = board[board["profile"] == chosen].sort_values(["rank", "method"])
    described = registered_metric(task, metric)
    col = Column(task, metric, chosen, bool(board["higher_is_better"].iloc[0]),
                 reference=described is not None and described.reference)
    ranked = not col.reference
    for _, r in board.iterrows():
        col.cells[r["method"]] = Cell(
            mean=fmt_metric(r["mean"]), std="" if r["n_seeds"] < 2 else fmt_metric(r["std"]),
            bold=ranked and r["rank"] == 1, underline=ranked and r["rank"] == 2,
            tied=ranked and r["vs_best"] == "tied", untested=ranked and r["vs_best"] == "untested")
        if ranked and r["rank"] != 1 and isinstance(r.get("test"), str):
            col.tests.append(r["test"])
        col.cost[r["method"]] = (fmt_count(r["num_parameters"]), fmt_seconds(r["train_seconds"]),
                                 fmt_count(r["eval_samples_per_second"]))
        col.seeds.append(int(r["n_seeds"]))
    return col


def _header(col: Column, tasks: list[str], metrics: list[str] | None) -> str:
    if len(tasks) == 1:
        return col.metric
    return col.task if not metrics or len(metrics) == 1 else f"{col.task}: {col.metric}"


def build_table(runs: pd.DataFrame, tasks: list[str], metrics: list[str] | None = None,
                profile: str | None = None, label: str | None = None, cost: bool = True) -> PaperTable:
    """Columns: each task's primary metric, or each of `metrics` for every task; rows ranked by the first.
    A single-task table carries cost columns unless `cost` is False (the paper's continuation tables)."""
    if not tasks:
        raise UserError("no completed records to tabulate")
    columns = [_column(runs, t, m, profile) for t in tasks for m in (metrics or [primary_metric(t, runs)])]
    for col in columns:
        col.header = _header(col, tasks, metrics)
    methods = list(columns[0].cells)  # in rank order of the first column
    methods += sorted({m for c in columns for m in c.cells} - set(methods))
    subject = tasks[0] if len(tasks) == 1 else ", ".join(dict.fromkeys(c.metric for c in columns))
    return PaperTable(subject=subject, label=f"tab:{slug(label or '-'.join(tasks))}", columns=columns,
                      methods=methods, cost=columns[0].cost if len(tasks) == 1 and cost else {})


def render_table(table: PaperTable) -> str:
    return render("latex", "table.tex.j2", **table.context())


def write_table_bib(table: PaperTable, path: str | Path) -> list[str]:
    """Write the BibTeX entries the table's tasks, then its methods, cite (`bench table bib=`); returns the
    names not registered here (records of a plugin not loaded, say), which cite nothing."""
    from harness import bibliography, registry

    tasks = list(dict.fromkeys(c.task for c in table.columns))
    bibliography.write_bib(registry.cite_keys(tasks, table.methods), path)
    return registry.unregistered(tasks, table.methods)
