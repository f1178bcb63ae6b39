"""The typed run configuration and how `key=value` overrides become one.

Overrides are parsed by Hydra's override parser (the same grammar as `python app.py a.b=1`),
checked against dataclass schemas by OmegaConf in struct mode, and converted to plain
dataclasses: the library below this module never sees OmegaConf or Hydra objects.

Precedence, lowest first: schema defaults < task profile < method profile < the method's profile for
this task < command line.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import typing
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.errors import ConfigError, UserError, check_choice, unknown
from harness.io import check_output_folder
from harness.optim import OPTIMIZERS, SCHEDULERS
from harness.params import check_ranges, neutral_defaults, param, union_members
from harness.specs import MAX_SEED, PROFILES, MethodSpec, TaskSpec

PRECISIONS = ("no", "fp16", "bf16")
MAX_BATCH = 2**20


def _help(text: str) -> dict[str, str]:
    """Field metadata: the one-line meaning `bench run --help` prints beside the key."""
    return {"help": text}


@dataclass
class TrainerConfig:
    epochs: int = param(10, ge=0, le=100_000, help=(
        "0 = evaluate only (pretrained weights, untrained floors, evaluation-only tasks)"))
    batch_size: int = param(64, ge=1, le=MAX_BATCH, help="per device; effective batch = batch_size * world_size")
    eval_batch_size: int = param(256, ge=1, le=MAX_BATCH, help="per device, for validation and test")
    lr: float = param(1e-3, gt=0, help="peak learning rate (after warmup)")
    weight_decay: float = param(0.0, ge=0, help="weight decay of the optimizer")
    optimizer: str = field(default="adamw", metadata=_help(f"one of {', '.join(OPTIMIZERS)} (harness/optim.py)"))
    scheduler: str = field(default="cosine", metadata=_help(
        f"learning-rate schedule after the warmup: one of {', '.join(SCHEDULERS)}"))
    warmup_epochs: int = param(0, ge=0, help="epochs of linear learning-rate warmup")
    grad_clip: float = param(0.0, ge=0, help="maximum gradient norm; 0 disables clipping")
    mixed_precision: str = field(default="no", metadata=_help(f"one of {', '.join(PRECISIONS)} (Accelerate)"))
    log_every: int = param(1, ge=1, help="epochs between log lines / validation")

    def __post_init__(self) -> None:
        # numbers are checked against their declared ranges by build_config (harness/params.py)
        check_choice("trainer.optimizer", self.optimizer, OPTIMIZERS)
        check_choice("trainer.scheduler", self.scheduler, SCHEDULERS)
        check_choice("trainer.mixed_precision", self.mixed_precision, PRECISIONS)


@dataclass
class DataConfig:
    path: str | None = field(default=None, metadata=_help(
        "local copy of a hub dataset (parquet folder or save_to_disk folder)"))
    train_size: int | None = param(None, ge=1, help="cap on training examples (profiles set it); null = all")
    eval_size: int | None = param(None, ge=1, help="cap on val and test examples; null = the whole fixed splits")
    cache_dir: str | None = field(default=None, metadata=_help("default: $DLBENCH_CACHE or ~/.cache/dlbench"))
    num_workers: int = param(0, ge=0, le=256, help="DataLoader worker processes")


@dataclass
class Selection:
    """The names that choose what runs; not values in the schema (they pick which schema)."""

    task: str = field(metadata=_help("the task to measure (`bench list` names them)"))
    method: str = field(metadata=_help("the method to measure it with; its method.* keys follow"))
    profile: str = field(default="default", metadata=_help(
        "smoke (seconds), default (the leaderboard's CPU numbers), full (GPU scale)"))


@dataclass
class RunKeys:
    """The run config's keys that every task and method share (method.* and metrics.* are added per run)."""

    seed: int = param(0, ge=0, le=MAX_SEED, help="seeds Python, NumPy and torch; part of the config hash")
    resume: bool = field(default=False, metadata=_help(
        "continue the latest unfinished run of this config from its checkpoint"))
    output_dir: str = field(default="runs", metadata=_help("run folders go to OUTPUT_DIR/<task>/<method>/<run_id>"))
    trainer: TrainerConfig = field(default_factory=TrainerConfig)
    data: DataConfig = field(default_factory=DataConfig)


@dataclass(frozen=True)
class RunConfig:
    """Everything a run depends on. `method` holds the method's own hyper-parameter dataclass."""

    task: str
    method_name: str
    profile: str
    seed: int
    trainer: TrainerConfig
    data: DataConfig
    method: Any
    resume: bool = False
    output_dir: str = "runs"
    metrics: Any = None  # the task's metric_params dataclass (None for tasks without scoring options)

    def to_dict(self) -> dict[str, Any]:
        """The resolved config in override form: `method.hidden` lives at ["method"]["hidden"]."""
        out = {
            "task": self.task,
            "method": {"name": self.method_name, **dataclasses.asdict(self.method)},
            "profile": self.profile,
            "seed": self.seed,
            "trainer": dataclasses.asdict(self.trainer),
            "data": dataclasses.asdict(self.data),
            "resume": self.resume,
            "output_dir": self.output_dir,
        }
        if self.metrics is not None:
            out["metrics"] = dataclasses.asdict(self.metrics)
        return out

    def hash(self) -> str:
        """Hash of what determines the result (not where it is written or how data is cached)."""
        d = self.to_dict()
        for key in ("resume", "output_dir"):
            d.pop(key)
        d["data"] = {k: v for k, v in d["data"].items() if k not in ("cache_dir", "num_workers")}
        # scoring options at their defaults leave the hash as it was before the task had any, so
        # records made then still match (sweeps skip them, resume finds them)
        if self.metrics is not None and self.metrics == type(self.metrics)():
            d.pop("metrics")
        # the same for a method param added later whose default keeps the old behaviour (param(neutral=True))
        for name in neutral_defaults(self.method):
            d["method"].pop(name)
        return hashlib.sha256(json.dumps(d, sort_keys=True).encode()).hexdigest()[:12]


SELECTORS = tuple(f.name for f in dataclasses.fields(Selection))
RECORD_NODES = ("trainer", "data", "method", "metrics")  # records from before a task had metrics.* lack it


def parse_overrides(args: list[str], command: str = "run") -> list[tuple[str, Any]]:
    """Parse `key=value` arguments with Hydra's grammar into (key, python value) pairs (no sweeps)."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import OverrideParseException

    for arg in args:
        if "=" not in arg:
            raise UserError(f"expected key=value, got '{arg}' (for example task=digits method=cnn)")
    try:
        parsed = OverridesParser.create().parse_overrides(list(args))
    except OverrideParseException as err:
        raise UserError(f"cannot parse override: {str(err).splitlines()[0]}") from None
    out = []
    for ov in parsed:
        if ov.is_sweep_override():
            raise UserError(f"'{ov.input_line}' is a sweep; `bench {command}` takes one value per key")
        if ov.is_delete() or ov.is_add() or ov.is_force_add():
            raise UserError(f"'{ov.input_line}': only plain key=value overrides are supported")
        out.append((ov.key_or_group, ov.value()))
    seen = set()
    for key, _ in out:
        if key in seen:
            raise UserError(f"key '{key}' is given twice")
        seen.add(key)
    return out


def _value_text(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_value_text(v) for v in value) + "]"
    # quoted, so that a comma, a bracket or a word like null stays part of the string; Hydra reads a backslash
    # as an escape only before a quote (and before the closing one), so only those are doubled
    text = re.sub(r"(\\*)'", lambda m: m.group(1) * 2 + "\\'", str(value))
    return "'" + re.sub(r"(\\+)$", lambda m: m.group(1) * 2, text) + "'"


def override_text(key: str, value: Any) -> str:
    """`key=value` in the grammar `parse_overrides` reads, for a Python value (what `dlbench.sweep` hands the
    runs it launches); parsed back here, so a value the command line would read differently is refused."""
    text = f"{key}={_value_text(value)}"
    expected = list(value) if isinstance(value, tuple) else value
    if parse_overrides([text]) != [(key, expected)]:
        raise ConfigError(f"'{key}': {value!r} cannot be written as a command-line value; give a number, a string, "
                          "true/false, None or a list of them")
    return text


def _schema(task: TaskSpec, method: MethodSpec) -> type:
    """The dataclass that OmegaConf checks every key and type against: RunKeys plus method.* (and metrics.*)."""
    fields = [("method", method.params, field(default_factory=method.params))]
    if task.metric_params is not None:
        fields.append(("metrics", task.metric_params, field(default_factory=task.metric_params)))
    return dataclasses.make_dataclass("RunSchema", fields, bases=(RunKeys,))


def flat_keys(cls: type, prefix: str = "") -> dict[str, Any]:
    """Every dotted key of a dataclass schema (nested dataclasses flattened) with its type."""
    hints = typing.get_type_hints(cls)
    keys: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        tp = hints[f.name]
        if dataclasses.is_dataclass(tp):
            keys.update(flat_keys(tp, f"{prefix}{f.name}."))
        else:
            keys[f"{prefix}{f.name}"] = tp
    return keys


def type_name(tp: Any) -> str:
    """`int`, `str | None`, `list[int]`: a type as a reader writes it (in messages and --help)."""
    members = union_members(tp)
    if len(members) > 1:
        return " | ".join(type_name(a) for a in members)
    if typing.get_origin(tp) is not None:
        return str(tp).replace("typing.", "")
    return "None" if tp is type(None) else getattr(tp, "__name__", str(tp))


def select(pairs: list[tuple[str, Any]]) -> tuple[dict[str, str], list[tuple[str, Any]]]:
    """Split the selectors (task, method, profile) from the value overrides."""
    chosen: dict[str, str] = {}
    rest = []
    for key, value in pairs:
        if key in SELECTORS:
            if not isinstance(value, str):
                raise ConfigError(f"'{key}' takes a name, got {value!r}")
            chosen[key] = value
        else:
            rest.append((key, value))
    return chosen, rest


def _resolve(chosen: dict[str, str]) -> tuple[TaskSpec, MethodSpec, str]:
    """The task, method and profile the selectors name; unknown or unfitting names are UserErrors."""
    from harness import registry

    for key in ("task", "method"):
        if key not in chosen:
            names = registry.tasks() if key == "task" else registry.methods()
            raise ConfigError(f"missing {key}=NAME; choose from {', '.join(sorted(names))}")
    task = registry.get_task(chosen["task"])
    method = registry.get_method(chosen["method"])
    registry.check_fits(task, method)
    profile = chosen.get("profile", "default")
    if profile not in PROFILES:
        raise unknown("profile", profile, PROFILES)
    return task, method, profile


def compose(args: list[str]) -> RunConfig:
    """Turn `bench run` arguments into a checked RunConfig, before any work starts."""
    return compose_pairs(parse_overrides(args))


def compose_pairs(pairs: Sequence[tuple[str, Any]]) -> RunConfig:
    """A checked RunConfig from (dotted key, value) pairs, selectors included: what `bench run` arguments
    become once parsed, and what `dlbench.run` builds from its keyword arguments, so both are checked alike."""
    chosen, rest = select(list(pairs))
    return build_config(*_resolve(chosen), rest)


def from_dict(config: dict[str, Any]) -> RunConfig:
    """Rebuild a RunConfig from a record's resolved config (reproduce, evaluate): its values are merged
    into the structured schema as the last layer, with the same checks and messages as the command line."""
    method = dict(config["method"])
    name = method.pop("name")
    chosen, _ = select([("task", config["task"]), ("method", name), ("profile", config["profile"])])
    values = {"seed": config["seed"], "output_dir": config.get("output_dir", "runs"), "method": method}
    values.update({node: config[node] for node in RECORD_NODES if node in config and node != "method"})
    return build_config(*_resolve(chosen), recorded=values)


def _evaluation_only(task: TaskSpec, method: MethodSpec) -> str | None:
    """Who forbids training in this pairing (an evaluation-only task or an untrained floor), if anyone."""
    if not task.trainable:
        return f"task '{task.name}'"
    if not method.trains:
        return f"method '{method.name}'"
    return None


def _layered(task: TaskSpec, method: MethodSpec, profile: str, frozen: str | None) -> Any:
    """The schema in struct mode with the profile layers merged in, lowest precedence first."""
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    cfg = OmegaConf.structured(_schema(task, method))
    OmegaConf.set_struct(cfg, True)
    layers = [
        ("task profile", {"data": dict(task.profiles.get(profile, {}))}),
        ("method profile", {k: dict(v) for k, v in method.profiles.get(profile, {}).items()}),
        (f"method profile for {task.name}",
         {k: dict(v) for k, v in method.task_profiles.get(task.name, {}).get(profile, {}).items()}),
    ]
    if frozen:
        layers.append((frozen, {"trainer": {"epochs": 0}}))
    for where, layer in layers:
        try:
            cfg = OmegaConf.merge(cfg, layer)
        except OmegaConfBaseException as err:  # a registry bug, not user input
            raise ValueError(f"{where} of {task.name}/{method.name}: {err}") from err
    return cfg


def _flatten(values: dict[str, Any], keys: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested record values as dotted keys; a dict is a node unless the schema has a key of that name."""
    flat: dict[str, Any] = {}
    for name, value in values.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict) and key not in keys:
            flat.update(_flatten(value, keys, f"{key}."))
        else:
            flat[key] = value
    return flat


@dataclass(frozen=True)
class _Keys:
    """The dotted keys of one task/method schema with their types, and the one-line errors about them."""

    types: dict[str, Any]
    task: str
    method: str

    def check(self, key: str) -> None:
        if key not in self.types:
            where = (f"method {self.method}" if key.startswith("method.")
                     else f"task {self.task}" if key.startswith("metrics.") else "the run config")
            raise unknown("key", key, self.types, where=where)

    def wrong_type(self, key: str, value: Any) -> ConfigError:
        return ConfigError(f"wrong type for '{key}': {value!r} is not {type_name(self.types[key])}")


def _merge_recorded(cfg: Any, values: dict[str, Any], keys: _Keys) -> Any:
    """A record's values merged into the layered schema in one structured merge (reproduce, evaluate)."""
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    flat = _flatten(values, keys.types)
    for key in flat:
        keys.check(key)
    try:
        return OmegaConf.merge(cfg, values)
    except OmegaConfBaseException as err:
        key = str(getattr(err, "full_key", "") or "")
        if key in flat:
            raise keys.wrong_type(key, flat[key]) from None
        raise ConfigError(f"invalid config: {str(err).splitlines()[0]}") from None


def _check_paths(task: TaskSpec, obj: Any) -> None:
    """The paths a run reads or writes, when given: checked here so that a bad one fails before any work."""
    path = obj.data.path
    if path is not None:
        if not task.reads_data_path:
            raise ConfigError(f"task '{task.name}' reads no data.path (its data is generated or built in); "
                            f"drop data.path={path}")
        if not Path(path).expanduser().exists():  # the task's loader expands ~ too
            raise ConfigError(f"data.path '{path}' does not exist; point it at a local copy of {task.name}'s data")
    if obj.data.cache_dir is not None:
        check_output_folder("data.cache_dir", obj.data.cache_dir)
    check_output_folder("output_dir", obj.output_dir)


def build_config(task: TaskSpec, method: MethodSpec, profile: str, overrides: Sequence[tuple[str, Any]] = (), *,
                 recorded: dict[str, Any] | None = None) -> RunConfig:
    """Schema defaults < profiles < `recorded` (a record's config) < `overrides` (the command line), checked."""
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    keys = _Keys(flat_keys(_schema(task, method)), task.name, method.name)
    frozen = _evaluation_only(task, method)
    cfg = _layered(task, method, profile, frozen)
    if recorded is not None:
        cfg = _merge_recorded(cfg, recorded, keys)
    for key, value in overrides:
        keys.check(key)
        try:
            OmegaConf.update(cfg, key, value, merge=False)
        except OmegaConfBaseException:
            raise keys.wrong_type(key, value) from None
    try:
        obj = OmegaConf.to_object(cfg)
    except OmegaConfBaseException as err:
        raise ConfigError(f"invalid config: {str(err).splitlines()[0]}") from None
    check_ranges(obj)  # seed, trainer.*, data.*, method.*, metrics.*: before any folder exists
    if recorded is None:  # a record's paths are those of the machine that made it (submit, reproduce read it anywhere)
        _check_paths(task, obj)
    if frozen and obj.trainer.epochs != 0:
        raise ConfigError(f"{frozen} is evaluated without training; drop trainer.epochs={obj.trainer.epochs} "
                        "(or set it to 0)")
    return RunConfig(task=task.name, method_name=method.name, profile=profile, seed=obj.seed, trainer=obj.trainer,
                     data=obj.data, method=obj.method, resume=obj.resume, output_dir=obj.output_dir,
                     metrics=getattr(obj, "metrics", None))
