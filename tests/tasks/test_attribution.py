"""The attribution family: its scenes, its scores against hand-computed cases, and its sanity controls."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from tasks.attribution.scoring import METRIC_NAMES, score_batch
from tasks.shapes.deciding import render_deciding_scene


def test_the_mask_is_the_deciding_object_and_scenes_are_deterministic():
    for i in range(20):
        image, label, mask = render_deciding_scene(0, i)
        again = render_deciding_scene(0, i)
        assert np.array_equal(image, again[0]) and label == again[1] and np.array_equal(mask, again[2])
        assert 0 <= label < 4 and mask.sum() >= 12 and mask.shape == image.shape[:2]
        # drawn last: the object's pixels carry its own colour, set apart from the background beside it
        ring = np.zeros_like(mask)
        ys, xs = np.nonzero(mask)
        ring[max(ys.min() - 2, 0):ys.max() + 3, max(xs.min() - 2, 0):xs.max() + 3] = True
        assert np.abs(image[mask].mean(0) - image[ring & ~mask].mean(0)).max() > 10


class Linear(torch.nn.Module):
    """A fixed classifier: class 0's logit is the mean brightness of the left half, class 1's of the right."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 1, 1)
        torch.nn.init.constant_(self.conv.weight, 1.0)
        torch.nn.init.zeros_(self.conv.bias)

    def forward(self, x):
        f = self.conv(x)[:, 0]
        half = f.shape[-1] // 2
        return torch.stack([f[..., :half].mean((1, 2)), f[..., half:].mean((1, 2))], 1) * 10


def _batch(n=4, size=16):
    gen = torch.Generator().manual_seed(0)
    x = torch.rand(n, 3, size, size, generator=gen) * 0.2
    x[:, :, 4:8, 2:6] = 1.0  # a bright square on the left: the evidence for class 0
    masks = torch.zeros(n, size, size, dtype=torch.bool)
    masks[:, 4:8, 2:6] = True
    return x, torch.zeros(n, dtype=torch.long), masks


def _scores(heat, x, y, masks, explain=None):
    explain = explain or (lambda model, inputs, targets, **_: heat.numpy())
    return score_batch(Linear().eval(), x, y, heat, masks, explain, seed=0)


def test_a_heatmap_equal_to_the_mask_localises_perfectly_and_one_outside_it_not_at_all():
    x, y, masks = _batch()
    inside = _scores(masks[:, None].float(), x, y, masks)
    assert list(inside) == list(METRIC_NAMES)
    for k in ("pointing_game", "relevance_mass", "relevance_rank"):
        assert np.allclose(inside[k], 1.0), k
    outside = torch.zeros_like(masks[:, None], dtype=torch.float)
    outside[..., 12:, 12:] = 1.0
    scores = _scores(outside, x, y, masks)
    for k in ("pointing_game", "relevance_mass", "relevance_rank"):
        assert np.allclose(scores[k], 0.0), k


def test_a_blank_heatmap_is_scored_at_chance_where_quantus_would_count_every_tie_a_hit():
    """All-zero maps (Grad-CAM after its ReLU, sometimes) become noise: Quantus accepts the batch, and
    the 16-pixel mask of a 256-pixel image is hit about one time in 16, not every time."""
    from tasks.attribution.scoring import heatmap

    x, y, masks = _batch(n=64)
    torch.manual_seed(0)
    heat = heatmap(torch.zeros(len(x), 3, 16, 16))
    assert len(torch.unique(heat)) > 1000
    scores = _scores(heat, x, y, masks)
    assert scores["pointing_game"].mean() < 0.25


def _deletion_curve(model, x, y, heat, per_step):
    """Pixel flipping by hand: the heatmap repeated over the channels orders every value of the image;
    the most relevant values are set to the image's darkest value (Quantus's "black"), per_step at a
    time, and the target's softmax is read after each step."""
    values = np.broadcast_to(heat.numpy(), x.shape).reshape(-1)
    order = np.argsort(-values)
    image, probs, black = x.numpy().reshape(-1).copy(), [], float(x.min())
    for k in range(-(-values.size // per_step)):
        image[order[k * per_step:(k + 1) * per_step]] = black
        logits = model(torch.from_numpy(image.reshape(1, *x.shape)))
        probs.append(float(torch.softmax(logits, 1)[0, y]))
    return np.trapezoid(probs, dx=1.0 / (len(probs) - 1))


def test_deletion_auc_matches_pixel_flipping_by_hand():
    from tasks.attribution.scoring import deletion_step

    assert deletion_step((3, 64, 64)) == 512 and deletion_step((1, 28, 28)) == 28 and deletion_step((3, 16, 16)) == 32

    x, y, masks = _batch()
    heat = masks[:, None].float() + torch.rand(len(x), 1, 16, 16, generator=torch.Generator().manual_seed(1)) * 0.1
    scores = _scores(heat, x, y, masks)
    model = Linear().eval()
    step = deletion_step(x.shape[1:])
    with torch.no_grad():
        expected = [_deletion_curve(model, x[i], int(y[i]), heat[i, 0], step) for i in range(len(x))]
    assert np.allclose(scores["deletion_auc"], expected, atol=1e-5)


def test_the_randomisation_test_separates_a_model_blind_floor_from_a_gradient():
    """The edge floor ignores the classifier, so its heatmap survives re-initialisation unchanged
    (similarity 1); the gradient of a re-initialised CNN is another map."""
    from baselines._captum import edge, saliency
    from tasks.attribution.classifier import AttributionCNN
    from tasks.attribution.scoring import heatmap

    x, y, masks = _batch()
    torch.manual_seed(0)
    model = AttributionCNN(3, 2, width=4).eval()

    def explainer(attribute):
        def explain(model, inputs, targets, **_):
            with torch.enable_grad():
                return heatmap(attribute(model, torch.as_tensor(inputs), torch.as_tensor(targets))).numpy()
        return explain

    edges = heatmap(edge(model, x, y))
    assert np.allclose(score_batch(model, x, y, edges, masks, explainer(edge), 0)["randomisation"], 1.0)
    grad = heatmap(saliency(model, x.clone(), y))
    similarity = score_batch(model, x, y, grad, masks, explainer(saliency), 0)["randomisation"]
    assert similarity.mean() < 0.9


@pytest.mark.parametrize("name", ["saliency", "input_x_gradient", "gradcam", "guided_backprop", "guided_gradcam",
                                  "random_map", "edge"])
def test_every_fixed_explainer_returns_one_map_or_one_per_channel(name):
    import baselines._captum as methods
    from tasks.attribution.classifier import AttributionCNN

    model = AttributionCNN(3, 4, width=4).eval()
    x = torch.rand(2, 3, 16, 16)
    with torch.enable_grad():
        a = getattr(methods, name)(model, x, torch.tensor([0, 3]))
    assert a.shape[0] == 2 and a.shape[1] in (1, 3) and a.shape[-2:] == (16, 16)
    assert torch.isfinite(a).all()


def test_an_occlusion_window_larger_than_the_image_is_a_user_error(smoke_args, capsys):
    from cli.main import main

    assert main(["run", *smoke_args("shapes-attribution", "occlusion", "method.window=100")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["bench: error: method.window=100 is larger than the task's 64x64 images; use at most 64"]
