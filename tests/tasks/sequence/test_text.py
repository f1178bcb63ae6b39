"""Hub text tasks on tiny parquet fixtures in the hub's layout and columns: the offline tokenizer
trains once and is cached, encodes to fixed-length ids with [PAD] = 0 and masks, gives the same ids in
every process, and bad data gives a one-line UserError."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from harness.config import DataConfig
from harness.errors import UserError
from tasks.sequence import text
from tasks.sequence.text import SPECIAL_TOKENS, TEXT_TASKS, text_splits


def config(tmp_path: Path, data: Path) -> DataConfig:
    return DataConfig(path=str(data), cache_dir=str(tmp_path / "cache"))


@pytest.mark.parametrize("name", sorted(TEXT_TASKS))
def test_splits_are_fixed_length_ids_padded_with_zero_behind_cls(tmp_path, name, write_text_fixture):
    splits = text_splits(name, config(tmp_path, write_text_fixture(tmp_path / "data", name)), vocab_size=300,
                         max_length=24)
    assert {k: len(v[2]) for k, v in splits.items()} == {"train": 54, "val": 6, "test": 20}  # val: holdout of 60
    for ids, mask, labels in splits.values():
        assert ids.dtype == mask.dtype == labels.dtype == np.int64 and ids.shape == mask.shape == (len(labels), 24)
        assert (ids[:, 0] == SPECIAL_TOKENS.index("[CLS]")).all()
        assert (ids[mask == 0] == 0).all() and (ids[mask == 1] != 0).all()  # [PAD] is 0, and only padding
        assert (np.diff(mask, axis=1) <= 0).all()  # real tokens first, padding at the end
        assert ids.min() >= 0 and ids.max() < splits.vocab_size
    assert splits.vocab_size == 300 and len(splits.fingerprint) == 16
    assert (splits["train"][1].sum(axis=1) == 24).any() and (splits["train"][1].sum(axis=1) < 24).any()


def test_the_tokenizer_trains_once_and_is_read_from_the_cache(tmp_path, monkeypatch, write_text_fixture):
    calls = []
    train = text.train_tokenizer
    monkeypatch.setattr(text, "train_tokenizer", lambda *a: calls.append(a) or train(*a))
    cfg = config(tmp_path, write_text_fixture(tmp_path / "data", "imdb"))
    first = text_splits("imdb", cfg, vocab_size=300, max_length=16)
    [saved] = (tmp_path / "cache" / "text").glob("imdb-*/tokenizer-300.json")
    stamp = saved.stat().st_mtime_ns
    second = text_splits("imdb", cfg, vocab_size=300, max_length=16)
    assert len(calls) == 1 and saved.stat().st_mtime_ns == stamp
    assert second.fingerprint == first.fingerprint and second.tokenizer_sha256 == first.tokenizer_sha256
    assert all(np.array_equal(a, b) for s in first for a, b in zip(first[s], second[s], strict=True))
    # the training texts are the train split minus the hold-out: val and test texts are not in them
    assert len(calls[0][0]) == 54 and not any("#test" in t for t in calls[0][0])


def test_other_data_never_reuses_a_cached_tokenizer(tmp_path, write_text_fixture):
    a = text_splits("ag-news", config(tmp_path, write_text_fixture(tmp_path / "a", "ag-news")), vocab_size=300)
    b = text_splits("ag-news", config(tmp_path, write_text_fixture(tmp_path / "b", "ag-news", n_train=50)),
                    vocab_size=300)
    assert len(list((tmp_path / "cache" / "text").glob("ag-news-*"))) == 2 and a.fingerprint != b.fingerprint


TRAIN_IN_A_FRESH_PROCESS = """
import hashlib, sys
from tasks.sequence.text import train_tokenizer
texts = [line for line in sys.stdin.read().split("\\n") if line]
print(hashlib.sha256(train_tokenizer(texts, 300).to_str().encode()).hexdigest())
"""


def test_the_same_texts_give_the_same_tokenizer_and_ids_in_every_process():
    """The fingerprint hashes tokenizer.json: training must not depend on hash-map order (WordPiece's does)."""
    import hashlib

    rng = np.random.default_rng(1)
    vocab = ["".join(rng.choice(list("aeioukstnrml"), rng.integers(2, 7))) for _ in range(400)]
    texts = [" ".join(rng.choice(vocab, 20)) for _ in range(300)]
    here = text.train_tokenizer(texts, 300)
    other = subprocess.run([sys.executable, "-c", TRAIN_IN_A_FRESH_PROCESS], input="\n".join(texts),
                           capture_output=True, text=True, check=True, cwd=Path(__file__).parents[3])
    assert other.stdout.strip() == hashlib.sha256(here.to_str().encode()).hexdigest()
    assert here.encode(texts[0]).ids == text.train_tokenizer(texts, 300).encode(texts[0]).ids


def test_a_missing_text_column_is_a_one_line_user_error(tmp_path, write_text_fixture):
    data = write_text_fixture(tmp_path / "data", "sst2", text_column="text")  # SST-2 calls it 'sentence'
    with pytest.raises(UserError, match="missing column 'sentence'") as err:
        text_splits("sst2", config(tmp_path, data))
    assert "\n" not in str(err.value)


def test_hidden_test_labels_are_a_one_line_user_error(tmp_path, write_text_fixture):
    data = write_text_fixture(tmp_path / "data", "ag-news", test_labels=[-1] * 20)
    with pytest.raises(UserError, match="labels outside 0..3") as err:
        text_splits("ag-news", config(tmp_path, data))
    assert "\n" not in str(err.value)


def test_bad_settings_are_user_errors(tmp_path):
    cfg = config(tmp_path, tmp_path)
    with pytest.raises(UserError, match="invalid value 'imbd' for 'task'"):
        text_splits("imbd", cfg)
    with pytest.raises(UserError, match="'vocab_size'"):
        text_splits("imdb", cfg, vocab_size=100)
