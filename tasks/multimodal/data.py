"""Datasets of the multimodal family, served as Hugging Face `datasets` (cached on disk) and held in
memory as uint8 image tensors plus caption strings.

shapes-captions (one DatasetDict, cached once, shared by both embedded tasks):
  train / val / test    captioned scenes (one or two shapes, five captions each); every training
                        scene that shares a caption string with a val or test scene is dropped
  zs_val / zs_test      single-shape scenes with shape and colour labels (zero-shot classification)
"""

from __future__ import annotations

import numpy as np
import torch
from torch.utils.data import Dataset

from harness.config import DataConfig
from harness.contracts import TaskData, TaskInfo
from tasks.data.cache import cached_dataset_dict
from tasks.data.fingerprint import fingerprint
from tasks.data.splits import apply_caps
from tasks.multimodal import CAPTIONS_VERSION, COLOUR_NAMES
from tasks.multimodal.captions import PARTIAL_DROPS, partial, render_captioned
from tasks.shapes import CLASSES

IMAGE_SIZE = 32
# split -> (scenes drawn, seed, objects per scene: None = one or two)
SPLITS = {"train": (20000, 0, None), "val": (300, 1, None), "test": (500, 2, None),
          "zs_val": (300, 3, 1), "zs_test": (500, 4, 1)}


class CaptionedImages(Dataset):
    """Images with their captions. Training batches carry one caption per image, drawn afresh each
    time (torch's RNG, which the runner reseeds every epoch), and with probability `partial`
    stripped of its sizes, colours or both (`captions.partial`); evaluation batches carry all of
    an image's captions as they are."""

    def __init__(self, images: torch.Tensor, captions: list[tuple[str, ...]], train: bool,
                 partial: float = 0.0) -> None:
        self.images, self.captions, self.train, self.partial = images, captions, train, partial

    def __len__(self) -> int:
        return len(self.captions)

    def __getitem__(self, index: int) -> dict:
        return self.__getitems__([index])

    def __getitems__(self, indices: list[int]) -> dict:
        pixels = self.images[torch.as_tensor(indices)].float() / 255.0
        if self.train:
            picks = torch.randint(0, len(self.captions[0]), (len(indices),)).tolist()
            chosen = [self.captions[i][k] for i, k in zip(indices, picks, strict=True)]
            if self.partial:
                cut = (torch.rand(len(indices)) < self.partial).tolist()
                drops = torch.randint(0, len(PARTIAL_DROPS), (len(indices),)).tolist()
                chosen = [partial(c, PARTIAL_DROPS[d]) if x else c for c, x, d in zip(chosen, cut, drops, strict=True)]
            return {"pixel_values": pixels, "caption": chosen}
        return {"pixel_values": pixels, "captions": [self.captions[i] for i in indices]}


def _scenes_dataset_dict():
    from datasets import Array3D, ClassLabel, Dataset, DatasetDict, Features, Sequence, Value

    scenes = {split: [render_captioned(seed, i, IMAGE_SIZE, objects) for i in range(n)]
              for split, (n, seed, objects) in SPLITS.items()}
    held_out = {c for split in ("val", "test") for s in scenes[split] for c in s.captions}
    scenes["train"] = [s for s in scenes["train"] if held_out.isdisjoint(s.captions)]
    image = Array3D((IMAGE_SIZE, IMAGE_SIZE, 3), "uint8")
    captioned = Features({"image": image, "captions": Sequence(Value("string"))})
    labelled = Features({"image": image, "shape": ClassLabel(names=list(CLASSES)),
                         "colour": ClassLabel(names=list(COLOUR_NAMES))})
    out = {}
    for split, items in scenes.items():
        images = np.stack([s.image for s in items])
        if split.startswith("zs_"):
            out[split] = Dataset.from_dict({"image": images, "shape": [s.objects[0].shape for s in items],
                                            "colour": [COLOUR_NAMES.index(s.objects[0].colour) for s in items]},
                                           features=labelled)
        else:
            out[split] = Dataset.from_dict({"image": images, "captions": [list(s.captions) for s in items]},
                                           features=captioned)
    return DatasetDict(out)


def load_scenes(data_cfg: DataConfig):
    return cached_dataset_dict(data_cfg, ("shapes-captions", CAPTIONS_VERSION), _scenes_dataset_dict)


def _images(part) -> torch.Tensor:
    # one batch read of the column: indexing it directly walks it row by row (100x slower)
    images = part.with_format("numpy", columns=["image"])[:]["image"]
    return torch.from_numpy(np.asarray(images)).permute(0, 3, 1, 2).contiguous()


def captioned(part, train: bool, partial: float = 0.0) -> CaptionedImages:
    return CaptionedImages(_images(part), [tuple(c) for c in part["captions"]], train, partial)


def caption_arrays(*datasets: CaptionedImages) -> list[np.ndarray]:
    """Images and captions of captioned splits as arrays, for the dataset fingerprint."""
    return [a for d in datasets for a in (d.images.numpy(), np.frombuffer("\n".join(
        "\t".join(c) for c in d.captions).encode(), np.uint8))]


def build_shapes_retrieval(data_cfg: DataConfig) -> TaskData:
    from harness.tensordata import collate_batched
    from tasks.multimodal.protocol import RetrievalProtocol

    dd = load_scenes(data_cfg)
    rows = apply_caps({s: dd[s] for s in ("train", "val", "test")}, data_cfg)
    train = captioned(rows["train"], train=True)
    val, test = (captioned(rows[s], train=False) for s in ("val", "test"))
    info = TaskInfo("shapes-retrieval", "multimodal", (3, IMAGE_SIZE, IMAGE_SIZE), 0)
    return TaskData(info=info, train=train, val=val, test=test,
                    fingerprint=fingerprint(*caption_arrays(train, val, test)), protocol=RetrievalProtocol(),
                    collate=collate_batched)


# share of training captions that shapes-zeroshot strips of sizes and/or colours: every stored
# caption is a full description, so without partial ones the text tower never meets a shape word
# on its own, which a prompt like "a photo of a star." asks for (shape top-1 0.695 on 3 seeds)
ZEROSHOT_PARTIAL = 0.5

SHAPES_ZEROSHOT_TEMPLATES = {
    "shape": ("a photo of a {}.", "a {}.", "a picture of a {}.", "a drawing of a {}.", "an image of a {}."),
    "colour": ("a photo of a {} shape.", "a {} shape.", "a picture of something {}.", "a {} object.",
               "an image of a {} thing."),
}


def _labelled(part):
    from harness.tensordata import TensorDict

    return TensorDict(pixel_values=_images(part).float() / 255.0, label_shape=torch.tensor(part["shape"]),
                      label_colour=torch.tensor(part["colour"]))


def build_shapes_zeroshot(data_cfg: DataConfig) -> TaskData:
    from harness.tensordata import collate_batched
    from tasks.multimodal.protocol import ZeroShotProtocol

    dd = load_scenes(data_cfg)
    rows = apply_caps({"train": dd["train"], "val": dd["zs_val"], "test": dd["zs_test"]}, data_cfg)
    train = captioned(rows["train"], train=True, partial=ZEROSHOT_PARTIAL)
    val, test = _labelled(rows["val"]), _labelled(rows["test"])
    label_sets = {"shape": (CLASSES, SHAPES_ZEROSHOT_TEMPLATES["shape"]),
                  "colour": (COLOUR_NAMES, SHAPES_ZEROSHOT_TEMPLATES["colour"])}
    parts = caption_arrays(train) + [t.numpy() for d in (val, test) for t in d.tensors.values()]
    info = TaskInfo("shapes-zeroshot", "multimodal", (3, IMAGE_SIZE, IMAGE_SIZE), len(CLASSES))
    return TaskData(info=info, train=train, val=val, test=test, fingerprint=fingerprint(*parts),
                    protocol=ZeroShotProtocol(label_sets), collate=collate_batched)
