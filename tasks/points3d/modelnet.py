"""ModelNet40 from a local copy of one of its two standard releases (data.path=DIR; no download):

- `modelnet40_normal_resampled` (PointNet++): modelnet40_shape_names.txt, modelnet40_train.txt and
  modelnet40_test.txt list the shapes; <class>/<shape>.txt holds 10,000 "x,y,z,nx,ny,nz" lines. The
  first 1,024 points are kept and centred and scaled into the unit ball (PointNet++'s pc_normalize).
- `modelnet40_ply_hdf5_2048` (PointNet, DGCNN): shape_names.txt and ply_data_{train,test}*.h5 with
  `data` (N, 2048, 3) and `label` (N, 1); the first 1,024 points are kept (already normalised).
  Reading it needs h5py.

val = the last 400 of a fixed permutation (seed 0) of the train shapes; they are not trained on.
Parsed clouds are cached with save_to_disk under a key of DIR and its listing.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from harness.config import DataConfig
from harness.contracts import TaskData
from harness.errors import UserError
from tasks.data.cache import cached_dataset_dict
from tasks.data.splits import holdout

MODELNET_VERSION = "1"
POINTS = 1024
VAL_SIZE = 400
NUM_CLASSES = 40


def _lines(file: Path) -> list[str]:
    return [line.strip() for line in file.read_text().splitlines() if line.strip()]


def _read_resampled(root: Path) -> tuple[list[str], dict[str, tuple[np.ndarray, np.ndarray]]]:
    classes = _lines(root / "modelnet40_shape_names.txt")
    index = {name: i for i, name in enumerate(classes)}
    out = {}
    for split in ("train", "test"):
        listing = root / f"modelnet40_{split}.txt"
        if not listing.is_file():
            raise UserError(f"data.path: missing {listing}")
        clouds, labels = [], []
        for shape in _lines(listing):
            name = shape.rsplit("_", 1)[0]  # "night_stand_0001" -> "night_stand"
            file = root / name / f"{shape}.txt"
            if name not in index or not file.is_file():
                raise UserError(f"data.path: {listing.name} lists '{shape}', but {file} is missing")
            try:
                p = np.loadtxt(file, delimiter=",", usecols=(0, 1, 2), max_rows=POINTS, dtype=np.float32, ndmin=2)
            except ValueError as err:
                raise UserError(f"{file}: not 'x,y,z,nx,ny,nz' lines ({err})") from None
            if len(p) < POINTS:
                raise UserError(f"{file}: {len(p)} points, fewer than {POINTS}")
            p = p - p.mean(axis=0)
            clouds.append(p / np.linalg.norm(p, axis=1).max())
            labels.append(index[name])
        out[split] = (np.stack(clouds), np.asarray(labels, np.int64))
    return classes, out


def _read_hdf5(root: Path) -> tuple[list[str], dict[str, tuple[np.ndarray, np.ndarray]]]:
    try:
        import h5py
    except ImportError:
        raise UserError("data.path: reading modelnet40_ply_hdf5_2048 needs h5py (pip install h5py)") from None
    classes = _lines(root / "shape_names.txt")
    out = {}
    for split in ("train", "test"):
        files = sorted(root.glob(f"ply_data_{split}*.h5"))
        if not files:
            raise UserError(f"data.path: no ply_data_{split}*.h5 files in {root}")
        clouds, labels = [], []
        for file in files:
            with h5py.File(file, "r") as f:
                if "data" not in f or "label" not in f:
                    raise UserError(f"{file}: expected the datasets 'data' and 'label', found {sorted(f)}")
                clouds.append(np.asarray(f["data"][:, :POINTS], np.float32))
                labels.append(np.asarray(f["label"], np.int64).reshape(-1))
        out[split] = (np.concatenate(clouds), np.concatenate(labels))
    return classes, out


def _layout(path: str | None):
    if path is None:
        raise UserError("modelnet40 reads a local copy: pass data.path=DIR, a modelnet40_normal_resampled or "
                        "modelnet40_ply_hdf5_2048 folder")
    root = Path(path).expanduser()
    if (root / "modelnet40_shape_names.txt").is_file():
        return root, _read_resampled, sorted((root / f"modelnet40_{s}.txt").read_text() for s in ("train", "test"))
    if (root / "shape_names.txt").is_file():
        return root, _read_hdf5, sorted(f"{f.name}:{f.stat().st_size}" for f in root.glob("ply_data_*.h5"))
    raise UserError(f"data.path '{path}': neither modelnet40_shape_names.txt (modelnet40_normal_resampled) nor "
                    "shape_names.txt (modelnet40_ply_hdf5_2048) is there")


def _dataset_dict(root: Path, read):
    from datasets import Array2D, ClassLabel, Dataset, DatasetDict, Features

    classes, splits = read(root)
    if len(classes) != NUM_CLASSES:
        raise UserError(f"data.path: {len(classes)} shape names, expected {NUM_CLASSES}")
    x, y = splits["train"]
    train_idx, val_idx = holdout(len(y), VAL_SIZE)
    parts = {"train": train_idx, "val": val_idx}
    features = Features({"points": Array2D((POINTS, 3), "float32"), "label": ClassLabel(names=classes)})
    out = {s: Dataset.from_dict({"points": x[i], "label": y[i]}, features=features) for s, i in parts.items()}
    out["test"] = Dataset.from_dict({"points": splits["test"][0], "label": splits["test"][1]}, features=features)
    return DatasetDict(out)


def build_modelnet40(data_cfg: DataConfig) -> TaskData:
    from tasks.points3d.data import task_data

    root, read, listing = _layout(data_cfg.path)
    key = hashlib.sha256(repr((str(root.resolve()), read.__name__, listing)).encode()).hexdigest()[:16]
    dd = cached_dataset_dict(data_cfg, ("modelnet40", MODELNET_VERSION, key), lambda: _dataset_dict(root, read))
    splits = {}
    for split in ("train", "val", "test"):
        part = dd[split].with_format("numpy")[:]  # one batch read, not row by row
        splits[split] = (np.asarray(part["points"], np.float32).reshape(-1, POINTS, 3),
                         np.asarray(part["label"], np.int64))
    # the files are aligned (no test-time rotation), so augmentation does not rotate (DGCNN's recipe)
    return task_data("modelnet40", splits, NUM_CLASSES, "none", data_cfg)
