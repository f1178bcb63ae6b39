"""InceptionV3 features for FID, from weights the user already has (`metrics.inception_weights=PATH`).

torchmetrics' FrechetInceptionDistance runs torch-fidelity's port of the TensorFlow InceptionV3
graph (2015-12-05) that published FIDs use; its pool3 features (2048) feed FD and precision/recall.
torch-fidelity reads a weights file with a full unpickler, which would execute whatever a crafted
file holds, so the user's file never reaches it: the harness reads plain tensors itself
(safetensors, or `torch.load(weights_only=True)`) and hands torch-fidelity a private copy it
wrote from them. The network checks the tensors' names and shapes when it loads them.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import torch
from torch import nn

from harness.errors import UserError

KEY = "metrics.inception_weights"
CHUNK = 50  # images per forward pass: every image is resized to 299x299 inside the network


def _read_tensors(path: Path) -> dict[str, torch.Tensor]:
    try:
        if path.suffix == ".safetensors":
            from safetensors.torch import load_file

            state = load_file(str(path))
        else:
            state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # a wrong or unsafe file: one line, never a traceback
        reason = str(err).strip().splitlines()[0][:160] if str(err).strip() else type(err).__name__
        raise UserError(f"{KEY}: cannot read {path} as plain tensors ({reason}); "
                        "give the InceptionV3 weights as .safetensors or a tensors-only .pth") from None
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise UserError(f"{KEY}: {path} is not a state dict (a mapping of names to tensors)")
    return state


class InceptionFeatures(nn.Module):
    """Pool3 features (2048) of images in [0, 1] with 1 or 3 channels, as torchmetrics' FID sees them."""

    num_features = 2048

    def __init__(self, network: nn.Module) -> None:
        super().__init__()
        self.network = network

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        # FID's convention: 8-bit RGB; grey images are repeated over the three channels
        pixels = (images.clamp(0, 1) * 255).round().to(torch.uint8)
        if pixels.shape[1] == 1:
            pixels = pixels.expand(-1, 3, -1, -1)
        return torch.cat([self.network(part) for part in pixels.split(CHUNK)]).float()


def load_inception(path_str: str) -> tuple[InceptionFeatures, str]:
    """The InceptionV3 feature network from a local weights file, and the file's hash."""
    from torchmetrics.image.fid import NoTrainInceptionV3

    path = Path(path_str).expanduser()
    if not path.is_file():
        raise UserError(f"{KEY}: no file at {path}; give the path of local InceptionV3 weights "
                        "(torch-fidelity's pt_inception-2015-12-05 file), or leave it unset for the reference CNN")
    state = _read_tensors(path)
    with tempfile.TemporaryDirectory(prefix="dlbench-inception-") as tmp:
        copy = Path(tmp) / "weights.pth"
        torch.save(state, copy)  # tensors only: what torch-fidelity unpickles is what we wrote
        try:
            network = NoTrainInceptionV3(name="inception-v3-compat", features_list=["2048"],
                                         feature_extractor_weights_path=str(copy))
        except RuntimeError as err:  # load_state_dict: missing, unexpected or mis-shaped tensors
            first = str(err).strip().splitlines()
            raise UserError(f"{KEY}: {path} does not hold InceptionV3 weights "
                            f"({(first[1] if len(first) > 1 else first[0]).strip()[:160]})") from None
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return InceptionFeatures(network).eval().requires_grad_(False), digest
