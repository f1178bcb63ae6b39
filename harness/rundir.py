"""Run folders: runs/<task>/<method>/<run_id>/ with config.yaml, run.log, checkpoint/, record.json,
per_example.parquet.

run_id = <UTC timestamp>-<config hash>-<pid>-<random>, so `resume=true` finds the latest folder of the
same resolved config that has a checkpoint and no completed record. The pid and 24 random bits keep
ids apart when runs of one config start in the same second (sweeps, threads, several nodes).
"""

from __future__ import annotations

import os
import secrets
import shutil
import time
from pathlib import Path

from harness.errors import UserError

RECORD = "record.json"
CONFIG = "config.yaml"
LOG = "run.log"
CHECKPOINT = "checkpoint"
PER_EXAMPLE = "per_example.parquet"  # the test split's per-example outputs (harness/per_example.py)


_ISSUED: set[str] = set()  # ids this process gave out: never the same twice, whatever the clock says


def new_run_id(config_hash: str) -> str:
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    while True:
        run_id = f"{stamp}-{config_hash}-{os.getpid() % 100000:05d}-{secrets.token_hex(3)}"
        if run_id not in _ISSUED:
            _ISSUED.add(run_id)
            return run_id


def run_root(output_dir: str, task: str, method: str) -> Path:
    return Path(output_dir) / task / method


MIN_FREE_BYTES = 64 * 2**20  # floor for a run's folder: config, log, record, a small model's checkpoints


def bytes_needed(num_parameters: int) -> int:
    """Disk a run needs: fp32 weights plus two optimizer moments, twice while a checkpoint is swapped."""
    return max(MIN_FREE_BYTES, 2 * 3 * 4 * num_parameters + 16 * 2**20)


def check_writable(output_dir: str, need_bytes: int = MIN_FREE_BYTES) -> None:
    """Fail before any training when the output folder cannot be written or lacks `need_bytes` free."""
    path = Path(output_dir)
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".write-test-{os.getpid()}"
        probe.write_bytes(b"x" * 4096)
        probe.unlink()
        free = shutil.disk_usage(path).free
    except OSError as err:
        raise UserError(
            f"output_dir '{output_dir}' is not writable ({err.strerror}); pick another with output_dir=PATH"
        ) from None
    if free < need_bytes:
        raise UserError(f"output_dir '{output_dir}' has {free / 2**20:.0f} MiB free but a run needs about "
                        f"{need_bytes / 2**20:.0f} MiB; free some space or pick another with output_dir=PATH")


def is_completed(run_dir: Path) -> bool:
    """The run folder holds a valid record of a completed run."""
    from pydantic import ValidationError

    from harness.record import Record

    try:
        return Record.model_validate_json((run_dir / RECORD).read_bytes()).status == "completed"
    except (OSError, ValidationError):
        return False


def has_checkpoint(run_dir: Path) -> bool:
    """A finished checkpoint, or the previous one alone (a kill between checkpoint.save's renames)."""
    return any((run_dir / name / "state.json").is_file() for name in (CHECKPOINT, CHECKPOINT + ".old"))


def find_resumable(output_dir: str, task: str, method: str, config_hash: str) -> Path | None:
    root = run_root(output_dir, task, method)
    candidates = sorted(root.glob(f"*-{config_hash}-*")) if root.is_dir() else []
    for run_dir in reversed(candidates):
        if has_checkpoint(run_dir) and not is_completed(run_dir):
            return run_dir
    return None
