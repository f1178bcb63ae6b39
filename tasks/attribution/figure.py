"""The paper's method-by-image figure of an attribution task: each method's heatmap on the same test images.

Built when `bench paper` runs, from the task's default-profile data (its cached classifier; trained
first when the cache is empty) and each method at its default settings: heatmaps are pictures, not
numbers, so they are drawn from the code rather than stored with the records. Seeded (torch seed 0),
so the random floor and SmoothGrad draw the same noise every time.
"""

from __future__ import annotations

from pathlib import Path

IMAGES = 4


def _heatmaps(task: str, methods: list[str]):
    import torch

    from harness import registry
    from harness.config import compose

    cfg = compose([f"task={task}", f"method={methods[0]}", "profile=default"])
    data = registry.get_task(task).build_data(cfg.data, "default")
    batch = data.test.__getitems__(list(range(min(IMAGES, len(data.test)))))
    protocol, out = data.protocol, {}
    for name in methods:
        torch.manual_seed(0)
        explainer = registry.get_method(name).build(data.info, compose([f"task={task}", f"method={name}"]).method)
        out[name] = protocol.heatmaps(explainer, protocol.classifier, batch["pixel_values"], batch["labels"])
    return batch, out


def method_grid(task: str, methods: list[str], path: Path) -> str:
    """Rows: test images; columns: the image, its mask, then each method's heatmap (scaled to its own maximum)."""
    from harness.io import atomic_write
    from tasks.attribution.pictures import attribution_grid

    batch, heat = _heatmaps(task, methods)
    fig = attribution_grid(batch["pixel_values"], batch["masks"], heat)
    atomic_write(path, lambda tmp: fig.savefig(tmp, format="pdf", metadata={"CreationDate": None}))
    return (f"{task}: each method's heatmap (|attribution| summed over channels, scaled to its own maximum) on "
            f"the first {len(batch['labels'])} test images beside their ground-truth mask; the task's classifier, "
            "default settings.")
