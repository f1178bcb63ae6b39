"""torchvision's detectors (FCOS, Mask R-CNN) on a small backbone sized for 64x64 scenes.

torchvision's own builders assume ImageNet backbones and 800-pixel images: anchors of 32-512
pixels, 2,000 proposals per image. Here the backbone is a small conv-BN-ReLU pyramid (strides 4,
8, 16) under torchvision's FeaturePyramidNetwork, anchors run from 8 to 64 pixels, images stay at
their size (the transform's min/max size is the task's), and proposal counts fit a handful of
objects. Imported lazily by the builders in baselines/detectors.py and baselines/instance.py.
"""

from __future__ import annotations

from collections import OrderedDict

import torch
from torch import nn

# the shapes scenes' statistics are close to mid-grey; the detectors normalise with these
MEAN, STD = [0.5, 0.5, 0.5], [0.25, 0.25, 0.25]


def _stage(cin: int, cout: int, stride: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(True),
                         nn.Conv2d(cout, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(True))


def small_fpn_backbone(width: int, fpn_channels: int) -> nn.Module:
    """A 4-stage CNN (strides 2, 4, 8, 16; widths w, 2w, 4w, 8w) whose last three stages feed an FPN
    with `fpn_channels` outputs, plus the FPN's max-pooled extra level: 4 maps at strides 4-32."""
    from torchvision.models.detection.backbone_utils import BackboneWithFPN

    widths = [width, 2 * width, 4 * width, 8 * width]
    body = nn.Sequential(OrderedDict([
        ("stem", _stage(3, widths[0], 2)), ("s4", _stage(widths[0], widths[1], 2)),
        ("s8", _stage(widths[1], widths[2], 2)), ("s16", _stage(widths[2], widths[3], 2)),
    ]))
    return BackboneWithFPN(body, return_layers={"s4": "0", "s8": "1", "s16": "2"},
                           in_channels_list=widths[1:], out_channels=fpn_channels)


# one anchor size per pyramid level (strides 4, 8, 16, 32): objects on 64x64 scenes are 8-40 pixels
ANCHOR_SIZES = ((8,), (16,), (32,), (64,))


def anchors(aspect_ratios: tuple[float, ...]):
    from torchvision.models.detection.anchor_utils import AnchorGenerator

    return AnchorGenerator(ANCHOR_SIZES, (aspect_ratios,) * len(ANCHOR_SIZES))


def fcos(info, params) -> nn.Module:
    """torchvision FCOS on `small_fpn_backbone`, one anchor per level, images kept at the task's size;
    `params`: width, fpn_channels, score_thresh, detections (baselines.detectors.TorchvisionParams)."""
    from torchvision.models.detection import FCOS
    from torchvision.models.detection.fcos import FCOSHead

    from harness.errors import UserError

    if params.fpn_channels % 32:
        raise UserError(f"method.fpn_channels={params.fpn_channels} is not a multiple of 32, which FCOS's "
                        f"GroupNorm needs; use {max(32, round(params.fpn_channels / 32) * 32)}")
    _, h, w = info.input_shape
    backbone = small_fpn_backbone(params.width, params.fpn_channels)  # drawn first: fcos v1's draw order
    # 2 convolutions per branch instead of the paper's 4: the scenes are simple and the CPU budget small
    head = FCOSHead(params.fpn_channels, 1, info.num_classes + 1, num_convs=2)
    return FCOS(backbone, info.num_classes + 1, min_size=min(h, w),
                max_size=max(h, w), image_mean=MEAN, image_std=STD, anchor_generator=anchors((1.0,)), head=head,
                score_thresh=params.score_thresh, detections_per_img=params.detections, topk_candidates=100)


def box_masks(boxes: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """(n, H, W) float: each [x1, y1, x2, y2] box filled (pixel centres inside the box), as 0/1."""
    ys = torch.arange(height, device=boxes.device).view(1, -1, 1) + 0.5
    xs = torch.arange(width, device=boxes.device).view(1, 1, -1) + 0.5
    x1, y1, x2, y2 = (c.view(-1, 1, 1) for c in boxes.unbind(1))
    return ((xs >= x1) & (xs < x2) & (ys >= y1) & (ys < y2)).float()


class TorchvisionDetector(nn.Module):
    """The detection (and instance-segmentation) interface over a torchvision detection model.

    torchvision's two-stage models keep label 0 for background, so task labels are shifted by one
    on the way in and back on the way out (FCOS's sigmoid head simply never sees class 0). Training
    returns the sum of the model's losses; inference its per-image boxes, scores and labels, and
    Mask R-CNN's masks as (m, H, W) probabilities."""

    def __init__(self, model: nn.Module, box_masks: bool = False) -> None:
        super().__init__()
        # box_masks: a box-only detector on an instance-segmentation task; its masks are its filled boxes
        self.model, self.box_masks = model, box_masks

    def forward(self, pixel_values: torch.Tensor, targets: list[dict[str, torch.Tensor]] | None = None):
        images = list(pixel_values)
        if targets is not None:
            shifted = [{**t, "boxes": t["boxes"].float(), "labels": t["labels"].long() + 1} for t in targets]
            for t in shifted:
                if self.box_masks:
                    t.pop("masks", None)
                elif "masks" in t:
                    t["masks"] = t["masks"].to(torch.uint8)
            return sum(self.model(images, shifted).values())
        out = self.model(images)
        for o in out:
            o["labels"] = o["labels"] - 1
            if "masks" in o:
                o["masks"] = o["masks"][:, 0]
            elif self.box_masks:
                o["masks"] = box_masks(o["boxes"], *pixel_values.shape[-2:])
        return out
