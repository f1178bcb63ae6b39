"""The course's classic classifiers in plain torch: softmax regression, multiclass SVM, MLP, CNN.

No Hugging Face model exists for these, so they are small torch modules. Each builder receives
the task's TaskInfo and the method's own hyper-parameters; torch is imported inside.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from baselines._sequence_budgets import task_profiles as sequence_budgets
from harness.params import param
from harness.registry import register_method

FITS = ("classification",)
_SMOKE = {"trainer": {"epochs": 2, "batch_size": 64}}


@dataclass
class LinearParams:
    """A linear classifier has no architecture knobs; regularisation is trainer.weight_decay."""


@dataclass
class MLPParams:
    hidden: int = param(256, ge=1, le=65536)
    depth: int = param(2, ge=1, le=64)  # number of hidden layers
    dropout: float = param(0.1, ge=0, lt=1)


@dataclass
class CNNParams:
    width: int = param(32, ge=1, le=4096)  # channels of the first conv block; doubled in the second
    dropout: float = param(0.25, ge=0, lt=1)


def _linear(info, params: LinearParams):
    from torch import nn

    if info.family == "sequence":  # model(inputs, attention_mask): padded steps masked (baselines/_sequence_models.py)
        from baselines._sequence_models import SequenceLinear

        return SequenceLinear(info)
    return nn.Sequential(nn.Flatten(), nn.Linear(math.prod(info.input_shape), info.num_classes))


register_method(
    name="linear", version="1", fits=(*FITS, "sequence"), params=LinearParams,
    cite=("paszke2019pytorch",),
    description="softmax regression: one linear layer trained with cross-entropy (sequence tasks: on the "
    "flattened series, or on the bag of tokens; a least-squares line on regression tasks)",
    profiles={"smoke": _SMOKE,
              "default": {"trainer": {"epochs": 100, "lr": 0.01}},
              "full": {"trainer": {"epochs": 100, "lr": 0.01}}},
    # 55,000 images at about 0.7 s an epoch on 2 cores (the smaller digits needs more passes)
    task_profiles={"fashion-mnist": {"default": {"trainer": {"epochs": 30}}}, **sequence_budgets("linear")},
)(_linear)

register_method(
    name="svm", version="1", fits=FITS, params=LinearParams, objective="multiclass_hinge",
    cite=("cortes1995support", "weston1999multiclass", "paszke2019pytorch"),
    description="linear multiclass SVM: one linear layer, Weston-Watkins hinge loss + L2 (weight decay)",
    profiles={"smoke": _SMOKE,
              "default": {"trainer": {"epochs": 100, "batch_size": 16, "lr": 0.002}},
              "full": {"trainer": {"epochs": 100, "batch_size": 64, "lr": 0.002}}},
    task_profiles={"fashion-mnist": {"default": {"trainer": {"epochs": 20, "batch_size": 64}}}},
)(_linear)


@register_method(
    name="mlp", version="1", fits=FITS, params=MLPParams,
    cite=("rumelhart1986learning", "paszke2019pytorch"),
    description="multilayer perceptron: ReLU hidden layers with dropout",
    profiles={"smoke": {**_SMOKE, "method": {"hidden": 32}},
              "default": {"trainer": {"epochs": 80, "lr": 2e-3, "weight_decay": 1e-4},
                          "method": {"hidden": 512, "dropout": 0.3}},
              "full": {"trainer": {"epochs": 100, "lr": 1e-3, "weight_decay": 1e-4},
                       "method": {"hidden": 1024, "dropout": 0.3}}},
    # 55,000 images at about 12 s an epoch on 2 cores
    task_profiles={"fashion-mnist": {"default": {"trainer": {"epochs": 15}}}},
)
def build_mlp(info, params: MLPParams):
    from torch import nn

    layers: list[nn.Module] = [nn.Flatten()]
    width = math.prod(info.input_shape)
    for _ in range(params.depth):
        layers += [nn.Linear(width, params.hidden), nn.ReLU(), nn.Dropout(params.dropout)]
        width = params.hidden
    layers.append(nn.Linear(width, info.num_classes))
    return nn.Sequential(*layers)


@register_method(
    name="cnn", version="1", fits=FITS, params=CNNParams,
    cite=("lecun1998gradient", "paszke2019pytorch"),
    description="LeNet-style CNN: two conv-BN-ReLU-pool blocks and a linear head",
    profiles={"smoke": {**_SMOKE, "method": {"width": 8}},
              "default": {"trainer": {"epochs": 30, "lr": 2e-3, "weight_decay": 1e-4}},
              "full": {"trainer": {"epochs": 60, "lr": 1e-3, "weight_decay": 5e-4}, "method": {"width": 64}}},
    # 55,000 images at about 50 s an epoch on 2 cores
    task_profiles={"fashion-mnist": {"default": {"trainer": {"epochs": 4}}}},
)
def build_cnn(info, params: CNNParams):
    from torch import nn

    c, h, w = info.input_shape
    k = params.width

    def block(cin: int, cout: int) -> list[nn.Module]:
        return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(), nn.MaxPool2d(2)]

    return nn.Sequential(
        *block(c, k), *block(k, 2 * k),
        nn.Flatten(), nn.Dropout(params.dropout),
        nn.Linear(2 * k * (h // 4) * (w // 4), info.num_classes),
    )
