"""Every task's rescoring hooks (TaskSpec.example_scores / set_scores) give back its metrics from the
per-example file: here each family's protocol scores random outputs of a stand-in model on one
synthetic batch (its own `evaluate`, per_example=True, written and read back as a run does), fast
enough for every task; tests/tasks/test_family_contracts.py checks the same on every task's smoke run
with the family's dummy model, through the real runner."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
import torch
from torch import nn

from harness import registry
from harness.contracts import TaskInfo

TASKS = sorted(registry.tasks())
N = 24  # examples per synthetic batch


class Fixed(nn.Module):
    """A model whose every call returns the same outputs (random, drawn by the test); extra methods by keyword."""

    def __init__(self, outputs=None, **methods) -> None:
        super().__init__()
        self.outputs = outputs
        for name, method in methods.items():
            setattr(self, name, method)

    def forward(self, *args, **kwargs):
        return self.outputs


def _labels(gen: torch.Generator, k: int, n: int = N) -> torch.Tensor:
    return torch.randint(0, k, (n,), generator=gen)


def _logits(gen: torch.Generator, labels: torch.Tensor, k: int) -> torch.Tensor:
    """Random logits leaning to the true class: accuracies well inside (0, 1), macro averages unlike micro ones."""
    return torch.randn(len(labels), k, generator=gen) + 1.5 * torch.nn.functional.one_hot(labels, k)


def _classification(spec, gen):
    from tasks.classification.protocol import ClassificationProtocol

    k, labels = spec.num_classes, _labels(gen, spec.num_classes)
    batch = {"pixel_values": torch.zeros(N, 1, 2, 2), "labels": labels}
    return ClassificationProtocol(k), Fixed(_logits(gen, labels, k)), batch


def _points3d(spec, gen):
    from tasks.points3d.protocol import PointCloudProtocol

    k, labels = spec.num_classes, _labels(gen, spec.num_classes)
    batch = {"points": torch.zeros(N, 4, 3), "labels": labels}
    return PointCloudProtocol(k), Fixed(_logits(gen, labels, k)), batch


def _sequence(spec, gen):
    from tasks.sequence.protocol import SequenceClassificationProtocol, SequenceRegressionProtocol

    batch = {"inputs": torch.zeros(N, 3, 1), "attention_mask": torch.ones(N, 3, dtype=torch.bool)}
    if spec.num_classes == 0:  # regression
        return SequenceRegressionProtocol(), Fixed(torch.randn(N, generator=gen)), batch | {
            "labels": torch.randn(N, generator=gen)}
    k, labels = spec.num_classes, _labels(gen, spec.num_classes)
    return SequenceClassificationProtocol(k), Fixed(_logits(gen, labels, k)), batch | {"labels": labels}


def _segmentation(spec, gen):
    from tasks.scenes.data import IGNORE_INDEX
    from tasks.segmentation.protocol import SegmentationProtocol

    k = spec.num_classes
    masks = torch.randint(0, min(k, 6), (N, 6, 6), generator=gen)
    masks[torch.rand(masks.shape, generator=gen) < 0.2] = IGNORE_INDEX
    logits = torch.randn(N, k, 6, 6, generator=gen)
    logits[:, :min(k, 6)] += 2.0  # mostly classes that occur, so IoUs are not all zero
    protocol = SegmentationProtocol(k, [str(i) for i in range(k)])
    return protocol, Fixed(logits), {"pixel_values": torch.zeros(N, 3, 6, 6), "masks": masks}


def _boxes(gen: torch.Generator, m: int) -> torch.Tensor:
    corner, size = torch.rand(m, 2, generator=gen) * 20, 4 + torch.rand(m, 2, generator=gen) * 10
    return torch.cat([corner, corner + size], 1)


def _scene(spec, gen, masks: bool):
    """Per image 1-3 true objects; predictions: jittered true boxes and some stray ones, random scores and
    labels (with masks: each box filled, thresholded by the protocol at 0.5)."""
    k, batch, preds = spec.num_classes, {"image_id": 100 + 3 * torch.arange(N), "boxes": [], "labels": [],
                                         "instance_masks": []}, []
    for _ in range(N):
        truth = _boxes(gen, int(torch.randint(1, 4, (1,), generator=gen)))
        pred = torch.cat([truth + torch.randn(truth.shape, generator=gen), _boxes(gen, 2)]).clamp(0, 31)
        labels = _labels(gen, min(k, 4), len(truth))
        pred_labels = torch.cat([labels, _labels(gen, min(k, 4), 2)])
        pred_labels[torch.rand(len(pred_labels), generator=gen) < 0.3] = 0
        batch["boxes"].append(truth)
        batch["labels"].append(labels)
        batch["instance_masks"].append(_filled(truth))
        preds.append({"boxes": pred, "scores": torch.rand(len(pred), generator=gen), "labels": pred_labels}
                     | ({"masks": _filled(pred).float() * 0.9} if masks else {}))
    batch["pixel_values"] = torch.zeros(N, 3, 32, 32)
    return batch, Fixed(preds)


def _filled(boxes: torch.Tensor, size: int = 32) -> torch.Tensor:
    grid = torch.arange(size)
    x1, y1, x2, y2 = boxes.round().long().T
    inside_x = (grid >= x1[:, None]) & (grid < x2[:, None])
    inside_y = (grid >= y1[:, None]) & (grid < y2[:, None])
    return inside_y[:, :, None] & inside_x[:, None, :]


def _detection(spec, gen):
    from tasks.detection.protocol import DetectionProtocol

    batch, model = _scene(spec, gen, masks=False)
    return DetectionProtocol(spec.num_classes, [str(i) for i in range(spec.num_classes)]), model, batch


def _instance(spec, gen):
    from tasks.instance_segmentation.protocol import InstanceSegmentationProtocol

    batch, model = _scene(spec, gen, masks=True)
    return InstanceSegmentationProtocol(spec.num_classes, [str(i) for i in range(spec.num_classes)]), model, batch


def _video(spec, gen):
    from tasks.video.protocol import VideoProtocol

    k, views = spec.num_classes, 2
    twins = tuple(i ^ 1 for i in range(k)) if "reversal_accuracy" in {m.name for m in spec.metrics} else None
    videos = torch.arange(N) // views
    labels = _labels(gen, k, N // views)[videos]
    batch = {"pixel_values": torch.zeros(N, 1, 1, 1, 1), "labels": labels, "video_index": videos}
    return VideoProtocol(k, views, twins), Fixed(_logits(gen, labels, k)), batch


class _Reference(nn.Module):
    """A stand-in for the generative tasks' reference CNN: a fixed projection to 5 features, and a head."""

    def __init__(self, gen: torch.Generator, pixels: int, k: int) -> None:
        super().__init__()
        self.project, self.classes = torch.randn(pixels, 5, generator=gen), torch.randn(5, k, generator=gen)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return images.flatten(1) @ self.project

    def head(self, features: torch.Tensor) -> torch.Tensor:
        return features @ self.classes


def _generative(spec, gen):
    from tasks.generative.protocol import GenerativeProtocol

    k, samples = spec.num_classes, torch.rand(N, 1, 4, 4, generator=gen)
    protocol = GenerativeProtocol(_Reference(gen, 16, k), floor=1.0, num_classes=k)
    batch = {"pixel_values": torch.rand(N, 1, 4, 4, generator=gen), "labels": _labels(gen, k)}
    return protocol, Fixed(generate=lambda labels: samples), batch


def _self_supervised(spec, gen):
    from tasks.self_supervised.protocol import SSLProtocol

    k = spec.num_classes
    train = SimpleNamespace(tensors={"pixel_values": torch.rand(40, 1, 2, 2, generator=gen),
                                     "labels": torch.arange(40) % k})
    batch = {"pixel_values": torch.rand(N, 1, 2, 2, generator=gen), "labels": _labels(gen, k)}
    return SSLProtocol(train, k), Fixed(encode=lambda x: x.flatten(1)), batch


def _unit(rows: torch.Tensor) -> torch.Tensor:
    return torch.nn.functional.normalize(rows, dim=1)


def _multimodal(spec, gen):
    from tasks.multimodal.protocol import RetrievalProtocol, ZeroShotProtocol

    pixels = torch.rand(N, 3, 1, 2, generator=gen)
    if "mean_recall" in {m.name for m in spec.metrics}:  # retrieval: 3 captions per image, text "<caption number>"
        texts = _unit(torch.randn(3 * N, 6, generator=gen) + pixels.flatten(1).repeat_interleave(3, 0))
        clip = Fixed(encode_image=lambda x: _unit(x.flatten(1)), tokenize=lambda t: torch.tensor([[int(s)] for s in t]),
                     encode_text=lambda ids, normalize=True: texts[ids[:, 0]])
        return RetrievalProtocol(), clip, {"pixel_values": pixels,
                                           "captions": [[str(3 * i + j) for j in range(3)] for i in range(N)]}
    sets = [m.name.removesuffix("_top1") for m in spec.metrics if m.name.endswith("_top1")]
    protocol = ZeroShotProtocol({s: (("a", "b", "c", "d"), ("{}", "a {}", "the {}")) for s in sets})
    weights = {s: [torch.randn(6, 4, generator=gen) for _ in range(4)] for s in sets}  # ensemble, then 3 templates
    protocol._classifiers = lambda clip, device: weights  # open_clip's prompt classifiers need a real text tower
    return protocol, Fixed(encode_image=lambda x: x.flatten(1)), {"pixel_values": pixels} | {
        f"label_{s}": _labels(gen, 4) for s in sets}


def _attribution(spec, gen):
    from tasks.attribution.protocol import AttributionProtocol

    n, (c, h, w), k = 4, spec.input_shape, spec.num_classes  # Quantus scores each image many times: few images
    masks = torch.zeros(n, h, w, dtype=torch.bool)
    masks[:, h // 4:h // 2, w // 4:w // 2] = True
    pixels = torch.rand(n, c, h, w, generator=gen) * 0.5
    pixels[:2, :, h // 4:h // 2, w // 4:w // 2] += 0.5  # the dummy's heatmap is brightness: two hits, two misses
    torch.manual_seed(0)  # the classifier's weights, and the heatmaps' noise
    classifier = nn.Sequential(nn.Flatten(), nn.Linear(c * h * w, k)).eval()  # the task's CNN is 40x slower here
    explainer = registry.get_family(spec.family).build_dummy(TaskInfo(spec.name, spec.family, spec.input_shape, k))
    return AttributionProtocol(classifier), explainer, {"pixel_values": pixels, "labels": _labels(gen, k, n),
                                                        "masks": masks}


SYNTHETIC = {"classification": _classification, "points3d": _points3d, "sequence": _sequence,
             "segmentation": _segmentation, "detection": _detection, "instance-segmentation": _instance,
             "video": _video, "generative": _generative, "self-supervised": _self_supervised,
             "multimodal": _multimodal, "attribution": _attribution}


@pytest.mark.parametrize("task", TASKS)
def test_hooks_give_back_the_metrics_of_random_outputs(task, tmp_path, check_rescoring):
    from accelerate import Accelerator

    from harness.per_example import write

    spec = registry.get_task(task)
    assert spec.family in SYNTHETIC, f"add a synthetic batch for family {spec.family} to this test"
    protocol, model, batch = SYNTHETIC[spec.family](spec, torch.Generator().manual_seed(len(task)))
    evaluation = protocol.evaluate(Accelerator(cpu=True), model, [batch], "test", per_example=True)
    write(evaluation.per_example, tmp_path / "per_example.parquet")
    check_rescoring(spec, evaluation.metrics, tmp_path / "per_example.parquet")


def test_set_metrics_follow_the_resampled_rows():
    """A bootstrap resample is a different set: macro averages and mIoU change with the rows drawn, and
    repeating every row leaves a set-level metric where it was."""
    spec = registry.get_task("digits")
    columns = {"example_id": np.arange(4), "label": np.array([0, 0, 1, 1]), "prediction": np.array([0, 1, 1, 1])}
    assert spec.set_scores(columns, np.array([0, 2, 3]))["balanced_accuracy"] == 1.0
    assert spec.set_scores(columns, np.array([1, 2]))["balanced_accuracy"] == 0.5
    seg = registry.get_task("shapes-seg")
    counts = {"example_id": np.arange(2), "intersection": np.array([[3, 0], [1, 1]], dtype=object),
              "union": np.array([[4, 2], [1, 3]]), "labelled_pixels": np.array([5, 4])}
    assert seg.set_scores(counts, np.array([0, 1])) == seg.set_scores(counts, np.array([1, 0, 1, 0]))
    assert seg.set_scores(counts, np.array([0]))["mIoU"] == pytest.approx((3 / 4 + 0 / 2) / 2)


def test_a_video_counts_once_however_many_clips_it_has():
    """video_top1 reads each video through its first clip: the clips of one video are one verdict, and a
    resample of clip rows that misses every first clip has no video to score."""
    from tasks.video.rescore import example_scores, first_clips, set_scores

    columns = {"example_id": np.array([5, 1, 4, 0, 3, 2]), "video_index": np.array([2, 0, 2, 0, 1, 1]),
               "video_correct": np.array([True, False, True, False, True, True]),
               "clip_correct": np.ones(6, dtype=bool), "clip_top5_correct": np.ones(6, dtype=bool)}
    assert "video_top1" not in example_scores(columns)  # an exact McNemar test would count each video twice
    assert first_clips(columns).tolist() == [False, False, True, True, False, True]
    assert set_scores(columns, np.arange(6))["video_top1"] == pytest.approx(2 / 3)
    assert set_scores(columns, np.array([2, 2, 3]))["video_top1"] == pytest.approx(2 / 3)  # video 2 drawn twice
    assert np.isnan(set_scores(columns, np.array([0, 1]))["video_top1"])
