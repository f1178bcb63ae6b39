"""Self-supervised representation learning, scored by a fixed protocol the task owns: a linear
probe and a weighted kNN classifier on the frozen encoder's features.

Metadata only: builders in `data.py`, the protocol in `protocol.py`.
"""

from __future__ import annotations

from harness.registry import register_family, register_task
from harness.specs import FamilySpec, Metric, Reference, TaskSpec
from tasks.classification import CIFAR10_HUB, FASHION_MNIST_HUB
from tasks.self_supervised import rescore
from tasks.self_supervised.interface import SelfSupervisedEncoder
from tasks.shapes import CLASSES, OBJECT_VERSION

FAMILY = register_family(FamilySpec(
    name="self-supervised",
    description="representation learning without labels, scored by linear probe and kNN",
    objectives=("self_supervised", "supervised"),
    interface=SelfSupervisedEncoder,
    protocols=("tasks.self_supervised.protocol:SSLProtocol",),
    dummy="tasks.self_supervised.dummy:build_dummy",
))

UNIT = (0.0, 1.0)
KNN_K, KNN_T = 20, 0.07
METRICS = (
    Metric("probe_top1", True, "sklearn LogisticRegression on standardised frozen features",
           "linear-probe top-1: a linear classifier trained on the train split's frozen features", range=UNIT),
    Metric("knn_top1", True, f"weighted kNN (k={KNN_K}, cosine, exp(sim/{KNN_T}) votes; InstDisc/DINO)",
           "kNN top-1 with the train split's frozen features as the memory bank", range=UNIT),
)
PROTOCOL = (
    "Pretrain on the train split with its labels hidden (only the `supervised` ceiling sees them). "
    "Then freeze the encoder and embed the train and test splits: probe_top1 is the test top-1 of a "
    "logistic-regression probe (scikit-learn, lbfgs, standardised features) fitted on the train "
    f"features and labels; knn_top1 is the test top-1 of a k={KNN_K} nearest-neighbour vote over "
    f"cosine similarity with weights exp(sim/{KNN_T}) (Wu et al. 2018; Caron et al. 2021). The "
    "evaluation belongs to the task: every method is scored by the same code."
)
PROFILES = {"smoke": {"train_size": 96, "eval_size": 48}}
# the probe is scikit-learn's; the weighted kNN is InstDisc's, with DINO's k and temperature
METRIC_CITE = ("pedregosa2011sklearn", "wu2018instdisc", "caron2021dino")


def _builder(name: str):
    def build(data_cfg, profile):
        from tasks.self_supervised.data import BUILDERS

        return BUILDERS[name](data_cfg)

    return build


register_task(TaskSpec(
    name="digits-ssl", version="1", family="self-supervised",
    description="self-supervised features of 16x16 grey digits, scored by linear probe and kNN (no download)",
    dataset="sklearn.datasets.load_digits with the digits task's fixed split, upsampled to 16x16 (as digits-gen)",
    splits={"train": 1078, "val": 360, "test": 359}, metrics=METRICS, primary_metric="probe_top1",
    protocol=PROTOCOL, build=_builder("digits-ssl"), input_shape=(1, 16, 16), num_classes=10, profiles=PROFILES,
    cite=("alpaydin1998optdigits", *METRIC_CITE),
    example_scores=rescore.example_scores,
))

register_task(TaskSpec(
    name="shapes-ssl", version=f"1-obj{OBJECT_VERSION}", family="self-supervised",
    description=f"self-supervised features of 32x32 single shapes ({', '.join(CLASSES)}), probe and kNN (no download)",
    dataset=f"tasks.shapes.generator.render_object v{OBJECT_VERSION} (the shapes-gen images): one shape of random "
    "colour, size and rotation on a plain noisy background",
    splits={"train": 3000, "val": 400, "test": 400}, metrics=METRICS, primary_metric="probe_top1",
    protocol=PROTOCOL, build=_builder("shapes-ssl"), input_shape=(3, 32, 32), num_classes=len(CLASSES),
    profiles=PROFILES, cite=("harris2020numpy", *METRIC_CITE),
    example_scores=rescore.example_scores,
))

register_task(TaskSpec(
    name="cifar10-ssl", version="1", family="self-supervised",
    description="self-supervised features of CIFAR-10, probe and kNN (hub dataset; run offline with data.path)",
    dataset="uoft-cs/cifar10: train 45,000 (5,000 held out for validation), test 10,000",
    splits={"train": 45000, "val": 5000, "test": 10000}, metrics=METRICS, primary_metric="probe_top1",
    protocol=PROTOCOL, build=_builder("cifar10-ssl"), input_shape=(3, 32, 32), num_classes=10,
    hub=CIFAR10_HUB, cite=("krizhevsky2009cifar", *METRIC_CITE),
    example_scores=rescore.example_scores,
    profiles={"smoke": {"train_size": 40, "eval_size": 24}},
))

register_task(TaskSpec(
    name="fashion-mnist-ssl", version="1", family="self-supervised",
    description="self-supervised features of 28x28 grey Fashion-MNIST, probe and kNN (IDX files, Debian's "
    "dataset-fashion-mnist, or the hub)",
    dataset="the fashion-mnist task's data and split (train 55,000, val 5,000 held out, the official test 10,000), "
    "28x28, pixels in [0, 1]; sources as fashion-mnist: data.path, /usr/share/datasets/fashion-mnist, the hub",
    splits={"train": 55000, "val": 5000, "test": 10000}, metrics=METRICS, primary_metric="probe_top1",
    protocol=PROTOCOL, build=_builder("fashion-mnist-ssl"), input_shape=(1, 28, 28), num_classes=10,
    hub=FASHION_MNIST_HUB, cite=("xiao2017fashion", *METRIC_CITE),
    example_scores=rescore.example_scores,
    references=(Reference(
        "sklearn-pixels", "probe_top1", 0.798,
        "measured here: benchmarks/sklearn_reference.py --task fashion-mnist-ssl (this task's probe, "
        "StandardScaler + LogisticRegression(C=1), fitted on the raw pixels of the default profile's 3,000 "
        "training images, scored on the 10,000 test images)",
        note="the pixels themselves as features: an encoder's probe below this has lost information",
        tolerance=0.01, why="the same images, split and probe: lbfgs converges to one optimum, so only its "
        "stopping tolerance and the library version move it"),),
    # default: the first 3,000 training images, about shapes-ssl's cost per epoch (its 3,000 32x32 images
    # fill the 5-minute CPU budget at the methods' default epochs); probe and kNN score the full test split
    profiles={**PROFILES, "default": {"train_size": 3000}},
))
