"""The 3D family: the primitives generator, rotations and augmentation, the networks' building blocks,
the ModelNet metrics, and ModelNet40 read from a tiny local copy."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from harness import registry
from harness.config import DataConfig
from harness.errors import UserError
from tasks.points3d import CLASSES
from tasks.points3d.generator import render_cloud


@pytest.mark.parametrize("rotation", ["up", "so3"])
def test_generator_is_deterministic_balanced_and_in_the_unit_ball(rotation):
    a, label = render_cloud(1, 9, 1024, rotation)
    assert np.array_equal(a, render_cloud(1, 9, 1024, rotation)[0]) and label == 9 % len(CLASSES)
    assert a.shape == (1024, 3) and a.dtype == np.float32
    assert np.linalg.norm(a, axis=1).max() <= 1.0 + 0.03 * 3**0.5  # the unit ball, plus the clipped jitter
    assert [render_cloud(1, i)[1] for i in range(8)] == list(range(8))


def test_up_rotations_keep_the_up_axis_and_so3_rotations_are_proper():
    from baselines._points3d_models import random_rotations

    torch.manual_seed(0)
    for mode in ("up", "so3", "none"):
        r = random_rotations(64, mode, up_axis=1)
        assert torch.allclose(r @ r.transpose(1, 2), torch.eye(3).expand(64, 3, 3), atol=1e-5)
        assert torch.allclose(torch.linalg.det(r), torch.ones(64), atol=1e-5)
    up = random_rotations(64, "up", up_axis=1)
    assert torch.allclose(up[:, 1], torch.tensor([0.0, 1.0, 0.0]).expand(64, 3))
    assert random_rotations(64, "so3", up_axis=1)[:, 1, 1].abs().min() < 0.9  # tilts the up axis


def test_augmentation_only_in_training_and_subsampling():
    from baselines._points3d_models import PointAugment, PointClassifier

    points = torch.rand(4, 100, 3)
    model = PointClassifier(torch.nn.Identity(), PointAugment("up", 1, enabled=True), num_points=10)
    assert torch.equal(model.eval()(points), points[:, :10])
    out = model.train()(points)
    assert out.shape == (4, 10, 3) and not torch.equal(out, points[:, :10])


def test_knn_voxels_and_edgeconv_shapes():
    from baselines._points3d_models import EdgeConv, knn, voxelize

    x = torch.randn(2, 50, 3)
    idx = knn(x, 4)
    assert idx.shape == (2, 50, 4) and torch.equal(idx[:, :, 0], torch.arange(50).expand(2, 50))  # itself first
    conv = EdgeConv(3, 8, 4).eval()
    assert conv(x).shape == (2, 50, 8)
    # the per-point factorisation equals the textbook per-edge form h([x_i, x_j - x_i])
    neighbours = x[torch.arange(2)[:, None, None], idx]
    centre = x[:, :, None].expand_as(neighbours)
    edges = conv.linear(torch.cat([centre, neighbours - centre], dim=-1))
    expected = conv.act(conv.bn(edges.reshape(-1, 8))).view(2, 50, 4, 8).amax(dim=2)
    assert torch.allclose(conv(x), expected, atol=1e-5)
    grid = voxelize(torch.tensor([[[-1.0, -1.0, -1.0], [0.99, 0.99, 0.99], [0.99, 0.99, 0.98]]]), 4)
    assert grid.shape == (1, 1, 4, 4, 4) and grid.sum() == 2 and grid[0, 0, 0, 0, 0] == 1


def test_modelnet_metrics_overall_and_mean_class_accuracy():
    from tasks.points3d.protocol import PointCloudProtocol

    class Fixed(torch.nn.Module):
        def forward(self, points):  # predicts class 0 for every cloud
            return torch.tensor([[1.0, 0.0]]).expand(len(points), 2)

    class Accelerator:
        is_main_process = True

        def gather_for_metrics(self, x):
            return x

    labels = torch.tensor([0, 0, 0, 1])  # 3 of class 0, 1 of class 1
    loader = [{"points": torch.zeros(4, 5, 3), "labels": labels}]
    m = PointCloudProtocol(2).evaluate(Accelerator(), Fixed(), loader, "test").metrics
    assert m == {"overall_accuracy": 0.75, "mean_class_accuracy": 0.5}


def test_modelnet40_reads_the_resampled_text_files(hub_fixtures):
    task = registry.get_task("modelnet40")
    data = task.build(DataConfig(path=str(hub_fixtures["modelnet40"])), "default")
    assert (len(data.train), len(data.val), len(data.test)) == (18, 2, 6)  # 20 train shapes, 10% held out
    assert data.info.num_classes == 40 and data.info.extra["rotation"] == "none"
    points = data.test.tensors["points"]
    assert points.shape == (6, 1024, 3)
    assert torch.allclose(points.norm(dim=2).amax(dim=1), torch.ones(6), atol=1e-5)  # scaled into the unit ball
    assert set(data.train.tensors["labels"].tolist()) == {0, 1, 2}  # night_stand_0001 is class 0


def test_modelnet40_bad_input_is_one_user_error(tmp_path, hub_fixtures):
    import shutil

    build = registry.get_task("modelnet40").build
    with pytest.raises(UserError, match="data.path=DIR"):
        build(DataConfig(cache_dir=str(tmp_path)), "smoke")
    with pytest.raises(UserError, match="neither modelnet40_shape_names.txt"):
        build(DataConfig(path=str(tmp_path), cache_dir=str(tmp_path)), "smoke")
    copy = tmp_path / "copy"
    shutil.copytree(hub_fixtures["modelnet40"], copy)
    (copy / "night_stand" / "night_stand_0001.txt").unlink()
    with pytest.raises(UserError, match="night_stand_0001"):
        build(DataConfig(path=str(copy), cache_dir=str(tmp_path)), "smoke")


def test_modelnet40_reads_the_hdf5_files(tmp_path):
    h5py = pytest.importorskip("h5py")
    (tmp_path / "shape_names.txt").write_text("\n".join(f"c{i}" for i in range(40)))
    rng = np.random.default_rng(0)
    for split, n in (("train", 30), ("test", 5)):
        with h5py.File(tmp_path / f"ply_data_{split}0.h5", "w") as f:
            f["data"] = rng.normal(size=(n, 2048, 3)).astype(np.float32)
            f["label"] = (np.arange(n) % 40).reshape(-1, 1).astype(np.uint8)
    data = registry.get_task("modelnet40").build(DataConfig(path=str(tmp_path)), "default")
    assert (len(data.train), len(data.val), len(data.test)) == (27, 3, 5)
    assert data.test.tensors["points"].shape == (5, 1024, 3)
