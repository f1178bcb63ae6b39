"""transformers' Mask2Former behind the instance-segmentation interface (imported lazily by builders).

Training: the model's own set loss (Hungarian matching of queries to objects; class cross-entropy, mask
BCE and dice on sampled points). Inference follows Mask2Former's instance post-processing: a query's
score is its best class probability times the mean mask probability inside its mask; its box is the
mask's bounding box (torchvision.ops.masks_to_boxes).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class HFInstanceSegmenter(nn.Module):
    def __init__(self, model: nn.Module, top_k: int = 20) -> None:
        super().__init__()
        self.model, self.top_k = model, top_k

    def forward(self, pixel_values: torch.Tensor, targets: list[dict[str, torch.Tensor]] | None = None):
        pixels = (pixel_values - 0.5) / 0.25
        if targets is not None:
            return self.model(pixel_values=pixels, mask_labels=[t["masks"].float() for t in targets],
                              class_labels=[t["labels"].long() for t in targets]).loss
        from torchvision.ops import masks_to_boxes

        out = self.model(pixel_values=pixels)
        probs = out.class_queries_logits.softmax(-1)[..., :-1]  # the last class is "no object"
        masks = F.interpolate(out.masks_queries_logits, size=pixel_values.shape[-2:], mode="bilinear",
                              align_corners=False).sigmoid()
        results = []
        for prob, mask in zip(probs, masks, strict=True):
            scores, labels = prob.max(-1)
            binary = mask > 0.5
            inside = (mask * binary).flatten(1).sum(1) / binary.flatten(1).sum(1).clamp(min=1)
            scores = scores * inside
            top = scores.topk(min(self.top_k, len(scores))).indices
            top = top[binary[top].flatten(1).any(1)]  # an empty mask has no box
            # masks_to_boxes gives the last pixel's index; +1 makes x2, y2 the box's far edge
            boxes = masks_to_boxes(binary[top]) + mask.new_tensor([0.0, 0.0, 1.0, 1.0])
            results.append({"boxes": boxes,
                            "scores": scores[top], "labels": labels[top], "masks": mask[top]})
        return results
