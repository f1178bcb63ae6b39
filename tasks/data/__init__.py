"""The data layer every family builds on: not a family, registers nothing.

- `cache`        the cache folder and one build-once cache (a file lock, then a temporary folder and a rename)
- `fingerprint`  the dataset fingerprint every record names
- `hub`          hub datasets at their pinned revision, or a local copy (`data.path=`), with one set of errors
- `splits`       the fixed hold-out (seed 0) and the profile caps (`data.train_size`, `data.eval_size`)
- `digits`       the embedded digits dataset (scikit-learn), shared by three families

Kept light: `bench list` imports this package; the modules import numpy and datasets themselves.
"""
