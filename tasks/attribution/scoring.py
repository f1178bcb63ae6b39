"""Per-image scores of heatmaps, all computed by Quantus (0.6; pinned in constraints.txt).

Every heatmap is |attribution| summed over channels, (B, 1, H, W), non-negative. Conventions, each
with its reason:
- Localisation (pointing game, relevance mass and rank accuracy) reads the heatmap as it is.
- Deletion (Quantus PixelFlipping, Bach et al. 2015; the deletion curve of Petsiuk et al. 2018):
  the most relevant pixel values (the heatmap repeated over the channels) are set to black
  (Quantus's: the image's darkest value), about a 1/DELETION_STEPS share at a time (deletion_step);
  the classifier's softmax probability of the target is read after each, and the area under that
  curve over [0, 1] is the score (lower: the heatmap found what the decision needs). The area is
  taken here with np.trapezoid because Quantus's `return_auc_per_sample` calls np.trapz, which numpy 2.4 removed.
- AOPC (Quantus RegionPerturbation, Samek et al. 2017): patches of REGION_PATCH pixels, most relevant
  first, replaced by black REGIONS times; the mean drop of the target's softmax probability.
- Randomisation (Quantus MPRT, Adebayo et al. 2018): Spearman correlation between the heatmap of the
  trained classifier and that of the same classifier with every layer re-initialised (top-down
  cascade, its last step), both as Quantus normalises them. Lower: the method depends on what the
  model learnt. A constant map (NaN correlation) shares no ranking: 0.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
import torch

DELETION_STEPS = 24  # about: the step is the largest divisor of H*W within C*H*W / DELETION_STEPS values
REGION_PATCH = 8
REGIONS = 16
METRIC_NAMES = ("pointing_game", "relevance_mass", "relevance_rank", "deletion_auc", "aopc", "randomisation")


def heatmap(attributions: torch.Tensor) -> torch.Tensor:
    """(B, C, H, W) attributions of any sign -> (B, 1, H, W) non-negative relevance. A constant map (no
    relevance anywhere: Grad-CAM after its ReLU, sometimes) is replaced by uniform noise, the random
    floor's map, from torch's seeded generator: it ranks no pixel above another, so it is scored at
    chance. Left constant, Quantus's pointing game would count it a hit (any tied maximum in the mask
    hits) and Quantus refuses a batch of constant maps outright."""
    heat = attributions.detach().float().abs().sum(1, keepdim=True)
    blank = heat.amax((1, 2, 3)) == heat.amin((1, 2, 3))
    if blank.any():
        heat[blank] = torch.rand_like(heat[blank])
    return heat


def _localisation(x, y, a, s, model) -> dict[str, np.ndarray]:
    import quantus

    kw = dict(normalise=False, disable_warnings=True)
    out = {"pointing_game": quantus.PointingGame(**kw)(model, x, y, a, s),
           "relevance_mass": quantus.RelevanceMassAccuracy(**kw)(model, x, y, a, s),
           "relevance_rank": quantus.RelevanceRankAccuracy(**kw)(model, x, y, a, s)}
    return {k: np.asarray(v, np.float64) for k, v in out.items()}


def deletion_step(shape: tuple[int, ...]) -> int:
    """Values flipped per deletion step for a (C, H, W) image: Quantus repeats the heatmap over the channels
    and flips C*H*W values, but requires the step to divide H*W; the largest such divisor within a
    DELETION_STEPS-th of the values (64x64x3: 512, 24 steps; 28x28x1: 28, 28 steps)."""
    values, pixels = int(np.prod(shape)), int(np.prod(shape[1:]))
    return max(d for d in range(1, pixels + 1) if pixels % d == 0 and d * DELETION_STEPS <= values)


def _faithfulness(x, y, a, model, device: str) -> dict[str, np.ndarray]:
    import quantus

    features = deletion_step(x.shape[1:])
    curves = quantus.PixelFlipping(features_in_step=features, perturb_baseline="black", disable_warnings=True)(
        model, x, y, a, None, device=device, softmax=True, batch_size=len(x))
    drops = quantus.RegionPerturbation(patch_size=REGION_PATCH, regions_evaluation=REGIONS,
                                       perturb_baseline="black", disable_warnings=True)(
        model, x, y, a, None, device=device, softmax=True, batch_size=len(x))
    curves = np.asarray(curves, np.float64)
    return {"deletion_auc": np.trapezoid(curves, dx=1.0 / (curves.shape[1] - 1), axis=1),
            "aopc": np.asarray(drops, np.float64).mean(1)}


def _randomisation(x, y, a, model, explain: Callable, device: str, seed: int) -> np.ndarray:
    import quantus

    scores = quantus.MPRT(layer_order="top_down", skip_layers=True, return_last_correlation=True, seed=seed,
                          disable_warnings=True)(model, x, y, a, None, explain_func=explain, device=device,
                                                 batch_size=len(x))
    return np.nan_to_num(np.asarray(scores, np.float64), nan=0.0)


def score_batch(classifier: torch.nn.Module, pixel_values: torch.Tensor, targets: torch.Tensor,
                heat: torch.Tensor, masks: torch.Tensor, explain: Callable, seed: int) -> dict[str, np.ndarray]:
    """Each metric of METRIC_NAMES for each image of the batch. `explain(model, x, y)` (numpy in, numpy
    (B, 1, H, W) heatmaps out) is what the randomisation test calls on the randomised classifier."""
    device = str(pixel_values.device)
    x, y = pixel_values.detach().cpu().numpy(), targets.cpu().numpy()
    a, s = heat.cpu().numpy(), masks[:, None].cpu().numpy().astype(np.float64)
    with warnings.catch_warnings():  # Quantus warns on every call about its defaults; they are set above
        warnings.simplefilter("ignore")
        out = _localisation(x, y, a, s, classifier)
        out.update(_faithfulness(x, y, a, classifier, device))
        out["randomisation"] = _randomisation(x, y, a, classifier, explain, device, seed)
    return out
