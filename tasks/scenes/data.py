"""Scenes for the detection and segmentation families, served as Hugging Face `datasets`.

shapes: scenes from `tasks.shapes.generator`, built once per (generator version, image size) in the
data layer's cache (`tasks.data.cache`). Hub tasks: `tasks.data.hub.load_hub` (the pinned revision,
or a local copy with the hub's columns, `data.path=`), val held out of the hub's train split.

Every split becomes an in-memory `SceneTensors`: images resized to the task's square size, boxes
as [x1, y1, x2, y2] pixels of the resized image, masks resized with nearest neighbours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from harness.config import DataConfig
from harness.contracts import TaskData, TaskInfo
from harness.specs import HubSource
from tasks.data.cache import cached_dataset_dict
from tasks.data.fingerprint import fingerprint
from tasks.data.hub import load_hub
from tasks.data.splits import apply_caps, holdout
from tasks.shapes import CLASSES, GENERATOR_VERSION
from tasks.shapes.generator import render_scene

IGNORE_INDEX = 255  # mask value that no metric and no loss counts
SPLIT_SEEDS = {"train": 0, "val": 1, "test": 2}


@dataclass(frozen=True)
class SceneSource:
    """How one dataset's columns map onto scenes (the hub's own names and conventions)."""

    image_column: str = "image"
    objects_column: str | None = "objects"  # detection: a list of {bbox, category}
    category_key: str = "category"  # the class id's key inside each object (some exports say "categories")
    bbox_format: str = "xywh"  # COCO [x, y, w, h]; "xyxy" for [x1, y1, x2, y2]
    mask_column: str | None = None  # segmentation: a mask image of class ids
    # instance segmentation: an image of instance ids, 0 = none, k + 1 = the k-th entry of objects_column
    instance_column: str | None = None
    mask_offset: int = 0  # stored id - offset = class id; ids below the offset become IGNORE_INDEX
    test_split: str = "test"  # the hub split scored as test (COCO and ADE20K: their validation)


SHAPES_SOURCE = SceneSource(mask_column="segmentation", instance_column="instances")
BOXED = ("detection", "instance-segmentation")  # task kinds whose rows carry boxes and labels


# -- the in-memory dataset ---------------------------------------------------------------------
class SceneTensors:
    """A map-style dataset of resized scenes; `__getitems__` returns a whole batch (see collate)."""

    def __init__(self, pixel_values, image_ids, boxes=None, labels=None, masks=None, instance_maps=None,
                 instance_ids=None) -> None:
        self.pixel_values, self.image_ids = pixel_values, image_ids
        self.boxes, self.labels, self.masks = boxes, labels, masks
        # instance segmentation: one id map per image (N, H, W) and, per image, the id of each box's instance
        self.instance_maps, self.instance_ids = instance_maps, instance_ids

    def __len__(self) -> int:
        return len(self.pixel_values)

    def __getitem__(self, index: int) -> dict[str, Any]:
        return {k: v[0] for k, v in self.__getitems__([index]).items()}

    def __getitems__(self, indices: list[int]) -> dict[str, Any]:
        import torch

        idx = torch.as_tensor(indices, dtype=torch.long)
        batch: dict[str, Any] = {"pixel_values": self.pixel_values[idx], "image_id": self.image_ids[idx]}
        if self.boxes is not None:
            batch["boxes"] = [self.boxes[i] for i in indices]
            batch["labels"] = [self.labels[i] for i in indices]
        if self.masks is not None:
            batch["masks"] = self.masks[idx]
        if self.instance_maps is not None:  # (n_i, H, W) bool per image, in the order of its boxes
            batch["instance_masks"] = [self.instance_maps[i][None] == self.instance_ids[i][:, None, None]
                                       for i in indices]
        return batch


def collate(batch: dict[str, Any]) -> dict[str, Any]:
    """The batch is already collated by `SceneTensors.__getitems__`."""
    return batch


# -- building the shapes cache -------------------------------------------------------------------
def _features():
    from datasets import ClassLabel, Features, Image, List, Value

    obj = {"id": Value("int64"), "bbox": List(Value("float32"), length=4),
           "category": ClassLabel(names=list(CLASSES)), "area": Value("float32")}
    return Features({"image_id": Value("int64"), "image": Image(), "width": Value("int32"),
                     "height": Value("int32"), "objects": List(obj), "segmentation": Image(),
                     "instances": Image()})


def scene_rows(split: str, n: int, size: int, first_id: int = 0) -> dict[str, list]:
    """Columns of n scenes of a split, in the layout the shapes cache and the hub fixtures use."""
    from PIL import Image as PILImage

    rows: dict[str, list] = {k: [] for k in ("image_id", "image", "width", "height", "objects",
                                             "segmentation", "instances")}
    for i in range(n):
        s = render_scene(SPLIT_SEEDS[split], i, size)
        image_id = first_id + i
        rows["image_id"].append(image_id)
        rows["image"].append(PILImage.fromarray(s.image))
        rows["width"].append(size)
        rows["height"].append(size)
        rows["objects"].append([{"id": image_id * 10 + k, "bbox": b.tolist(), "category": int(c), "area": float(a)}
                                for k, (b, c, a) in enumerate(zip(s.boxes, s.categories, s.areas, strict=False))])
        rows["segmentation"].append(PILImage.fromarray(s.semantic))
        rows["instances"].append(PILImage.fromarray(s.instance_map))
    return rows


def load_shapes_splits(data_cfg: DataConfig, sizes: dict[str, int], size: int):
    """The shapes DatasetDict (full split sizes), built on first use and cached with save_to_disk."""

    def make():
        from datasets import Dataset, DatasetDict

        ids = {"train": 0, "val": 1_000_000, "test": 2_000_000}  # image ids unique across splits
        return DatasetDict({s: Dataset.from_dict(scene_rows(s, n, size, ids[s]), features=_features())
                            for s, n in sizes.items()})

    return cached_dataset_dict(data_cfg, ("shapes", f"v{GENERATOR_VERSION}-{size}px"), make)


# -- from rows to tensors --------------------------------------------------------------------------
def _objects(value: Any, category_key: str = "category") -> tuple[np.ndarray, np.ndarray]:
    """(boxes, categories) from a list of {bbox, category} dicts or a dict of lists (both occur on the hub)."""
    if isinstance(value, dict):
        boxes, cats = value.get("bbox", []), value.get(category_key, [])
    else:
        boxes, cats = [o["bbox"] for o in value], [o[category_key] for o in value]
    return np.asarray(boxes, np.float32).reshape(-1, 4), np.asarray(cats, np.int64).reshape(-1)


def _to_xyxy(boxes: np.ndarray, fmt: str) -> np.ndarray:
    if fmt == "xyxy":
        return boxes.copy()
    if fmt == "xywh":
        return np.concatenate([boxes[:, :2], boxes[:, :2] + boxes[:, 2:]], axis=1)
    raise ValueError(f"unknown bbox format {fmt!r}")


def split_tensors(ds, source: SceneSource, size: int, task_kind: str,
                  id_offset: int = 0) -> tuple[SceneTensors, list[np.ndarray]]:
    """The rows of a (capped) split as SceneTensors at size x size, plus the arrays to fingerprint."""
    import torch
    from PIL import Image as PILImage

    images, ids, boxes, labels, masks, instance_ids = [], [], [], [], [], []
    for i, row in enumerate(ds):
        img = row[source.image_column].convert("RGB")
        w, h = img.size
        images.append(np.asarray(img.resize((size, size), PILImage.BILINEAR) if img.size != (size, size) else img))
        ids.append(int(row["image_id"]) if "image_id" in row else i + id_offset)
        if task_kind in BOXED:
            b, c = _objects(row[source.objects_column], source.category_key)
            b = _to_xyxy(b, source.bbox_format) * np.array([size / w, size / h] * 2, np.float32)
            keep = (b[:, 2] > b[:, 0]) & (b[:, 3] > b[:, 1])  # degenerate boxes carry no area to match
            boxes.append(b[keep].clip(0, size))
            labels.append(c[keep])
            instance_ids.append(np.flatnonzero(keep).astype(np.int64) + 1)
        if task_kind == "instance-segmentation":
            m = row[source.instance_column]
            m = np.asarray(m.resize((size, size), PILImage.NEAREST) if m.size != (size, size) else m)
            masks.append(m[..., 0] if m.ndim == 3 else m)
        elif task_kind == "segmentation":
            m = row[source.mask_column]
            m = np.asarray(m.resize((size, size), PILImage.NEAREST) if m.size != (size, size) else m)
            m = m[..., 0] if m.ndim == 3 else m
            m = m.astype(np.int64) - source.mask_offset
            m[(m < 0) | (m >= IGNORE_INDEX)] = IGNORE_INDEX
            masks.append(m)
    x = np.stack(images).transpose(0, 3, 1, 2)
    image_ids = np.asarray(ids, np.int64)
    arrays = [x, image_ids]
    kw: dict[str, Any] = {}
    if task_kind in BOXED:
        kw["boxes"] = [torch.from_numpy(b) for b in boxes]
        kw["labels"] = [torch.from_numpy(c) for c in labels]
        arrays += boxes + labels
    if task_kind == "instance-segmentation":
        kw["instance_maps"] = torch.from_numpy(np.stack(masks).astype(np.int64))
        kw["instance_ids"] = [torch.from_numpy(k) for k in instance_ids]
        arrays.append(np.stack(masks))
    elif task_kind == "segmentation":
        kw["masks"] = torch.from_numpy(np.stack(masks))
        arrays.append(kw["masks"].numpy())
    pixels = torch.from_numpy(x.astype(np.float32) / 255.0)
    return SceneTensors(pixels, torch.from_numpy(image_ids), **kw), arrays


@dataclass(frozen=True)
class SceneTask:
    """What `build_scenes` needs to know about one task."""

    name: str
    family: str  # "detection", "segmentation" or "instance-segmentation"
    size: int  # images are resized to size x size
    num_classes: int  # detection: object classes; segmentation: classes including background
    class_names: Sequence[str]
    protocol: str  # "module:Class" of the family's scoring object


def _task_data(task: SceneTask, splits: dict[str, tuple[SceneTensors, list]]) -> TaskData:
    from harness.specs import resolve

    parts = [a for _, arrays in splits.values() for a in arrays]
    info = TaskInfo(name=task.name, family=task.family, input_shape=(3, task.size, task.size),
                    num_classes=task.num_classes, extra={"class_names": tuple(task.class_names)})
    protocol = resolve(task.protocol)(task.num_classes, task.class_names)
    return TaskData(info=info, train=splits["train"][0], val=splits["val"][0], test=splits["test"][0],
                    fingerprint=fingerprint(*parts), protocol=protocol, collate=collate)


def build_shapes(task: SceneTask, sizes: dict[str, int], data_cfg: DataConfig) -> TaskData:
    dd = load_shapes_splits(data_cfg, sizes, task.size)
    rows = apply_caps({s: dd[s] for s in ("train", "val", "test")}, data_cfg)
    return _task_data(task, {s: split_tensors(ds, SHAPES_SOURCE, task.size, task.family) for s, ds in rows.items()})


def build_hub_scenes(task: SceneTask, hub: HubSource, source: SceneSource, val_size: int,
                     data_cfg: DataConfig) -> TaskData:
    """train/val = `holdout` of the hub's train split; test = source.test_split."""
    dd = load_hub(hub, data_cfg.path, splits=("train", source.test_split),
                  columns=(source.image_column, source.objects_column, source.mask_column,
                           source.instance_column))
    train = dd["train"]
    train_idx, val_idx = holdout(len(train), val_size)
    rows = apply_caps({"train": train.select(train_idx), "val": train.select(val_idx), "test": dd[source.test_split]},
                      data_cfg)
    offsets = {"train": 0, "val": len(train), "test": 2 * len(train)}  # ids of rows without an image_id column
    return _task_data(task, {s: split_tensors(ds, source, task.size, task.family, offsets[s])
                             for s, ds in rows.items()})
