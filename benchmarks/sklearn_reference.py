"""scikit-learn models on the exact split, profile caps and pixel scaling the harness uses: an
independent reference for a classification task's numbers.

    python benchmarks/sklearn_reference.py                          # digits (the default profile's split)
    python benchmarks/sklearn_reference.py --task fashion-mnist     # the same train/test arrays `bench run` sees
    python benchmarks/sklearn_reference.py --task fashion-mnist-ssl # the probe on raw pixels
    python benchmarks/sklearn_reference.py --task listops           # order-blind floors on the token counts

Each task names the models worth running on it (an RBF SVC on 50,000 images takes hours on 2 cores;
the Fashion-MNIST paper's own sklearn benchmark ran them on a cluster).
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def task_data(task: str, profile: str = "default", method: str = "linear"):
    """(TaskData, RunConfig): the task's data with the profile's caps, exactly as `bench run` resolves them."""
    from harness.config import build_config
    from harness.registry import get_method, get_task

    spec = get_task(task)
    cfg = build_config(spec, get_method(method), profile)
    return spec.build_data(cfg.data, profile, cfg.metrics), cfg


def task_arrays(task: str, profile: str = "default"):
    """((x_train, y_train), (x_test, y_test)) as flat float arrays, exactly as the task's builder gives them."""
    data, _ = task_data(task, profile)

    def flat(split):
        x = split.tensors["pixel_values" if "pixel_values" in split.tensors else "inputs"]  # images or sequences
        return x.flatten(1).numpy(), split.tensors["labels"].numpy()

    return flat(data.train), flat(data.test)


def _digits_models() -> dict:
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import SVC, LinearSVC

    return {
        "LogisticRegression(max_iter=5000)": LogisticRegression(max_iter=5000),
        "LinearSVC (Crammer-Singer)": LinearSVC(multi_class="crammer_singer", max_iter=20000),
        "SVC(kernel='linear')": SVC(kernel="linear"),
        "SVC(gamma=0.001) (sklearn example)": SVC(gamma=0.001 * 16**2),  # their features are 0..16
    }


def _fashion_models() -> dict:
    # the Fashion-MNIST paper's benchmark (Xiao et al. 2017, benchmark/baselines.json) grid-searched these;
    # the settings below are its best ones for LogisticRegression and MLPClassifier, and a forest
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier

    return {
        "LogisticRegression(C=1, max_iter=1000)": LogisticRegression(C=1.0, max_iter=1000),
        "MLPClassifier(100, relu)": MLPClassifier(hidden_layer_sizes=(100,), max_iter=200, random_state=0),
        "RandomForestClassifier(100, max_depth=100)": RandomForestClassifier(
            n_estimators=100, max_depth=100, criterion="entropy", n_jobs=-1, random_state=0),
    }


def _pixel_probe_models() -> dict:
    # a self-supervised task's own probe fitted on raw pixels: the number an encoder's features
    # must beat to have learnt anything beyond the pixels
    from tasks.self_supervised.protocol import make_probe

    return {"raw-pixel probe (StandardScaler, LogisticRegression(C=1))": make_probe()}


def token_counts(ids: np.ndarray, vocab: int) -> np.ndarray:
    """(N, T) token ids -> (N, vocab - 1) counts of each id but 0 (the padding): a bag of tokens. The vocabulary
    is the task's, not the largest id seen, so train and test always have the same columns."""
    ids = ids.astype(np.int64)
    rows = np.repeat(np.arange(len(ids)), ids.shape[1])
    counts = np.zeros((len(ids), vocab))
    np.add.at(counts, (rows, ids.ravel()), 1.0)
    return counts[:, 1:]


def _listops_models() -> dict:
    # order-blind floors for ListOps: how much of the answer the multiset of tokens gives away
    from sklearn.dummy import DummyClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, StandardScaler

    from tasks.sequence import LISTOPS_VOCAB

    counts = FunctionTransformer(token_counts, kw_args={"vocab": LISTOPS_VOCAB})
    return {
        "DummyClassifier(most_frequent)": DummyClassifier(strategy="most_frequent"),
        "LogisticRegression on token counts": make_pipeline(counts, StandardScaler(),
                                                            LogisticRegression(max_iter=2000)),
    }


MODELS = {"digits": _digits_models, "fashion-mnist": _fashion_models, "mnist": _fashion_models,
          "fashion-mnist-ssl": _pixel_probe_models, "digits-ssl": _pixel_probe_models, "listops": _listops_models}


def reference_accuracies(task: str = "digits", profile: str = "default",
                         only: str = "") -> dict[str, tuple[float, float]]:
    """Each model's (whose name contains `only`) test accuracy on the task's split, and its fit time in seconds."""
    return score_models(task, task_arrays(task, profile), only)


def score_models(task: str, arrays, only: str = "") -> dict[str, tuple[float, float]]:
    """`reference_accuracies` on arrays already loaded by `task_arrays`."""
    (x_train, y_train), (x_test, y_test) = arrays
    out = {}
    for name, model in MODELS[task]().items():
        if only not in name:
            continue
        start = time.perf_counter()
        model.fit(x_train, y_train)
        out[name] = (float(np.mean(model.predict(x_test) == y_test)), time.perf_counter() - start)
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", default="digits", choices=sorted(MODELS))
    parser.add_argument("--profile", default="default")
    parser.add_argument("--only", default="", help="run only the models whose name contains this")
    args = parser.parse_args()
    arrays = task_arrays(args.task, args.profile)  # built once: fashion-mnist reads 70,000 images
    print(f"{args.task}, profile {args.profile}: {len(arrays[0][0])} train / {len(arrays[1][0])} test")
    for name, (acc, seconds) in score_models(args.task, arrays, args.only).items():
        print(f"{name:<45} {acc:.4f}  ({seconds:.0f} s)")
