"""The cache folder and the build-once cache every family's generated or decoded data goes through.

A cache entry is built by one process only: the builder holds a file lock (the `filelock` package)
beside the entry while it writes a temporary folder and renames it into place; a second process
asking for the same entry meanwhile waits on the lock and then loads the finished copy.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness.config import DataConfig


def cache_root(data_cfg: DataConfig) -> Path:
    """data.cache_dir, else $DLBENCH_CACHE, else ~/.cache/dlbench."""
    base = data_cfg.cache_dir or os.environ.get("DLBENCH_CACHE") or Path.home() / ".cache" / "dlbench"
    return Path(base)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def build_once(path: Path, write: Callable[[Path], None], done: Path | None = None) -> Path:
    """`path`, written by `write(tmp)` and renamed into place the first time, under a lock so that
    concurrent callers build it once; `done` (default: `path` itself) is the file whose presence
    says the entry is complete."""
    from filelock import FileLock

    done = done or path
    if done.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(path.with_name(f".{path.name}.lock"))):
        if done.exists():  # another process built it while this one waited
            return path
        _remove(path)  # what a crash before this lock existed could leave: incomplete, never loaded
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        _remove(tmp)
        try:
            write(tmp)
            os.replace(tmp, path)
        finally:
            _remove(tmp)
    return path


def cached_dataset_dict(data_cfg: DataConfig, parts: tuple[str, ...], make: Callable[[], Any]):
    """The DatasetDict that `make()` builds, saved with save_to_disk under cache_root/parts the
    first time (see `build_once`) and loaded from there ever after."""
    from datasets import load_from_disk
    from datasets.utils.logging import disable_progress_bar

    disable_progress_bar()  # the cache is built once, in seconds; no bars in run logs
    path = cache_root(data_cfg).joinpath(*parts)
    build_once(path, lambda tmp: make().save_to_disk(str(tmp)), done=path / "dataset_dict.json")
    return load_from_disk(str(path))
