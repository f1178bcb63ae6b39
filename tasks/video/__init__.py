"""Video action recognition: moving shapes (embedded, rendered) and UCF101 split 1 (local files).

Metadata only: the generator, builders and protocol are imported when a run needs them, never by
`bench list`.
"""

from __future__ import annotations

from harness.registry import register_family, register_task
from harness.specs import FamilySpec, Metric, Reference, TaskSpec
from tasks.video import rescore
from tasks.video.interface import VideoClassifier

# read at registration: here, not in generator.py, so that `bench list` imports no numpy
GENERATOR_VERSION = "1"  # bump with any change to generator.py that alters a pixel or a label
MOTIONS = ("left", "right", "up", "down", "clockwise", "counter-clockwise", "grow", "shrink")

FAMILY = register_family(FamilySpec(
    name="video",
    description="video action recognition: clips in, class logits out (multi-view scoring)",
    objectives=("cross_entropy",),
    interface=VideoClassifier,
    protocols=("tasks.video.protocol:VideoProtocol",),
    dummy="tasks.video.dummy:build_dummy",
))

UNIT = (0.0, 1.0)
_ACC = "torchmetrics MulticlassAccuracy(average='micro', top_k={k})"
METRICS = (
    Metric("clip_top1", True, _ACC.format(k=1), "top-1 accuracy of single clips (every view of every test video)",
           range=UNIT),
    Metric("clip_top5", True, _ACC.format(k=5), "top-5 accuracy of single clips", range=UNIT),
    Metric("video_top1", True, _ACC.format(k=1) + " on mean clip probabilities",
           "video-level top-1: each video's clip softmaxes averaged over its views", range=UNIT),
    Metric("views", True, "the protocol's clips per test video",
           "how many clips video_top1 averages (1 = single-view); not a score", range=(1.0, float("inf")),
           reference=True),
)
REVERSAL = Metric("reversal_accuracy", True, "share of clips whose class outscores its time-reversed twin",
                  "binary accuracy within each pair of reversed motions (left/right, up/down, clockwise/"
                  "counter-clockwise, grow/shrink); chance 0.5, what a model without temporal order gets",
                  range=UNIT)
PROTOCOL = (
    "Train with cross-entropy on one 8-frame clip per video per epoch, at a random start (temporal "
    "jitter); validation metrics are logged but never used for model selection. The model after the "
    "last epoch is scored on the test split with {views} evenly spaced clips per video: clip_top1 and "
    "clip_top5 over all clips, video_top1 on the mean of each video's clip probabilities (multi-view)."
)


def _build(module: str, name: str):
    def build(data_cfg, profile):
        import importlib

        return getattr(importlib.import_module(f"tasks.video.{module}"), name)(data_cfg, profile)

    return build


register_task(TaskSpec(
    name="moving-shapes",
    version=f"1-gen{GENERATOR_VERSION}",
    family="video",
    description="8-class motion recognition in 8-frame 32x32 clips of moving shapes; no single frame tells the "
    "class (no download)",
    dataset=f"tasks.video.generator.render_video v{GENERATOR_VERSION}: 16-frame 32x32 RGB videos of one or two "
    f"convex shapes doing one of {', '.join(MOTIONS)}, on a background with fresh noise every frame; fixed "
    "seeds per split, cached with save_to_disk",
    splits={"train": 2000, "val": 200, "test": 400},
    metrics=METRICS + (REVERSAL,),
    primary_metric="video_top1",
    protocol=PROTOCOL.format(views=2) + " reversal_accuracy compares each clip's class only with its time-reversed "
    "twin: a model without temporal order (frame-avg) sits at 0.5.",
    build=_build("data", "build_moving_shapes"),
    input_shape=(8, 3, 32, 32),
    num_classes=len(MOTIONS),
    profiles={"smoke": {"train_size": 64, "eval_size": 24}},
    cite=("harris2020numpy",),  # rendered with numpy
    example_scores=rescore.example_scores,
    set_scores=rescore.set_scores,
))

register_task(TaskSpec(
    name="ucf101",
    version="1",
    family="video",
    description="UCF101 action recognition, 101 classes, official split 1 (local copy via data.path; no download)",
    dataset="UCF101 (Soomro et al. 2012) split 1 from data.path=DIR: ucfTrainTestlist/ plus the videos, as the "
    "released .avi files (decoded with PyAV) or one folder of JPEG/PNG frames per video; 16 frames evenly spaced "
    "over each video, shorter side resized to 112 and centre-cropped. val = the train list's videos of group 25 "
    "(not trained on)",
    splits={"train": 9537, "test": 3783},  # the official list sizes; val (group 25) is taken out of train
    metrics=METRICS,
    primary_metric="video_top1",
    protocol=PROTOCOL.format(views=2) + " Clips are taken from 16 frames spread over the whole video (a "
    "segment-sampling approximation of the usual dense clips).",
    build=_build("ucf101", "build_ucf101"),
    local_data=True,
    input_shape=(8, 3, 112, 112),
    num_classes=101,
    cite=("soomro2012ucf101",),
    example_scores=rescore.example_scores,
    set_scores=rescore.set_scores,
    references=(
        Reference("videomae", "video_top1", 0.913,
                  "Tong et al. 2022 (VideoMAE), abstract: ViT-B, self-supervised pre-training on UCF101 only, "
                  "then fine-tuned; 91.3% top-1",
                  "their multi-view protocol and input size (16x224x224), not this task's 8x112x112 two-view one",
                  tolerance=0.05, why="a margin for the smaller input and fewer views; the paper also pre-trains "
                  "a ViT-B for 3,200 epochs, which runs here (small transformers from scratch) do not"),
    ),
    profiles={"smoke": {"train_size": 6, "eval_size": 4}},
))
