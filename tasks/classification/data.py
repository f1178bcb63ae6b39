"""Datasets of the classification family as in-memory tensors: digits (embedded, `tasks.data.digits`)
and the hub tasks (`tasks.data.hub`: the pinned revision, a local copy or IDX files, val held out of train)."""

from __future__ import annotations

import numpy as np

from harness.config import DataConfig
from harness.contracts import TaskData, TaskInfo
from harness.specs import HubSource
from tasks.data.digits import load_digits_splits
from tasks.data.fingerprint import fingerprint
from tasks.data.hub import hub_image_splits, image_label_arrays
from tasks.data.idx import IdxLayout
from tasks.data.splits import apply_caps


def _to_task_data(name: str, splits: dict[str, tuple[np.ndarray, np.ndarray]], scale: float,
                  num_classes: int, data_cfg: DataConfig) -> TaskData:
    import torch

    from harness.tensordata import TensorDict, collate_batched
    from tasks.classification.protocol import ClassificationProtocol

    capped = apply_caps(splits, data_cfg)
    tensors = {split: TensorDict(pixel_values=torch.from_numpy(x.astype(np.float32) / scale),
                                 labels=torch.from_numpy(y)) for split, (x, y) in capped.items()}
    x0 = splits["train"][0]
    info = TaskInfo(name=name, family="classification", input_shape=tuple(x0.shape[1:]), num_classes=num_classes)
    return TaskData(info=info, train=tensors["train"], val=tensors["val"], test=tensors["test"],
                    fingerprint=fingerprint(*(a for pair in capped.values() for a in pair)),
                    protocol=ClassificationProtocol(num_classes), collate=collate_batched)


def build_digits(data_cfg: DataConfig, profile: str) -> TaskData:
    dd = load_digits_splits(data_cfg)
    splits = {s: image_label_arrays(dd[s], "image", "label") for s in ("train", "val", "test")}
    return _to_task_data("digits", splits, 16.0, 10, data_cfg)


def build_hub(name: str, hub: HubSource, val_size: int, data_cfg: DataConfig,
              idx: IdxLayout | None = None) -> TaskData:
    splits, num_classes = hub_image_splits(hub, val_size, data_cfg.path, idx)
    return _to_task_data(name, splits, 255.0, num_classes, data_cfg)
