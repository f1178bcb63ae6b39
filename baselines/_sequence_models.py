"""Torch modules of the sequence methods (baselines/sequence.py): recurrent nets, the FCN of Wang et al.
2017, a small BERT encoder and the linear floor. Each is `model(inputs, attention_mask)`: inputs (B, T, C)
float or (B, T) token ids, mask (B, T) with real steps first -> logits (B, K), or (B,) when the task is a
regression (num_classes 0). Padding changes no output: recurrent nets read their state at the last real step, the others
mask padded steps out of every sum, and tests/baselines/test_sequence_methods.py checks it.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

RNN_CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}  # nn.RNN is Elman's network (tanh)


def is_tokens(info) -> bool:
    """Token tasks give (T,) inputs (ids); series give (T, C)."""
    return len(info.input_shape) == 1


def in_features(info, embed_dim: int) -> int:
    """The width a model's first layer sees: the series' channels, or the token embedding's width."""
    return embed_dim if is_tokens(info) else info.input_shape[1]


class Head(nn.Module):
    """A linear layer to K logits, or to one number squeezed to (B,) for regression (num_classes 0)."""

    def __init__(self, width: int, num_classes: int) -> None:
        super().__init__()
        self.regression = num_classes == 0
        self.linear = nn.Linear(width, max(num_classes, 1))

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        out = self.linear(features)
        return out.squeeze(-1) if self.regression else out


def embedder(info, embed_dim: int) -> nn.Module:
    """A token embedding (row 0, the padding id, kept at zero) for token tasks; the identity for series."""
    if not is_tokens(info):
        return nn.Identity()
    return nn.Embedding(int(info.extra["vocab_size"]), embed_dim, padding_idx=0)


def masked_mean(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """The mean over time (dim 1) of x (B, T, D) over the real steps of mask (B, T)."""
    m = mask.unsqueeze(-1).to(x.dtype)
    return (x * m).sum(1) / m.sum(1).clamp_min(1)


class RecurrentClassifier(nn.Module):
    """An Elman RNN, LSTM or GRU; the head reads the last layer's state at each sequence's last real step."""

    def __init__(self, info, cell: str, hidden: int, layers: int, embed_dim: int, dropout: float) -> None:
        super().__init__()
        self.embed = embedder(info, embed_dim)
        self.rnn = RNN_CELLS[cell](in_features(info, embed_dim), hidden, num_layers=layers, batch_first=True,
                                   dropout=dropout if layers > 1 else 0.0)
        if cell == "lstm":  # forget gates start open (bias 1; Gers et al. 2000, Jozefowicz et al. 2015)
            with torch.no_grad():
                for name, bias in self.rnn.named_parameters():
                    if name.startswith("bias_"):  # gates in torch's order i, f, g, o; ih + hh sum to 1
                        bias[hidden:2 * hidden] = 1.0 if name.startswith("bias_ih") else 0.0
        self.head = Head(hidden, info.num_classes)

    def forward(self, inputs: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        # A unidirectional net's output at step t reads steps <= t only, so the last layer's output at each
        # sequence's last real step is exactly its final state without the padding behind it. Reading it there
        # beats packing on CPU, where packed GRU/LSTM steps cost several times more (measured on listops).
        lengths = attention_mask.sum(1).clamp_min(1)
        x = self.embed(inputs[:, : int(lengths.max())])
        out, _ = self.rnn(x)
        return self.head(out[torch.arange(len(out), device=out.device), lengths - 1])


class FCN(nn.Module):
    """The fully convolutional network of Wang et al. 2017: three conv-BN-ReLU blocks (widths w, 2w, w;
    kernels 8, 5, 3; 'same' padding), global average pooling over the real steps, a linear head. Padded steps
    are zeroed after every block, so each real step sees what it would see unpadded."""

    def __init__(self, info, width: int, embed_dim: int) -> None:
        super().__init__()
        self.embed = embedder(info, embed_dim)
        widths = (in_features(info, embed_dim), width, 2 * width, width)
        self.blocks = nn.ModuleList(
            # 'same' padding written out: PyTorch warns about (and copies for) padding="same" with even kernels
            nn.Sequential(nn.ConstantPad1d(((k - 1) // 2, k // 2), 0.0), nn.Conv1d(cin, cout, k), nn.BatchNorm1d(cout),
                          nn.ReLU())
            for cin, cout, k in zip(widths[:-1], widths[1:], (8, 5, 3), strict=True))
        self.head = Head(width, info.num_classes)

    def forward(self, inputs: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        mask = attention_mask.unsqueeze(1).float()  # (B, 1, T)
        x = self.embed(inputs).transpose(1, 2) * mask  # (B, C, T)
        for block in self.blocks:
            x = block(x) * mask
        return self.head(x.sum(2) / mask.sum(2).clamp_min(1))


class SequenceTransformer(nn.Module):
    """A small BERT encoder (transformers' BertModel, its own initialisation: the learned position table
    is drawn from N(0, 0.02)): token ids through its word embeddings, series through a linear projection as
    `inputs_embeds`; padded keys masked; pooled by the mean over real steps or by a learned [CLS] in front."""

    def __init__(self, info, hidden: int, layers: int, heads: int, dropout: float, pooling: str) -> None:
        super().__init__()
        from transformers import BertConfig, BertModel

        self.tokens, self.cls = is_tokens(info), pooling == "cls"
        config = BertConfig(vocab_size=int(info.extra.get("vocab_size") or 1), hidden_size=hidden,
                            num_hidden_layers=layers, num_attention_heads=heads, intermediate_size=4 * hidden,
                            hidden_dropout_prob=dropout, attention_probs_dropout_prob=dropout,
                            max_position_embeddings=info.input_shape[0] + 1, pad_token_id=0)
        self.encoder = BertModel(config, add_pooling_layer=False)
        self.project = None if self.tokens else nn.Linear(info.input_shape[1], hidden)
        self.cls_embedding = nn.Parameter(torch.randn(1, 1, hidden) * 0.02) if self.cls else None
        self.head = Head(hidden, info.num_classes)

    def forward(self, inputs: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        embeds = self.encoder.get_input_embeddings()(inputs) if self.tokens else self.project(inputs)
        mask = attention_mask.long()
        if self.cls:
            embeds = torch.cat([self.cls_embedding.expand(len(embeds), -1, -1), embeds], dim=1)
            mask = F.pad(mask, (1, 0), value=1)
        states = self.encoder(inputs_embeds=embeds, attention_mask=mask).last_hidden_state
        return self.head(states[:, 0] if self.cls else masked_mean(states, mask))


class SequenceLinear(nn.Module):
    """The linear floor. Series: one linear layer on the flattened (T * C) sequence, padded steps zeroed
    (a shorter input is zero-padded to T first). Tokens: one linear layer on the bag of tokens, the mean
    one-hot vector over the real steps (order-blind; a flattened one-hot would need T * vocab weights per
    class), computed as the mean of the weight columns of the tokens read."""

    def __init__(self, info) -> None:
        super().__init__()
        self.steps, outputs = info.input_shape[0], max(info.num_classes, 1)
        if is_tokens(info):  # row v of the table is the weights of one-hot component v
            self.columns = nn.Embedding(int(info.extra["vocab_size"]), outputs)
            self.bias = nn.Parameter(torch.zeros(outputs))
            self.linear = None
        else:
            self.columns, self.linear = None, nn.Linear(self.steps * info.input_shape[1], outputs)
        self.regression = info.num_classes == 0

    def forward(self, inputs: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        if self.columns is not None:
            out = masked_mean(self.columns(inputs), attention_mask) + self.bias
        else:
            x = inputs * attention_mask.unsqueeze(-1).to(inputs.dtype)
            out = self.linear(F.pad(x, (0, 0, 0, self.steps - x.shape[1])).flatten(1))
        return out.squeeze(-1) if self.regression else out
