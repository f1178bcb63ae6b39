"""Semantic segmenters: a U-Net in torch and transformers' SegFormer from a small config.

Both return per-pixel class logits (B, K, h, w); the segmentation protocol upsamples them to the
mask size. `method.pretrained=<hub id or local folder>` loads SegFormer weights with
`from_pretrained` (the decode head is re-initialised for the task's classes).
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.params import param
from harness.registry import register_method

FITS = ("segmentation",)


@dataclass
class UNetParams:
    width: int = param(16, ge=1, le=4096)  # channels of the first level; doubled per level
    levels: int = param(3, ge=1, le=16)  # number of 2x downsamplings


@dataclass
class SegformerParams:
    pretrained: str | None = None
    # 0: the task's own size. Logits come out at 1/strides[0] of the input, so released weights
    # (strides 4, 2, 2, 2) on 64x64 scenes see small inputs upsampled first
    input_size: int = param(0, ge=0, le=4096)
    # overlapping patch embedding per stage: released MiT uses patch 7 stride 4 then 3/2; small scenes
    # need a finer first stage (stride 2 gives logits at 32x32 for 64x64 images)
    patch_sizes: list[int] = param([3, 3, 3, 3], ge=1, le=64)
    strides: list[int] = param([2, 2, 2, 2], ge=1, le=16)
    sr_ratios: list[int] = param([4, 2, 1, 1], ge=1, le=64)  # keys/values downsampled by this per stage
    hidden_sizes: list[int] = param([16, 32, 64, 128], ge=1, le=8192)
    depths: list[int] = param([1, 1, 1, 1], ge=1, le=64)
    decoder_hidden: int = param(64, ge=1, le=8192)
    # transformers' initializer_range: the std of every linear and conv weight. Its 0.02 suits widths of
    # 768, not 16-128: attention starts uniform and Mix-FFN's depthwise conv (the model's only position
    # signal) near zero. Seed 0, 20-epoch schedule, validation mIoU at epoch 6: 0.42 (0.1), 0.74 (0.2)
    init_std: float = param(0.2, gt=0, le=1)


@register_method(
    name="unet", version="1", fits=FITS, params=UNetParams,
    cite=("ronneberger2015unet", "paszke2019pytorch"),
    description="U-Net (Ronneberger et al. 2015) after a stride-2 stem: conv-BN-ReLU encoder/decoder, skips",
    profiles={"smoke": {"trainer": {"epochs": 1, "batch_size": 16, "eval_batch_size": 16},
                        "method": {"width": 4, "levels": 2}},
              "default": {"trainer": {"epochs": 14, "batch_size": 16, "lr": 3e-3, "weight_decay": 1e-4,
                                      "eval_batch_size": 128}},
              "full": {"trainer": {"epochs": 40, "batch_size": 16, "lr": 1e-3, "weight_decay": 1e-4},
                       "method": {"width": 64, "levels": 4}}},
)
def build_unet(info, params: UNetParams):
    from torch import nn

    def block(cin: int, cout: int) -> nn.Sequential:
        return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(True),
                             nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(True))

    class UNet(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            widths = [params.width * 2**i for i in range(params.levels + 1)]
            pairs = list(zip(widths[:-1], widths[1:], strict=True))
            # a stride-2 stem: the full-resolution level costs most and adds little on small shapes;
            # logits come out at half resolution and the protocol upsamples them
            self.stem = nn.Sequential(nn.Conv2d(3, widths[0], 3, 2, 1, bias=False), nn.BatchNorm2d(widths[0]),
                                      nn.ReLU(True))
            self.down = nn.ModuleList([block(widths[0], widths[0])] + [block(a, b) for a, b in pairs])
            self.up = nn.ModuleList([nn.ConvTranspose2d(b, a, 2, stride=2) for a, b in pairs])
            self.merge = nn.ModuleList([block(2 * a, a) for a in widths[:-1]])
            self.head = nn.Conv2d(widths[0], info.num_classes, 1)
            self.pool = nn.MaxPool2d(2)

        def forward(self, pixel_values):
            import torch

            x, skips = self.stem(pixel_values - 0.5), []
            for i, down in enumerate(self.down):
                x = down(self.pool(x) if i else x)
                skips.append(x)
            for up, merge, skip in zip(reversed(self.up), reversed(self.merge), reversed(skips[:-1]), strict=False):
                x = merge(torch.cat([up(x), skip], 1))
            return self.head(x)

    return UNet()


@register_method(
    name="segformer", version="4", fits=FITS, params=SegformerParams,
    cite=("xie2021segformer", "wolf2020transformers"),
    description="transformers SegformerForSemanticSegmentation (MiT encoder + all-MLP decoder), tiny config",
    profiles={"smoke": {"trainer": {"epochs": 1, "batch_size": 16, "eval_batch_size": 16},
                        "method": {"hidden_sizes": [8, 8, 16, 16], "decoder_hidden": 16}},
              # v2 (stride-2 stages at 64x64, std-0.02 init) needed a 40-epoch schedule (v3: 0.873 in ~17 min);
              # v4 draws its weights with std 0.2 (method.init_std) and reaches validation mIoU 0.87 after
              # 10 epochs (seed 0, 20-epoch schedule); 12 epochs fit 5 minutes on 2 cores (~19 s an epoch)
              "default": {"trainer": {"epochs": 12, "batch_size": 8, "lr": 2e-3, "weight_decay": 1e-2,
                                      "eval_batch_size": 128}},
              "full": {"trainer": {"epochs": 60, "batch_size": 16, "lr": 6e-5, "weight_decay": 1e-2},
                       "method": {"hidden_sizes": [32, 64, 160, 256], "depths": [2, 2, 2, 2],
                                  "decoder_hidden": 256}}},
)
def build_segformer(info, params: SegformerParams):
    from torch import nn
    from transformers import SegformerConfig, SegformerForSemanticSegmentation

    from baselines._hf_image import from_pretrained
    from harness.errors import UserError

    stages = len(params.hidden_sizes)
    for key in ("depths", "patch_sizes", "strides", "sr_ratios"):
        if len(getattr(params, key)) != stages:
            raise UserError(f"method.{key} has {len(getattr(params, key))} entries and method.hidden_sizes "
                            f"{stages}; give one per encoder stage")
    if params.pretrained:
        model = from_pretrained(SegformerForSemanticSegmentation, params.pretrained, info.num_classes)
    else:
        heads = [max(1, h // 32) for h in params.hidden_sizes]
        config = SegformerConfig(
            num_channels=3, num_encoder_blocks=len(params.hidden_sizes), depths=list(params.depths),
            hidden_sizes=list(params.hidden_sizes), num_attention_heads=heads, sr_ratios=list(params.sr_ratios),
            patch_sizes=list(params.patch_sizes), strides=list(params.strides),
            decoder_hidden_size=params.decoder_hidden, num_labels=info.num_classes,
            hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0, drop_path_rate=0.0,
            initializer_range=params.init_std,
        )
        model = SegformerForSemanticSegmentation(config)

    class Segformer(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, pixel_values):
            import torch.nn.functional as F

            if params.input_size and pixel_values.shape[-1] != params.input_size:
                pixel_values = F.interpolate(pixel_values, size=params.input_size, mode="bilinear",
                                             align_corners=False)
            return self.model(pixel_values=(pixel_values - 0.5) / 0.25).logits

    return Segformer()
