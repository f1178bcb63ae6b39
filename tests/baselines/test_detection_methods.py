"""Detection and segmentation methods beyond the registry-wide smoke runs: weights from
save_pretrained folders, run pictures, and the CenterNet target/decode round trip."""

from __future__ import annotations

import pytest

from harness import registry
from harness.config import compose
from harness.runner import run


@pytest.mark.parametrize(("task", "method"), [("shapes-det", "yolos"), ("shapes-seg", "segformer")])
def test_pretrained_loads_from_a_local_save_pretrained_folder(task, method, tmp_path, smoke_args):
    from harness.contracts import TaskInfo

    spec = registry.get_method(method)
    small = compose(smoke_args(task, method)).method
    source = spec.build(TaskInfo("x", registry.get_task(task).family, (3, 64, 64), 3), small).model
    source.save_pretrained(tmp_path / "weights")
    result = run(compose(smoke_args(task, method, f"method.pretrained={tmp_path / 'weights'}")))
    assert result.record.status == "completed"
    assert result.record.config["method"]["pretrained"] == str(tmp_path / "weights")
    assert (result.run_dir / "predictions.png").is_file()


def test_centernet_decodes_its_own_targets_back_to_the_boxes():
    import torch

    from baselines._centernet import CenterNet

    model = CenterNet(num_classes=3, width=4)
    boxes = torch.tensor([[8.0, 12.0, 30.0, 28.0], [40.0, 36.0, 60.0, 62.0]])
    heat = torch.zeros(1, 3, 16, 16)
    gt_heat, gt_box, _ = model._targets(heat, [{"boxes": boxes, "labels": torch.tensor([2, 0])}])
    logits = torch.logit(gt_heat.clamp(1e-6, 1 - 1e-6))
    out = model.decode(logits, gt_box)[0]
    top = out["scores"] > 0.99
    got = sorted(zip(out["labels"][top].tolist(), out["boxes"][top].tolist(), strict=False))
    assert [g[0] for g in got] == [0, 2]
    assert got[0][1] == pytest.approx(boxes[1].tolist(), abs=1e-4)
    assert got[1][1] == pytest.approx(boxes[0].tolist(), abs=1e-4)


@pytest.mark.parametrize(("task", "method", "override", "message"), [
    ("shapes-det", "fcos", "method.fpn_channels=48", "method.fpn_channels=48 is not a multiple of 32"),
    ("shapes-det", "rt-detr", "method.d_model=30", "method.d_model=30 is not a multiple of 4 x method.heads"),
    ("shapes-seg", "segformer", "method.strides=[2,2]", "method.strides has 2 entries and method.hidden_sizes 4"),
    ("shapes-inst", "mask2former", "method.hidden=48", "method.hidden=48 is not a multiple of 32"),
])
def test_widths_a_model_cannot_take_are_one_line_and_exit_2(task, method, override, message, smoke_args, capsys,
                                                            tmp_path):
    from cli.main import main

    assert main(["run", *smoke_args(task, method, override)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"bench: error: {message}"), err
    assert not list((tmp_path / "runs").rglob("record.json"))
