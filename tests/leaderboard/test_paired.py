"""The paired tests and Holm's correction against scipy/statsmodels and hand computation on known cases."""

from __future__ import annotations

import math

import numpy as np
import pytest

from leaderboard import paired
from leaderboard.stats import holm, mean_interval


def _pair(both: int, only_a: int, only_b: int, neither: int) -> tuple[np.ndarray, np.ndarray]:
    """0/1 scores of two methods on the same examples with the given 2x2 counts."""
    a = [1] * both + [1] * only_a + [0] * only_b + [0] * neither
    b = [1] * both + [0] * only_a + [1] * only_b + [0] * neither
    return np.array(a), np.array(b)


def test_exact_mcnemar_against_a_hand_worked_table_and_binomtest():
    from scipy.stats import binomtest

    a, b = _pair(both=40, only_a=6, only_b=1, neither=3)
    # 7 discordant examples, 1 of them favours b: p = 2 * P(X <= 1 | n=7, 1/2) = 2 * (1 + 7) / 128 = 0.125
    assert paired.mcnemar_p(a, b) == pytest.approx(0.125)
    assert paired.mcnemar_p(a, b) == pytest.approx(binomtest(1, 7, 0.5).pvalue)
    assert paired.mcnemar_p(a, a) == 1.0  # no discordant example: nothing tells them apart
    with pytest.raises(ValueError, match="same examples"):
        paired.mcnemar_p(a, b[:-1])


def test_seeds_pair_by_number_and_combine_by_fisher():
    from scipy.stats import binomtest, combine_pvalues

    tables = {0: (30, 9, 1, 10), 1: (30, 5, 2, 13), 2: (30, 4, 4, 12)}
    a = {seed: _pair(*counts)[0] for seed, counts in tables.items()}
    b = {seed: _pair(*counts)[1] for seed, counts in tables.items()}
    b[7] = b.pop(2)  # b ran seed 7 instead of 2: seed 2 of a and seed 7 of b are left out
    per_seed = [binomtest(min(t[1], t[2]), t[1] + t[2], 0.5).pvalue for t in (tables[0], tables[1])]
    expected = combine_pvalues(per_seed, method="fisher").pvalue
    assert paired.mcnemar_over_seeds(a, b) == pytest.approx(expected)
    assert paired.mcnemar_over_seeds({0: a[0]}, {0: b[0]}) == pytest.approx(per_seed[0])  # one seed: its own p
    assert math.isnan(paired.mcnemar_over_seeds({0: a[0]}, {1: b[1]}))  # no seed in common


def test_bootstrap_of_identical_scores_gives_p_one():
    scores = np.random.default_rng(0).random((3, 200))
    assert paired.paired_bootstrap_p(paired.mean_score(scores), paired.mean_score(scores.copy()), 200) == 1.0


def test_bootstrap_detects_a_large_shift_and_is_reproducible():
    rng = np.random.default_rng(1)
    a = rng.normal(0.0, 1.0, size=(2, 300))
    b = a + 0.5 + rng.normal(0.0, 0.1, size=a.shape)  # every example better by about half a unit
    p = paired.paired_bootstrap_p(paired.mean_score(a), paired.mean_score(b), 300)
    assert p < 0.01
    assert p == pytest.approx(1 / (paired.MEAN_REPLICATES + 1))  # no replicate as extreme: the smallest p there is
    noisy = a + rng.normal(0.0, 1.0, size=a.shape)  # no shift: not significant, the same p every time
    first = paired.paired_bootstrap_p(paired.mean_score(a), paired.mean_score(noisy), 300)
    assert first == paired.paired_bootstrap_p(paired.mean_score(a), paired.mean_score(noisy), 300)
    assert first > 0.05


def test_bootstrap_of_a_set_level_metric_resamples_rows():
    """A set-level metric (here: precision of 0/1 predictions against labels) is recomputed on each resample."""
    rng = np.random.default_rng(2)
    labels = rng.integers(0, 2, 400)
    good = np.where(rng.random(400) < 0.9, labels, 1 - labels)
    bad = np.where(rng.random(400) < 0.55, labels, 1 - labels)

    def precision(pred):
        return lambda rows: float((labels[rows] == pred[rows])[pred[rows] == 1].mean())

    assert paired.paired_bootstrap_p(precision(good), precision(good), 400, replicates=200) == 1.0
    assert paired.paired_bootstrap_p(precision(good), precision(bad), 400, replicates=200) < 0.01
    # the same resamples for the same seed: one side's replicates can be computed once and reused
    once, again = (paired.side_replicates(precision(bad), 400, 50) for _ in range(2))
    assert np.array_equal(once, again)


def test_bootstrap_p_counts_replicates_as_far_from_the_observed_difference_as_zero():
    # observed 1.0; replicates shifted by it: |0.1 - 1|, |2.5 - 1|, |1 - 1|, |-0.2 - 1| -> two are >= 1
    assert paired.bootstrap_p(1.0, np.array([0.1, 2.5, 1.0, -0.2])) == pytest.approx((1 + 2) / (4 + 1))
    assert math.isnan(paired.bootstrap_p(1.0, np.array([0.1, np.nan])))  # not a small p: no distribution


def test_holm_matches_statsmodels_and_skips_untested_entries():
    from statsmodels.stats.multitest import multipletests

    p = [0.01, 0.04, 0.03, 0.2]
    # by hand: sorted 0.01, 0.03, 0.04, 0.2 times 4, 3, 2, 1 -> 0.04, 0.09, 0.08 -> 0.09 (monotone), 0.2
    assert holm(p) == pytest.approx([0.04, 0.09, 0.09, 0.2])
    assert holm(p) == pytest.approx(list(multipletests(p, method="holm")[1]))
    with_nan = holm([0.01, math.nan, 0.03])
    assert with_nan[0] == pytest.approx(0.02) and math.isnan(with_nan[1]) and with_nan[2] == pytest.approx(0.03)
    assert math.isnan(holm([math.nan])[0])


@pytest.mark.parametrize(("mean", "std", "bounds", "expected"), [
    (11.98, 5.675, (0.0, math.inf), (0.0, 11.98 + 4.302652729749462 * 5.675 / math.sqrt(3))),  # dcgan's FD
    (0.989, 0.006, (0.0, 1.0), (0.989 - 4.302652729749462 * 0.006 / math.sqrt(3), 1.0)),
])
def test_the_interval_is_cut_at_the_metric_range(mean, std, bounds, expected):
    assert mean_interval(mean, std, 3, bounds) == pytest.approx(expected)
    assert all(math.isnan(x) for x in mean_interval(mean, std, 1, bounds))
