"""The leaderboard's ties: paired tests where both rows' runs left per-example files, Welch otherwise, the
section's p-values Holm-corrected together, and the test named per row and in each section's note."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from conftest import make_record
from test_aggregate import board_for, row

from harness import registry
from harness.per_example import write as write_per_example
from leaderboard.paired import BOOTSTRAP, MCNEMAR
from leaderboard.stats import WELCH
from leaderboard.views import sections

N = 120  # test examples


def correct_column(columns):
    return {"accuracy": columns["correct"]}


@pytest.fixture
def hooks(monkeypatch):
    """`hooks(example_scores=..., set_scores=...)`: digits with these rescoring hooks for the test."""
    spec = registry.get_task("digits")

    def use(**fields):
        monkeypatch.setitem(registry._TASKS, "digits", dataclasses.replace(
            spec, example_scores=fields.get("example_scores"), set_scores=fields.get("set_scores")))

    return use


@pytest.fixture
def write_run(runs_dir):
    """`write_run(method, seed, correct, ids=None, files=True)`: a digits run whose accuracy is mean(correct),
    with its per-example file (rows in `ids` order) unless files=False."""

    def write(method: str, seed: int, correct, ids=None, files: bool = True):
        correct = np.asarray(correct)
        ids = np.arange(len(correct)) if ids is None else np.asarray(ids)
        rec = make_record(method=method, seed=seed, value=float(correct.mean()), version="1")
        folder = runs_dir / "digits" / method / rec.run_id
        folder.mkdir(parents=True)
        if files:
            ref = write_per_example({"example_id": ids, "correct": correct}, folder / "per_example.parquet")
            rec = rec.model_copy(update={"per_example": ref})
        (folder / "record.json").write_text(rec.model_dump_json(), encoding="utf-8")

    return write


def flips(base: np.ndarray, down: int, up: int, offset: int = 0) -> np.ndarray:
    """`base` with `down` correct examples made wrong and `up` wrong ones made right (from `offset` on)."""
    out = base.copy()
    out[np.flatnonzero(base == 1)[offset:offset + down]] = 0
    out[np.flatnonzero(base == 0)[offset:offset + up]] = 1
    return out


def reference_scores(seed: int) -> np.ndarray:
    return (np.random.default_rng(seed).random(N) < 0.8).astype(int)


def test_mcnemar_where_both_rows_have_files_welch_elsewhere_holm_over_the_section(hooks, write_run, runs_dir):
    from scipy.stats import binomtest, combine_pvalues, ttest_ind
    from statsmodels.stats.multitest import multipletests

    hooks(example_scores=correct_column)
    close_flips, far_flips = {0: (3, 1), 1: (2, 2), 2: (4, 2)}, {0: (20, 1), 1: (18, 2), 2: (22, 0)}
    welch_values = {"best": [], "nofiles": []}
    for seed in range(3):
        best = reference_scores(seed)
        order = np.random.default_rng(10 + seed).permutation(N)  # rows stored in another order: aligned on example_id
        write_run("best", seed, best)
        write_run("close", seed, flips(best, *close_flips[seed])[order], ids=order)
        write_run("far", seed, flips(best, *far_flips[seed]))
        nofiles = flips(best, 6, 0, offset=seed)
        write_run("nofiles", seed, nofiles, files=False)
        welch_values["best"].append(best.mean())
        welch_values["nofiles"].append(nofiles.mean())
    board, _ = board_for(runs_dir)

    def fisher(by_seed):
        return combine_pvalues([binomtest(min(d, u), d + u).pvalue for d, u in by_seed.values()]).pvalue

    raw = {"close": fisher(close_flips), "far": fisher(far_flips),
           "nofiles": ttest_ind(welch_values["best"], welch_values["nofiles"], equal_var=False).pvalue}
    adjusted = dict(zip(raw, multipletests(list(raw.values()), method="holm")[1], strict=True))
    for method, test in (("close", MCNEMAR), ("far", MCNEMAR), ("nofiles", WELCH)):
        r = row(board, method)
        assert (r["test"], r["p_value"]) == (test, pytest.approx(adjusted[method])), method
    assert row(board, "close")["vs_best"] == "tied" and row(board, "far")["vs_best"] == "worse"
    assert row(board, "best")["vs_best"] == "best" and not isinstance(row(board, "best")["test"], str)
    (section,) = sections(board)
    assert section.tests == [MCNEMAR, WELCH] and MCNEMAR in section.note and WELCH in section.note


def test_one_seed_with_files_is_tested(hooks, write_run, runs_dir):
    hooks(example_scores=correct_column)
    best = reference_scores(0)
    write_run("best", 0, best)
    write_run("worse", 0, flips(best, 25, 0))
    r = row(board_for(runs_dir)[0], "worse")
    assert r["test"] == MCNEMAR and r["vs_best"] == "worse"  # Welch could not: one seed on each side


def test_non_binary_per_example_values_and_set_level_metrics_get_the_bootstrap(hooks, write_run, runs_dir):
    def graded(columns):  # a mean of per-example values that are not 0/1
        return {"accuracy": columns["correct"] * 0.5 + 0.25}

    def set_level(columns, rows):
        return {"accuracy": float(columns["correct"][rows].mean())}

    best = reference_scores(0)
    for seed in range(2):
        write_run("best", seed, best)
        write_run("same", seed, best.copy())
        write_run("worse", seed, flips(best, 40, 0))
    for name, fields in (("graded", {"example_scores": graded}), ("set", {"set_scores": set_level})):
        hooks(**fields)
        board, _ = board_for(runs_dir)
        assert row(board, "worse")["test"] == BOOTSTRAP and row(board, "worse")["vs_best"] == "worse", name
        assert row(board, "same")["vs_best"] == "best"  # equal means share rank 1: nothing to test


def test_welch_when_files_differ_or_are_not_intact_or_the_task_has_no_hooks(hooks, write_run, runs_dir):
    hooks(example_scores=correct_column)
    best = reference_scores(0)
    for seed in range(2):
        write_run("best", seed, best)
        write_run("fine", seed, flips(best, 5, 0))
        write_run("other-ids", seed, flips(best, 5, 0), ids=np.arange(N) + 1000)  # scored on other examples
    board, _ = board_for(runs_dir)
    assert row(board, "fine")["test"] == MCNEMAR and row(board, "other-ids")["test"] == WELCH
    hooks()
    assert row(board_for(runs_dir)[0], "fine")["test"] == WELCH
    hooks(example_scores=correct_column)
    tampered = next((runs_dir / "digits" / "best").glob("*/per_example.parquet"))
    tampered.write_bytes(tampered.read_bytes()[:-1])  # no longer the file its record describes
    assert row(board_for(runs_dir)[0], "fine")["test"] == WELCH
