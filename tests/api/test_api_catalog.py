"""`dlbench.tasks`, `methods`, `show`: the registry's own frozen specs, and `import dlbench` stays light."""

from __future__ import annotations

import subprocess
import sys

import pytest

import dlbench
from harness import registry
from harness.specs import MethodSpec, TaskSpec


def test_tasks_and_methods_are_the_registry_sorted():
    assert dlbench.tasks() == dict(sorted(registry.tasks().items()))
    assert dlbench.methods() == dict(sorted(registry.methods().items()))
    assert dlbench.tasks()["digits"] is registry.get_task("digits")


def test_a_family_filters_tasks_and_methods():
    fitting = dlbench.methods("classification")
    assert {"linear", "mlp", "cnn"} <= set(fitting) and all("classification" in m.fits for m in fitting.values())
    assert "fcos" not in fitting  # a detection method
    assert set(dlbench.tasks("classification")) == {n for n, t in registry.tasks().items()
                                                    if t.family == "classification"}
    with pytest.raises(dlbench.UnknownNameError, match="unknown family 'clasification'; did you mean 'classification'"):
        dlbench.methods("clasification")


def test_show_gives_the_spec_of_a_task_or_a_method():
    task, method = dlbench.show("digits"), dlbench.show("cnn")
    assert isinstance(task, TaskSpec) and task.primary_metric == "accuracy" and task.splits["test"] == 359
    assert isinstance(method, MethodSpec) and "classification" in method.fits
    with pytest.raises(dlbench.UnknownNameError, match="unknown task or method 'digitz'; did you mean 'digits'"):
        dlbench.show("digitz")


def test_import_is_light():
    """No torch, pandas, pydantic or OmegaConf until a function needs them (`bench list` imports dlbench too)."""
    code = ("import sys, dlbench; heavy = {'torch', 'pandas', 'pydantic', 'omegaconf', 'numpy'} & set(sys.modules); "
            "print(sorted(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
