"""Where a number came from: code version, library versions, platform and hardware."""

from __future__ import annotations

import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import harness

ROOT = Path(__file__).resolve().parent.parent


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def _git(*args: str) -> str | None:
    try:
        out = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip()


def device_name(device: object) -> str:
    import torch

    dev = torch.device(str(device))
    if dev.type == "cuda":
        return torch.cuda.get_device_name(dev)
    return f"{dev.type}: {platform.processor() or platform.machine()}"


def collect(device: object, world_size: int, per_device_batch_size: int) -> dict:
    commit = _git("rev-parse", "HEAD")
    status = _git("status", "--porcelain", "--untracked-files=no") if commit else None
    return {
        "git_commit": commit,
        "git_dirty": None if status is None else bool(status),
        "dlbench_version": harness.__version__,
        "python": sys.version.split()[0],
        "torch": _version("torch") or "unknown",
        "transformers": _version("transformers"),
        "accelerate": _version("accelerate") or "unknown",
        "datasets": _version("datasets") or "unknown",
        "platform": platform.platform(),
        "device": device_name(device),
        "world_size": world_size,
        "per_device_batch_size": per_device_batch_size,
    }
