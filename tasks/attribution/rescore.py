"""Attribution runs rescored from their per-example columns (TaskSpec.example_scores): every metric is
scored per image (tasks/attribution/scoring.py) and the split's value is the mean of its column; the
pointing game's column is 0/1 per image."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np  # annotations only: numpy loads when a hook runs, not at registration


def example_scores(columns: Mapping[str, Any]) -> dict[str, np.ndarray]:
    import numpy as np

    from tasks.attribution.scoring import METRIC_NAMES

    return {name: np.asarray(columns[name]) for name in METRIC_NAMES}
