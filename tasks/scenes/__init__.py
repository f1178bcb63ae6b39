"""Scenes with boxes and masks, shared by the detection, segmentation and instance-segmentation families: the shapes
scenes (embedded generator) and hub datasets of images with objects or masks. No family and no task
is registered here; this module stays light (the builders import `tasks.scenes.data` when called).
"""

from __future__ import annotations

from harness.specs import HubSource
from tasks.shapes import CLASSES, GENERATOR_VERSION

SHAPES = (
    f"tasks.shapes.generator v{GENERATOR_VERSION}: 64x64 RGB scenes of 1-4 shapes "
    f"({', '.join(CLASSES)}) in random colours, sizes and positions, with occlusions on a textured "
    "background; fixed seeds per split, built once and cached with save_to_disk (no download)"
)
LOCAL_COPY = ("Offline: data.path=DIR reads a local copy (the hub's parquet files or a save_to_disk folder) "
              "through the same loader.")
SHAPES_SPLITS = {"train": 4000, "val": 199, "test": 301}  # 199 and 301: odd on purpose (distributed eval)
SHAPES_PROFILES = {"smoke": {"train_size": 48, "eval_size": 16}, "default": {"train_size": 2000}}
GRIDS = {"detection": "tasks.scenes.pictures:truth_detection_grid",
         "segmentation": "tasks.scenes.pictures:truth_segmentation_grid",
         "instance-segmentation": "tasks.scenes.pictures:truth_instance_grid"}


def _scene_task(name: str, family: str, size: int, names, protocol: str):
    from tasks.scenes.data import SceneTask

    return SceneTask(name, family, size, len(names), tuple(names), protocol)


def shapes_builder(name: str, family: str, names, protocol: str):
    """The builder of a shapes-scenes task of `family` scored by `protocol` ("module:Class")."""

    def build(data_cfg, profile):
        from tasks.scenes.data import build_shapes

        return build_shapes(_scene_task(name, family, 64, names, protocol), SHAPES_SPLITS, data_cfg)

    return build


def hub_builder(name: str, family: str, hub: HubSource, source_kw: dict, size: int, names, protocol: str):
    """The builder of a hub scenes task: val from the hub's train split, test from `source_kw['test_split']`."""

    def build(data_cfg, profile):
        from tasks.scenes.data import SceneSource, build_hub_scenes

        source = SceneSource(image_column=hub.image_column, **source_kw)
        return build_hub_scenes(_scene_task(name, family, size, names, protocol), hub, source, 5000, data_cfg)

    return build


def preview(name: str):
    """`bench show task=NAME samples=PNG`: ground truth of the first 8 test images as a grid."""

    def draw(data_cfg, path: str) -> None:
        from harness import registry
        from harness.specs import resolve

        task = registry.get_task(name)
        data = task.build(data_cfg, "smoke")
        batch = data.test.__getitems__(list(range(min(8, len(data.test)))))
        resolve(GRIDS[task.family])(batch, data.info).save(path)

    return draw
