"""The embedded digits dataset (scikit-learn's 1,797 8x8 images), one fixed split shared by the
classification (digits), generative (digits-gen) and self-supervised (digits-ssl) families; built
once and cached with save_to_disk."""

from __future__ import annotations

import numpy as np

from harness.config import DataConfig
from tasks.data.cache import cached_dataset_dict

DIGITS_VERSION = "1"  # bump with any change to the split below (and the versions of the tasks using it)


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


def load_digits_splits(data_cfg: DataConfig):
    """The digits DatasetDict (train 1,078, val 360, test 359), built on first use and cached."""
    return cached_dataset_dict(data_cfg, ("digits", DIGITS_VERSION), _digits_dataset_dict)
