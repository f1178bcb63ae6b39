"""Attribution methods as `Explainer` modules: each wraps one Captum (0.9) attribution class. Each
function is named after its method (dashes as underscores; baselines/attribution.py builds by name).

Captum objects are built per call because the classifier changes under them (Quantus's
randomisation test hands in re-initialised copies). Grad-CAM reads the classifier's last Conv2d and
is upsampled to the input bilinearly with `relu_attributions=True` (Captum leaves the ReLU off by
default: captum#179, #392).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

Attribute = Callable[[nn.Module, torch.Tensor, torch.Tensor], torch.Tensor]


class CaptumExplainer(nn.Module):
    """An `Explainer` around `attribute(classifier, pixel_values, targets)`; holds no weights."""

    def __init__(self, attribute: Attribute) -> None:
        super().__init__()
        self.attribute = attribute

    def forward(self, classifier: nn.Module, pixel_values: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        import warnings

        with warnings.catch_warnings():  # guided backprop warns on every call that it hooks the ReLUs
            warnings.filterwarnings("ignore", message="Setting backward hooks on ReLU")
            return self.attribute(classifier, pixel_values, targets)


def last_conv(classifier: nn.Module) -> nn.Module:
    """The layer Grad-CAM reads: the classifier's last Conv2d (Selvaraju et al.'s last convolutional maps)."""
    convs = [m for m in classifier.modules() if isinstance(m, nn.Conv2d)]
    if not convs:
        raise ValueError("Grad-CAM needs a classifier with a Conv2d layer")
    return convs[-1]


def saliency(classifier, x, y):
    from captum.attr import Saliency

    return Saliency(classifier).attribute(x, target=y, abs=True)


def input_x_gradient(classifier, x, y):
    from captum.attr import InputXGradient

    return InputXGradient(classifier).attribute(x.requires_grad_(), target=y)


def integrated_gradients(steps: int, baseline: float) -> Attribute:
    def attribute(classifier, x, y):
        from captum.attr import IntegratedGradients

        return IntegratedGradients(classifier).attribute(x, baselines=baseline, target=y, n_steps=steps,
                                                         internal_batch_size=512)

    return attribute


def smoothgrad(samples: int, noise: float) -> Attribute:
    def attribute(classifier, x, y):
        from captum.attr import NoiseTunnel, Saliency

        return NoiseTunnel(Saliency(classifier)).attribute(x, nt_type="smoothgrad", nt_samples=samples, stdevs=noise,
                                                            target=y, abs=True)

    return attribute


def gradcam(classifier, x, y):
    from captum.attr import LayerAttribution, LayerGradCam

    cam = LayerGradCam(classifier, last_conv(classifier)).attribute(x, target=y, relu_attributions=True)
    return LayerAttribution.interpolate(cam, tuple(x.shape[-2:]), interpolate_mode="bilinear")


def guided_backprop(classifier, x, y):
    from captum.attr import GuidedBackprop

    return GuidedBackprop(classifier).attribute(x, target=y)


def guided_gradcam(classifier, x, y):
    from captum.attr import GuidedGradCam

    return GuidedGradCam(classifier, last_conv(classifier)).attribute(x, target=y, interpolate_mode="bilinear")


def occlusion(window: int, stride: int, baseline: float) -> Attribute:
    def attribute(classifier, x, y):
        from captum.attr import Occlusion

        channels = x.shape[1]
        return Occlusion(classifier).attribute(x, sliding_window_shapes=(channels, window, window),
                                               strides=(channels, stride, stride), baselines=baseline, target=y,
                                               perturbations_per_eval=64)

    return attribute


def random_map(classifier, x, y):
    """The random floor: uniform noise, one map per image, from torch's (seeded) generator."""
    return torch.rand(x.shape[0], 1, *x.shape[-2:], device=x.device)


def edge(classifier, x, y):
    """The edge floor of Adebayo et al. 2018: the Sobel gradient magnitude of the grey image (scikit-image),
    which looks like a saliency map and knows nothing of the classifier."""
    from skimage.filters import sobel

    grey = x.detach().mean(1).cpu().numpy()
    edges = torch.stack([torch.from_numpy(sobel(image)) for image in grey]).float()  # one image at a time
    return edges[:, None].to(x.device)
