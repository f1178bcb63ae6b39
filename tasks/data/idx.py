"""The classic IDX files of MNIST and Fashion-MNIST (LeCun's page, the Fashion-MNIST repository, the
Debian package `dataset-fashion-mnist`, torchvision's `<root>/<Name>/raw/` folders), gzipped or not.

Decoding is torchvision's (`read_sn3_pascalvincent_tensor`); this module finds the four files, checks
each one's magic number and length first, so that a bad file is one line naming it, and hands back
uint8 images (N x 1 x 28 x 28) and int64 labels. 60,000 gzipped images read in about half a second,
so nothing is cached.
"""

from __future__ import annotations

import gzip
import struct
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from harness.errors import UserError

# the four standard names; LeCun's files unpacked on some systems say "train-images.idx3-ubyte"
IDX_FILES = {
    ("train", "images"): "train-images-idx3-ubyte",
    ("train", "labels"): "train-labels-idx1-ubyte",
    ("test", "images"): "t10k-images-idx3-ubyte",
    ("test", "labels"): "t10k-labels-idx1-ubyte",
}


@dataclass(frozen=True)
class IdxLayout:
    """Where a dataset's IDX files may be found besides data.path: torchvision's folder name for it
    (`<root>/<name>/raw/`) and system folders a package installs them in, tried in order."""

    torchvision_name: str
    system_folders: tuple[str, ...] = ()

    def folder(self, path: str | None) -> Path | None:
        """The IDX folder to read: data.path when it holds any IDX file; with no data.path, the first
        system folder holding all four; else None (the caller falls back to the hub's formats)."""
        if path is not None:
            return Path(path) if find_idx_files(path, self.torchvision_name) else None
        return next((Path(f) for f in self.system_folders if len(_present(Path(f))) == len(IDX_FILES)), None)


# magic number: two zero bytes, the type code (0x08 = unsigned byte), the number of dimensions
MAGIC = {"images": 0x00000803, "labels": 0x00000801}


def _variants(name: str) -> tuple[str, ...]:
    dotted = name.replace("-idx", ".idx")
    return (f"{name}.gz", name, f"{dotted}.gz", dotted)


def _present(folder: Path) -> dict[tuple[str, str], Path]:
    found = {}
    for key, name in IDX_FILES.items():
        hit = next((folder / v for v in _variants(name) if (folder / v).is_file()), None)
        if hit is not None:
            found[key] = hit
    return found


def find_idx_files(folder: str | Path, torchvision_name: str | None = None) -> dict[tuple[str, str], Path] | None:
    """The IDX files (keyed by (split, "images" | "labels")) in `folder`, in `folder/raw`, in torchvision's
    `folder/<torchvision_name>/raw`, or in the single `folder/*/raw` that has any; None when there are none."""
    root = Path(folder).expanduser()
    candidates = [root, root / "raw"]
    if torchvision_name:
        candidates.append(root / torchvision_name / "raw")
    else:
        candidates += sorted(p for p in root.glob("*/raw") if p.is_dir())
    for candidate in candidates:
        found = _present(candidate) if candidate.is_dir() else {}
        if found:
            return found
    return None


def _raw_bytes(path: Path) -> bytes:
    if path.suffix != ".gz":
        return path.read_bytes()
    try:
        return gzip.decompress(path.read_bytes())
    except (OSError, EOFError, zlib.error) as err:  # BadGzipFile is an OSError; a cut-off stream an EOFError
        raise UserError(f"{path}: not a readable gzip file ({err}); download it again") from None


def _check_header(path: Path, data: bytes, kind: str) -> int:
    """The item count the header declares, after checking magic number and length against it."""
    ndim = 3 if kind == "images" else 1
    if len(data) < 4 + 4 * ndim:
        raise UserError(f"{path}: truncated IDX file ({len(data)} bytes, shorter than its header)")
    magic, *dims = struct.unpack(f">{1 + ndim}I", data[:4 + 4 * ndim])
    if magic != MAGIC[kind]:
        raise UserError(f"{path}: wrong magic number 0x{magic:08x} for IDX {kind} (expected 0x{MAGIC[kind]:08x}); "
                        "is it the right file?")
    expected = 4 + 4 * ndim + int(np.prod(dims))
    if len(data) != expected:
        what = "truncated" if len(data) < expected else "overlong"
        raise UserError(f"{path}: {what} IDX file ({len(data):,} bytes, the header says {expected:,}); "
                        "download it again")
    return dims[0]


def read_idx(path: Path, kind: str) -> np.ndarray:
    """One IDX file as uint8 images (N x 1 x H x W) or int64 labels (N), decoded by torchvision's reader
    (which needs an uncompressed file: a .gz is unpacked into a temporary one)."""
    from torchvision.datasets.mnist import read_sn3_pascalvincent_tensor

    data = _raw_bytes(path)
    _check_header(path, data, kind)
    with tempfile.TemporaryDirectory(prefix="dlbench-idx-") as tmp:
        plain = Path(tmp) / "data.idx"
        plain.write_bytes(data)
        array = read_sn3_pascalvincent_tensor(str(plain), strict=True).numpy()
    return array[:, None].copy() if kind == "images" else array.astype(np.int64)


def read_idx_splits(folder: str | Path, torchvision_name: str | None = None
                    ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """{"train": (images, labels), "test": (...)} from the four IDX files found by `find_idx_files`."""
    found = find_idx_files(folder, torchvision_name) or {}
    missing = [name for key, name in IDX_FILES.items() if key not in found]
    if missing:
        raise UserError(f"'{folder}': missing IDX file(s) {', '.join(missing)} (plain or .gz); "
                        "put all four standard files in one folder")
    splits = {}
    for split in ("train", "test"):
        images = read_idx(found[(split, "images")], "images")
        labels = read_idx(found[(split, "labels")], "labels")
        if len(images) != len(labels):
            raise UserError(f"{found[(split, 'labels')]}: {len(labels):,} labels for {len(images):,} images in "
                            f"{found[(split, 'images')].name}; the two files do not belong together")
        splits[split] = (images, labels)
    return splits
