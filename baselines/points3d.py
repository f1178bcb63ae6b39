"""Point-cloud classifiers in torch (no transformers model exists): PointNet, DGCNN and a voxel 3D CNN.

Each applies the usual point-cloud augmentation while training (`method.augment=false` turns it off):
a random rotation of the kind the task's test clouds have (about the up axis, or any rotation on
the SO(3) variant), per-axis scaling (0.8-1.25), a shift (up to 0.1) and clipped jitter.
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.params import param
from harness.registry import register_method

FITS = ("points3d",)
_SMOKE_TRAINER = {"epochs": 1, "batch_size": 16, "eval_batch_size": 32}


@dataclass
class PointNetParams:
    widths: list[int] = param([64, 128, 256], ge=1, le=8192)  # the shared per-point MLP
    dropout: float = param(0.3, ge=0, lt=1)
    # points fed to the network (a random subset in training, the first at test); 0 = all
    num_points: int = param(512, ge=0, le=1_000_000)
    augment: bool = True


@dataclass
class DGCNNParams:
    widths: list[int] = param([32, 32, 64], ge=1, le=8192)  # one EdgeConv layer each
    k: int = param(10, ge=1, le=1024)  # neighbours in the k-NN graph
    embedding: int = param(256, ge=1, le=8192)
    dropout: float = param(0.3, ge=0, lt=1)
    # k-NN costs N^2 per layer: on 2 CPU cores DGCNN sees a quarter of the points
    num_points: int = param(256, ge=0, le=1_000_000)
    augment: bool = True


@dataclass
class VoxelParams:
    grid: int = param(16, ge=1, le=256)  # occupancy grid side, over the cube [-1, 1]^3
    width: int = param(16, ge=1, le=4096)
    stages: int = param(3, ge=1, le=16)
    dropout: float = param(0.3, ge=0, lt=1)
    augment: bool = True


def _classifier(info, net, num_points: int, augment: bool):
    from baselines._points3d_models import PointAugment, PointClassifier

    rotation, up_axis = info.extra.get("rotation", "up"), info.extra.get("up_axis", 1)
    return PointClassifier(net, PointAugment(rotation, up_axis, augment), num_points)


@register_method(
    name="pointnet", version="1", fits=FITS, params=PointNetParams,
    cite=("qi2017pointnet", "paszke2019pytorch"),
    description="PointNet (Qi et al. 2017; shared per-point MLP + max pooling, no T-Nets), in torch",
    profiles={"smoke": {"trainer": _SMOKE_TRAINER, "method": {"widths": [8, 16]}},
              "default": {"trainer": {"epochs": 10, "batch_size": 32, "lr": 2e-3, "weight_decay": 1e-4}},
              "full": {"trainer": {"epochs": 200, "batch_size": 32, "lr": 1e-3, "weight_decay": 1e-4},
                       "method": {"widths": [64, 64, 64, 128, 1024], "num_points": 0}}},
)
def build_pointnet(info, params: PointNetParams):
    from baselines._points3d_models import PointNet

    return _classifier(info, PointNet(info.num_classes, list(params.widths), params.dropout), params.num_points,
                       params.augment)


@register_method(
    name="dgcnn", version="1", fits=FITS, params=DGCNNParams,
    cite=("wang2019dgcnn", "paszke2019pytorch"),
    description="DGCNN (Wang et al. 2019): EdgeConv on a k-NN graph rebuilt per layer, in torch",
    profiles={"smoke": {"trainer": _SMOKE_TRAINER, "method": {"widths": [8, 8], "k": 4, "embedding": 16,
                                                              "num_points": 64}},
              "default": {"trainer": {"epochs": 5, "batch_size": 32, "lr": 2e-3, "weight_decay": 1e-4}},
              "full": {"trainer": {"epochs": 250, "batch_size": 32, "lr": 1e-3, "weight_decay": 1e-4},
                       "method": {"widths": [64, 64, 128, 256], "k": 20, "embedding": 1024, "num_points": 1024}}},
)
def build_dgcnn(info, params: DGCNNParams):
    from baselines._points3d_models import DGCNN

    net = DGCNN(info.num_classes, list(params.widths), params.k, params.embedding, params.dropout)
    return _classifier(info, net, params.num_points, params.augment)


@register_method(
    name="voxel-cnn", version="1", fits=FITS, params=VoxelParams,
    cite=("maturana2015voxnet", "paszke2019pytorch"),
    description="VoxNet-style 3D CNN on a 16^3 occupancy grid of the points (Maturana & Scherer 2015), in torch",
    profiles={"smoke": {"trainer": _SMOKE_TRAINER, "method": {"grid": 8, "width": 4, "stages": 2}},
              "default": {"trainer": {"epochs": 10, "batch_size": 32, "lr": 2e-3, "weight_decay": 1e-4}},
              "full": {"trainer": {"epochs": 100, "batch_size": 32, "lr": 1e-3, "weight_decay": 1e-4},
                       "method": {"grid": 32, "width": 32}}},
)
def build_voxel_cnn(info, params: VoxelParams):
    from baselines._points3d_models import VoxelCNN

    net = VoxelCNN(info.num_classes, params.grid, params.width, params.stages, params.dropout)
    return _classifier(info, net, 0, params.augment)
