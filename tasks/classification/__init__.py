"""Image classification: digits (embedded, ships with scikit-learn) and its hub siblings.

Metadata only: the builders in `data.py` and the protocol in `protocol.py` are imported when a
run needs them, never by `bench list`.
"""

from __future__ import annotations

from harness.registry import register_family, register_task
from harness.specs import FamilySpec, HubSource, Metric, Reference, TaskSpec
from tasks.classification.interface import ImageClassifier

FAMILY = register_family(FamilySpec(
    name="classification",
    description="image classification: images in, class logits out",
    objectives=("cross_entropy", "multiclass_hinge"),
    interface=ImageClassifier,
    protocols=("tasks.classification.protocol:ClassificationProtocol",),
    dummy="tasks.classification.dummy:build_dummy",
))

UNIT = (0.0, 1.0)  # all three are fractions; `bench submit` rejects values outside
METRICS = (
    Metric("accuracy", True, "torchmetrics MulticlassAccuracy(average='micro')", "top-1 accuracy", range=UNIT),
    Metric("f1_macro", True, "torchmetrics MulticlassF1Score(average='macro')", "unweighted mean of per-class F1",
           range=UNIT),
    Metric("balanced_accuracy", True, "torchmetrics MulticlassAccuracy(average='macro')", "mean per-class recall",
           range=UNIT),
)
PROTOCOL = (
    "Train on the train split with the method's objective for trainer.epochs epochs; validation "
    "metrics are logged each epoch but never used for model selection; the model after the last "
    "epoch is scored once on the fixed test split."
)
LOCAL_COPY = (
    "Offline: data.path=DIR reads a local copy through the same loader: a folder of the hub's "
    "parquet files (train-*.parquet, test-*.parquet) or a datasets.save_to_disk folder."
)


def _build_digits(data_cfg, profile):
    from tasks.classification.data import build_digits

    return build_digits(data_cfg, profile)


def _hub_builder(name: str, hub: HubSource, val_size: int):
    def build(data_cfg, profile):
        from tasks.classification.data import build_hub

        return build_hub(name, hub, val_size, data_cfg)

    return build


register_task(TaskSpec(
    name="digits",
    version="1",
    family="classification",
    description="8x8 handwritten digits, 10 classes (the course's first real dataset; no download)",
    dataset="sklearn.datasets.load_digits (1,797 images, 8x8, 17 grey levels), embedded in scikit-learn",
    splits={"train": 1078, "val": 360, "test": 359},
    metrics=METRICS,
    primary_metric="accuracy",
    protocol=PROTOCOL + " Fixed stratified split (train_test_split, random_state=0).",
    build=_build_digits,
    input_shape=(1, 8, 8),
    num_classes=10,
    references=(
        Reference("sklearn-svc", "accuracy", 0.97,
                  "scikit-learn digits example: SVC(gamma=0.001) on a 50/50 split (different split)"),
    ),
    profiles={"smoke": {"train_size": 256}},
))

def _hub_task(name: str, description: str, hub: HubSource, train_total: int, input_shape: tuple[int, ...],
              references: tuple[Reference, ...]) -> TaskSpec:
    """A hub classification task: 5,000 of the hub's train split held out for validation."""
    val = 5000
    return TaskSpec(
        name=name,
        version="1",
        family="classification",
        description=f"{description} (hub dataset; run offline with data.path)",
        dataset=f"Hugging Face hub {hub.repo_id}@{hub.revision[:10]}. {LOCAL_COPY}",
        splits={"train": train_total - val, "val": val, "test": 10000},
        metrics=METRICS,
        primary_metric="accuracy",
        protocol=PROTOCOL + f" val = the last {val:,} of a fixed permutation (seed 0) of the hub's train split.",
        build=_hub_builder(name, hub, val),
        input_shape=input_shape,
        num_classes=10,
        hub=hub,
        references=references,
        profiles={"smoke": {"train_size": 256, "eval_size": 256}, "default": {"train_size": 10000}},
    )


register_task(_hub_task(
    "mnist", "28x28 handwritten digits, 10 classes",
    HubSource("ylecun/mnist", "77f3279092a1c1579b2250db8eafed0ad422088c", "image", "label"),
    60000, (1, 28, 28),
    (Reference("linear", "accuracy", 0.880, "LeCun et al. MNIST table: linear classifier, 12.0% test error"),
     Reference("mlp", "accuracy", 0.953, "LeCun et al. MNIST table: 2-layer net, 300 hidden units, 4.7% error"),
     Reference("cnn", "accuracy", 0.9905, "LeCun et al. MNIST table: LeNet-5, about 0.95% error")),
))

# shared with the multimodal and self-supervised families' CIFAR-10 tasks: one pinned revision
CIFAR10_HUB = HubSource("uoft-cs/cifar10", "0b2714987fa478483af9968de7c934580d0bb9a2", "img", "label")

register_task(_hub_task(
    "cifar10", "32x32 colour images, 10 classes",
    CIFAR10_HUB,
    50000, (3, 32, 32),
    (Reference("linear", "accuracy", 0.38, "CS231n assignment 1: softmax classifier, about 38%"),
     Reference("mlp", "accuracy", 0.50, "CS231n assignment 1: two-layer net, about 50%"),
     Reference("resnet", "accuracy", 0.93, "ResNet-18, full training: about 93-95% (CS231n notes)")),
))
