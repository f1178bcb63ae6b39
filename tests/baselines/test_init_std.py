"""`method.init_std` reaches the weights: TimeSformer v3 and SegFormer v4 learn at their CPU budgets
only because their linear layers start wider than transformers' std 0.02 (issue 23), so a release of
transformers that stopped honouring `initializer_range` would silently bring back the plateaus.
Every registered method with an `init_std` key is built from a config at its default sizes, for the first
task it fits (its shape and classes from the registry, no data read); nothing trains."""

from __future__ import annotations

import dataclasses

import pytest

from harness import registry
from harness.contracts import TaskInfo

METHODS = sorted(name for name, spec in registry.methods().items()
                 if "init_std" in {f.name for f in dataclasses.fields(spec.params)})


def _linear_std(name: str, **overrides) -> float:
    import torch

    method = registry.get_method(name)
    task = next(t for _, t in sorted(registry.tasks().items()) if name in registry.fitting_methods(t))
    info = TaskInfo(task.name, task.family, task.input_shape, task.num_classes, extra={})
    model = method.build(info, method.params(**overrides))
    weights = [m.weight.detach().flatten() for m in model.modules()  # not the head: it has a row per class
               if isinstance(m, torch.nn.Linear) and m.weight.shape[0] != task.num_classes]
    return torch.cat(weights).std().item()


def test_the_methods_that_need_it_have_it():
    assert {"segformer", "timesformer"} <= set(METHODS)


@pytest.mark.parametrize("name", METHODS)
def test_linear_layers_start_at_the_methods_std(name):
    default = registry.get_method(name).params().init_std
    assert default > 0.02
    assert _linear_std(name) == pytest.approx(default, rel=0.1)
    assert _linear_std(name, init_std=0.02) == pytest.approx(0.02, rel=0.1)
