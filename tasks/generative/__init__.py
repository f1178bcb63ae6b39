"""Image generation: digits upsampled to 16x16 and single shapes at 32x32 (both embedded), and
Fashion-MNIST at 28x28 (IDX files, Debian's dataset-fashion-mnist, or the hub).

Metadata only: the builders in `data.py`, the protocol in `protocol.py` and the reference network
in `reference.py` are imported when a run needs them, never by `bench list`.

Every number is computed in the feature space of one fixed reference network: a small CNN
classifier that the harness trains once per task, deterministically, on the train split, and
caches. Its weights' hash is part of every record's dataset fingerprint
(`<data hash>-ref<weights hash>`), so numbers from different feature networks are never mixed up
with each other. With `metrics.inception_weights=PATH` (local InceptionV3 weights; nothing is
downloaded) FD and precision/recall use Inception's pool3 features instead, i.e. the FID of papers,
and the fingerprint ends in `-inception<weights hash>`.
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.registry import register_family, register_task
from harness.specs import FamilySpec, Metric, Reference, TaskSpec
from tasks.classification import FASHION_MNIST_HUB
from tasks.generative import rescore
from tasks.generative.interface import ConditionalGenerator
from tasks.shapes import CLASSES, OBJECT_VERSION

FAMILY = register_family(FamilySpec(
    name="generative",
    description="class-conditional image generation, scored in a fixed feature network",
    objectives=("model_loss",),
    interface=ConditionalGenerator,
    protocols=("tasks.generative.protocol:GenerativeProtocol",),
    dummy="tasks.generative.dummy:build_dummy",
))


@dataclass
class GenerativeMetricParams:
    # local InceptionV3 weights (torch-fidelity's pt_inception-2015-12-05 file, .pth or .safetensors):
    # FD and precision/recall in Inception's pool3 features, i.e. FID; None: the task's reference CNN
    inception_weights: str | None = None


UNIT = (0.0, 1.0)
DISTANCE = (0.0, float("inf"))
METRICS = (
    Metric("fd", False, "torchmetrics FrechetInceptionDistance(feature=<reference CNN, or InceptionV3 pool3 "
           "with metrics.inception_weights>)",
           "Fréchet distance between generated and real test images in the feature network's space "
           "(named by the dataset fingerprint's suffix: -ref<hash> or -inception<hash>)", range=DISTANCE),
    Metric("precision", True, "k-NN manifold precision (Kynkäänniemi et al. 2019, k=3)",
           "fraction of generated images inside the real features' k-NN manifold", range=UNIT),
    Metric("recall", True, "k-NN manifold recall (Kynkäänniemi et al. 2019, k=3)",
           "fraction of real images inside the generated features' k-NN manifold", range=UNIT),
    Metric("class_accuracy", True, "reference classifier top-1 on the samples",
           "samples are drawn for the test split's labels; how often the reference classifier agrees",
           range=UNIT),
    Metric("fd_real_floor", False, "the same FD between the real val and test splits",
           "the target to approach: FD between two disjoint real splits of about the same size", range=DISTANCE,
           reference=True),
)
PROTOCOL = (
    "Train on the train split (labels available for class-conditional methods) for trainer.epochs "
    "epochs. Then draw one sample per test image, conditioned on that image's label (so the "
    "generated set has the test split's size and class balance), and compare the samples with the "
    "real test images in the reference network's features: FD, k-NN precision and recall (k=3), "
    "and the reference classifier's accuracy on the samples. fd_real_floor is the FD between the "
    "real val and test splits. The reference network (a small CNN) is trained once per task with "
    "seed 0 and cached; its weights' hash is in the record's dataset fingerprint. "
    "metrics.inception_weights=PATH (local InceptionV3 weights) moves FD and precision/recall to "
    "Inception's pool3 features (FID); the fingerprint then names those weights instead."
)
PROFILES = {"smoke": {"train_size": 64, "eval_size": 48}}
METRIC_CITE = ("heusel2017fid", "kynkaanniemi2019precision")  # the Frechet distance; k-NN precision and recall


def _builder(name: str):
    def build(data_cfg, profile, metrics):
        from tasks.generative.data import BUILDERS

        return BUILDERS[name](data_cfg, metrics)

    return build


register_task(TaskSpec(
    name="digits-gen",
    version="1",
    family="generative",
    description="class-conditional generation of 16x16 grey digits (sklearn digits, upsampled; no download)",
    dataset="sklearn.datasets.load_digits with the digits task's fixed split, 8x8 upsampled bilinearly to "
    "16x16, pixels in [0, 1]",
    splits={"train": 1078, "val": 360, "test": 359},
    metrics=METRICS,
    primary_metric="fd",
    protocol=PROTOCOL,
    build=_builder("digits-gen"),
    cite=("alpaydin1998optdigits", "pedregosa2011sklearn", *METRIC_CITE),
    input_shape=(1, 16, 16),
    num_classes=10,
    profiles=PROFILES,
    metric_params=GenerativeMetricParams,
    example_scores=rescore.example_scores,
    set_scores=rescore.set_scores,
))

register_task(TaskSpec(
    name="shapes-gen",
    version=f"1-obj{OBJECT_VERSION}",
    family="generative",
    description=f"class-conditional generation of 32x32 RGB single shapes ({', '.join(CLASSES)}; no download)",
    dataset=f"tasks.shapes.generator.render_object v{OBJECT_VERSION}: one shape of random colour, size and "
    "rotation on a plain noisy background; fixed seeds per split, cached with save_to_disk",
    splits={"train": 3000, "val": 400, "test": 400},
    metrics=METRICS,
    primary_metric="fd",
    protocol=PROTOCOL,
    build=_builder("shapes-gen"),
    cite=("harris2020numpy", *METRIC_CITE),
    input_shape=(3, 32, 32),
    num_classes=len(CLASSES),
    # 32x32x3 is 12x the pixels of a 16x16 digit: the default profile trains on the first 1,000
    # images so that one run fits the 5-minute CPU budget
    profiles={**PROFILES, "default": {"train_size": 1000}},
    metric_params=GenerativeMetricParams,
    example_scores=rescore.example_scores,
    set_scores=rescore.set_scores,
))

register_task(TaskSpec(
    name="fashion-mnist-gen",
    version="1",
    family="generative",
    description="class-conditional generation of 28x28 grey Fashion-MNIST articles (IDX files, Debian's "
    "dataset-fashion-mnist, or the hub)",
    dataset="the fashion-mnist task's data and split (train 55,000, val 5,000 held out, the official test "
    "10,000), pixels in [0, 1]; its reference CNN trains on the first 10,000 training images for 4 epochs",
    splits={"train": 55000, "val": 5000, "test": 10000},
    metrics=METRICS,
    primary_metric="fd",
    protocol=PROTOCOL,
    build=_builder("fashion-mnist-gen"),
    cite=("xiao2017fashion", *METRIC_CITE),
    input_shape=(1, 28, 28),
    num_classes=10,
    hub=FASHION_MNIST_HUB,
    references=(Reference(
        "sklearn-gaussian", "fd", 19.03,
        "measured here: benchmarks/sklearn_generative.py --task fashion-mnist-gen (one Gaussian per class on "
        "50 PCA dimensions of the default profile's 1,000 training images, sklearn PCA + GaussianMixture, "
        "sampled once per test label and scored by this task's protocol)",
        note="second moments only, no convolution; the mean of sampling seeds 0-2 (19.79, 18.90, 18.41); "
        "seed 0: precision 0.73, recall 0.24, class accuracy 0.64",
        tolerance=1.5, why="one draw per test label over 500 test images: the three sampling seeds span 1.4"),),
    # default: 28x28 grey costs about shapes-gen's 32x32 RGB per image in these networks, so the same
    # 1,000 training images; 500 val and test images, because every test image is one sample to draw
    profiles={**PROFILES, "default": {"train_size": 1000, "eval_size": 500}},
    metric_params=GenerativeMetricParams,
    example_scores=rescore.example_scores,
    set_scores=rescore.set_scores,
))
