"""Datasets for the classification family, served as Hugging Face `datasets` and turned into
in-memory tensors for training.

digits: built once from scikit-learn, saved with `save_to_disk` under the cache folder, and loaded
from there afterwards. Hub tasks: `datasets.load_dataset(repo, revision=...)`, or the same call on a
local folder (`data.path=`), which is how the tests feed them tiny parquet fixtures.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import numpy as np

from harness.config import DataConfig
from harness.contracts import TaskData, TaskInfo
from harness.errors import UserError
from harness.specs import HubSource

DIGITS_VERSION = "1"  # bump with any change to the split below (and the task version)


def cache_root(data_cfg: DataConfig) -> Path:
    base = data_cfg.cache_dir or os.environ.get("DLBENCH_CACHE") or Path.home() / ".cache" / "dlbench"
    return Path(base)


def fingerprint(*arrays: np.ndarray) -> str:
    h = hashlib.sha256()
    for a in arrays:
        a = np.ascontiguousarray(a)
        h.update(str((a.dtype.str, a.shape)).encode())
        h.update(a.tobytes())
    return h.hexdigest()[:16]


def _digits_dataset_dict():
    from datasets import Array2D, ClassLabel, Dataset, DatasetDict, Features
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    images = digits.images.astype(np.uint8)  # 0..16
    labels = digits.target.astype(np.int64)
    idx = np.arange(len(labels))
    # test 359 and val 360: sizes divisible by neither 2 nor common batch sizes on purpose, so
    # distributed evaluation bugs (duplicated last samples) would show.
    rest, test = train_test_split(idx, test_size=359, stratify=labels, random_state=0)
    train, val = train_test_split(rest, test_size=360, stratify=labels[rest], random_state=0)
    features = Features({"image": Array2D((8, 8), "uint8"), "label": ClassLabel(names=[str(i) for i in range(10)])})
    return DatasetDict({
        name: Dataset.from_dict({"image": images[ix], "label": labels[ix]}, features=features)
        for name, ix in (("train", train), ("val", val), ("test", test))
    })


def cached_dataset_dict(data_cfg: DataConfig, parts: tuple[str, ...], make):
    """A DatasetDict built once by `make()`, saved with save_to_disk under the cache folder (atomically:
    a temporary folder, then a rename) and loaded from there afterwards."""
    from datasets import load_from_disk
    from datasets.utils.logging import disable_progress_bar

    disable_progress_bar()  # the cache is built once, in seconds; no bars in run logs
    path = cache_root(data_cfg).joinpath(*parts)
    if not (path / "dataset_dict.json").is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        make().save_to_disk(str(tmp))
        try:
            os.replace(tmp, path)
        except OSError:  # another process finished first; its copy is identical
            shutil.rmtree(tmp, ignore_errors=True)
    return load_from_disk(str(path))


def load_digits_splits(data_cfg: DataConfig):
    """The digits DatasetDict, built on first use and cached with save_to_disk."""
    return cached_dataset_dict(data_cfg, ("digits", DIGITS_VERSION), _digits_dataset_dict)


def _arrays(ds, image_column: str, label_column: str) -> tuple[np.ndarray, np.ndarray]:
    part = ds.with_format("numpy", columns=[image_column, label_column])
    images = np.asarray(part[image_column])
    labels = np.asarray(part[label_column], dtype=np.int64)
    if images.ndim == 3:  # grey images: add the channel axis
        images = images[:, None]
    elif images.ndim == 4:  # HWC -> CHW
        images = images.transpose(0, 3, 1, 2)
    else:
        raise UserError(f"column '{image_column}' has images of shape {images.shape[1:]}; expected HxW or HxWxC")
    return images, labels


def _to_task_data(name, splits: dict[str, tuple[np.ndarray, np.ndarray]], scale: float,
                  num_classes: int, data_cfg: DataConfig) -> TaskData:
    import torch

    from harness.tensordata import TensorDict, collate_batched
    from tasks.classification.protocol import ClassificationProtocol

    caps = {"train": data_cfg.train_size, "val": data_cfg.eval_size, "test": data_cfg.eval_size}
    tensors, parts = {}, []
    for split, (x, y) in splits.items():
        n = caps[split] or len(y)
        x, y = x[:n], y[:n]
        parts += [x, y]
        tensors[split] = TensorDict(pixel_values=torch.from_numpy(x.astype(np.float32) / scale),
                                    labels=torch.from_numpy(y))
    x0 = splits["train"][0]
    info = TaskInfo(name=name, family="classification", input_shape=tuple(x0.shape[1:]), num_classes=num_classes)
    return TaskData(info=info, train=tensors["train"], val=tensors["val"], test=tensors["test"],
                    fingerprint=fingerprint(*parts), protocol=ClassificationProtocol(num_classes),
                    collate=collate_batched)


def build_digits(data_cfg: DataConfig, profile: str) -> TaskData:
    dd = load_digits_splits(data_cfg)
    splits = {s: _arrays(dd[s], "image", "label") for s in ("train", "val", "test")}
    return _to_task_data("digits", splits, 16.0, 10, data_cfg)


def load_hub_dataset(hub: HubSource, path: str | None, splits: tuple[str, ...] = ("train", "test")):
    """The hub dataset at its pinned revision, or a local copy in the same format, checked for the
    splits the task reads and for the hub's image and label columns."""
    from datasets import DatasetDict, load_dataset, load_from_disk

    if path is None:
        try:
            return load_dataset(hub.repo_id, revision=hub.revision)
        except (ConnectionError, OSError) as err:
            raise UserError(f"cannot load {hub.repo_id} from the hub ({type(err).__name__}); "
                            "download it elsewhere and pass data.path=DIR") from None
    p = Path(path).expanduser()
    if not p.is_dir():
        raise UserError(f"data.path '{path}' is not a folder; point it at the dataset's parquet files "
                        "or a save_to_disk folder")
    if (p / "dataset_dict.json").is_file():
        dd = load_from_disk(str(p))
    else:
        try:
            dd = load_dataset(str(p))
        except (ValueError, FileNotFoundError) as err:
            raise UserError(f"data.path '{path}': no dataset found ({err})") from None
    if not isinstance(dd, DatasetDict) or not set(splits) <= set(dd):
        wanted = " and ".join(f"'{x}'" for x in splits)
        raise UserError(f"data.path '{path}': expected {wanted} split(s), found {sorted(dd)}")
    for column in (hub.image_column, hub.label_column):
        if column not in dd[splits[0]].column_names:
            raise UserError(f"data.path '{path}': missing column '{column}' (has {dd[splits[0]].column_names})")
    return dd


def hub_splits(hub: HubSource, val_size: int, data_cfg: DataConfig) -> tuple[dict, int]:
    """train/val/test (uint8 images, labels) of a hub classification dataset, and its number of classes:
    `val_size` examples of the hub's train split (a fixed permutation) are held out for validation."""
    dd = load_hub_dataset(hub, data_cfg.path)
    x, y = _arrays(dd["train"], hub.image_column, hub.label_column)
    order = np.random.RandomState(0).permutation(len(y))
    n_val = min(val_size, max(1, len(y) // 10))
    train_idx, val_idx = order[:-n_val], order[-n_val:]
    splits = {"train": (x[train_idx], y[train_idx]), "val": (x[val_idx], y[val_idx]),
              "test": _arrays(dd["test"], hub.image_column, hub.label_column)}
    num_classes = dd["train"].features[hub.label_column].num_classes if hasattr(
        dd["train"].features[hub.label_column], "num_classes") else int(y.max()) + 1
    return splits, num_classes


def build_hub(name: str, hub: HubSource, val_size: int, data_cfg: DataConfig) -> TaskData:
    splits, num_classes = hub_splits(hub, val_size, data_cfg)
    return _to_task_data(name, splits, 255.0, num_classes, data_cfg)
