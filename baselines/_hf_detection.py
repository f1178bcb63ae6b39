"""Shared by the transformers detectors: the detection interface the protocol expects.

`forward(pixel_values, targets)` -> the model's Hungarian set loss; `forward(pixel_values)` -> one
{"boxes" [x1, y1, x2, y2] pixels, "scores", "labels"} dict per image. Imported lazily by builders.
"""

from __future__ import annotations

import torch
from torch import nn


def _xyxy_to_cxcywh(boxes: torch.Tensor, size: torch.Tensor) -> torch.Tensor:
    x1, y1, x2, y2 = boxes.unbind(-1)
    return torch.stack([(x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1], -1) / size


class HFDetector(nn.Module):
    """`sigmoid=False`: softmax over the classes plus a last "no object" class (DETR, YOLOS);
    `sigmoid=True`: one independent sigmoid per class (focal-loss heads: RT-DETR)."""

    def __init__(self, model: nn.Module, top_k: int = 20, sigmoid: bool = False) -> None:
        super().__init__()
        self.model, self.top_k, self.sigmoid = model, top_k, sigmoid

    def forward(self, pixel_values: torch.Tensor, targets: list[dict[str, torch.Tensor]] | None = None):
        h, w = pixel_values.shape[-2:]
        size = torch.tensor([w, h, w, h], dtype=torch.float32, device=pixel_values.device)
        if targets is not None:
            labels = [{"class_labels": t["labels"].long(), "boxes": _xyxy_to_cxcywh(t["boxes"].float(), size)}
                      for t in targets]
            return self.model(pixel_values=pixel_values, labels=labels).loss
        out = self.model(pixel_values=pixel_values)
        prob = out.logits.sigmoid() if self.sigmoid else out.logits.softmax(-1)[..., :-1]  # last: "no object"
        scores, labels = prob.max(-1)
        cx, cy, bw, bh = out.pred_boxes.unbind(-1)
        boxes = torch.stack([cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2], -1).clamp(0, 1) * size
        k = min(self.top_k, scores.shape[1])
        top = scores.topk(k, dim=1).indices
        return [{"boxes": boxes[i, top[i]], "scores": scores[i, top[i]], "labels": labels[i, top[i]]}
                for i in range(len(scores))]
