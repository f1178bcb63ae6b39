"""No method starts with a trainable position table, time table or query tokens at exactly zero
unless it says so (MethodSpec.zero_embeddings).

transformers creates these with torch.zeros and, built from a config, does not always draw them:
YOLOS's detection tokens all equal (every query predicts the same box) and TimeSformer's time table
(blind to frame order) were found that way. Each method is built once, at its smoke settings, for the
first task it fits; nothing trains."""

from __future__ import annotations

import re

import pytest

from harness import registry
from harness.config import compose
from harness.contracts import TaskInfo

TABLE = re.compile(r"(position|pos|time|temporal)_?(embed|embeddings|table)$|(detection|query|det)_?tokens?$|"
                   r"query_(embed|position_embeddings)(\.weight)?$|cls_token$")


def _first_task(method) -> str:
    return next(t for t, task in sorted(registry.tasks().items()) if method.name in registry.fitting_methods(task))


METHODS = sorted(m for m, spec in registry.methods().items()
                 if any(spec.name in registry.fitting_methods(t) for t in registry.tasks().values()))


@pytest.mark.parametrize("name", METHODS)
def test_trainable_tables_do_not_start_at_zero(name, smoke_args):
    import torch

    method = registry.get_method(name)
    task_name = _first_task(method)
    task = registry.get_task(task_name)
    cfg = compose(smoke_args(task_name, name))
    info = TaskInfo(task_name, task.family, task.input_shape, task.num_classes,
                    extra={"class_names": tuple(str(i) for i in range(task.num_classes))})
    model = method.build(info, cfg.method)
    assert isinstance(model, torch.nn.Module)
    zero = [n for n, p in model.named_parameters()
            if p.requires_grad and TABLE.search(n) and not n.endswith(method.zero_embeddings or ("\0",))
            and p.numel() and not p.detach().any()]
    assert not zero, f"{name}: {zero} start all-zero; draw them, or list them in the method's zero_embeddings"


def test_the_pattern_names_the_tables_that_were_found_at_zero():
    for name in ("vit.embeddings.detection_tokens", "vit.embeddings.position_embeddings",
                 "timesformer.embeddings.time_embeddings", "vit.embeddings.cls_token"):
        assert TABLE.search(name), name
    assert not TABLE.search("vit.embeddings.patch_embeddings.projection.weight")
