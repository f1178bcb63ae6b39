"""Run folders: runs/<task>/<method>/<run_id>/ with config.yaml, run.log, checkpoint/, record.json.

run_id = <UTC timestamp>-<config hash>, so `resume=true` finds the latest folder of the same
resolved config that has a checkpoint and no completed record.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from harness.errors import UserError

RECORD = "record.json"
CONFIG = "config.yaml"
LOG = "run.log"
CHECKPOINT = "checkpoint"


def new_run_id(config_hash: str) -> str:
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    return f"{stamp}-{config_hash}-{os.getpid() % 100000:05d}"


def run_root(output_dir: str, task: str, method: str) -> Path:
    return Path(output_dir) / task / method


def check_writable(output_dir: str) -> None:
    """Fail before any training when the output folder cannot be written."""
    path = Path(output_dir)
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".write-test-{os.getpid()}"
        probe.write_bytes(b"x" * 4096)
        probe.unlink()
    except OSError as err:
        raise UserError(
            f"output_dir '{output_dir}' is not writable ({err.strerror}); pick another with output_dir=PATH"
        ) from None


def is_completed(run_dir: Path) -> bool:
    try:
        return json.loads((run_dir / RECORD).read_text()).get("status") == "completed"
    except (OSError, ValueError):
        return False


def find_resumable(output_dir: str, task: str, method: str, config_hash: str) -> Path | None:
    root = run_root(output_dir, task, method)
    candidates = sorted(root.glob(f"*-{config_hash}-*")) if root.is_dir() else []
    for run_dir in reversed(candidates):
        if (run_dir / CHECKPOINT / "state.json").is_file() and not is_completed(run_dir):
            return run_dir
    return None
