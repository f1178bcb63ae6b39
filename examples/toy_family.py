"""A plugin that adds a task family, a task and a method to dlbench without editing it: the worked
example of CONTRIBUTING.md, whose code blocks are excerpts of this file (tests/test_contributing.py
checks them) and which tests/test_plugin_family.py runs, evaluates and ranks end to end.

    PYTHONPATH=. DLBENCH_PLUGINS=examples.toy_family bench list
    PYTHONPATH=. DLBENCH_PLUGINS=examples.toy_family bench run task=toy-line method=toy-linear

Three parts, each registered once: the family (what its models take and return, how they are
trained and scored), a task of the family (data, metrics, a reference number) and a method that fits
it. `bench list` imports this module, so torch is imported inside functions only.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

from harness.contracts import Evaluation, TaskData, TaskInfo
from harness.registry import register_family, register_method, register_task
from harness.specs import FamilySpec, Metric, Reference, TaskSpec

if TYPE_CHECKING:
    from torch import Tensor


# -- 1. the family: the model interface, the protocol that trains and scores it, a dummy model --------

@runtime_checkable
class Regressor(Protocol):
    """`model(features)`: features (B, D) float -> predictions (B,) float."""

    def __call__(self, features: Tensor) -> Tensor: ...


class RegressionProtocol:
    """Trained on the mean squared error; scored by RMSE and R^2 over the split, each example once."""

    objectives = ("mse",)

    def training_step(self, model, batch: dict, objective: str) -> Tensor:
        import torch.nn.functional as F

        return F.mse_loss(model(batch["features"]), batch["targets"])

    def evaluate(self, accelerator, model, loader, desc: str, per_example: bool = False) -> Evaluation:
        import torch

        model.eval()
        t0, parts = time.perf_counter(), []
        with torch.no_grad():
            for batch in loader:  # gather_for_metrics drops the examples the distributed sampler repeated
                parts.append(accelerator.gather_for_metrics((model(batch["features"]), batch["targets"])))
        model.train()
        preds, targets = (torch.cat([p[i].cpu() for p in parts]).double() for i in (0, 1))
        squared = (preds - targets) ** 2
        metrics = {"rmse": float(squared.mean().sqrt()),
                   "r2": float(1 - squared.sum() / ((targets - targets.mean()) ** 2).sum())}
        rows = {"example_id": np.arange(len(squared)), "squared_error": squared.numpy()} if per_example else None
        return Evaluation(metrics, len(squared), time.perf_counter() - t0, per_example=rows)


def build_dummy(info: TaskInfo):
    """The family's tiny model for registry-parametrised tests: one learnt number for every example."""
    import torch
    from torch import nn

    class MeanPredictor(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.mean = nn.Parameter(torch.zeros(()))

        def forward(self, features: torch.Tensor) -> torch.Tensor:
            return self.mean.expand(len(features))

    return MeanPredictor()


FAMILY = register_family(FamilySpec(
    name="toy-regression",
    description="regression of one number from a feature vector (the plugin example's family)",
    objectives=RegressionProtocol.objectives,
    interface=Regressor,
    protocols=(f"{__name__}:RegressionProtocol",),
    dummy=f"{__name__}:build_dummy",
))


# -- 2. a task of the family: generated data, its metrics and a reference ----------------------------

WEIGHTS = (1.5, -2.0, 0.5, 0.0)  # the true linear map
NOISE = 0.5  # standard deviation of the noise added to the targets
SPLITS = {"train": 512, "val": 128, "test": 256}
LSTSQ_TEST_RMSE = 0.4881  # least squares with an intercept fitted on train, scored on test (the tests recompute it)


def make_split(split: str) -> tuple[np.ndarray, np.ndarray]:
    """Features and targets of one split, from a fixed seed per split: every build is the same."""
    rng = np.random.default_rng(list(SPLITS).index(split))
    x = rng.normal(size=(SPLITS[split], len(WEIGHTS)))
    y = x @ np.asarray(WEIGHTS) + NOISE * rng.normal(size=SPLITS[split])
    return x.astype(np.float32), y.astype(np.float32)


def build_toy_line(data_cfg, profile: str) -> TaskData:
    """The task's data for a run: train capped at data.train_size, val and test at data.eval_size."""
    import hashlib

    import torch

    from harness.tensordata import TensorDict, collate_batched

    caps, splits, digest = {"train": data_cfg.train_size}, {}, hashlib.sha256()
    for split in SPLITS:
        x, y = (a[:caps.get(split, data_cfg.eval_size)] for a in make_split(split))
        digest.update(x.tobytes() + y.tobytes())
        splits[split] = TensorDict(features=torch.from_numpy(x), targets=torch.from_numpy(y))
    info = TaskInfo("toy-line", "toy-regression", (len(WEIGHTS),), 0)
    return TaskData(info=info, **splits, fingerprint=digest.hexdigest()[:16], protocol=RegressionProtocol(),
                    collate=collate_batched)


TASK = register_task(TaskSpec(
    name="toy-line", version="1", family="toy-regression",
    description="a noisy linear function of 4 features (generated; no download)",
    dataset=f"numpy default_rng(split index): x ~ N(0, I), y = x @ {WEIGHTS} + N(0, {NOISE}^2)",
    splits=SPLITS,
    metrics=(Metric("rmse", False, "root mean squared error", range=(0.0, float("inf"))),
             Metric("r2", True, "coefficient of determination", range=(float("-inf"), 1.0))),
    primary_metric="rmse",
    protocol="Train on the mean squared error for trainer.epochs epochs; the model after the last epoch is "
             "scored once on the test split.",
    build=build_toy_line, input_shape=(len(WEIGHTS),),
    references=(Reference("least-squares", "rmse", LSTSQ_TEST_RMSE,
                          "closed-form least squares with an intercept (numpy.linalg.lstsq) on the train split"),),
    profiles={"smoke": {"train_size": 64, "eval_size": 32}},
))


# -- 3. a method that fits the family ----------------------------------------------------------------

@dataclass
class ToyLinearParams:
    bias: bool = True  # every field is a `method.*` key: method.bias=false


@register_method(
    name="toy-linear", version="1", fits=("toy-regression",), params=ToyLinearParams, objective="mse",
    description="linear regression trained by gradient descent on the mean squared error",
    profiles={"smoke": {"trainer": {"epochs": 2}},
              "default": {"trainer": {"epochs": 40, "batch_size": 64, "lr": 0.05}}},
)
def build_toy_linear(info: TaskInfo, params: ToyLinearParams):
    from torch import nn  # heavy imports inside the builder

    return nn.Sequential(nn.Linear(info.input_shape[0], 1, bias=params.bias), nn.Flatten(0))
