"""Image classification: digits (embedded, ships with scikit-learn) and its hub siblings.

Metadata only: the builders in `data.py` and the protocol in `protocol.py` are imported when a
run needs them, never by `bench list`.
"""

from __future__ import annotations

from harness.registry import register_task
from harness.specs import HubSource, Metric, Reference, TaskSpec

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

MNIST = HubSource("ylecun/mnist", "77f3279092a1c1579b2250db8eafed0ad422088c", "image", "label")
register_task(TaskSpec(
    name="mnist",
    version="1",
    family="classification",
    description="28x28 handwritten digits, 10 classes (hub dataset; run offline with data.path)",
    dataset=f"Hugging Face hub {MNIST.repo_id}@{MNIST.revision[:10]}. {LOCAL_COPY}",
    splits={"train": 55000, "val": 5000, "test": 10000},
    metrics=METRICS,
    primary_metric="accuracy",
    protocol=PROTOCOL + " val = the last 5,000 of a fixed permutation (seed 0) of the hub's train split.",
    build=_hub_builder("mnist", MNIST, 5000),
    input_shape=(1, 28, 28),
    num_classes=10,
    hub=MNIST,
    references=(
        Reference("linear", "accuracy", 0.880, "LeCun et al. MNIST table: linear classifier, 12.0% test error"),
        Reference("mlp", "accuracy", 0.953, "LeCun et al. MNIST table: 2-layer net, 300 hidden units, 4.7% error"),
        Reference("cnn", "accuracy", 0.9905, "LeCun et al. MNIST table: LeNet-5, about 0.95% error"),
    ),
    profiles={"smoke": {"train_size": 256, "eval_size": 256}, "default": {"train_size": 10000}},
))

CIFAR10 = HubSource("uoft-cs/cifar10", "0b2714987fa478483af9968de7c934580d0bb9a2", "img", "label")
register_task(TaskSpec(
    name="cifar10",
    version="1",
    family="classification",
    description="32x32 colour images, 10 classes (hub dataset; run offline with data.path)",
    dataset=f"Hugging Face hub {CIFAR10.repo_id}@{CIFAR10.revision[:10]}. {LOCAL_COPY}",
    splits={"train": 45000, "val": 5000, "test": 10000},
    metrics=METRICS,
    primary_metric="accuracy",
    protocol=PROTOCOL + " val = the last 5,000 of a fixed permutation (seed 0) of the hub's train split.",
    build=_hub_builder("cifar10", CIFAR10, 5000),
    input_shape=(3, 32, 32),
    num_classes=10,
    hub=CIFAR10,
    references=(
        Reference("linear", "accuracy", 0.38, "CS231n assignment 1: softmax classifier, about 38%"),
        Reference("mlp", "accuracy", 0.50, "CS231n assignment 1: two-layer net, about 50%"),
        Reference("resnet", "accuracy", 0.93, "ResNet-18, full training: about 93-95% (CS231n notes)"),
    ),
    profiles={"smoke": {"train_size": 256, "eval_size": 256}, "default": {"train_size": 10000}},
))
