"""Instance segmenters: torchvision's Mask R-CNN on a small backbone sized for 64x64 scenes,
transformers' Mask2Former from a small config, and the box-only control: FCOS whose masks are its
filled boxes.

Built from torchvision's parts (MaskRCNN, AnchorGenerator, MultiScaleRoIAlign, FeaturePyramidNetwork)
with anchors of 8-64 pixels and proposal counts for a handful of objects (baselines/_tv_detection.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from baselines.detectors import FCOS_PROFILES, TorchvisionParams
from harness.params import param
from harness.registry import register_method

FITS = ("instance-segmentation",)


@dataclass
class MaskRCNNParams:
    width: int = param(16, ge=1, le=4096)  # channels of the backbone's stride-2 stem; doubled per stage
    fpn_channels: int = param(64, ge=1, le=4096)
    proposals: int = param(100, ge=1, le=10000)  # RPN proposals kept per image after NMS (train and test)
    rois: int = param(32, ge=1, le=10000)  # sampled RoIs per training image (torchvision: 512)
    score_thresh: float = param(0.05, ge=0, le=1)
    detections: int = param(20, ge=1, le=1000)


@register_method(
    name="mask-rcnn", version="1", fits=FITS, params=MaskRCNNParams, objective="model_loss",
    cite=("he2017maskrcnn", "torchvision2016"),
    description="torchvision MaskRCNN (RPN + RoIAlign box and 14x14 mask heads) on a small conv backbone + FPN, "
    "anchors and proposal counts fitted to 64x64 scenes",
    profiles={"smoke": {"trainer": {"epochs": 1, "batch_size": 16, "eval_batch_size": 16},
                        "method": {"width": 4, "fpn_channels": 16, "proposals": 20, "rois": 16}},
              # validation mask AP50 0.85 after 2 epochs, 0.97 after 5 (seed 0); 5 keeps a run near 5 minutes
              "default": {"trainer": {"epochs": 5, "batch_size": 16, "lr": 2e-3, "weight_decay": 1e-4,
                                      "eval_batch_size": 64, "grad_clip": 5.0, "warmup_epochs": 1}},
              "full": {"trainer": {"epochs": 40, "batch_size": 16, "lr": 1e-3, "weight_decay": 1e-4,
                                   "grad_clip": 5.0, "warmup_epochs": 1},
                       "method": {"width": 32, "fpn_channels": 128, "rois": 128}}},
)
def build_mask_rcnn(info, params: MaskRCNNParams):
    from torchvision.models.detection import MaskRCNN
    from torchvision.models.detection.faster_rcnn import FastRCNNPredictor, TwoMLPHead
    from torchvision.models.detection.mask_rcnn import MaskRCNNHeads, MaskRCNNPredictor
    from torchvision.ops import MultiScaleRoIAlign

    from baselines._tv_detection import MEAN, STD, TorchvisionDetector, anchors, small_fpn_backbone

    _, h, w = info.input_shape
    levels, c = ["0", "1", "2", "3"], params.fpn_channels
    # heads as wide as the FPN (torchvision's: a 1024-wide box MLP and 256-channel mask convolutions,
    # sized for COCO and far beyond a 2-core budget on four shape classes)
    k = info.num_classes + 1  # torchvision's class 0 is background
    heads = {"box_head": TwoMLPHead(c * 7 * 7, 4 * c), "box_predictor": FastRCNNPredictor(4 * c, k),
             "mask_head": MaskRCNNHeads(c, (c, c, c, c), 1),
             "mask_predictor": MaskRCNNPredictor(c, c, k)}
    model = MaskRCNN(
        small_fpn_backbone(params.width, params.fpn_channels), None,
        min_size=min(h, w), max_size=max(h, w), image_mean=MEAN, image_std=STD,
        rpn_anchor_generator=anchors((0.5, 1.0, 2.0)),
        rpn_pre_nms_top_n_train=4 * params.proposals, rpn_pre_nms_top_n_test=4 * params.proposals,
        rpn_post_nms_top_n_train=params.proposals, rpn_post_nms_top_n_test=params.proposals,
        rpn_batch_size_per_image=64, box_batch_size_per_image=params.rois,
        box_roi_pool=MultiScaleRoIAlign(levels, 7, 1), mask_roi_pool=MultiScaleRoIAlign(levels, 14, 1),
        box_score_thresh=params.score_thresh, box_detections_per_img=params.detections, **heads,
    )
    return TorchvisionDetector(model)


@register_method(
    name="fcos-boxmask", version="1", fits=FITS, params=TorchvisionParams, objective="model_loss",
    cite=("tian2019fcos", "torchvision2016"),
    description="the box-only control: fcos trained on the boxes, each mask its filled box (what a detector "
    "scores without segmenting)",
    profiles=FCOS_PROFILES,
)
def build_fcos_boxmask(info, params):
    from baselines._tv_detection import TorchvisionDetector, fcos

    return TorchvisionDetector(fcos(info, params), box_masks=True)


@dataclass
class Mask2FormerParams:
    width: int = param(32, ge=8, le=4096)  # Swin embedding width; stages are 1, 2, 4, 8 times it (a multiple of 8)
    hidden: int = param(64, ge=32, le=4096)  # pixel decoder and decoder width; a multiple of 32 (GroupNorm)
    queries: int = param(20, ge=1, le=1000)
    decoder_layers: int = param(3, ge=1, le=32)
    points: int = param(1024, ge=16, le=100000)  # points sampled per mask for the mask and dice losses


@register_method(
    name="mask2former", version="1", fits=FITS, params=Mask2FormerParams, objective="model_loss",
    cite=("cheng2022mask2former", "liu2021swin", "wolf2020transformers"),
    description="transformers Mask2FormerForUniversalSegmentation from a small config (Swin backbone, "
    "deformable pixel decoder, masked-attention decoder), trained from scratch",
    profiles={"smoke": {"trainer": {"epochs": 1, "batch_size": 16, "eval_batch_size": 16},
                        "method": {"width": 8, "hidden": 32, "queries": 8, "decoder_layers": 1, "points": 64}},
              "default": {"trainer": {"epochs": 10, "batch_size": 16, "lr": 3e-4, "weight_decay": 0.05,
                                      "eval_batch_size": 64, "grad_clip": 0.01, "warmup_epochs": 1}}},
)
def build_mask2former(info, params: Mask2FormerParams):
    from transformers import Mask2FormerConfig, Mask2FormerForUniversalSegmentation, SwinConfig

    from baselines._hf_instance import HFInstanceSegmenter
    from harness.errors import UserError

    if params.hidden % 32:
        raise UserError(f"method.hidden={params.hidden} is not a multiple of 32, which Mask2Former's GroupNorm "
                        f"needs; use {max(32, round(params.hidden / 32) * 32)}")
    w, d = params.width, params.hidden
    # Mask2Former's own backbone family: a Swin with 4x4 patches and 4x4 windows (64x64 scenes are
    # 16x16 tokens at the first stage)
    backbone = SwinConfig(image_size=info.input_shape[-1], patch_size=4, embed_dim=w, depths=[1, 1, 1, 1],
                          num_heads=[1, 2, 4, 8], window_size=4, drop_path_rate=0.0,
                          out_features=["stage1", "stage2", "stage3", "stage4"])
    config = Mask2FormerConfig(
        backbone_config=backbone, feature_size=d, mask_feature_size=d, hidden_dim=d, encoder_feedforward_dim=2 * d,
        encoder_layers=2, decoder_layers=params.decoder_layers, num_attention_heads=4, dim_feedforward=2 * d,
        num_queries=params.queries, train_num_points=params.points, num_labels=info.num_classes,
    )
    return HFInstanceSegmenter(Mask2FormerForUniversalSegmentation(config))
