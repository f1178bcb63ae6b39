"""Per-example test outputs: the columns a protocol returns in `Evaluation.per_example`, written as
one parquet file beside the record (rundir.PER_EXAMPLE) and described in it (`PerExampleRef`); read back,
the tasks' rescoring hooks (TaskSpec.example_scores / set_scores) recompute the metrics from them."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.io import atomic_write

if TYPE_CHECKING:  # pydantic (0.35 s) and numpy: the tasks' rescoring hooks import `stacked` when `bench list`
    # registers them, so both load only when a run writes or a leaderboard reads per-example columns
    import numpy as np

    from harness.record import PerExampleRef


def _arrow_column(values: Any) -> Any:
    import numpy as np
    import pyarrow as pa

    if isinstance(values, np.ndarray) and values.ndim == 2:  # features, per-class counts: one list per row
        return pa.FixedSizeListArray.from_arrays(pa.array(values.reshape(-1)), values.shape[1])
    return pa.array(values)  # a 1-D array, or a list (of lists: a list column)


def sha256_of(path: Path) -> str:
    """The file's sha256 as the record stores it (PerExampleRef.sha256); read in chunks."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def write(columns: dict[str, Any], path: Path) -> PerExampleRef:
    """Write per-example columns (harness.contracts.Evaluation) as zstd parquet, atomically, and
    describe the file for the record. pyarrow alone: importing pandas too cost 1.6 s more per run here."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from harness.record import PerExampleRef

    lengths = {name: len(values) for name, values in columns.items()}
    if "example_id" not in columns or len(set(lengths.values())) != 1:
        raise ValueError(f"per-example columns need example_id and one length each, got {lengths}")
    table = pa.table({name: _arrow_column(values) for name, values in columns.items()})
    if pc.count_distinct(table["example_id"]).as_py() != table.num_rows:
        raise ValueError("per-example columns repeat an example_id: an example was gathered twice")
    atomic_write(path, lambda tmp: pq.write_table(table, tmp, compression="zstd"))
    return PerExampleRef(file=path.name, sha256=sha256_of(path), rows=table.num_rows, columns=table.column_names)


def stacked(column: Any) -> np.ndarray:
    """A column read back from per_example.parquet as the 2-D array `write` was given (features (N, D),
    per-class counts (N, K), per-caption hits (N, K)): pyarrow returns a fixed-size list column as an
    object array of equal-length arrays. A column that is already a plain array passes through."""
    import numpy as np

    values = np.asarray(column)
    if values.dtype != object:
        return values
    return np.stack([np.asarray(v) for v in values])
