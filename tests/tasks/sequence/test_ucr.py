"""UCR/UEA data read from sktime's wheel: shapes, labels, padding, references, and the archive's own
1-NN Euclidean number reproduced here (which checks the files, the split and the label mapping)."""

from __future__ import annotations

import numpy as np
import pytest

from harness.errors import UserError
from tasks.sequence.ucr import UCR_TASKS, class_order, load_ucr


@pytest.mark.parametrize("name", sorted(UCR_TASKS))
def test_loaded_arrays_match_the_declared_dataset(name):
    task = UCR_TASKS[name]
    splits = load_ucr(task.archive_name)
    assert set(splits) == {"train", "test"}
    for split, n in (("train", task.train_size), ("test", task.test_size)):
        x, mask, y = splits[split]
        assert x.dtype == np.float32 and mask.dtype == np.int64 and y.dtype == np.int64
        assert x.shape == (n, task.length, task.channels) and mask.shape == (n, task.length) and y.shape == (n,)
        assert set(np.unique(y)) == set(range(task.num_classes))  # every class in both splits, labels 0..K-1
        assert np.isfinite(x).all()
        assert mask.all() != task.variable_length


def test_unequal_lengths_are_zero_padded_at_the_end_with_a_mask():
    x, mask, _ = load_ucr("JapaneseVowels")["test"]
    lengths = mask.sum(axis=1)
    assert lengths.min() == 7 and lengths.max() == 29 == x.shape[1]  # the test split holds the longest series
    assert (np.diff(mask, axis=1) <= 0).all()  # ones, then zeros: real steps first
    assert not x[mask == 0].any() and (np.abs(x[mask == 1]).sum(axis=1) > 0).all()
    assert load_ucr("JapaneseVowels")["train"][0].shape[1] == 29  # both splits share one length


def test_class_names_sort_numerically_when_they_are_numbers():
    assert class_order(np.array(["10", "9", "2", "9"])) == ["2", "9", "10"]
    assert class_order(np.array(["walking", "badminton", "running"])) == ["badminton", "running", "walking"]
    _, _, y = load_ucr("BasicMotions")["train"]
    assert np.bincount(y).tolist() == [10, 10, 10, 10]


def test_each_caller_gets_its_own_arrays_so_none_spoils_the_cached_copy():
    x, _, _ = load_ucr("GunPoint")["train"]
    first = float(x[0, 0, 0])
    x[0, 0, 0] = first + 1.0
    assert load_ucr("GunPoint")["train"][0][0, 0, 0] == first


def test_an_archive_dataset_sktime_does_not_ship_is_a_one_line_user_error():
    with pytest.raises(UserError, match="no Wafer_TRAIN.ts") as err:
        load_ucr("Wafer")
    assert "\n" not in str(err.value)


def test_references_name_their_source_and_judged_ones_say_why():
    for name, task in UCR_TASKS.items():
        for ref in task.references:
            assert ref.metric == "accuracy" and 0 < ref.value <= 1 and ref.source, (name, ref)
            assert (ref.tolerance is None) == (ref.why == ""), (name, ref)
            assert ref.method in {"1nn-euclidean", "1nn-euclidean-here", "1nn-dtw", "1nn-dtw-full",
                                  "cnn1d", "resnet1d"}


@pytest.mark.parametrize("name", ["ucr-gunpoint", "ucr-italypowerdemand", "ucr-arrowhead", "ucr-osuleaf"])
def test_one_nn_euclidean_reproduces_the_archive_exactly(name):
    from benchmarks.ucr_1nn import one_nn_accuracy, published_errors

    task = UCR_TASKS[name]
    published = next(r.value for r in task.references if r.method == "1nn-euclidean")
    accuracy = one_nn_accuracy(name)
    assert round(accuracy, 4) == published
    assert round((1 - accuracy) * task.test_size) == published_errors(name)  # the same number of errors


@pytest.mark.parametrize("name", ["ucr-basicmotions", "ucr-japanesevowels"])
def test_the_one_nn_number_computed_here_is_what_the_script_computes(name):
    """The multivariate datasets carry benchmarks/ucr_1nn.py's own number (the archive publishes none)."""
    from benchmarks.ucr_1nn import one_nn_accuracy

    stored = next(r.value for r in UCR_TASKS[name].references if r.method == "1nn-euclidean-here")
    assert round(one_nn_accuracy(name), 4) == stored
