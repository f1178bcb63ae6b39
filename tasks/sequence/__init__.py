"""Sequence models: MNIST-1D (plain and time-shuffled), digits read a pixel per step (plain and permuted),
the adding problem, ListOps, the UCR/UEA archive series (`ucr.py`) and text (`text.py`).

Metadata only: the generators, builders and protocols are imported when a run needs them, never by
`bench list`. Inputs are float series (B, T, C) or int64 token ids (B, T), always with an attention
mask (B, T); the model interface is `tasks/sequence/interface.py`.
"""

from __future__ import annotations

import importlib
import importlib.util

from harness.registry import register_family, register_task
from harness.specs import FamilySpec, Metric, Reference, TaskSpec
from tasks.sequence import rescore
from tasks.sequence.interface import SequenceModel

FAMILY = register_family(FamilySpec(
    name="sequence",
    description="sequence classification and regression: series or token ids (with a padding mask) in, "
    "class logits or one number out",
    # one objective for both protocols: the negative log-likelihood of the targets (categorical cross-entropy;
    # for regression the Gaussian one, i.e. squared error), so one method trains on every task of the family
    objectives=("cross_entropy",),
    interface=SequenceModel,
    protocols=("tasks.sequence.protocol:SequenceClassificationProtocol",
               "tasks.sequence.protocol:SequenceRegressionProtocol"),
    dummy="tasks.sequence.dummy:build_dummy",
))

ACCURACY = Metric("accuracy", True, "mean of per-example correctness (arg-max logit == label)",
                  "top-1 accuracy", range=(0.0, 1.0))
MSE = Metric("mse", False, "mean of (prediction - target)^2 over the split", "mean squared error",
             range=(0.0, float("inf")))
PROTOCOL = (
    "Train on the train split for trainer.epochs epochs ({loss}); validation metrics are logged each epoch but "
    "never used for model selection; the model after the last epoch is scored once on the fixed test split."
)
CLASSIFY = PROTOCOL.format(loss="cross-entropy")
REGRESS = PROTOCOL.format(loss="mean squared error")
SMOKE = {"smoke": {"train_size": 128, "eval_size": 64}}


MNIST1D_CITE = ("greydanus2020mnist1d",)
# scikit-learn's digits (the test half of UCI optdigits) read a pixel per step, as Le et al. read MNIST
PIXEL_DIGITS_CITE = ("alpaydin1998optdigits", "pedregosa2011sklearn", "le2015irnn")
# the adding problem is Hochreiter & Schmidhuber's; this variant (two-hot marker, one mark per half) is Le et al.'s
ADDING_CITE = ("hochreiter1997lstm", "le2015irnn")
LISTOPS_CITE = ("nangia2018listops", "tay2021lra")


def _build(function: str, *args, **kwargs):
    """A builder that imports `tasks.sequence.data` only when a run needs it."""
    def build(data_cfg, profile):  # the data does not depend on the profile, only its caps do
        data = importlib.import_module("tasks.sequence.data")
        return getattr(data, function)(data_cfg, *args, **kwargs)

    return build


def register_mnist1d_tasks() -> None:
    """mnist1d and mnist1d-shuffled, with the benchmark's published table."""
    from tasks.sequence.references import MNIST1D, MNIST1D_SHUFFLED

    common = dict(
        version="1", family="sequence", splits={"train": 3600, "val": 400, "test": 1000}, metrics=(ACCURACY,),
        primary_metric="accuracy", input_shape=(40, 1), num_classes=10, profiles=SMOKE,
        example_scores=rescore.accuracy_scores)
    dataset = ("MNIST-1D (Greydanus 2020): mnist1d.data.make_dataset(get_dataset_args()), the package's default "
               "arguments (seed 42; 4,000 train / 1,000 test sequences of 40 steps), generated offline and cached")
    register_task(TaskSpec(
        name="mnist1d", description="MNIST-1D: 10-class classification of 40-step 1-D digit templates, "
        "translated, scaled, sheared and noised (no download)", dataset=dataset,
        protocol=CLASSIFY + " val = the last 400 of a fixed permutation (seed 0) of the 4,000 training sequences.",
        build=_build("build_mnist1d", shuffled=False), references=MNIST1D, cite=MNIST1D_CITE, **common))
    register_task(TaskSpec(
        name="mnist1d-shuffled", description="MNIST-1D with the 40 time steps of every sequence in one fixed "
        "shuffled order: order-blind models keep their accuracy, order-sensitive ones lose it (no download)",
        dataset=dataset + "; then every sequence's steps reordered by numpy RandomState(0).permutation(40)",
        protocol=CLASSIFY + " val as for mnist1d.", build=_build("build_mnist1d", shuffled=True),
        references=MNIST1D_SHUFFLED, cite=MNIST1D_CITE, **common))


def register_pixel_digits_tasks() -> None:
    """pixel-digits and pixel-digits-permuted: the sequential / permuted-pixel protocol on digits."""
    from tasks.sequence.references import PIXEL_DIGITS

    for name, permuted in (("pixel-digits", False), ("pixel-digits-permuted", True)):
        order = "in one fixed order (numpy RandomState(0).permutation(64))" if permuted else "in row order"
        register_task(TaskSpec(
            name=name, version="1", family="sequence",
            description=f"8x8 digits read one pixel per step, 64 steps {order}: the sequential"
            f"{'/permuted' if permuted else ''} MNIST protocol of Le et al. 2015 on scikit-learn's digits",
            dataset="sklearn.datasets.load_digits, the digits task's split (train 1,078, val 360, test 359), "
            f"pixels / 16 in [0, 1], as (64, 1) sequences {order}",
            splits={"train": 1078, "val": 360, "test": 359}, metrics=(ACCURACY,), primary_metric="accuracy",
            protocol=CLASSIFY, build=_build("build_pixel_digits", permuted=permuted), input_shape=(64, 1),
            num_classes=10, references=PIXEL_DIGITS, profiles=SMOKE, cite=PIXEL_DIGITS_CITE,
            example_scores=rescore.accuracy_scores))


ADDING_LENGTH = 100
ADDING_SIZES = {"train": 20000, "val": 1000, "test": 2000}


def register_adding_task(name: str = "adding", length: int = ADDING_LENGTH) -> None:
    """The adding problem at `length` steps; the length is part of the task's version."""
    from tasks.sequence.references import adding_references

    register_task(TaskSpec(
        name=name, version=f"1-T{length}", family="sequence",
        description=f"the adding problem (Hochreiter & Schmidhuber 1997) at {length} steps: sum the two marked "
        "values of a random sequence; a memory test (no download)",
        dataset=f"numpy default_rng(31 / 32 / 33 for train / val / test): inputs ({length}, 2), channel 0 values "
        "~ U(0, 1), channel 1 a two-hot marker with one mark uniform in each half (Le et al. 2015); target the "
        "sum of the two marked values",
        splits=dict(ADDING_SIZES), metrics=(MSE,), primary_metric="mse",
        protocol=REGRESS + " Predicting the constant 1.0 scores 1/6 (the variance of the sum), the floor.",
        build=_build("build_adding", name, length, dict(ADDING_SIZES)), input_shape=(length, 2), num_classes=0,
        references=adding_references(), profiles=SMOKE, cite=ADDING_CITE,
        example_scores=rescore.mse_scores))


# the default profile trains on the first 5,000 expressions: a GRU pass over all 20,000 takes ~70 s on 2 cores
LISTOPS_DEFAULT_TRAIN = 5000
LISTOPS_VOCAB = 16  # 0 pads; ten digits, four operators, "]" (tasks.sequence.generators.VOCAB, kept in step by a test)


def _listops_task(name: str, min_length: int, max_length: int, sizes: dict[str, int], extra: str,
                  references: tuple[Reference, ...], profiles: dict) -> TaskSpec:
    return TaskSpec(
        name=name, version=f"1-L{min_length}-{max_length}", family="sequence",
        description=f"ListOps (Long Range Arena rules): the value 0-9 of a nested MIN/MAX/MED/SM expression of "
        f"{min_length + 1}-{max_length - 1} tokens{extra} (no download)",
        dataset="generated by LRA's rules (lra_benchmarks/data/listops.py): operators [MIN [MAX [MED [SM, values "
        f"0-9, depth <= 10, 2-10 arguments, {min_length} < tokens < {max_length}, each expression once in its "
        f"split; Python random.Random(41 / 42 / 43 for train / val / test); {LISTOPS_VOCAB} token ids (0 pads), "
        f"padded to {max_length - 1}; cached",
        splits=dict(sizes), metrics=(ACCURACY,), primary_metric="accuracy", protocol=CLASSIFY,
        build=_build("build_listops", name, min_length, max_length, dict(sizes)),
        input_shape=(max_length - 1,), num_classes=10, references=references, profiles=profiles,
        cite=LISTOPS_CITE, example_scores=rescore.accuracy_scores)


def register_listops_tasks() -> None:
    """listops (short expressions, for the CPU budget) and listops-lra (LRA's lengths and sizes)."""
    from tasks.sequence.references import LISTOPS, LISTOPS_LRA

    register_task(_listops_task("listops", 50, 200, {"train": 20000, "val": 2000, "test": 2000},
                                ", shorter than LRA's for the 5-minute CPU budget", LISTOPS,
                                {**SMOKE, "default": {"train_size": LISTOPS_DEFAULT_TRAIN}}))
    register_task(_listops_task(
        "listops-lra", 500, 2000, {"train": 96000, "val": 2000, "test": 2000}, " as in LRA", LISTOPS_LRA,
        {"smoke": {"train_size": 64, "eval_size": 32}, "default": {"train_size": 2000, "eval_size": 500}}))


UCR_PROTOCOL = CLASSIFY + (
    " The archive's own train/test split; val is the train split itself (the archive has no validation split "
    "and its train splits are tiny; val is never used for model selection), so every method trains on the whole "
    "train split, as the archive's published numbers do.")


def register_ucr_tasks() -> None:
    """One task per UCR/UEA dataset of `tasks.sequence.ucr` (the archive's own train/test split)."""
    ucr = importlib.import_module("tasks.sequence.ucr")
    for name, ds in ucr.UCR_TASKS.items():
        register_task(TaskSpec(
            name=name, version="1", family="sequence", description=ds.description + " (no download)",
            dataset=f"UCR/UEA archive {ds.archive_name}, its .ts files inside the installed sktime wheel "
            f"(tasks.sequence.ucr); {ds.train_size} train / {ds.test_size} test series of {ds.length} steps x "
            f"{ds.channels} channel(s)" + (", zero-padded at the end, with a mask" if ds.variable_length else ""),
            splits={"train": ds.train_size, "val": ds.train_size, "test": ds.test_size}, metrics=(ACCURACY,),
            primary_metric="accuracy", protocol=UCR_PROTOCOL, build=_build("build_ucr", name, ds.archive_name),
            input_shape=(ds.length, ds.channels), num_classes=ds.num_classes, references=ds.references,
            cite=ds.cite, example_scores=rescore.accuracy_scores,
            profiles={"smoke": {"train_size": 32, "eval_size": 32}}))


TEXT_VOCAB, TEXT_LENGTH = 8000, 256  # the tokenizer's vocabulary and the tokens kept per text


def register_text_tasks() -> None:
    """One task per hub text dataset of `tasks.sequence.text` (pinned revision, or a local copy in data.path)."""
    text = importlib.import_module("tasks.sequence.text")
    for name, ds in text.TEXT_TASKS.items():
        train, test = ds.sizes
        register_task(TaskSpec(
            name=name, version="1", family="sequence", description=ds.description + " (hub dataset; run offline "
            "with data.path)", dataset=f"Hugging Face hub {ds.hub.label}, or a local copy in data.path (the hub's "
            f"parquet files); columns '{ds.text_column}', '{ds.label_column}'; a byte-level BPE tokenizer of "
            f"{TEXT_VOCAB} tokens trained here on the train split (tasks.sequence.text), "
            f"{TEXT_LENGTH} tokens per text, padded",
            splits={"train": train - ds.val_size, "val": ds.val_size, "test": test}, metrics=(ACCURACY,),
            primary_metric="accuracy", protocol=CLASSIFY + f" val = the last {ds.val_size:,} of a fixed permutation "
            f"(seed 0) of the hub's {ds.train_split} split; test = its {ds.test_split} split.",
            build=_build("build_text", name, TEXT_VOCAB, TEXT_LENGTH), input_shape=(TEXT_LENGTH,),
            num_classes=ds.num_classes, hub=ds.hub, references=ds.references, cite=ds.cite,
            example_scores=rescore.accuracy_scores,
            profiles={**SMOKE, "default": {"train_size": 5000, "eval_size": 2000}}))


register_mnist1d_tasks()  # first: the family's first task is the one its dummy is built for in the tests
register_pixel_digits_tasks()
register_adding_task()
register_listops_tasks()
register_ucr_tasks()
register_text_tasks()
