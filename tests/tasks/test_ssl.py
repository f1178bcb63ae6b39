"""The self-supervised family: the task-owned probe and kNN, hidden labels, MAE's unmasked features."""

from __future__ import annotations

import pytest
import torch

from harness.config import compose
from harness.contracts import TaskInfo


def test_knn_votes_are_weighted_by_similarity_not_counted():
    from tasks.self_supervised.protocol import knn_predict

    bank = torch.tensor([[1.0, 0.0], [0.5, 0.866], [0.5, -0.866]])  # cosine to the query: 1.0, 0.5, 0.5
    labels = torch.tensor([0, 1, 1])
    query = torch.tensor([[1.0, 0.0]])
    assert knn_predict(bank, labels, query, 2, k=3, t=0.07).item() == 0  # exp(1/.07) > 2 exp(.5/.07)
    assert knn_predict(bank, labels, query, 2, k=3, t=100.0).item() == 1  # flat weights: the majority wins
    assert knn_predict(bank, labels, query, 2, k=1).item() == 0


def test_linear_probe_separates_separable_features():
    from tasks.self_supervised.protocol import probe_predict

    gen = torch.Generator().manual_seed(0)
    x = torch.randn(200, 8, generator=gen)
    y = (x[:, 0] + x[:, 3] > 0).long()
    test = torch.randn(100, 8, generator=gen)
    accuracy = (probe_predict(x, y, test) == (test[:, 0] + test[:, 3] > 0).long()).double().mean()
    assert accuracy > 0.95


def test_self_supervised_methods_never_see_labels():
    from harness.tensordata import TensorDict
    from tasks.self_supervised.protocol import SSLProtocol

    seen = []

    class Spy(torch.nn.Module):
        def forward(self, *args):
            seen.append(len(args))
            return torch.zeros(())

    protocol = SSLProtocol(TensorDict(pixel_values=torch.zeros(2, 1, 4, 4), labels=torch.zeros(2)), 2)
    batch = {"pixel_values": torch.zeros(2, 1, 4, 4), "labels": torch.zeros(2, dtype=torch.long)}
    protocol.training_step(Spy(), batch, "self_supervised")
    protocol.training_step(Spy(), batch, "supervised")
    assert seen == [1, 2]


def test_mae_features_use_every_patch_and_masking_is_restored():
    from baselines.ssl import build_mae

    params = compose(["task=shapes-ssl", "method=mae", "profile=smoke"]).method
    model = build_mae(TaskInfo("x", "self-supervised", (3, 32, 32), 4), params).eval()
    x = torch.rand(3, 3, 32, 32)
    with torch.no_grad():
        a, b = model.encode(x), model.encode(x)  # no masking: the shuffled order does not matter
        assert torch.allclose(a, b, atol=1e-5)
        assert model.mae.config.mask_ratio == params.mask_ratio
        assert torch.isfinite(model(x))


def test_mae_crops_only_when_asked_and_never_at_evaluation():
    from baselines.ssl import build_mae

    params = compose(["task=shapes-ssl", "method=mae", "profile=smoke", "method.min_scale=0.2"]).method
    model = build_mae(TaskInfo("x", "self-supervised", (3, 32, 32), 4), params)
    seen = []
    model.mae.register_forward_pre_hook(lambda module, args, kwargs: seen.append(kwargs["pixel_values"]),
                                        with_kwargs=True)
    x = torch.rand(4, 3, 32, 32)
    model(x)
    assert seen[-1].shape == x.shape and not torch.equal(seen[-1], x)  # a crop and flip of each image
    with torch.no_grad():
        assert torch.allclose(model.eval().encode(x), model.encode(x), atol=1e-5)  # no crops at evaluation
    assert compose(["task=shapes-ssl", "method=mae"]).method.min_scale == 1.0
    plain = build_mae(TaskInfo("x", "self-supervised", (3, 32, 32), 4),
                      compose(["task=shapes-ssl", "method=mae", "profile=smoke"]).method)
    plain.mae.register_forward_pre_hook(lambda module, args, kwargs: seen.append(kwargs["pixel_values"]),
                                        with_kwargs=True)
    plain(x)
    assert torch.equal(seen[-1], x)


def test_floors_are_never_trained():
    assert compose(["task=shapes-ssl", "method=random"]).trainer.epochs == 0
    assert compose(["task=digits-ssl", "method=random-vit"]).trainer.epochs == 0


def test_nt_xent_equals_pytorch_metric_learning():
    from pytorch_metric_learning.losses import NTXentLoss

    from baselines._ssl_models import nt_xent

    z = torch.randn(16, 8, generator=torch.Generator().manual_seed(0))
    reference = NTXentLoss(temperature=0.2)(z, torch.arange(8).repeat(2))
    assert torch.allclose(nt_xent(z, 0.2), reference, atol=1e-5)


BAD = [("mae", "method.min_scale=0", "must be in (0, 1]"), ("mae", "method.mask_ratio=1.0", "must be in [0, 1)"),
       ("simclr", "method.min_scale=1.5", "must be in (0, 1]"), ("simclr", "method.temperature=0", "must be > 0")]


@pytest.mark.parametrize(("method", "arg", "message"), BAD, ids=[arg for _, arg, _ in BAD])
def test_bad_augmentation_and_masking_settings_exit_2_before_any_folder(method, arg, message, smoke_args, tmp_path,
                                                                        capsys):
    from cli.main import main

    assert main(["run", *smoke_args("digits-ssl", method, arg)]) == 2
    err = capsys.readouterr().err
    assert f"'{arg.split('=')[0]}'" in err and message in err and "Traceback" not in err
    assert not (tmp_path / "runs").exists()
