"""Point-cloud classifiers: forward(points (B, N, 3)) -> logits, with training-time augmentation.

Imported lazily by baselines/points3d.py (the leading underscore keeps registry discovery away from
torch).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn


def random_rotations(n: int, mode: str, up_axis: int, device=None) -> torch.Tensor:
    """(n, 3, 3) rotations: none (aligned data), about the up axis, or uniform in SO(3) (normalised
    Gaussian quaternions)."""
    if mode == "none":
        return torch.eye(3, device=device).expand(n, 3, 3)
    if mode == "up":
        a = torch.rand(n, device=device) * 2 * math.pi
        c, s = torch.cos(a), torch.sin(a)
        # a rotation in the plane of the two other axes, in cyclic order so that it is proper
        i, j = (up_axis + 1) % 3, (up_axis + 2) % 3
        r = torch.zeros(n, 3, 3, device=device)
        r[:, up_axis, up_axis] = 1.0
        r[:, i, i], r[:, i, j], r[:, j, i], r[:, j, j] = c, -s, s, c
        return r
    w, x, y, z = F.normalize(torch.randn(n, 4, device=device), dim=1).unbind(1)
    return torch.stack([
        1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
        2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
        2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y),
    ], dim=1).view(n, 3, 3)


class PointAugment(nn.Module):
    """Training-time augmentation (PointNet / DGCNN recipes): a random rotation of the kind the task's
    test clouds have, per-axis scaling, a small shift and clipped Gaussian jitter. Identity in eval
    mode. Draws from torch's global generator, which the runner reseeds every epoch."""

    def __init__(self, rotation: str, up_axis: int, enabled: bool) -> None:
        super().__init__()
        self.rotation, self.up_axis, self.enabled = rotation, up_axis, enabled

    def forward(self, points: torch.Tensor) -> torch.Tensor:
        if not (self.training and self.enabled):
            return points
        b, device = points.shape[0], points.device
        rot = random_rotations(b, self.rotation, self.up_axis, device)
        scale = torch.empty(b, 1, 3, device=device).uniform_(0.8, 1.25)
        shift = torch.empty(b, 1, 3, device=device).uniform_(-0.1, 0.1)
        jitter = (torch.randn_like(points) * 0.01).clamp(-0.05, 0.05)
        return (points @ rot.transpose(1, 2)) * scale + shift + jitter


class PointClassifier(nn.Module):
    """Augmentation, then an optional subsample of the points (a random one in training, the first
    `num_points` at evaluation: the clouds' points come in random order), then the network."""

    def __init__(self, net: nn.Module, augment: PointAugment, num_points: int) -> None:
        super().__init__()
        self.net, self.augment, self.num_points = net, augment, num_points

    def forward(self, points: torch.Tensor) -> torch.Tensor:
        points = self.augment(points.float())
        n = points.shape[1]
        if 0 < self.num_points < n:
            if self.training:
                idx = torch.rand(points.shape[0], n, device=points.device).argsort(dim=1)[:, : self.num_points]
                points = points.gather(1, idx[..., None].expand(-1, -1, 3))
            else:
                points = points[:, : self.num_points]
        return self.net(points)


def _head(cin: int, num_classes: int, dropout: float) -> nn.Sequential:
    hidden = max(cin // 2, num_classes)
    return nn.Sequential(nn.Linear(cin, hidden, bias=False), nn.BatchNorm1d(hidden), nn.ReLU(inplace=True),
                         nn.Dropout(dropout), nn.Linear(hidden, num_classes))


class PointwiseMLP(nn.Module):
    """Linear-BatchNorm-activation on every point of (B, N, C) features: the shared MLP of PointNet,
    written with channels last because a 1x1 convolution is several times slower on CPU."""

    def __init__(self, cin: int, cout: int, act: nn.Module) -> None:
        super().__init__()
        self.linear, self.bn, self.act = nn.Linear(cin, cout, bias=False), nn.BatchNorm1d(cout), act

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shape = x.shape
        return self.act(self.bn(self.linear(x).reshape(-1, self.linear.out_features))).view(*shape[:-1], -1)


class PointNet(nn.Module):
    """PointNet (Qi et al. 2017) without the T-Nets: a shared per-point MLP, max pooling, an MLP head."""

    def __init__(self, num_classes: int, widths: list[int], dropout: float) -> None:
        super().__init__()
        layers, cin = [], 3
        for cout in widths:
            layers.append(PointwiseMLP(cin, cout, nn.ReLU(inplace=True)))
            cin = cout
        self.mlp = nn.Sequential(*layers)
        self.head = _head(cin, num_classes, dropout)

    def forward(self, points: torch.Tensor) -> torch.Tensor:
        return self.head(self.mlp(points).amax(dim=1))


def knn(x: torch.Tensor, k: int) -> torch.Tensor:
    """(B, N, C) features -> (B, N, k) indices of each point's k nearest neighbours (itself included)."""
    sq = (x * x).sum(dim=2)
    dist = sq[:, :, None] - 2 * x @ x.transpose(1, 2) + sq[:, None, :]
    return dist.topk(k, dim=2, largest=False).indices


class EdgeConv(nn.Module):
    """DGCNN's EdgeConv (Wang et al. 2019): h(x_i, x_j - x_i) over the k-NN graph of the current
    features (rebuilt every layer: the 'dynamic' graph), then BatchNorm, LeakyReLU and a max over
    the neighbours. The linear h is applied per point and then gathered, W [x_i, x_j - x_i] =
    (W1 - W2) x_i + W2 x_j, which is the same function k times cheaper than per edge."""

    def __init__(self, cin: int, cout: int, k: int) -> None:
        super().__init__()
        self.k = k
        self.linear = nn.Linear(2 * cin, cout, bias=False)
        self.bn, self.act = nn.BatchNorm1d(cout), nn.LeakyReLU(0.2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, n, c = x.shape
        w_centre, w_edge = self.linear.weight[:, :c], self.linear.weight[:, c:]
        centre, other = x @ (w_centre - w_edge).T, x @ w_edge.T  # (B, N, cout) each
        idx = knn(x, self.k) + torch.arange(b, device=x.device)[:, None, None] * n
        h = centre[:, :, None] + other.reshape(b * n, -1)[idx.reshape(-1)].view(b, n, self.k, -1)
        return self.act(self.bn(h.reshape(-1, h.shape[-1]))).view(b, n, self.k, -1).amax(dim=2)


class DGCNN(nn.Module):
    def __init__(self, num_classes: int, widths: list[int], k: int, embedding: int, dropout: float) -> None:
        super().__init__()
        convs, cin = [], 3
        for cout in widths:
            convs.append(EdgeConv(cin, cout, k))
            cin = cout
        self.convs = nn.ModuleList(convs)
        self.embed = PointwiseMLP(sum(widths), embedding, nn.LeakyReLU(0.2))
        self.head = _head(2 * embedding, num_classes, dropout)

    def forward(self, points: torch.Tensor) -> torch.Tensor:
        x, outs = points, []
        for conv in self.convs:
            x = conv(x)
            outs.append(x)
        x = self.embed(torch.cat(outs, dim=2))
        return self.head(torch.cat([x.amax(dim=1), x.mean(dim=1)], dim=1))  # max and mean pooling, as DGCNN


def voxelize(points: torch.Tensor, grid: int) -> torch.Tensor:
    """(B, N, 3) points in [-1, 1]^3 -> (B, 1, G, G, G) occupancy (1 where any point falls)."""
    b, n, _ = points.shape
    cell = ((points.clamp(-1, 1 - 1e-6) + 1) / 2 * grid).long()
    flat = (cell[..., 0] * grid + cell[..., 1]) * grid + cell[..., 2]
    occupancy = torch.zeros(b, grid**3, device=points.device)
    occupancy.scatter_(1, flat, 1.0)
    return occupancy.view(b, 1, grid, grid, grid)


class VoxelCNN(nn.Module):
    """A VoxNet-style 3D CNN (Maturana & Scherer 2015) on an occupancy grid: conv-BN-ReLU stages, each
    followed by 2x max pooling, global average pooling, an MLP head."""

    def __init__(self, num_classes: int, grid: int, width: int, stages: int, dropout: float) -> None:
        super().__init__()
        self.grid = grid
        layers, cin = [], 1
        for i in range(stages):
            cout = width * 2**i
            layers += [nn.Conv3d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm3d(cout), nn.ReLU(inplace=True),
                       nn.MaxPool3d(2)]
            cin = cout
        self.features = nn.Sequential(*layers)
        self.head = _head(cin, num_classes, dropout)

    def forward(self, points: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(voxelize(points, self.grid)).mean(dim=(2, 3, 4)))
