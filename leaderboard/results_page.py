"""The results page (`bench leaderboard format=html`): one static, offline HTML file for all tasks.

Tasks are grouped by family (the registry's; "unregistered" for records of tasks it does not know).
Each (task, version, profile) section shows every metric the task's records report, primary first,
as mean ± std with its 95% interval and significance mark; the primary metric's comparison with the best
(mark, p-value, test); each seed's value with links to its record and, for a run folder, its pictures
(the PNGs a protocol writes beside record.json); the cost columns; the task's published references, as
rows and as marks on the method they concern; and a cost-versus-quality plot (leaderboard/cost_plot.py).

Numbers are formatted by leaderboard/views.py, like every other format. Links are relative to the page,
so the page and the records move together. Strings from records stay raw here: the template escapes them.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from leaderboard.aggregate import registered_metric, summarise
from leaderboard.cost_plot import MethodPoints, Plot, ReferenceLine, cost_plot
from leaderboard.published import fmt_exact, verdict
from leaderboard.table import slug
from leaderboard.templating import render
from leaderboard.views import MARKS, TEST_NOTE, Row, Section, fmt_metric, sections, task_metrics

if TYPE_CHECKING:
    import pandas as pd

    from harness.specs import Reference, TaskSpec

PICTURES = (".png", ".jpg", ".jpeg", ".webp", ".svg")
UNREGISTERED = ("unregistered", "tasks the registry does not know (renamed or removed since the runs)")
Key = tuple[str, str, str]  # (task version, profile, method): a row of one task's board


@dataclass
class MetricColumn:
    name: str
    higher_is_better: bool
    description: str


@dataclass
class MetricCell:
    """One method's value of one metric: mean ± std, the 95% interval, the mark, the references it meets."""

    mean: str = "–"
    std: str = ""
    ci95: str = ""
    mark: str = ""
    best: bool = False
    sort: float = math.nan
    references: list[tuple[str, str]] = field(default_factory=list)  # (verdict, tooltip)


@dataclass
class Seed:
    seed: int
    value: str
    record: str  # href
    pictures: list[tuple[str, str]]  # (name, href)


@dataclass
class PageRow:
    row: Row
    cells: list[MetricCell]
    p_value: str
    test: str
    vs_sort: float  # the vs-best column sorts by p-value; the best, the reference itself, as 2 (above any p)
    seeds: list[Seed]


@dataclass
class ReferenceRow:
    """A task reference inside its section's table: the published value in its metric's column."""

    method: str
    column: int
    published: str
    tolerance: str
    value: float
    tolerance_value: float | None
    verdict: str
    source: str
    why: str


@dataclass
class PageSection:
    anchor: str
    section: Section
    metrics: list[MetricColumn]
    rows: list[PageRow]
    references: list[ReferenceRow]
    plot: Plot


@dataclass
class PageTask:
    name: str
    anchor: str
    description: str
    sections: list[PageSection]


@dataclass
class PageFamily:
    name: str
    description: str
    tasks: list[PageTask]


@dataclass
class _Context:
    """What every section of one page shares."""

    page_dir: Path
    specs: dict[str, TaskSpec]
    methods: set[str]  # registered method names: a reference to another method is shown for scale only
    seconds: dict[str, float]  # record path -> its run's training seconds (empty without `runs`)


def href(path: str | Path, page_dir: Path) -> str:
    """`path` relative to the page's folder, URL-quoted: the page and the records move together."""
    return quote(os.path.relpath(Path(path).resolve(), page_dir.resolve()).replace(os.sep, "/"))


def pictures(record: Path, page_dir: Path) -> list[tuple[str, str]]:
    """The pictures beside a record in a run folder (runs/<task>/<method>/<run_id>/record.json); none otherwise:
    a submitted record (<run_id>.json) shares its folder with other runs' records."""
    if record.name != "record.json" or not record.parent.is_dir():
        return []
    found = sorted(p for p in record.parent.iterdir() if p.suffix.lower() in PICTURES and p.is_file())
    return [(p.stem, href(p, page_dir)) for p in found]


def _metric_cell(r: pd.Series) -> MetricCell:
    ci = "" if math.isnan(r["ci95_low"]) else f"[{fmt_metric(r['ci95_low'])}, {fmt_metric(r['ci95_high'])}]"
    return MetricCell(mean=fmt_metric(r["mean"]), std="" if math.isnan(r["std"]) else fmt_metric(r["std"]),
                      ci95=ci, mark=MARKS[r["vs_best"]], best=r["vs_best"] == "best", sort=float(r["mean"]))


def _page_row(r: pd.Series, row: Row, cells: list[MetricCell], page_dir: Path) -> PageRow:
    p = float(r["p_value"]) if "p_value" in r and r["p_value"] is not None else math.nan
    test = r["test"] if "test" in r and isinstance(r["test"], str) else ""
    seeds = [Seed(int(s), fmt_metric(v), href(path, page_dir), pictures(Path(path), page_dir))
             for s, v, path in zip(r["seeds"], r["values"], r["records"], strict=True)]
    vs_sort = 2.0 if r["vs_best"] == "best" else p
    return PageRow(row, cells, "" if math.isnan(p) else f"p = {p:.2g}", test, vs_sort, seeds)


def _boards(task: str, board: pd.DataFrame, runs: pd.DataFrame | None, metrics: list[str]) -> dict[str, dict]:
    """metric -> {(version, profile, method): board row}: the given board for the first metric (the board's),
    the others summarised from `runs` (so each metric has its own ranks, intervals and tests)."""
    primary = board[board["task"] == task]
    out = {metrics[0]: primary}
    task_runs = runs[runs["task"] == task] if runs is not None else None
    for metric in metrics[1:]:
        out[metric] = summarise(task_runs, metric)
    return {m: {(r["task_version"], r["profile"], r["method"]): r for _, r in b.iterrows()} for m, b in out.items()}


def _references(spec: TaskSpec | None, sec: Section, metrics: list[str], boards: dict[str, dict],
                rows: dict[str, PageRow], methods: set[str]) -> list[ReferenceRow]:
    """The task's references on the metrics shown, judged against this section's rows (current version only)."""
    if spec is None or sec.stale:
        return []
    out = []
    for ref in spec.references:
        if ref.metric not in metrics:
            continue
        hit = boards[ref.metric].get((sec.version, sec.profile, ref.method))
        n, mean = (int(hit["n_seeds"]), float(hit["mean"])) if hit is not None else (0, math.nan)
        word = verdict(ref, ref.method in methods, n, mean)
        column = metrics.index(ref.metric)
        if ref.method in rows:
            rows[ref.method].cells[column].references.append((word, _reference_title(ref, word)))
        out.append(ReferenceRow(ref.method, column, fmt_exact(ref.value),
                                "" if ref.tolerance is None else fmt_exact(ref.tolerance), float(ref.value),
                                ref.tolerance, word, f"{ref.source} ({ref.note})" if ref.note else ref.source,
                                ref.why))
    return out


def _reference_title(ref: Reference, word: str) -> str:
    tolerance = "" if ref.tolerance is None else f" ± {fmt_exact(ref.tolerance)}"
    return f"published {fmt_exact(ref.value)}{tolerance} ({ref.source}): {word}"


def _plot(sec: Section, rows: list[PageRow], refs: list[ReferenceRow], board_rows: dict, seconds: dict) -> Plot:
    points = []
    for page_row in rows:
        r = board_rows[(sec.version, sec.profile, page_row.row.method)]
        seeds = [(seconds.get(path, r["train_seconds"]), v) for v, path in zip(r["values"], r["records"], strict=True)]
        title = (f"{r['method']}: {sec.metric} {page_row.cells[0].mean} ± {page_row.cells[0].std or '–'} over "
                 f"{r['n_seeds']} seed(s), {page_row.row.train_seconds} s training")
        points.append(MethodPoints(str(r["method"]), float(r["train_seconds"]), float(r["mean"]), seeds,
                                   str(r["vs_best"]), title))
    lines = [ReferenceLine(f"{ref.method} {ref.published}", ref.value, ref.tolerance_value,
                           f"{ref.method}: published {ref.published} ({ref.source}); {ref.verdict}")
             for ref in refs if ref.column == 0]
    return cost_plot(points, lines, sec.metric, sec.higher_is_better)


def _page_section(sec: Section, boards: dict[str, dict], columns: list[MetricColumn], spec: TaskSpec | None,
                  ctx: _Context) -> PageSection:
    metrics = [c.name for c in columns]
    rows = []
    for row in sec.rows:
        key = (sec.version, sec.profile, row.method)
        cells = [_metric_cell(boards[m][key]) if key in boards[m] else MetricCell() for m in metrics]
        rows.append(_page_row(boards[metrics[0]][key], row, cells, ctx.page_dir))
    refs = _references(spec, sec, metrics, boards, {r.row.method: r for r in rows}, ctx.methods)
    anchor = f"{slug(sec.task)}-v{slug(sec.version)}-{slug(sec.profile)}"
    return PageSection(anchor, sec, columns, rows, refs, _plot(sec, rows, refs, boards[metrics[0]], ctx.seconds))


def _page_task(task: str, secs: list[Section], board: pd.DataFrame, runs: pd.DataFrame | None,
               ctx: _Context) -> PageTask:
    spec = ctx.specs.get(task)
    shown = secs[0].metric  # the board's metric leads, whatever task_metrics puts first
    metrics = [shown] + ([m for m in task_metrics(task, runs) if m != shown] if runs is not None else [])
    columns = []
    for name in metrics:
        described = registered_metric(task, name)
        higher = described.higher_is_better if described else secs[0].higher_is_better
        columns.append(MetricColumn(name, higher, described.description if described else ""))
    boards = _boards(task, board, runs, metrics)
    sections_ = [_page_section(sec, boards, columns, spec, ctx) for sec in secs]
    return PageTask(task, f"task-{slug(task)}", spec.description if spec else "", sections_)


def results_page(board: pd.DataFrame, page_dir: Path, include_stale: bool = False,
                 runs: pd.DataFrame | None = None) -> list[PageFamily]:
    """The page's content: families (registry order, unregistered last), their tasks by name, each task's
    sections. `runs` (aggregate.runs_frame) adds the secondary metrics and each seed's own training time;
    without it the page shows the board's metric only."""
    from harness import registry

    specs, families = registry.tasks(), registry.families()
    seconds = dict(zip(runs["path"], runs["train_seconds"], strict=True)) if runs is not None and len(runs) else {}
    ctx = _Context(page_dir, specs, set(registry.methods()), seconds)
    by_task: dict[str, list[Section]] = {}
    for sec in sections(board, include_stale):
        by_task.setdefault(sec.task, []).append(sec)
    grouped: dict[str, list[PageTask]] = {}
    for task in sorted(by_task):
        family = specs[task].family if task in specs else UNREGISTERED[0]
        grouped.setdefault(family, []).append(_page_task(task, by_task[task], board, runs, ctx))
    order = [*families, UNREGISTERED[0]]
    return [PageFamily(name, families[name].description if name in families else UNREGISTERED[1], grouped[name])
            for name in sorted(grouped, key=lambda f: order.index(f) if f in order else len(order))]


def render_results_page(board: pd.DataFrame, page_dir: Path, include_stale: bool = False,
                        runs: pd.DataFrame | None = None) -> str:
    """The page as one HTML string (see the module docstring)."""
    families = results_page(board, page_dir, include_stale, runs)
    n_tasks = sum(len(f.tasks) for f in families)
    n_runs = sum(len(r.seeds) for f in families for t in f.tasks for s in t.sections for r in s.rows)
    return render("html", "leaderboard.html.j2", families=families, note=TEST_NOTE, n_tasks=n_tasks, n_runs=n_runs)
