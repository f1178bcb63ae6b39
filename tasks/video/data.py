"""moving-shapes: rendered once per (split, version), cached as a Hugging Face dataset with
save_to_disk, and served as uint8 videos in memory (see `clips.py`)."""

from __future__ import annotations

import numpy as np
import torch

from harness.config import DataConfig
from harness.contracts import TaskData, TaskInfo
from tasks.data.cache import cached_dataset_dict
from tasks.data.fingerprint import fingerprint
from tasks.data.splits import capped_sizes
from tasks.video import GENERATOR_VERSION, MOTIONS
from tasks.video.generator import TWIN, render_video

FRAMES, CLIP_LEN, VIEWS, SIZE = 16, 8, 2, 32  # each 16-frame video: 2 non-overlapping 8-frame test views
SPLITS = {"train": (2000, 21), "val": (200, 22), "test": (400, 23)}  # size, seed


def _dataset_dict(sizes: dict[str, int]):
    from datasets import Array4D, ClassLabel, Dataset, DatasetDict, Features

    features = Features({"video": Array4D((FRAMES, SIZE, SIZE, 3), "uint8"), "label": ClassLabel(names=list(MOTIONS))})
    splits = {}
    for split, (_, seed) in SPLITS.items():
        videos, labels = zip(*(render_video(seed, i, FRAMES, SIZE) for i in range(sizes[split])), strict=True)
        splits[split] = Dataset.from_dict({"video": np.stack(videos), "label": list(labels)}, features=features)
    return DatasetDict(splits)


def task_data(name: str, videos: dict[str, tuple[np.ndarray, np.ndarray]], num_classes: int,
              twins: tuple[int, ...] | None) -> TaskData:
    """uint8 (N, F, H, W, 3) videos per split -> TaskData with clip datasets and the video protocol."""
    from harness.tensordata import collate_batched
    from tasks.video.clips import VideoClips
    from tasks.video.protocol import VideoProtocol

    parts, used = {}, []
    for split, (x, y) in videos.items():
        used += [x, y]
        frames = torch.from_numpy(np.ascontiguousarray(x.transpose(0, 1, 4, 2, 3)))  # -> (N, F, C, H, W)
        parts[split] = VideoClips(frames, torch.from_numpy(y.astype(np.int64)), CLIP_LEN, VIEWS, train=split == "train")
    _, _, h, w, c = videos["train"][0].shape
    info = TaskInfo(name=name, family="video", input_shape=(CLIP_LEN, c, h, w), num_classes=num_classes,
                    extra={"views": VIEWS, "video_frames": FRAMES})
    return TaskData(info=info, train=parts["train"], val=parts["val"], test=parts["test"],
                    fingerprint=fingerprint(*used), protocol=VideoProtocol(num_classes, VIEWS, twins),
                    collate=collate_batched)


def build_moving_shapes(data_cfg: DataConfig, profile: str) -> TaskData:
    # video i depends only on (seed, i): a capped split is a prefix of the full one, and only it is rendered
    sizes = capped_sizes({split: n for split, (n, _) in SPLITS.items()}, data_cfg)
    key = "-".join(str(n) for n in sizes.values())
    dd = cached_dataset_dict(data_cfg, ("moving-shapes", GENERATOR_VERSION, key), lambda: _dataset_dict(sizes))
    videos = {}
    for split in ("train", "val", "test"):
        part = dd[split].with_format("numpy")[:]  # one batch read, not row by row
        videos[split] = (np.asarray(part["video"], np.uint8), np.asarray(part["label"], np.int64))
    return task_data("moving-shapes", videos, len(MOTIONS), TWIN)
