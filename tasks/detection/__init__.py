"""Object detection: synthetic shapes scenes (embedded) and COCO (hub).

Metadata only: the builders (`tasks.scenes`) and the protocol in `protocol.py` are imported when a
run needs them, never by `bench list`.
"""

from __future__ import annotations

from harness.registry import register_family, register_task
from harness.specs import FamilySpec, HubSource, Metric, Reference, TaskSpec
from tasks.detection import rescore
from tasks.detection.interface import Detector
from tasks.scenes import LOCAL_COPY, SHAPES, SHAPES_PROFILES, SHAPES_SPLITS, hub_builder, preview, shapes_builder
from tasks.shapes import CLASSES, GENERATOR_VERSION

FAMILY = register_family(FamilySpec(
    name="detection",
    description="object detection: images in, scored boxes out (COCO mAP)",
    objectives=("model_loss",),
    interface=Detector,
    protocols=("tasks.detection.protocol:DetectionProtocol",),
    dummy="tasks.detection.dummy:build_dummy",
))
PROTOCOL_REF = FAMILY.protocols[0]

UNIT = (0.0, 1.0)
DET_METRICS = (
    Metric("mAP", True, "torchmetrics MeanAveragePrecision(backend='pycocotools') map",
           "COCO mAP@[.50:.95], 101-point interpolation, max 100 detections per image", range=UNIT),
    Metric("mAP50", True, "torchmetrics MeanAveragePrecision(backend='pycocotools') map_50",
           "COCO AP at IoU 0.50", range=UNIT),
    Metric("mAP75", True, "torchmetrics MeanAveragePrecision(backend='pycocotools') map_75",
           "COCO AP at IoU 0.75", range=UNIT),
)
DET_PROTOCOL = (
    "Train on the train split with the detector's own loss for trainer.epochs epochs; the model after "
    "the last epoch predicts boxes on the fixed test split (images resized to the task's square size, "
    "boxes in its pixels) and is scored once with COCO evaluation (pycocotools through torchmetrics), "
    "every image counted once (predictions de-duplicated by image id across processes)."
)
register_task(TaskSpec(
    name="shapes-det",
    version=f"1-gen{GENERATOR_VERSION}",
    family="detection",
    description="synthetic shapes, 4 classes, 1-4 objects per 64x64 image: box detection (no download)",
    dataset=SHAPES,
    splits=SHAPES_SPLITS,
    metrics=DET_METRICS,
    primary_metric="mAP",
    protocol=DET_PROTOCOL,
    build=shapes_builder("shapes-det", "detection", CLASSES, PROTOCOL_REF),
    input_shape=(3, 64, 64),
    num_classes=len(CLASSES),
    profiles=SHAPES_PROFILES,
    preview=preview("shapes-det"),
    cite=("harris2020numpy", "lin2014coco"),  # drawn with numpy (and Pillow); scored by COCO's AP
    set_scores=rescore.set_scores,
))

# detection-datasets/coco: COCO 2017 in parquet (train 117,266 / val 4,952 images with objects).
# Revision: a full commit id of the repository's main branch seen on the hub's tree pages
# (huggingface.co/datasets/detection-datasets/coco/tree/5ac7bb3...); columns as documented on its
# dataset card: image_id, image, width, height, objects {bbox_id, category, bbox [x1, y1, x2, y2], area}.
COCO = HubSource("detection-datasets/coco", "5ac7bb3072b50d4dde410310eb3069d9f398e9a0", "image", "objects")
COCO_CLASSES = tuple(f"coco-{i}" for i in range(80))  # the dataset's ClassLabel ids 0..79
register_task(TaskSpec(
    name="coco-det",
    version="1",
    family="detection",
    description="COCO 2017 boxes, 80 classes, resized to 128x128 (hub dataset; run offline with data.path)",
    dataset=f"Hugging Face hub {COCO.repo_id}@{COCO.revision[:10]}. {LOCAL_COPY}",
    splits={"train": 112266, "val": 5000, "test": 4952},
    metrics=DET_METRICS,
    primary_metric="mAP",
    protocol=DET_PROTOCOL + " val = the last 5,000 of a fixed permutation (seed 0) of the hub's train "
    "split; test = the hub's val split (COCO val2017).",
    build=hub_builder("coco-det", "detection", COCO, {"bbox_format": "xyxy", "test_split": "val"}, 128, COCO_CLASSES,
                      PROTOCOL_REF),
    input_shape=(3, 128, 128),
    num_classes=80,
    hub=COCO,
    cite=("lin2014coco",),
    set_scores=rescore.set_scores,
    references=(
        Reference("detr", "mAP", 0.420, "Carion et al. 2020, DETR R50 at full resolution, 500 epochs (not 128 px)",
                  tolerance=0.05, why="at this task's 128 px most small COCO objects vanish, so a faithful DETR "
                  "would still lose several points; only the scale is comparable"),
    ),
    profiles={"smoke": {"train_size": 48, "eval_size": 16}, "default": {"train_size": 20000}},
))
