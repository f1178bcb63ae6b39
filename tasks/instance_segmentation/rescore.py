"""Instance-segmentation runs rescored from their per-example columns (TaskSpec.set_scores): mask and
box AP are set-level, recomputed on a resample of the test images from their stored boxes and RLE
masks by the protocol's own function (an image drawn twice counts as two images)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np  # annotations only: numpy loads when a hook runs, not at registration


def set_scores(columns: Mapping[str, Any], rows: np.ndarray) -> dict[str, float]:
    import numpy as np

    from tasks.instance_segmentation.protocol import instance_items, instance_metrics

    return instance_metrics(instance_items({name: np.asarray(values)[rows] for name, values in columns.items()}))
