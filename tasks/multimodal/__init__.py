"""Image-text (CLIP) tasks: retrieval and zero-shot classification, on captioned synthetic scenes
(embedded) and on Flickr30k and CIFAR-10 (hub, evaluation-only).

Metadata only: builders live in `data.py` and `hub.py`, protocols in `protocol.py`; none of them
is imported by `bench list`.
"""

from __future__ import annotations

from harness.registry import register_family, register_task
from harness.specs import FamilySpec, HubSource, Metric, Reference, TaskSpec
from tasks.classification import CIFAR10_HUB
from tasks.multimodal import rescore
from tasks.multimodal.interface import ImageTextModel
from tasks.shapes import CLASSES

# read at registration: here, not in captions.py, so that `bench list` imports no numpy
CAPTIONS_VERSION = "4"  # bump with any change to captions.py that alters a pixel or a word
COLOURS = {  # name -> RGB; far apart from each other and from the dark background
    "red": (220, 40, 40), "green": (40, 185, 60), "blue": (50, 90, 235), "cyan": (60, 215, 225),
    "yellow": (235, 220, 50), "purple": (160, 60, 210), "orange": (245, 140, 30), "white": (240, 240, 240),
}
COLOUR_NAMES = tuple(COLOURS)

FAMILY = register_family(FamilySpec(
    name="multimodal",
    description="image-text models (CLIP): retrieval and zero-shot classification",
    objectives=("contrastive",),
    interface=ImageTextModel,
    protocols=("tasks.multimodal.protocol:RetrievalProtocol", "tasks.multimodal.protocol:ZeroShotProtocol",),
    dummy="tasks.multimodal.dummy:build_dummy",
))

UNIT = (0.0, 1.0)
_RECALL_SOURCE = "torchmetrics RetrievalHitRate(top_k=k) (CLIP_benchmark's definition)"
RETRIEVAL_METRICS = tuple(
    Metric(f"{d}_r{k}", True, _RECALL_SOURCE,
           f"{'image-to-text' if d == 'i2t' else 'text-to-image'} Recall@{k}: share of queries with a "
           f"positive in the top {k}", range=UNIT)
    for d in ("i2t", "t2i") for k in (1, 5, 10)
) + (Metric("mean_recall", True, "mean of the six recalls", "the retrieval summary (rsum / 6)", range=UNIT),)
RETRIEVAL_PROTOCOL = (
    "Train with open_clip's ClipLoss on the train split (one of an image's captions per step). Then "
    "embed every test image and all of its captions; image-to-text: a query image is a hit at k when "
    "any of its captions is among the k captions most similar to it; text-to-image: a caption is a "
    "hit when its image is among the k most similar images (CLIP_benchmark). Cosine similarity."
)
ZEROSHOT_PROTOCOL = (
    "Train with open_clip's ClipLoss on the captioned train split (the zero-shot test images are "
    "never captioned); half of the training captions lose their size words, colour words or both "
    "(a partial description, never equal to any stored caption). Then classify each test image by "
    "cosine similarity to class embeddings built from prompt templates: `<set>_top1` with CLIP's "
    "prompt ensemble (mean of the templates' text embeddings, open_clip.build_zero_shot_classifier), "
    "`<set>_top1_per_template` the mean over templates used one at a time."
)
SCENES = (f"tasks.multimodal.captions v{CAPTIONS_VERSION}: 32x32 scenes of one or two shapes "
          f"({', '.join(CLASSES)}) in {len(COLOUR_NAMES)} named colours and two sizes, five templated "
          "captions each; training scenes sharing a caption string with a val or test scene are dropped")
# Unpinned: the hub's parquet export is a branch, and no commit of it could be checked from here.
FLICKR30K_HUB = HubSource("nlphuji/flickr30k", "refs/convert/parquet", "image", "caption", pinned=False)
EMBEDDED_PROFILES = {"smoke": {"train_size": 128, "eval_size": 64}}


def _builder(module: str, name: str):
    def build(data_cfg, profile):
        import importlib

        return getattr(importlib.import_module(f"tasks.multimodal.{module}"), name)(data_cfg)

    return build


def _zeroshot_metrics(sets: tuple[str, ...]) -> tuple[Metric, ...]:
    return tuple(m for s in sets for m in (
        Metric(f"{s}_top1", True, "open_clip build_zero_shot_classifier (prompt ensemble)",
               f"zero-shot top-1 over {s} classes", range=UNIT),
        Metric(f"{s}_top1_per_template", True, "mean over templates of single-template top-1",
               f"zero-shot top-1 over {s} classes, templates used one at a time", range=UNIT)))


register_task(TaskSpec(
    name="shapes-retrieval", version=f"1-cap{CAPTIONS_VERSION}", family="multimodal",
    description="image-text retrieval on captioned shape scenes, 5 captions per image (no download)",
    dataset=SCENES, splits={"train": 17413, "val": 300, "test": 500},
    metrics=RETRIEVAL_METRICS, primary_metric="i2t_r5", protocol=RETRIEVAL_PROTOCOL,
    build=_builder("data", "build_shapes_retrieval"), input_shape=(3, 32, 32), profiles=EMBEDDED_PROFILES,
    cite=("harris2020numpy",), example_scores=rescore.retrieval_scores,
))

register_task(TaskSpec(
    name="shapes-zeroshot", version=f"2-cap{CAPTIONS_VERSION}", family="multimodal",
    description="zero-shot shape and colour classification of single-shape scenes (no download)",
    dataset=SCENES + "; zero-shot val/test: 300/500 single-shape scenes with shape and colour labels",
    splits={"train": 17413, "val": 300, "test": 500},
    metrics=_zeroshot_metrics(("shape", "colour")), primary_metric="shape_top1", protocol=ZEROSHOT_PROTOCOL,
    build=_builder("data", "build_shapes_zeroshot"), input_shape=(3, 32, 32), num_classes=len(CLASSES),
    profiles=EMBEDDED_PROFILES, cite=("harris2020numpy", "radford2021clip"),  # CLIP's zero-shot protocol
    example_scores=rescore.zero_shot_scores,
))

register_task(TaskSpec(
    name="flickr30k-retrieval", version="1", family="multimodal",
    description="Flickr30k image-text retrieval, Karpathy test split (hub; evaluation-only; data.path offline)",
    dataset="nlphuji/flickr30k (the hub's parquet export): 1,000 Karpathy test images with 5 captions each, "
    "shorter side resized to 224 and centre-cropped",
    splits={"train": 0, "val": 1014, "test": 1000}, metrics=RETRIEVAL_METRICS, primary_metric="i2t_r5",
    protocol="Evaluation only (trainer.epochs=0): released weights via method.pretrained. " + RETRIEVAL_PROTOCOL,
    build=_builder("hub", "build_flickr30k"), input_shape=(3, 224, 224),
    hub=FLICKR30K_HUB, trainable=False, cite=("young2014flickr30k", "karpathy2015alignments"),
    example_scores=rescore.retrieval_scores,
    profiles={"smoke": {"eval_size": 16}},
))

register_task(TaskSpec(
    name="cifar10-zeroshot", version="1", family="multimodal",
    description="CIFAR-10 zero-shot classification, 18 CLIP prompt templates (hub; evaluation-only)",
    dataset="uoft-cs/cifar10 test split (10,000 images, 32x32; the model resizes to its input size)",
    splits={"train": 0, "val": 500, "test": 10000}, metrics=_zeroshot_metrics(("class",)),
    primary_metric="class_top1",
    protocol="Evaluation only (trainer.epochs=0): released weights via method.pretrained. Each test image is "
    "classified against the ten class names through the CLIP repository's 18 CIFAR prompt templates "
    "(prompt ensemble).",
    build=_builder("hub", "build_cifar10_zeroshot"), input_shape=(3, 32, 32), num_classes=10,
    hub=CIFAR10_HUB, trainable=False, cite=("krizhevsky2009cifar", "radford2021clip"),
    example_scores=rescore.zero_shot_scores,
    references=(Reference("clip", "class_top1", 0.913,
                          "Radford et al. 2021 (CLIP), Table 11: ViT-B/32 zero-shot CIFAR-10, 91.3%",
                          "method.model=ViT-B-32 method.pretrained=openai", tolerance=0.01,
                          why="the same released weights and the paper's 18 prompt templates: only image "
                          "preprocessing (upscaling 32 px images) and numerics differ"),),
    profiles={"smoke": {"eval_size": 32}},
))
