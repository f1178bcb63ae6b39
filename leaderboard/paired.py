"""Paired significance tests: two methods scored on the same test examples, compared example by example.

Every method of a task is scored on the same test split, so a difference shows far more clearly in the
examples one method gets right and the other wrong than in a handful of per-seed means (Welch's t-test,
leaderboard/stats.py, the fallback when per-example outputs are missing). Two tests:

- exact McNemar per seed on 0/1 per-example scores (accuracy, hit@k), seeds paired by seed number,
  their p-values combined (`mcnemar_over_seeds`);
- a paired bootstrap over test examples for everything else: the mean of non-binary per-example values,
  or a set-level metric (mAP, mIoU, FD) recomputed on each resample (`paired_bootstrap_p`).

leaderboard/compare.py decides which applies to a (task, metric) and reads the per-example files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

import numpy as np

MCNEMAR = "exact McNemar (Fisher-combined over seeds)"
BOOTSTRAP = "paired bootstrap over test examples"
# Replicates per bootstrap. The smallest p a bootstrap can give is 1 / (replicates + 1), and Holm multiplies
# the smallest p of a section by its number of comparisons: 1000 lets a section of up to 49 comparisons reach
# α = 0.05. The mean of per-example values costs microseconds per replicate. A set-level metric is recomputed
# from scratch on every resample, for every seed of both rows (the best row's once per section): generative
# FD + k-NN precision/recall on 400 examples took 0.18 s a call here, so 200 replicates of a 3-seed row cost
# ~110 s. 200 still lets sections of up to 10 comparisons reach α.
MEAN_REPLICATES = 1000
SET_REPLICATES = 200
BOOTSTRAP_SEED = 2024  # one fixed generator seed: the same records give the same table on every machine

Rows = np.ndarray  # integer indices into a run's example rows, repeats allowed (one bootstrap resample)


def mcnemar_p(a: np.ndarray, b: np.ndarray) -> float:
    """Two-sided exact McNemar p-value of two methods' 0/1 scores on the same examples (row i = example i).

    The exact test is a binomial test on the discordant examples (right in one, wrong in the other); it
    needs no large-sample approximation, which matters on small test splits with few disagreements."""
    from statsmodels.stats.contingency_tables import mcnemar

    a, b = np.asarray(a, dtype=bool), np.asarray(b, dtype=bool)
    if a.shape != b.shape:
        raise ValueError(f"McNemar needs scores of the same examples, got {a.shape} and {b.shape}")
    table = [[np.sum(a & b), np.sum(a & ~b)], [np.sum(~a & b), np.sum(~a & ~b)]]
    return float(mcnemar(table, exact=True).pvalue)


def combine_seed_p_values(p_values: list[float]) -> float:
    """One p-value from independent per-seed tests of the same hypothesis, by Fisher's method.

    Why Fisher: a real difference between two methods shows in every seed, and Fisher's method is the most
    powerful of scipy's combinations against an effect present in all of them (Stouffer's averages z-scores,
    Tippett's reads only the smallest p); it is also scipy's default. It assumes independent p-values: the
    seeds are independent trainings, but they share the test examples, so their p-values are positively
    correlated and the combined p leans small; Holm's correction over the section follows it."""
    from scipy.stats import combine_pvalues

    if not p_values:
        return float("nan")
    if len(p_values) == 1:
        return float(p_values[0])
    return float(combine_pvalues(p_values, method="fisher").pvalue)


def mcnemar_over_seeds(a: Mapping[int, np.ndarray], b: Mapping[int, np.ndarray]) -> float:
    """Exact McNemar on each seed both methods ran ({seed: 0/1 scores}), combined; seeds only one side ran
    are left out (NaN when the two share no seed number)."""
    return combine_seed_p_values([mcnemar_p(a[seed], b[seed]) for seed in sorted(set(a) & set(b))])


def resamples(n: int, replicates: int, seed: int = BOOTSTRAP_SEED) -> Iterator[np.ndarray]:
    """`replicates` bootstrap resamples of n example rows, from a generator seeded with `seed`: the same
    rows for the same (n, replicates, seed), so each side's replicates can be computed once and reused."""
    rng = np.random.default_rng(seed)
    for _ in range(replicates):
        yield rng.integers(0, n, size=n)


def bootstrap_p(observed: float, replicates: np.ndarray) -> float:
    """Two-sided p-value of "no difference" from a paired difference and its bootstrap replicates.

    The bootstrap distribution, shifted to centre on zero, stands in for the difference's distribution under
    no difference (Efron & Tibshirani 1993, ch. 16; Berg-Kirkpatrick et al. 2012 for the one-sided form):
    p = (1 + #{|t* - t| >= |t|}) / (B + 1), never 0. Equal scores on every example give t* = t = 0: p = 1.
    NaN when a score was NaN (on the split or on a resample)."""
    replicates = np.asarray(replicates, dtype=float)
    if not (np.isfinite(observed) and np.isfinite(replicates).all()):
        return float("nan")  # a NaN compares false: it would count as not extreme and shrink p
    extreme = np.abs(replicates - observed) >= abs(observed)
    return float((1 + extreme.sum()) / (len(replicates) + 1))


def side_replicates(score: Callable[[Rows], float], n: int, replicates: int,
                    seed: int = BOOTSTRAP_SEED) -> np.ndarray:
    """`score` (one method, averaged over its seeds) on every bootstrap resample of its n aligned rows."""
    return np.array([score(rows) for rows in resamples(n, replicates, seed)], dtype=float)


def paired_bootstrap_p(score_a: Callable[[Rows], float], score_b: Callable[[Rows], float], n: int,
                       replicates: int = MEAN_REPLICATES, seed: int = BOOTSTRAP_SEED) -> float:
    """Two-sided p-value that two methods score the same, resampling the n test examples they share.

    Each `score_*` maps example rows (aligned: row i is the same example for both) to the method's metric
    on those rows, averaged over its seeds. Each replicate's resample is applied to both methods: both sides
    draw from generators seeded alike, so replicate i is the same rows for both (and for every seed)."""
    observed = score_a(np.arange(n)) - score_b(np.arange(n))
    diffs = side_replicates(score_a, n, replicates, seed) - side_replicates(score_b, n, replicates, seed)
    return bootstrap_p(observed, diffs)


def mean_score(per_example: np.ndarray) -> Callable[[Rows], float]:
    """The score of a mean-type metric on resampled rows, from a (seeds, examples) array of per-example
    values: the mean over seeds of the mean over rows, computed as the mean over rows of the seed mean."""
    by_example = np.asarray(per_example, dtype=float).reshape(-1, np.shape(per_example)[-1]).mean(axis=0)
    return lambda rows: float(by_example[rows].mean())
