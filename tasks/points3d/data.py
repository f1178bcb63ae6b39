"""primitives-3d (up-axis and SO(3) variants): rendered once per (variant, version), cached as a Hugging
Face dataset with save_to_disk, served as in-memory float tensors under the key `points`."""

from __future__ import annotations

import numpy as np
import torch

from harness.config import DataConfig
from harness.contracts import TaskData, TaskInfo
from tasks.data.cache import cached_dataset_dict
from tasks.data.fingerprint import fingerprint
from tasks.data.splits import apply_caps, capped_sizes
from tasks.points3d import CLASSES, GENERATOR_VERSION
from tasks.points3d.generator import render_cloud

POINTS = 1024
SPLITS = {"train": (4000, 31), "val": (400, 32), "test": (800, 33)}  # size, seed


def _dataset_dict(rotation: str, sizes: dict[str, int]):
    from datasets import Array2D, ClassLabel, Dataset, DatasetDict, Features

    features = Features({"points": Array2D((POINTS, 3), "float32"), "label": ClassLabel(names=list(CLASSES))})
    splits = {}
    for split, (_, seed) in SPLITS.items():
        clouds, labels = zip(*(render_cloud(seed, i, POINTS, rotation) for i in range(sizes[split])), strict=True)
        splits[split] = Dataset.from_dict({"points": np.stack(clouds), "label": list(labels)}, features=features)
    return DatasetDict(splits)


def task_data(name: str, splits: dict[str, tuple[np.ndarray, np.ndarray]], num_classes: int, rotation: str,
              data_cfg: DataConfig) -> TaskData:
    """float32 (N, P, 3) clouds per split -> TaskData; the caps are applied here."""
    from harness.tensordata import TensorDict, collate_batched
    from tasks.points3d.protocol import PointCloudProtocol

    capped = apply_caps(splits, data_cfg)
    used = [a for pair in capped.values() for a in pair]
    parts = {split: TensorDict(points=torch.from_numpy(np.ascontiguousarray(x, np.float32)),
                               labels=torch.from_numpy(y.astype(np.int64))) for split, (x, y) in capped.items()}
    # the test rotations tell a method which augmentation matches them (about the up axis, or any)
    info = TaskInfo(name=name, family="points3d", input_shape=tuple(splits["train"][0].shape[1:]),
                    num_classes=num_classes, extra={"rotation": rotation, "up_axis": 1})
    return TaskData(info=info, train=parts["train"], val=parts["val"], test=parts["test"],
                    fingerprint=fingerprint(*used), protocol=PointCloudProtocol(num_classes), collate=collate_batched)


def build_primitives(name: str, rotation: str, data_cfg: DataConfig) -> TaskData:
    # cloud i depends only on (seed, i): a capped split is a prefix of the full one, and only it is rendered
    sizes = capped_sizes({split: n for split, (n, _) in SPLITS.items()}, data_cfg)
    key = "-".join(str(n) for n in sizes.values())
    dd = cached_dataset_dict(data_cfg, ("primitives-3d", GENERATOR_VERSION, rotation, key),
                             lambda: _dataset_dict(rotation, sizes))
    splits = {}
    for split in ("train", "val", "test"):
        part = dd[split].with_format("numpy")[:]  # one batch read, not row by row
        splits[split] = (np.asarray(part["points"], np.float32), np.asarray(part["label"], np.int64))
    return task_data(name, splits, len(CLASSES), rotation, data_cfg)
