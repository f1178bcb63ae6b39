"""Aggregation: the numbers against hand computation, rank direction, staleness, dedup, Welch ties."""

from __future__ import annotations

import json
import math

import pytest
from conftest import make_record

from leaderboard.aggregate import collect, summarise
from leaderboard.load import load_records
from leaderboard.views import sections

T_975_DF2 = 4.302652729749462  # t-distribution 97.5% quantile, 2 degrees of freedom (tables: 4.303)


def board_for(runs_dir, metric=None):
    runs, rejected = collect([runs_dir])
    return summarise(runs, metric), rejected


def row(board, method, **where):
    sel = board[board["method"] == method]
    for key, value in where.items():
        sel = sel[sel[key] == value]
    assert len(sel) == 1, sel
    return sel.iloc[0]


def test_mean_std_ci_against_hand_computation(write_record, runs_dir):
    for seed, value in enumerate([0.8, 0.9, 1.0]):
        write_record(seed=seed, value=value, train_seconds=float(seed + 1), eval_rate=100.0 * (seed + 1))
    board, rejected = board_for(runs_dir)
    r = row(board, "linear")
    assert not rejected
    assert r["n_seeds"] == 3 and list(r["seeds"]) == [0, 1, 2]
    assert r["mean"] == pytest.approx(0.9)
    assert r["std"] == pytest.approx(0.1)  # sample std (ddof=1): sqrt((0.01 + 0 + 0.01) / 2)
    half = T_975_DF2 * 0.1 / math.sqrt(3)  # = 0.2484
    # digits' accuracy lies in [0, 1], so the upper end (1.148) is clipped there
    assert (r["ci95_low"], r["ci95_high"]) == (pytest.approx(0.9 - half), 1.0)
    assert r["train_seconds"] == pytest.approx(2.0) and r["eval_samples_per_second"] == pytest.approx(200.0)
    assert r["num_parameters"] == 650 and r["rank"] == 1 and r["vs_best"] == "best"


@pytest.mark.parametrize(("task", "metric", "bounds"), [
    ("digits", "accuracy", (0.0, 1.0)),  # the registry declares accuracy's range
    ("toy", "score", (-math.inf, math.inf)),  # an unregistered task: nothing to clip to
])
def test_the_interval_is_clipped_to_the_metric_range_only(write_record, runs_dir, task, metric, bounds):
    for seed, value in enumerate([0.02, 0.5, 0.98]):
        write_record(task=task, metric=metric, seed=seed, value=value)
    r = row(board_for(runs_dir)[0], "linear")
    half = T_975_DF2 * r["std"] / math.sqrt(3)
    assert r["ci95_low"] == pytest.approx(max(0.5 - half, bounds[0]))
    assert r["ci95_high"] == pytest.approx(min(0.5 + half, bounds[1]))


def test_single_seed_has_no_std_or_ci(write_record, runs_dir):
    write_record(value=0.7)
    r = row(board_for(runs_dir)[0], "linear")
    assert r["n_seeds"] == 1 and math.isnan(r["std"]) and math.isnan(r["ci95_low"])


@pytest.mark.parametrize("higher", [True, False])
def test_rank_follows_the_metric_direction(write_record, runs_dir, higher):
    # an unregistered task: the direction comes from the records' primary_metric
    for method, value in (("a", 0.1), ("b", 0.3), ("c", 0.2)):
        write_record(task="toy", method=method, value=value, metric="error", higher_is_better=higher)
    board, _ = board_for(runs_dir)
    ranks = {m: row(board, m)["rank"] for m in "abc"}
    assert ranks == ({"b": 1, "c": 2, "a": 3} if higher else {"a": 1, "c": 2, "b": 3})


def test_invalid_and_unreadable_records_are_skipped_with_a_reason(write_record, runs_dir):
    write_record()
    (runs_dir / "broken.json").write_text("{not json", encoding="utf-8")
    bad = make_record(seed=1).model_dump(mode="json")
    del bad["num_parameters"]
    (runs_dir / "bad.json").write_text(json.dumps(bad), encoding="utf-8")
    ckpt = runs_dir / "digits" / "linear" / "x" / "checkpoint"
    ckpt.mkdir(parents=True)
    (ckpt / "state.json").write_text("{}", encoding="utf-8")  # a run's checkpoint state is not a record
    valid, rejected = load_records([runs_dir])
    assert len(valid) == 1
    reasons = {p.name: reason for p, reason in rejected}
    assert set(reasons) == {"broken.json", "bad.json"}
    assert "num_parameters" in reasons["bad.json"] and "Field required" in reasons["bad.json"]
    assert "JSON" in reasons["broken.json"]


def test_failed_records_do_not_count(write_record, runs_dir):
    write_record(seed=0, value=0.5)
    write_record(seed=1, status="failed")
    assert row(board_for(runs_dir)[0], "linear")["n_seeds"] == 1


def test_older_task_version_is_never_pooled_with_the_current(write_record, runs_dir):
    for seed in range(2):
        write_record(seed=seed, value=0.9, version="1")
        write_record(seed=seed, value=0.1, version="0")  # digits is version 1 in the registry
    board, _ = board_for(runs_dir)
    current, stale = row(board, "linear", task_version="1"), row(board, "linear", task_version="0")
    assert current["mean"] == pytest.approx(0.9) and not current["stale"]
    assert stale["mean"] == pytest.approx(0.1) and stale["stale"]
    assert stale["rank"] == 1  # ranked within its own version
    assert [s.version for s in sections(board)] == ["1"]  # default views leave stale rows out
    assert {s.version for s in sections(board, include_stale=True)} == {"0", "1"}


def test_duplicate_run_ids_count_once_and_the_first_folder_wins(write_record, runs_dir, tmp_path):
    official = tmp_path / "records"
    write_record(root=official, seed=0, value=0.9)
    write_record(seed=0, value=0.9)  # the same run, copied into runs/
    write_record(seed=1, value=0.8)
    runs, _ = collect([official, runs_dir])
    assert len(runs) == 2
    r = row(summarise(runs), "linear")
    assert r["n_seeds"] == 2 and str(official) in r["records"][0]


def test_welch_ties_with_the_best(write_record, runs_dir):
    from scipy.stats import ttest_ind

    values = {"best": [0.90, 0.91, 0.92], "close": [0.895, 0.905, 0.915], "far": [0.50, 0.51, 0.52]}
    for method, vals in values.items():
        for seed, v in enumerate(vals):
            write_record(method=method, seed=seed, value=v)
    write_record(method="single", seed=0, value=0.6)
    board, _ = board_for(runs_dir)
    assert row(board, "best")["vs_best"] == "best"
    close = row(board, "close")
    assert close["vs_best"] == "tied"
    assert close["p_value"] == pytest.approx(ttest_ind(values["best"], values["close"], equal_var=False).pvalue)
    assert close["p_value"] == pytest.approx(0.5734, abs=1e-4)  # t = 0.612, df = 4
    assert row(board, "far")["vs_best"] == "worse"
    assert row(board, "single")["vs_best"] == "untested"


def test_zero_variance_on_both_sides_is_decided_by_the_means(write_record, runs_dir):
    for seed in range(2):
        write_record(method="a", seed=seed, value=0.9)
        write_record(method="b", seed=seed, value=0.9)
        write_record(method="c", seed=seed, value=0.8)
    board, _ = board_for(runs_dir)
    assert row(board, "b")["vs_best"] in ("best", "tied") and row(board, "c")["vs_best"] == "worse"


def test_profiles_are_separate_rows_and_other_metrics_can_be_scored(write_record, runs_dir):
    write_record(profile="smoke", value=0.5, extra={"f1_macro": 0.4})
    write_record(profile="default", value=0.9, extra={"f1_macro": 0.8})
    board, _ = board_for(runs_dir, metric="f1_macro")
    assert row(board, "linear", profile="default")["mean"] == pytest.approx(0.8)
    assert row(board, "linear", profile="smoke")["mean"] == pytest.approx(0.4)
