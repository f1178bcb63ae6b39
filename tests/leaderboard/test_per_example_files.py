"""Per-example files travel with their records: checked and copied by `bench submit`, checked by `bench
validate`, read back as numpy columns from either layout, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from test_submit import good_record, records_in, run_cli, write

from harness.per_example import write as write_per_example
from harness.record import Record
from leaderboard.per_example import columns_for

RUN_ID = "20260101-000000-abcdef123456-00001"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    path = tmp_path / "leaderboard"
    path.mkdir()
    return path


def run_folder(tmp_path: Path, run_id: str = RUN_ID, seed: int = 0, n_rows: int = 5, **ref_changes) -> Path:
    """runs/.../<run_id>/ with per_example.parquet and a record.json that describes it; returns record.json."""
    folder = tmp_path / "runs" / run_id
    folder.mkdir(parents=True)
    columns = {"example_id": np.arange(n_rows)[::-1].copy(), "correct": np.arange(n_rows) % 2,
               "logits": np.arange(n_rows * 2, dtype=float).reshape(n_rows, 2)}
    ref = write_per_example(columns, folder / "per_example.parquet").model_dump() | ref_changes
    return write(folder / "record.json", good_record(run_id=run_id, seed=seed) | {"per_example": ref})


def test_submit_copies_the_per_example_file_beside_the_record(tmp_path, root, capsys):
    source = run_folder(tmp_path)
    assert run_cli("submit", str(source), f"root={root}") == 0
    target = root / "digits" / "linear" / f"{RUN_ID}.json"
    beside = target.with_suffix(".parquet")
    assert records_in(root) == [target, beside]
    assert beside.read_bytes() == (source.parent / "per_example.parquet").read_bytes()
    assert f"copied {source} -> {target}" in capsys.readouterr().out
    # read back from either layout: the same numpy columns (list columns as object arrays)
    record = Record.model_validate_json(target.read_text())
    ours, theirs = columns_for(target, record), columns_for(source, record)
    assert ours["example_id"].tolist() == [4, 3, 2, 1, 0] and ours["logits"].dtype == object
    assert all(np.array_equal(np.stack(ours[c]) if ours[c].dtype == object else ours[c],
                              np.stack(theirs[c]) if theirs[c].dtype == object else theirs[c]) for c in ours)
    assert run_cli("validate", str(root), f"root={root}") == 0


def test_a_missing_per_example_file_leaves_the_record_valid(tmp_path, root):
    source = run_folder(tmp_path)
    (source.parent / "per_example.parquet").unlink()
    assert run_cli("submit", str(source), f"root={root}") == 0
    target = root / "digits" / "linear" / f"{RUN_ID}.json"
    assert records_in(root) == [target]
    assert columns_for(target, Record.model_validate_json(target.read_text())) is None


@pytest.mark.parametrize(("change", "reason"), [
    ({"sha256": "0" * 64}, "sha256"),
    ({"rows": 6}, "has 5 rows but the record says 6"),
])
def test_a_per_example_file_that_is_not_the_records_is_refused(tmp_path, root, capsys, change, reason):
    source = run_folder(tmp_path, **change)
    assert run_cli("submit", str(source), f"root={root}") == 1
    out = capsys.readouterr().out
    assert f"{source}: per-example file per_example.parquet" in out and reason in out
    assert not records_in(root)
    assert columns_for(source, Record.model_validate_json(source.read_text())) is None  # never read as the run's


def test_validate_catches_a_per_example_file_changed_on_the_leaderboard(tmp_path, root, capsys):
    assert run_cli("submit", str(run_folder(tmp_path)), f"root={root}") == 0
    beside = root / "digits" / "linear" / f"{RUN_ID}.parquet"
    beside.write_bytes(beside.read_bytes() + b"x")
    capsys.readouterr()
    assert run_cli("validate", str(root), f"root={root}") == 1
    assert "differs from the record's" in capsys.readouterr().out


def test_a_failed_link_of_a_per_example_file_leaves_the_folder_as_it_was(tmp_path, root, monkeypatch, capsys):
    """All or nothing holds for the parquet files too: the second run's parquet fails to link, both go."""
    import leaderboard.submit as submit

    sources = [run_folder(tmp_path, run_id=f"run{i}", seed=i) for i in range(2)]
    real_link, calls = submit.os.link, []

    def failing_link(source, target):
        calls.append(Path(target).name)
        if Path(target).suffix == ".parquet" and len(calls) > 2:
            raise OSError(28, "No space left on device", str(target))
        real_link(source, target)

    monkeypatch.setattr(submit.os, "link", failing_link)
    assert run_cli("submit", *map(str, sources), f"root={root}") == 2
    assert "nothing copied" in capsys.readouterr().err
    assert calls == ["run0.json", "run0.parquet", "run1.json", "run1.parquet"] and not records_in(root)


def test_the_file_is_data(tmp_path):
    """A file named by a record is only ever parsed as parquet columns: a pickle in its place is not loaded."""
    import hashlib
    import pickle

    source = run_folder(tmp_path)
    payload = pickle.dumps({"example_id": [0]})
    (source.parent / "per_example.parquet").write_bytes(payload)
    data = json.loads(source.read_text())
    data["per_example"]["sha256"] = hashlib.sha256(payload).hexdigest()
    assert columns_for(source, Record.model_validate_json(json.dumps(data))) is None


def test_a_per_example_file_changed_between_check_and_copy_is_refused(tmp_path, root, monkeypatch, capsys):
    """The staged copy is what lands, so it is checked again: a file swapped after the checks copies nothing."""
    import shutil

    import leaderboard.submit as submit

    real_copy = shutil.copyfile

    def copy_then_change(source, target):
        real_copy(source, target)
        with open(target, "ab") as fh:
            fh.write(b"swapped")
        return target

    monkeypatch.setattr(submit.shutil, "copyfile", copy_then_change)
    assert run_cli("submit", str(run_folder(tmp_path)), f"root={root}") == 2
    assert "changed while submitting" in capsys.readouterr().err and not records_in(root)
