"""Determinism, resume after an interrupt, and non-finite losses."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from cli.main import main
from harness import checkpoint, registry
from harness.config import compose
from harness.record import load_record
from harness.runner import run


def test_same_seed_gives_identical_metrics(smoke_args):
    args = smoke_args("digits", "cnn", "trainer.epochs=3")
    first, second = run(compose(args)), run(compose(args))
    assert first.record.metrics == second.record.metrics
    assert [h.train_loss for h in first.record.history] == [h.train_loss for h in second.record.history]
    assert first.run_dir != second.run_dir
    third = run(compose(args + ["seed=1"]))
    assert third.record.metrics != first.record.metrics or third.record.history != first.record.history


def test_interrupt_then_resume_matches_an_uninterrupted_run(smoke_args, monkeypatch):
    args = smoke_args("digits", "mlp", "trainer.epochs=4")
    reference = run(compose(args)).record

    real_save, saves = checkpoint.save, []

    def save_then_interrupt(*a, **kw):
        real_save(*a, **kw)
        saves.append(1)
        if len(saves) == 2:
            raise KeyboardInterrupt  # as if Ctrl-C arrived right after epoch 2

    monkeypatch.setattr(checkpoint, "save", save_then_interrupt)
    assert main(["run", *args]) == 130
    monkeypatch.setattr(checkpoint, "save", real_save)
    interrupted = sorted((reference_dir := _runs(args)).glob("*/record.json"))
    failed = [load_record(p) for p in interrupted if load_record(p).status == "failed"]
    assert len(failed) == 1 and "resume=true" in failed[0].error

    resumed = run(compose(args + ["resume=true"]))
    assert resumed.run_dir.name == failed[0].run_id  # same folder, continued
    assert resumed.record.status == "completed"
    assert resumed.record.metrics == reference.metrics
    assert [h.train_loss for h in resumed.record.history] == [h.train_loss for h in reference.history]
    assert len(list(reference_dir.iterdir())) == 2


def _runs(args):
    out = next(a.split("=", 1)[1] for a in args if a.startswith("output_dir="))
    from pathlib import Path

    return Path(out) / "digits" / "mlp"


@dataclass
class _NoParams:
    pass


def _nan_model(info, params):
    import torch

    class NaNNet(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.w = torch.nn.Parameter(torch.zeros(1))

        def forward(self, x):
            return torch.full((x.shape[0], info.num_classes), float("nan")) * self.w

    return NaNNet()


@pytest.fixture
def nan_method():
    registry.register_method(name="test-nan", version="1", fits=("classification",), params=_NoParams,
                             description="emits NaN logits", profiles={})(_nan_model)
    yield "test-nan"
    registry.unregister("test-nan")


def test_nan_loss_stops_with_a_failed_record(smoke_args, nan_method, capsys, tmp_path):
    assert main(["run", *smoke_args("digits", nan_method)]) == 1
    assert "loss became nan" in capsys.readouterr().out
    records = list((tmp_path / "runs" / "digits" / nan_method).glob("*/record.json"))
    assert len(records) == 1
    data = json.loads(records[0].read_text())
    assert data["status"] == "failed" and "nan" in data["error"] and data["metrics"] == {}
    load_record(records[0])  # and it validates


def test_run_folder_contents(smoke_args):
    result = run(compose(smoke_args("digits", "linear")))
    names = {p.name for p in result.run_dir.iterdir()}
    assert {"config.yaml", "run.log", "checkpoint", "record.json"} <= names
    assert (result.run_dir / "checkpoint" / "model.safetensors").is_file()
    assert "epoch 2/2" in (result.run_dir / "run.log").read_text()
