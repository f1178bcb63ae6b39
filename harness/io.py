"""Atomic file writes: a temporary file in the same folder, fsync, then rename.

A reader (or a crash) never sees a half-written record, config or checkpoint.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _umask()


def atomic_write(path: str | Path, write: Callable[[str], None]) -> Path:
    """Call `write(tmp_path)`, then move the finished file onto `path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; results are meant to be shared
    try:
        write(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def check_output_file(key: str, path: str | Path) -> Path:
    """Fail before any work when `key=path` cannot become a file: empty, a folder, under a file, or in a
    folder that cannot be written. Missing parent folders are fine: the write creates them."""
    from harness.errors import UserError

    path = Path(path)
    if not str(path) or path.name in ("", ".", ".."):
        raise UserError(f"{key}= must name a file, got '{path}'")
    if path.is_dir():
        raise UserError(f"{key}={path} is a folder; give a file name inside it, e.g. {key}={path / 'out'}")
    _check_parent_writable(key, path)
    return path


def check_output_folder(key: str, path: str | Path) -> Path:
    """Fail before any work when `key=path` cannot be (or become) a writable folder."""
    from harness.errors import UserError

    path = Path(path)
    if not str(path):
        raise UserError(f"{key}= must name a folder")
    if path.exists() and not path.is_dir():
        raise UserError(f"{key}={path} is a file, not a folder")
    if path.is_dir():
        if not os.access(path, os.W_OK | os.X_OK):
            raise UserError(f"{key}={path} is not writable; pick another folder")
        return path
    _check_parent_writable(key, path)
    return path


def _check_parent_writable(key: str, path: Path) -> None:
    """The nearest existing ancestor of `path` is a writable folder (so mkdir and the write can succeed)."""
    from harness.errors import UserError

    parent = path.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise UserError(f"{key}={path}: {parent} is a file, not a folder, so nothing can be written under it")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UserError(f"{key}={path}: {parent} is not writable; pick another place")


def atomic_write_text(path: str | Path, text: str) -> Path:
    def write(tmp: str) -> None:
        Path(tmp).write_text(text, encoding="utf-8")

    return atomic_write(path, write)


def atomic_write_json(path: str | Path, obj: Any) -> Path:
    return atomic_write_text(path, json.dumps(obj, indent=2, sort_keys=False, allow_nan=False) + "\n")
