"""`dlbench.records`, `leaderboard`, `table` over the committed digits records: the CLI's numbers and LaTeX."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import dlbench
from cli.main import main

RECORDS = Path(__file__).resolve().parents[2] / "leaderboard" / "records"
DIGITS = RECORDS / "digits"


def test_records_one_row_per_record_with_metrics_timings_and_provenance():
    frame = dlbench.records(DIGITS)
    files = sorted(DIGITS.glob("*/*.json"))
    assert sorted(frame["path"]) == sorted(map(str, files)) and len(frame) == len(files)
    for column in ("m.accuracy", "m.f1_macro", "train_seconds", "eval_seconds", "train_samples_per_second",
                   "eval_samples_per_second", "git_commit", "torch", "device", "world_size", "config_hash", "seed"):
        assert column in frame, column
    row = frame.iloc[0]
    assert row["record"].metrics["accuracy"] == row["m.accuracy"]
    assert row["record"].provenance.device == row["device"] and row["record"].history  # the training curve


def test_leaderboard_is_the_clis(capsys):
    assert main(["leaderboard", "task=digits", "format=json", f"dirs=[{RECORDS}]"]) == 0
    cli = json.loads(capsys.readouterr().out)
    board = dlbench.leaderboard("digits", dirs=[RECORDS])
    assert list(board["method"]) == [row["method"] for row in cli]
    assert set(board["method"]) == set(dlbench.methods("classification")) & {p.name for p in DIGITS.iterdir()}
    for column in ("mean", "std", "ci95_low", "ci95_high", "p_value"):
        assert list(board[column]) == pytest.approx([r[column] if r[column] is not None else float("nan")
                                                     for r in cli], nan_ok=True, abs=1e-9), column
    for column in ("rank", "vs_best", "test", "n_seeds"):
        assert [None if v != v else v for v in board[column]] == [r[column] for r in cli], column  # NaN -> None
    assert list(board.columns[:4]) == ["task", "method", "mean", "ci95_low"]  # what print() shows first


def test_leaderboard_names_and_folders_are_checked():
    with pytest.raises(dlbench.UnknownNameError, match="unknown task 'digitz'; did you mean 'digits'"):
        dlbench.leaderboard("digitz", dirs=[RECORDS])
    with pytest.raises(dlbench.Error, match="dirs: no such folder: nowhere"):
        dlbench.records("nowhere")


def test_table_is_the_clis(capsys):
    assert main(["table", "tasks=[digits]", f"dirs=[{RECORDS}]"]) == 0
    assert dlbench.table("digits", dirs=RECORDS) == capsys.readouterr().out
    assert "\\toprule" in dlbench.table(["digits"], metrics=["f1_macro"], dirs=[RECORDS])
    with pytest.raises(dlbench.UnknownNameError, match="unknown profile 'fast'"):
        dlbench.table("digits", profile="fast", dirs=[RECORDS])
