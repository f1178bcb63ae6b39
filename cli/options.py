"""The one option parser of `bench`: a command's `key=value` arguments into its options dataclass.

Every command declares its options as a dataclass whose fields carry a one-line meaning in
`field(metadata={"help": ...})`. Values use Hydra's override grammar (harness.config.parse_overrides)
and are checked by OmegaConf in struct mode, like the run config; a bool takes only true or false,
and a list of names also takes one name. `bench COMMAND --help` is printed from the same dataclasses
(cli/help.py). The run config itself (`bench run`, `bench sweep`) is composed by harness.config.compose.

Options are never part of a run config, so they never change a config hash.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from harness.errors import UserError, unknown

T = TypeVar("T")

# A value Hydra reads as this very string: a plain name or path, not a number, bool, null, list, quoted
# string or interpolation. Options made only of these, for string keys, are taken as they are, so that
# `bench show task=NAME` and `bench run method=NAME --help` never import Hydra and OmegaConf (0.3 s).
_PLAIN_VALUE = re.compile(r"[A-Za-z_/][A-Za-z0-9_./-]*")
_PLAIN_KEY = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")
_HYDRA_WORDS = ("null", "true", "false", "nan", "inf")  # any case: Hydra turns these into values


@dataclass(frozen=True)
class Key:
    """One dotted option key as `--help` shows it."""

    name: str
    type: str
    default: str
    help: str


@dataclass(frozen=True)
class Command:
    """One `bench` command: what `bench --help` and `bench NAME --help` say, and the function it runs."""

    name: str
    summary: str  # one line for `bench --help`
    usage: str  # the arguments after `bench NAME`
    options: type  # the dataclass its key=value options are parsed into
    run: Callable[[list[str]], int]  # the command on its arguments; the exit code
    # more key tables for --help beyond `options` (run: the run config, method.* of method=NAME); args given
    more_keys: Callable[[list[str]], list[tuple[str, list[Key]]]] | None = None
    arguments: tuple[tuple[str, str], ...] = ()  # (NAME, meaning) of each argument without '=' it takes
    note: str = ""  # a closing line of --help


# -- types -------------------------------------------------------------------------------------------

def _members(tp: Any) -> tuple[Any, ...]:
    from harness.config import union_members

    return union_members(tp)


def _is_list(tp: Any) -> bool:
    return any(typing.get_origin(m) is list for m in _members(tp))


def _checked(key: str, tp: Any, value: Any) -> Any:
    """Rules OmegaConf does not enforce: bools are true or false; lists of names also take one name."""
    from harness.config import type_name

    members = _members(tp)
    if bool in members and not isinstance(value, bool):
        raise UserError(f"'{key}' takes true or false, got {value!r}")
    if isinstance(value, bool) and bool not in members and (int in members or float in members):
        raise UserError(f"wrong type for '{key}': {value!r} is not {type_name(tp)}")
    if _is_list(tp) and value is not None:
        value = value if isinstance(value, list) else [value]
        if not value or any(isinstance(v, (list, dict)) or v is None for v in value):
            raise UserError(f"'{key}' takes a name or a list of names, got {value!r}")
    return value


# -- parsing -----------------------------------------------------------------------------------------

def key_of(arg: str) -> str:
    """The key of a `key=value` argument ('' when there is no '=')."""
    return arg.split("=", 1)[0] if "=" in arg else ""


def split(args: list[str], schema: type) -> tuple[list[str], list[str]]:
    """(the arguments that are `schema`'s options, the rest), each in the order given."""
    hints = typing.get_type_hints(schema)
    names = set(hints) & {f.name for f in dataclasses.fields(schema)}
    nodes = tuple(f"{name}." for name in names if dataclasses.is_dataclass(hints[name]))

    def is_option(arg: str) -> bool:
        key = key_of(arg)
        return key in names or key.startswith(nodes)

    return [a for a in args if is_option(a)], [a for a in args if not is_option(a)]


def parse(command: str, schema: type[T], args: list[str]) -> T:
    """`bench COMMAND`'s options from `key=value` arguments; unknown keys and bad values are UserErrors."""
    if args and not dataclasses.fields(schema):
        raise UserError(f"'bench {command}' takes no arguments, got '{args[0]}'")
    plain = _plain(schema, args)
    return plain if plain is not None else _parse(command, schema, args)


def parse_with_paths(command: str, schema: type[T], args: list[str]) -> tuple[T, list[str]]:
    """Options as `parse`, and the arguments without '=' (a run folder, record files) in order."""
    return parse(command, schema, [a for a in args if "=" in a]), [a for a in args if "=" not in a]


def _plain(schema: type[T], args: list[str]) -> T | None:
    """The options when every argument sets a string key to a plain name (what Hydra would give); else None."""
    from harness.config import flat_keys

    if not args:
        return schema()
    kinds = flat_keys(schema)
    pairs = [a.split("=", 1) for a in args if "=" in a]
    if len(pairs) != len(args) or len({k for k, _ in pairs}) != len(pairs):
        return None
    for key, value in pairs:
        plain = _PLAIN_KEY.fullmatch(key) and _PLAIN_VALUE.fullmatch(value) and value.lower() not in _HYDRA_WORDS
        if not plain or key not in kinds or str not in _members(kinds[key]) or _is_list(kinds[key]):
            return None
    return _build(schema, dict(pairs))


def _build(schema: type[T], values: dict[str, Any], prefix: str = "") -> T:
    hints = typing.get_type_hints(schema)
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(schema):
        key = f"{prefix}{f.name}"
        if dataclasses.is_dataclass(hints[f.name]):
            kwargs[f.name] = _build(hints[f.name], values, f"{key}.")
        elif key in values:
            kwargs[f.name] = values[key]
    return schema(**kwargs)


def _parse(command: str, schema: type[T], args: list[str]) -> T:
    """Hydra's grammar, then OmegaConf in struct mode, then the dataclass's own checks."""
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    from harness.config import flat_keys, parse_overrides, type_name

    kinds = flat_keys(schema)
    cfg = OmegaConf.structured(schema)
    OmegaConf.set_struct(cfg, True)
    for key, value in parse_overrides(args, command):
        if key not in kinds:
            raise unknown("option", key, kinds, where=f"'bench {command}'")
        value = _checked(key, kinds[key], value)
        try:
            OmegaConf.update(cfg, key, value, merge=False)
        except OmegaConfBaseException:
            raise UserError(f"wrong type for '{key}': {value!r} is not {type_name(kinds[key])}") from None
    try:
        return OmegaConf.to_object(cfg)  # type: ignore[return-value]
    except OmegaConfBaseException as err:
        raise UserError(f"invalid option: {str(err).splitlines()[0]}") from None


# -- what --help shows -------------------------------------------------------------------------------

def default_text(value: Any) -> str:
    """A default as it would be typed on the command line."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(default_text(v) for v in value) + "]"
    return str(value)


def keys(schema: type, prefix: str = "") -> list[Key]:
    """Every dotted key of `schema` with its type, default (or "required") and one-line meaning."""
    from harness.config import type_name

    hints = typing.get_type_hints(schema)
    out: list[Key] = []
    for f in dataclasses.fields(schema):
        tp = hints[f.name]
        if dataclasses.is_dataclass(tp):
            out += keys(tp, f"{prefix}{f.name}.")
            continue
        if f.default is not dataclasses.MISSING:
            default = default_text(f.default)
        elif f.default_factory is not dataclasses.MISSING:
            default = default_text(f.default_factory())
        else:
            default = "required"
        out.append(Key(f"{prefix}{f.name}", type_name(tp), default, f.metadata.get("help", "")))
    return out
