"""Every method trains a few steps and evaluates on every task it fits (smoke profile)."""

from __future__ import annotations

import hashlib

import pytest

from harness import registry
from harness.config import compose
from harness.record import load_record
from harness.runner import run

# Families with many tasks of a few input kinds are covered, not crossed: every method on the first task of each
# kind, and every other task with one method (in turn), so every task and every method still runs.
# Scenes families too: the hub tasks (coco-det, ade20k-seg, coco-inst) share their shapes sibling's code path
# past the loader, which each one's smoke run with one method (in turn) still covers.
COVERED_FAMILIES = {"sequence", "attribution", "detection", "segmentation", "instance-segmentation"}


def _kind(task) -> tuple:
    """What changes a sequence model's code path: tokens or series, one channel or several, regression
    (an attribution method's path is the same on every task: all of them run on the first).
    (Hub text is token ids like listops; its loader and tokenizer have their own tests, tests/tasks/sequence.)"""
    return (len(task.input_shape), task.input_shape[-1] > 1, task.num_classes == 0)


def _pairs() -> list[tuple[str, str]]:
    pairs, seen_kinds = [], set()
    for i, (t, task) in enumerate(sorted(registry.tasks().items())):
        methods = list(registry.fitting_methods(task))
        if task.family not in COVERED_FAMILIES or (task.family, _kind(task)) not in seen_kinds:
            seen_kinds.add((task.family, _kind(task)))
            pairs += [(t, m) for m in methods]
        elif methods:
            pairs.append((t, methods[i % len(methods)]))
    return pairs


PAIRS = _pairs()


@pytest.mark.parametrize(("task", "method"), PAIRS, ids=[f"{t}-{m}" for t, m in PAIRS])
def test_method_smoke_run_writes_a_valid_record(task, method, smoke_args):
    result = run(compose(smoke_args(task, method)))
    record = load_record(result.run_dir / "record.json")
    assert record.status == "completed"
    spec = registry.get_task(task)
    assert set(record.metrics) == {m.name for m in spec.metrics}
    for metric in spec.metrics:  # each metric inside its declared range (any finite value when None)
        low, high = metric.range or (float("-inf"), float("inf"))
        assert low <= record.metrics[metric.name] <= high, metric.name
    # attribution methods hold settings, not weights
    assert (record.num_parameters > 0 or spec.family == "attribution") and record.provenance.world_size == 1
    assert len(record.history) == record.config["trainer"]["epochs"]
    assert record.task.unpinned == spec.unpinned
    _check_per_example_file(result, _test_size(compose(smoke_args(task, method))))


def _check_per_example_file(result, test_size: int) -> None:
    """The run folder holds the per-example file its record names: same bytes, one row per test example."""
    import pandas as pd

    ref = result.record.per_example
    assert ref is not None
    path = result.run_dir / ref.file
    assert hashlib.sha256(path.read_bytes()).hexdigest() == ref.sha256
    frame = pd.read_parquet(path)
    assert list(frame.columns) == ref.columns and ref.columns[0] == "example_id"
    assert len(frame) == ref.rows == test_size
    assert frame["example_id"].is_unique


_TEST_SIZES: dict[str, int] = {}


def _test_size(cfg) -> int:
    """The test split's size, built once per data configuration (methods of a task share it)."""
    key = repr((cfg.task, cfg.profile, cfg.data, cfg.metrics))
    if key not in _TEST_SIZES:
        _TEST_SIZES[key] = len(registry.get_task(cfg.task).build_data(cfg.data, cfg.profile, cfg.metrics).test)
    return _TEST_SIZES[key]


ONE_TASK = {m: t for t, m in reversed(PAIRS)}  # each method with the first task it fits


@pytest.mark.parametrize("method", sorted(ONE_TASK))
def test_no_position_table_is_left_at_zero(method, smoke_args):
    """A position table that is frozen and all zero after building is an initialisation that never
    ran: transformers 5.24 left ViTMAE's sin-cos tables so, and MAE then learnt only mean colours.
    (Trainable zero-initialised tables, as in YOLOS, still learn; they are not flagged.)"""
    import torch

    cfg = compose(smoke_args(ONE_TASK[method], method))
    data = registry.get_task(cfg.task).build_data(cfg.data, cfg.profile, cfg.metrics)
    model = registry.get_method(method).build(data.info, cfg.method)
    tables = [(name, t) for name, t in [*model.named_parameters(), *model.named_buffers()]
              if "pos" in name.lower() and t.is_floating_point() and t.numel() > 1 and not t.requires_grad]
    assert not [name for name, t in tables if torch.count_nonzero(t) == 0]


@pytest.mark.parametrize("method", ["resnet", "vit"])
def test_pretrained_loads_from_a_local_save_pretrained_folder(method, tmp_path, smoke_args):
    from harness.contracts import TaskInfo

    spec = registry.get_method(method)
    small = compose(smoke_args("digits", method)).method
    source = spec.build(TaskInfo("x", "classification", (1, 8, 8), 5), small).model
    source.save_pretrained(tmp_path / "weights")
    result = run(compose(smoke_args("digits", method, f"method.pretrained={tmp_path / 'weights'}")))
    assert result.record.status == "completed"
    assert result.record.config["method"]["pretrained"] == str(tmp_path / "weights")


def test_pretrained_bad_path_is_a_user_error(smoke_args, capsys, tmp_path):
    from cli.main import main

    assert main(["run", *smoke_args("digits", "vit", f"method.pretrained={tmp_path / 'nope'}")]) == 2
    assert "method.pretrained=" in capsys.readouterr().err
