"""An open_clip model behind the multimodal interface (see tasks/multimodal/protocol.py).

The small architecture is an open_clip model config (open_clip_configs/dlbench-clip-tiny.json)
registered with open_clip's own config registry; width and depth overrides replace its tower
configs through `create_model(**model_kwargs)`. Released weights load through open_clip's
`pretrained` argument: a tag ('openai', downloaded by open_clip), a local checkpoint file
(safetensors, or a torch file read with weights_only=True), or an 'hf-hub:' / 'local-dir:' name.
"""

from __future__ import annotations

from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from harness.errors import UserError

CONFIGS = Path(__file__).with_name("open_clip_configs")
TINY = "dlbench-clip-tiny"


def _register_configs() -> None:
    import open_clip

    if TINY not in open_clip.list_models():
        open_clip.add_model_config(CONFIGS)


class OpenCLIP(nn.Module):
    def __init__(self, model: nn.Module, tokenizer) -> None:
        super().__init__()
        from open_clip import get_model_preprocess_cfg

        self.model = model
        self._tokenizer = tokenizer
        pre = get_model_preprocess_cfg(model)
        size = pre.get("size", model.visual.image_size)
        self.image_size = tuple(size) if isinstance(size, (tuple, list)) else (size, size)
        self.register_buffer("mean", torch.tensor(pre["mean"]).view(1, 3, 1, 1), persistent=False)
        self.register_buffer("std", torch.tensor(pre["std"]).view(1, 3, 1, 1), persistent=False)

    def tokenize(self, texts: list[str]) -> torch.Tensor:
        return self._tokenizer(list(texts))

    def _prepare(self, pixels: torch.Tensor) -> torch.Tensor:
        if tuple(pixels.shape[-2:]) != self.image_size:  # e.g. 32x32 CIFAR into a 224x224 ViT-B/32
            pixels = F.interpolate(pixels, size=self.image_size, mode="bicubic", align_corners=False, antialias=True)
        return (pixels - self.mean) / self.std

    def encode_image(self, pixels: torch.Tensor, normalize: bool = True) -> torch.Tensor:
        return self.model.encode_image(self._prepare(pixels), normalize=normalize)

    def encode_text(self, ids: torch.Tensor, normalize: bool = True) -> torch.Tensor:
        return self.model.encode_text(ids, normalize=normalize)

    def forward(self, pixel_values: torch.Tensor, input_ids: torch.Tensor):
        return self.encode_image(pixel_values), self.encode_text(input_ids), self.model.logit_scale.exp()


def build(model_name: str, pretrained: str | None, overrides: dict) -> OpenCLIP:
    """An open_clip model: the named config (tiny by default, with `overrides` of its towers), or a
    released architecture with its weights."""
    import open_clip

    _register_configs()
    kwargs = overrides if model_name == TINY and not pretrained else {}
    try:
        model = open_clip.create_model(model_name, pretrained=pretrained, **kwargs)
        tokenizer = open_clip.get_tokenizer(model_name, context_length=model.context_length)
    except (RuntimeError, FileNotFoundError, ValueError, OSError) as err:
        what = f"method.model='{model_name}'" + (f" method.pretrained='{pretrained}'" if pretrained else "")
        raise UserError(f"{what}: open_clip cannot build it ({str(err).splitlines()[0][:200]}); offline, pass "
                        "method.pretrained=PATH to a local checkpoint file") from None
    return OpenCLIP(model, tokenizer)
