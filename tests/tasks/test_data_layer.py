"""The data layer (tasks/data): one build-once cache under a file lock, the fixed hold-out, the
profile caps, and the hub loader's one-line errors."""

from __future__ import annotations

import functools
import multiprocessing
import os
import time

import numpy as np
import pytest

from harness.config import DataConfig
from harness.errors import UserError
from harness.specs import HubSource
from tasks.data.cache import cached_dataset_dict
from tasks.data.hub import load_hub
from tasks.data.splits import apply_caps, capped_sizes, holdout

HUB = HubSource("x/y", "0" * 40, "image", "label")


# -- the build-once cache ---------------------------------------------------------------------------
def _make(counter: str):
    from datasets import Dataset, DatasetDict

    with open(counter, "a") as fh:
        fh.write(f"{os.getpid()}\n")
    time.sleep(1.5)  # a slow build: the other process asks for the same entry meanwhile
    return DatasetDict({"train": Dataset.from_dict({"x": list(range(10))})})


def _build(cache: str, counter: str, barrier, results) -> None:
    barrier.wait()  # both processes ask for the entry at the same moment
    dd = cached_dataset_dict(DataConfig(cache_dir=cache), ("race", "1"), functools.partial(_make, counter))
    results.put(list(dd["train"]["x"]))


def test_two_processes_build_the_cache_once_and_load_the_same_data(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    counter = tmp_path / "builds.txt"
    procs = [ctx.Process(target=_build, args=(str(tmp_path / "cache"), str(counter), barrier, results))
             for _ in range(2)]
    for p in procs:
        p.start()
    got = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert got == [list(range(10))] * 2
    assert len(counter.read_text().splitlines()) == 1  # the second process waited and loaded the first's copy
    assert not list((tmp_path / "cache" / "race").glob("*.tmp"))


def test_an_incomplete_cache_folder_is_rebuilt(tmp_path):
    (tmp_path / "race" / "1").mkdir(parents=True)  # what a crash mid-build could leave: no dataset_dict.json
    counter = tmp_path / "builds.txt"
    dd = cached_dataset_dict(DataConfig(cache_dir=str(tmp_path)), ("race", "1"), functools.partial(_make, counter))
    assert list(dd["train"]["x"]) == list(range(10))
    cached_dataset_dict(DataConfig(cache_dir=str(tmp_path)), ("race", "1"), functools.partial(_make, counter))
    assert len(counter.read_text().splitlines()) == 1


# -- hold-out and caps ------------------------------------------------------------------------------
def test_holdout_is_the_fixed_seed_0_permutation():
    # numpy's legacy RandomState(0) order of 20: every committed record's val split depends on it
    order = [18, 1, 19, 8, 10, 17, 6, 13, 4, 2, 5, 14, 9, 7, 16, 11, 3, 0, 15, 12]
    train, val = holdout(20, 3)  # min(3, 20 // 10) = 2 held out: the last two of the order
    assert (train.tolist(), val.tolist()) == (order[:-2], order[-2:])
    again = holdout(20, 3)
    assert np.array_equal(again[0], train) and np.array_equal(again[1], val)
    big_train, big_val = holdout(1000, 7)
    assert len(big_val) == 7 and sorted(big_train.tolist() + big_val.tolist()) == list(range(1000))
    assert len(holdout(5, 100)[1]) == 1  # at least one validation example


def test_caps_apply_train_size_to_train_and_eval_size_to_val_and_test():
    import torch
    from datasets import Dataset

    x = np.arange(10)
    splits = {"train": (torch.from_numpy(x), x), "val": (x, x * 2), "test": Dataset.from_dict({"a": x.tolist()})}
    capped = apply_caps(splits, DataConfig(train_size=3, eval_size=2))
    assert list(capped) == ["train", "val", "test"]
    assert [a.tolist() for a in capped["train"]] == [[0, 1, 2]] * 2
    assert [a.tolist() for a in capped["val"]] == [[0, 1], [0, 2]]
    assert capped["test"]["a"] == [0, 1]
    only_train = apply_caps(splits, DataConfig(train_size=4))
    assert len(only_train["train"][0]) == 4 and only_train["val"] is splits["val"] and len(only_train["test"]) == 10
    assert len(apply_caps({"val": x}, DataConfig(), uncapped={"val": 5})["val"]) == 5
    assert len(apply_caps({"val": x}, DataConfig(eval_size=8), uncapped={"val": 5})["val"]) == 8
    assert capped_sizes({"train": 100, "val": 10, "test": 1}, DataConfig(train_size=30, eval_size=5)) == \
        {"train": 30, "val": 5, "test": 1}


# -- the hub loader's errors --------------------------------------------------------------------------
def _one_line(err: pytest.ExceptionInfo) -> str:
    message = str(err.value)
    assert "\n" not in message and message
    return message


def test_hub_loader_rejects_a_missing_folder(tmp_path):
    with pytest.raises(UserError, match="is not a folder") as err:
        load_hub(HUB, str(tmp_path / "missing"))
    assert "data.path" in _one_line(err)


def test_hub_loader_rejects_a_missing_split(tmp_path, hub_fixture_writer):
    hub_fixture_writer(tmp_path, HUB, (8, 8))
    (tmp_path / "data" / "test-00000-of-00001.parquet").unlink()
    with pytest.raises(UserError, match=r"expected 'train' and 'test' split\(s\), found \['train'\]") as err:
        load_hub(HUB, str(tmp_path))
    _one_line(err)


def test_hub_loader_rejects_missing_columns(tmp_path, hub_fixture_writer):
    from harness import registry

    hub_fixture_writer(tmp_path, HubSource("x/y", "0" * 40, "picture", "label"), (8, 8))
    with pytest.raises(UserError, match="missing column 'image'") as err:
        load_hub(registry.get_task("mnist").hub, str(tmp_path))
    _one_line(err)
    with pytest.raises(UserError, match="missing column 'objects'"):
        load_hub(HUB, str(tmp_path), columns=("picture", "objects", None))


def test_hub_loader_reads_a_local_validation_split_as_val(tmp_path, hub_fixture_writer):
    hub_fixture_writer(tmp_path, HUB, (8, 8))
    data = tmp_path / "data"
    (data / "test-00000-of-00001.parquet").rename(data / "validation-00000-of-00001.parquet")
    dd = load_hub(HUB, str(tmp_path), splits=("train", "val"))
    assert set(dd) == {"train", "val"} and len(dd["val"]) == 24
