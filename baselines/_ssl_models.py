"""Encoders and self-supervised objectives for the self-supervised family (interface: see
tasks/self_supervised/protocol.py). Imported lazily by the builders in baselines/ssl.py."""

from __future__ import annotations

import contextlib

import torch
import torch.nn.functional as F
from torch import nn


class ResNetEncoder(nn.Module):
    """transformers ResNetModel from a small basic-block config; images are resized to `input_size`
    first (the stem downsamples 4x). Features: the pooled last stage."""

    def __init__(self, channels: int, width: int, depths: list[int], input_size: int) -> None:
        super().__init__()
        from transformers import ResNetConfig, ResNetModel

        config = ResNetConfig(num_channels=channels, embedding_size=width, layer_type="basic",
                              hidden_sizes=[width * 2**i for i in range(len(depths))], depths=list(depths),
                              downsample_in_first_stage=False)
        self.net = ResNetModel(config)
        self.input_size = input_size
        self.dim = config.hidden_sizes[-1]

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        if pixels.shape[-1] != self.input_size:
            pixels = F.interpolate(pixels, size=self.input_size, mode="bilinear", align_corners=False)
        return self.net(pixel_values=pixels).pooler_output.flatten(1)


def augmenter(channels: int, size: int, min_scale: float, colour: bool = True, intensity: float = 0.0):
    """SimCLR's augmentations (torchvision.transforms.v2) for small images, drawn per image: random
    resized crop, flip, and for colour images colour jitter and random greyscale (no blur: at 32x32
    SimCLR's CIFAR recipe drops it too). `colour=False` keeps crop and flip only (MAE's recipe).
    `intensity` > 0 jitters a grey image's brightness and contrast by that much (p=0.8): SimCLR's
    colour jitter for one channel; without it the two views share their grey levels, a shortcut."""
    from torchvision.transforms import v2

    steps = [v2.RandomResizedCrop(size, scale=(min_scale, 1.0), antialias=True), v2.RandomHorizontalFlip()]
    if channels == 1 and intensity > 0:
        steps.append(v2.RandomApply([v2.ColorJitter(brightness=intensity, contrast=intensity)], p=0.8))
    if channels == 3 and colour:
        # no hue jitter: torchvision's per-image hue shift costs ~30 ms per 32x32 image on CPU, about
        # 30 times the rest of this pipeline (measured); brightness, contrast and saturation remain
        steps += [v2.RandomApply([v2.ColorJitter(0.4, 0.4, 0.4, 0.0)], p=0.8), v2.RandomGrayscale(p=0.2)]
    one = v2.Compose(steps)
    return lambda batch: torch.stack([one(x) for x in batch])  # v2 on a batch would share one draw


def nt_xent(z: torch.Tensor, temperature: float) -> torch.Tensor:
    """SimCLR's NT-Xent over 2n embeddings where i and i + n are two views of one image: softmax
    cross-entropy of each embedding's cosine similarities to the 2n - 1 others, the other view as
    the target. Equal to pytorch-metric-learning's NTXentLoss (tested), which computes it through
    generic pair mining and took 7.6 s per batch of 512 on one CPU thread against 7 ms here."""
    z = F.normalize(z, dim=1)
    sim = (z @ z.T / temperature).fill_diagonal_(float("-inf"))  # an embedding is not its own negative
    target = torch.arange(len(z), device=z.device).roll(len(z) // 2)
    return F.cross_entropy(sim, target)


class SimCLR(nn.Module):
    """Chen et al. 2020: two augmented views, a projection MLP, the NT-Xent loss."""

    def __init__(self, encoder: ResNetEncoder, channels: int, size: int, proj_dim: int, temperature: float,
                 min_scale: float, intensity: float = 0.0) -> None:
        super().__init__()
        self.encoder = encoder
        self.projector = nn.Sequential(nn.Linear(encoder.dim, encoder.dim), nn.ReLU(), nn.Linear(encoder.dim, proj_dim))
        self.temperature = temperature
        self.augment = augmenter(channels, size, min_scale, intensity=intensity)

    def encode(self, pixels: torch.Tensor) -> torch.Tensor:
        return self.encoder(pixels)

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        views = torch.cat([self.augment(pixels), self.augment(pixels)])
        return nt_xent(self.projector(self.encoder(views)), self.temperature)


class Supervised(nn.Module):
    """The ceiling: the same encoder trained with labels (cross-entropy through a linear head)."""

    def __init__(self, encoder: ResNetEncoder, num_classes: int, channels: int, size: int) -> None:
        super().__init__()
        self.encoder = encoder
        self.head = nn.Linear(encoder.dim, num_classes)
        self.augment = augmenter(channels, size, 0.6)

    def encode(self, pixels: torch.Tensor) -> torch.Tensor:
        return self.encoder(pixels)

    def forward(self, pixels: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        return F.cross_entropy(self.head(self.encoder(self.augment(pixels))), labels)


class MAE(nn.Module):
    """He et al. 2022 through transformers ViTMAEForPreTraining (random masking, pixel reconstruction).
    Features: the encoder run without masking, patch tokens mean-pooled."""

    def __init__(self, channels: int, size: int, patch: int, hidden: int, layers: int, heads: int,
                 decoder_hidden: int, decoder_layers: int, mask_ratio: float, norm_pix_loss: bool,
                 min_scale: float) -> None:
        super().__init__()
        from transformers import ViTMAEConfig, ViTMAEForPreTraining

        config = ViTMAEConfig(image_size=size, patch_size=patch, num_channels=channels, hidden_size=hidden,
                              num_hidden_layers=layers, num_attention_heads=heads, intermediate_size=2 * hidden,
                              decoder_hidden_size=decoder_hidden, decoder_num_hidden_layers=decoder_layers,
                              decoder_num_attention_heads=heads, decoder_intermediate_size=2 * decoder_hidden,
                              mask_ratio=mask_ratio, norm_pix_loss=norm_pix_loss)
        self.mae = ViTMAEForPreTraining(config)
        self._fill_position_tables()
        # He et al. pretrain on random resized crops (scale 0.2-1) and flips; 1.0 turns cropping off
        self.augment = augmenter(channels, size, min_scale, colour=False) if min_scale < 1.0 else None

    def _fill_position_tables(self) -> None:
        """Write ViTMAE's frozen sin-cos position tables. transformers 5.24 leaves both at zero when the
        model is built from a config: `_init_weights` skips the encoder's table once the patch
        projection is marked initialised, and zeroes the decoder's. With zero tables neither half knows
        where a patch is, and the model only learns each image's mean colour (shapes-ssl: loss 0.0285
        against 0.0293 for predicting the visible mean colour). The modules' own `initialize_weights`
        keeps transformers' table layout; it also redraws the patch projection (xavier) and the CLS and
        mask tokens (normal, 0.02), as He et al. initialise them."""
        embeddings = self.mae.vit.embeddings
        embeddings.patch_embeddings.projection._is_hf_initialized = False  # lift the early return
        embeddings.initialize_weights()
        self.mae.decoder.initialize_weights(embeddings.patch_embeddings.num_patches)

    @contextlib.contextmanager
    def _unmasked(self):
        # ViTMAE reads config.mask_ratio at every call; 0 keeps every patch (in a shuffled order, which
        # mean pooling ignores)
        config = self.mae.config
        ratio, config.mask_ratio = config.mask_ratio, 0.0
        try:
            yield
        finally:
            config.mask_ratio = ratio

    def encode(self, pixels: torch.Tensor) -> torch.Tensor:
        with self._unmasked():
            hidden = self.mae.vit(pixel_values=pixels).last_hidden_state
        return hidden[:, 1:].mean(1)  # patch tokens; index 0 is CLS

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        if self.augment is not None:
            pixels = self.augment(pixels)
        return self.mae(pixel_values=pixels).loss
