"""Every metric of every registered task: a declared range a distance or error cannot leave below 0, and a
95% interval that stays inside the range on a board built to push it out (three seeds far apart at each end)."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from conftest import make_record

from harness import registry
from leaderboard.aggregate import runs_frame, summarise
from leaderboard.stats import ci_half_width

METRICS = {(task.name, metric.name): (task, metric) for task in registry.tasks().values() for metric in task.metrics}
# the interval depends on a metric's direction and range only (summarise reads nothing else of it), so one board per
# distinct declaration checks every task's metrics at a third of the cost (~0.1 s of pandas per board)
DECLARATIONS = {(m.name, m.higher_is_better, m.range): key for key, (_, m) in reversed(METRICS.items())}
# a name or description that says distance or error; the structural rule below catches the unnamed ones
DISTANCE_WORDS = re.compile(r"distance|error|\bfd\b|\bfid\b|\bkid\b|mse|mae|rmse|\bloss\b|divergence|perplexity", re.I)


@pytest.mark.parametrize("key", METRICS, ids=[f"{t}/{m}" for t, m in METRICS])
def test_distances_and_errors_declare_a_range_from_zero(key):
    task, metric = METRICS[key]
    low, high = metric.range
    # lower-is-better with no ceiling is a distance or an error, whatever its name; so is one named so
    named = DISTANCE_WORDS.search(f"{metric.name} {metric.description}")
    if (not metric.higher_is_better and high == math.inf) or named:
        assert low >= 0, f"{task.name}/{metric.name} is a distance or error but its range starts at {low}"


def _ends(low: float, high: float) -> tuple[float, float]:
    """Finite stand-ins for an open range's ends, far apart so that a t-interval overshoots them."""
    lo = low if math.isfinite(low) else (high - 1e3 if math.isfinite(high) else -1e3)
    return lo, high if math.isfinite(high) else lo + 1e3


@pytest.mark.parametrize("key", DECLARATIONS.values(), ids=[f"{t}/{m}" for t, m in DECLARATIONS.values()])
def test_the_interval_stays_inside_the_metric_range(key):
    task, metric = METRICS[key]
    low, high = metric.range
    lo, hi = _ends(low, high)
    # one method with two seeds at the low end and one half-way, one the mirror image at the high end
    values = {"near-low": [lo, lo, (lo + hi) / 2], "near-high": [hi, hi, (lo + hi) / 2]}
    records = [(Path(f"/board/{method}/{seed}.json"),
                make_record(task=task.name, version=task.version, method=method, seed=seed, value=value,
                            metric=metric.name, higher_is_better=metric.higher_is_better, profile="default"))
               for method, seeds in values.items() for seed, value in enumerate(seeds)]
    board = summarise(runs_frame([records]), metric.name)
    assert len(board) == 2
    for _, r in board.iterrows():
        assert low <= r["ci95_low"] <= r["mean"] <= r["ci95_high"] <= high, (r["method"], r["ci95_low"], r["ci95_high"])
        half = ci_half_width(r["std"], 3)
        if r["method"] == "near-low" and math.isfinite(low):
            assert r["mean"] - half < low and r["ci95_low"] == low  # the raw interval left the range: cut there
        if r["method"] == "near-high" and math.isfinite(high):
            assert r["mean"] + half > high and r["ci95_high"] == high
