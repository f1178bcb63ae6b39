"""Instance segmentation: the task's masks, and mask AP held against pycocotools' COCOeval."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from harness import registry
from harness.config import compose


def _scene_items() -> list[dict]:
    """Predictions near the truth on generated scenes (masks shifted, a class swapped, scores spread),
    one image with no objects but two predictions, and one with objects and no prediction."""
    from tasks.shapes.generator import render_scene

    rng = np.random.default_rng(0)
    items = []
    for i in range(6):
        s = render_scene(2, i, 64)
        n = len(s.categories)
        masks = torch.from_numpy(np.stack([s.instance_map == k + 1 for k in range(n)]))
        x, y, w, h = torch.from_numpy(s.boxes).unbind(1)
        boxes = torch.stack([x, y, x + w, y + h], 1)
        shift = int(rng.integers(0, 4))
        pred_masks = torch.roll(masks, shifts=shift, dims=2)
        labels = torch.from_numpy(s.categories).clone()
        if i == 2:
            labels[0] = (labels[0] + 1) % 4
        items.append({"image_id": i, "boxes": boxes + shift * torch.tensor([1.0, 0, 1, 0]),
                      "scores": torch.from_numpy(rng.uniform(0.2, 1.0, n)).float(), "labels": labels,
                      "masks": pred_masks, "gt_boxes": boxes, "gt_labels": torch.from_numpy(s.categories),
                      "gt_masks": masks})
    empty = torch.zeros(0, 64, 64, dtype=torch.bool)
    fp = torch.zeros(2, 64, 64, dtype=torch.bool)
    fp[0, 5:20, 5:20], fp[1, 30:50, 40:60] = True, True
    items.append({"image_id": 6, "boxes": torch.tensor([[5.0, 5, 20, 20], [40, 30, 60, 50]]),
                  "scores": torch.tensor([0.9, 0.4]), "labels": torch.tensor([0, 3]), "masks": fp,
                  "gt_boxes": torch.zeros(0, 4), "gt_labels": torch.zeros(0, dtype=torch.long), "gt_masks": empty})
    missed = items[1]
    items.append({**missed, "image_id": 7, "boxes": torch.zeros(0, 4), "scores": torch.zeros(0),
                  "labels": torch.zeros(0, dtype=torch.long), "masks": empty})
    return items


def _cocoeval_segm(items: list[dict]) -> list[float]:
    """COCO's own mask AP (stats[0:3]: AP, AP50, AP75) from the same masks, through pycocotools alone."""
    from pycocotools import mask as mask_utils
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    def rle(m: torch.Tensor) -> dict:
        r = mask_utils.encode(np.asfortranarray(m.numpy().astype(np.uint8)))
        r["counts"] = r["counts"].decode("ascii")
        return r

    images, annotations, detections = [], [], []
    for it in items:
        images.append({"id": it["image_id"], "height": 64, "width": 64})
        for m, c in zip(it["gt_masks"], it["gt_labels"], strict=True):
            r = rle(m)
            annotations.append({"id": len(annotations) + 1, "image_id": it["image_id"], "category_id": int(c),
                                "segmentation": r, "area": float(mask_utils.area(r)), "iscrowd": 0,
                                "bbox": list(mask_utils.toBbox(r))})
        for m, c, s in zip(it["masks"], it["labels"], it["scores"], strict=True):
            detections.append({"image_id": it["image_id"], "category_id": int(c), "segmentation": rle(m),
                               "score": float(s)})
    gt = COCO()
    gt.dataset = {"images": images, "annotations": annotations, "categories": [{"id": k} for k in range(4)]}
    gt.createIndex()
    evaluator = COCOeval(gt, gt.loadRes(detections), iouType="segm")
    evaluator.evaluate()
    evaluator.accumulate()
    evaluator.summarize()
    return [float(v) for v in evaluator.stats[:3]]


def test_mask_ap_equals_cocoeval_on_the_same_masks():
    from tasks.instance_segmentation.protocol import instance_metrics

    items = _scene_items()
    ours = instance_metrics(items)
    ap, ap50, ap75 = _cocoeval_segm(items)
    assert 0.05 < ap < 0.95  # a case with misses, false positives and partial overlaps, not a trivial one
    assert ours["mask_mAP"] == pytest.approx(ap, abs=1e-6)
    assert ours["mask_mAP50"] == pytest.approx(ap50, abs=1e-6)
    assert ours["mask_mAP75"] == pytest.approx(ap75, abs=1e-6)


def test_perfect_masks_score_one_and_filled_boxes_do_not():
    from tasks.instance_segmentation.protocol import instance_metrics

    items = [{**it, "boxes": it["gt_boxes"], "labels": it["gt_labels"], "masks": it["gt_masks"],
              "scores": torch.ones(len(it["gt_labels"]))} for it in _scene_items()[:6]]
    assert instance_metrics(items)["mask_mAP"] == pytest.approx(1.0)
    from baselines._tv_detection import box_masks

    boxed = [{**it, "masks": box_masks(it["gt_boxes"], 64, 64)} for it in items]
    out = instance_metrics(boxed)
    assert out["box_mAP"] == pytest.approx(1.0) and out["mask_mAP"] < 0.8


@pytest.mark.parametrize("task", ["shapes-inst", "coco-inst"])
def test_each_mask_is_one_object_inside_its_box(task, smoke_args):
    """The shapes scenes, and the COCO-instances loader on a fixture in the hub's layout (48 px scenes
    resized to 128: boxes scaled, id maps resized with nearest neighbours)."""
    # the session's shared cache: the shapes scenes are built once for every scenes task
    cfg = compose(smoke_args(task, "mask-rcnn"))
    spec = registry.get_task(task)
    test = spec.build_data(cfg.data, "smoke").test
    batch = test.__getitems__(list(range(8)))
    tolerance = 1.0 if task == "shapes-inst" else 3.0
    for boxes, masks in zip(batch["boxes"], batch["instance_masks"], strict=True):
        assert len(boxes) == len(masks) >= 1 and masks.shape[-1] == spec.input_shape[-1]
        assert not (masks.sum(0) > 1).any()  # visible pixels: no pixel belongs to two objects
        for box, mask in zip(boxes, masks, strict=True):
            ys, xs = torch.nonzero(mask, as_tuple=True)
            assert [xs.min(), ys.min(), xs.max() + 1, ys.max() + 1] == pytest.approx(box.tolist(), abs=tolerance)


def test_torchvision_detectors_shift_labels_past_background():
    """torchvision keeps class 0 for background: task label 0 goes in as 1 and comes back as 0."""
    from baselines._tv_detection import TorchvisionDetector

    class Echo(torch.nn.Module):
        def forward(self, images, targets=None):
            if self.training:
                assert targets[0]["labels"].tolist() == [1, 4]
                return {"a": torch.tensor(1.0), "b": torch.tensor(2.0)}
            return [{"boxes": torch.zeros(2, 4), "scores": torch.ones(2), "labels": torch.tensor([1, 4]),
                     "masks": torch.ones(2, 1, 8, 8)}]

    model = TorchvisionDetector(Echo())
    x = torch.zeros(1, 3, 8, 8)
    assert float(model(x, [{"boxes": torch.zeros(2, 4), "labels": torch.tensor([0, 3])}])) == 3.0
    model.eval()
    out = model(x)[0]
    assert out["labels"].tolist() == [0, 3] and out["masks"].shape == (2, 8, 8)
