"""Published versus reproduced: every task reference beside the leaderboard's mean ± 95% CI for its method.

A task's `references` (harness.specs.Reference) are published numbers or numbers computed independently
(scikit-learn on the same split). Each is matched, by method and metric name, to the leaderboard row of
the task's current version, preferring the default profile (the one the committed records use), then
full, then smoke; the view says which profile it used and how much training data the runs had.

Verdicts, in the order they are decided:
- `reference only`: the reference's method is not a method here (`sklearn-svc`, a published ResNet-18),
  so there is nothing to compare it with; it is shown for scale;
- `not run`: no completed record of the current task version for this method and metric;
- `no tolerance`: the reference declares no tolerance, so the difference is shown, never judged;
- `within` / `outside`: |mean - published| <= tolerance, or not.

    bench leaderboard view=published [format=table|md|csv|json|latex|html] [out=PATH]
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable
from dataclasses import asdict, dataclass, field, fields
from typing import TYPE_CHECKING, Any

from leaderboard.stats import ci_half_width
from leaderboard.views import fmt_metric

if TYPE_CHECKING:
    import pandas as pd

    from harness.specs import Reference, TaskSpec

# what each verdict means, in the order the view explains them
VERDICTS = {
    "within": "the mean lies at most the reference's tolerance from the published value",
    "outside": "the mean lies further than the reference's tolerance from the published value",
    "not run": "no completed records of the current task version for this method and metric",
    "no tolerance": "the reference declares no tolerance: the difference is shown, not judged",
    "reference only": "the reference's method is not a method of this benchmark (a published or "
                      "independently computed number, shown for scale)",
}
PROFILE_PREFERENCE = ("default", "full", "smoke")  # default first: the committed records' profile
CI_NOTE = "mean ± half-width of the 95% t-interval over seeds"


@dataclass
class Comparison:
    """One reference and the leaderboard row it is held against; raw numbers (NaN where there are none)."""

    task: str
    task_version: str
    method: str
    metric: str
    published: float
    source: str
    note: str
    tolerance: float | None
    why: str
    verdict: str
    profile: str = ""  # the profile of the matched row; '' when none matched
    n_seeds: int = 0
    mean: float = math.nan
    ci95_half_width: float = math.nan
    train_size: str = ""  # the training examples the matched runs used ("all", "10,000 of 55,000")

    @property
    def difference(self) -> float:
        return self.mean - self.published

    def cells(self) -> dict[str, str]:
        """The row as text, formatted once so that every output format shows the same digits."""
        run = self.n_seeds > 0
        return {
            "task": self.task, "method": self.method, "metric": self.metric, "published": fmt_exact(self.published),
            "mean": fmt_metric(self.mean) if run else "–",
            "half_width": "" if math.isnan(self.ci95_half_width) else fmt_metric(self.ci95_half_width),
            "seeds": str(self.n_seeds) if run else "–", "profile": self.profile or "–",
            "train": self.train_size or "–", "difference": fmt_signed(self.difference) if run else "–",
            "tolerance": "–" if self.tolerance is None else fmt_exact(self.tolerance),
            "verdict": self.verdict, "source": self.source, "note": self.note, "why": self.why,
        }


@dataclass
class Section:
    """The comparisons of one task, in the order its references are declared."""

    task: str
    version: str
    rows: list[Comparison] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return f"{self.task} v{self.version}"


def fmt_exact(x: float) -> str:
    """A published value or tolerance as written, with at least two decimals: 0.9905 keeps its four digits
    (fmt_metric would round it) and 0.5 reads 0.50."""
    text = f"{x:.4g}"
    if not abs(x) < 1000 or "e" in text:
        return fmt_metric(x)
    return f"{x:.{max(len(text.partition('.')[2]), 2)}f}"


def fmt_signed(x: float) -> str:
    return "–" if math.isnan(x) else ("+" if x >= 0 else "") + fmt_metric(x)


def verdict(ref: Reference, registered: bool, n_seeds: int, mean: float) -> str:
    """The verdict for one reference (see the module docstring for the order)."""
    if not registered:
        return "reference only"
    if n_seeds == 0:
        return "not run"
    if ref.tolerance is None:
        return "no tolerance"
    gap = abs(mean - ref.value)
    # 0.92 - 0.90 is 0.020000000000000018 in floating point: a gap equal to the tolerance counts as within
    return "within" if gap <= ref.tolerance or math.isclose(gap, ref.tolerance, rel_tol=1e-9) else "outside"


def _train_size(runs: pd.DataFrame, row: pd.Series, task: TaskSpec) -> str:
    """What `data.train_size` the runs behind a leaderboard row used, against the task's training split."""
    key = (runs["task"] == row["task"]) & (runs["task_version"] == row["task_version"]) & (
        runs["profile"] == row["profile"]) & (runs["method"] == row["method"])
    sizes = sorted({(r.config.get("data") or {}).get("train_size") for r in runs.loc[key, "record"]},
                   key=lambda s: -1 if s is None else s)
    total = task.splits.get("train", 0)
    words = ["all" if s is None or (total and s >= total) else f"{s:,}" for s in sizes]
    capped = any(w != "all" for w in words)
    return "/".join(dict.fromkeys(words)) + (f" of {total:,}" if capped and total else "")


def _matched_row(board: pd.DataFrame, method: str) -> pd.Series | None:
    """The current-version row of `method` in the preferred profile, or None."""
    rows = board[(board["method"] == method) & ~board["stale"].astype(bool)]
    for profile in PROFILE_PREFERENCE:
        hit = rows[rows["profile"] == profile]
        if len(hit):
            return hit.iloc[0]
    return rows.iloc[0] if len(rows) else None


def compare_reference(ref: Reference, task: TaskSpec, version: str, runs: pd.DataFrame, board: pd.DataFrame | None,
                      registered: bool) -> Comparison:
    """`ref` beside its row of `board` (the task's leaderboard for `ref.metric`)."""
    base = {"task": task.name, "task_version": version, "method": ref.method, "metric": ref.metric,
            "published": float(ref.value), "source": ref.source, "note": ref.note, "tolerance": ref.tolerance,
            "why": ref.why}
    row = _matched_row(board, ref.method) if registered and board is not None and len(board) else None
    if row is None:
        return Comparison(**base, verdict=verdict(ref, registered, 0, math.nan))
    n, mean = int(row["n_seeds"]), float(row["mean"])
    return Comparison(**base, verdict=verdict(ref, registered, n, mean), profile=str(row["profile"]), n_seeds=n,
                      mean=mean, ci95_half_width=ci_half_width(float(row["std"]), n),
                      train_size=_train_size(runs, row, task))


def task_section(task: TaskSpec, runs: pd.DataFrame, methods: Collection[str]) -> Section:
    """Every reference of `task` compared with the task's current-version leaderboard."""
    from leaderboard.aggregate import summarise

    task_runs = runs[runs["task"] == task.name]
    boards: dict[str, Any] = {}
    for metric in dict.fromkeys(r.metric for r in task.references):
        boards[metric] = summarise(task_runs, metric) if len(task_runs) else None
    rows = [compare_reference(ref, task, task.version, task_runs, boards[ref.metric], ref.method in methods)
            for ref in task.references]
    return Section(task.name, task.version, rows)


def published_sections(runs: pd.DataFrame, tasks: Iterable[TaskSpec] | None = None,
                       methods: Collection[str] | None = None) -> list[Section]:
    """One section per task with references (every registered task unless `tasks` is given), by task name."""
    from harness import registry

    tasks = registry.tasks().values() if tasks is None else tasks
    methods = set(registry.methods()) if methods is None else methods
    return [task_section(t, runs, methods) for t in sorted(tasks, key=lambda t: t.name) if t.references]


def published_frame(sections: list[Section]) -> pd.DataFrame:
    """All comparisons as one flat frame (raw numbers, difference included) for CSV and JSON."""
    import pandas as pd

    rows = [asdict(c) | {"difference": c.difference} for sec in sections for c in sec.rows]
    columns = [f.name for f in fields(Comparison)] + ["difference"]
    return pd.DataFrame(rows, columns=columns)
