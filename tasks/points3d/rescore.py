"""Point-cloud runs rescored from their per-example columns (TaskSpec.example_scores / set_scores):
overall accuracy is the mean of `correct`; mean class accuracy is set-level and recomputed from
`prediction` and `label` by the protocol's own function."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np  # annotations only: numpy loads when a hook runs, not at registration


def example_scores(columns: Mapping[str, Any]) -> dict[str, np.ndarray]:
    import numpy as np

    return {"overall_accuracy": np.asarray(columns["correct"])}


def set_scores(columns: Mapping[str, Any], rows: np.ndarray, num_classes: int) -> dict[str, float]:
    """Mean class accuracy of the examples `rows` (repeats count again); bind `num_classes` with
    functools.partial."""
    import numpy as np
    import torch

    from tasks.points3d.protocol import pointcloud_metrics

    preds, labels = (torch.from_numpy(np.asarray(columns[name])[rows]) for name in ("prediction", "label"))
    return {"mean_class_accuracy": pointcloud_metrics(preds, labels, num_classes)["mean_class_accuracy"]}
