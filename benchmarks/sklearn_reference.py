"""scikit-learn's LogisticRegression and SVC on the exact digits split and scaling the harness uses."""

from __future__ import annotations

import numpy as np


def digits_arrays():
    from harness.config import DataConfig
    from harness.registry import get_task

    data = get_task("digits").build(DataConfig(), "default")

    def flat(split):
        return split.tensors["pixel_values"].flatten(1).numpy(), split.tensors["labels"].numpy()

    return flat(data.train), flat(data.test)


def reference_accuracies() -> dict[str, float]:
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import SVC, LinearSVC

    (x_train, y_train), (x_test, y_test) = digits_arrays()
    models = {
        "LogisticRegression(max_iter=5000)": LogisticRegression(max_iter=5000),
        "LinearSVC (Crammer-Singer)": LinearSVC(multi_class="crammer_singer", max_iter=20000),
        "SVC(kernel='linear')": SVC(kernel="linear"),
        "SVC(gamma=0.001) (sklearn example)": SVC(gamma=0.001 * 16**2),  # their features are 0..16
    }
    return {name: float(np.mean(m.fit(x_train, y_train).predict(x_test) == y_test)) for name, m in models.items()}


if __name__ == "__main__":
    for name, acc in reference_accuracies().items():
        print(f"{name:<40} {acc:.4f}")
