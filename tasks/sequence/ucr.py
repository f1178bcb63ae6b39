"""UCR/UEA time-series classification data, read from the archive's own .ts files that ship inside
sktime's wheel (`sktime/datasets/data/<Name>/<Name>_TRAIN.ts` and `_TEST.ts`) with sktime's reader:
the archive's train/test split, no download, no normalisation beyond what the files hold.

`load_ucr(archive_name)` returns {"train": (x, mask, y), "test": (x, mask, y)} for every dataset:
  x     float32 (N, T, C): the series, time along axis 1 (C = 1 for the univariate ones);
  mask  int64 (N, T): 1 on a real time step, 0 on padding (the family's `attention_mask`);
  y     int64 (N,): the class, 0..K-1 in the sorted order of the archive's class names (numeric order
        when every name is a number, so "10" comes after "9").
Equal-length datasets have an all-ones mask. JapaneseVowels (7 to 29 steps) is padded with zeros at
the end to the longest series of train and test together (29 steps), so both splits share one T.

References (see UCR_TASKS): the archive's 1-NN Euclidean and 1-NN DTW test accuracies (UCR archive 2018,
DataSummary.csv; Dau et al. 2019), and the FCN and ResNet mean accuracies of the deep-learning review
(Ismail Fawaz et al. 2019). `benchmarks/ucr_1nn.py` reproduces the 1-NN Euclidean numbers here.
"""

from __future__ import annotations

import functools
import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from harness.errors import UserError
from harness.specs import Reference

UCR_2018 = "UCR archive 2018 (Dau et al. 2019, 'The UCR time series archive'), DataSummary.csv"
FAWAZ = ("Ismail Fawaz et al. 2019, 'Deep learning for time series classification: a review', "
         "mean (std) test accuracy of 10 runs (hfawaz/dl-4-tsc results/{file})")
UCR_CITE = ("dau2019ucr", "loning2019sktime")  # the univariate archive
UEA_CITE = ("bagnall2018uea", "loning2019sktime")  # the multivariate archive
FCN_WHY = ("their FCN trains 2,000 epochs with Adam on a GPU, 10 runs averaged; this temporal CNN trains within "
           "the 5-minute CPU budget")


@dataclass(frozen=True)
class UcrDataset:
    """One UCR/UEA dataset as a task: its archive name, shape and published numbers."""

    archive_name: str
    num_classes: int
    length: int  # time steps (the longest series, for padded datasets)
    channels: int
    train_size: int
    test_size: int
    references: tuple[Reference, ...]
    description: str
    variable_length: bool = False
    cite: tuple[str, ...] = ()  # BibTeX keys (TaskSpec.cite): the archive's paper and sktime, which ships its files


def _archive_refs(ed_error: float, dtw_learned: tuple[float, int], dtw_full: float) -> tuple[Reference, ...]:
    """The archive's 1-NN numbers, published as test error rates, as accuracies (rounded as published)."""
    learned, window = dtw_learned
    return (
        Reference("1nn-euclidean", "accuracy", round(1 - ed_error, 4), f"{UCR_2018}: 'ED (w=0)' error {ed_error}",
                  note="1-NN Euclidean on the raw (archive z-normalised) series; benchmarks/ucr_1nn.py reproduces it",
                  tolerance=0.001, why="deterministic on the archive's own split: benchmarks/ucr_1nn.py must make "
                  "exactly the published number of errors"),
        Reference("1nn-dtw", "accuracy", round(1 - learned, 4),
                  f"{UCR_2018}: 'DTW (learned_w)' error {learned} at window {window}%",
                  note="1-NN DTW with the warping window learned by leave-one-out on train (the archive's DTW)",
                  tolerance=0.001, why="deterministic given the window; no DTW is run here, so it is shown for scale"),
        Reference("1nn-dtw-full", "accuracy", round(1 - dtw_full, 4), f"{UCR_2018}: 'DTW (w=100)' error {dtw_full}",
                  note="1-NN DTW with a full (unconstrained) warping window",
                  tolerance=0.001, why="deterministic; no DTW is run here, so it is shown for scale"),
    )


def _computed_1nn(accuracy: float, test_size: int) -> tuple[Reference, ...]:
    """1-NN Euclidean computed here by benchmarks/ucr_1nn.py, for a dataset the archive gives no such number."""
    return (Reference("1nn-euclidean-here", "accuracy", accuracy,
                      "computed here: python benchmarks/ucr_1nn.py (scikit-learn KNeighborsClassifier(1) on the "
                      "flattened raw series of the archive's split)", tolerance=0.001,
                      why=f"deterministic; an independent floor ({test_size} test series) that no method here runs"),)


def _fawaz_refs(fcn: float, resnet: float, tolerance: float, file: str = "results-uea-avg-std.csv",
                note: str = "") -> tuple[Reference, ...]:
    """The review's FCN (our `cnn1d`, judged) and ResNet (not registered here: shown for scale)."""
    source = FAWAZ.format(file=file)
    return (
        Reference("cnn1d", "accuracy", fcn, f"{source}: FCN (Wang et al. 2017)", note=note,
                  tolerance=tolerance, why=FCN_WHY),
        Reference("resnet1d", "accuracy", resnet, f"{source}: ResNet (Wang et al. 2017)", note=note,
                  tolerance=tolerance, why="10 runs of 1,500 GPU epochs each; no resnet1d is registered here, so it "
                  "is shown for scale"),
    )


UCR_TASKS: dict[str, UcrDataset] = {
    "ucr-gunpoint": UcrDataset(
        "GunPoint", 2, 150, 1, 50, 150,
        _archive_refs(0.0867, (0.0867, 0), 0.0933) + _fawaz_refs(1.000, 0.991, 0.05),
        "GunPoint: hand-motion x-coordinate, gun drawn or pointed (UCR), 150 steps, 2 classes", cite=UCR_CITE),
    "ucr-italypowerdemand": UcrDataset(
        "ItalyPowerDemand", 2, 24, 1, 67, 1029,
        _archive_refs(0.0447, (0.0447, 0), 0.0496) + _fawaz_refs(0.961, 0.963, 0.03),
        "ItalyPowerDemand: a day of Italian electricity demand, winter or summer (UCR), 24 steps, 2 classes",
        cite=UCR_CITE),
    "ucr-arrowhead": UcrDataset(
        "ArrowHead", 3, 251, 1, 36, 175,
        _archive_refs(0.2000, (0.2000, 0), 0.2971) + _fawaz_refs(0.843, 0.845, 0.08),
        "ArrowHead: arrowhead outlines as 1-D series, 3 types (UCR), 251 steps, 36 training series",
        cite=UCR_CITE),
    "ucr-osuleaf": UcrDataset(
        "OSULeaf", 6, 427, 1, 200, 242,
        _archive_refs(0.4793, (0.3884, 7), 0.4091) + _fawaz_refs(0.977, 0.979, 0.10),
        "OSULeaf: leaf outlines as 1-D series, 6 species (UCR), 427 steps", cite=UCR_CITE),
    "ucr-basicmotions": UcrDataset(
        "BasicMotions", 4, 100, 6, 40, 40, _computed_1nn(0.600, 40),
        "BasicMotions: smart-watch accelerometer and gyroscope (6 channels), 4 activities (UEA), 100 steps",
        cite=UEA_CITE),
    "ucr-japanesevowels": UcrDataset(
        "JapaneseVowels", 9, 29, 12, 270, 370,
        _computed_1nn(0.9162, 370) + _fawaz_refs(0.993, 0.992, 0.03, file="results-mts-avg-std.csv",
                    note="Baydogan's multivariate archive copy of JapaneseVowels (the same 270/370 split), "
                    "with the review's own handling of unequal lengths"),
        "JapaneseVowels: 12 LPC cepstrum coefficients of a spoken vowel, 9 speakers (UEA), 7-29 steps, "
        "zero-padded to 29 with a mask", variable_length=True, cite=UEA_CITE),
}


def data_root() -> Path:
    """The folder of archive datasets inside the installed sktime (found without importing sktime)."""
    spec = importlib.util.find_spec("sktime")
    if spec is None or not spec.submodule_search_locations:
        raise UserError("the UCR/UEA tasks read their files from the sktime package, which is not installed; "
                        "pip install sktime")
    return Path(list(spec.submodule_search_locations)[0]) / "datasets" / "data"


def _ts_file(archive_name: str, split: str) -> Path:
    path = data_root() / archive_name / f"{archive_name}_{split.upper()}.ts"
    if not path.is_file():
        raise UserError(f"no {path.name} in {path.parent.parent}: this sktime ships no {archive_name}; "
                        f"the UCR tasks use {', '.join(d.archive_name for d in UCR_TASKS.values())}")
    return path


def _read(path: Path) -> tuple[list[np.ndarray], np.ndarray]:
    """Each case as a (T_i, C) float array, and the class names, by sktime's own .ts reader."""
    from sktime.datasets import load_from_tsfile  # reads the file it is given; it never downloads

    frame, names = load_from_tsfile(str(path), return_data_type="nested_univ")
    cases = [np.stack([np.asarray(frame.iat[i, c], dtype=np.float32) for c in range(frame.shape[1])], axis=1)
             for i in range(len(frame))]
    return cases, np.asarray(names).astype(str)


def class_order(names: np.ndarray) -> list[str]:
    """The archive's class names sorted: numerically when all are numbers, else as strings."""
    unique = sorted(set(names.tolist()))
    try:
        return sorted(unique, key=float)
    except ValueError:
        return unique


def _pad(cases: list[np.ndarray], length: int) -> tuple[np.ndarray, np.ndarray]:
    x = np.zeros((len(cases), length, cases[0].shape[1]), dtype=np.float32)
    mask = np.zeros((len(cases), length), dtype=np.int64)
    for i, case in enumerate(cases):
        x[i, :len(case)] = case
        mask[i, :len(case)] = 1
    return x, mask


@functools.lru_cache(maxsize=8)
def _load(archive_name: str) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    raw = {split: _read(_ts_file(archive_name, split)) for split in ("train", "test")}
    order = class_order(np.concatenate([names for _, names in raw.values()]))
    length = max(len(case) for cases, _ in raw.values() for case in cases)
    out = {}
    for split, (cases, names) in raw.items():
        x, mask = _pad(cases, length)
        if not np.isfinite(x).all():
            raise UserError(f"{archive_name} {split}: missing values in the .ts file; the UCR tasks take none")
        y = np.asarray([order.index(n) for n in names], dtype=np.int64)
        for array in (x, mask, y):
            array.flags.writeable = False  # the cached copy; callers get their own (load_ucr)
        out[split] = (x, mask, y)
    return out


def load_ucr(archive_name: str) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """{"train": (x, mask, y), "test": (x, mask, y)} of an archive dataset (see the module docstring):
    read once per process, and a fresh writable copy for each caller (torch.from_numpy warns on
    read-only arrays; the datasets are at most a few MB)."""
    return {split: tuple(a.copy() for a in arrays) for split, arrays in _load(archive_name).items()}
