"""Object detection and semantic segmentation: synthetic shapes (embedded) and their hub siblings.

Metadata only: the builders in `data.py`, the protocols in `protocol.py` and the pictures in
`pictures.py` are imported when a run needs them, never by `bench list`.
"""

from __future__ import annotations

from harness.registry import register_task
from harness.specs import HubSource, Metric, Reference, TaskSpec
from tasks.shapes.generator import CLASSES, GENERATOR_VERSION

UNIT = (0.0, 1.0)
DET_METRICS = (
    Metric("mAP", True, "torchmetrics MeanAveragePrecision(backend='pycocotools') map",
           "COCO mAP@[.50:.95], 101-point interpolation, max 100 detections per image", range=UNIT),
    Metric("mAP50", True, "torchmetrics MeanAveragePrecision(backend='pycocotools') map_50",
           "COCO AP at IoU 0.50", range=UNIT),
    Metric("mAP75", True, "torchmetrics MeanAveragePrecision(backend='pycocotools') map_75",
           "COCO AP at IoU 0.75", range=UNIT),
)
SEG_METRICS = (
    Metric("mIoU", True, "torchmetrics MulticlassJaccardIndex(average='macro', ignore_index=255)",
           "mean over classes of IoU from one confusion matrix accumulated over the dataset", range=UNIT),
    Metric("pixel_accuracy", True, "torchmetrics MulticlassAccuracy(average='micro', ignore_index=255)",
           "fraction of non-ignored pixels labelled correctly", range=UNIT),
)
DET_PROTOCOL = (
    "Train on the train split with the detector's own loss for trainer.epochs epochs; the model after "
    "the last epoch predicts boxes on the fixed test split (images resized to the task's square size, "
    "boxes in its pixels) and is scored once with COCO evaluation (pycocotools through torchmetrics), "
    "every image counted once (predictions de-duplicated by image id across processes)."
)
SEG_PROTOCOL = (
    "Train on the train split with per-pixel cross-entropy (ignore index 255) for trainer.epochs "
    "epochs; logits are upsampled to the mask size; the model after the last epoch is scored once on "
    "the fixed test split. IoU is accumulated over the whole split (one confusion matrix), not "
    "averaged per image; pixels labelled 255 are ignored."
)
SHAPES = (
    f"tasks.shapes.generator v{GENERATOR_VERSION}: 64x64 RGB scenes of 1-4 shapes "
    f"({', '.join(CLASSES)}) in random colours, sizes and positions, with occlusions on a textured "
    "background; fixed seeds per split, built once and cached with save_to_disk (no download)"
)
LOCAL_COPY = ("Offline: data.path=DIR reads a local copy (the hub's parquet files or a save_to_disk folder) "
              "through the same loader.")
SHAPES_SPLITS = {"train": 4000, "val": 199, "test": 301}  # 199 and 301: odd on purpose (distributed eval)
SHAPES_PROFILES = {"smoke": {"train_size": 48, "eval_size": 16}, "default": {"train_size": 2000}}


def _scene_task(name: str, family: str, size: int, num_classes: int, names):
    from tasks.detection.data import SceneTask

    return SceneTask(name, family, size, num_classes, tuple(names))


def _shapes_builder(name: str, family: str):
    def build(data_cfg, profile):
        from tasks.detection.data import build_shapes

        k = len(CLASSES) if family == "detection" else len(CLASSES) + 1
        names = CLASSES if family == "detection" else ("background", *CLASSES)
        return build_shapes(_scene_task(name, family, 64, k, names), SHAPES_SPLITS, data_cfg)

    return build


def _preview(name: str):
    def preview(data_cfg, path: str) -> None:
        """Ground truth of the first 8 test images, drawn as a PNG grid at `path`."""
        from harness import registry
        from tasks.detection.pictures import detection_grid, segmentation_grid

        task = registry.get_task(name)
        data = task.build(data_cfg, "smoke")
        batch = data.test.__getitems__(list(range(min(8, len(data.test)))))
        grid = (detection_grid(batch, None, data.info.extra["class_names"]) if task.family == "detection"
                else segmentation_grid(batch))
        grid.save(path)

    return preview


def _hub_builder(name: str, family: str, hub: HubSource, source_kw: dict, size: int, num_classes: int, names):
    def build(data_cfg, profile):
        from tasks.detection.data import SceneSource, build_hub_scenes

        source = SceneSource(image_column=hub.image_column, **source_kw)
        task = _scene_task(name, family, size, num_classes, names)
        return build_hub_scenes(task, hub.repo_id, hub.revision, source, 5000, data_cfg)

    return build


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
    build=_shapes_builder("shapes-det", "detection"),
    input_shape=(3, 64, 64),
    num_classes=len(CLASSES),
    profiles=SHAPES_PROFILES,
    preview=_preview("shapes-det"),
))

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
    build=_shapes_builder("shapes-seg", "segmentation"),
    input_shape=(3, 64, 64),
    num_classes=len(CLASSES) + 1,
    profiles=SHAPES_PROFILES,
    preview=_preview("shapes-seg"),
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
    build=_hub_builder("coco-det", "detection", COCO, {"bbox_format": "xyxy", "test_split": "val"},
                       128, 80, COCO_CLASSES),
    input_shape=(3, 128, 128),
    num_classes=80,
    hub=COCO,
    references=(
        Reference("detr", "mAP", 0.420, "Carion et al. 2020, DETR R50 at full resolution, 500 epochs (not 128 px)"),
    ),
    profiles={"smoke": {"train_size": 48, "eval_size": 16}, "default": {"train_size": 20000}},
))

# ADE20K scene parsing (SceneParse150): mask ids 1..150 are the classes, 0 is "other" (ignored).
# PLACEHOLDER REVISION: no full commit id of this repository could be found with the tools at hand
# (only the short id 56a0746 of its main branch); replace before running against the hub.
ADE20K_REVISION_PLACEHOLDER = "0" * 40
ADE20K = HubSource("sezer12138/ADE20k_Segementation", ADE20K_REVISION_PLACEHOLDER, "image", "annotation")
register_task(TaskSpec(
    name="ade20k-seg",
    version="1",
    family="segmentation",
    description="ADE20K scene parsing, 150 classes, resized to 128x128 (hub dataset; run offline with data.path)",
    dataset=f"Hugging Face hub {ADE20K.repo_id}@PLACEHOLDER (unpinned: see tasks/detection/__init__.py). "
    f"{LOCAL_COPY}",
    splits={"train": 15210, "val": 5000, "test": 2000},
    metrics=SEG_METRICS,
    primary_metric="mIoU",
    protocol=SEG_PROTOCOL + " Mask id 0 ('other') is ignored, ids 1..150 become classes 0..149. val = the "
    "last 5,000 of a fixed permutation (seed 0) of the hub's train split; test = the hub's val split.",
    build=_hub_builder("ade20k-seg", "segmentation", ADE20K,
                       {"objects_column": None, "mask_column": "annotation", "mask_offset": 1, "test_split": "val"},
                       128, 150, tuple(f"ade-{i}" for i in range(150))),
    input_shape=(3, 128, 128),
    num_classes=150,
    hub=ADE20K,
    profiles={"smoke": {"train_size": 48, "eval_size": 16}, "default": {"train_size": 10000}},
))
