"""What the registry holds, as data: the frozen TaskSpec and MethodSpec that `bench list` and `bench show` print."""

from __future__ import annotations

from typing import TYPE_CHECKING

from harness.errors import unknown

if TYPE_CHECKING:
    from harness.specs import MethodSpec, TaskSpec


def tasks(family: str | None = None) -> dict[str, TaskSpec]:
    """Every registered task by name (sorted), or only those of `family`."""
    from harness import registry

    if family is not None:
        registry.get_family(family)  # an unknown family is an error, not an empty dict
    found = registry.tasks()
    return {name: found[name] for name in sorted(found) if family is None or found[name].family == family}


def methods(family: str | None = None) -> dict[str, MethodSpec]:
    """Every registered method by name (sorted), or only those that fit `family`'s tasks."""
    from harness import registry

    if family is not None:
        registry.get_family(family)
    found = registry.methods()
    return {name: found[name] for name in sorted(found) if family is None or family in found[name].fits}


def show(name: str) -> TaskSpec | MethodSpec:
    """The spec of the task or method called `name` (no name is both)."""
    from harness import registry

    found_tasks, found_methods = registry.tasks(), registry.methods()
    if name in found_tasks:
        return found_tasks[name]
    if name in found_methods:
        return found_methods[name]
    raise unknown("task or method", name, [*found_tasks, *found_methods])
