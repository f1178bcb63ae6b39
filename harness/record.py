"""The run record: one JSON file per run, the unit that leaderboards, tables, submissions and
reproduction consume. Defined once, here, as a pydantic model; `SCHEMA_VERSION` changes whenever
a field changes meaning, so old records are never silently misread.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from harness.errors import UserError
from harness.io import atomic_write_json
from harness.specs import MAX_SEED, NAME_PATTERN, VERSION_PATTERN

SCHEMA_VERSION = 1
MAX_TEXT = 1_000  # versions, platform strings and the like: a line, not a file
MAX_METRIC = 1e15  # |value| of any metric: far past every real score, and means and variances stay finite
MAX_DEPTH = 8  # of the recorded config: four levels today (method.*, metrics.*); deeper is not a config

Name = Annotated[str, Field(pattern=NAME_PATTERN)]  # task, method: also folder names under runs/ and records/
Version = Annotated[str, Field(pattern=VERSION_PATTERN)]
Text = Annotated[str, Field(max_length=MAX_TEXT)]
# run_id becomes a file and folder name: a safe character set, and short enough for any file system
RunId = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
MetricName = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_@.-]{0,63}$")]
MetricValue = Annotated[float, Field(ge=-MAX_METRIC, le=MAX_METRIC)]


class _Strict(BaseModel):
    # strict: no booleans or strings where numbers go, no 1.0 for an int; allow_inf_nan=False: every float
    # is finite (NaN and Infinity cannot round-trip through strict JSON, and they poison means and ranks)
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class TaskRef(_Strict):
    name: Name
    version: Version
    # the data's hash, then one suffix per network scored with it (generative tasks: -ref<hash>, -inception<hash>)
    dataset_fingerprint: str = Field(pattern=r"^[0-9a-f]{16,64}(-[a-z]{1,16}[0-9a-f]{6,64}){0,4}$")
    # the task reads a hub revision that is not a pinned commit (a branch): its data may change under it
    unpinned: bool = False


class MethodRef(_Strict):
    name: Name
    version: Version


class PrimaryMetric(_Strict):
    name: MetricName
    higher_is_better: bool


class Timings(_Strict):
    train_seconds: float = Field(ge=0)
    eval_seconds: float = Field(ge=0)
    train_samples_per_second: float = Field(ge=0)
    eval_samples_per_second: float = Field(ge=0)


class Provenance(_Strict):
    git_commit: str | None = Field(pattern=r"^([0-9a-f]{40}|[0-9a-f]{64})$")  # SHA-1 or SHA-256 object id
    git_dirty: bool | None
    dlbench_version: Text
    python: Text
    torch: Text
    transformers: Text | None
    accelerate: Text
    datasets: Text
    platform: Text
    device: Text
    world_size: int = Field(ge=1, le=1_000_000)
    per_device_batch_size: int = Field(ge=1, le=2**31)


class EpochLog(_Strict):
    epoch: int = Field(ge=1, le=1_000_000)
    train_loss: MetricValue
    val: dict[MetricName, MetricValue] = Field(default_factory=dict)
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
    run_id: RunId
    created_at: str  # ISO 8601 with a time zone, as the runner writes it (checked below)
    status: Literal["completed", "failed"]
    error: str | None = Field(default=None, max_length=100_000)
    task: TaskRef
    method: MethodRef
    seed: int = Field(ge=0, le=MAX_SEED)
    profile: Literal["smoke", "default", "full"]
    config_hash: str = Field(pattern=r"^[0-9a-f]{12}$")  # RunConfig.hash()
    metrics: dict[MetricName, MetricValue]
    primary_metric: PrimaryMetric
    history: list[EpochLog]
    config: dict[str, Any]
    timings: Timings
    num_parameters: int = Field(ge=0, le=10**13)
    provenance: Provenance
    per_example: PerExampleRef | None = None  # absent in records written before it existed

    @field_validator("created_at")
    @classmethod
    def _timestamp(cls, v: str) -> str:
        try:
            stamp = dt.datetime.fromisoformat(v)
        except ValueError:
            raise ValueError(f"not an ISO 8601 date and time: {v[:40]!r}") from None
        if stamp.tzinfo is None:
            raise ValueError(f"{v!r} has no time zone (the runner writes UTC, +00:00)")
        return v

    @field_validator("config")
    @classmethod
    def _plain_json(cls, v: dict[str, Any]) -> dict[str, Any]:
        # Any lets NaN and deep nesting through; the config must stay strict JSON that a run can rebuild
        _check_plain(v, "config", 0)
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


def _check_plain(value: Any, where: str, depth: int) -> None:
    """Strict JSON values only: finite numbers, short keys, bounded depth."""
    if depth > MAX_DEPTH:
        raise ValueError(f"{where} is nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{where} is {value}, not a finite number")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str) or len(key) > 100:
                raise ValueError(f"{where} has a key that is not a short string: {str(key)[:40]!r}")
            _check_plain(item, f"{where}.{key}", depth + 1)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_plain(item, f"{where}[{i}]", depth + 1)


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
