"""Give committed records their per-example test outputs, by re-running them and checking the hash.

    OMP_NUM_THREADS=1 python scripts/attach_per_example.py leaderboard/records/ucr-gunpoint [more folders or files]

Records submitted before `bench submit` copied per-example files name theirs (file, sha256, rows) but the
file stayed in the run folder. This re-runs each such record's resolved config (`bench reproduce`'s
`rerun`, into a temporary folder) and keeps the new per_example.parquet only when its sha256 equals the one
the record wrote down at the time: the file is then exactly the run's outputs, byte for byte, and it is
placed beside the record as <run_id>.parquet (atomically). Any other outcome leaves the record as it was and
says why. A CPU run repeats bit for bit with the same thread count as the recorded one (the sweeps used
OMP_NUM_THREADS=1), the same package versions and the same platform.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from harness.io import atomic_write
from harness.per_example import sha256_of
from harness.record import load_record
from leaderboard.load import record_files
from leaderboard.per_example import parquet_path
from leaderboard.reproduce import rerun


def attach(path: Path) -> str:
    """What happened to one record: attached, already there, no file described, or why not."""
    record = load_record(path)
    target = parquet_path(path, record)
    if record.per_example is None or target is None:
        return "no per-example file described (recorded before they existed)"
    if target.is_file():
        return "already attached"
    with tempfile.TemporaryDirectory(prefix="dlbench-attach-") as tmp:
        again = rerun(record, tmp)
        made = Path(tmp) / record.task.name / record.method.name / again.run_id / record.per_example.file
        if again.status != "completed" or not made.is_file():
            return f"the re-run did not complete ({again.error})"
        digest = sha256_of(made)
        if digest != record.per_example.sha256:
            diffs = {k: again.metrics.get(k, float("nan")) - v for k, v in record.metrics.items()}
            worst = max(diffs.items(), key=lambda kv: abs(kv[1]))
            return (f"not attached: the re-run's file differs (sha256 {digest[:12]}; largest metric difference "
                    f"{worst[0]} {worst[1]:+.3g})")
        atomic_write(target, lambda out: shutil.copyfile(made, out))
    return f"attached {target.name}"


def main(args: list[str]) -> int:
    paths = [p for arg in args for p in record_files(Path(arg))]
    failed = 0
    for path in paths:
        outcome = attach(path)
        failed += outcome.startswith(("not attached", "the re-run"))
        print(f"{path}: {outcome}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
