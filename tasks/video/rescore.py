"""Video runs rescored from their per-example columns, one row per test clip (TaskSpec.example_scores /
set_scores). clip_top1, clip_top5 and reversal_accuracy are means over clips. video_top1 is a mean over
videos, and the video's verdict repeats on each of its clips: counted on every clip it would count each
video `views` times, and an exact McNemar test or a bootstrap over clips would see `views` times the
evidence there is. So it is set-level: each video counts through its first clip only, which turns a
resample of clip rows into a resample of videos. `views` is the protocol's, the same for every method:
nothing rescores it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np  # annotations only: numpy loads when a hook runs, not at registration


def example_scores(columns: Mapping[str, Any]) -> dict[str, np.ndarray]:
    import numpy as np

    out = {"clip_top1": np.asarray(columns["clip_correct"]), "clip_top5": np.asarray(columns["clip_top5_correct"])}
    if "reversal_score" in columns:  # tasks with time-reversed twin classes only
        out["reversal_accuracy"] = np.asarray(columns["reversal_score"])
    return out


def first_clips(columns: Mapping[str, Any]) -> np.ndarray:
    """Per row, whether it is its video's first clip (the smallest example_id among the video's rows)."""
    import numpy as np

    ids, videos = np.asarray(columns["example_id"]), np.asarray(columns["video_index"])
    order = np.lexsort((ids, videos))
    starts = np.r_[True, videos[order][1:] != videos[order][:-1]] if len(order) else np.zeros(0, bool)
    first = np.zeros(len(ids), dtype=bool)
    first[order[starts]] = True
    return first


def set_scores(columns: Mapping[str, Any], rows: np.ndarray) -> dict[str, float]:
    """video_top1 over the videos whose first clip `rows` draws, as often as it draws it (NaN if it draws
    none, which a resample of n clip rows does with probability (1 - 1/views)^n)."""
    import numpy as np

    rows = np.asarray(rows)
    correct = np.asarray(columns["video_correct"])[rows[first_clips(columns)[rows]]]
    return {"video_top1": float(correct.mean()) if len(correct) else float("nan")}
