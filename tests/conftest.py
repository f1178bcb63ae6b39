"""Shared fixtures: an isolated data cache, hub-format parquet fixtures, smoke-run helpers."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the hub is unreachable here; fail fast, never hang
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")


@pytest.fixture(scope="session", autouse=True)
def _isolated_cache(tmp_path_factory) -> Path:
    cache = tmp_path_factory.mktemp("dlbench-cache")
    os.environ["DLBENCH_CACHE"] = str(cache)
    return cache


def write_hub_fixture(root: Path, hub, shape: tuple[int, ...], n_train: int = 40, n_test: int = 24) -> Path:
    """A tiny dataset in the hub's parquet layout and columns (image as PNG bytes, ClassLabel)."""
    from datasets import ClassLabel, Dataset, Features, Image
    from PIL import Image as PILImage

    rng = np.random.default_rng(0)
    features = Features({hub.image_column: Image(), hub.label_column: ClassLabel(names=[str(i) for i in range(10)])})
    subdir = root / "data"
    subdir.mkdir(parents=True, exist_ok=True)
    for split, n in (("train", n_train), ("test", n_test)):
        labels = np.arange(n) % 10
        images = [PILImage.fromarray(rng.integers(0, 256, size=shape, dtype=np.uint8)) for _ in range(n)]
        ds = Dataset.from_dict({hub.image_column: images, hub.label_column: labels.tolist()}, features=features)
        ds.to_parquet(str(subdir / f"{split}-00000-of-00001.parquet"))
    return root


def write_scene_fixture(root: Path, task, n_train: int = 30, n_val: int = 13) -> Path:
    """A tiny detection or segmentation dataset in the hub's parquet layout and columns, drawn by the
    shapes generator: COCO-style objects with [x1, y1, x2, y2] boxes (detection-datasets/coco), or an
    image and an `annotation` mask whose id 0 means "other" (ADE20K)."""
    from datasets import ClassLabel, Dataset, Features, Image, List, Value

    from tasks.detection.data import scene_rows

    subdir = root / "data"
    subdir.mkdir(parents=True, exist_ok=True)
    for split, n in (("train", n_train), ("val", n_val)):
        rows = scene_rows("train" if split == "train" else "test", n, 48, first_id=100 if split == "val" else 0)
        if task.family == "detection":
            objects = [[{"bbox_id": o["id"], "category": o["category"], "area": o["area"],
                         "bbox": [o["bbox"][0], o["bbox"][1], o["bbox"][0] + o["bbox"][2], o["bbox"][1] + o["bbox"][3]]}
                        for o in objs] for objs in rows["objects"]]
            obj = {"bbox_id": Value("int64"), "category": ClassLabel(num_classes=task.num_classes),
                   "bbox": List(Value("float32"), length=4), "area": Value("float32")}
            features = Features({"image_id": Value("int64"), "image": Image(), "width": Value("int32"),
                                 "height": Value("int32"), "objects": List(obj)})
            data = {k: rows[k] for k in ("image_id", "image", "width", "height")} | {"objects": objects}
        else:
            features = Features({"image": Image(), "annotation": Image()})
            data = {"image": rows["image"], "annotation": rows["segmentation"]}
        Dataset.from_dict(data, features=features).to_parquet(str(subdir / f"{split}-00000-of-00001.parquet"))
    return root


@pytest.fixture(scope="session")
def hub_fixture_writer():
    """`write_hub_fixture` for tests that need a fixture with other columns (conftest is not importable)."""
    return write_hub_fixture


@pytest.fixture(scope="session")
def hub_fixtures(tmp_path_factory) -> dict[str, Path]:
    """data.path for every registered task that reads from the hub."""
    from harness import registry

    out = {}
    for name, task in registry.tasks().items():
        if task.hub is not None and task.family in ("detection", "segmentation"):
            out[name] = write_scene_fixture(tmp_path_factory.mktemp(name), task)
        elif task.hub is not None:
            c, h, w = task.input_shape
            shape = (h, w) if c == 1 else (h, w, c)
            out[name] = write_hub_fixture(tmp_path_factory.mktemp(name), task.hub, shape)
    return out


@pytest.fixture
def smoke_args(tmp_path, hub_fixtures):
    """Arguments for a smoke run of (task, method) writing under tmp_path."""

    def make(task: str, method: str, *extra: str) -> list[str]:
        args = [f"task={task}", f"method={method}", "profile=smoke", f"output_dir={tmp_path / 'runs'}"]
        if task in hub_fixtures:
            args.append(f"data.path={hub_fixtures[task]}")
        return args + list(extra)

    return make
