"""Self-supervised runs rescored from their per-example columns (TaskSpec.example_scores): the linear
probe's and the kNN's top-1 are means of `probe_correct` and `knn_correct` (both were fitted on the
train split, so a test example's correctness does not depend on the other test examples)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np  # annotations only: numpy loads when a hook runs, not at registration


def example_scores(columns: Mapping[str, Any]) -> dict[str, np.ndarray]:
    import numpy as np

    return {"probe_top1": np.asarray(columns["probe_correct"]), "knn_top1": np.asarray(columns["knn_correct"])}
