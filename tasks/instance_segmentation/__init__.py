"""Instance segmentation: a box, a class and a pixel mask per object, on the shapes scenes (embedded)
and COCO 2017 instances (hub).

Metadata only: the builders (`tasks.scenes`) and the protocol in `protocol.py` are imported when a
run needs them, never by `bench list`.
"""

from __future__ import annotations

from harness.registry import register_family, register_task
from harness.specs import FamilySpec, HubSource, Metric, Reference, TaskSpec
from tasks.instance_segmentation import rescore
from tasks.instance_segmentation.interface import InstanceSegmenter
from tasks.scenes import LOCAL_COPY, SHAPES, SHAPES_PROFILES, SHAPES_SPLITS, hub_builder, preview, shapes_builder
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
                    "(301 test images, true boxes filled as masks, the task's own metric code)",
                    tolerance=0.001, why="deterministic: the script recomputes it from the test masks "
                    "(0.3575 and 0.5100, rounded here)")
          for metric, value in (("mask_mAP", 0.358), ("mask_mAP50", 0.510))),
    ),
    profiles=SHAPES_PROFILES,
    preview=preview("shapes-inst"),
    cite=("harris2020numpy", "lin2014coco"),  # drawn with numpy (and Pillow); scored by COCO's AP
    set_scores=rescore.set_scores,
))

# NaiveDev/coco-2017-instance: COCO 2017 in parquet with an `annotations` image per picture and
# `objects` {bbox, categories}. Unpinned: only the short id bdb5afb of its main branch was seen (the
# hub's tree page). The layout is read from the dataset card of its 2014 twin and was never loaded
# here (the hub is unreachable): `annotations` is taken to hold instance ids (0 none, k + 1 = the k-th
# object) and `bbox` COCO's [x, y, w, h]; the loader is tested on fixtures in exactly that layout.
COCO_INST = HubSource("NaiveDev/coco-2017-instance", "bdb5afb", "image", "objects", pinned=False, checked=False)
register_task(TaskSpec(
    name="coco-inst",
    version="1",
    family="instance-segmentation",
    description="COCO 2017 instances, 80 classes, resized to 128x128 (hub dataset; run offline with data.path)",
    dataset=f"Hugging Face hub {COCO_INST.label} (layout assumed from its dataset card, not loaded here). "
    f"{LOCAL_COPY}",
    splits={"train": 112266, "val": 5000, "test": 4952},
    metrics=INST_METRICS,
    primary_metric="mask_mAP",
    protocol=INST_PROTOCOL + " val = the last 5,000 of a fixed permutation (seed 0) of the hub's train split; "
    "test = the hub's validation split (COCO val2017).",
    build=hub_builder("coco-inst", "instance-segmentation", COCO_INST,
                      {"instance_column": "annotations", "category_key": "categories", "test_split": "validation"},
                      128, tuple(f"coco-{i}" for i in range(80)), PROTOCOL_REF),
    input_shape=(3, 128, 128),
    num_classes=80,
    hub=COCO_INST,
    cite=("lin2014coco",),
    set_scores=rescore.set_scores,
    references=(
        # never run here (no COCO offline)
        Reference("mask-rcnn", "mask_mAP", 0.357, "He et al. 2017 (Mask R-CNN), Table 1: ResNet-101-FPN, COCO "
                  "test-dev mask AP at 800 px", tolerance=0.30, why="at 128 px most COCO objects are a few pixels "
                  "wide and the baseline here is a small backbone trained from scratch: only the scale is "
                  "comparable"),
    ),
    profiles={"smoke": {"train_size": 48, "eval_size": 16}, "default": {"train_size": 20000}},
))
