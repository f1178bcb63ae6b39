"""The narrow contracts between the harness, a task and a method. Keep them few and typed.

    task.build(DataConfig, profile)      -> TaskData        (what a task hands the runner)
    method.build(TaskInfo, params)       -> torch.nn.Module (what a method hands the runner)
    TaskData.protocol.training_step(model, batch, objective) -> scalar loss tensor
    TaskData.protocol.evaluate(accelerator, model, loader, desc, per_example=False) -> Evaluation

The runner owns the loop, devices, seeding, checkpoints and records; the protocol (one per task
family, under tasks/) owns how a batch becomes a loss and how predictions become metrics.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import torch
    from accelerate import Accelerator
    from torch.utils.data import DataLoader, Dataset


@dataclass(frozen=True)
class TaskInfo:
    """What a method may know about a task when it builds its model."""

    name: str
    family: str
    input_shape: tuple[int, ...]  # one example, channels first: (C, H, W) for images
    num_classes: int
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Evaluation:
    """A protocol's scores of one split, and (when asked) what each example contributed to them.

    `per_example` is None unless `evaluate` was called with per_example=True (the runner asks for the
    test split only; the val split, scored every epoch, pays nothing). When filled it is a dict of
    equal-length columns (1-D numpy arrays, 2-D arrays read as one list per row, or lists), one row
    per example of the split, each example exactly once at any world size, and always an
    `example_id` column of unique ints: the example's index in the split (evaluation loaders are
    not shuffled and `gather_for_metrics` returns whole batches in dataset order, the sampler's
    repeats dropped) or the dataset's own id where it has one (detection's image_id). The other
    columns must let anyone recompute the split's metrics on a resample of its rows: per-example
    correctness or scores for metrics that are means over examples (accuracy, recall@k), and the
    per-example predictions or statistics for set-level ones (boxes for mAP, intersection and union
    pixel counts for mIoU, features for FD). The runner writes them to per_example.parquet."""

    metrics: dict[str, float]
    num_samples: int
    seconds: float
    per_example: dict[str, Any] | None = None


class TaskProtocol(Protocol):
    """Required: `objectives`, `training_step`, `evaluate`. Optional: `write_artifacts(accelerator,
    model, dataset, run_dir)`, called once on the main process after the test evaluation to leave
    pictures (prediction grids, sample sheets) in the run folder."""

    objectives: tuple[str, ...]  # the training objectives a method may declare for this family

    def training_step(
        self, model: torch.nn.Module, batch: dict[str, torch.Tensor], objective: str
    ) -> torch.Tensor: ...

    def evaluate(
        self, accelerator: Accelerator, model: torch.nn.Module, loader: DataLoader, desc: str,
        per_example: bool = False,
    ) -> Evaluation: ...


@dataclass
class TaskData:
    """Built data for one run: map-style datasets yielding dicts of tensors, and the protocol."""

    info: TaskInfo
    train: Dataset
    val: Dataset
    test: Dataset
    fingerprint: str  # hash of the exact examples used; goes into every record
    protocol: TaskProtocol
    collate: Any = None  # None = torch's default collate
