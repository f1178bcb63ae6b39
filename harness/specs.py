"""Frozen metadata for tasks and methods: light enough to import without torch.

A task says *what is measured* (data, protocol, metrics, references); a method says *what it is
measured with* (a model builder and its hyper-parameters). Builders are plain callables whose
bodies do the heavy imports, so `bench list` and `bench show` never load torch.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Profile = Literal["smoke", "default", "full"]
PROFILES: tuple[str, ...] = ("smoke", "default", "full")
_COMMIT = re.compile(r"[0-9a-f]{40}")
# Family, task and method names become folder names (runs/<task>/<method>/, leaderboard/records/...) and
# LaTeX/HTML labels: lower-case letters, digits and dashes, nothing a path or a markup language reads
NAME_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"
VERSION_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,31}$"
CITE_KEY_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_:.+-]{0,63}$"  # a BibTeX key (harness/references.bib)
MAX_SEED = 2**32 - 1  # NumPy's seed range: the runner seeds np.random with a run's seed (run config, records)


def check_name(kind: str, name: str, version: str | None = None) -> None:
    """A registered name (and version) in the safe pattern; a ValueError that says what is allowed."""
    if not isinstance(name, str) or not re.fullmatch(NAME_PATTERN, name):
        raise ValueError(f"{kind} name {name!r} is not allowed: use 1-64 lower-case letters, digits and dashes, "
                         "starting with a letter or digit")
    if version is not None and not re.fullmatch(VERSION_PATTERN, str(version)):
        raise ValueError(f"{kind} {name}: version {version!r} is not allowed: use up to 32 letters, digits, "
                         "'.', '_', '+' and '-'")


def check_cite(kind: str, name: str, cite: tuple[str, ...]) -> None:
    """`cite` is a tuple of distinct BibTeX keys (whether each has an entry is checked when it registers)."""
    if isinstance(cite, str) or not all(isinstance(k, str) and re.fullmatch(CITE_KEY_PATTERN, k) for k in cite):
        raise ValueError(f"{kind} {name}: cite={cite!r} must be a tuple of BibTeX keys, e.g. ('he2016resnet',)")
    if len(set(cite)) != len(cite):
        raise ValueError(f"{kind} {name}: cite={cite!r} names a key twice")


@dataclass(frozen=True)
class FamilySpec:
    """A task family: what its models take and return, how they are trained and scored.

    Declared once, in the family's own package (`tasks/<name with _ for ->/__init__.py` or a plugin
    module), with `register_family`. Tasks name it in `TaskSpec.family`; methods in `fits=`, and a
    method's `objective` must be one of the family's `objectives` (checked when the method registers).
    """

    name: str
    description: str
    objectives: tuple[str, ...]  # training objectives the family's protocol implements
    interface: type  # a typing.Protocol: the exact tensors a model of this family takes and returns
    protocols: tuple[str, ...]  # "module:Class" of each scoring object the family's builders put in TaskData
    dummy: str  # "module:function", (TaskInfo) -> torch.nn.Module: a tiny model of `interface`, for tests

    def __post_init__(self) -> None:
        check_name("family", self.name)
        if not self.objectives:
            raise ValueError(f"family {self.name}: declares no objectives")
        for ref in (*self.protocols, self.dummy):
            if ":" not in ref:
                raise ValueError(f"family {self.name}: {ref!r} must read 'module:name'")

    def build_dummy(self, info: Any) -> Any:
        return resolve(self.dummy)(info)


def resolve(ref: str) -> Any:
    """The object named by 'package.module:name' (imported on use: heavy modules stay unloaded until then)."""
    import importlib

    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


@dataclass(frozen=True)
class Metric:
    """One reported number. `source` names the implementation (torchmetrics class where one exists)."""

    name: str
    higher_is_better: bool
    source: str
    description: str = ""
    # (low, high) a valid value lies in, required so that no record carries a negative distance or an
    # accuracy of 3; an open end is inf (records cap every value's magnitude: harness.record.MAX_METRIC)
    range: tuple[float, float] = field(kw_only=True)
    # True: a value that does not depend on the method (the FD between two real splits, a chance level):
    # papers and tables state it in captions or draw it as a line, never rank or bold it
    reference: bool = field(default=False, kw_only=True)

    def __post_init__(self) -> None:
        low, high = self.range
        if not low < high:  # NaN fails too
            raise ValueError(f"metric {self.name}: range {self.range} must have low < high")


@dataclass(frozen=True)
class Reference:
    """A published or measured number for a task, always with where it comes from.

    `tolerance` is how far (absolute, in the metric's units) the leaderboard's mean for `method` may lie
    from `value` and still count as reproducing it, and `why` says where that margin comes from (another
    budget, augmentation, model size, split); the published-versus-reproduced view uses both
    (leaderboard/published.py). A `method` that is not a registered method (`sklearn-svc`, a published
    ResNet-18) names a number computed elsewhere: the view shows it for scale and never judges it."""

    method: str
    metric: str
    value: float
    source: str
    note: str = ""
    tolerance: float | None = None  # None: not yet given a tolerance; shown, never judged
    why: str = ""  # the reason for the tolerance


@dataclass(frozen=True)
class HubSource:
    """Where the real data lives: a Hugging Face dataset pinned to a revision (a 40-hex commit id).

    A task whose commit could not be found passes `pinned=False` with the best revision known (a
    branch, a short id): `bench show` and every record of the task then say "unpinned". A commit id
    taken from public material but never loaded (the hub is unreachable here) passes `checked=False`:
    `bench show` says the revision could not be checked."""

    repo_id: str
    revision: str
    image_column: str = "image"
    label_column: str = "label"
    pinned: bool = True
    checked: bool = True

    def __post_init__(self) -> None:
        if self.pinned and not _COMMIT.fullmatch(self.revision or ""):
            raise ValueError(f"hub source {self.repo_id}: revision {self.revision!r} is not a 40-hex commit id; "
                             "pin a commit, or mark the source pinned=False")

    @property
    def label(self) -> str:
        """`repo@revision` as shown to users, with the revision marked when it is not a pinned commit."""
        return f"{self.repo_id}@{self.revision[:10]}" + ("" if self.pinned else " (unpinned)")


@dataclass(frozen=True)
class TaskSpec:
    name: str
    version: str
    family: str  # a registered FamilySpec's name (checked by register_task)
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
    # optional (methods, path) -> caption: writes a PDF figure of those methods' outputs on a few test
    # examples (attribution heatmaps side by side) for `bench paper`; tasks without one get bars and curves only
    paper_figure: Callable[..., str] | None = None
    # False: the task has no training data (zero-shot benchmarks); runs evaluate with trainer.epochs=0
    trainable: bool = True
    # optional dataclass of the task's scoring options, set as `metrics.<key>=...` and handed to
    # `build(data_cfg, profile, metrics)`; tasks without one take no `metrics.*` keys
    metric_params: type | None = None
    # True: the task reads a local copy from data.path with no hub source (modelnet40, ucf101); a task that
    # reads no data path (generated or embedded data) refuses data.path when a run is composed
    local_data: bool = False
    # Paired tests (leaderboard/paired.py) read a run's per-example columns back from per_example.parquet
    # as {column: numpy array} (list columns as object arrays). Optional columns -> {metric: per-row values}
    # for metrics that are the mean of a per-example value (accuracy, hit@k): 0/1 values get an exact
    # McNemar test, other values a paired bootstrap over examples
    example_scores: Callable[[Mapping[str, Any]], dict[str, Any]] | None = None
    # optional (columns, rows) -> {metric: value}: set-level metrics (mAP, mIoU, FD) recomputed on `rows`
    # (integer indices into the columns, repeats allowed), for a paired bootstrap over test examples
    set_scores: Callable[[Mapping[str, Any], Any], dict[str, float]] | None = None
    # BibTeX keys (entries in harness/references.bib, or a plugin's harness.bibliography.add_entries; checked
    # by register_task): the dataset's paper, the benchmark or protocol paper, the papers of its metrics, and
    # for generated data the software that generates it
    cite: tuple[str, ...] = ()

    def build_data(self, data_cfg: Any, profile: str, metrics: Any = None) -> Any:
        """The task's data for a run: `metrics` goes to builders of tasks that declare metric_params."""
        if self.metric_params is None:
            return self.build(data_cfg, profile)
        return self.build(data_cfg, profile, metrics if metrics is not None else self.metric_params())

    def __post_init__(self) -> None:
        check_name("task", self.name, self.version)
        check_cite("task", self.name, self.cite)
        names = [m.name for m in self.metrics]
        if self.primary_metric not in names:
            raise ValueError(f"task {self.name}: primary metric {self.primary_metric!r} not in {names}")
        bad = set(self.profiles) - set(PROFILES)
        if bad:
            raise ValueError(f"task {self.name}: unknown profiles {sorted(bad)}")

    @property
    def unpinned(self) -> bool:
        """True when the task reads a hub revision that is not a pinned commit."""
        return self.hub is not None and not self.hub.pinned

    @property
    def reads_data_path(self) -> bool:
        """True when data.path means something to this task: a local copy of its hub dataset, or its only source."""
        return self.hub is not None or self.local_data

    @property
    def primary(self) -> Metric:
        return next(m for m in self.metrics if m.name == self.primary_metric)


@dataclass(frozen=True)
class MethodSpec:
    name: str
    version: str
    fits: tuple[str, ...]  # registered families; each must offer `objective` (checked by register_method)
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
    # trainable position/time tables or query tokens (parameter-name suffixes) this method means to start
    # at zero; any other such table left all-zero at build time fails tests/baselines/test_zero_tables.py
    zero_embeddings: tuple[str, ...] = ()
    # BibTeX keys (as TaskSpec.cite; checked by register_method): the method's paper(s), plus the library a
    # baseline is built with (torchvision, transformers, Captum, open_clip, diffusers, scikit-learn, PyTorch);
    # floors and controls cite the library alone
    cite: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        check_name("method", self.name, self.version)
        check_cite("method", self.name, self.cite)
        bad = set(self.profiles).union(*map(set, self.task_profiles.values())) - set(PROFILES)
        if bad:
            raise ValueError(f"method {self.name}: unknown profiles {sorted(bad)}")
