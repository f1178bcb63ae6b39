"""Paper figures: a bar chart with error bars per task, and learning curves from the records' history.

matplotlib's object API on an Agg canvas: no pyplot, so no GUI backend and no global figure state.
PDFs are written without a creation date, so regenerating unchanged results leaves files unchanged.
"""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

from harness.io import atomic_write
from leaderboard.escape import plain_matplotlib

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure


def _figure(width: float, height: float, ncols: int = 1) -> tuple[Figure, list]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig, [fig.add_subplot(1, ncols, i + 1) for i in range(ncols)]


def _save(fig: Figure, path: Path) -> Path:
    fmt = path.suffix.lstrip(".") or "pdf"
    metadata = {"CreationDate": None} if fmt == "pdf" else None
    return atomic_write(path, lambda tmp: fig.savefig(tmp, format=fmt, metadata=metadata))


def bar_chart(rows: pd.DataFrame, path: Path) -> Path:
    """Mean ± std of one (task, version, profile) section's metric per method, best first."""
    rows = rows.sort_values(["rank", "method"])
    fig, (ax,) = _figure(max(3.5, 0.6 * len(rows) + 1.5), 3.0)
    errors = [0.0 if math.isnan(s) else s for s in rows["std"]]
    colors = ["#1f4e79" if v == "best" else "#6b9bc3" if v == "tied" else "#b0b0b0" for v in rows["vs_best"]]
    ax.bar(range(len(rows)), rows["mean"], yerr=errors, capsize=3, color=colors)
    ax.set_xticks(range(len(rows)), [plain_matplotlib(m) for m in rows["method"]], rotation=30, ha="right")
    first = rows.iloc[0]
    better = "higher" if first["higher_is_better"] else "lower"
    ax.set_ylabel(plain_matplotlib(f"{first['metric']} ({better} is better)"))
    ax.set_title(plain_matplotlib(f"{first['task']} (profile {first['profile']})"), fontsize=10)
    return _save(fig, path)


def _mean_by_epoch(records: list, value) -> tuple[list[int], list[float]]:
    per_epoch: dict[int, list[float]] = defaultdict(list)
    for rec in records:
        for log in rec.history:
            v = value(log)
            if v is not None and math.isfinite(v):
                per_epoch[log.epoch].append(v)
    epochs = sorted(per_epoch)
    return epochs, [sum(per_epoch[e]) / len(per_epoch[e]) for e in epochs]


def learning_curves(runs: pd.DataFrame, metric: str, path: Path) -> Path | None:
    """Training loss and validation `metric` per epoch, mean over seeds, one line per method.

    `runs` is one section's runs (with their `record` objects); None when no record has a history.
    """
    if not any(rec.history for rec in runs["record"]):
        return None
    fig, (loss_ax, val_ax) = _figure(7.0, 3.0, ncols=2)
    for method, group in sorted(runs.groupby("method"), key=lambda kv: kv[0]):
        label = plain_matplotlib(method)
        loss_ax.plot(*_mean_by_epoch(list(group["record"]), lambda log: log.train_loss), marker=".", label=label)
        val_ax.plot(*_mean_by_epoch(list(group["record"]), lambda log: log.val.get(metric)), marker=".", label=label)
    from matplotlib.ticker import MaxNLocator

    for ax in (loss_ax, val_ax):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    loss_ax.set(xlabel="epoch", ylabel="training loss")
    val_ax.set(xlabel="epoch", ylabel=plain_matplotlib(f"validation {metric}"))
    val_ax.legend(fontsize=7, loc="best")
    return _save(fig, path)
