"""Frozen metadata for tasks and methods: light enough to import without torch.

A task says *what is measured* (data, protocol, metrics, references); a method says *what it is
measured with* (a model builder and its hyper-parameters). Builders are plain callables whose
bodies do the heavy imports, so `bench list` and `bench show` never load torch.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Profile = Literal["smoke", "default", "full"]
PROFILES: tuple[str, ...] = ("smoke", "default", "full")
Family = Literal[
    "classification", "detection", "segmentation", "video", "self-supervised",
    "multimodal", "3d", "generative", "sequence", "visualization",
]
FAMILIES: tuple[str, ...] = Family.__args__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Metric:
    """One reported number. `source` names the implementation (torchmetrics class where one exists)."""

    name: str
    higher_is_better: bool
    source: str
    description: str = ""
    range: tuple[float, float] | None = None  # (low, high) a valid value lies in; None = any finite value


@dataclass(frozen=True)
class Reference:
    """A published or measured number for a task, always with where it comes from."""

    method: str
    metric: str
    value: float
    source: str
    note: str = ""


@dataclass(frozen=True)
class HubSource:
    """Where the real data lives: a Hugging Face dataset pinned to a revision."""

    repo_id: str
    revision: str
    image_column: str = "image"
    label_column: str = "label"


@dataclass(frozen=True)
class TaskSpec:
    name: str
    version: str
    family: Family
    description: str
    dataset: str  # one line: what the data is and where it comes from
    splits: Mapping[str, int]  # split -> number of examples (full size, before profile caps)
    metrics: tuple[Metric, ...]
    primary_metric: str
    protocol: str  # one paragraph: how methods are trained and scored
    build: Callable[..., Any]  # (DataConfig, Profile) -> TaskData; heavy imports inside
    input_shape: tuple[int, ...] = ()
    num_classes: int = 0
    hub: HubSource | None = None
    references: tuple[Reference, ...] = ()
    # data caps per profile, merged into the `data` config node (explicit overrides win)
    profiles: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # optional (DataConfig, path) -> None: writes a PNG of ground-truth samples (`bench show task=X samples=PATH`)
    preview: Callable[..., Any] | None = None
    # False: the task has no training data (zero-shot benchmarks); runs evaluate with trainer.epochs=0
    trainable: bool = True
    # optional dataclass of the task's scoring options, set as `metrics.<key>=...` and handed to
    # `build(data_cfg, profile, metrics)`; tasks without one take no `metrics.*` keys
    metric_params: type | None = None

    def build_data(self, data_cfg: Any, profile: str, metrics: Any = None) -> Any:
        """The task's data for a run: `metrics` goes to builders of tasks that declare metric_params."""
        if self.metric_params is None:
            return self.build(data_cfg, profile)
        return self.build(data_cfg, profile, metrics if metrics is not None else self.metric_params())

    def __post_init__(self) -> None:
        names = [m.name for m in self.metrics]
        if self.primary_metric not in names:
            raise ValueError(f"task {self.name}: primary metric {self.primary_metric!r} not in {names}")
        if self.family not in FAMILIES:
            raise ValueError(f"task {self.name}: unknown family {self.family!r}")
        bad = set(self.profiles) - set(PROFILES)
        if bad:
            raise ValueError(f"task {self.name}: unknown profiles {sorted(bad)}")

    @property
    def primary(self) -> Metric:
        return next(m for m in self.metrics if m.name == self.primary_metric)


@dataclass(frozen=True)
class MethodSpec:
    name: str
    version: str
    fits: tuple[Family, ...]
    description: str
    params: type  # dataclass of the method's hyper-parameters (the `method.*` config node)
    build: Callable[..., Any]  # (TaskInfo, params) -> torch.nn.Module; heavy imports inside
    objective: str = "cross_entropy"  # name in the family protocol's objective table
    # per-profile defaults: {"default": {"trainer": {...}, "method": {...}}}
    profiles: Mapping[str, Mapping[str, Mapping[str, Any]]] = field(default_factory=dict)
    # per-task refinements layered over `profiles`: {"digits-gen": {"default": {"trainer": {...}}}}, for a
    # budget that one epoch count cannot meet on tasks of different cost (tests check the task names)
    task_profiles: Mapping[str, Mapping[str, Mapping[str, Mapping[str, Any]]]] = field(default_factory=dict)
    # False: a floor scored without training (the same model, untrained); trainer.epochs is fixed at 0
    trains: bool = True

    def __post_init__(self) -> None:
        bad = set(self.fits) - set(FAMILIES)
        if bad:
            raise ValueError(f"method {self.name}: unknown families {sorted(bad)}")
        bad = set(self.profiles).union(*map(set, self.task_profiles.values())) - set(PROFILES)
        if bad:
            raise ValueError(f"method {self.name}: unknown profiles {sorted(bad)}")
