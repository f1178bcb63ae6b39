"""`method.init_std` reaches the weights: TimeSformer v3 and SegFormer v4 learn at their CPU budgets
only because their linear layers start wider than transformers' std 0.02 (issue 23), so a release of
transformers that stopped honouring `initializer_range` would silently bring back the plateaus.
Each model is built from a config at the method's default sizes for a small input; nothing trains."""

from __future__ import annotations

import pytest

from harness import registry
from harness.contracts import TaskInfo

CASES = {  # method: (input shape, classes, family)
    "timesformer": ((8, 3, 32, 32), 8, "video"),
    "segformer": ((3, 64, 64), 5, "segmentation"),
}


def _linear_std(name: str, **overrides) -> float:
    import torch

    method = registry.get_method(name)
    shape, classes, family = CASES[name]
    info = TaskInfo("t", family, shape, classes, extra={})
    model = method.build(info, method.params(**overrides))
    weights = [m.weight.detach().flatten() for m in model.modules()
               if isinstance(m, torch.nn.Linear) and m.weight.shape[0] != classes]  # not the (re-drawn) head
    return torch.cat(weights).std().item()


@pytest.mark.parametrize("name", sorted(CASES))
def test_linear_layers_start_at_the_methods_std(name):
    default = registry.get_method(name).params().init_std
    assert default > 0.02
    assert _linear_std(name) == pytest.approx(default, rel=0.1)
    assert _linear_std(name, init_std=0.02) == pytest.approx(0.02, rel=0.1)
