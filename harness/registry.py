"""The task and method registries: a dict each, filled by `register_task` / `register_method`.

Every task or method is registered in exactly one place: its own module under tasks/ or
baselines/. Discovery imports those packages on first use; their modules must stay light
(no torch at import), which keeps `bench list` fast. Extra modules can be named in the
DLBENCH_PLUGINS environment variable (comma-separated) to add tasks without forking.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from collections.abc import Callable
from typing import TypeVar

from harness.errors import UserError, unknown
from harness.specs import MethodSpec, TaskSpec

_TASKS: dict[str, TaskSpec] = {}
_METHODS: dict[str, MethodSpec] = {}
_discovered = False
_PACKAGES = ("tasks", "baselines")

F = TypeVar("F", bound=Callable)


def register_task(spec: TaskSpec) -> TaskSpec:
    if spec.name in _TASKS:
        raise ValueError(f"task {spec.name!r} is already registered")
    _TASKS[spec.name] = spec
    return spec


def register_method(**fields) -> Callable[[F], F]:
    """Decorator on a model builder: `@register_method(name=..., version=..., fits=..., params=...)`."""

    def wrap(build: F) -> F:
        spec = MethodSpec(build=build, **fields)
        if spec.name in _METHODS:
            raise ValueError(f"method {spec.name!r} is already registered")
        _METHODS[spec.name] = spec
        return build

    return wrap


def unregister(name: str) -> None:
    """Remove a task or method (tests register throwaway entries)."""
    _TASKS.pop(name, None)
    _METHODS.pop(name, None)


def discover() -> None:
    global _discovered
    if _discovered:
        return
    _discovered = True
    for package in _PACKAGES:
        pkg = importlib.import_module(package)
        for info in pkgutil.iter_modules(pkg.__path__):
            if not info.name.startswith("_"):
                importlib.import_module(f"{package}.{info.name}")
    for module in filter(None, os.environ.get("DLBENCH_PLUGINS", "").split(",")):
        try:
            importlib.import_module(module.strip())
        except ImportError as err:
            raise UserError(f"DLBENCH_PLUGINS: cannot import '{module}': {err}") from None


def tasks() -> dict[str, TaskSpec]:
    discover()
    return dict(_TASKS)


def methods() -> dict[str, MethodSpec]:
    discover()
    return dict(_METHODS)


def get_task(name: str) -> TaskSpec:
    discover()
    if name not in _TASKS:
        raise unknown("task", name, _TASKS)
    return _TASKS[name]


def get_method(name: str) -> MethodSpec:
    discover()
    if name not in _METHODS:
        raise unknown("method", name, _METHODS)
    return _METHODS[name]


def fitting_methods(task: TaskSpec) -> list[str]:
    return sorted(n for n, m in methods().items() if task.family in m.fits)


def check_fits(task: TaskSpec, method: MethodSpec) -> None:
    if task.family not in method.fits:
        fits = ", ".join(fitting_methods(task)) or "none"
        raise UserError(
            f"method '{method.name}' does not fit task '{task.name}' (family {task.family}; "
            f"'{method.name}' fits {', '.join(method.fits)}); methods for '{task.name}': {fits}"
        )
