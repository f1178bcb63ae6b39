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
