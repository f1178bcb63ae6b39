"""Generative runs rescored from their per-example columns (TaskSpec.example_scores / set_scores):
class accuracy is the mean of `class_correct`; FD and k-NN precision/recall are set-level, recomputed
on a resample of the test labels from the stored real and generated features by the protocol's own
functions. fd_real_floor (two real splits, no method in it) is not a method's score: nothing rescores it.

On a resample with repeats a repeated point is its own nearest neighbour, which shrinks its k-NN
radius: precision/recall on resamples read a little lower than on the split, for both methods alike."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from harness.per_example import stacked

if TYPE_CHECKING:
    import numpy as np  # annotations only: numpy loads when a hook runs, not at registration


def example_scores(columns: Mapping[str, Any]) -> dict[str, np.ndarray]:
    import numpy as np

    return {"class_accuracy": np.asarray(columns["class_correct"])}


def set_scores(columns: Mapping[str, Any], rows: np.ndarray) -> dict[str, float]:
    import torch

    from tasks.generative.metrics import frechet_distance, precision_recall

    real, fake = (torch.from_numpy(stacked(columns[name])[rows]) for name in ("real_features", "generated_features"))
    precision, recall = precision_recall(real, fake)
    return {"fd": frechet_distance(real, fake), "precision": precision, "recall": recall}
