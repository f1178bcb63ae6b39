"""The classic IDX reader (tasks/data/idx.py) and the tasks on it. Files written here, gzipped and plain,
read back equal; each kind of bad file is one line naming it; the layouts of LeCun's page and torchvision
are found. A folder of IDX files trains mnist and fashion-mnist through data.path, with the parquet
route's fingerprint for the same images; a bad file stops `bench run` with exit 2; the Debian package's
folder is read when installed; `bench show` says that fashion-mnist's hub revision was never checked."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np
import pytest

from harness import registry
from harness.config import DataConfig, compose
from harness.errors import UserError
from harness.record import load_record
from harness.runner import run
from tasks.data.idx import IDX_FILES, find_idx_files, read_idx_splits


def idx_bytes(array: np.ndarray) -> bytes:
    """An IDX file of uint8 `array`: magic (0, 0, 0x08, ndim), the big-endian sizes, the bytes."""
    return struct.pack(">I", 0x800 + array.ndim) + struct.pack(f">{array.ndim}I", *array.shape) + array.tobytes()


def write_idx_folder(folder: Path, n_train: int = 64, n_test: int = 32, gz: bool = True, seed: int = 0) -> dict:
    """The four standard files of random 28x28 images and labels 0..9; returns the arrays written."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    arrays = {}
    for split, n in (("train", n_train), ("test", n_test)):
        arrays[(split, "images")] = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
        arrays[(split, "labels")] = (np.arange(n) % 10).astype(np.uint8)
    for key, name in IDX_FILES.items():
        data = idx_bytes(arrays[key])
        (folder / (name + ".gz" if gz else name)).write_bytes(gzip.compress(data) if gz else data)
    return arrays


@pytest.mark.parametrize("gz", [True, False], ids=["gzipped", "plain"])
def test_idx_files_read_back_equal(tmp_path, gz):
    arrays = write_idx_folder(tmp_path, gz=gz)
    splits = read_idx_splits(tmp_path)
    for split in ("train", "test"):
        images, labels = splits[split]
        assert images.dtype == np.uint8 and images.shape == (len(arrays[(split, "labels")]), 1, 28, 28)
        assert labels.dtype == np.int64
        np.testing.assert_array_equal(images[:, 0], arrays[(split, "images")])
        np.testing.assert_array_equal(labels, arrays[(split, "labels")])


def test_torchvision_raw_layout_and_dotted_names_are_found(tmp_path):
    write_idx_folder(tmp_path / "FashionMNIST" / "raw", gz=False)
    write_idx_folder(tmp_path / "MNIST" / "raw", seed=1)
    fashion = find_idx_files(tmp_path, "FashionMNIST")
    assert fashion is not None and fashion[("train", "images")].parent.parent.name == "FashionMNIST"
    assert find_idx_files(tmp_path, "MNIST")[("test", "labels")].name == "t10k-labels-idx1-ubyte.gz"
    assert find_idx_files(tmp_path / "nothing-here") is None
    dotted = tmp_path / "lecun"
    write_idx_folder(dotted, gz=False)
    for name in IDX_FILES.values():  # what unpacking LeCun's archives gives on some systems
        (dotted / name).rename(dotted / name.replace("-idx", ".idx"))
    assert len(read_idx_splits(dotted)["train"][1]) == 64


def _message(err: pytest.ExceptionInfo) -> str:
    message = str(err.value)
    assert message and "\n" not in message
    return message


def _rewrite(path: Path, change) -> None:
    path.write_bytes(change(path.read_bytes()))


BAD_FILES = {
    "wrong magic": ("train-images-idx3-ubyte", lambda b: struct.pack(">I", 0x801) + b[4:], "wrong magic number"),
    "truncated": ("t10k-images-idx3-ubyte", lambda b: b[:-100], "truncated IDX file"),
    "cut header": ("t10k-labels-idx1-ubyte", lambda b: b[:6], "shorter than its header"),
    "count mismatch": ("train-labels-idx1-ubyte", lambda b: struct.pack(">II", 0x801, 63) + b[8:-1],
                       "63 labels for 64 images"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_idx_file_is_one_line_naming_it(tmp_path, case):
    name, change, expected = BAD_FILES[case]
    write_idx_folder(tmp_path, gz=False)
    _rewrite(tmp_path / name, change)
    with pytest.raises(UserError, match=expected) as err:
        read_idx_splits(tmp_path)
    assert name in _message(err)


def test_gzip_garbage_and_a_missing_file_are_one_line(tmp_path):
    write_idx_folder(tmp_path)
    garbage = tmp_path / "train-images-idx3-ubyte.gz"
    _rewrite(garbage, lambda b: b[:len(b) // 2])  # a download cut short
    with pytest.raises(UserError, match="not a readable gzip file") as err:
        read_idx_splits(tmp_path)
    assert garbage.name in _message(err)
    garbage.write_bytes(b"<html>not found</html>")
    with pytest.raises(UserError, match="not a readable gzip file"):
        read_idx_splits(tmp_path)
    garbage.unlink()
    with pytest.raises(UserError, match="missing IDX file.*train-images-idx3-ubyte") as err:
        read_idx_splits(tmp_path)
    _message(err)


# -- the tasks on the IDX route ----------------------------------------------------------------------
DEBIAN = Path("/usr/share/datasets/fashion-mnist")


@pytest.mark.parametrize(("task", "gz"), [("mnist", False), ("fashion-mnist", True)])
def test_a_folder_of_idx_files_trains_through_data_path(task, gz, tmp_path):
    folder = tmp_path / "idx"
    write_idx_folder(folder, gz=gz)
    result = run(compose([f"task={task}", "method=linear", "profile=smoke", f"data.path={folder}",
                          f"output_dir={tmp_path / 'runs'}"]))
    record = load_record(result.run_dir / "record.json")
    assert record.status == "completed" and 0 <= record.metrics["accuracy"] <= 1
    assert record.per_example.rows == 32  # the folder's test file, all of it
    data = registry.get_task(task).build_data(DataConfig(path=str(folder)), "smoke")
    # 64 training images: `holdout` caps the validation split to a tenth (6); the real data's is 5,000
    assert (len(data.train), len(data.val), len(data.test)) == (58, 6, 32)


def _parquet_copy(root: Path, arrays: dict) -> Path:
    """The same images and labels in the hub's parquet layout (PNG bytes, ClassLabel)."""
    from datasets import ClassLabel, Dataset, Features, Image

    features = Features({"image": Image(), "label": ClassLabel(names=[str(i) for i in range(10)])})
    (root / "data").mkdir(parents=True)
    for split in ("train", "test"):
        images = list(arrays[(split, "images")])
        labels = arrays[(split, "labels")].astype(int).tolist()
        Dataset.from_dict({"image": images, "label": labels}, features=features).to_parquet(
            str(root / "data" / f"{split}-00000-of-00001.parquet"))
    return root


def test_the_fingerprint_does_not_depend_on_the_source(tmp_path):
    arrays = write_idx_folder(tmp_path / "idx")
    parquet = _parquet_copy(tmp_path / "parquet", arrays)
    task = registry.get_task("fashion-mnist")
    from_idx = task.build_data(DataConfig(path=str(tmp_path / "idx")), "default")
    from_parquet = task.build_data(DataConfig(path=str(parquet)), "default")
    assert from_idx.fingerprint == from_parquet.fingerprint
    # and it is a hash of the data: other images, another fingerprint
    write_idx_folder(tmp_path / "other", seed=5)
    assert task.build_data(DataConfig(path=str(tmp_path / "other")), "default").fingerprint != from_idx.fingerprint


def test_a_bad_idx_file_in_data_path_is_exit_2(tmp_path, capsys):
    from cli.main import main

    folder = tmp_path / "idx"
    write_idx_folder(folder, gz=False)
    bad = folder / "t10k-images-idx3-ubyte"
    bad.write_bytes(bad.read_bytes()[:-10])
    code = main(["run", "task=fashion-mnist", "method=linear", "profile=smoke", f"data.path={folder}",
                 f"output_dir={tmp_path / 'runs'}"])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(bad) in err[0] and "truncated" in err[0]


@pytest.mark.skipif(not DEBIAN.is_dir(), reason="Debian's dataset-fashion-mnist is not installed")
def test_the_debian_folder_is_read_when_there_is_no_data_path():
    from tasks.classification import FASHION_MNIST_HUB, FASHION_MNIST_IDX
    from tasks.data.hub import hub_image_splits

    splits, num_classes = hub_image_splits(FASHION_MNIST_HUB, 5000, None, FASHION_MNIST_IDX)
    sizes = {split: len(y) for split, (x, y) in splits.items()}
    assert sizes == registry.get_task("fashion-mnist").splits == {"train": 55000, "val": 5000, "test": 10000}
    assert num_classes == 10 and splits["train"][0].shape[1:] == (1, 28, 28)
    # Xiao et al.: 6,000 training and 1,000 test images per class
    train_labels = np.concatenate([splits["train"][1], splits["val"][1]])
    assert np.bincount(train_labels).tolist() == [6000] * 10
    assert np.bincount(splits["test"][1]).tolist() == [1000] * 10


def test_bench_show_says_the_fashion_mnist_revision_was_not_checked():
    from cli.registry_commands import describe_task

    shown = describe_task(registry.get_task("fashion-mnist"))
    assert "zalando-datasets/fashion_mnist@7ed16b2d6357495fc3f7a93e0ac952dcde171f10" in shown
    assert "revision not checked" in shown
    assert "revision not checked" not in describe_task(registry.get_task("cifar10"))
    for name in ("fashion-mnist", "fashion-mnist-ssl", "fashion-mnist-gen"):
        assert registry.get_task(name).hub.label == "zalando-datasets/fashion_mnist@7ed16b2d63"
