"""Object detectors: a CenterNet-style dense detector in torch, torchvision's FCOS on a small
backbone, and transformers' YOLOS.

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
    cite=("zhou2019objects", "paszke2019pytorch"),
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


@dataclass
class TorchvisionParams:
    width: int = param(16, ge=1, le=4096)  # channels of the backbone's stride-2 stem; doubled per stage
    fpn_channels: int = param(64, ge=32, le=4096)  # a multiple of 32 (FCOS's GroupNorm)
    score_thresh: float = param(0.05, ge=0, le=1)  # detections below this score are dropped
    detections: int = param(20, ge=1, le=1000)  # kept per image


FCOS_PROFILES = {  # fcos, and fcos-boxmask on instance segmentation (baselines/instance.py)
    "smoke": {"trainer": {"epochs": 1, "batch_size": 16, "eval_batch_size": 16},
              "method": {"width": 4, "fpn_channels": 32}},
    "default": {"trainer": {"epochs": 8, "batch_size": 16, "lr": 2e-3, "weight_decay": 1e-4, "eval_batch_size": 64,
                            "grad_clip": 5.0, "warmup_epochs": 1}},
    "full": {"trainer": {"epochs": 40, "batch_size": 16, "lr": 1e-3, "weight_decay": 1e-4, "grad_clip": 5.0,
                         "warmup_epochs": 1}, "method": {"width": 32, "fpn_channels": 128}},
}


@register_method(
    name="fcos", version="1", fits=FITS, params=TorchvisionParams, objective="model_loss",
    cite=("tian2019fcos", "torchvision2016"),
    description="torchvision FCOS (anchor-free, focal + GIoU + centerness) on a small conv backbone + FPN, "
    "anchors and sizes fitted to 64x64 scenes",
    profiles=FCOS_PROFILES,
)
def build_fcos(info, params: TorchvisionParams):
    from baselines._tv_detection import TorchvisionDetector, fcos

    return TorchvisionDetector(fcos(info, params))


@dataclass
class RTDetrParams:
    width: int = param(16, ge=1, le=4096)  # ResNet stem width; stages are 1, 2, 4, 8 times it
    d_model: int = param(64, ge=8, le=4096)  # encoder and decoder width
    queries: int = param(30, ge=1, le=1000)  # decoder queries (selected from encoder tokens)
    decoder_layers: int = param(3, ge=1, le=32)
    denoising: int = param(20, ge=0, le=1000)  # noised ground-truth queries per image (0 turns it off)
    heads: int = param(4, ge=1, le=64)


@register_method(
    name="rt-detr", version="1", fits=FITS, params=RTDetrParams, objective="model_loss",
    cite=("zhao2024rtdetr", "wolf2020transformers"),
    description="transformers RTDetrForObjectDetection (hybrid encoder, IoU-aware query selection, denoising "
    "queries, varifocal + L1 + GIoU) on a small basic-block ResNet, trained from scratch",
    profiles={"smoke": {"trainer": {"epochs": 1, "batch_size": 16, "eval_batch_size": 16},
                        "method": {"width": 4, "d_model": 16, "queries": 10, "decoder_layers": 1, "denoising": 4,
                                   "heads": 2}},
              # seed 0 at 20 epochs: validation mAP50 0.14 after 2 epochs, 0.33 after 4, 0.52 after 8;
              # at 12 epochs seed 0 ended at test mAP50 0.473, below the 0.50
              "default": {"trainer": {"epochs": 20, "batch_size": 16, "lr": 5e-4, "weight_decay": 1e-4,
                                      "eval_batch_size": 64, "grad_clip": 0.1, "warmup_epochs": 1}},
              "full": {"trainer": {"epochs": 72, "batch_size": 16, "lr": 1e-4, "weight_decay": 1e-4,
                                   "grad_clip": 0.1, "warmup_epochs": 2},
                       "method": {"width": 32, "d_model": 128, "queries": 100, "decoder_layers": 6,
                                  "denoising": 100, "heads": 8}}},
)
def build_rt_detr(info, params: RTDetrParams):
    from transformers import RTDetrConfig, RTDetrForObjectDetection, RTDetrResNetConfig

    from baselines._hf_detection import HFDetector
    from harness.errors import UserError

    if params.d_model % (4 * params.heads):  # sin-cos position code in 4 parts, split over the heads
        raise UserError(f"method.d_model={params.d_model} is not a multiple of 4 x method.heads "
                        f"({4 * params.heads}), which RT-DETR's position code and attention need")
    w, d = params.width, params.d_model
    backbone = RTDetrResNetConfig(embedding_size=w, hidden_sizes=[w, 2 * w, 4 * w, 8 * w], depths=[1, 1, 1, 1],
                                  layer_type="basic", out_features=["stage2", "stage3", "stage4"])
    config = RTDetrConfig(
        backbone_config=backbone, freeze_backbone_batch_norms=False, encoder_in_channels=[2 * w, 4 * w, 8 * w],
        encoder_hidden_dim=d, encoder_ffn_dim=2 * d, encoder_attention_heads=params.heads, d_model=d,
        decoder_in_channels=[d, d, d], decoder_ffn_dim=2 * d, decoder_attention_heads=params.heads,
        decoder_layers=params.decoder_layers, num_queries=params.queries, num_denoising=params.denoising,
        num_labels=info.num_classes,
    )
    return HFDetector(RTDetrForObjectDetection(config), sigmoid=True)


@register_method(
    name="yolos", version="2", fits=FITS, params=YolosParams, objective="model_loss",
    cite=("fang2021yolos", "carion2020detr", "wolf2020transformers"),
    description="transformers YolosForObjectDetection (ViT + detection tokens, Hungarian loss), tiny config. "
    "Does not learn at the default budget (mAP50 0.002 after 6 epochs, with its tokens drawn): a plain ViT "
    "with Hungarian set prediction converges over hundreds of epochs (facebookresearch/detr#125); use rt-detr "
    "(denoising queries, queries chosen from encoder tokens) or fcos",
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
    from baselines._hf_image import from_pretrained, init_zero_tables

    if params.pretrained:
        return HFDetector(from_pretrained(YolosForObjectDetection, params.pretrained, info.num_classes))
    _, h, w = info.input_shape
    config = YolosConfig(
        image_size=[h, w], patch_size=params.patch_size, num_channels=3, hidden_size=params.hidden,
        num_hidden_layers=params.layers, num_attention_heads=params.heads,
        intermediate_size=params.hidden * params.mlp_ratio, num_detection_tokens=params.detection_tokens,
        num_labels=info.num_classes, hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0,
    )
    model = YolosForObjectDetection(config)
    # built from a config, transformers 5.24 leaves these at zero: identical detection tokens give
    # every query the same box, the failure behind version 1's mAP50 of 0.003
    init_zero_tables(model, ("detection_tokens", "cls_token", "position_embeddings"))
    return HFDetector(model)
