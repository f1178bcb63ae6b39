"""The detection and segmentation family: the scene generator, COCO mAP against pycocotools, the
de-duplication of distributed predictions, dataset-level mIoU with an ignore index, hub loaders."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from harness import registry
from harness.errors import UserError
from tasks.detection.protocol import DetectionProtocol, dedup_by_image_id, detection_items, detection_metrics
from tasks.scenes.data import IGNORE_INDEX
from tasks.segmentation.protocol import SegmentationMetrics
from tasks.shapes import CLASSES
from tasks.shapes.generator import render_scene


def test_generator_is_deterministic_and_labels_agree_with_masks():
    for index in range(20):
        a, b = render_scene(5, index, 64), render_scene(5, index, 64)
        assert np.array_equal(a.image, b.image) and np.array_equal(a.boxes, b.boxes)
        assert 1 <= len(a.categories) <= 4
        assert set(np.unique(a.categories)) <= set(range(len(CLASSES)))
        for k, (box, cat) in enumerate(zip(a.boxes, a.categories, strict=False)):
            ys, xs = np.nonzero(a.instance_map == k + 1)
            assert box.tolist() == [xs.min(), ys.min(), xs.max() + 1 - xs.min(), ys.max() + 1 - ys.min()]
            assert a.areas[k] == len(xs)
            assert (a.semantic[a.instance_map == k + 1] == cat + 1).all()
        assert ((a.semantic == 0) == (a.instance_map == 0)).all()
    assert not np.array_equal(render_scene(5, 0).image, render_scene(6, 0).image)


def _item(image_id, boxes, scores, labels, gt_boxes, gt_labels):
    t = torch.tensor
    return {"image_id": image_id, "boxes": t(boxes, dtype=torch.float32).reshape(-1, 4),
            "scores": t(scores, dtype=torch.float32), "labels": t(labels, dtype=torch.long),
            "gt_boxes": t(gt_boxes, dtype=torch.float32).reshape(-1, 4), "gt_labels": t(gt_labels, dtype=torch.long)}


ITEMS = [
    # a good detection, a loose one, a wrong class
    _item(1, [[10, 10, 30, 30], [40, 5, 60, 28], [0, 0, 8, 8]], [0.9, 0.7, 0.6], [0, 1, 2],
          [[11, 9, 30, 31], [42, 8, 60, 30]], [0, 1]),
    # no objects, but a false positive
    _item(2, [[5, 5, 20, 20]], [0.8], [0], [], []),
    # objects, no predictions
    _item(3, [], [], [], [[20, 20, 40, 44]], [2]),
    _item(4, [[2, 30, 20, 50], [30, 30, 50, 52], [31, 29, 49, 50]], [0.95, 0.5, 0.85], [3, 1, 1],
          [[3, 31, 21, 49], [30, 30, 50, 50]], [3, 1]),
]


def _cocoeval(items) -> list[float]:
    """COCOeval run directly on the same boxes (xywh, area = w * h, as torchmetrics passes them)."""
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    images, anns, dets = [], [], []
    for it in items:
        images.append({"id": it["image_id"], "width": 64, "height": 64})
        for box, label in zip(it["gt_boxes"].tolist(), it["gt_labels"].tolist(), strict=False):
            w, h = box[2] - box[0], box[3] - box[1]
            anns.append({"id": len(anns) + 1, "image_id": it["image_id"], "category_id": label,
                         "bbox": [box[0], box[1], w, h], "area": w * h, "iscrowd": 0})
        for box, score, label in zip(it["boxes"].tolist(), it["scores"].tolist(), it["labels"].tolist(), strict=False):
            dets.append({"image_id": it["image_id"], "category_id": label, "score": score,
                         "bbox": [box[0], box[1], box[2] - box[0], box[3] - box[1]]})
    gt = COCO()
    gt.dataset = {"images": images, "annotations": anns,
                  "categories": [{"id": i, "name": str(i)} for i in range(len(CLASSES))]}
    gt.createIndex()
    ev = COCOeval(gt, gt.loadRes(dets), "bbox")
    ev.evaluate()
    ev.accumulate()
    ev.summarize()
    return [float(v) for v in ev.stats[:3]]


def test_map_equals_pycocotools_cocoeval_directly():
    ours = detection_metrics(ITEMS)
    direct = _cocoeval(ITEMS)
    assert 0.0 < ours["mAP"] < 1.0  # a non-trivial case: neither perfect nor empty
    assert [ours["mAP"], ours["mAP50"], ours["mAP75"]] == pytest.approx(direct, abs=1e-6)


def test_map_is_perfect_for_the_truth_and_drops_for_a_shifted_box():
    perfect = [dict(it, boxes=it["gt_boxes"], labels=it["gt_labels"], scores=torch.ones(len(it["gt_labels"])))
               for it in ITEMS]
    assert detection_metrics(perfect)["mAP"] == pytest.approx(1.0)
    shifted = [dict(it, boxes=it["boxes"] + 6) for it in perfect]
    assert detection_metrics(shifted)["mAP"] < 0.5


def test_dedup_keeps_one_entry_per_image_id():
    repeated = ITEMS + [ITEMS[0], ITEMS[2], ITEMS[0]]  # what a padded distributed sampler yields
    out = dedup_by_image_id(repeated)
    assert [it["image_id"] for it in out] == [1, 2, 3, 4]
    assert detection_metrics(out) == detection_metrics(ITEMS)


class _PaddingAccelerator:
    """Gathers like a 2-process run whose sampler repeated images: every batch comes back with its
    first image duplicated (gather_for_metrics cannot drop repeats of python objects reliably)."""

    is_main_process = True
    device = torch.device("cpu")

    def gather_for_metrics(self, data, use_gather_object=False):
        assert use_gather_object
        return list(data) + list(data[:1])


class _Oracle(torch.nn.Module):
    """Predicts the truth stored for each image id: mAP must be exactly 1."""

    def __init__(self, truth):
        super().__init__()
        self.truth = truth

    def forward(self, pixel_values):
        return [{"boxes": b, "labels": c, "scores": torch.ones(len(c))} for b, c in self.truth[: len(pixel_values)]]


def test_evaluate_counts_each_image_once_with_duplicated_gathers():
    boxes = [it["gt_boxes"] for it in ITEMS]
    labels = [it["gt_labels"] for it in ITEMS]
    batch = {"pixel_values": torch.zeros(4, 3, 64, 64), "image_id": torch.tensor([1, 2, 3, 4]),
             "boxes": boxes, "labels": labels}
    protocol = DetectionProtocol(len(CLASSES), CLASSES)
    oracle = _Oracle(list(zip(boxes, labels, strict=False)))
    result = protocol.evaluate(_PaddingAccelerator(), oracle, [batch], "test", per_example=True)
    assert result.num_samples == 4
    assert result.metrics["mAP"] == pytest.approx(1.0)
    rows = result.per_example  # one row per image id, from which the metrics come back exactly
    assert rows["example_id"] == [1, 2, 3, 4] and rows["pred_boxes"] == rows["gt_boxes"]
    assert detection_metrics(detection_items(rows)) == result.metrics


def test_miou_accumulates_over_the_dataset_and_honours_the_ignore_index():
    # image 1: class 1 predicted perfectly; image 2: class 2 half right, class 1 absent from both
    t1 = torch.tensor([[0, 1], [1, 1]])
    p1 = t1.clone()
    t2 = torch.tensor([[2, 2], [0, 0]])
    p2 = torch.tensor([[2, 0], [0, 0]])
    m = SegmentationMetrics(3)
    m.update(p1[None], t1[None])
    m.update(p2[None], t2[None])
    got = m.compute()
    # one confusion matrix over both images: IoU bg = 3/4, class 1 = 3/3, class 2 = 1/2
    assert got["mIoU"] == pytest.approx((3 / 4 + 1 + 1 / 2) / 3)
    assert got["pixel_accuracy"] == pytest.approx(7 / 8)
    # per-image averaging would give a different number: the protocol must not do that
    per_image = (1.0 + (2 / 3 + 1 / 2) / 2) / 2
    assert got["mIoU"] != pytest.approx(per_image)
    # ignored pixels count nowhere, whatever is predicted there
    t3 = torch.full((1, 2, 2), IGNORE_INDEX)
    m.update(torch.tensor([[[1, 2], [2, 1]]]), t3)
    assert m.compute() == got


def test_hub_scene_loader_reads_the_fixture_and_rejects_missing_columns(hub_fixtures, tmp_path):
    from harness.config import DataConfig

    task = registry.get_task("coco-det")
    data = task.build(DataConfig(path=str(hub_fixtures["coco-det"])), "smoke")
    assert len(data.test) == 13 and data.info.input_shape == (3, 128, 128)
    # [x1, y1, x2, y2] boxes of a 48 px image scaled to 128 px
    first = render_scene(2, 0, 48)
    x, y, w, h = first.boxes[0]
    assert data.test.boxes[0][0].tolist() == pytest.approx([v * 128 / 48 for v in (x, y, x + w, y + h)], abs=1e-3)
    seg = registry.get_task("ade20k-seg").build(DataConfig(path=str(hub_fixtures["ade20k-seg"])), "smoke")
    masks = seg.test.masks
    assert set(masks.unique().tolist()) <= {IGNORE_INDEX, 0, 1, 2, 3}  # 0 "other" ignored, ids shifted by one
    assert (masks == IGNORE_INDEX).any()
    with pytest.raises(UserError, match="missing column 'objects'"):
        task.build(DataConfig(path=str(hub_fixtures["ade20k-seg"])), "smoke")


def test_shapes_splits_are_cached_and_prefixes_are_stable(tmp_path):
    from harness.config import DataConfig

    task = registry.get_task("shapes-det")
    small = task.build(DataConfig(cache_dir=str(tmp_path), train_size=10, eval_size=7), "smoke")
    assert (tmp_path / "shapes").is_dir()
    larger = task.build(DataConfig(cache_dir=str(tmp_path), train_size=20, eval_size=7), "smoke")
    assert torch.equal(small.train.pixel_values, larger.train.pixel_values[:10])
    assert small.fingerprint != larger.fingerprint
    assert set(small.test.image_ids.tolist()).isdisjoint(small.train.image_ids.tolist())


@pytest.mark.parametrize("task", ["shapes-det", "shapes-seg"])
def test_write_artifacts_and_sample_preview_write_pngs(task, tmp_path):
    from PIL import Image

    from cli.main import main
    from harness.config import compose

    cfg = compose([f"task={task}", f"method={registry.fitting_methods(registry.get_task(task))[0]}",
                   "profile=smoke"])
    spec = registry.get_task(task)
    data = spec.build_data(cfg.data, "smoke", cfg.metrics)
    model = registry.get_method(cfg.method_name).build(data.info, cfg.method)
    data.protocol.write_artifacts(_PaddingAccelerator(), model, data.test, tmp_path)
    assert Image.open(tmp_path / "predictions.png").size[0] > 64
    assert main(["show", f"task={task}", f"samples={tmp_path / 'samples.png'}"]) == 0
    assert Image.open(tmp_path / "samples.png").size[0] > 64


def test_samples_for_a_task_without_preview_is_a_user_error(tmp_path, capsys):
    from cli.main import main

    assert main(["show", "task=digits", f"samples={tmp_path / 's.png'}"]) == 2
    assert "no sample preview" in capsys.readouterr().err
