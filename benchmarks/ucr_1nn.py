"""An independent 1-NN Euclidean classifier on every UCR/UEA task, beside the archive's published number.

    python benchmarks/ucr_1nn.py

scikit-learn's KNeighborsClassifier(n_neighbors=1) on the flattened raw series of each task's train and
test split (no normalisation beyond what the archive's files hold). On a univariate dataset it must make
exactly as many test errors as the archive's DataSummary says; that checks the files, the split and the
label mapping of `tasks.sequence.ucr`. The script exits 1 when one does not. Multivariate datasets have
no published 1-NN Euclidean number here (the UEA paper's table could not be sourced): theirs is shown
alone. JapaneseVowels is zero-padded to 29 steps, so its distance counts the padding.
"""

from __future__ import annotations

import sys

from tasks.sequence.ucr import UCR_TASKS, load_ucr


def one_nn_predictions(name: str):
    """(predicted, true) test labels of 1-NN Euclidean on the task's flattened train series."""
    from sklearn.neighbors import KNeighborsClassifier

    splits = load_ucr(UCR_TASKS[name].archive_name)
    (x_train, _, y_train), (x_test, _, y_test) = splits["train"], splits["test"]
    model = KNeighborsClassifier(n_neighbors=1, algorithm="brute").fit(x_train.reshape(len(x_train), -1), y_train)
    return model.predict(x_test.reshape(len(x_test), -1)), y_test


def one_nn_accuracy(name: str) -> float:
    """Test accuracy of 1-NN Euclidean on a UCR task (`name` as in UCR_TASKS, e.g. 'ucr-gunpoint')."""
    predicted, true = one_nn_predictions(name)
    return float((predicted == true).mean())


def published_errors(name: str) -> int | None:
    """The number of test errors the archive's published 1-NN Euclidean accuracy implies, if it has one."""
    task = UCR_TASKS[name]
    ref = next((r for r in task.references if r.method == "1nn-euclidean"), None)
    return None if ref is None else round((1 - ref.value) * task.test_size)


def main() -> int:
    print(f"{'task':24s} {'test':>5s} {'ours':>8s} {'errors':>6s} {'published':>9s} {'errors':>6s}  match")
    mismatches = 0
    for name in UCR_TASKS:
        predicted, true = one_nn_predictions(name)
        errors, n = int((predicted != true).sum()), len(true)
        expected = published_errors(name)
        published = "-" if expected is None else f"{1 - expected / n:.4f}"
        match = "-" if expected is None else ("yes" if errors == expected else "NO")
        mismatches += match == "NO"
        print(f"{name:24s} {n:5d} {1 - errors / n:8.4f} {errors:6d} {published:>9s} "
              f"{'-' if expected is None else expected:>6}  {match}")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
