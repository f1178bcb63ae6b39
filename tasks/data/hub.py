"""Hub datasets: `datasets.load_dataset(repo, revision=...)` at the task's pinned revision, or the
same data from a local copy (`data.path=DIR`: a folder of the hub's parquet files, or a save_to_disk
folder), which is also how the tests feed tiny fixtures. One loader and one set of error messages
for every family; `hub_image_splits` adds the fixed hold-out for image classification datasets, and
for the datasets that ship as classic IDX files (MNIST, Fashion-MNIST) reads those too (`tasks.data.idx`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from harness.errors import UserError
from harness.specs import HubSource
from tasks.data.idx import IdxLayout, read_idx_splits
from tasks.data.splits import holdout

# a local parquet folder names val-*.parquet "validation", whatever the hub calls that split
SPLIT_ALIASES = {"val": ("validation",), "validation": ("val",)}


def _from_hub(hub: HubSource):
    from datasets import load_dataset

    try:
        return load_dataset(hub.repo_id, revision=hub.revision)
    except (ConnectionError, OSError) as err:
        raise UserError(f"cannot load {hub.repo_id} from the hub ({type(err).__name__}); "
                        "download it elsewhere and pass data.path=DIR") from None


def _from_folder(path: str):
    from datasets import load_dataset, load_from_disk

    p = Path(path).expanduser()
    if not p.is_dir():
        raise UserError(f"data.path '{path}' is not a folder; point it at the dataset's parquet files "
                        "or a save_to_disk folder")
    if (p / "dataset_dict.json").is_file():
        return load_from_disk(str(p))
    try:
        return load_dataset(str(p))
    except (ValueError, FileNotFoundError) as err:
        raise UserError(f"data.path '{path}': no dataset found ({err})") from None


def _check(dd, path: str, splits: Sequence[str], columns: Sequence[str]):
    from datasets import DatasetDict

    if isinstance(dd, DatasetDict):
        for split in splits:
            alias = next((a for a in SPLIT_ALIASES.get(split, ()) if a in dd), None)
            if split not in dd and alias is not None:
                dd[split] = dd.pop(alias)
    if not isinstance(dd, DatasetDict) or not set(splits) <= set(dd):
        wanted = " and ".join(f"'{x}'" for x in splits)
        found = sorted(dd) if isinstance(dd, DatasetDict) else type(dd).__name__
        raise UserError(f"data.path '{path}': expected {wanted} split(s), found {found}")
    for column in columns:
        if column not in dd[splits[0]].column_names:
            raise UserError(f"data.path '{path}': missing column '{column}' (has {dd[splits[0]].column_names})")
    return dd


def load_hub(hub: HubSource, path: str | None, splits: Sequence[str] = ("train", "test"),
             columns: Sequence[str | None] | None = None):
    """The hub dataset at its pinned revision, or a local copy at `path` checked for `splits` (local
    folders may say "validation" for "val") and for `columns` in the first of them (default: the
    hub's image and label columns; None entries are skipped)."""
    if path is None:
        return _from_hub(hub)
    wanted = (hub.image_column, hub.label_column) if columns is None else tuple(c for c in columns if c)
    return _check(_from_folder(path), path, tuple(splits), wanted)


def image_label_arrays(ds, image_column: str, label_column: str) -> tuple[np.ndarray, np.ndarray]:
    """(images as N x C x H x W, int64 labels) of a split whose images are HxW or HxWxC."""
    part = ds.with_format("numpy", columns=[image_column, label_column])[:]  # one batch read, not row by row
    images = np.asarray(part[image_column])
    labels = np.asarray(part[label_column], dtype=np.int64)
    if images.ndim == 3:  # grey images: add the channel axis
        images = images[:, None]
    elif images.ndim == 4:  # HWC -> CHW
        images = images.transpose(0, 3, 1, 2)
    else:
        raise UserError(f"column '{image_column}' has images of shape {images.shape[1:]}; expected HxW or HxWxC")
    return images, labels


def _train_test(hub: HubSource, path: str | None, idx: IdxLayout | None) -> tuple[dict, int | None]:
    """train and test (images, labels) from the first source there is: data.path (IDX files when it
    holds any, else the hub's parquet files or a save_to_disk folder), a system folder of IDX files,
    the hub; and the number of classes when the source declares it."""
    folder = idx.folder(path) if idx is not None else None
    if folder is not None:
        return read_idx_splits(folder, idx.torchvision_name), None
    dd = load_hub(hub, path)
    splits = {s: image_label_arrays(dd[s], hub.image_column, hub.label_column) for s in ("train", "test")}
    label = dd["train"].features[hub.label_column]
    return splits, (label.num_classes if hasattr(label, "num_classes") else None)


def hub_image_splits(hub: HubSource, val_size: int, path: str | None,
                     idx: IdxLayout | None = None) -> tuple[dict, int]:
    """train/val/test (uint8 images, labels) of a hub image classification dataset, and its number of
    classes: val = `holdout` of the train split, test = the test split. With `idx`, IDX files in
    data.path or in a system folder are read instead (see `_train_test`); the arrays, and so the
    fingerprint, do not depend on the source."""
    raw, num_classes = _train_test(hub, path, idx)
    x, y = raw["train"]
    train_idx, val_idx = holdout(len(y), val_size)
    splits = {"train": (x[train_idx], y[train_idx]), "val": (x[val_idx], y[val_idx]), "test": raw["test"]}
    return splits, num_classes or int(y.max()) + 1
