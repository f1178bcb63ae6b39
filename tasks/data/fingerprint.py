"""The dataset fingerprint: a hash of the exact arrays a run trains and is scored on.

Every record names it, and `bench reproduce` compares it, so this function and the order of the
arrays each builder passes must never change for an existing task version.
"""

from __future__ import annotations

import hashlib

import numpy as np


def fingerprint(*arrays: np.ndarray) -> str:
    """The first 16 hex digits of a sha256 over each array's dtype, shape and bytes, in order."""
    h = hashlib.sha256()
    for a in arrays:
        a = np.ascontiguousarray(a)
        h.update(str((a.dtype.str, a.shape)).encode())
        h.update(a.tobytes())
    return h.hexdigest()[:16]
