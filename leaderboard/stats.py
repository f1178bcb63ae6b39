"""The statistics behind every leaderboard number: the 95% interval of a mean over seeds, Welch's t-test
over seeds, and Holm's correction of a section's comparisons with its best method.

Seeds are the replicate unit of the interval: each seed contributes one value. Comparisons with the best
method use a paired test over the test examples where both runs left per-example outputs
(leaderboard/paired.py, chosen in leaderboard/compare.py); Welch's t-test over seeds is the fallback for the
others, and needs at least two seeds on both sides. Welch's (unequal variances) because methods differ in
variance. Either way, a section's p-values are Holm-corrected together: one section, one family of tests.
"""

from __future__ import annotations

import gc
import math
import warnings
from collections import defaultdict
from collections.abc import Sequence

ALPHA = 0.05
CONFIDENCE = 0.95
TEST_NAME = "Welch's t-test"
WELCH = f"{TEST_NAME} over seeds"  # as a section's note names it beside the paired tests


def ci_half_width(std: float, n: int, confidence: float = CONFIDENCE) -> float:
    """Half-width of the t-distribution confidence interval of a mean; NaN below two seeds."""
    from scipy.stats import t

    if n < 2 or math.isnan(std):
        return math.nan
    return float(t.ppf(0.5 + confidence / 2, n - 1) * std / math.sqrt(n))


def mean_interval(mean: float, std: float, n: int, bounds: tuple[float, float],
                  confidence: float = CONFIDENCE) -> tuple[float, float]:
    """The t-interval of a mean over n seeds, inside `bounds` (the metric's declared range); NaNs below 2 seeds.

    The t-interval is symmetric and can leave the range (dcgan's FD on digits-gen, mean 11.98 and half-width
    14.10, reached -2.118; an accuracy of 0.989 and half-width 0.014 reaches 1.003). The true mean lies inside
    the range, so cutting the interval there keeps its coverage. The board's ci95_low/ci95_high come from here."""
    half = ci_half_width(std, n, confidence)
    if math.isnan(half):
        return math.nan, math.nan
    low, high = bounds
    return max(mean - half, low), min(mean + half, high)


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm-adjusted p-values (statsmodels `multipletests(method="holm")`) of one family of tests; NaN
    entries (nothing tested) stay NaN and do not count towards the family's size."""
    from statsmodels.stats.multitest import multipletests

    tested = [i for i, p in enumerate(p_values) if not math.isnan(p)]
    adjusted = [math.nan] * len(p_values)
    if tested:
        # multipletests' Holm branch calls gc.collect() (statsmodels 0.15): a full collection over every live
        # record, 0.3 s per section, 8 of `bench leaderboard`'s 12 s over the committed records. gc.freeze()
        # hides the objects alive now from that collection (O(1), undone right after).
        gc.freeze()
        try:
            corrected = multipletests([p_values[i] for i in tested], alpha=ALPHA, method="holm")[1]
        finally:
            gc.unfreeze()
        for i, p in zip(tested, corrected, strict=True):
            adjusted[i] = float(p)
    return adjusted


def welch_p_values(pairs: Sequence[tuple[Sequence[float], Sequence[float]]]) -> list[float]:
    """Two-sided p-values of Welch's t-test for each (a, b); NaN where either side has fewer than two seeds.
    The leaderboard uses them where no paired test over the test examples can run (leaderboard/compare.py).

    Pairs of the same sizes go to `scipy.stats.ttest_ind(equal_var=False)` as one 2-D call (one call per
    pair costs ~1 ms of overhead). When both sides have zero variance scipy returns NaN; the answer is then
    certain: equal means are indistinguishable (p = 1), different ones are not (p = 0).
    """
    import numpy as np
    from scipy.stats import ttest_ind

    p_values = [math.nan] * len(pairs)
    by_shape: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i, (a, b) in enumerate(pairs):
        if len(a) >= 2 and len(b) >= 2:
            by_shape[(len(a), len(b))].append(i)
    for idx in by_shape.values():
        a = np.array([pairs[i][0] for i in idx], dtype=float)
        b = np.array([pairs[i][1] for i in idx], dtype=float)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            p = np.atleast_1d(ttest_ind(a, b, axis=1, equal_var=False).pvalue)
        same_mean = a.mean(axis=1) == b.mean(axis=1)
        p = np.where(np.isnan(p), np.where(same_mean, 1.0, 0.0), p)
        for i, value in zip(idx, p, strict=True):
            p_values[i] = float(value)
    return p_values

