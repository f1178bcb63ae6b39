"""The sequence family's tasks: MNIST-1D shuffled by one fixed permutation, the pixel-digits floor, the
adding problem's 1/6 floor, ListOps labels against an independent evaluator, and the contract's shapes."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from harness import registry
from harness.config import DataConfig


@pytest.fixture
def cfg() -> DataConfig:
    """The session's data cache (tests/conftest.py): MNIST-1D and digits are built once for every test file."""
    return DataConfig()


def _arrays(split) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    t = split.tensors
    return t["inputs"].numpy(), t["attention_mask"].numpy(), t["labels"].numpy()


def test_mnist1d_shuffled_is_one_fixed_permutation_of_every_sequence(cfg):
    plain = registry.get_task("mnist1d").build(cfg, "default")
    shuffled = registry.get_task("mnist1d-shuffled").build(cfg, "default")
    assert plain.info.input_shape == (40, 1) and plain.info.extra["kind"] == "series"
    assert [len(s) for s in (plain.train, plain.val, plain.test)] == [3600, 400, 1000]
    order = np.random.RandomState(0).permutation(40)
    assert not np.array_equal(order, np.arange(40))
    for a, b in zip((plain.train, plain.val, plain.test), (shuffled.train, shuffled.val, shuffled.test), strict=True):
        (x, mask, y), (xs, _, ys) = _arrays(a), _arrays(b)
        np.testing.assert_array_equal(ys, y)
        np.testing.assert_array_equal(np.sort(xs, axis=1), np.sort(x, axis=1))  # the same values in each sequence
        np.testing.assert_array_equal(xs, x[:, order])  # moved by the same permutation everywhere
        assert mask.all()
    assert set(np.unique(_arrays(plain.test)[2])) == set(range(10))


def test_pixel_digits_reads_the_digits_split_and_its_linear_reference_holds(cfg):
    from sklearn.linear_model import LogisticRegression

    data = registry.get_task("pixel-digits").build(cfg, "default")
    permuted = registry.get_task("pixel-digits-permuted").build(cfg, "default")
    (x, _, y), (xt, _, yt) = _arrays(data.train), _arrays(data.test)
    assert x.shape == (1078, 64, 1) and x.min() >= 0.0 and x.max() <= 1.0
    np.testing.assert_array_equal(_arrays(permuted.train)[0], x[:, np.random.RandomState(0).permutation(64)])
    ref = next(r for r in registry.get_task("pixel-digits").references if r.method == "sklearn-logistic")
    score = LogisticRegression(max_iter=5000).fit(x[..., 0], y).score(xt[..., 0], yt)
    assert score == pytest.approx(ref.value, abs=1e-4)


def test_adding_floor_of_the_constant_prediction_is_one_sixth(cfg):
    task = registry.get_task("adding")
    data = task.build(cfg, "default")
    x, mask, y = _arrays(data.test)
    assert x.shape == (2000, 100, 2) and mask.all() and y.dtype == np.float32
    marker = x[..., 1]
    assert (marker.sum(1) == 2).all() and (marker[:, :50].sum(1) == 1).all()  # one mark in each half
    np.testing.assert_allclose(y, (x[..., 0] * marker).sum(1), rtol=1e-6)
    floor = float(((y - 1.0) ** 2).mean())
    ref = next(r for r in task.references if r.method == "constant")
    assert abs(floor - 1 / 6) < 0.02 and abs(floor - ref.value) <= ref.tolerance
    assert task.version.endswith(f"T{x.shape[1]}")


def _reference_value(tokens: list[str]) -> int:
    """An independent ListOps evaluator: a stack machine over the token sequence."""
    ops = {"[MIN": min, "[MAX": max, "[MED": lambda v: int(np.median(v)), "[SM": lambda v: sum(v) % 10}
    stack: list = []
    for token in tokens:
        if token == "]":
            args = []
            while not isinstance(stack[-1], str):
                args.append(stack.pop())
            stack.append(int(ops[stack.pop()](args[::-1])))
        else:
            stack.append(token if token.startswith("[") else int(token))
    (value,) = stack
    return value


def test_listops_labels_are_the_values_of_their_expressions():
    from tasks.sequence import LISTOPS_VOCAB
    from tasks.sequence.generators import VOCAB, ListOpsLengths, listops_split

    assert len(VOCAB) == LISTOPS_VOCAB and VOCAB[0] == "<pad>"
    splits = {s: listops_split(n, ListOpsLengths(50, 200), seed) for s, n, seed in (("a", 120, 1), ("b", 60, 2))}
    seen = set()
    for ids, mask, labels in splits.values():
        assert ids.shape[1] == 199
        for row, m, label in zip(ids, mask, labels, strict=True):
            n = int(m.sum())
            assert m[:n].all() and not m[n:].any() and not row[n:].any()  # real tokens first, then padding
            assert 50 < n < 200
            tokens = [VOCAB[i] for i in row[:n]]
            assert tokens[0].startswith("[") and tokens[-1] == "]"
            assert _reference_value(tokens) == label
            seen.add(tuple(row[:n]))
    assert len(seen) == 180  # no expression twice, within or across splits
    assert len(set(np.concatenate([s[2] for s in splits.values()]).tolist())) >= 8  # labels spread over the classes


def test_a_shorter_listops_split_is_a_prefix_of_a_longer_one():
    from tasks.sequence.generators import ListOpsLengths, listops_split

    short, longer = (listops_split(n, ListOpsLengths(20, 60), 1) for n in (30, 60))
    for a, b in zip(short, longer, strict=True):
        np.testing.assert_array_equal(a, b[:30])


def test_listops_task_gives_token_batches_cut_after_their_longest_sequence(cfg):
    data = registry.get_task("listops").build(DataConfig(cache_dir=cfg.cache_dir, train_size=128, eval_size=64),
                                              "smoke")
    assert data.info.extra == {"kind": "tokens", "vocab_size": 16} and data.info.input_shape == (199,)
    batch = data.test.__getitems__([0, 1, 2])
    lengths = data.test.tensors["attention_mask"][:3].sum(1)
    assert batch["inputs"].shape == (3, int(lengths.max()))
    assert batch["inputs"].dtype == batch["attention_mask"].dtype == batch["labels"].dtype == torch.int64
