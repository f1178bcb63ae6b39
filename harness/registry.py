"""The family, task and method registries: a dict each, filled by `register_family`,
`register_task` and `register_method`.

Every family, task or method is registered in exactly one place: its own package or module under
tasks/ or baselines/. Discovery imports those packages on first use (families and tasks first, so a
method's `fits=` can be checked when it registers); their modules must stay light (no torch at
import), which keeps `bench list` fast. Extra modules named in the DLBENCH_PLUGINS environment
variable (comma-separated, imported in that order) add families, tasks and methods without forking.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from collections.abc import Callable, Iterable
from typing import TypeVar

from harness.bibliography import check_known
from harness.errors import ConfigError, UserError, unknown
from harness.params import undeclared
from harness.specs import FamilySpec, MethodSpec, TaskSpec

_FAMILIES: dict[str, FamilySpec] = {}
_TASKS: dict[str, TaskSpec] = {}
_METHODS: dict[str, MethodSpec] = {}
_imported: set[str] = set()  # packages whose modules discovery has imported (or is importing)
_PACKAGES = ("tasks", "baselines")

F = TypeVar("F", bound=Callable)
T = TypeVar("T")


def register_family(spec: FamilySpec) -> FamilySpec:
    if spec.name in _FAMILIES:
        raise ValueError(f"family {spec.name!r} is already registered")
    _FAMILIES[spec.name] = spec
    return spec


def register_task(spec: TaskSpec) -> TaskSpec:
    if spec.name in _TASKS:
        raise ValueError(f"task {spec.name!r} is already registered")
    if spec.family not in _FAMILIES:
        raise unknown("family", spec.family, _FAMILIES, where=f"task '{spec.name}'")
    check_known("task", spec.name, spec.cite)
    _TASKS[spec.name] = spec
    return spec


def _check_fits(spec: MethodSpec) -> None:
    """Every family a method claims to fit exists and trains with the method's objective."""
    _import_package("tasks")  # the built-in families, when a baseline module is imported on its own
    for name in spec.fits:
        if name not in _FAMILIES:
            raise unknown("family", name, _FAMILIES, where=f"method '{spec.name}' (fits=)")
        family = _FAMILIES[name]
        if spec.objective not in family.objectives:
            raise UserError(f"method '{spec.name}': objective '{spec.objective}' is not offered by family "
                            f"'{name}' (it offers {', '.join(family.objectives)})")


def register_method(**fields) -> Callable[[F], F]:
    """Decorator on a model builder: `@register_method(name=..., version=..., fits=..., params=...)`.
    A family in `fits` that does not exist, or that does not offer the method's objective, is an
    error here, at registration, not when a run starts; so is a numeric param without a declared range."""

    def wrap(build: F) -> F:
        spec = MethodSpec(build=build, **fields)
        if spec.name in _METHODS:
            raise ValueError(f"method {spec.name!r} is already registered")
        missing = undeclared(spec.params)
        if missing:
            raise ValueError(f"method {spec.name!r}: {spec.params.__name__} declares no range for "
                             f"{', '.join(missing)}; declare each with harness.params.param(default, ge=..., le=...)")
        _check_fits(spec)
        check_known("method", spec.name, spec.cite)
        _METHODS[spec.name] = spec
        return build

    return wrap


def unregister(name: str) -> None:
    """Remove a family, task or method (tests register throwaway entries)."""
    _FAMILIES.pop(name, None)
    _TASKS.pop(name, None)
    _METHODS.pop(name, None)


def _import_package(package: str) -> None:
    """Import every public module of a registry package once (marked first: imports may recurse)."""
    if package in _imported:
        return
    _imported.add(package)
    pkg = importlib.import_module(package)
    for info in pkgutil.iter_modules(pkg.__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{package}.{info.name}")


def discover() -> None:
    if "plugins" in _imported:
        return
    for package in _PACKAGES:  # families and tasks before methods
        _import_package(package)
    _imported.add("plugins")
    for module in filter(None, (m.strip() for m in os.environ.get("DLBENCH_PLUGINS", "").split(","))):
        try:
            importlib.import_module(module)
        except ImportError as err:
            raise UserError(f"DLBENCH_PLUGINS: cannot import '{module}': {err}") from None
        except ValueError as err:  # a spec the registry refused (a duplicate name, an unpinned revision, ...)
            raise UserError(f"DLBENCH_PLUGINS: '{module}' registers an invalid entry: {err}") from None


def _lookup(kind: str, table: dict[str, T], name: str) -> T:
    """One registered entry by name, after discovery; an unknown name is a UserError with suggestions."""
    discover()
    if name not in table:
        raise unknown(kind, name, table)
    return table[name]


def families() -> dict[str, FamilySpec]:
    discover()
    return dict(_FAMILIES)


def tasks() -> dict[str, TaskSpec]:
    discover()
    return dict(_TASKS)


def methods() -> dict[str, MethodSpec]:
    discover()
    return dict(_METHODS)


def get_family(name: str) -> FamilySpec:
    return _lookup("family", _FAMILIES, name)


def get_task(name: str) -> TaskSpec:
    return _lookup("task", _TASKS, name)


def get_method(name: str) -> MethodSpec:
    return _lookup("method", _METHODS, name)


def fitting_methods(task: TaskSpec) -> list[str]:
    return sorted(n for n, m in methods().items() if task.family in m.fits)


def check_fits(task: TaskSpec, method: MethodSpec) -> None:
    if task.family not in method.fits:
        fits = ", ".join(fitting_methods(task)) or "none"
        raise ConfigError(
            f"method '{method.name}' does not fit task '{task.name}' (family {task.family}; "
            f"'{method.name}' fits {', '.join(method.fits)}); methods for '{task.name}': {fits}"
        )


def cite_keys(task_names: Iterable[str], method_names: Iterable[str]) -> list[str]:
    """The keys the named tasks, then the named methods, cite: in that order, each once. The names come
    from records, so one not registered here (a plugin's, not loaded) cites nothing; `unregistered` names them."""
    tasks_, methods_ = tasks(), methods()
    specs = [tasks_[n] for n in task_names if n in tasks_] + [methods_[n] for n in method_names if n in methods_]
    return list(dict.fromkeys(key for spec in specs for key in spec.cite))


def unregistered(task_names: Iterable[str], method_names: Iterable[str]) -> list[str]:
    """The names `cite_keys` finds no registered task or method for, in order (to tell the user)."""
    tasks_, methods_ = tasks(), methods()
    return [n for n in task_names if n not in tasks_] + [n for n in method_names if n not in methods_]
