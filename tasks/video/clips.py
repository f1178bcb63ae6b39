"""Videos held in memory as uint8, served as fixed-length clips with pixels in [0, 1].

Training: one clip per video per epoch, at a random start (temporal jitter; drawn from torch's
global generator, which the runner reseeds every epoch). Evaluation: every video yields `views`
clips at evenly spaced starts, each an example with its `video_index`, so the protocol can score
clips and videos (mean of the clips' probabilities).
"""

from __future__ import annotations

import torch
from torch.utils.data import Dataset


def view_starts(frames: int, clip_len: int, views: int) -> torch.Tensor:
    """Evenly spaced clip starts covering the video: first and last clip touch the ends."""
    if views == 1:
        return torch.tensor([(frames - clip_len) // 2])
    return torch.linspace(0, frames - clip_len, views).round().long()


class VideoClips(Dataset):
    def __init__(self, videos: torch.Tensor, labels: torch.Tensor, clip_len: int, views: int, train: bool) -> None:
        if videos.dtype != torch.uint8 or videos.ndim != 5:  # (N, F, C, H, W)
            raise ValueError(f"expected uint8 (N, F, C, H, W) videos, got {videos.dtype} {tuple(videos.shape)}")
        self.videos, self.labels = videos, labels
        self.clip_len, self.views, self.train = clip_len, views, train
        self.starts = view_starts(videos.shape[1], clip_len, views)

    def __len__(self) -> int:
        return len(self.videos) if self.train else len(self.videos) * self.views

    def __getitems__(self, indices: list[int]) -> dict[str, torch.Tensor]:
        idx = torch.as_tensor(indices, dtype=torch.long)
        if self.train:
            video = idx
            start = torch.randint(0, self.videos.shape[1] - self.clip_len + 1, (len(idx),))
        else:
            video, start = idx // self.views, self.starts[idx % self.views]
        frames = start[:, None] + torch.arange(self.clip_len)
        clips = self.videos[video[:, None], frames]  # (B, T, C, H, W)
        return {"pixel_values": clips.float() / 255.0, "labels": self.labels[video], "video_index": video}

    def __getitem__(self, index: int) -> dict[str, torch.Tensor]:
        return {k: v[0] for k, v in self.__getitems__([index]).items()}
