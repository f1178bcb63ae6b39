"""Declared ranges for numeric config fields, checked before a run folder exists.

A params dataclass (a method's `method.*` node, a task's `metrics.*` node, the trainer and data nodes)
declares each number with `param`:

    width: int = param(32, ge=1, le=4096, help="channels of the first conv block")
    dropout: float = param(0.25, ge=0, lt=1)

`check_ranges` refuses a value outside its range, or a float that is not finite, with one line naming
the key; `undeclared` names the numeric fields that declare no range (the registry refuses those).
"""

from __future__ import annotations

import copy
import dataclasses
import math
import types
import typing
from dataclasses import dataclass
from typing import Any

from harness.errors import check_rule

NUMBERS = (int, float)


@dataclass(frozen=True)
class Range:
    """The values a number may take: at most one lower bound (ge or gt) and one upper bound (le or lt)."""

    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    lt: float | None = None

    def __post_init__(self) -> None:
        if self.ge is not None and self.gt is not None or self.le is not None and self.lt is not None:
            raise ValueError(f"{self!r}: give one lower bound (ge or gt) and one upper bound (le or lt)")

    def contains(self, value: float) -> bool:
        return ((self.ge is None or value >= self.ge) and (self.gt is None or value > self.gt)
                and (self.le is None or value <= self.le) and (self.lt is None or value < self.lt))

    def __str__(self) -> str:
        """The rule as an error message says it: 'in [0, 1)', '>= 1', '> 0', or 'finite' with no bound."""
        low, high = _number(self.ge if self.gt is None else self.gt), _number(self.le if self.lt is None else self.lt)
        if low is not None and high is not None:
            return f"in {'[' if self.gt is None else '('}{low}, {high}{']' if self.lt is None else ')'}"
        if low is not None:
            return f"{'>=' if self.gt is None else '>'} {low}"
        if high is not None:
            return f"{'<=' if self.lt is None else '<'} {high}"
        return "finite"


def _number(value: float | None) -> str | None:
    """A bound as a reader writes it: 1 rather than 1.0, 4096 rather than 4.096e+03."""
    if value is None:
        return None
    return str(int(value)) if float(value).is_integer() else repr(value)


def param(default: Any = dataclasses.MISSING, *, ge: float | None = None, gt: float | None = None,
          le: float | None = None, lt: float | None = None, help: str = "", neutral: bool = False) -> Any:
    """A dataclass field with its range and one-line help; `bench run --help` shows both. A list default
    (checked element by element) is copied per instance, as a default_factory would.

    `neutral=True` marks a field added after records existed whose default does exactly what the
    method did before it: at that default it is left out of the config hash (`neutral_defaults`), so
    the older records keep their hash and sweeps, resume and reproduce still find them."""
    rng = Range(ge=ge, gt=gt, le=le, lt=lt)
    text = f"{help}; {rng}" if help else str(rng)
    metadata = {"help": text, "range": rng, "neutral": neutral}
    if isinstance(default, (list, dict, set)):
        return dataclasses.field(default_factory=lambda: copy.deepcopy(default), metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def neutral_defaults(obj: Any) -> set[str]:
    """The names of `obj`'s fields declared `neutral` that hold their default value."""
    out = set()
    for f in dataclasses.fields(obj):
        default = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
        if f.metadata.get("neutral") and getattr(obj, f.name) == default:
            out.add(f.name)
    return out


def check_ranges(obj: Any, prefix: str = "") -> None:
    """Refuse (UserError) any number of a dataclass instance, nested ones too, that is not finite or lies
    outside its declared range; keys are dotted under `prefix` ('method' gives 'method.width')."""
    for f in dataclasses.fields(obj):
        key = f"{prefix}.{f.name}" if prefix else f.name
        value = getattr(obj, f.name)
        if dataclasses.is_dataclass(value):
            check_ranges(value, key)
        elif isinstance(value, (list, tuple)):
            for i, item in enumerate(value):
                _check_number(f"{key}[{i}]", item, f.metadata.get("range"))
        else:
            _check_number(key, value, f.metadata.get("range"))


def _check_number(key: str, value: Any, rng: Range | None) -> None:
    if isinstance(value, bool) or not isinstance(value, NUMBERS):
        return
    if isinstance(value, float):
        check_rule(key, value, math.isfinite(value), "a finite number")
    if rng is not None:
        check_rule(key, value, rng.contains(value), str(rng))


def union_members(tp: Any) -> tuple[Any, ...]:
    """The types a union (`str | None`, `Optional[str]`) allows; the type itself when it is not a union."""
    is_union = isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union
    return typing.get_args(tp) if is_union else (tp,)


def _is_numeric(tp: Any) -> bool:
    """int, float, their Optional forms, and lists or tuples of them (bool is not a number here)."""
    for member in union_members(tp):
        if member in NUMBERS:
            return True
        if typing.get_origin(member) in (list, tuple) and any(a in NUMBERS for a in typing.get_args(member)):
            return True
    return False


def undeclared(params_cls: type, prefix: str = "") -> list[str]:
    """The numeric fields of a params dataclass (nested ones too) that declare no range with `param`."""
    hints = typing.get_type_hints(params_cls)
    missing: list[str] = []
    for f in dataclasses.fields(params_cls):
        tp, name = hints[f.name], f"{prefix}{f.name}"
        if dataclasses.is_dataclass(tp):
            missing += undeclared(tp, f"{name}.")
        elif _is_numeric(tp) and "range" not in f.metadata:
            missing.append(name)
    return missing
