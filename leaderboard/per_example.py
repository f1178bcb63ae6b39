"""A record's per-example test outputs (harness/per_example.py wrote them): where the parquet file lies,
whether it is the file the record describes, and its columns, for paired tests (leaderboard/compare.py).

Two layouts, like the records themselves (leaderboard/load.py):
- a run folder, runs/<task>/<method>/<run_id>/: record.json and the file its `per_example.file` names;
- the leaderboard, leaderboard/records/<task>/<method>/: <run_id>.json and <run_id>.parquet beside it,
  copied there by `bench submit` after the checks below.
A missing file is allowed (the record stays valid, compared over seeds only); a file whose sha256 or row
count differs from the record's `per_example` is not the run's outputs and is never read as them.
The file is data: pyarrow reads its columns into numpy arrays; nothing in it is unpickled or executed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from harness.per_example import sha256_of

if TYPE_CHECKING:
    import numpy as np

    from harness.record import Record

SUFFIX = ".parquet"  # beside a leaderboard record: <run_id>.parquet


def parquet_path(record_path: str | Path, record: Record) -> Path | None:
    """Where `record`'s per-example file belongs; None when the record describes none."""
    if record.per_example is None:
        return None
    from harness.rundir import RECORD

    record_path = Path(record_path)
    if record_path.name != RECORD and record_path.stem == record.run_id:  # the leaderboard's <run_id>.json
        return record_path.with_suffix(SUFFIX)
    return record_path.parent / record.per_example.file


def problems(source: Path, record: Record) -> list[str]:
    """Why `source` is not the per-example file `record` describes; [] when it is."""
    import pyarrow.parquet as pq

    ref = record.per_example
    if ref is None:
        return [f"per-example file {source.name} is not described by the record (no per_example field)"]
    digest = sha256_of(source)
    if digest != ref.sha256:
        return [f"per-example file {source.name}: sha256 {digest} differs from the record's {ref.sha256}"]
    try:
        rows = pq.read_metadata(source).num_rows
    except (OSError, ValueError) as err:  # pyarrow's ArrowInvalid is a ValueError
        return [f"per-example file {source.name} is not a readable parquet file: {err}"]
    if rows != ref.rows:
        return [f"per-example file {source.name} has {rows} rows but the record says {ref.rows}"]
    return []


def check_beside(record_path: Path, record: Record) -> list[str]:
    """`problems` of the per-example file beside a record file, if there is one (a missing file is allowed)."""
    path = parquet_path(record_path, record)
    return problems(path, record) if path is not None and path.is_file() else []


def columns_for(record_path: str | Path, record: Record) -> dict[str, np.ndarray] | None:
    """{column: numpy array} (list columns as object arrays of arrays) of the per-example file beside a
    leaderboard record or in a run folder; None when there is none, or it is not the file the record
    describes (sha256 and row count are checked on the bytes read, so the file cannot change in between),
    or it is not a parquet file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = parquet_path(record_path, record)
    if path is None or not path.is_file():
        return None
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != record.per_example.sha256:
        return None
    try:
        table = pq.read_table(pa.BufferReader(data))
    except (OSError, ValueError):  # not parquet (pyarrow's ArrowInvalid is a ValueError): `bench validate` says so
        return None
    if table.num_rows != record.per_example.rows:
        return None
    return {name: table.column(name).to_numpy() for name in table.column_names}
