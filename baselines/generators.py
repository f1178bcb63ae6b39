"""Generative models: DDPM/DDIM with diffusers, a conditional VAE and a conditional DCGAN in torch.

All three are class-conditional and follow the generative interface in
`tasks/generative/protocol.py`: `model(pixel_values, labels)` returns the training loss and
`model.generate(labels)` returns images in [0, 1]. `method.sampler=ddim method.steps=50` picks the
diffusion sampler (DDPM's 1,000 ancestral steps, or DDIM's deterministic skip).
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.params import param
from harness.registry import register_method

FITS = ("generative",)
SAMPLERS = ("ddpm", "ddim")
BETA_SCHEDULES = ("linear", "squaredcos_cap_v2")  # DDPM's (Ho et al.) and the cosine one (Nichol & Dhariwal)
PREDICTIONS = ("epsilon", "v_prediction")  # what the UNet regresses: the noise, or v (Salimans & Ho 2022)


@dataclass
class DDPMParams:
    channels: list[int] = param([32, 64, 64], ge=1, le=4096)  # per UNet level; attention at the last
    layers_per_block: int = param(1, ge=1, le=16)
    train_timesteps: int = param(1000, ge=1, le=100_000)
    sampler: str = "ddim"  # "ddpm" (ancestral, every step) or "ddim" (deterministic, `steps` steps)
    steps: int = param(50, ge=1, le=100_000)  # sampling steps for ddim; ddpm always takes train_timesteps
    ema_decay: float = param(0.0, ge=0, lt=1)  # > 0: sample from an exponential moving average of the weights (0 = off)
    # cosine betas and a v target: on shapes-gen, seed 0, 38 epochs, test FD 141 with DDPM's linear betas
    # and noise target, 101 with cosine betas, 94 with cosine betas and v (precision 0.06 -> 0.44)
    beta_schedule: str = "squaredcos_cap_v2"
    prediction_type: str = "v_prediction"
    # > 0: Min-SNR-gamma loss weights (Hang et al. 2023; 5 in the paper); 0 = plain MSE
    snr_gamma: float = param(0.0, ge=0)

    def __post_init__(self) -> None:
        from harness.errors import check_choice, check_rule

        check_choice("method.sampler", self.sampler, SAMPLERS)
        check_choice("method.beta_schedule", self.beta_schedule, BETA_SCHEDULES)
        check_choice("method.prediction_type", self.prediction_type, PREDICTIONS)
        # the ranges are declared above (checked by build_config); this rule ties two fields together
        check_rule("method.steps", self.steps, 1 <= self.steps <= self.train_timesteps, f"in 1..{self.train_timesteps}")


@dataclass
class VAEParams:
    latent: int = param(16, ge=1, le=4096)
    width: int = param(32, ge=1, le=4096)


@dataclass
class DCGANParams:
    latent: int = param(64, ge=1, le=4096)
    width: int = param(64, ge=1, le=4096)


_GEN_SMOKE = {"trainer": {"epochs": 1, "batch_size": 16, "eval_batch_size": 32, "log_every": 100}}


@register_method(
    name="ddpm", version="3", fits=FITS, params=DDPMParams, objective="model_loss",
    cite=("ho2020ddpm", "nichol2021improved", "salimans2022progressive", "song2021ddim", "vonplaten2022diffusers"),
    description="diffusers UNet2DModel + DDPMScheduler (cosine betas, v-prediction MSE), class embeddings; "
    "DDPM or DDIM sampling",
    profiles={"smoke": {**_GEN_SMOKE, "method": {"channels": [8, 16], "train_timesteps": 50, "steps": 5}},
              # a third of the earlier UNet's cost per image ([32, 64, 64] took 0.77 s per batch of 64 on
              # 32x32 images), so that shapes-gen trains in under 5 minutes on 2 cores (44 epochs took 307 s)
              "default": {"trainer": {"epochs": 38, "batch_size": 32, "lr": 2e-3, "eval_batch_size": 400,
                                      "log_every": 1000}, "method": {"channels": [16, 32, 64]}},
              "full": {"trainer": {"epochs": 500, "batch_size": 128, "lr": 2e-4, "log_every": 1000},
                       "method": {"channels": [64, 128, 256], "layers_per_block": 2, "sampler": "ddpm"}}},
    # digits-gen's 16x16 images cost a quarter of shapes-gen's and its train split is a third as large:
    # 100 epochs fit the same 5 minutes (284 s; linear betas, noise target: FD 5.1 at 38 epochs, 0.73 at 100)
    # fashion-mnist-gen: an epoch of its 1,000 28x28 images takes 10.5-11.7 s on 2 cores; 26 epochs
    # trained in 299-305 s over 3 seeds, so 24 keep every seed inside the 5-minute bar
    task_profiles={"digits-gen": {"default": {"trainer": {"epochs": 100}}},
                   "fashion-mnist-gen": {"default": {"trainer": {"epochs": 24}}}},
)
def build_ddpm(info, params: DDPMParams):
    from baselines._diffusion import ConditionalDDPM

    return ConditionalDDPM(info, params)


@register_method(
    name="vae", version="1", fits=FITS, params=VAEParams, objective="model_loss",
    cite=("kingma2014vae", "sohn2015cvae", "paszke2019pytorch"),
    description="conditional convolutional VAE (Kingma & Welling 2014; labels into encoder and decoder) in torch",
    profiles={"smoke": {**_GEN_SMOKE, "method": {"width": 8, "latent": 4}},
              "default": {"trainer": {"epochs": 80, "batch_size": 64, "lr": 2e-3, "eval_batch_size": 400,
                                      "log_every": 1000}},
              "full": {"trainer": {"epochs": 300, "batch_size": 128, "log_every": 1000},
                       "method": {"width": 64, "latent": 32}}},
)
def build_vae(info, params: VAEParams):
    from baselines._vae_gan import ConditionalVAE

    return ConditionalVAE(info, params.latent, params.width)


@register_method(
    name="dcgan", version="1", fits=FITS, params=DCGANParams, objective="model_loss",
    cite=("radford2016dcgan", "miyato2018projection", "paszke2019pytorch"),
    description="conditional DCGAN (Radford et al. 2016; projection discriminator) in torch",
    profiles={"smoke": {**_GEN_SMOKE, "method": {"width": 8, "latent": 8}},
              "default": {"trainer": {"epochs": 80, "batch_size": 64, "lr": 2e-4, "optimizer": "adam",
                                      "scheduler": "constant", "eval_batch_size": 400, "log_every": 1000}},
              "full": {"trainer": {"epochs": 300, "batch_size": 128, "lr": 2e-4, "optimizer": "adam",
                                   "scheduler": "constant", "log_every": 1000}, "method": {"width": 128}}},
)
def build_dcgan(info, params: DCGANParams):
    from baselines._vae_gan import ConditionalDCGAN

    return ConditionalDCGAN(info, params.latent, params.width)
