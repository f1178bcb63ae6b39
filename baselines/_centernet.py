"""A CenterNet-style detector in plain torch ("Objects as Points", Zhou et al. 2019): a small conv
backbone with one upsampling merge, and three heads at stride 4 (class heatmaps, box size, centre
offset). Dense targets make it converge in a few CPU minutes on 64x64 scenes.

Imported lazily by builders (the leading underscore keeps registry discovery away from torch).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

STRIDE = 4
SIZE_WEIGHT = 0.1  # the paper's lambda_size
TOP_K = 20  # detections kept per image


def _conv(cin: int, cout: int, stride: int = 1) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class CenterNet(nn.Module):
    def __init__(self, num_classes: int, width: int = 32) -> None:
        super().__init__()
        w = width
        self.num_classes = num_classes
        self.stage1 = nn.Sequential(_conv(3, w, 2), _conv(w, w))  # 1/2
        self.stage2 = nn.Sequential(_conv(w, 2 * w, 2), _conv(2 * w, 2 * w))  # 1/4
        self.stage3 = nn.Sequential(_conv(2 * w, 4 * w, 2), _conv(4 * w, 4 * w), _conv(4 * w, 4 * w))  # 1/8
        self.merge = _conv(6 * w, 2 * w)
        self.heatmap = nn.Sequential(_conv(2 * w, 2 * w), nn.Conv2d(2 * w, num_classes, 1))
        self.box = nn.Sequential(_conv(2 * w, 2 * w), nn.Conv2d(2 * w, 4, 1))  # size (w, h) and offset (dx, dy)
        nn.init.constant_(self.heatmap[-1].bias, -2.19)  # prior 0.1: the paper's focal-loss initialisation

    def features(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        c2 = self.stage2(self.stage1(x - 0.5))
        c3 = self.stage3(c2)
        f = self.merge(torch.cat([c2, F.interpolate(c3, size=c2.shape[-2:], mode="nearest")], 1))
        return self.heatmap(f), self.box(f)

    def forward(self, pixel_values: torch.Tensor, targets: list[dict[str, torch.Tensor]] | None = None):
        heat, box = self.features(pixel_values)
        if targets is not None:
            return self.loss(heat, box, targets)
        return self.decode(heat, box)

    def loss(self, heat: torch.Tensor, box: torch.Tensor, targets) -> torch.Tensor:
        gt_heat, gt_box, mask = self._targets(heat, targets)
        pred = heat.sigmoid().clamp(1e-4, 1 - 1e-4)
        pos = gt_heat.eq(1).float()
        # penalty-reduced pixel-wise focal loss (alpha 2, beta 4)
        pos_loss = (torch.log(pred) * (1 - pred) ** 2 * pos).sum()
        neg_loss = (torch.log(1 - pred) * pred**2 * (1 - gt_heat) ** 4 * (1 - pos)).sum()
        num_pos = mask.sum().clamp(min=1)
        focal = -(pos_loss + neg_loss) / num_pos
        l1 = (F.l1_loss(box, gt_box, reduction="none") * mask[:, None]).sum((0, 2, 3)) / num_pos
        return focal + SIZE_WEIGHT * l1[:2].sum() + l1[2:].sum()

    @torch.no_grad()
    def _targets(self, heat: torch.Tensor, targets):
        b, c, h, w = heat.shape
        gt_heat = torch.zeros_like(heat)
        gt_box = torch.zeros(b, 4, h, w, device=heat.device)
        mask = torch.zeros(b, h, w, device=heat.device)
        ys = torch.arange(h, device=heat.device, dtype=torch.float32)[:, None]
        xs = torch.arange(w, device=heat.device, dtype=torch.float32)[None, :]
        for i, t in enumerate(targets):
            for (x1, y1, x2, y2), label in zip(t["boxes"].tolist(), t["labels"].tolist(), strict=False):
                bw, bh = (x2 - x1) / STRIDE, (y2 - y1) / STRIDE
                cx, cy = (x1 + x2) / 2 / STRIDE, (y1 + y2) / 2 / STRIDE
                px, py = min(int(cx), w - 1), min(int(cy), h - 1)
                sx, sy = max(bw / 6, 0.4), max(bh / 6, 0.4)
                g = torch.exp(-((xs - px) ** 2) / (2 * sx**2) - ((ys - py) ** 2) / (2 * sy**2))
                gt_heat[i, label] = torch.maximum(gt_heat[i, label], g)
                gt_box[i, :, py, px] = torch.tensor([bw, bh, cx - px, cy - py], device=heat.device)
                mask[i, py, px] = 1
        return gt_heat, gt_box, mask

    @torch.no_grad()
    def decode(self, heat: torch.Tensor, box: torch.Tensor) -> list[dict[str, torch.Tensor]]:
        b, c, h, w = heat.shape
        prob = heat.sigmoid()
        peaks = prob * (F.max_pool2d(prob, 3, 1, 1) == prob)  # 3x3 max-pool instead of NMS
        scores, idx = peaks.flatten(1).topk(min(TOP_K, c * h * w))
        labels, cell = idx // (h * w), idx % (h * w)
        py, px = (cell // w).float(), (cell % w).float()
        box = box.flatten(2)
        out = []
        for i in range(b):
            bw, bh, dx, dy = (box[i, k, cell[i]] for k in range(4))
            cx, cy = (px[i] + dx) * STRIDE, (py[i] + dy) * STRIDE
            bw, bh = bw.clamp(min=0) * STRIDE, bh.clamp(min=0) * STRIDE
            boxes = torch.stack([cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2], 1)
            boxes = boxes.clamp(0, max(h, w) * STRIDE)
            out.append({"boxes": boxes, "scores": scores[i], "labels": labels[i]})
        return out
