"""`dlbench.run`, `sweep`, `evaluate`, `reproduce` on digits' smoke profile: the CLI's records and lines."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

import dlbench
from cli.main import main
from harness import rundir
from harness.record import Record, load_record


@pytest.fixture(scope="module")
def smoke(tmp_path_factory) -> tuple[Record, Path]:
    """One API run of digits/linear on the smoke profile: its record and output folder."""
    out = tmp_path_factory.mktemp("runs")
    return dlbench.run("digits", "linear", profile="smoke", output_dir=out), out


def _run_dir(record: Record, out: Path) -> Path:
    return rundir.run_root(str(out), record.task.name, record.method.name) / record.run_id


def test_run_returns_the_record_the_cli_writes_for_the_same_config(smoke, tmp_path, capsys):
    record, out = smoke
    assert record == load_record(_run_dir(record, out) / rundir.RECORD) and record.status == "completed"
    capsys.readouterr()
    assert main(["run", "task=digits", "method=linear", "profile=smoke", f"output_dir={tmp_path}"]) == 0
    lines = capsys.readouterr().out
    (cli_path,) = tmp_path.glob("digits/linear/*/record.json")
    cli = load_record(cli_path)
    assert cli.config_hash == record.config_hash and cli.metrics == record.metrics  # bit for bit on one CPU
    assert [h.train_loss for h in cli.history] == [h.train_loss for h in record.history]
    assert "epoch 2/2  loss" in lines and f"record {cli_path}" in lines  # the runner's lines, through logging


def test_evaluate_scores_the_checkpoint_as_the_run_did(smoke, capsys):
    record, out = smoke
    assert dlbench.evaluate(_run_dir(record, out)) == record.metrics
    assert "test  accuracy" in capsys.readouterr().out
    with pytest.raises(dlbench.Error, match="run folder not found"):
        dlbench.evaluate(out / "nowhere")
    with pytest.raises(dlbench.ConfigError, match="invalid value 0 for 'eval_batch_size'"):
        dlbench.evaluate(_run_dir(record, out), eval_batch_size=0)


def test_a_sweep_over_done_runs_skips_them_and_returns_their_records(smoke, monkeypatch):
    """Nothing trains (no worker starts): the grid's one point has a completed record."""
    record, out = smoke
    assert dlbench.sweep("digits", "linear", seeds=[0], profile="smoke", output_dir=out) == [record]


def test_a_sweep_hands_every_method_and_seed_to_bench_sweep(monkeypatch, tmp_path):
    """The grid the sweep composes is, point for point, the config `dlbench.config` gives (values quoted as needed)."""
    from harness import sweep as sweeps

    seen = {}

    def fake(args, options):
        seen["points"] = sweeps.plan(*sweeps.expand(args), rerun=False)
        seen["jobs"] = options.jobs
        return sweeps.SweepResult([], len(seen["points"]), False)

    monkeypatch.setattr(sweeps, "run_sweep", fake)
    overrides = {"trainer": {"epochs": 1, "optimizer": "sgd"}, "data.train_size": None}
    assert dlbench.sweep("digits", ["linear", "mlp"], seeds=(0, 1), profile="smoke", overrides=overrides,
                         output_dir=tmp_path, jobs=2) == []
    got = [(p.cfg.method_name, p.cfg.seed, p.cfg.hash()) for p in seen["points"]]
    want = [(m, s, dlbench.config("digits", m, seed=s, profile="smoke", overrides=overrides,
                                  output_dir=tmp_path).hash()) for m in ("linear", "mlp") for s in (0, 1)]
    assert got == want and seen["jobs"] == 2


def test_reproduce_a_record_quietly(smoke, tmp_path, capsys):
    """A notebook silences the lines with the logger's level; the comparison is the verdict."""
    record, out = smoke
    logger = logging.getLogger("dlbench")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        comparison = dlbench.reproduce(_run_dir(record, out) / rundir.RECORD, output_dir=tmp_path)
    finally:
        logger.setLevel(level)
    assert comparison.reproduced_ok and comparison.tolerance == 0.0
    assert set(comparison.differences().values()) == {0.0}
    assert capsys.readouterr().out == ""
    with pytest.raises(dlbench.Error, match="tolerance must be a finite number >= 0"):
        dlbench.reproduce(_run_dir(record, out) / rundir.RECORD, tolerance=-1)


@pytest.mark.slow
def test_evaluate_in_two_processes_gives_the_same_metrics(smoke):
    """Through Accelerate's launcher, as `bench evaluate ... num_processes=2` (two gloo processes on a CPU)."""
    record, out = smoke
    assert dlbench.evaluate(_run_dir(record, out), num_processes=2) == record.metrics
