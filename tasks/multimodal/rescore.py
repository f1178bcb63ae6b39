"""Image-text runs rescored from their per-example columns (TaskSpec.example_scores): every metric is a
mean over test images. Retrieval: i2t_r<k> is the mean of the image's hit, t2i_r<k> of each image's
share of its captions that hit (every image has the same number of captions, so the mean of the
shares is the mean over captions), mean_recall of the six per image. Zero-shot: <set>_top1 is the
mean of <set>_correct, <set>_top1_per_template of each image's share of templates that got it right.
A query's hit was decided against the whole test gallery: a resample draws queries, not galleries."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from harness.per_example import stacked

if TYPE_CHECKING:
    import numpy as np  # annotations only: numpy loads when a hook runs, not at registration

PER_TEMPLATE = "_correct_per_template"  # the zero-shot column suffix that names each label set


def retrieval_scores(columns: Mapping[str, Any]) -> dict[str, np.ndarray]:
    import numpy as np

    from tasks.multimodal.protocol import RECALL_KS

    out = {f"i2t_r{k}": np.asarray(columns[f"i2t_hit@{k}"], dtype=float) for k in RECALL_KS}
    out |= {f"t2i_r{k}": stacked(columns[f"t2i_hit@{k}"]).mean(axis=1) for k in RECALL_KS}
    return out | {"mean_recall": np.mean(list(out.values()), axis=0)}


def zero_shot_scores(columns: Mapping[str, Any]) -> dict[str, np.ndarray]:
    import numpy as np

    out = {}
    for name in (c.removesuffix(PER_TEMPLATE) for c in columns if c.endswith(PER_TEMPLATE)):
        out[f"{name}_top1"] = np.asarray(columns[f"{name}_correct"])
        out[f"{name}_top1_per_template"] = stacked(columns[name + PER_TEMPLATE]).mean(axis=1)
    return out
