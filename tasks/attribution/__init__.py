"""Network visualisation: attribution methods scored against ground-truth masks, for faithfulness, and
by the randomisation sanity check.

A task is a classifier it trains once (tasks/attribution/classifier.py) and test images that the
classifier gets right, each with the mask of the evidence that decides its label. A method is an
explainer (Captum's saliency, Grad-CAM, integrated gradients, ...) that attributes the classifier's
decision to pixels; Quantus scores the heatmaps. Metadata only here: builders, protocol and scoring
are imported when a run needs them, never by `bench list`.
"""

from __future__ import annotations

from functools import partial

from harness.registry import register_family, register_task
from harness.specs import FamilySpec, Metric, Reference, TaskSpec
from tasks.attribution import rescore
from tasks.attribution.interface import Explainer
from tasks.classification import FASHION_MNIST_HUB
from tasks.shapes import CLASSES, DECIDING_VERSION

FAMILY = register_family(FamilySpec(
    name="attribution",
    description="attribution maps of a fixed classifier's decisions, scored against masks, by deletion and by "
    "weight randomisation",
    objectives=("none",),  # explainers do not train
    interface=Explainer,
    protocols=("tasks.attribution.protocol:AttributionProtocol",),
    dummy="tasks.attribution.dummy:build_dummy",
))

UNIT = (0.0, 1.0)
FASHION_CHANCE = 0.5075  # python benchmarks/attribution_chance.py --task fashion-mnist-attribution
SIGNED = (-1.0, 1.0)
METRICS = (
    Metric("pointing_game", True, "quantus.PointingGame (Zhang et al. 2018)",
           "fraction of images whose heatmap's maximum lies on the deciding object", range=UNIT),
    Metric("relevance_mass", True, "quantus.RelevanceMassAccuracy (Arras et al. 2022, CLEVR-XAI)",
           "share of the heatmap's total relevance inside the mask, mean over images", range=UNIT),
    Metric("relevance_rank", True, "quantus.RelevanceRankAccuracy (Arras et al. 2022, CLEVR-XAI)",
           "share of the mask's pixels among the |mask| most relevant pixels, mean over images", range=UNIT),
    Metric("deletion_auc", False, "quantus.PixelFlipping, area under the curve (Bach et al. 2015; Petsiuk et al. "
           "2018's deletion)", "target probability as the most relevant pixels turn black, about 24 steps; area "
           "over [0, 1]", range=UNIT),
    Metric("aopc", True, "quantus.RegionPerturbation, most relevant first (Samek et al. 2017)",
           "mean drop of the target probability as 16 most relevant 8x8 patches turn black", range=SIGNED),
    Metric("randomisation", False, "quantus.MPRT, top-down cascade, last layer (Adebayo et al. 2018)",
           "Spearman correlation of the heatmaps of the trained and the fully re-initialised classifier; "
           "low means the method depends on what the model learnt", range=SIGNED),
)
# Quantus scores the heatmaps; then the paper behind each metric above, in order
METRIC_CITE = ("hedstrom2023quantus", "zhang2018excitation", "arras2022clevrxai", "bach2015lrp", "petsiuk2018rise",
               "samek2017evaluating", "adebayo2018sanity")
def _build(kind: str, version: str, data_cfg, profile: str):
    from tasks.attribution.data import build, fashion_source, shapes_source

    sources = {"shapes": shapes_source, "fashion-mnist": fashion_source}
    return build(sources[kind](version), data_cfg, profile)


def _figure(task: str, methods, path):
    from tasks.attribution.figure import method_grid

    return method_grid(task, list(methods), path)


PROTOCOL = (
    "The task's classifier (a 4-block CNN, seed 0) is trained once per task version on the train split and "
    "cached; its weights' hash ends the dataset fingerprint. Test images are the first eval_size test images "
    "the classifier labels correctly. Each method explains the classifier's logit of the true class; a "
    "heatmap is |attribution| summed over channels. Localisation against the deciding object's mask, "
    "faithfulness by deleting the most relevant pixels (black), and the model-parameter randomisation test "
    "are computed per image by Quantus and averaged. Nothing trains: the run's seed only draws the random "
    "floor, SmoothGrad's noise and the re-initialised weights."
)
register_task(TaskSpec(
    name="shapes-attribution",
    version=f"1-dec{DECIDING_VERSION}",
    family="attribution",
    description="64x64 scenes: one shape decides the label among rings, crosses and bars; its mask is the truth",
    dataset=f"tasks.shapes.deciding.render_deciding_scene v{DECIDING_VERSION}: one circle, square, triangle or "
    "star (the label) drawn last over 1-3 distractors on a striped, noisy background; fixed seeds per split",
    splits={"train": 4000, "val": 256, "test": 256},
    metrics=METRICS,
    primary_metric="pointing_game",
    protocol=PROTOCOL,
    build=partial(_build, "shapes", f"1-dec{DECIDING_VERSION}"),
    input_shape=(3, 64, 64),
    num_classes=len(CLASSES),
    trainable=False,
    paper_figure=partial(_figure, "shapes-attribution"),
    cite=("harris2020numpy", *METRIC_CITE),  # the scenes are drawn with numpy (and Pillow, which has no paper)
    example_scores=rescore.example_scores,
    profiles={"smoke": {"train_size": 256, "eval_size": 8}, "default": {"train_size": 4000, "eval_size": 256}},
    references=(
        # uniform noise hits the mask with probability |mask| / (H*W); 3 seeds x 256 images: binomial
        # standard error 0.009 for the pointing game, far less for the two mass-type scores
        *(Reference("random-map", metric, 0.0633, "computed here: the mean mask fraction of the 256 test images "
                    "(python benchmarks/attribution_chance.py)", tolerance=tol,
                    why="chance level of uniform noise; tolerance about 3 standard errors over 3 x 256 images")
          for metric, tol in (("pointing_game", 0.03), ("relevance_mass", 0.01), ("relevance_rank", 0.01))),
        Reference("edge", "randomisation", 1.0, "by construction (Adebayo et al. 2018's edge detector control): the "
                  "Sobel map never reads the classifier, so re-initialising it changes nothing", tolerance=1e-6,
                  why="exact up to float rounding"),
    ),
))

FASHION_PROTOCOL = PROTOCOL.replace("a 4-block CNN, seed 0", "a 4-block CNN, seed 0, on the first 10,000 training "
                                    "images").replace("deciding object's mask", "article's silhouette (its non-zero "
                                                      "pixels, holes filled)")
register_task(TaskSpec(
    name="fashion-mnist-attribution",
    version="1",
    family="attribution",
    description="Fashion-MNIST articles; the article's silhouette is the truth (real images)",
    dataset=f"the fashion-mnist task's split (Debian's dataset-fashion-mnist IDX files, data.path, or the hub "
    f"{FASHION_MNIST_HUB.label}); masks: non-zero pixels with holes filled (scipy.ndimage.binary_fill_holes)",
    splits={"train": 55000, "val": 256, "test": 256},
    metrics=METRICS,
    primary_metric="pointing_game",
    protocol=FASHION_PROTOCOL,
    build=partial(_build, "fashion-mnist", "1"),
    input_shape=(1, 28, 28),
    num_classes=10,
    hub=FASHION_MNIST_HUB,
    trainable=False,
    paper_figure=partial(_figure, "fashion-mnist-attribution"),
    cite=("xiao2017fashion", *METRIC_CITE),
    example_scores=rescore.example_scores,
    profiles={"smoke": {"train_size": 1024, "eval_size": 8}, "default": {"train_size": 10000, "eval_size": 256}},
    references=(
        # the silhouette covers about half of each 28x28 image: chance is high here, which is the point of
        # reporting it beside the shapes task, where it is 0.06
        *(Reference("random-map", metric, FASHION_CHANCE, "computed here: the mean silhouette fraction of the 256 "
                    "test images (python benchmarks/attribution_chance.py --task fashion-mnist-attribution)",
                    tolerance=tol, why="chance level of uniform noise; about 3 standard errors over 3 x 256 images")
          for metric, tol in (("pointing_game", 0.06), ("relevance_mass", 0.01), ("relevance_rank", 0.01))),
        Reference("edge", "randomisation", 1.0, "by construction: the Sobel map never reads the classifier",
                  tolerance=1e-6, why="exact up to float rounding"),
    ),
))
