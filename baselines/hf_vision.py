"""Transformers vision classifiers from small configs: ResNet and ViT.

`method.pretrained=<hub id or local folder>` loads weights with `from_pretrained` instead of the
small config (the classification head is re-initialised for the task's classes).
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.params import param
from harness.registry import register_method

FITS = ("classification",)
_SMOKE_TRAINER = {"epochs": 2, "batch_size": 64}


@dataclass
class ResNetParams:
    pretrained: str | None = None
    input_size: int = param(32, ge=0, le=4096)  # the stem downsamples 4x, so small images are upsampled first
    width: int = param(32, ge=1, le=4096)  # channels of the first stage; doubled per stage
    depths: list[int] = param([1, 1, 1], ge=1, le=64)  # blocks per stage


@dataclass
class ViTParams:
    pretrained: str | None = None
    input_size: int = param(0, ge=0, le=4096)  # 0 = the task's own image size
    patch_size: int = param(2, ge=1, le=1024)
    hidden: int = param(64, ge=1, le=8192)
    layers: int = param(4, ge=1, le=128)
    heads: int = param(4, ge=1, le=256)
    mlp_ratio: int = param(2, ge=1, le=64)
    dropout: float = param(0.1, ge=0, lt=1)


@register_method(
    name="resnet", version="1", fits=FITS, params=ResNetParams,
    cite=("he2016resnet", "wolf2020transformers"),
    description="transformers ResNetForImageClassification, tiny basic-block config",
    profiles={"smoke": {"trainer": _SMOKE_TRAINER, "method": {"width": 8, "depths": [1, 1]}},
              "default": {"trainer": {"epochs": 20, "lr": 2e-3, "weight_decay": 5e-4}},
              "full": {"trainer": {"epochs": 60, "lr": 1e-3, "weight_decay": 5e-4},
                       "method": {"width": 64, "depths": [2, 2, 2, 2]}}},
    # 55,000 images at about 45 s an epoch on 2 cores
    task_profiles={"fashion-mnist": {"default": {"trainer": {"epochs": 4}}}},
)
def build_resnet(info, params: ResNetParams):
    from transformers import ResNetConfig, ResNetForImageClassification

    from baselines._hf_image import HFImageClassifier, from_pretrained

    channels = info.input_shape[0]
    if params.pretrained:
        model = from_pretrained(ResNetForImageClassification, params.pretrained, info.num_classes)
    else:
        config = ResNetConfig(
            num_channels=channels, embedding_size=params.width, layer_type="basic",
            hidden_sizes=[params.width * 2**i for i in range(len(params.depths))], depths=list(params.depths),
            num_labels=info.num_classes, downsample_in_first_stage=False,
        )
        model = ResNetForImageClassification(config)
    return HFImageClassifier(model, params.input_size, channels)


@register_method(
    name="vit", version="1", fits=FITS, params=ViTParams,
    cite=("dosovitskiy2021vit", "wolf2020transformers"),
    description="transformers ViTForImageClassification, tiny config (2x2 patches on digits)",
    profiles={"smoke": {"trainer": _SMOKE_TRAINER, "method": {"hidden": 16, "layers": 1, "heads": 2}},
              "default": {"trainer": {"epochs": 40, "lr": 2e-3, "weight_decay": 0.05, "warmup_epochs": 5}},
              "full": {"trainer": {"epochs": 200, "lr": 1e-3, "weight_decay": 0.05, "warmup_epochs": 10},
                       "method": {"hidden": 192, "layers": 6, "heads": 3}}},
    # 7x7 patches (16 tokens, not 196 of 2x2): about 50 s an epoch of 55,000 images on 2 cores
    task_profiles={"fashion-mnist": {"default": {"trainer": {"epochs": 4, "warmup_epochs": 1},
                                                 "method": {"patch_size": 7}}}},
)
def build_vit(info, params: ViTParams):
    from transformers import ViTConfig, ViTForImageClassification

    from baselines._hf_image import HFImageClassifier, from_pretrained

    channels, height, _ = info.input_shape
    size = params.input_size or height
    if params.pretrained:
        model = from_pretrained(ViTForImageClassification, params.pretrained, info.num_classes)
        size = model.config.image_size
    else:
        config = ViTConfig(
            image_size=size, patch_size=params.patch_size, num_channels=channels,
            hidden_size=params.hidden, num_hidden_layers=params.layers, num_attention_heads=params.heads,
            intermediate_size=params.hidden * params.mlp_ratio, hidden_dropout_prob=params.dropout,
            attention_probs_dropout_prob=0.0, num_labels=info.num_classes,
        )
        model = ViTForImageClassification(config)
    return HFImageClassifier(model, size, channels)
