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
import typing
from dataclasses import dataclass, field
from typing import Any

from harness.errors import UserError, check_choice, check_rule, unknown
from harness.specs import PROFILES, MethodSpec, TaskSpec

OPTIMIZERS = ("adamw", "sgd", "adam")
SCHEDULERS = ("cosine", "constant")
PRECISIONS = ("no", "fp16", "bf16")


def _check_positive(key: str, value: float | None, allow_zero: bool = False) -> None:
    if value is not None:
        check_rule(key, value, value > 0 or (allow_zero and value == 0), ">= 0" if allow_zero else "> 0")


@dataclass
class TrainerConfig:
    epochs: int = 10  # 0 = evaluate only (pretrained weights, untrained floors, evaluation-only tasks)
    batch_size: int = 64  # per device; effective batch = batch_size * world_size
    eval_batch_size: int = 256
    lr: float = 1e-3
    weight_decay: float = 0.0
    optimizer: str = "adamw"
    scheduler: str = "cosine"
    warmup_epochs: int = 0
    grad_clip: float = 0.0  # 0 disables clipping
    mixed_precision: str = "no"
    log_every: int = 1  # epochs between log lines / validation

    def __post_init__(self) -> None:
        _check_positive("trainer.epochs", self.epochs, allow_zero=True)
        _check_positive("trainer.batch_size", self.batch_size)
        _check_positive("trainer.eval_batch_size", self.eval_batch_size)
        _check_positive("trainer.lr", self.lr)
        _check_positive("trainer.weight_decay", self.weight_decay, allow_zero=True)
        _check_positive("trainer.warmup_epochs", self.warmup_epochs, allow_zero=True)
        _check_positive("trainer.grad_clip", self.grad_clip, allow_zero=True)
        _check_positive("trainer.log_every", self.log_every)
        check_choice("trainer.optimizer", self.optimizer, OPTIMIZERS)
        check_choice("trainer.scheduler", self.scheduler, SCHEDULERS)
        check_choice("trainer.mixed_precision", self.mixed_precision, PRECISIONS)


@dataclass
class DataConfig:
    path: str | None = None  # local copy of a hub dataset (parquet folder or save_to_disk folder)
    train_size: int | None = None  # cap on training examples (profiles set it); None = all
    eval_size: int | None = None  # cap on val and test examples; None = the whole fixed splits
    cache_dir: str | None = None  # default: $DLBENCH_CACHE or ~/.cache/dlbench
    num_workers: int = 0

    def __post_init__(self) -> None:
        _check_positive("data.train_size", self.train_size)
        _check_positive("data.eval_size", self.eval_size)
        _check_positive("data.num_workers", self.num_workers, allow_zero=True)


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
        return hashlib.sha256(json.dumps(d, sort_keys=True).encode()).hexdigest()[:12]


SELECTORS = ("task", "method", "profile")


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


def _schema(task: TaskSpec, method: MethodSpec) -> type:
    """The dataclass that OmegaConf checks every key and type against."""
    fields = [
        ("seed", int, field(default=0)),
        ("resume", bool, field(default=False)),
        ("output_dir", str, field(default="runs")),
        ("trainer", TrainerConfig, field(default_factory=TrainerConfig)),
        ("data", DataConfig, field(default_factory=DataConfig)),
        ("method", method.params, field(default_factory=method.params)),
    ]
    if task.metric_params is not None:
        fields.append(("metrics", task.metric_params, field(default_factory=task.metric_params)))
    return dataclasses.make_dataclass("RunSchema", fields)


def _flat_keys(cls: type, prefix: str = "") -> dict[str, Any]:
    """Every dotted key of a dataclass schema with its type (for suggestions and messages)."""
    hints = typing.get_type_hints(cls)
    keys: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        tp = hints[f.name]
        if dataclasses.is_dataclass(tp):
            keys.update(_flat_keys(tp, f"{prefix}{f.name}."))
        else:
            keys[f"{prefix}{f.name}"] = tp
    return keys


def _type_name(tp: Any) -> str:
    return getattr(tp, "__name__", None) or str(tp).replace("typing.", "")


def select(pairs: list[tuple[str, Any]]) -> tuple[dict[str, str], list[tuple[str, Any]]]:
    """Split the selectors (task, method, profile) from the value overrides."""
    chosen: dict[str, str] = {}
    rest = []
    for key, value in pairs:
        if key in SELECTORS:
            if not isinstance(value, str):
                raise UserError(f"'{key}' takes a name, got {value!r}")
            chosen[key] = value
        else:
            rest.append((key, value))
    return chosen, rest


def compose(args: list[str]) -> RunConfig:
    """Turn `bench run` arguments into a checked RunConfig, before any work starts."""
    from harness import registry

    chosen, rest = select(parse_overrides(args))
    for key in ("task", "method"):
        if key not in chosen:
            names = registry.tasks() if key == "task" else registry.methods()
            raise UserError(f"missing {key}=NAME; choose from {', '.join(sorted(names))}")
    task = registry.get_task(chosen["task"])
    method = registry.get_method(chosen["method"])
    registry.check_fits(task, method)
    profile = chosen.get("profile", "default")
    if profile not in PROFILES:
        raise unknown("profile", profile, PROFILES)
    return build_config(task, method, profile, rest)


def _evaluation_only(task: TaskSpec, method: MethodSpec) -> str | None:
    """Who forbids training in this pairing (an evaluation-only task or an untrained floor), if anyone."""
    if not task.trainable:
        return f"task '{task.name}'"
    if not method.trains:
        return f"method '{method.name}'"
    return None


def build_config(
    task: TaskSpec, method: MethodSpec, profile: str, overrides: list[tuple[str, Any]]
) -> RunConfig:
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    schema = _schema(task, method)
    keys = _flat_keys(schema)
    cfg = OmegaConf.structured(schema)
    OmegaConf.set_struct(cfg, True)
    layers = [
        ("task profile", {"data": dict(task.profiles.get(profile, {}))}),
        ("method profile", {k: dict(v) for k, v in method.profiles.get(profile, {}).items()}),
        (f"method profile for {task.name}",
         {k: dict(v) for k, v in method.task_profiles.get(task.name, {}).get(profile, {}).items()}),
    ]
    frozen = _evaluation_only(task, method)
    if frozen:
        layers.append((frozen, {"trainer": {"epochs": 0}}))
    for where, layer in layers:
        try:
            cfg = OmegaConf.merge(cfg, layer)
        except OmegaConfBaseException as err:  # a registry bug, not user input
            raise ValueError(f"{where} of {task.name}/{method.name}: {err}") from err
    for key, value in overrides:
        if key not in keys:
            where = ("method " + method.name if key.startswith("method.")
                     else f"task {task.name}" if key.startswith("metrics.") else "the run config")
            raise unknown("key", key, keys, where=where)
        try:
            OmegaConf.update(cfg, key, value, merge=False)
        except OmegaConfBaseException:
            raise UserError(
                f"wrong type for '{key}': {value!r} is not {_type_name(keys[key])}"
            ) from None
    try:
        obj = OmegaConf.to_object(cfg)
    except OmegaConfBaseException as err:
        raise UserError(f"invalid config: {str(err).splitlines()[0]}") from None
    if frozen and obj.trainer.epochs != 0:
        raise UserError(f"{frozen} is evaluated without training; drop trainer.epochs={obj.trainer.epochs} "
                        "(or set it to 0)")
    return RunConfig(
        task=task.name,
        method_name=method.name,
        profile=profile,
        seed=obj.seed,
        trainer=obj.trainer,
        data=obj.data,
        method=obj.method,
        resume=obj.resume,
        output_dir=obj.output_dir,
        metrics=getattr(obj, "metrics", None),
    )


def from_dict(config: dict[str, Any]) -> RunConfig:
    """Rebuild a RunConfig from a record's resolved config (used by reproduce and resume)."""
    method = dict(config["method"])
    name = method.pop("name")
    args = [f"task={config['task']}", f"method={name}", f"profile={config['profile']}"]
    args += [f"seed={config['seed']}", f"output_dir={json.dumps(config.get('output_dir', 'runs'))}"]
    for node in ("trainer", "data", "metrics"):  # records from before a task had metrics.* lack that node
        args += [f"{node}.{k}={_literal(v)}" for k, v in config.get(node, {}).items()]
    args += [f"method.{k}={_literal(v)}" for k, v in method.items()]
    return compose(args)


def _literal(value: Any) -> str:
    """A Python value as a Hydra override literal."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_literal(v) for v in value) + "]"
    return repr(value)
