"""Which test compares a leaderboard row with its section's best, and the p-value it gives.

Per (task, metric), in order (the task's hooks: harness.specs.TaskSpec.example_scores / set_scores):
- `example_scores` gives the metric as 0/1 per example: exact McNemar per seed, seeds paired by number
  (a paired bootstrap of the mean when the two rows share no seed number);
- `example_scores` gives it with other values: paired bootstrap of the mean over test examples;
- `set_scores` gives it: paired bootstrap of the set-level metric over test examples;
- otherwise, or when a run of either row has no (intact) per-example file, or the two rows' runs were
  scored on different example_ids: None, and the caller falls back to Welch's t-test over seeds.
Rows are aligned on `example_id` first. Per-example files are read only for the rows compared, each once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from leaderboard import paired

if TYPE_CHECKING:
    from harness.record import Record
    from harness.specs import TaskSpec

Columns = dict[str, np.ndarray]


@dataclass(frozen=True)
class Side:
    """One leaderboard row's runs: their seeds and record files, in the same order."""

    seeds: tuple[int, ...]
    paths: tuple[str, ...]


def _aligned(columns: Columns) -> Columns:
    """The columns with rows sorted by example_id, so row i is the same example in every run."""
    order = np.argsort(columns["example_id"], kind="stable")
    return {name: values[order] for name, values in columns.items()}


class Comparer:
    """Compares rows of one (task, metric) with the best row; caches what it read and computed per row."""

    def __init__(self, spec: TaskSpec | None, metric: str, records: Mapping[str, Record]) -> None:
        self.spec, self.metric, self.records = spec, metric, records
        self._outputs: dict[Side, dict[int, Columns] | None] = {}
        self._set_replicates: dict[Side, np.ndarray] = {}

    @property
    def has_hooks(self) -> bool:
        return self.spec is not None and (self.spec.example_scores is not None or self.spec.set_scores is not None)

    def outputs(self, side: Side) -> dict[int, Columns] | None:
        """{seed: aligned columns} of every run of `side`; None when one has no intact per-example file."""
        from leaderboard.per_example import columns_for

        if side not in self._outputs:
            loaded = {}
            for seed, path in zip(side.seeds, side.paths, strict=True):
                record = self.records.get(path)
                columns = columns_for(path, record) if record is not None else None
                if columns is None or "example_id" not in columns:
                    loaded = None
                    break
                loaded[seed] = _aligned(columns)
            self._outputs[side] = loaded
        return self._outputs[side]

    def test(self, best: Side, other: Side) -> tuple[str, float] | None:
        """(test name, two-sided p) of `other` against `best` on their shared test examples; None: no paired test."""
        if not self.has_hooks:
            return None
        a, b = self.outputs(best), self.outputs(other)
        if not a or not b or not _same_examples([*a.values(), *b.values()]):
            return None
        try:
            found = self._example_test(a, b) or self._set_test(best, a, b)
        except KeyError:  # a file written before a column its task's hook reads existed
            return None
        # a score that is NaN on the split or on a resample (no positive prediction among the rows drawn)
        # leaves the bootstrap without a distribution: Welch's test over the recorded values decides
        return None if found is None or math.isnan(found[1]) else found

    def _example_test(self, a: dict[int, Columns], b: dict[int, Columns]) -> tuple[str, float] | None:
        hook = self.spec.example_scores
        if hook is None:
            return None
        scores_a, scores_b = _scores(hook, a, self.metric), _scores(hook, b, self.metric)
        if scores_a is None or scores_b is None:
            return None
        if _binary(scores_a) and _binary(scores_b) and set(scores_a) & set(scores_b):
            return paired.MCNEMAR, paired.mcnemar_over_seeds(scores_a, scores_b)
        score_a = paired.mean_score(np.stack(list(scores_a.values())))
        score_b = paired.mean_score(np.stack(list(scores_b.values())))
        n = len(next(iter(a.values()))["example_id"])
        return paired.BOOTSTRAP, paired.paired_bootstrap_p(score_a, score_b, n, paired.MEAN_REPLICATES)

    def _set_test(self, best: Side, a: dict[int, Columns], b: dict[int, Columns]) -> tuple[str, float] | None:
        hook = self.spec.set_scores
        n = len(next(iter(a.values()))["example_id"])
        if hook is None or self.metric not in hook(next(iter(a.values())), np.arange(n)):
            return None
        score_a, score_b = _set_score(hook, a, self.metric), _set_score(hook, b, self.metric)
        if best not in self._set_replicates:  # the best row is compared with every other: its replicates once
            self._set_replicates[best] = paired.side_replicates(score_a, n, paired.SET_REPLICATES)
        observed = score_a(np.arange(n)) - score_b(np.arange(n))
        diffs = self._set_replicates[best] - paired.side_replicates(score_b, n, paired.SET_REPLICATES)
        return paired.BOOTSTRAP, paired.bootstrap_p(observed, diffs)


def _same_examples(runs: list[Columns]) -> bool:
    first = runs[0]["example_id"]
    return all(np.array_equal(first, run["example_id"]) for run in runs[1:])


def _scores(hook: Any, runs: dict[int, Columns], metric: str) -> dict[int, np.ndarray] | None:
    """{seed: per-example values of `metric`} from the task's example_scores; None when it does not give it."""
    out = {}
    for seed, columns in runs.items():
        given = hook(columns)
        if metric not in given:
            return None
        out[seed] = np.asarray(given[metric], dtype=float)
    return out


def _binary(scores: dict[int, np.ndarray]) -> bool:
    return all(np.isin(values, (0.0, 1.0)).all() for values in scores.values())


def _set_score(hook: Any, runs: dict[int, Columns], metric: str):
    """A row's set-level `metric` on given example rows, averaged over its seeds."""
    return lambda rows: float(np.mean([hook(columns, rows)[metric] for columns in runs.values()]))
