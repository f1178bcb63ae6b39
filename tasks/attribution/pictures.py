"""The one drawing of attributions: test images in rows; the image, its ground-truth mask, then each
heatmap (scaled to its own maximum). Runs save it as attributions.png, `bench paper` as a PDF with
every method's column (tasks/attribution/figure.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch
    from matplotlib.figure import Figure

WIDTH = 6.5  # inches: the paper's text width


def attribution_grid(images: torch.Tensor, masks: torch.Tensor, heatmaps: dict[str, torch.Tensor]) -> Figure:
    """images (B, C, H, W) in [0, 1], masks (B, H, W) bool, heatmaps name -> (B, 1, H, W): one row per image."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    columns = ["image", "mask", *heatmaps]
    rows = len(images)
    cell = WIDTH / max(len(columns), 6)  # a run's three columns stay as large as six of the paper's
    fig = Figure(figsize=(cell * len(columns), cell * rows + 0.45), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(rows, len(columns), squeeze=False)
    for r in range(rows):
        image = images[r].permute(1, 2, 0).squeeze(-1).numpy()
        cells = [image, masks[r].numpy(), *(h[r, 0].numpy() for h in heatmaps.values())]
        for c, (ax, value) in enumerate(zip(axes[r], cells, strict=True)):
            colours = None if c == 0 and value.ndim == 3 else "gray" if c < 2 else "inferno"
            ax.imshow(value, cmap=colours, interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            if r == 0:
                ax.set_title(columns[c].replace("-", "-\n", 1), fontsize=6)
    return fig
