"""Self-supervised methods: SimCLR (ResNet encoder, NT-Xent) and MAE (ViTMAE), with their floors
(the same encoders untrained) and the supervised ceiling (the ResNet encoder trained with labels).
Every one is scored by the task's probe and kNN on `model.encode` (tasks/self_supervised/protocol.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.params import param
from harness.registry import register_method

FITS = ("self-supervised",)


@dataclass
class ResNetSSLParams:
    width: int = param(32, ge=1, le=4096)  # channels of the first stage; doubled per stage
    depths: list[int] = param([1, 1, 1], ge=1, le=64)
    input_size: int = param(32, ge=1, le=4096)  # images are resized to this first (the ResNet stem downsamples 4x)
    proj_dim: int = param(64, ge=1, le=65536)  # SimCLR's projection output
    temperature: float = param(0.2, gt=0)  # NT-Xent temperature
    min_scale: float = param(0.3, gt=0, le=1)  # smallest RandomResizedCrop area
    # brightness/contrast jitter of grey images (SimCLR's colour jitter for one channel); 0: off, as
    # in every record before fashion-mnist-ssl (digits-ssl's simclr trained without it)
    intensity_jitter: float = param(0.0, ge=0, le=1, neutral=True)


@dataclass
class MAEParams:
    patch_size: int = param(4, ge=1, le=1024)
    hidden: int = param(96, ge=1, le=8192)
    layers: int = param(4, ge=1, le=128)
    heads: int = param(4, ge=1, le=256)
    decoder_hidden: int = param(64, ge=1, le=8192)
    decoder_layers: int = param(2, ge=1, le=128)
    mask_ratio: float = param(0.75, ge=0, lt=1)
    # He et al. regress per-patch normalised pixels; here that target erases the flat background-
    # versus-shape contrast (seed 0 probe, 30 epochs: shapes-ssl 0.490 with it, 0.565 without;
    # digits-ssl at 75 epochs 0.699 against 0.794)
    norm_pix_loss: bool = False
    # smallest RandomResizedCrop area during pretraining (He et al.: 0.2); 1.0, no crops, is better on
    # these centred shapes (seed 0, 30 epochs: 0.483 with 0.2, 0.565 without)
    min_scale: float = param(1.0, gt=0, le=1)


def _encoder(info, p: ResNetSSLParams):
    from baselines._ssl_models import ResNetEncoder

    return ResNetEncoder(info.input_shape[0], p.width, p.depths, p.input_size)


def build_simclr(info, p: ResNetSSLParams):
    from baselines._ssl_models import SimCLR

    return SimCLR(_encoder(info, p), info.input_shape[0], p.input_size, p.proj_dim, p.temperature, p.min_scale,
                  p.intensity_jitter)


def build_supervised(info, p: ResNetSSLParams):
    from baselines._ssl_models import Supervised

    return Supervised(_encoder(info, p), info.num_classes, info.input_shape[0], p.input_size)


def build_mae(info, p: MAEParams):
    from baselines._ssl_models import MAE

    channels, size = info.input_shape[0], info.input_shape[-1]
    return MAE(channels, size, p.patch_size, p.hidden, p.layers, p.heads, p.decoder_hidden, p.decoder_layers,
               p.mask_ratio, p.norm_pix_loss, p.min_scale)


_SMOKE = {"trainer": {"epochs": 1, "batch_size": 32, "eval_batch_size": 64}}
RESNET_PROFILES = {
    "smoke": {**_SMOKE, "method": {"width": 8, "depths": [1, 1]}},
    "default": {"trainer": {"epochs": 30, "batch_size": 256, "lr": 2e-3, "weight_decay": 1e-4, "warmup_epochs": 2,
                            "eval_batch_size": 512, "log_every": 10}},
    "full": {"trainer": {"epochs": 500, "batch_size": 512, "lr": 1e-3, "weight_decay": 1e-4, "warmup_epochs": 10,
                         "log_every": 50}, "method": {"width": 64, "depths": [2, 2, 2, 2]}},
}
# SimCLR needs longer than the supervised ceiling: at 30 epochs shapes-ssl seed 2 probed 0.740, at
# 60 epochs 0.933 (278 s); 50 keeps pretraining well inside the 5-minute bar
SIMCLR_PROFILES = {**RESNET_PROFILES,
                   "default": {"trainer": {**RESNET_PROFILES["default"]["trainer"], "epochs": 50}}}
MAE_PROFILES = {
    "smoke": {**_SMOKE, "method": {"hidden": 16, "layers": 1, "heads": 2, "decoder_hidden": 16, "decoder_layers": 1}},
    # 75 epochs: about 240 s of pretraining on shapes-ssl, inside the 5-minute bar
    "default": {"trainer": {"epochs": 75, "batch_size": 256, "lr": 1.5e-3, "weight_decay": 0.05, "warmup_epochs": 5,
                            "eval_batch_size": 512, "log_every": 30}},
    "full": {"trainer": {"epochs": 800, "batch_size": 512, "lr": 1.5e-4, "weight_decay": 0.05, "warmup_epochs": 40,
                         "log_every": 100}, "method": {"hidden": 192, "layers": 12, "heads": 3}},
}


def _method_only(profiles: dict) -> dict:
    """A floor's profiles: the model's size per profile, no trainer settings (it never trains)."""
    return {p: {"method": layers["method"]} for p, layers in profiles.items() if "method" in layers}


register_method(name="simclr", version="2", fits=FITS, params=ResNetSSLParams, objective="self_supervised",
                cite=("chen2020simclr", "he2016resnet", "wolf2020transformers", "torchvision2016"),
                profiles=SIMCLR_PROFILES,
                # fashion-mnist-ssl, seed 0 (probe_top1; random's 0.782): crop and flip alone, 50 epochs
                # 0.782 (302 s); batch 64, 40 epochs 0.780 (256 s); brightness/contrast jitter 0.4, 45
                # epochs 0.820 (345 s, the jitter costs 2.4 s an epoch), so 35 epochs to fit 5 minutes
                task_profiles={"fashion-mnist-ssl": {"default": {"trainer": {"epochs": 35},
                                                                 "method": {"intensity_jitter": 0.4}}}},
                description="SimCLR: transformers ResNet encoder, two torchvision v2 views, NT-Xent")(build_simclr)
register_method(name="mae", version="3", fits=FITS, params=MAEParams, objective="self_supervised",
                cite=("he2022mae", "wolf2020transformers"),
                profiles=MAE_PROFILES,
                # digits-ssl's 1,078 16x16 images cost a fifteenth of shapes-ssl's per epoch, and more
                # optimiser steps help (seed 0 probe: 75 epochs at batch 256 0.794, 500 at 256 0.950,
                # 300 at 64 0.967; 3 seeds at 64: 0.962 at 300 epochs, 0.961 at 400)
                task_profiles={"digits-ssl": {"default": {"trainer": {"epochs": 300, "batch_size": 64}}},
                               # an epoch of fashion-mnist-ssl's 3,000 28x28 images takes 4.7-5.1 s on 2
                               # cores (75 epochs: ~370 s); 50 fit the 5-minute bar
                               "fashion-mnist-ssl": {"default": {"trainer": {"epochs": 50}}}},
                description="MAE: transformers ViTMAEForPreTraining (75% masking, pixel loss); "
                "features from the unmasked encoder")(build_mae)
register_method(name="supervised", version="1", fits=FITS, params=ResNetSSLParams, objective="supervised",
                cite=("he2016resnet", "wolf2020transformers"),
                profiles=RESNET_PROFILES,
                description="the ceiling: simclr's ResNet encoder trained with labels (cross-entropy)",
                )(build_supervised)
register_method(name="random", version="1", fits=FITS, params=ResNetSSLParams, objective="self_supervised",
                cite=("wolf2020transformers",),
                trains=False, profiles=_method_only(RESNET_PROFILES),
                description="the floor: simclr's ResNet encoder at random initialisation, never trained")(build_simclr)
register_method(name="random-vit", version="2", fits=FITS, params=MAEParams, objective="self_supervised",
                cite=("wolf2020transformers",),
                trains=False, profiles=_method_only(MAE_PROFILES),
                description="mae's floor: its ViT encoder at random initialisation, never trained")(build_mae)
