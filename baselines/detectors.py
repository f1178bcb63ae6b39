"""Object detectors: a CenterNet-style dense detector in torch and transformers' YOLOS.

Both follow the detection interface in `tasks/detection/protocol.py` (loss when given targets,
per-image boxes otherwise). `method.pretrained=<hub id or local folder>` loads YOLOS weights with
`from_pretrained` instead of the small config (the class head is re-initialised for the task).
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.params import param
from harness.registry import register_method

FITS = ("detection",)


@dataclass
class CenterNetParams:
    width: int = param(32, ge=1, le=4096)  # channels of the first stage; doubled per stage


@dataclass
class YolosParams:
    pretrained: str | None = None
    patch_size: int = param(8, ge=1, le=1024)
    hidden: int = param(96, ge=1, le=8192)
    layers: int = param(4, ge=1, le=128)
    heads: int = param(4, ge=1, le=256)
    mlp_ratio: int = param(2, ge=1, le=64)
    detection_tokens: int = param(10, ge=1, le=1000)  # at most this many objects per image


@register_method(
    name="centernet", version="1", fits=FITS, params=CenterNetParams, objective="model_loss",
    description="CenterNet-style dense detector (class heatmaps, size, offset at stride 4) in torch",
    profiles={"smoke": {"trainer": {"epochs": 1, "batch_size": 16, "eval_batch_size": 16}, "method": {"width": 8}},
              "default": {"trainer": {"epochs": 5, "batch_size": 16, "lr": 3e-3, "weight_decay": 1e-4,
                                      "eval_batch_size": 128, "grad_clip": 5.0}},
              "full": {"trainer": {"epochs": 60, "batch_size": 32, "lr": 2e-3, "weight_decay": 1e-4,
                                   "grad_clip": 5.0}, "method": {"width": 64}}},
)
def build_centernet(info, params: CenterNetParams):
    from baselines._centernet import CenterNet

    return CenterNet(info.num_classes, params.width)


@register_method(
    name="yolos", version="1", fits=FITS, params=YolosParams, objective="model_loss",
    description="transformers YolosForObjectDetection (ViT + detection tokens, Hungarian loss), tiny config",
    profiles={"smoke": {"trainer": {"epochs": 1, "batch_size": 16, "eval_batch_size": 16},
                        "method": {"hidden": 16, "layers": 1, "heads": 2, "detection_tokens": 5}},
              "default": {"trainer": {"epochs": 6, "batch_size": 16, "lr": 5e-4, "weight_decay": 1e-4,
                                      "eval_batch_size": 128, "grad_clip": 0.1}},
              "full": {"trainer": {"epochs": 150, "batch_size": 32, "lr": 2.5e-4, "weight_decay": 1e-4,
                                   "grad_clip": 0.1}, "method": {"hidden": 192, "layers": 12, "heads": 3}}},
)
def build_yolos(info, params: YolosParams):
    from transformers import YolosConfig, YolosForObjectDetection

    from baselines._hf_detection import HFDetector
    from baselines._hf_image import from_pretrained

    if params.pretrained:
        return HFDetector(from_pretrained(YolosForObjectDetection, params.pretrained, info.num_classes))
    _, h, w = info.input_shape
    config = YolosConfig(
        image_size=[h, w], patch_size=params.patch_size, num_channels=3, hidden_size=params.hidden,
        num_hidden_layers=params.layers, num_attention_heads=params.heads,
        intermediate_size=params.hidden * params.mlp_ratio, num_detection_tokens=params.detection_tokens,
        num_labels=info.num_classes, hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0,
    )
    return HFDetector(YolosForObjectDetection(config))
