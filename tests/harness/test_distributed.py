"""Two processes on CPU (gloo): training completes with world size 2, and scoring one checkpoint with one
or two processes gives identical metrics on digits' test split (359 examples: divisible by neither the
world size nor the batch size, so duplicated or dropped samples would show)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from cli.main import main
from harness.record import load_record


def test_two_processes_train_and_score_exactly_like_one(tmp_path, capsys):
    out = tmp_path / "runs"
    args = ["task=digits", "method=cnn", "profile=smoke", "data.train_size=null", "trainer.epochs=3",
            "trainer.lr=0.01", "trainer.eval_batch_size=64", f"output_dir={out}"]
    assert main(["run", *args, "num_processes=2"]) == 0
    (record_path,) = out.glob("digits/cnn/*/record.json")
    record = load_record(record_path)
    assert record.status == "completed" and record.metrics["accuracy"] > 0.5  # a model that tells digits apart
    assert record.provenance.world_size == 2 and record.provenance.per_device_batch_size == 64
    assert "num_processes" not in json.dumps(record.config)  # a command option, not part of the config

    run_dir = record_path.parent
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    assert main(["evaluate", str(run_dir), f"out={one}"]) == 0
    assert main(["evaluate", str(run_dir), "num_processes=2", f"out={two}"]) == 0
    one, two = json.loads(one.read_text()), json.loads(two.read_text())
    assert (one["world_size"], two["world_size"]) == (1, 2)
    assert one["num_samples"] == two["num_samples"] == 359
    assert one["metrics"] == two["metrics"] == record.metrics
    assert "test  accuracy" in capsys.readouterr().out


def _per_example(out) -> tuple:
    (record_path,) = out.glob("*/*/*/record.json")
    record = load_record(record_path)
    frame = pd.read_parquet(record_path.parent / record.per_example.file)
    return record, frame.sort_values("example_id", ignore_index=True)


@pytest.mark.parametrize(("task", "method", "batch"), [("digits", "cnn", 64), ("shapes-seg", "unet", 7)])
def test_per_example_file_is_the_same_at_world_size_two(tmp_path, task, method, batch):
    """Untrained (epochs=0), so both runs score the same model: every row, gathered once, with its own id.
    The eval batch leaves a short last batch that the second process's sampler pads with repeats."""
    for n in (1, 2):
        args = [f"task={task}", f"method={method}", "profile=smoke", "trainer.epochs=0",
                f"trainer.eval_batch_size={batch}", f"output_dir={tmp_path / str(n)}", f"num_processes={n}"]
        assert main(["run", *args]) == 0
    (one_record, one), (two_record, two) = _per_example(tmp_path / "1"), _per_example(tmp_path / "2")
    assert (one_record.provenance.world_size, two_record.provenance.world_size) == (1, 2)
    assert len(one) % batch and len(one) % (2 * batch)
    assert two_record.per_example.rows == len(one) and two["example_id"].is_unique
    pd.testing.assert_frame_equal(one, two, check_exact=True)
    assert one_record.metrics == two_record.metrics


@pytest.mark.parametrize(("argv", "message"), [
    (["run", "task=digits", "method=cnn", "num_processes=0"], "invalid value 0 for 'num_processes'"),
    (["run", "task=digits", "method=cnn", "num_processes=two"], "wrong type for 'num_processes'"),
    (["evaluate"], "takes one run folder"),
    (["evaluate", "no/such/run"], "run folder not found"),
])
def test_bad_distributed_input_exits_2(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_accelerate_launch_cpu_with_n_processes_is_called_out(monkeypatch):
    from harness import distributed

    monkeypatch.delenv("WORLD_SIZE", raising=False)
    monkeypatch.setenv("ACCELERATE_USE_CPU", "True")
    monkeypatch.setenv("MASTER_PORT", "29500")  # what `accelerate launch --cpu --num_processes 2` leaves
    assert distributed._cpu_launch_of_one()
    monkeypatch.setenv("WORLD_SIZE", "2")  # torchrun / accelerate launch --multi_gpu
    assert not distributed._cpu_launch_of_one()
