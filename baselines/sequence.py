"""Sequence methods: Elman RNN, LSTM and GRU (torch.nn), the FCN temporal convnet of Wang et al. 2017, and
a small BERT encoder (transformers); the linear floor is `linear` (baselines/classic.py). Every model is
`model(inputs, attention_mask)` (tasks/sequence/interface.py); token tasks put an embedding in front.
"""

from __future__ import annotations

from dataclasses import dataclass

from baselines._sequence_budgets import task_profiles
from harness.params import param
from harness.registry import register_method

FITS = ("sequence",)
_SMOKE = {"trainer": {"epochs": 1, "batch_size": 32}}
# a recurrent net on 100 steps needs its gradients clipped (Pascanu et al. 2013)
_RECURRENT_TRAINER = {"epochs": 40, "batch_size": 64, "lr": 2e-3, "weight_decay": 1e-4, "grad_clip": 1.0}


@dataclass
class RecurrentParams:
    hidden: int = param(128, ge=1, le=8192, help="hidden units per layer")
    layers: int = param(1, ge=1, le=16, help="stacked recurrent layers")
    embed_dim: int = param(64, ge=1, le=8192, help="token embedding width (token tasks only)")
    dropout: float = param(0.0, ge=0, lt=1, help="between stacked layers")


@dataclass
class FCNParams:
    width: int = param(128, ge=1, le=4096, help="channels of the first and last blocks; the middle has twice")
    embed_dim: int = param(64, ge=1, le=8192, help="token embedding width (token tasks only)")


@dataclass
class TransformerParams:
    hidden: int = param(64, ge=8, le=4096, help="model width; the feed-forward layers have four times it")
    layers: int = param(2, ge=1, le=48)
    heads: int = param(4, ge=1, le=64, help="attention heads; must divide hidden")
    dropout: float = param(0.1, ge=0, lt=1)
    pooling: str = "mean"  # "mean" over the real steps, or "cls": a learned token in front


def _recurrent(cell: str):
    def build(info, params: RecurrentParams):
        from baselines._sequence_models import RecurrentClassifier

        return RecurrentClassifier(info, cell, params.hidden, params.layers, params.embed_dim, params.dropout)

    build.__doc__ = f"A {cell} read at the last real step of each sequence."
    return build


_CELL_PAPERS = {"rnn": "elman1990finding", "lstm": "hochreiter1997lstm", "gru": "cho2014gru"}
for _cell, _what in (("rnn", "Elman RNN (tanh; torch.nn.RNN)"), ("lstm", "LSTM (torch.nn.LSTM)"),
                     ("gru", "GRU (torch.nn.GRU)")):
    register_method(
        name=_cell, version="1", fits=FITS, params=RecurrentParams,
        cite=(_CELL_PAPERS[_cell], "paszke2019pytorch"),
        description=f"{_what}, a linear head on the last layer's state at the last real step (the padding "
        "behind it unread); token ids go through an embedding first",
        profiles={"smoke": {**_SMOKE, "method": {"hidden": 16, "embed_dim": 8}},
                  # Elman's net trains at half the gated nets' rate: at 2e-3 two of three MNIST-1D seeds
                  # collapsed to chance (0.09, 0.12), at 1e-3 none did
                  "default": {"trainer": {**_RECURRENT_TRAINER, "lr": 1e-3 if _cell == "rnn" else 2e-3}},
                  "full": {"trainer": {**_RECURRENT_TRAINER, "epochs": 100}, "method": {"hidden": 256}}},
        task_profiles=task_profiles(_cell),
    )(_recurrent(_cell))


@register_method(
    name="cnn1d", version="1", fits=FITS, params=FCNParams,
    cite=("wang2017tsc", "paszke2019pytorch"),
    description="fully convolutional network (Wang et al. 2017): conv1d-BN-ReLU blocks of 128/256/128 channels, "
    "kernels 8/5/3, global average pooling over the real steps, a linear head",
    profiles={"smoke": {**_SMOKE, "method": {"width": 8, "embed_dim": 8}},
              "default": {"trainer": {"epochs": 60, "batch_size": 64, "lr": 1e-3, "weight_decay": 1e-4}},
              "full": {"trainer": {"epochs": 300, "batch_size": 64, "lr": 1e-3, "weight_decay": 1e-4}}},
    task_profiles=task_profiles("cnn1d"),
)
def build_cnn1d(info, params: FCNParams):
    """The FCN of Wang et al. 2017, its padding masked out."""
    from baselines._sequence_models import FCN

    return FCN(info, params.width, params.embed_dim)


@register_method(
    name="transformer", version="1", fits=FITS, params=TransformerParams,
    cite=("vaswani2017attention", "devlin2019bert", "wolf2020transformers"),
    description="small BERT encoder (transformers BertModel from a config, learned position table): token ids "
    "through its embeddings, series through a linear projection as inputs_embeds; padded keys masked; mean "
    "pooling over the real steps (or a learned [CLS])",
    profiles={"smoke": {**_SMOKE, "method": {"hidden": 16, "heads": 2, "layers": 1}},
              "default": {"trainer": {"epochs": 60, "batch_size": 64, "lr": 1e-3, "weight_decay": 1e-2,
                                      "warmup_epochs": 2, "grad_clip": 1.0}},
              "full": {"trainer": {"epochs": 100, "batch_size": 64, "lr": 5e-4, "weight_decay": 1e-2,
                                   "warmup_epochs": 5, "grad_clip": 1.0}, "method": {"hidden": 128}}},
    task_profiles={**task_profiles("transformer"), "listops-lra": {"default": {"trainer": {"epochs": 2}}}},
)
def build_transformer(info, params: TransformerParams):
    """A small BERT encoder for token ids or projected series."""
    from harness.errors import check_rule

    check_rule("method.pooling", params.pooling, params.pooling in ("mean", "cls"), "'mean' or 'cls'")
    check_rule("method.heads", params.heads, params.hidden % params.heads == 0, "a divisor of method.hidden")
    from baselines._sequence_models import SequenceTransformer

    return SequenceTransformer(info, params.hidden, params.layers, params.heads, params.dropout, params.pooling)
