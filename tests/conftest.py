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


def _learnable_image(rng, shape: tuple[int, ...], label: int) -> np.ndarray:
    """A grey square whose brightness says the label, somewhere on a black background (a silhouette)."""
    image = np.zeros(shape, np.uint8)
    y, x = rng.integers(0, shape[0] - 8), rng.integers(0, shape[1] - 8)
    image[y:y + 8, x:x + 8] = 30 + 22 * label
    return image


def write_hub_fixture(root: Path, hub, shape: tuple[int, ...], n_train: int = 40, n_test: int = 24,
                      learnable: bool = False) -> Path:
    """A tiny dataset in the hub's parquet layout and columns (image as PNG bytes, ClassLabel). Pixels are
    noise, or with `learnable` a square whose brightness a small classifier learns (attribution tasks
    score only images their classifier gets right)."""
    from datasets import ClassLabel, Dataset, Features, Image
    from PIL import Image as PILImage

    rng = np.random.default_rng(0)
    features = Features({hub.image_column: Image(), hub.label_column: ClassLabel(names=[str(i) for i in range(10)])})
    subdir = root / "data"
    subdir.mkdir(parents=True, exist_ok=True)
    for split, n in (("train", n_train), ("test", n_test)):
        labels = np.arange(n) % 10
        images = [PILImage.fromarray(_learnable_image(rng, shape, int(label)) if learnable else
                                     rng.integers(0, 256, size=shape, dtype=np.uint8)) for label in labels]
        ds = Dataset.from_dict({hub.image_column: images, hub.label_column: labels.tolist()}, features=features)
        ds.to_parquet(str(subdir / f"{split}-00000-of-00001.parquet"))
    return root


TEXT_WORDS = ["good", "bad", "film", "movie", "great", "awful", "plot", "acting", "terrible", "wonderful",
              "boring", "story", "cast", "ending", "scene"]
TEXT_SUBDIR = {"imdb": "plain_text", "sst2": "data", "ag-news": "data"}  # where the hub keeps each one's parquet files


def _write_text_fixture(root: Path, name: str, n_train: int = 60, n_test: int = 20, text_column: str | None = None,
                       test_labels: list[int] | None = None) -> Path:
    """A tiny copy of a hub text dataset: its split files, its text column, a ClassLabel label column."""
    from datasets import ClassLabel, Dataset, Features, Value

    from tasks.sequence.text import TEXT_TASKS

    task = TEXT_TASKS[name]
    column = text_column or task.text_column
    features = Features({column: Value("string"), task.label_column: ClassLabel(num_classes=task.num_classes)})
    rng = np.random.default_rng(0)
    (root / TEXT_SUBDIR[name]).mkdir(parents=True, exist_ok=True)
    for split, n in ((task.train_split, n_train), (task.test_split, n_test)):
        texts = [" ".join(rng.choice(TEXT_WORDS, rng.integers(3, 30))) + f" #{split}{i}" for i in range(n)]
        labels = test_labels if split == task.test_split and test_labels else (np.arange(n) % task.num_classes)
        Dataset.from_dict({column: texts, task.label_column: list(labels)}, features=features).to_parquet(
            str(root / TEXT_SUBDIR[name] / f"{split}-00000-of-00001.parquet"))
    return root


@pytest.fixture
def write_text_fixture():
    """`write_text_fixture(root, name, ...)`: a fixture, not an import, because `from conftest import` finds
    whichever conftest.py pytest put first on sys.path (tests/leaderboard has its own)."""
    return _write_text_fixture


def write_scene_fixture(root: Path, task, n_train: int = 30, n_val: int = 13) -> Path:
    """A tiny detection or segmentation dataset in the hub's parquet layout and columns, drawn by the
    shapes generator: COCO-style objects with [x1, y1, x2, y2] boxes (detection-datasets/coco), an
    image and an `annotation` mask whose id 0 means "other" (ADE20K), or an `annotations` image of
    instance ids with objects {bbox [x, y, w, h], categories} (NaiveDev/coco-2017-instance)."""
    from datasets import ClassLabel, Dataset, Features, Image, List, Value

    from tasks.scenes.data import scene_rows

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
        elif task.family == "instance-segmentation":  # NaiveDev/coco-2017-instance: an instance-id image
            obj = {"bbox": List(List(Value("float32"), length=4)), "categories": List(ClassLabel(num_classes=80))}
            features = Features({"image": Image(), "annotations": Image(), "objects": obj})
            objects = [{"bbox": [o["bbox"] for o in objs], "categories": [o["category"] for o in objs]}
                       for objs in rows["objects"]]
            data = {"image": rows["image"], "annotations": rows["instances"], "objects": objects}
        else:
            features = Features({"image": Image(), "annotation": Image()})
            data = {"image": rows["image"], "annotation": rows["segmentation"]}
        Dataset.from_dict(data, features=features).to_parquet(str(subdir / f"{split}-00000-of-00001.parquet"))
    return root


def write_caption_fixture(root: Path, hub, n: int = 12) -> Path:
    """A tiny Flickr30k in the layout of the hub's parquet export: one 'test' split holding every
    image, the Karpathy split in a `split` column, five captions per image in `caption`."""
    from datasets import Dataset, Features, Image, List, Value
    from PIL import Image as PILImage

    rng = np.random.default_rng(1)
    splits = ["train", "val", "test"] * (n // 3)
    rows = {hub.image_column: [PILImage.fromarray(rng.integers(0, 256, size=(40 + i, 56, 3), dtype=np.uint8))
                               for i in range(n)],
            hub.label_column: [[f"photo {i}, caption {k}" for k in range(5)] for i in range(n)],
            "sentids": [[str(5 * i + k) for k in range(5)] for i in range(n)],
            "split": splits, "img_id": [str(i) for i in range(n)], "filename": [f"{i}.jpg" for i in range(n)]}
    features = Features({hub.image_column: Image(), hub.label_column: List(Value("string")),
                         "sentids": List(Value("string")), "split": Value("string"), "img_id": Value("string"),
                         "filename": Value("string")})
    (root / "data").mkdir(parents=True, exist_ok=True)
    Dataset.from_dict(rows, features=features).to_parquet(str(root / "data" / "test-00000-of-00001.parquet"))
    return root


def write_ucf101_fixture(root: Path, n_classes: int = 101, frames: int = 12) -> Path:
    """A tiny UCF101 in the release's layout: ucfTrainTestlist/ naming 101 classes, and videos of three
    of them as folders of JPEG frames (the rawframes layout, which needs no video decoder); groups 08
    and 09 train, 25 the val hold-out, 01 and 02 test."""
    from PIL import Image as PILImage

    rng = np.random.default_rng(2)
    names = [f"Action{i:03d}" for i in range(n_classes)]
    lists = root / "ucfTrainTestlist"
    lists.mkdir(parents=True, exist_ok=True)
    (lists / "classInd.txt").write_text("".join(f"{i + 1} {n}\n" for i, n in enumerate(names)))
    train, test = [], []
    for c, name in enumerate(names[:3]):
        for group in ("g08", "g09", "g25", "g01", "g02"):
            entry = f"{name}/v_{name}_{group}_c01.avi"
            if group in ("g01", "g02"):
                test.append(entry)  # the test list gives no label: the class folder does
            else:
                train.append(f"{entry} {c + 1}")
            folder = root / "UCF-101" / name / f"v_{name}_{group}_c01"
            folder.mkdir(parents=True, exist_ok=True)
            for t in range(frames):
                frame = rng.integers(0, 256, size=(30, 40, 3), dtype=np.uint8)
                PILImage.fromarray(frame).save(folder / f"img_{t:05d}.jpg")
    (lists / "trainlist01.txt").write_text("\n".join(train) + "\n")
    (lists / "testlist01.txt").write_text("\n".join(test) + "\n")
    return root


def write_modelnet_fixture(root: Path, n_train: int = 20, n_test: int = 6) -> Path:
    """A tiny modelnet40_normal_resampled: 40 shape names (one with an underscore, as night_stand),
    shapes of three classes as 'x,y,z,nx,ny,nz' text files of 1,100 points."""
    rng = np.random.default_rng(3)
    names = ["night_stand"] + [f"class{i:02d}" for i in range(1, 40)]
    root.mkdir(parents=True, exist_ok=True)
    (root / "modelnet40_shape_names.txt").write_text("\n".join(names) + "\n")
    for split, n, first in (("train", n_train, 1), ("test", n_test, 500)):
        shapes = []
        for i in range(n):
            name = names[i % 3]
            shapes.append(f"{name}_{first + i:04d}")
            (root / name).mkdir(exist_ok=True)
            np.savetxt(root / name / f"{shapes[-1]}.txt", rng.normal(size=(1100, 6)), delimiter=",", fmt="%.5f")
        (root / f"modelnet40_{split}.txt").write_text("\n".join(shapes) + "\n")
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
        if task.hub is not None and task.family in ("detection", "segmentation", "instance-segmentation"):
            out[name] = write_scene_fixture(tmp_path_factory.mktemp(name), task)
        elif task.hub is not None and task.family == "sequence":  # text: parquet files of strings and labels
            out[name] = _write_text_fixture(tmp_path_factory.mktemp(name), name)
        elif task.hub is not None and task.hub.label_column == "caption":
            out[name] = write_caption_fixture(tmp_path_factory.mktemp(name), task.hub)
        elif task.hub is not None and task.family == "attribution":
            out[name] = write_hub_fixture(tmp_path_factory.mktemp(name), task.hub, task.input_shape[1:], n_train=400,
                                          n_test=80, learnable=True)
        elif task.hub is not None:
            c, h, w = task.input_shape
            shape = (h, w) if c == 1 else (h, w, c)
            out[name] = write_hub_fixture(tmp_path_factory.mktemp(name), task.hub, shape)
        elif name == "ucf101":  # local copies of the standard files (no hub source)
            out[name] = write_ucf101_fixture(tmp_path_factory.mktemp(name))
        elif name == "modelnet40":
            out[name] = write_modelnet_fixture(tmp_path_factory.mktemp(name))
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


# Metrics no rescoring hook gives back, each with why (the paired tests leave them to Welch's t-test over
# seeds); metrics marked `reference` (no method in them) are never rescored either
NOT_RESCORED: dict[str, str] = {}  # none today: video's `views` became a reference metric


def _read_columns(path: Path) -> dict[str, np.ndarray]:
    """A per_example.parquet file's columns as the paired tests read them (leaderboard.per_example.columns_for):
    pyarrow's numpy arrays, list columns as object arrays of arrays."""
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    return {name: table.column(name).to_numpy() for name in table.column_names}


def _check_rescoring(spec, metrics: dict[str, float], path: Path) -> None:
    """The task's hooks (TaskSpec.example_scores / set_scores) give back `metrics` from the per-example file
    at `path`, every metric but the reference ones and NOT_RESCORED from exactly one hook, and finite values
    inside each metric's declared range on a resample of the rows with repeats."""
    columns = _read_columns(path)
    n = len(columns["example_id"])
    per_example = spec.example_scores(columns) if spec.example_scores else {}
    whole = spec.set_scores(columns, np.arange(n)) if spec.set_scores else {}
    assert not set(per_example) & set(whole), "a metric rescored by both hooks"
    expected = {m.name for m in spec.metrics if not m.reference and m.name not in NOT_RESCORED}
    assert set(per_example) | set(whole) == expected
    rows = np.random.default_rng(0).integers(0, n, size=n)
    resampled = spec.set_scores(columns, rows) if spec.set_scores else {}
    ranges = {m.name: m.range for m in spec.metrics}
    for name, values in per_example.items():  # float32 metrics (torchmetrics) agree to about 1e-7
        assert np.shape(values) == (n,) and np.mean(values) == pytest.approx(metrics[name], abs=1e-6), name
        assert np.all((ranges[name][0] <= values) & (values <= ranges[name][1])), name
    for name, value in whole.items():
        assert value == pytest.approx(metrics[name], abs=1e-6), name
        assert np.isfinite(resampled[name]) and ranges[name][0] <= resampled[name] <= ranges[name][1], name


@pytest.fixture
def check_rescoring():
    """`check_rescoring(spec, metrics, parquet_path)`: a fixture, not an import (see write_text_fixture)."""
    return _check_rescoring
