"""Datasets of the generative family, served as Hugging Face `datasets` (cached on disk) and
turned into in-memory tensors with pixels in [0, 1]."""

from __future__ import annotations

import numpy as np
import torch

from harness.config import DataConfig
from harness.contracts import TaskData, TaskInfo
from tasks.data.cache import cache_root, cached_dataset_dict
from tasks.data.digits import load_digits_splits
from tasks.data.fingerprint import fingerprint
from tasks.data.splits import apply_caps
from tasks.generative.reference import WHOLE_SPLIT, ReferenceSetup
from tasks.shapes import CLASSES, OBJECT_VERSION
from tasks.shapes.generator import render_object

SHAPES_GEN_SPLITS = {"train": (3000, 11), "val": (400, 12), "test": (400, 13)}  # size, seed
FASHION_MNIST_VAL = 5000  # as the fashion-mnist classification task
# the reference CNN trains on the first 10,000 training images for 4 epochs (not all 55,000 for 12:
# over an hour on 2 CPU cores); built once per machine and cached like the others
FASHION_MNIST_REFERENCE = ReferenceSetup(train_size=10000, epochs=4)


def digits_gen_splits(data_cfg: DataConfig) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The digits task's exact split, 8x8 (0..16) upsampled bilinearly to 16x16 in [0, 1]."""
    import torch.nn.functional as F

    dd = load_digits_splits(data_cfg)
    out = {}
    for split in ("train", "val", "test"):
        part = dd[split].with_format("numpy")[:]  # one batch read: indexing a column walks it row by row
        x = torch.from_numpy(np.asarray(part["image"], np.float32) / 16.0)[:, None]
        x = F.interpolate(x, size=16, mode="bilinear", align_corners=False).clamp(0, 1)
        out[split] = (x.numpy(), np.asarray(part["label"], np.int64))
    return out


def fashion_mnist_splits(data_cfg: DataConfig) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The fashion-mnist classification task's exact split (IDX files or the hub; 5,000 of train held
    out), 28x28 grey in [0, 1]: the generative and self-supervised tasks on Fashion-MNIST share it."""
    from tasks.classification import FASHION_MNIST_HUB, FASHION_MNIST_IDX
    from tasks.data.hub import hub_image_splits

    splits, _ = hub_image_splits(FASHION_MNIST_HUB, FASHION_MNIST_VAL, data_cfg.path, FASHION_MNIST_IDX)
    return {s: (x.astype(np.float32) / 255.0, y) for s, (x, y) in splits.items()}


def _shapes_gen_dataset_dict():
    from datasets import Array3D, ClassLabel, Dataset, DatasetDict, Features

    features = Features({"image": Array3D((32, 32, 3), "uint8"), "label": ClassLabel(names=list(CLASSES))})
    splits = {}
    for split, (n, seed) in SHAPES_GEN_SPLITS.items():
        images, labels = zip(*(render_object(seed, i, 32) for i in range(n)), strict=True)
        splits[split] = Dataset.from_dict({"image": np.stack(images), "label": list(labels)}, features=features)
    return DatasetDict(splits)


def shapes_gen_splits(data_cfg: DataConfig) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    dd = cached_dataset_dict(data_cfg, ("shapes-gen", OBJECT_VERSION), _shapes_gen_dataset_dict)
    out = {}
    for split in ("train", "val", "test"):
        part = dd[split].with_format("numpy")[:]  # one batch read: indexing a column walks it row by row
        x = np.asarray(part["image"], np.float32).transpose(0, 3, 1, 2) / 255.0
        out[split] = (x, np.asarray(part["label"], np.int64))
    return out


def _task_data(name: str, splits: dict[str, tuple[np.ndarray, np.ndarray]], num_classes: int,
               data_cfg: DataConfig, metrics, setup: ReferenceSetup = WHOLE_SPLIT) -> TaskData:
    from harness.tensordata import TensorDict, collate_batched
    from tasks.generative.metrics import frechet_distance
    from tasks.generative.protocol import GenerativeProtocol
    from tasks.generative.reference import load_or_train

    full = {s: (torch.from_numpy(x), torch.from_numpy(y)) for s, (x, y) in splits.items()}
    # the reference network sees the whole train split (or the setup's fixed prefix), whatever the profile's caps
    data_hash = fingerprint(*(a for pair in splits.values() for a in pair))
    cached = cache_root(data_cfg) / "gen-reference" / f"{name}-{data_hash}{setup.tag()}.safetensors"
    reference, ref_hash = load_or_train(cached, *full["train"], num_classes, setup)
    features, feature_tag = reference, f"ref{ref_hash}"
    if metrics.inception_weights:
        from tasks.generative.inception import load_inception

        features, inception_hash = load_inception(metrics.inception_weights)
        feature_tag = f"inception{inception_hash}"
    capped = apply_caps(full, data_cfg)
    tensors = {s: TensorDict(pixel_values=x, labels=y) for s, (x, y) in capped.items()}
    with torch.no_grad():
        floor = frechet_distance(features(tensors["val"].tensors["pixel_values"]),
                                 features(tensors["test"].tensors["pixel_values"]))
    used = [t.numpy() for pair in capped.values() for t in pair]
    info = TaskInfo(name=name, family="generative", input_shape=tuple(full["train"][0].shape[1:]),
                    num_classes=num_classes)
    # the feature network is part of the fingerprint: FDs in different feature spaces never meet
    return TaskData(info=info, train=tensors["train"], val=tensors["val"], test=tensors["test"],
                    fingerprint=f"{fingerprint(*used)}-{feature_tag}",
                    protocol=GenerativeProtocol(reference, floor, num_classes, features=features),
                    collate=collate_batched)


BUILDERS = {
    "digits-gen": lambda data_cfg, metrics: _task_data("digits-gen", digits_gen_splits(data_cfg), 10, data_cfg,
                                                       metrics),
    "shapes-gen": lambda data_cfg, metrics: _task_data("shapes-gen", shapes_gen_splits(data_cfg), len(CLASSES),
                                                       data_cfg, metrics),
    "fashion-mnist-gen": lambda data_cfg, metrics: _task_data("fashion-mnist-gen", fashion_mnist_splits(data_cfg),
                                                              10, data_cfg, metrics, FASHION_MNIST_REFERENCE),
}
