from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.errors import UserError
from harness.io import atomic_write_json
from harness.record import SCHEMA_VERSION, json_schema, load_record

ROOT = Path(__file__).resolve().parents[2]


def test_published_json_schema_is_current():
    """docs/record.schema.json is what submitters read; regenerate it when the model changes."""
    assert json.loads((ROOT / "docs" / "record.schema.json").read_text()) == json_schema()
    assert json_schema()["properties"]["schema_version"]["const"] == SCHEMA_VERSION


def test_bad_record_files_name_the_file_and_reason(tmp_path):
    (tmp_path / "a.json").write_text("{not json")
    with pytest.raises(UserError, match="a.json: not a JSON record"):
        load_record(tmp_path / "a.json")
    (tmp_path / "b.json").write_text(json.dumps({"schema_version": 1}))
    with pytest.raises(UserError, match="b.json: invalid record at"):
        load_record(tmp_path / "b.json")


def test_atomic_write_leaves_no_partial_file(tmp_path):
    target = tmp_path / "r.json"
    atomic_write_json(target, {"x": 1})
    with pytest.raises(ValueError):
        atomic_write_json(target, {"x": float("nan")})  # refused before the old file is touched
    assert json.loads(target.read_text()) == {"x": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


def _committed_record() -> Path:
    # the digits records were made before both fields existed (later tasks' records have them)
    return sorted((ROOT / "leaderboard" / "records" / "digits").rglob("*.json"))[0]


def test_records_without_the_newer_optional_fields_stay_valid():
    """Committed records predate `task.unpinned` and `per_example`; they validate with the defaults."""
    data = json.loads(_committed_record().read_text())
    assert "unpinned" not in data["task"] and "per_example" not in data
    record = load_record(_committed_record())
    assert record.task.unpinned is False and record.per_example is None


@pytest.mark.parametrize(("ref", "where"), [
    ({"file": "../elsewhere.parquet", "sha256": "0" * 64, "rows": 1, "columns": ["example_id"]}, "per_example.file"),
    ({"file": "per_example.parquet", "sha256": "abc", "rows": 1, "columns": ["example_id"]}, "per_example.sha256"),
    ({"file": "per_example.parquet", "sha256": "0" * 64, "rows": -1, "columns": ["example_id"]}, "per_example.rows"),
])
def test_a_bad_per_example_reference_is_refused(tmp_path, ref, where):
    data = json.loads(_committed_record().read_text()) | {"per_example": ref}
    atomic_write_json(tmp_path / "r.json", data)
    with pytest.raises(UserError, match=f"invalid record at '{where}'"):
        load_record(tmp_path / "r.json")
    good = {"file": "per_example.parquet", "sha256": "0" * 64, "rows": 1, "columns": ["example_id"]}
    atomic_write_json(tmp_path / "r.json", data | {"per_example": good})
    assert load_record(tmp_path / "r.json").per_example.rows == 1
