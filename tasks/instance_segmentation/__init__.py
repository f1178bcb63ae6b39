"""Instance segmentation: a box, a class and a pixel mask per object, on the shapes scenes (embedded).

Metadata only: the builders (`tasks.scenes`) and the protocol in `protocol.py` are imported when a
run needs them, never by `bench list`.
"""

from __future__ import annotations

from harness.registry import register_family, register_task
from harness.specs import FamilySpec, Metric, Reference, TaskSpec
from tasks.instance_segmentation.interface import InstanceSegmenter
from tasks.scenes import SHAPES, SHAPES_PROFILES, SHAPES_SPLITS, preview, shapes_builder
from tasks.shapes import CLASSES, GENERATOR_VERSION

FAMILY = register_family(FamilySpec(
    name="instance-segmentation",
    description="instance segmentation: images in, scored boxes with pixel masks out (COCO mask AP)",
    objectives=("model_loss",),
    interface=InstanceSegmenter,
    protocols=("tasks.instance_segmentation.protocol:InstanceSegmentationProtocol",),
    dummy="tasks.instance_segmentation.dummy:build_dummy",
))
PROTOCOL_REF = FAMILY.protocols[0]

UNIT = (0.0, 1.0)
_MAP = "torchmetrics MeanAveragePrecision(iou_type=('bbox', 'segm'), backend='pycocotools')"
INST_METRICS = (
    Metric("mask_mAP", True, f"{_MAP} segm_map", "COCO mask AP@[.50:.95], 101-point interpolation", range=UNIT),
    Metric("mask_mAP50", True, f"{_MAP} segm_map_50", "COCO mask AP at mask IoU 0.50", range=UNIT),
    Metric("mask_mAP75", True, f"{_MAP} segm_map_75", "COCO mask AP at mask IoU 0.75", range=UNIT),
    Metric("box_mAP", True, f"{_MAP} bbox_map", "COCO box AP@[.50:.95] of the same detections", range=UNIT),
)
INST_PROTOCOL = (
    "Train on the train split with the model's own loss for trainer.epochs epochs; the model after the "
    "last epoch predicts boxes, classes and mask probabilities on the fixed test split; masks are kept "
    "above probability 0.5 and scored once with COCO evaluation (mask and box IoU; pycocotools through "
    "torchmetrics), every image counted once (predictions de-duplicated by image id across processes)."
)
register_task(TaskSpec(
    name="shapes-inst",
    version=f"1-gen{GENERATOR_VERSION}",
    family="instance-segmentation",
    description="synthetic shapes, 4 classes, 1-4 objects per 64x64 image: a mask per object, occlusions "
    "cut out (no download)",
    dataset=SHAPES + "; masks are the visible pixels of each object (the generator's instance map)",
    splits=SHAPES_SPLITS,
    metrics=INST_METRICS,
    primary_metric="mask_mAP",
    protocol=INST_PROTOCOL,
    build=shapes_builder("shapes-inst", "instance-segmentation", CLASSES, PROTOCOL_REF),
    input_shape=(3, 64, 64),
    num_classes=len(CLASSES),
    references=(
        # true boxes and classes, score 1, each mask its filled box: what a perfect box detector scores
        # without shapes (box AP 1 by construction); a method that segments must beat it
        *(Reference("box-oracle", metric, value, "computed here: `python benchmarks/instance_box_oracle.py` "
                    "(301 test images, true boxes filled as masks, the task's own metric code)")
          for metric, value in (("mask_mAP", 0.3575), ("mask_mAP50", 0.5100))),
    ),
    profiles=SHAPES_PROFILES,
    preview=preview("shapes-inst"),
))
