"""Point-cloud runs rescored from their per-example columns (TaskSpec.example_scores / set_scores):
overall accuracy is the mean of `correct`; mean class accuracy is set-level and recomputed from
`prediction` and `label` by the protocol's own function."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np


def example_scores(columns: Mapping[str, Any]) -> dict[str, np.ndarray]:
    return {"overall_accuracy": np.asarray(columns["correct"])}


def set_scores(columns: Mapping[str, Any], rows: np.ndarray, num_classes: int) -> dict[str, float]:
    """Mean class accuracy of the examples `rows` (repeats count again); bind `num_classes` with
    functools.partial."""
    import torch

    from tasks.points3d.protocol import pointcloud_metrics

    preds, labels = (torch.from_numpy(np.asarray(columns[name])[rows]) for name in ("prediction", "label"))
    return {"mean_class_accuracy": pointcloud_metrics(preds, labels, num_classes)["mean_class_accuracy"]}
