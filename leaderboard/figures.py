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


def bar_chart(rows: pd.DataFrame, path: Path, lines: dict[str, float] | None = None) -> Path:
    """Mean ± std of one (task, version, profile) section's metric per method, best first. `lines` are
    reference values (a real-data floor, published numbers) drawn as labelled dashed lines: never bars, so
    they are never read as a ranked result."""
    rows = rows.sort_values(["rank", "method"])
    fig, (ax,) = _figure(max(3.2, 0.45 * len(rows) + 1.6), 2.8)
    from leaderboard.aggregate import metric_range

    low, high = metric_range(str(rows["task"].iloc[0]), str(rows["metric"].iloc[0]))
    std = [0.0 if math.isnan(s) else s for s in rows["std"]]
    # ± std is cut at the metric's range, like the intervals: a recall of 0.025 ± 0.034 has no bar below 0
    errors = [[min(s, m - low) for s, m in zip(std, rows["mean"], strict=True)],
              [min(s, high - m) for s, m in zip(std, rows["mean"], strict=True)]]
    colors = ["#1f4e79" if v == "best" else "#6b9bc3" if v == "tied" else "#b0b0b0" for v in rows["vs_best"]]
    ax.bar(range(len(rows)), rows["mean"], yerr=errors, capsize=3, color=colors)
    for i, (name, value) in enumerate((lines or {}).items()):
        ax.axhline(value, color="black", linestyle=("--", ":", "-.")[i % 3], linewidth=0.9,
                   label=plain_matplotlib(name))
    if lines:
        ax.legend(fontsize=6, loc="best", frameon=False)
    ax.set_xticks(range(len(rows)), [plain_matplotlib(m) for m in rows["method"]], rotation=35, ha="right",
                  fontsize=7)
    first = rows.iloc[0]
    better = "higher" if first["higher_is_better"] else "lower"
    ax.set_ylabel(plain_matplotlib(f"{first['metric']} ({better} is better)"), fontsize=8)
    ax.tick_params(axis="y", labelsize=7)
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
    fig, (loss_ax, val_ax) = _figure(6.4, 2.8, ncols=2)
    losses = []
    for method, group in sorted(runs.groupby("method"), key=lambda kv: kv[0]):
        label = plain_matplotlib(method)
        epochs, loss = _mean_by_epoch(list(group["record"]), lambda log: log.train_loss)
        losses += loss
        loss_ax.plot(epochs, loss, marker=".", markersize=3, label=label)
        # validation may be scored every few epochs only (generative FD): the points are joined and drawn
        # large enough to see, on the loss panel's epoch axis, so a sparse metric does not float alone
        val_ax.plot(*_mean_by_epoch(list(group["record"]), lambda log: log.val.get(metric)), marker="o",
                    markersize=3, label=label)
    from matplotlib.ticker import MaxNLocator

    positive = [v for v in losses if v > 0]
    if positive and len(positive) == len(losses) and max(positive) / min(positive) > 100:
        loss_ax.set_yscale("log")  # objectives of different methods differ by orders of magnitude (VAE vs GAN)
    val_ax.set_xlim(loss_ax.get_xlim())
    for ax in (loss_ax, val_ax):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.tick_params(labelsize=7)
    loss_ax.set_xlabel("epoch", fontsize=8)
    loss_ax.set_ylabel("training loss", fontsize=8)
    val_ax.set_xlabel("epoch", fontsize=8)
    val_ax.set_ylabel(plain_matplotlib(f"validation {metric}"), fontsize=8)
    val_ax.legend(fontsize=6, loc="best", frameon=False)
    return _save(fig, path)


def variant_bars(runs: pd.DataFrame, pairs: list[tuple[str, str]], methods: list[str], metric: str,
                 path: Path) -> Path:
    """One panel per (task, variant) pair, e.g. (mnist1d, mnist1d-shuffled): per method, the mean ± std over
    seeds of `metric` on each, side by side, so what an order-sensitive model loses is read off one chart."""
    fig, axes = _figure(3.4 * len(pairs) + 0.4, 3.0, ncols=len(pairs))
    for ax, tasks in zip(axes, pairs, strict=True):
        for offset, task in zip((-0.2, 0.2), tasks, strict=True):
            means, stds = [], []
            for method in methods:
                values = runs[(runs["task"] == task) & (runs["method"] == method)][f"m.{metric}"].dropna()
                means.append(float(values.mean()) if len(values) else math.nan)
                stds.append(float(values.std()) if len(values) > 1 else 0.0)
            ax.bar([i + offset for i in range(len(methods))], means, width=0.4, yerr=stds, capsize=2,
                   label=plain_matplotlib(task))
        ax.set_xticks(range(len(methods)), [plain_matplotlib(m) for m in methods], rotation=30, ha="right")
        ax.set_ylabel(plain_matplotlib(f"test {metric}"))
        ax.set_ylim(0, 1.15)  # room above the bars for the legend
        ax.set_yticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
        ax.legend(fontsize=7, loc="upper center", ncol=2, frameon=False)
    return _save(fig, path)


def curves_over_time(runs: pd.DataFrame, methods: list[str], metric: str, path: Path, *,
                     lines: dict[str, float] | None = None) -> Path:
    """Validation `metric` against training seconds, one line per seed, one colour per method (log scale):
    methods trained for different epochs within one time budget compare on the budget's own axis.
    `lines` draws labelled horizontal references (a floor, a bar)."""
    fig, (ax,) = _figure(5.0, 3.2)
    colors = {m: f"C{i}" for i, m in enumerate(methods)}
    for method in methods:
        for i, rec in enumerate(runs[runs["method"] == method].sort_values("seed")["record"]):
            seconds, values, elapsed = [], [], 0.0
            for log in rec.history:
                elapsed += log.seconds
                if log.val.get(metric) is not None:
                    seconds.append(elapsed)
                    values.append(log.val[metric])
            ax.plot(seconds, values, marker=".", color=colors[method], alpha=0.8,
                    label=plain_matplotlib(method) if i == 0 else None)
    for name, value in (lines or {}).items():
        ax.axhline(value, color="grey", linestyle="--", linewidth=0.8)
        ax.annotate(plain_matplotlib(name), (0, value), xycoords=("axes fraction", "data"), fontsize=7,
                    xytext=(2, 2), textcoords="offset points", color="grey")
    ax.set_yscale("log")
    ax.set(xlabel="training seconds (one thread)", ylabel=plain_matplotlib(f"validation {metric}"))
    ax.legend(fontsize=7, loc="upper right")
    return _save(fig, path)
