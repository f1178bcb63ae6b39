"""Run folders: runs/<task>/<method>/<run_id>/ with config.yaml, run.log, checkpoint/, record.json,
per_example.parquet.

run_id = <UTC timestamp>-<config hash>-<pid>-<random>, so `resume=true` finds the folders of the same
resolved config and when each run started (find_resumable). The pid and 24 random bits keep ids apart
when runs of one config start in the same second (sweeps, threads, several nodes).
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from harness.errors import UserError
from harness.specs import check_name

if TYPE_CHECKING:
    from harness.record import Record

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
    """OUTPUT_DIR/<task>/<method>; the names are checked again here, so no folder is ever made outside it."""
    for kind, name in (("task", task), ("method", method)):
        check_name(kind, name)  # registration checked them already; a ValueError here is a bug, not input
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


def read_record(run_dir: Path) -> Record | None:
    """The run folder's record, or None when there is none or it is not a valid Record."""
    from pydantic import ValidationError

    from harness.record import Record

    try:
        return Record.model_validate_json((run_dir / RECORD).read_bytes())
    except (OSError, ValidationError):
        return None


def is_completed(run_dir: Path) -> bool:
    """The run folder holds a valid record of a completed run."""
    record = read_record(run_dir)
    return record is not None and record.status == "completed"


def has_checkpoint(run_dir: Path) -> bool:
    """A finished checkpoint, or the previous one alone (a kill between checkpoint.save's renames)."""
    return any((run_dir / name / "state.json").is_file() for name in (CHECKPOINT, CHECKPOINT + ".old"))


@dataclass(frozen=True)
class Resumable:
    """The run folder that `resume=true` continues, and how far its run got."""

    run_dir: Path
    # checkpoint: continue from it; restart: cut off before its first checkpoint, so it trains again from
    # epoch 0 in this folder; completed: its record stands and there is nothing to do
    state: Literal["checkpoint", "restart", "completed"]


def _started(run_dir: Path) -> dt.datetime:
    """When the run began: the UTC timestamp its run_id opens with (new_run_id)."""
    try:
        return dt.datetime.strptime(run_dir.name[:15], "%Y%m%d-%H%M%S").replace(tzinfo=dt.timezone.utc)
    except ValueError:
        return dt.datetime.min.replace(tzinfo=dt.timezone.utc)  # not a run_id of ours: older than any


def find_resumable(output_dir: str, task: str, method: str, config_hash: str, task_version: str) -> Resumable | None:
    """What `resume=true` continues among the folders of this config; None when there are none.

    The latest run decides, a completed one dated by when it finished (its record's created_at) and an
    unfinished one by when it started (its run_id). So an older completed run and a newer cut-off one
    resume the newer; a run cut off before a later one completed is not newer work. Of the unfinished
    runs that started after the last completion (in the same second counts as after), the newest with
    a checkpoint continues, else the newest trains again in place. A completed record of another task
    version is ignored, as sweeps ignore it."""
    root = run_root(output_dir, task, method)
    folders = sorted(p for p in root.glob(f"*-{config_hash}-*") if p.is_dir()) if root.is_dir() else []
    done: list[tuple[dt.datetime, Path]] = []
    unfinished: list[Path] = []
    for run_dir in folders:
        record = read_record(run_dir)
        if record is None or record.status != "completed":
            unfinished.append(run_dir)
        elif record.task.version == task_version:
            done.append((dt.datetime.fromisoformat(record.created_at), run_dir))
    last = max(done, default=None)
    newer = [d for d in unfinished if last is None or _started(d) >= last[0]]
    with_checkpoint = [d for d in newer if has_checkpoint(d)]
    if with_checkpoint:
        return Resumable(with_checkpoint[-1], "checkpoint")
    if newer:
        return Resumable(newer[-1], "restart")
    return Resumable(last[1], "completed") if last else None
