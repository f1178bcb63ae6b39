"""Every registered task builds its smoke data, with the declared shapes and a stable fingerprint."""

from __future__ import annotations

import pytest

from harness import registry
from harness.config import compose

TASKS = sorted(registry.tasks())


def _data_cfg(task, hub_fixtures):
    args = [f"task={task}", f"method={registry.fitting_methods(registry.get_task(task))[0]}", "profile=smoke"]
    if task in hub_fixtures:
        args.append(f"data.path={hub_fixtures[task]}")
    return compose(args).data


@pytest.mark.parametrize("name", TASKS)
def test_task_builds_smoke_data(name, hub_fixtures):
    task = registry.get_task(name)
    data = task.build_data(_data_cfg(name, hub_fixtures), "smoke")
    assert data.info.input_shape == task.input_shape
    assert data.info.num_classes == task.num_classes
    assert (len(data.train) > 0) == task.trainable  # evaluation-only tasks have no training data
    for split in (data.train, data.val, data.test) if task.trainable else (data.val, data.test):
        assert len(split) > 0
        batch = split.__getitems__([0, 1])
        if "points" in batch:  # point clouds: coordinates
            assert tuple(batch["points"].shape[1:]) == task.input_shape
            continue
        if "inputs" in batch:  # sequences: steps or token ids, padding cut to the batch's longest sequence
            steps, *rest = batch["inputs"].shape[1:]
            assert 0 < steps <= task.input_shape[0] and tuple(rest) == task.input_shape[1:]
            assert batch["attention_mask"].shape == batch["inputs"].shape[:2]
            continue
        assert tuple(batch["pixel_values"].shape[1:]) == task.input_shape
        assert float(batch["pixel_values"].min()) >= 0.0 and float(batch["pixel_values"].max()) <= 1.0
    again = task.build_data(_data_cfg(name, hub_fixtures), "smoke")
    assert again.fingerprint == data.fingerprint


def test_digits_splits_match_the_declared_sizes(tmp_path):
    from harness.config import DataConfig

    task = registry.get_task("digits")
    data = task.build(DataConfig(cache_dir=str(tmp_path)), "default")
    sizes = {"train": len(data.train), "val": len(data.val), "test": len(data.test)}
    assert sizes == dict(task.splits)
    labels = data.test.tensors["labels"]
    assert set(labels.tolist()) == set(range(10))
    # built once, then served from the save_to_disk cache
    assert (tmp_path / "digits" / "1" / "dataset_dict.json").is_file()
    assert task.build(DataConfig(cache_dir=str(tmp_path)), "default").fingerprint == data.fingerprint

