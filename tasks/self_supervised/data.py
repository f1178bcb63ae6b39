"""Datasets of the self-supervised family: the generative family's digits (16x16), single shapes
(32x32) and Fashion-MNIST (28x28, IDX files or the hub), and CIFAR-10 from the hub, as in-memory
tensors with pixels in [0, 1].

Labels travel with every split because the task's evaluation needs them (probe and kNN); the
protocol hands them to a method only when the method declares the `supervised` objective.
"""

from __future__ import annotations

import numpy as np
import torch

from harness.config import DataConfig
from harness.contracts import TaskData, TaskInfo
from tasks.data.fingerprint import fingerprint
from tasks.data.hub import hub_image_splits
from tasks.data.splits import apply_caps
from tasks.generative.data import digits_gen_splits, fashion_mnist_splits, shapes_gen_splits

CIFAR10_VAL = 5000


def _task_data(name: str, splits: dict[str, tuple[np.ndarray, np.ndarray]], num_classes: int,
               data_cfg: DataConfig) -> TaskData:
    from harness.tensordata import TensorDict, collate_batched
    from tasks.self_supervised.protocol import SSLProtocol

    capped = apply_caps(splits, data_cfg)
    parts = [a for pair in capped.values() for a in pair]
    tensors = {split: TensorDict(pixel_values=torch.from_numpy(np.ascontiguousarray(x, np.float32)),
                                 labels=torch.from_numpy(y)) for split, (x, y) in capped.items()}
    info = TaskInfo(name=name, family="self-supervised", input_shape=tuple(splits["train"][0].shape[1:]),
                    num_classes=num_classes)
    return TaskData(info=info, train=tensors["train"], val=tensors["val"], test=tensors["test"],
                    fingerprint=fingerprint(*parts), protocol=SSLProtocol(tensors["train"], num_classes),
                    collate=collate_batched)


def _cifar10(data_cfg: DataConfig) -> TaskData:
    from tasks.classification import CIFAR10_HUB

    splits, num_classes = hub_image_splits(CIFAR10_HUB, CIFAR10_VAL, data_cfg.path)
    scaled = {s: (x.astype(np.float32) / 255.0, y) for s, (x, y) in splits.items()}
    return _task_data("cifar10-ssl", scaled, num_classes, data_cfg)


def _fashion_mnist(data_cfg: DataConfig) -> TaskData:
    """The fashion-mnist task's exact split (28x28, not resized), pixels in [0, 1]."""
    splits = fashion_mnist_splits(data_cfg)
    return _task_data("fashion-mnist-ssl", splits, 10, data_cfg)


BUILDERS = {
    "digits-ssl": lambda data_cfg: _task_data("digits-ssl", digits_gen_splits(data_cfg), 10, data_cfg),
    "shapes-ssl": lambda data_cfg: _task_data("shapes-ssl", shapes_gen_splits(data_cfg), 4, data_cfg),
    "cifar10-ssl": _cifar10,
    "fashion-mnist-ssl": _fashion_mnist,
}
