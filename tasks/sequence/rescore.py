"""Sequence runs rescored from their per-example columns (TaskSpec.example_scores): both metrics are
means over examples, accuracy of `correct` and MSE of `squared_error`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np


def accuracy_scores(columns: Mapping[str, Any]) -> dict[str, np.ndarray]:
    return {"accuracy": np.asarray(columns["correct"])}


def mse_scores(columns: Mapping[str, Any]) -> dict[str, np.ndarray]:
    return {"mse": np.asarray(columns["squared_error"])}
