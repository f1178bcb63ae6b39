"""Real-data siblings on the same protocols: Flickr30k retrieval (Karpathy test split) and CIFAR-10
zero-shot. Both are evaluation-only: released CLIP weights are scored, nothing is trained.

Images are resized (shorter side, bicubic) and centre-cropped to `IMAGE_SIDE` once, here; the
model then resizes to its own input size. With no hub access, `data.path=DIR` reads a local copy
in the hub's format (its parquet files, or a save_to_disk folder).
"""

from __future__ import annotations

import torch

from harness.config import DataConfig
from harness.contracts import TaskData, TaskInfo
from harness.errors import UserError
from tasks.data.fingerprint import fingerprint
from tasks.data.hub import load_hub
from tasks.data.splits import apply_caps
from tasks.multimodal import CIFAR10_HUB as CIFAR10
from tasks.multimodal import FLICKR30K_HUB as FLICKR30K

IMAGE_SIDE = {"flickr30k-retrieval": 224, "cifar10-zeroshot": 32}
CAPTIONS_PER_IMAGE = 5  # the Karpathy split's five references per image
CIFAR10_CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
# the 18 CIFAR templates of the CLIP repository's prompt-engineering notebook
CIFAR10_TEMPLATES = tuple(
    f"a {q}photo of {a} {{}}." for a in ("a", "the")
    for q in ("", "blurry ", "black and white ", "low contrast ", "high contrast ", "bad ", "good ")
) + tuple(f"a photo of {a} {s} {{}}." for a in ("a", "the") for s in ("small", "big"))


def _pixels(images, side: int) -> torch.Tensor:
    """PIL images (any size, any mode) -> uint8 (N, 3, side, side): shorter side to `side`, centre crop."""
    from torchvision.transforms.v2 import functional as F

    out = []
    for img in images:
        t = F.pil_to_tensor(img.convert("RGB"))
        t = F.center_crop(F.resize(t, side, interpolation=F.InterpolationMode.BICUBIC, antialias=True), side)
        out.append(t)
    return torch.stack(out) if out else torch.empty(0, 3, side, side, dtype=torch.uint8)


def build_flickr30k(data_cfg: DataConfig) -> TaskData:
    from harness.tensordata import collate_batched
    from tasks.multimodal.data import CaptionedImages, caption_arrays
    from tasks.multimodal.protocol import RetrievalProtocol

    dd = load_hub(FLICKR30K, data_cfg.path, splits=("test",))
    rows = dd["test"]
    if "split" not in rows.column_names:
        raise UserError("flickr30k: the data has no 'split' column (the Karpathy split); expected the columns of "
                        f"{FLICKR30K.repo_id}")
    side = IMAGE_SIDE["flickr30k-retrieval"]
    karpathy = apply_caps({k: rows.filter(lambda s, k=k: s == k, input_columns="split") for k in ("val", "test")},
                          data_cfg)
    parts = {}
    for name, part in karpathy.items():
        captions = [tuple(c[:CAPTIONS_PER_IMAGE]) for c in part["caption"]]
        if any(len(c) < CAPTIONS_PER_IMAGE for c in captions):
            raise UserError(f"flickr30k: every image needs {CAPTIONS_PER_IMAGE} captions in 'caption'")
        parts[name] = CaptionedImages(_pixels(part["image"], side), captions, train=False)
    empty = CaptionedImages(_pixels([], side), [], train=True)
    info = TaskInfo("flickr30k-retrieval", "multimodal", (3, side, side), 0)
    return TaskData(info=info, train=empty, val=parts["val"], test=parts["test"],
                    fingerprint=fingerprint(*caption_arrays(*parts.values())),
                    protocol=RetrievalProtocol(), collate=collate_batched)


def build_cifar10_zeroshot(data_cfg: DataConfig) -> TaskData:
    from harness.tensordata import TensorDict, collate_batched
    from tasks.multimodal.protocol import ZeroShotProtocol

    dd = load_hub(CIFAR10, data_cfg.path)
    side = IMAGE_SIDE["cifar10-zeroshot"]
    # val: the first 500 of the hub's train split (nothing is trained), unless a cap says otherwise
    rows = apply_caps({"val": dd["train"], "test": dd["test"]}, data_cfg, uncapped={"val": 500})
    parts = {}
    for name, part in rows.items():
        parts[name] = TensorDict(pixel_values=_pixels(part[CIFAR10.image_column], side).float() / 255.0,
                                 label_class=torch.tensor(part[CIFAR10.label_column], dtype=torch.long))
    empty = TensorDict(pixel_values=torch.empty(0, 3, side, side), label_class=torch.empty(0, dtype=torch.long))
    info = TaskInfo("cifar10-zeroshot", "multimodal", (3, side, side), len(CIFAR10_CLASSES))
    arrays = [t.numpy() for d in parts.values() for t in d.tensors.values()]
    return TaskData(info=info, train=empty, val=parts["val"], test=parts["test"], fingerprint=fingerprint(*arrays),
                    protocol=ZeroShotProtocol({"class": (CIFAR10_CLASSES, CIFAR10_TEMPLATES)}),
                    collate=collate_batched)
