"""Semantic segmentation: synthetic shapes scenes (embedded) and ADE20K (hub).

Metadata only: the builders (`tasks.scenes`) and the protocol in `protocol.py` are imported when a
run needs them, never by `bench list`.
"""

from __future__ import annotations

from harness.registry import register_family, register_task
from harness.specs import FamilySpec, HubSource, Metric, TaskSpec
from tasks.scenes import LOCAL_COPY, SHAPES, SHAPES_PROFILES, SHAPES_SPLITS, hub_builder, preview, shapes_builder
from tasks.segmentation import rescore
from tasks.segmentation.interface import Segmenter
from tasks.shapes import CLASSES, GENERATOR_VERSION

FAMILY = register_family(FamilySpec(
    name="segmentation",
    description="semantic segmentation: images in, per-pixel class logits out (mIoU over the split)",
    objectives=("cross_entropy",),
    interface=Segmenter,
    protocols=("tasks.segmentation.protocol:SegmentationProtocol",),
    dummy="tasks.segmentation.dummy:build_dummy",
))
PROTOCOL_REF = FAMILY.protocols[0]

UNIT = (0.0, 1.0)
SEG_METRICS = (
    Metric("mIoU", True, "torchmetrics MulticlassJaccardIndex(average='macro', ignore_index=255)",
           "mean over classes of IoU from one confusion matrix accumulated over the dataset", range=UNIT),
    Metric("pixel_accuracy", True, "torchmetrics MulticlassAccuracy(average='micro', ignore_index=255)",
           "fraction of non-ignored pixels labelled correctly", range=UNIT),
)
SEG_PROTOCOL = (
    "Train on the train split with per-pixel cross-entropy (ignore index 255) for trainer.epochs "
    "epochs; logits are upsampled to the mask size; the model after the last epoch is scored once on "
    "the fixed test split. IoU is accumulated over the whole split (one confusion matrix), not "
    "averaged per image; pixels labelled 255 are ignored."
)
register_task(TaskSpec(
    name="shapes-seg",
    version=f"1-gen{GENERATOR_VERSION}",
    family="segmentation",
    description="synthetic shapes, background + 4 classes per pixel, 64x64 (no download)",
    dataset=SHAPES,
    splits=SHAPES_SPLITS,
    metrics=SEG_METRICS,
    primary_metric="mIoU",
    protocol=SEG_PROTOCOL,
    build=shapes_builder("shapes-seg", "segmentation", ("background", *CLASSES), PROTOCOL_REF),
    input_shape=(3, 64, 64),
    num_classes=len(CLASSES) + 1,
    profiles=SHAPES_PROFILES,
    preview=preview("shapes-seg"),
    cite=("harris2020numpy",),  # drawn with numpy and Pillow (which has no paper)
    set_scores=rescore.set_scores,
))

# ADE20K scene parsing (SceneParse150): mask ids 1..150 are the classes, 0 is "other" (ignored).
# Unpinned: no full commit id of this repository could be found with the tools at hand, only the
# short id 56a0746 of its main branch; `bench show` and every record of the task say "unpinned".
ADE20K = HubSource("sezer12138/ADE20k_Segementation", "56a0746", "image", "annotation", pinned=False)
register_task(TaskSpec(
    name="ade20k-seg",
    version="1",
    family="segmentation",
    description="ADE20K scene parsing, 150 classes, resized to 128x128 (hub dataset; run offline with data.path)",
    dataset=f"Hugging Face hub {ADE20K.label}. "
    f"{LOCAL_COPY}",
    splits={"train": 15210, "val": 5000, "test": 2000},
    metrics=SEG_METRICS,
    primary_metric="mIoU",
    protocol=SEG_PROTOCOL + " Mask id 0 ('other') is ignored, ids 1..150 become classes 0..149. val = the "
    "last 5,000 of a fixed permutation (seed 0) of the hub's train split; test = the hub's val split.",
    build=hub_builder("ade20k-seg", "segmentation", ADE20K,
                      {"objects_column": None, "mask_column": "annotation", "mask_offset": 1, "test_split": "val"},
                      128, tuple(f"ade-{i}" for i in range(150)), PROTOCOL_REF),
    input_shape=(3, 128, 128),
    num_classes=150,
    hub=ADE20K, cite=("zhou2017ade20k",),
    set_scores=rescore.set_scores,
    profiles={"smoke": {"train_size": 48, "eval_size": 16}, "default": {"train_size": 10000}},
))
