"""Classification runs rescored from their per-example columns (TaskSpec.example_scores / set_scores),
for paired tests over the same test images: accuracy is the mean of `correct`; macro F1 and balanced
accuracy are set-level and recomputed from `prediction` and `label` by the protocol's own function."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np  # annotations only: numpy loads when a hook runs, not at registration


SET_METRICS = ("f1_macro", "balanced_accuracy")


def example_scores(columns: Mapping[str, Any]) -> dict[str, np.ndarray]:
    import numpy as np

    return {"accuracy": np.asarray(columns["correct"])}


def set_scores(columns: Mapping[str, Any], rows: np.ndarray, num_classes: int) -> dict[str, float]:
    """Macro F1 and balanced accuracy of the examples `rows` (repeats count again); bind `num_classes`
    with functools.partial (torchmetrics leaves classes absent from the rows out of both means)."""
    import numpy as np
    import torch

    from tasks.classification.protocol import prediction_metrics

    preds, labels = (torch.from_numpy(np.asarray(columns[name])[rows]) for name in ("prediction", "label"))
    metrics = prediction_metrics(preds, labels, num_classes)
    return {name: metrics[name] for name in SET_METRICS}
