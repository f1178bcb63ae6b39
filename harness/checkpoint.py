"""The last checkpoint of a run: model weights in safetensors, optimizer and schedule state loaded
with `torch.load(weights_only=True)`, progress in JSON. Written to a sibling folder and swapped in
with renames, so a kill at any moment leaves the previous checkpoint intact.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_model, save_model

from harness.io import atomic_write_json


def save(path: Path, model: torch.nn.Module, optimizer: Any, scheduler: Any, state: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    save_model(model, str(tmp / "model.safetensors"))
    torch.save({"optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict()}, tmp / "optim.pt")
    atomic_write_json(tmp / "state.json", state)
    old = path.with_name(path.name + ".old")
    if path.exists():  # then any .old is stale: an earlier save was killed before its clean-up
        shutil.rmtree(old, ignore_errors=True)
        path.rename(old)
    # else .old may be the only checkpoint (killed between the renames): it goes only after the swap
    tmp.rename(path)
    shutil.rmtree(old, ignore_errors=True)


def load(path: Path, model: torch.nn.Module, optimizer: Any, scheduler: Any) -> dict:
    if not (path / "state.json").is_file():  # killed between the two renames above
        path = path.with_name(path.name + ".old")
    load_model(model, str(path / "model.safetensors"))
    optim = torch.load(path / "optim.pt", weights_only=True, map_location="cpu")
    optimizer.load_state_dict(optim["optimizer"])
    scheduler.load_state_dict(optim["scheduler"])
    return json.loads((path / "state.json").read_text())
