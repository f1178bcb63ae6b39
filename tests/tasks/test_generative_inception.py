"""The Inception route of the generative family (`metrics.inception_weights=PATH`).

Real InceptionV3 weights cannot be downloaded here, so the fixture is randomly initialised
weights in the same format (torch-fidelity's state dict, saved as safetensors and as .pth): what
is checked is the route, not Inception's numbers.
"""

from __future__ import annotations

import dataclasses
import os

import pytest
import torch

from harness.errors import UserError


@pytest.fixture(scope="module")
def inception_files(tmp_path_factory):
    import torch_fidelity.feature_extractor_inceptionv3 as fe
    from safetensors.torch import save_file

    with pytest.MonkeyPatch.context() as mp:  # build the network without its download
        mp.setattr(fe, "load_state_dict_from_url", lambda *a, **k: {})
        mp.setattr(fe.FeatureExtractorInceptionV3, "load_state_dict", lambda self, *a, **k: None)
        torch.manual_seed(0)
        state = {k: v.contiguous() for k, v in fe.FeatureExtractorInceptionV3("x", ["2048"]).state_dict().items()}
    root = tmp_path_factory.mktemp("inception")
    save_file(state, str(root / "inception.safetensors"))
    torch.save(state, root / "inception.pth")
    return root


def _images(n: int, channels: int, size: int, seed: int) -> torch.Tensor:
    return torch.rand(n, channels, size, size, generator=torch.Generator().manual_seed(seed))


def test_features_match_torchmetrics_fid_on_the_same_weights(inception_files):
    from torchmetrics.image.fid import FrechetInceptionDistance

    from tasks.generative.inception import load_inception
    from tasks.generative.metrics import frechet_distance

    features, digest = load_inception(str(inception_files / "inception.safetensors"))
    same, digest_pth = load_inception(str(inception_files / "inception.pth"))
    real, fake = _images(12, 3, 32, 0), _images(12, 3, 32, 1) * 0.5
    ours = frechet_distance(features(real), features(fake))
    assert torch.equal(features(real), same(real)) and len(digest) == len(digest_pth) == 12

    # torchmetrics' own FID on the same images (8-bit) and weights: the number papers would report
    fid = FrechetInceptionDistance(feature=2048, feature_extractor_weights_path=str(inception_files / "inception.pth"))
    fid.update((real * 255).round().to(torch.uint8), real=True)
    fid.update((fake * 255).round().to(torch.uint8), real=False)
    assert ours == pytest.approx(float(fid.compute()), rel=1e-3)
    assert frechet_distance(features(real), features(real)) == pytest.approx(0.0, abs=1e-3)


def test_grey_images_are_repeated_to_rgb(inception_files):
    from tasks.generative.inception import load_inception

    features, _ = load_inception(str(inception_files / "inception.safetensors"))
    grey = _images(3, 1, 16, 2)
    out = features(grey)
    assert out.shape == (3, 2048) and torch.equal(out, features(grey.expand(-1, 3, -1, -1)))


class _Payload:
    """A pickle that would create a file when unpickled: the weights file must never be trusted."""

    marker = ""

    def __reduce__(self):
        return os.mkdir, (self.marker,)


def test_a_file_that_runs_code_is_refused_without_running_it(tmp_path):
    from tasks.generative.inception import load_inception

    _Payload.marker = str(tmp_path / "pwned")
    torch.save({"weight": _Payload()}, tmp_path / "evil.pth")
    with pytest.raises(UserError, match="cannot read .* as plain tensors"):
        load_inception(str(tmp_path / "evil.pth"))
    assert not (tmp_path / "pwned").exists()


def test_wrong_tensors_and_missing_files_are_one_line_errors(tmp_path):
    from safetensors.torch import save_file

    from tasks.generative.inception import load_inception

    save_file({"fc.weight": torch.zeros(2, 2)}, str(tmp_path / "other.safetensors"))
    with pytest.raises(UserError, match="does not hold InceptionV3 weights"):
        load_inception(str(tmp_path / "other.safetensors"))
    with pytest.raises(UserError, match="no file at"):
        load_inception(str(tmp_path / "absent.pth"))
    (tmp_path / "text.pth").write_text("not a checkpoint")
    with pytest.raises(UserError, match="cannot read"):
        load_inception(str(tmp_path / "text.pth"))


def test_run_with_inception_weights_names_them_in_the_fingerprint(inception_files, smoke_args):
    from harness.config import compose
    from harness.runner import run

    weights = inception_files / "inception.safetensors"
    result = run(compose(smoke_args("digits-gen", "vae", f"metrics.inception_weights={weights}",
                                    "data.eval_size=8", "data.train_size=16")))
    rec = result.record
    assert rec.status == "completed" and "-inception" in rec.task.dataset_fingerprint
    assert "-ref" not in rec.task.dataset_fingerprint and rec.config["metrics"]["inception_weights"] == str(weights)
    assert rec.metrics["fd"] >= 0 and rec.metrics["fd_real_floor"] > 0


def test_default_metric_options_keep_the_config_hash_of_older_records():
    from harness.config import compose, from_dict

    cfg = compose(["task=digits-gen", "method=vae"])
    assert cfg.to_dict()["metrics"] == {"inception_weights": None}
    assert cfg.hash() == dataclasses.replace(cfg, metrics=None).hash()  # as before metrics.* existed
    older = {k: v for k, v in cfg.to_dict().items() if k != "metrics"}
    assert from_dict(older).hash() == cfg.hash()
    other = compose(["task=digits-gen", "method=vae", "metrics.inception_weights=/x.pth"])
    assert other.hash() != cfg.hash() and from_dict(other.to_dict()).metrics == other.metrics


@pytest.mark.parametrize(("args", "message"), [
    (["task=digits-gen", "metrics.inception_weights=/no/such.pth"], "no file at /no/such.pth"),
    (["task=digits-gen", "metrics.inception_weight=x"], "'metrics.inception_weights'?"),
    (["task=digits", "metrics.inception_weights=x"], "unknown key 'metrics.inception_weights'"),
])
def test_bad_metric_options_exit_2_with_one_line(args, message, tmp_path, capsys):
    from cli.main import main

    method = "vae" if args[0] == "task=digits-gen" else "linear"
    assert main(["run", *args, f"method={method}", "profile=smoke", f"output_dir={tmp_path}"]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "Traceback" not in err and len(err.splitlines()) == 1
    assert not any(tmp_path.iterdir())  # nothing half-written
