"""Command options: `key=value` arguments that steer a command (how many processes, which launcher)
but are not part of the run config, so they never change a run's config hash.

Each command declares its options as a dataclass; values are parsed by Hydra's override grammar
and checked by OmegaConf in struct mode, exactly like the run config (harness/config.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from harness.errors import UserError, unknown

T = TypeVar("T")


def option_key(arg: str) -> str:
    """The key of a `key=value` argument ('' when there is no '=')."""
    return arg.split("=", 1)[0] if "=" in arg else ""


def split(args: list[str], is_option: Callable[[str], bool]) -> tuple[list[str], list[str]]:
    """(option arguments, the rest), each in the order given."""
    options = [a for a in args if is_option(option_key(a))]
    return options, [a for a in args if not is_option(option_key(a))]


def parse(option_args: list[str], schema: type[T], command: str) -> T:
    """Typed options of `command` from `key=value` arguments; unknown keys and bad types are UserErrors."""
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    from harness.config import _flat_keys, _type_name, parse_overrides

    keys = _flat_keys(schema)
    cfg = OmegaConf.structured(schema)
    OmegaConf.set_struct(cfg, True)
    for key, value in parse_overrides(option_args, command):
        if key not in keys:
            raise unknown("option", key, keys, where=f"'bench {command}'")
        try:
            OmegaConf.update(cfg, key, value, merge=False)
        except OmegaConfBaseException:
            raise UserError(f"wrong type for '{key}': {value!r} is not {_type_name(keys[key])}") from None
    try:
        return OmegaConf.to_object(cfg)  # type: ignore[return-value]
    except OmegaConfBaseException as err:
        raise UserError(f"invalid option: {str(err).splitlines()[0]}") from None


def check_at_least(key: str, value: Any, low: int) -> None:
    if value < low:
        raise UserError(f"invalid value {value} for '{key}': must be >= {low}")
