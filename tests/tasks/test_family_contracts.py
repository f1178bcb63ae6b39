"""Every registered family keeps its contract: its dummy model is an instance of its interface, its
protocols offer exactly its objectives, and the dummy trains and is scored on every task of the
family through the real runner (lm-evaluation-harness's DummyLM habit: a new family or task is
tested here without a new test)."""

from __future__ import annotations

import importlib
import inspect
import os
from dataclasses import dataclass

import pytest

from harness import registry
from harness.contracts import TaskInfo
from harness.specs import resolve

FAMILIES = sorted(registry.families())
TASKS = sorted(registry.tasks())


@dataclass
class NoParams:
    """A dummy method has no hyper-parameters."""


def _info(family: str) -> TaskInfo:
    """The TaskInfo of the family's first task, as its builder declares it."""
    task = next(t for t in registry.tasks().values() if t.family == family)
    return TaskInfo(task.name, family, task.input_shape, task.num_classes)


def _interface_methods(interface: type) -> dict[str, list[str]]:
    """Each method the Protocol declares, with its parameter names (`__call__` stands for `forward`)."""
    out = {}
    for name, fn in vars(interface).items():
        if inspect.isfunction(fn) and (name == "__call__" or not name.startswith("_")):
            out["forward" if name == "__call__" else name] = list(inspect.signature(fn).parameters)[1:]
    return out


@pytest.mark.parametrize("family", FAMILIES)
def test_dummy_is_an_instance_of_the_family_interface(family):
    spec = registry.get_family(family)
    model = spec.build_dummy(_info(family))
    assert isinstance(model, spec.interface)
    for name, params in _interface_methods(spec.interface).items():  # the same names, in the same order
        assert list(inspect.signature(getattr(model, name)).parameters) == params, (family, name)
    assert sum(p.numel() for p in model.parameters() if p.requires_grad) <= 1000, "a dummy stays tiny"


def test_interfaces_are_runtime_checkable_and_refuse_what_lacks_their_methods():
    for spec in registry.families().values():
        assert getattr(spec.interface, "_is_runtime_protocol", False), spec.name
        assert not isinstance(object(), spec.interface), spec.name


@pytest.mark.parametrize("family", FAMILIES)
def test_family_objectives_are_its_protocols_objectives(family):
    spec = registry.get_family(family)
    assert spec.protocols
    for ref in spec.protocols:
        assert tuple(resolve(ref).objectives) == spec.objectives, ref


def _plugin_modules() -> list[str]:
    return [m.strip() for m in os.environ.get("DLBENCH_PLUGINS", "").split(",") if m.strip()]


@pytest.mark.parametrize("family", FAMILIES)
def test_family_is_declared_in_its_own_package(family):
    spec = registry.get_family(family)
    refs = [spec.interface.__module__, *(r.partition(":")[0] for r in (*spec.protocols, spec.dummy))]
    plugin = next((m for m in _plugin_modules() if getattr(importlib.import_module(m), "FAMILY", None) is spec), None)
    if plugin is not None:
        return
    package = f"tasks.{family.replace('-', '_')}"
    assert importlib.import_module(package).FAMILY is spec
    assert all(r == package or r.startswith(package + ".") for r in refs), refs


def test_every_task_names_a_registered_family():
    families = registry.families()
    for task in registry.tasks().values():
        assert task.family in families, task.name


@pytest.fixture
def dummy_method():
    """Registers `dummy-<family>` for the test (the family's dummy, with no parameters) and removes it."""
    registered = []

    def register(family: str, seen: list[TaskInfo]) -> str:
        spec = registry.get_family(family)
        name = f"dummy-{family}"

        def build(info: TaskInfo, params: NoParams):
            seen.append(info)
            return spec.build_dummy(info)

        registry.register_method(name=name, version="0", fits=(family,), params=NoParams, objective=spec.objectives[0],
                                 description=f"{family}'s dummy model (tests only)")(build)
        registered.append(name)
        return name

    yield register
    for name in registered:
        registry.unregister(name)


@pytest.mark.parametrize("task", TASKS)
def test_dummy_trains_and_is_scored_on_every_task(task, dummy_method, smoke_args, check_rescoring):
    from harness.config import compose
    from harness.runner import run

    spec = registry.get_task(task)
    seen: list[TaskInfo] = []
    method = dummy_method(spec.family, seen)
    epochs = ["trainer.epochs=1"] if spec.trainable else []  # evaluation-only tasks run with 0 epochs
    result = run(compose(smoke_args(task, method, *epochs)))
    assert result.record.status == "completed", result.record.error
    assert sorted(result.record.metrics) == sorted(m.name for m in spec.metrics)
    for metric in spec.metrics:
        low, high = metric.range or (float("-inf"), float("inf"))
        assert low <= result.record.metrics[metric.name] <= high, metric.name
    # the task's rescoring hooks give the record's metrics back from the run's per-example file
    check_rescoring(spec, result.record.metrics, result.run_dir / result.record.per_example.file)
    assert [(i.name, i.family, i.input_shape, i.num_classes) for i in seen] == [
        (task, spec.family, spec.input_shape, spec.num_classes)]
    assert len(result.record.history) == (1 if spec.trainable else 0)
