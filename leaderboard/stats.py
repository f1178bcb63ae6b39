"""The statistics behind every leaderboard number: confidence intervals and Welch's t-test over seeds.

Seeds are the replicate unit: each seed contributes one value, and a comparison needs at least two
seeds on both sides. Welch's test (unequal variances) is used because methods differ in variance.
"""

from __future__ import annotations

import math
import warnings
from collections import defaultdict
from collections.abc import Sequence

ALPHA = 0.05
CONFIDENCE = 0.95
TEST_NAME = "Welch's t-test"


def ci_half_width(std: float, n: int, confidence: float = CONFIDENCE) -> float:
    """Half-width of the t-distribution confidence interval of a mean; NaN below two seeds."""
    from scipy.stats import t

    if n < 2 or math.isnan(std):
        return math.nan
    return float(t.ppf(0.5 + confidence / 2, n - 1) * std / math.sqrt(n))


def welch_p_values(pairs: Sequence[tuple[Sequence[float], Sequence[float]]]) -> list[float]:
    """Two-sided p-values of Welch's t-test for each (a, b); NaN where either side has fewer than two seeds.

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

