"""A scikit-learn generative model scored by a generative task's own protocol: an independent
reference for the task's FD, precision/recall and class accuracy.

    python benchmarks/sklearn_generative.py --task fashion-mnist-gen   # the default profile's split

The model is one Gaussian (mixture) per class in PCA space (PCA, then GaussianMixture; both fitted on
the split's training images, exactly those `bench run` trains on), sampled once per test label and
mapped back to pixels. It has no convolution and no learning beyond second moments, so a trained
generator should beat it; the task's test images and reference network score it, through the same
`GenerativeProtocol.evaluate` a run uses.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch


class MixtureSampler(torch.nn.Module):
    """`generate(labels)` draws one image per label from that class's fitted mixture."""

    def __init__(self, x: np.ndarray, y: np.ndarray, shape: tuple[int, ...], components: int, dims: int,
                 seed: int) -> None:
        from sklearn.decomposition import PCA
        from sklearn.mixture import GaussianMixture

        super().__init__()
        self.shape, self.rng = shape, np.random.default_rng(seed)
        self.pca = PCA(n_components=dims, random_state=seed).fit(x)
        z = self.pca.transform(x)
        self.mixtures = {int(c): GaussianMixture(components, covariance_type="full", random_state=seed)
                         .fit(z[y == c]) for c in np.unique(y)}

    def generate(self, labels: torch.Tensor) -> torch.Tensor:
        out = np.empty((len(labels), int(np.prod(self.shape))), np.float32)
        labels = labels.cpu().numpy()
        for c, mixture in self.mixtures.items():
            rows = np.flatnonzero(labels == c)
            if len(rows):
                mixture.random_state = int(self.rng.integers(2**31))  # a new draw per call, reproducibly
                z, _ = mixture.sample(len(rows))  # sorted by component: shuffle before assigning to labels
                out[rows] = self.pca.inverse_transform(z[self.rng.permutation(len(rows))])
        return torch.from_numpy(out).view(-1, *self.shape)


def mixture_reference(task: str, profile: str = "default", components: int = 1, dims: int = 50,
                      seed: int = 0) -> tuple[dict[str, float], float]:
    """The task's metrics for the PCA + GaussianMixture sampler, and its fit time in seconds."""
    from accelerate import Accelerator
    from sklearn_reference import task_data
    from torch.utils.data import DataLoader

    data, cfg = task_data(task, profile, method="ddpm")
    train = data.train.tensors
    start = time.perf_counter()
    sampler = MixtureSampler(train["pixel_values"].flatten(1).numpy(), train["labels"].numpy(),
                             tuple(data.info.input_shape), components, dims, seed)
    seconds = time.perf_counter() - start
    loader = DataLoader(data.test, batch_size=cfg.trainer.eval_batch_size, collate_fn=data.collate)
    evaluation = data.protocol.evaluate(Accelerator(cpu=True), sampler, loader, "mixture")
    return evaluation.metrics, seconds


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", default="fashion-mnist-gen")
    parser.add_argument("--profile", default="default")
    # one Gaussian per class: second moments only. More components drift toward copying the ~100
    # training images per class (fashion-mnist-gen, 10 components: FD 14.4, recall 0.19)
    parser.add_argument("--components", type=int, default=1, help="mixture components per class")
    parser.add_argument("--dims", type=int, default=50, help="PCA dimensions")
    args = parser.parse_args()
    metrics, fit_seconds = mixture_reference(args.task, args.profile, args.components, args.dims)
    print(f"{args.task}, profile {args.profile}: PCA({args.dims}) + GaussianMixture({args.components}) per class, "
          f"fitted in {fit_seconds:.1f} s")
    for name, value in metrics.items():
        print(f"{name:<16} {value:.4f}")
