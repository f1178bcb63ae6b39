"""UCF101 split 1 from a local copy of the standard release (data.path=DIR; there is no download).

DIR holds `ucfTrainTestlist/` (classInd.txt, trainlist01.txt, testlist01.txt) and the videos as
listed there, under `UCF-101/` or DIR itself: either the released .avi files (decoded with PyAV,
`pip install av`) or, for each video, a folder of the same name without the suffix holding its
frames as JPEG or PNG files (the "rawframes" layout of mmaction2 and TSN), which needs no decoder.

Each video becomes FRAMES frames evenly spaced over its whole length, shorter side resized to SIDE
and centre-cropped; the protocol takes 8-frame clips of those (a random one to train, VIEWS evenly
spaced ones to test). The official split has no validation set: the train videos of group 25 (one
of the 18 train groups; clips of a group share actor and scene) are held out as val, so val never
shares a group with train. Decoded videos are cached with save_to_disk under a key of DIR, the split
files and the caps, so a changed copy at the same path is decoded again.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from harness.config import DataConfig
from harness.contracts import TaskData
from harness.errors import UserError
from tasks.data.cache import cached_dataset_dict
from tasks.data.splits import apply_caps, permutation
from tasks.video.data import FRAMES

UCF101_VERSION = "1"
SIDE = 112
LISTS = "ucfTrainTestlist"
VAL_GROUP = "_g25_"
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")


def _root(path: str | None) -> Path:
    if path is None:
        raise UserError("ucf101 reads a local copy: pass data.path=DIR, the folder holding ucfTrainTestlist/ and the "
                        "videos (UCF-101/<class>/<video>.avi, or one folder of frames per video)")
    root = Path(path).expanduser()
    if not (root / LISTS / "classInd.txt").is_file():
        raise UserError(f"data.path '{path}': no {LISTS}/classInd.txt; point it at the folder holding the UCF101 "
                        "split files and videos")
    return root


def _lines(file: Path) -> list[str]:
    if not file.is_file():
        raise UserError(f"data.path: missing {file}")
    return [line.strip() for line in file.read_text().splitlines() if line.strip()]


def split_lists(root: Path) -> tuple[list[str], dict[str, list[tuple[str, int]]]]:
    """Class names and (video entry, label) per split; val = group 25 of the train list."""
    classes = [line.split()[1] for line in _lines(root / LISTS / "classInd.txt")]
    index = {name: i for i, name in enumerate(classes)}

    def entries(file: str) -> list[tuple[str, int]]:
        out = []
        for line in _lines(root / LISTS / file):
            entry = line.split()[0]
            name = entry.split("/")[0]
            if name not in index:
                raise UserError(f"data.path: {file} lists '{entry}' of a class not in classInd.txt")
            out.append((entry, index[name]))
        return out

    train = entries("trainlist01.txt")
    return classes, {"train": [e for e in train if VAL_GROUP not in e[0]],
                     "val": [e for e in train if VAL_GROUP in e[0]], "test": entries("testlist01.txt")}


def _pick(n: int, frames: int) -> np.ndarray:
    return np.linspace(0, n - 1, frames).round().astype(int)


def _decode(file: Path, frames: int) -> list[np.ndarray]:
    try:
        import av
    except ImportError:
        raise UserError(f"{file.name}: decoding video files needs PyAV (pip install av), or give each video as a "
                        "folder of frames (see `bench show task=ucf101`)") from None
    try:
        with av.open(str(file)) as container:
            decoded = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    except (getattr(av, "FFmpegError", OSError), OSError) as err:  # PyAV >= 14 names its errors FFmpegError
        raise UserError(f"{file}: cannot decode ({err})") from None
    if not decoded:
        raise UserError(f"{file}: no video frames")
    return [decoded[i] for i in _pick(len(decoded), frames)]


def _read_frames(folder: Path, frames: int) -> list[np.ndarray]:
    from PIL import Image

    files = sorted(f for f in folder.iterdir() if f.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        raise UserError(f"{folder}: a folder of frames with no {'/'.join(IMAGE_SUFFIXES)} files")
    return [np.asarray(Image.open(files[i]).convert("RGB")) for i in _pick(len(files), frames)]


def load_video(root: Path, entry: str, frames: int = FRAMES, side: int = SIDE) -> np.ndarray:
    """uint8 (frames, side, side, 3): evenly spaced frames, shorter side resized, centre-cropped."""
    import torch
    from torchvision.transforms.v2 import functional as F

    for base in (root / "UCF-101", root):
        file = base / entry
        if file.is_file():
            images = _decode(file, frames)
            break
        if file.with_suffix("").is_dir():
            images = _read_frames(file.with_suffix(""), frames)
            break
    else:
        raise UserError(f"data.path: '{entry}' from the split files is neither a video file nor a folder of frames "
                        f"under {root / 'UCF-101'} or {root}")
    video = torch.from_numpy(np.stack(images)).permute(0, 3, 1, 2)  # (F, 3, H, W)
    video = F.center_crop(F.resize(video, side, antialias=True), side)
    return video.permute(0, 2, 3, 1).contiguous().numpy()


def _dataset_dict(root: Path, classes: list[str], chosen: dict[str, list[tuple[str, int]]]):
    from datasets import Array4D, ClassLabel, Dataset, DatasetDict, Features

    features = Features({"video": Array4D((FRAMES, SIDE, SIDE, 3), "uint8"), "label": ClassLabel(names=classes)})
    out = {}
    for split, items in chosen.items():
        videos = [load_video(root, entry) for entry, _ in items]
        array = np.stack(videos) if videos else np.zeros((0, FRAMES, SIDE, SIDE, 3), np.uint8)
        out[split] = Dataset.from_dict({"video": array, "label": [label for _, label in items]}, features=features)
    return DatasetDict(out)


def build_ucf101(data_cfg: DataConfig, profile: str) -> TaskData:
    from tasks.video.data import task_data

    root = _root(data_cfg.path)
    classes, splits = split_lists(root)
    for split, items in splits.items():
        if not items:
            what = "train videos of group 25 (the val hold-out)" if split == "val" else f"{split} videos"
            raise UserError(f"data.path '{data_cfg.path}': the split files list no {what}")
    # a fixed permutation of each split, so a capped subset mixes the classes
    orders = apply_caps({split: permutation(len(items)) for split, items in splits.items()}, data_cfg)
    chosen = {split: [splits[split][i] for i in order] for split, order in orders.items()}
    key = hashlib.sha256(repr((str(root.resolve()), chosen)).encode()).hexdigest()[:16]
    dd = cached_dataset_dict(data_cfg, ("ucf101", UCF101_VERSION, key), lambda: _dataset_dict(root, classes, chosen))
    videos = {}
    for split in ("train", "val", "test"):
        part = dd[split].with_format("numpy")[:]  # one batch read, not row by row
        videos[split] = (np.asarray(part["video"], np.uint8).reshape(-1, FRAMES, SIDE, SIDE, 3),
                         np.asarray(part["label"], np.int64))
    return task_data("ucf101", videos, len(classes), None)
