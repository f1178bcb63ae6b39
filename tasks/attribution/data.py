"""Builders of the attribution tasks: test images with ground-truth masks, and the classifier to explain.

The train split trains the task's classifier (tasks/attribution/classifier.py), cached per task
version, setup and training data; the runner sees no training data (explainers do not train). val and test keep
only images the classifier gets right: their first `eval_size` in split order, so an attribution
explains a correct decision and the masks say where that decision's evidence is.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from harness.config import DataConfig
from harness.contracts import TaskData, TaskInfo
from harness.tensordata import TensorDict, collate_batched
from tasks.attribution.classifier import ClassifierSetup, load_or_train
from tasks.data.cache import cache_root
from tasks.data.fingerprint import fingerprint

SPLIT_SEEDS = {"train": 0, "val": 1, "test": 2}
# classifier epochs per profile; its training images are data.train_size
CLASSIFIER_EPOCHS = {"smoke": 3, "default": 10, "full": 10}
# candidates drawn per split: twice eval_size (the default classifiers get over 85% right), and at least
# 64 so that a smoke classifier, right on a fifth of Fashion-MNIST, still leaves images to score
POOL_FACTOR, MIN_POOL = 2, 64


@dataclass(frozen=True)
class Split:
    images: np.ndarray  # (N, C, H, W) uint8
    labels: np.ndarray  # (N,) int64
    masks: np.ndarray  # (N, H, W) bool


def _shapes(data_cfg: DataConfig, split: str, n: int) -> Split:
    from tasks.shapes.deciding import render_deciding_scene

    rows = [render_deciding_scene(SPLIT_SEEDS[split], i) for i in range(n)]
    return Split(np.stack([r[0] for r in rows]).transpose(0, 3, 1, 2), np.array([r[1] for r in rows], np.int64),
                 np.stack([r[2] for r in rows]))


def _pixels(images: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(images.astype(np.float32) / 255.0)


@torch.no_grad()
def _correct(classifier: torch.nn.Module, split: Split, keep: int) -> Split:
    """The first `keep` images of the split that the classifier labels correctly."""
    preds = torch.cat([classifier(x).argmax(1) for x in _pixels(split.images).split(256)]).numpy()
    idx = np.flatnonzero(preds == split.labels)[:keep]
    return Split(split.images[idx], split.labels[idx], split.masks[idx])


def _tensors(split: Split) -> TensorDict:
    return TensorDict(pixel_values=_pixels(split.images), labels=torch.from_numpy(split.labels),
                      masks=torch.from_numpy(split.masks))


@dataclass(frozen=True)
class AttributionSource:
    """One attribution task's data: `load(data_cfg, split, n)` gives a split's first n images, labels and masks."""

    name: str
    version: str
    input_shape: tuple[int, int, int]
    class_names: tuple[str, ...]
    load: Callable[[DataConfig, str, int], Split]


def build(source: AttributionSource, data_cfg: DataConfig, profile: str) -> TaskData:
    from tasks.attribution.protocol import AttributionProtocol

    setup = ClassifierSetup(train_size=data_cfg.train_size or 4000, epochs=CLASSIFIER_EPOCHS[profile])
    eval_size = data_cfg.eval_size or 256
    train = source.load(data_cfg, "train", setup.train_size)
    # named by its training data's fingerprint too: a local copy (data.path) never reuses another's classifier
    data_hash = fingerprint(train.images, train.labels)
    name = f"{source.name}-v{source.version}-{setup.tag()}-{data_hash}.safetensors"
    path = cache_root(data_cfg) / "attribution" / name
    classifier, digest = load_or_train(path, _pixels(train.images), torch.from_numpy(train.labels),
                                       len(source.class_names), setup)
    pool = max(POOL_FACTOR * eval_size, MIN_POOL)
    val, test = (_correct(classifier, source.load(data_cfg, s, pool), eval_size) for s in ("val", "test"))
    arrays = [a for s in (train, val, test) for a in (s.images, s.labels, s.masks)]
    info = TaskInfo(name=source.name, family="attribution", input_shape=source.input_shape,
                    num_classes=len(source.class_names), extra={"class_names": source.class_names})
    empty = TensorDict(pixel_values=torch.zeros(0, *source.input_shape), labels=torch.zeros(0, dtype=torch.long))
    return TaskData(info=info, train=empty, val=_tensors(val), test=_tensors(test),
                    fingerprint=f"{fingerprint(*arrays)}-clf{digest}",
                    protocol=AttributionProtocol(classifier), collate=collate_batched)


def shapes_source(version: str) -> AttributionSource:
    from tasks.shapes import CLASSES

    return AttributionSource("shapes-attribution", version, (3, 64, 64), CLASSES, _shapes)


@functools.cache
def _fashion_arrays(path: str | None) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The fashion-mnist task's split (IDX files or the hub), decoded once per process."""
    from tasks.generative.data import fashion_mnist_splits

    return fashion_mnist_splits(DataConfig(path=path))


def _fashion(data_cfg: DataConfig, split: str, n: int) -> Split:
    """Fashion-MNIST's articles; the mask is the article's silhouette: its non-zero pixels (the
    background is exactly 0) with enclosed holes filled."""
    from scipy.ndimage import binary_fill_holes

    images, labels = (a[:n] for a in _fashion_arrays(data_cfg.path)[split])
    pixels = np.rint(images * 255).astype(np.uint8)  # the IDX bytes again
    masks = np.stack([binary_fill_holes(p[0] > 0) for p in pixels])
    return Split(pixels, labels, masks)


def fashion_source(version: str) -> AttributionSource:
    names = ("t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle-boot")
    return AttributionSource("fashion-mnist-attribution", version, (1, 28, 28), names, _fashion)
