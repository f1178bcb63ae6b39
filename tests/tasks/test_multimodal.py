"""The multimodal family: captioned scenes, split hygiene, Recall@K, zero-shot scoring, weights loading."""

from __future__ import annotations

import os

import pytest
import torch

from harness import registry
from harness.config import compose
from harness.contracts import TaskInfo
from harness.runner import run
from tasks.multimodal import COLOUR_NAMES
from tasks.multimodal.captions import SIZES, render_captioned
from tasks.shapes import CLASSES


def test_scenes_are_deterministic_and_every_caption_names_every_attribute():
    a, b = render_captioned(7, 3), render_captioned(7, 3)
    assert (a.image == b.image).all() and a.captions == b.captions
    for i in range(40):
        scene = render_captioned(5, i)
        assert len(set(scene.captions)) == 5
        for caption in scene.captions:
            for obj in scene.objects:
                assert f"{obj.size} {obj.colour} {CLASSES[obj.shape]}" in caption
                assert obj.colour in COLOUR_NAMES and obj.size in SIZES


def test_no_training_caption_appears_in_val_or_test():
    from harness.config import DataConfig
    from tasks.multimodal.data import load_scenes

    dd = load_scenes(DataConfig())
    train = {c for caps in dd["train"]["captions"] for c in caps}
    held = {c for split in ("val", "test") for caps in dd[split]["captions"] for c in caps}
    assert train and held and train.isdisjoint(held)
    assert len(dd["train"]) == registry.get_task("shapes-retrieval").splits["train"]


def test_partial_training_captions_drop_attributes_and_never_equal_a_stored_caption():
    from harness.config import DataConfig
    from tasks.multimodal.captions import partial
    from tasks.multimodal.data import build_shapes_zeroshot, load_scenes

    assert partial("a small red star to the left of a large blue square", "colour") == \
        "a small star to the left of a large square"
    assert partial("there is a large white circle in the center", "size and colour") == \
        "there is a circle in the center"
    dd = load_scenes(DataConfig())
    stored = {c for split in ("train", "val", "test") for caps in dd[split]["captions"] for c in caps}
    train = build_shapes_zeroshot(DataConfig(train_size=2000, eval_size=8)).train
    torch.manual_seed(0)
    drawn = [c for start in range(0, 2000, 500) for c in train.__getitems__(list(range(start, start + 500)))["caption"]]
    cut = [c for c in drawn if c not in stored]
    assert 0.4 < len(cut) / len(drawn) < 0.6  # about half are partial, and those are new strings
    assert all(not any(w in COLOUR_NAMES for w in c.split()) or not any(w in SIZES for w in c.split()) for c in cut)


def test_recall_at_k_counts_a_query_as_hit_when_any_positive_is_in_its_top_k():
    from tasks.multimodal.protocol import recall_at_k

    scores = torch.tensor([[0.9, 0.8, 0.1, 0.0],   # positives 2, 3: ranked 3rd and 4th
                           [0.1, 0.2, 0.9, 0.3]])  # positives 0, 1: ranked 4th and 3rd
    positives = torch.tensor([[False, False, True, True], [True, True, False, False]])
    assert recall_at_k(scores, positives, (1, 2, 3, 4)) == {1: 0.0, 2: 0.0, 3: 1.0, 4: 1.0}
    scores[0, 3] = 1.0  # query 0 now has a positive first
    assert recall_at_k(scores, positives, (1,)) == {1: 0.5}


class _Oracle(torch.nn.Module):
    """Encodes a shape image by its dominant named colour and a caption by the colour it names: a
    model that knows colours perfectly and nothing else."""

    def __init__(self) -> None:
        super().__init__()
        from tasks.multimodal import COLOURS

        self.palette = torch.tensor(list(COLOURS.values()), dtype=torch.float32) / 255.0
        self.dummy = torch.nn.Parameter(torch.zeros(1))

    def tokenize(self, texts):
        words = [t.replace(".", " ").replace(",", " ").split() for t in texts]
        return torch.tensor([[i for i, c in enumerate(COLOUR_NAMES) if c in w][:1] or [0] for w in words])

    def encode_image(self, pixels, normalize=True):
        flat = pixels.permute(0, 2, 3, 1).reshape(len(pixels), -1, 1, 3)
        votes = ((flat - self.palette).norm(dim=-1) < 0.15).sum(1).float()  # pixels near each colour
        return torch.nn.functional.one_hot(votes.argmax(1), len(COLOUR_NAMES)).float()

    def encode_text(self, ids, normalize=True):
        return torch.nn.functional.one_hot(ids[:, 0], len(COLOUR_NAMES)).float()


def test_zero_shot_protocol_scores_an_oracle_colour_model_perfectly_on_colour_only():
    from accelerate import Accelerator
    from torch.utils.data import DataLoader

    from harness.config import DataConfig
    from harness.tensordata import collate_batched
    from tasks.multimodal.data import build_shapes_zeroshot

    data = build_shapes_zeroshot(DataConfig(train_size=8, eval_size=60))
    loader = DataLoader(data.test, batch_size=16, collate_fn=collate_batched)
    result = data.protocol.evaluate(Accelerator(cpu=True), _Oracle(), loader, "test", per_example=True)
    metrics, rows = result.metrics, result.per_example
    assert metrics["colour_top1"] == 1.0 and metrics["colour_top1_per_template"] == 1.0
    assert metrics["shape_top1"] < 0.6  # shape prompts name no colour: the oracle cannot tell shapes
    assert list(rows["example_id"]) == list(range(60)) and rows["colour_correct_per_template"].all()
    assert rows["shape_correct"].mean() == metrics["shape_top1"]


def test_evaluation_only_pairs_fix_epochs_at_zero():
    from harness.errors import UserError

    assert compose(["task=shapes-retrieval", "method=clip-untrained"]).trainer.epochs == 0
    assert compose(["task=cifar10-zeroshot", "method=clip"]).trainer.epochs == 0
    with pytest.raises(UserError, match="evaluated without training"):
        compose(["task=flickr30k-retrieval", "method=clip", "trainer.epochs=2"])


def test_pretrained_checkpoint_file_loads_into_the_same_architecture(tmp_path, smoke_args):
    """method.pretrained=<safetensors file> goes through open_clip's loader and gives the saved weights."""
    import json

    from safetensors.torch import save_file

    from baselines.clip import _overrides, build_clip

    info = TaskInfo("x", "multimodal", (3, 32, 32), 4)
    params = compose(smoke_args("shapes-zeroshot", "clip")).method
    source = build_clip(info, params)
    (tmp_path / "open_clip_config.json").write_text(json.dumps({"model_cfg": _overrides(info, params)}))
    weights = {k: v.contiguous() for k, v in source.model.state_dict().items()}
    save_file(weights, tmp_path / "open_clip_model.safetensors")
    result = run(compose(smoke_args("shapes-zeroshot", "clip", f"method.model=local-dir:{tmp_path}",
                                    "trainer.epochs=0")))
    assert result.record.status == "completed" and result.record.history == []
    loaded = build_clip(info, type(params)(**{**vars(params), "model": f"local-dir:{tmp_path}"}))
    for (name, a), b in zip(source.model.state_dict().items(), loaded.model.state_dict().values(), strict=True):
        assert torch.equal(a, b), name


def test_unknown_pretrained_tag_offline_is_one_clear_line(smoke_args, capsys):
    from cli.main import main

    assert main(["run", *smoke_args("shapes-zeroshot", "clip", "method.model=ViT-B-32", "method.pretrained=nope",
                                    "trainer.epochs=0")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "method.pretrained='nope'" in err[0]


OPENAI = os.environ.get("DLBENCH_CLIP_VITB32")  # open_clip's ViT-B-32 'openai' checkpoint file
CIFAR10 = os.environ.get("DLBENCH_CIFAR10")  # a local copy of uoft-cs/cifar10


@pytest.mark.slow
@pytest.mark.skipif(not (OPENAI and CIFAR10), reason="set DLBENCH_CLIP_VITB32 and DLBENCH_CIFAR10 to local copies")
def test_openai_vit_b32_reproduces_the_clip_paper_on_cifar10(tmp_path):
    """The stored reference (CLIP paper, Table 11: 91.3%) checked whenever the weights are present."""
    reference = next(r for r in registry.get_task("cifar10-zeroshot").references if r.method == "clip")
    result = run(compose(["task=cifar10-zeroshot", "method=clip", "method.model=ViT-B-32",
                          f"method.pretrained={OPENAI}", f"data.path={CIFAR10}", f"output_dir={tmp_path}"]))
    assert abs(result.record.metrics["class_top1"] - reference.value) <= 0.015
