"""User-facing errors: one hierarchy for the command line and the Python API. `bench` turns any of them into
one line on stderr and exit code 2; `import dlbench` exposes them as `dlbench.Error` and its subclasses, with
the same one-line messages, so a notebook can catch exactly what the command line would refuse."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class UserError(Exception):
    """Bad input from the user (name, key, type, path, file). Never carries a traceback. (`dlbench.Error`)"""


class UnknownNameError(UserError):
    """A name nothing is registered under: task, method, family, profile, config key, option, format."""


class ConfigError(UserError):
    """A run config the typed schema refuses: a wrong type, a value outside its rule or choices, a method that
    does not fit the task, a data path that is not there."""


def did_you_mean(word: str, choices: Iterable[str], n: int = 3) -> str:
    """'; did you mean 'x'?' with the close matches, or a list of valid choices when none is close."""
    choices = sorted(set(choices))
    close = difflib.get_close_matches(word, choices, n=n, cutoff=0.6)
    if close:
        return "; did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
    if len(choices) <= 12:
        return "; choose from " + ", ".join(choices)
    return ""


def check_choice(key: str, value: str, choices: Iterable[str]) -> None:
    """A setting that must be one of a fixed set: one line naming the key, the value and the choices."""
    if value not in choices:
        raise ConfigError(f"invalid value '{value}' for '{key}'{did_you_mean(value, choices)}")


def check_rule(key: str, value: object, ok: bool, rule: str) -> None:
    """A setting that must satisfy a rule, such as 'in (0, 1]': one line naming the key, the value and the rule."""
    if not ok:
        raise ConfigError(f"invalid value {value} for '{key}': must be {rule}")


def unknown(kind: str, word: str, choices: Iterable[str], where: str = "") -> UnknownNameError:
    suffix = f" in {where}" if where else ""
    return UnknownNameError(f"unknown {kind} '{word}'{suffix}{did_you_mean(word, choices)}")
