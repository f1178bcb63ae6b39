"""The run record: one JSON file per run, the unit that leaderboards, tables, submissions and
reproduction consume. Defined once, here, as a pydantic model; `SCHEMA_VERSION` changes whenever
a field changes meaning, so old records are never silently misread.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from harness.errors import UserError
from harness.io import atomic_write_json

SCHEMA_VERSION = 1


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TaskRef(_Strict):
    name: str
    version: str
    dataset_fingerprint: str
    # the task reads a hub revision that is not a pinned commit (a branch): its data may change under it
    unpinned: bool = False


class MethodRef(_Strict):
    name: str
    version: str


class PrimaryMetric(_Strict):
    name: str
    higher_is_better: bool


class Timings(_Strict):
    train_seconds: float = Field(ge=0)
    eval_seconds: float = Field(ge=0)
    train_samples_per_second: float = Field(ge=0)
    eval_samples_per_second: float = Field(ge=0)


class Provenance(_Strict):
    git_commit: str | None
    git_dirty: bool | None
    dlbench_version: str
    python: str
    torch: str
    transformers: str | None
    accelerate: str
    datasets: str
    platform: str
    device: str
    world_size: int = Field(ge=1)
    per_device_batch_size: int = Field(ge=1)


class EpochLog(_Strict):
    epoch: int = Field(ge=1)
    train_loss: float
    val: dict[str, float] = Field(default_factory=dict)
    seconds: float = Field(ge=0)


class PerExampleRef(_Strict):
    """The run's per-example test outputs, a parquet file beside record.json (see
    harness.contracts.Evaluation for its columns): what paired tests and error analysis read."""

    file: str = Field(pattern=r"^\w[\w.-]*$")  # a file name in the run folder
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    rows: int = Field(ge=0)
    columns: list[str]


class Record(_Strict):
    schema_version: Literal[1] = SCHEMA_VERSION
    run_id: str = Field(min_length=1)
    created_at: str
    status: Literal["completed", "failed"]
    error: str | None = None
    task: TaskRef
    method: MethodRef
    seed: int
    profile: Literal["smoke", "default", "full"]
    config_hash: str
    metrics: dict[str, float]
    primary_metric: PrimaryMetric
    history: list[EpochLog]
    config: dict[str, Any]
    timings: Timings
    num_parameters: int = Field(ge=0)
    provenance: Provenance
    per_example: PerExampleRef | None = None  # absent in records written before it existed

    @field_validator("metrics")
    @classmethod
    def _finite_json(cls, v: dict[str, float]) -> dict[str, float]:
        # NaN/inf cannot round-trip through strict JSON; a failed run simply has fewer metrics.
        bad = [k for k, x in v.items() if x != x or x in (float("inf"), float("-inf"))]
        if bad:
            raise ValueError(f"non-finite metric values: {bad}")
        return v

    @model_validator(mode="after")
    def _status_consistent(self) -> Record:
        if self.status == "failed" and not self.error:
            raise ValueError("a failed record must say why (error)")
        if self.status == "completed" and self.primary_metric.name not in self.metrics:
            raise ValueError(f"completed record lacks its primary metric {self.primary_metric.name!r}")
        return self

    def write(self, path: str | Path) -> Path:
        return atomic_write_json(path, self.model_dump(mode="json"))


def json_schema() -> dict[str, Any]:
    return Record.model_json_schema()


def load_record(path: str | Path) -> Record:
    """Read and validate one record; bad files raise UserError naming the file and the reason."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"record not found: {path}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise UserError(f"{path}: not a JSON record ({err})") from None
    try:
        return Record.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "record"
        raise UserError(f"{path}: invalid record at '{where}': {first['msg']}") from None
