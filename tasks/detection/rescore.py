"""Detection runs rescored from their per-example columns (TaskSpec.set_scores): COCO mAP is
set-level, recomputed on a resample of the test images from their stored boxes by the protocol's own
function (an image drawn twice counts as two images, as a bootstrap needs)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np  # annotations only: numpy loads when a hook runs, not at registration


def set_scores(columns: Mapping[str, Any], rows: np.ndarray) -> dict[str, float]:
    import numpy as np

    from tasks.detection.protocol import detection_items, detection_metrics

    # detection_metrics numbers images by position, never by image_id, so repeated ids are distinct images
    return detection_metrics(detection_items({name: np.asarray(values)[rows] for name, values in columns.items()}))
