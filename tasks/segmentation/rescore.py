"""Segmentation runs rescored from their per-example columns (TaskSpec.set_scores): mIoU and pixel
accuracy are set-level (one confusion matrix over the split), recomputed on a resample of the test
images from their per-class intersection and union pixel counts by the protocol's own function."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from harness.per_example import stacked

if TYPE_CHECKING:
    import numpy as np  # annotations only: numpy loads when a hook runs, not at registration


def set_scores(columns: Mapping[str, Any], rows: np.ndarray) -> dict[str, float]:
    import numpy as np

    from tasks.segmentation.protocol import metrics_from_counts

    return metrics_from_counts(stacked(columns["intersection"])[rows], stacked(columns["union"])[rows],
                               np.asarray(columns["labelled_pixels"])[rows])
