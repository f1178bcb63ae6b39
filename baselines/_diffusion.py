"""A class-conditional DDPM on diffusers' UNet2DModel, sampled with DDPM or DDIM schedulers."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class ConditionalDDPM(nn.Module):
    def __init__(self, info, params) -> None:
        from diffusers import DDPMScheduler, UNet2DModel

        super().__init__()
        self.params = params
        self.shape = tuple(info.input_shape)
        levels = len(params.channels)
        self.unet = UNet2DModel(
            sample_size=self.shape[1], in_channels=self.shape[0], out_channels=self.shape[0],
            block_out_channels=tuple(params.channels), layers_per_block=params.layers_per_block,
            # attention only at the coarsest level: where it is cheap and sees the whole image
            down_block_types=("DownBlock2D",) * (levels - 1) + ("AttnDownBlock2D",),
            up_block_types=("AttnUpBlock2D",) + ("UpBlock2D",) * (levels - 1),
            num_class_embeds=info.num_classes, norm_num_groups=min(8, params.channels[0]),
        )
        self.noise_schedule = DDPMScheduler(num_train_timesteps=params.train_timesteps,
                                            beta_schedule=params.beta_schedule,
                                            prediction_type=params.prediction_type)
        self.ema = None
        if params.ema_decay:
            # torch's AveragedModel keeps the average as a submodule, so checkpoints (safetensors)
            # carry it and a reloaded model samples exactly as the trained one did
            from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

            self.ema = AveragedModel(self.unet, multi_avg_fn=get_ema_multi_avg_fn(params.ema_decay), use_buffers=True)
            self.ema.requires_grad_(False)

    def forward(self, pixel_values: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        if self.training and self.ema is not None:
            self.ema.update_parameters(self.unet)  # the weights after the previous optimiser step
        x0 = pixel_values * 2 - 1  # the schedulers work in [-1, 1]
        noise = torch.randn_like(x0)
        t = torch.randint(0, self.params.train_timesteps, (len(x0),), device=x0.device)
        noisy = self.noise_schedule.add_noise(x0, noise, t)
        pred = self.unet(noisy, t, class_labels=labels).sample
        target = noise if self.params.prediction_type == "epsilon" else self.noise_schedule.get_velocity(x0, noise, t)
        if not self.params.snr_gamma:
            return F.mse_loss(pred, target)
        # Min-SNR-gamma: each timestep's loss weighted by min(SNR, gamma) / SNR for a noise target and
        # min(SNR, gamma) / (SNR + 1) for a v target, so that the easy low-noise steps stop dominating
        from diffusers.training_utils import compute_snr

        snr = compute_snr(self.noise_schedule, t)
        weight = snr.clamp(max=self.params.snr_gamma) / (snr if self.params.prediction_type == "epsilon" else snr + 1)
        return (weight * F.mse_loss(pred, target, reduction="none").mean(dim=(1, 2, 3))).mean()

    def _sampler(self):
        from diffusers import DDIMScheduler, DDPMScheduler

        if self.params.sampler == "ddim":
            sampler = DDIMScheduler.from_config(self.noise_schedule.config)
            sampler.set_timesteps(self.params.steps)
        else:
            sampler = DDPMScheduler.from_config(self.noise_schedule.config)
            sampler.set_timesteps(self.params.train_timesteps)
        return sampler

    @torch.no_grad()
    def _sample(self, labels: torch.Tensor, keep: int = 0) -> tuple[torch.Tensor, list[torch.Tensor]]:
        sampler = self._sampler()
        unet = self.unet if self.ema is None else self.ema.module
        x = torch.randn(len(labels), *self.shape, device=labels.device)
        every = max(1, len(sampler.timesteps) // keep) if keep else 0
        kept = [x.clone()] if keep else []
        for i, t in enumerate(sampler.timesteps):
            x = sampler.step(unet(x, t, class_labels=labels).sample, t, x).prev_sample
            if keep and (i + 1) % every == 0:
                kept.append(x.clone())
        return (x + 1) / 2, [(k + 1) / 2 for k in kept]

    def generate(self, labels: torch.Tensor) -> torch.Tensor:
        return self._sample(labels)[0]

    def trajectory(self, labels: torch.Tensor, frames: int = 10) -> torch.Tensor:
        """One sample from pure noise to the image, `frames` + 1 snapshots."""
        return torch.cat(self._sample(labels[:1], keep=frames)[1])
