"""Sequence runs rescored from their per-example columns (TaskSpec.example_scores): both metrics are
means over examples, accuracy of `correct` and MSE of `squared_error`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np  # annotations only: numpy loads when a hook runs, not at registration


def accuracy_scores(columns: Mapping[str, Any]) -> dict[str, np.ndarray]:
    import numpy as np

    return {"accuracy": np.asarray(columns["correct"])}


def mse_scores(columns: Mapping[str, Any]) -> dict[str, np.ndarray]:
    import numpy as np

    return {"mse": np.asarray(columns["squared_error"])}
