"""Attribution methods (Captum) and their floors, for the attribution family.

Each method is an explainer with fixed settings (`method.*` keys) and no weights: it never trains
(trains=False) and is scored on the task's classifier (tasks/attribution/protocol.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.params import param
from harness.registry import register_method

FITS = ("attribution",)


@dataclass
class NoParams:
    """Nothing to set: the method is fully determined by the classifier and the image."""


@dataclass
class IntegratedGradientsParams:
    steps: int = param(32, ge=1, le=4096)  # Riemann steps from the baseline to the image
    baseline: float = param(0.0, ge=0, le=1)  # the baseline image's constant value (0: black)


@dataclass
class SmoothGradParams:
    samples: int = param(16, ge=1, le=1024)  # noisy copies averaged per image
    # noise std in pixel units ([0, 1] images). Smilkov et al. suggest 10-20% of the input range; chosen on
    # shapes-attribution's val split (256 images, pointing game): 0.02 0.488, 0.05 0.590, 0.10 0.352, 0.15
    # 0.332 (fashion-mnist-attribution: 0.578, 0.492, 0.469, 0.438, all near its chance of 0.5)
    noise: float = param(0.05, ge=0, le=1)


@dataclass
class OcclusionParams:
    window: int = param(16, ge=1, le=4096)  # side of the square occluded at a time, in pixels
    stride: int = param(8, ge=1, le=4096)
    baseline: float = param(0.5, ge=0, le=1)  # the occluder's grey level


def _explainer(name: str):
    """The builder of `baselines._captum.<name>`: the attribution function itself for a method without
    settings, else a factory called with the method's settings by name."""

    def build(info, params):
        import dataclasses

        import baselines._captum as methods

        attribute = getattr(methods, name)
        settings = dataclasses.asdict(params)
        _check_window(settings, info.input_shape)
        return methods.CaptumExplainer(attribute(**settings) if settings else attribute)

    return build


def _check_window(settings: dict, input_shape: tuple[int, ...]) -> None:
    """An occluding window larger than the image: one line and exit 2, not Captum's assertion."""
    from harness.errors import UserError

    side = min(input_shape[-2:])
    if settings.get("window", 0) > side:
        raise UserError(f"method.window={settings['window']} is larger than the task's {input_shape[-2]}x"
                        f"{input_shape[-1]} images; use at most {side}")


def _method(name: str, version: str, description: str, params: type = NoParams,
            cite: tuple[str, ...] = ()) -> None:
    """An explainer; `cite` names its paper, and Captum is cited for every Captum-built one."""
    cite = (*cite, "kokhlikyan2020captum") if description.startswith("Captum") else cite
    register_method(name=name, version=version, fits=FITS, params=params, objective="none", trains=False,
                    description=description, cite=cite)(_explainer(name.replace("-", "_")))


_method("saliency", "1", "Captum Saliency: |gradient| of the target logit (Simonyan et al. 2014)",
        cite=("simonyan2014saliency",))
_method("input-x-gradient", "1", "Captum InputXGradient: input times gradient (Shrikumar et al. 2016)",
        cite=("shrikumar2016inputxgradient",))
_method("integrated-gradients", "1", "Captum IntegratedGradients from a black image, 32 steps (Sundararajan et al. "
        "2017)", IntegratedGradientsParams, cite=("sundararajan2017axiomatic",))
_method("smoothgrad", "2", "Captum NoiseTunnel over Saliency: 16 noisy copies, std 0.05 (Smilkov et al. 2017)",
        SmoothGradParams, cite=("smilkov2017smoothgrad",))
_method("gradcam", "1", "Captum LayerGradCam on the last conv layer, ReLU, bilinear upsampling (Selvaraju et al. "
        "2017)", cite=("selvaraju2017gradcam",))
_method("guided-backprop", "1", "Captum GuidedBackprop (Springenberg et al. 2015)", cite=("springenberg2015striving",))
_method("guided-gradcam", "1", "Captum GuidedGradCam: guided backprop times Grad-CAM (Selvaraju et al. 2017)",
        cite=("selvaraju2017gradcam", "springenberg2015striving"))
_method("occlusion", "1", "Captum Occlusion: 16x16 grey patches, stride 8 (Zeiler and Fergus 2014)", OcclusionParams,
        cite=("zeiler2014visualizing",))
# `random` names the SSL family's floor already
_method("random-map", "1", "floor: uniform noise, one map per image", cite=("paszke2019pytorch",))
_method("edge", "1", "floor: Sobel edge magnitude of the grey image, blind to the classifier (Adebayo et al. 2018)",
        cite=("adebayo2018sanity", "vanderwalt2014skimage"))  # scikit-image's Sobel filter
