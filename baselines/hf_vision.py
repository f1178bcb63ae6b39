"""Transformers vision classifiers from small configs: ResNet and ViT.

`method.pretrained=<hub id or local folder>` loads weights with `from_pretrained` instead of the
small config (the classification head is re-initialised for the task's classes).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from harness.registry import register_method

FITS = ("classification",)
_SMOKE_TRAINER = {"epochs": 2, "batch_size": 64}


@dataclass
class ResNetParams:
    pretrained: str | None = None
    input_size: int = 32  # the stem downsamples 4x, so small images are upsampled first
    width: int = 32  # channels of the first stage; doubled per stage
    depths: list[int] = field(default_factory=lambda: [1, 1, 1])  # blocks per stage


@dataclass
class ViTParams:
    pretrained: str | None = None
    input_size: int = 0  # 0 = the task's own image size
    patch_size: int = 2
    hidden: int = 64
    layers: int = 4
    heads: int = 4
    mlp_ratio: int = 2
    dropout: float = 0.1


@register_method(
    name="resnet", version="1", fits=FITS, params=ResNetParams,
    description="transformers ResNetForImageClassification, tiny basic-block config",
    profiles={"smoke": {"trainer": _SMOKE_TRAINER, "method": {"width": 8, "depths": [1, 1]}},
              "default": {"trainer": {"epochs": 20, "lr": 2e-3, "weight_decay": 5e-4}},
              "full": {"trainer": {"epochs": 60, "lr": 1e-3, "weight_decay": 5e-4},
                       "method": {"width": 64, "depths": [2, 2, 2, 2]}}},
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
    description="transformers ViTForImageClassification, tiny config (2x2 patches on digits)",
    profiles={"smoke": {"trainer": _SMOKE_TRAINER, "method": {"hidden": 16, "layers": 1, "heads": 2}},
              "default": {"trainer": {"epochs": 40, "lr": 2e-3, "weight_decay": 0.05, "warmup_epochs": 5}},
              "full": {"trainer": {"epochs": 200, "lr": 1e-3, "weight_decay": 0.05, "warmup_epochs": 10},
                       "method": {"hidden": 192, "layers": 6, "heads": 3}}},
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
