"""The generative family: Fréchet distance against the closed form, k-NN precision/recall, the
cached reference network, pictures, and bad sampler input."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from harness import registry
from harness.config import DataConfig
from tasks.generative.metrics import frechet_distance, precision_recall


def _closed_form_fd(mu1, s1, mu2, s2) -> float:
    from scipy.linalg import sqrtm

    return float(np.sum((mu1 - mu2) ** 2) + np.trace(s1 + s2 - 2 * np.real(sqrtm(s1 @ s2))))


def _gaussians():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(3, 3)), rng.normal(size=(3, 3))
    return (np.array([0.0, 1.0, -2.0]), a @ a.T + 0.5 * np.eye(3),
            np.array([1.5, -0.5, 0.0]), b @ b.T + 0.2 * np.eye(3))


def test_fd_formula_equals_the_closed_form_for_two_known_gaussians():
    from torchmetrics.image.fid import _compute_fid

    mu1, s1, mu2, s2 = _gaussians()
    got = float(_compute_fid(*(torch.tensor(v) for v in (mu1, s1, mu2, s2))))
    assert got == pytest.approx(_closed_form_fd(mu1, s1, mu2, s2), rel=1e-9)


def test_fd_of_samples_converges_to_the_closed_form():
    mu1, s1, mu2, s2 = _gaussians()
    rng = np.random.default_rng(1)
    x = torch.from_numpy(rng.multivariate_normal(mu1, s1, size=200_000))
    y = torch.from_numpy(rng.multivariate_normal(mu2, s2, size=200_000))
    assert frechet_distance(x, y) == pytest.approx(_closed_form_fd(mu1, s1, mu2, s2), rel=0.02)
    assert frechet_distance(x, x) == pytest.approx(0.0, abs=1e-6)


def test_precision_and_recall_separate_mode_collapse_from_poor_samples():
    real = torch.randn(400, 8, generator=torch.Generator().manual_seed(0))
    assert precision_recall(real, real.clone()) == (1.0, 1.0)
    far = real + 100.0
    assert precision_recall(real, far) == (0.0, 0.0)
    collapsed = real[:5].repeat(80, 1) + 1e-3 * torch.randn(400, 8)  # good-looking but few: precise, low recall
    precision, recall = precision_recall(real, collapsed)
    assert precision == 1.0 and recall < 0.2


@pytest.mark.parametrize("task", ["digits-gen", "shapes-gen"])
def test_reference_network_is_cached_named_by_hash_and_recognises_real_images(task):
    spec = registry.get_task(task)
    first = spec.build_data(DataConfig(eval_size=200), "smoke")
    again = spec.build_data(DataConfig(eval_size=200), "smoke")
    assert first.fingerprint == again.fingerprint and "-ref" in first.fingerprint
    test = first.test.tensors
    with torch.no_grad():
        acc = (first.protocol.reference.classify(test["pixel_values"]).argmax(1) == test["labels"]).float().mean()
    assert acc > 0.9  # a feature network that cannot tell the classes apart would make FD meaningless
    assert first.protocol.floor > 0
    assert first.test.tensors["pixel_values"].min() >= 0 and first.test.tensors["pixel_values"].max() <= 1


def test_run_writes_a_sample_grid_and_a_denoising_strip(smoke_args):
    from harness.config import compose
    from harness.runner import run

    result = run(compose(smoke_args("digits-gen", "ddpm", "method.sampler=ddpm")))
    assert result.record.status == "completed"
    assert (result.run_dir / "samples.png").is_file() and (result.run_dir / "trajectory.png").is_file()


@pytest.mark.parametrize(("arg", "message"), [("method.sampler=ddmi", "'ddim'?"),
                                              ("method.steps=0", "method.steps"),
                                              ("method.ema_decay=1.0", "method.ema_decay"),
                                              ("method.beta_schedule=cosine", "method.beta_schedule"),
                                              ("method.snr_gamma=-1", "method.snr_gamma"),
                                              ("method.prediction_type=v", "method.prediction_type")])
def test_bad_sampler_settings_exit_2_with_one_line(arg, message, smoke_args, capsys):
    from cli.main import main

    assert main(["run", *smoke_args("digits-gen", "ddpm", arg)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_ema_weights_average_training_and_travel_in_the_checkpoint(tmp_path):
    from safetensors.torch import load_file, save_file

    from baselines._diffusion import ConditionalDDPM
    from baselines.generators import DDPMParams
    from harness.contracts import TaskInfo

    torch.manual_seed(0)
    info = TaskInfo(name="t", family="generative", input_shape=(1, 8, 8), num_classes=2)
    params = DDPMParams(channels=[8, 16], train_timesteps=20, steps=2, ema_decay=0.5)
    model = ConditionalDDPM(info, params)
    opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.5)
    x, y = torch.rand(4, 1, 8, 8), torch.tensor([0, 1, 0, 1])
    for _ in range(3):
        opt.zero_grad()
        model(x, y).backward()
        opt.step()
    live, avg = model.unet.conv_in.weight, model.ema.module.conv_in.weight
    assert not torch.equal(live, avg) and not avg.requires_grad  # an average, not a copy, and never trained
    state = {k: v.contiguous() for k, v in model.state_dict().items()}
    assert any(k.startswith("ema.module.") for k in state)
    # a reloaded model samples from the same averaged weights
    save_file(state, tmp_path / "m.safetensors")
    again = ConditionalDDPM(info, params)
    again.load_state_dict(load_file(tmp_path / "m.safetensors"))
    model.eval()
    again.eval()
    torch.manual_seed(1)
    a = model.generate(y)
    torch.manual_seed(1)
    assert torch.equal(a, again.generate(y))


@pytest.mark.parametrize("prediction", ["epsilon", "v_prediction"])
def test_min_snr_weights_cap_the_low_noise_steps_and_vanish_when_gamma_is_above_every_snr(prediction):
    from baselines._diffusion import ConditionalDDPM
    from baselines.generators import DDPMParams
    from harness.contracts import TaskInfo

    info = TaskInfo(name="t", family="generative", input_shape=(1, 8, 8), num_classes=2)
    x, y = torch.rand(6, 1, 8, 8), torch.tensor([0, 1, 0, 1, 0, 1])

    def loss(gamma: float) -> torch.Tensor:
        torch.manual_seed(0)
        model = ConditionalDDPM(info, DDPMParams(channels=[8, 16], train_timesteps=20, steps=2, snr_gamma=gamma,
                                                 beta_schedule="squaredcos_cap_v2", prediction_type=prediction))
        torch.manual_seed(1)  # the same noise and timesteps for every gamma
        return model(x, y)

    plain = loss(0.0)
    if prediction == "epsilon":
        assert torch.allclose(loss(1e9), plain)  # every weight min(snr, gamma) / snr is 1
    else:
        assert loss(1e9) < plain  # snr / (snr + 1) < 1
    assert loss(0.5) < loss(1e9)  # weights fall wherever the SNR exceeds gamma
