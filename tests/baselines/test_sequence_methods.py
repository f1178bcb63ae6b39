"""The sequence methods keep the family's contract: padding changes no prediction (token and series
inputs, every method), the transformer's position table is initialised, and shapes follow the task."""

from __future__ import annotations

import pytest
import torch

from harness import registry
from harness.config import compose
from harness.contracts import TaskInfo

METHODS = sorted(m for m, spec in registry.methods().items() if "sequence" in spec.fits)
TOKENS = TaskInfo("listops", "sequence", (30,), 10, {"kind": "tokens", "vocab_size": 16})
SERIES = TaskInfo("ucr-japanesevowels", "sequence", (30, 3), 0, {"kind": "series", "vocab_size": 0})


def _model(method: str, info: TaskInfo):
    torch.manual_seed(0)
    params = compose(["task=mnist1d", f"method={method}", "profile=smoke"]).method
    return registry.get_method(method).build(info, params).eval()


def _padded_batch(info: TaskInfo, lengths: list[int]) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(1)
    steps = info.input_shape[0]
    if len(info.input_shape) == 1:
        x = torch.randint(1, info.extra["vocab_size"], (len(lengths), steps), generator=g)
    else:
        x = torch.randn(len(lengths), steps, info.input_shape[1], generator=g)
    mask = (torch.arange(steps)[None] < torch.tensor(lengths)[:, None]).long()
    x = x * (mask if x.dim() == 2 else mask[..., None])  # padding: id 0, or zeros
    garbage = torch.randint(1, 5, x.shape, generator=g).to(x.dtype)  # what padded steps hold must not matter
    padding = (1 - mask) if x.dim() == 2 else (1 - mask)[..., None]
    return x + garbage * padding, mask


def test_every_sequence_method_is_registered():
    assert {"rnn", "lstm", "gru", "cnn1d", "transformer", "linear"} <= set(METHODS)


@pytest.mark.parametrize("info", [TOKENS, SERIES], ids=["tokens", "series"])
@pytest.mark.parametrize("method", METHODS)
def test_padding_changes_no_prediction(method, info):
    model = _model(method, info)
    lengths = [30, 7, 18]
    x, mask = _padded_batch(info, lengths)
    with torch.no_grad():
        batched = model(x, mask)
        assert batched.shape == ((3, info.num_classes) if info.num_classes else (3,))
        for i, n in enumerate(lengths):  # each example alone, unpadded
            alone = model(x[i:i + 1, :n], mask[i:i + 1, :n])
            torch.testing.assert_close(batched[i:i + 1], alone, atol=1e-5, rtol=1e-4)
    unmasked = model(x, torch.ones_like(mask))  # the test can fail: the padded values do reach an unmasked model
    assert not torch.allclose(unmasked, batched, atol=1e-4)


def test_transformer_position_table_is_initialised():
    model = _model("transformer", TOKENS)
    table = model.encoder.embeddings.position_embeddings.weight
    assert table.requires_grad and table.std() > 0.005
    assert model.encoder.embeddings.word_embeddings.weight[0].abs().sum() == 0  # the padding id embeds to zero
