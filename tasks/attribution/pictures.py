"""Pictures of attributions: images in rows; the image, its ground-truth mask, then each heatmap over the image."""

from __future__ import annotations

import numpy as np
import torch
from PIL import Image

SCALE = 3  # pixels per image pixel in the saved grid
PAD = 2
TITLE = 16  # pixels of the band that names the columns


def _overlay(image: np.ndarray, heat: np.ndarray) -> np.ndarray:
    """A heatmap (H, W), scaled to its own maximum, in matplotlib's 'inferno' over the image darkened to half."""
    from matplotlib import colormaps

    peak = heat.max()
    colour = colormaps["inferno"](heat / peak if peak > 0 else heat)[..., :3]
    return 0.5 * image + 0.5 * colour


def attribution_grid(images: torch.Tensor, masks: torch.Tensor, heatmaps: dict[str, torch.Tensor]) -> Image.Image:
    """images (B, C, H, W) in [0, 1], masks (B, H, W) bool, heatmaps name -> (B, 1, H, W): one row per image."""
    rows = []
    for b in range(len(images)):
        img = images[b].permute(1, 2, 0).numpy()
        img = np.repeat(img, 3, axis=2) if img.shape[2] == 1 else img
        cells = [img, np.repeat(masks[b].numpy()[..., None].astype(np.float64), 3, axis=2)]
        cells += [_overlay(img, h[b, 0].numpy()) for h in heatmaps.values()]
        pad = np.ones((img.shape[0], PAD, 3))
        rows.append(np.concatenate([c for cell in cells for c in (cell, pad)][:-1], axis=1))
    sheet = np.concatenate([c for r in rows for c in (r, np.ones((PAD, r.shape[1], 3)))][:-1], axis=0)
    picture = Image.fromarray((np.clip(sheet, 0, 1) * 255).astype(np.uint8))
    picture = picture.resize((picture.width * SCALE, picture.height * SCALE), Image.NEAREST)
    return _titled(picture, ["image", "mask", *heatmaps], (images.shape[-1] + PAD) * SCALE)


def _titled(picture: Image.Image, titles: list[str], step: int) -> Image.Image:
    """The grid under a white band naming its columns."""
    from PIL import ImageDraw

    out = Image.new("RGB", (picture.width, picture.height + TITLE), "white")
    out.paste(picture, (0, TITLE))
    draw = ImageDraw.Draw(out)
    for c, title in enumerate(titles):
        draw.text((c * step + 2, 3), title, fill="black")
    return out
