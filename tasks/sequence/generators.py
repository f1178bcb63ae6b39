"""The generated sequence tasks: the adding problem and ListOps.

- Adding (Hochreiter & Schmidhuber 1997, in the two-channel form of Le et al. 2015): channel 0 holds
  values drawn from U(0, 1), channel 1 a two-hot marker, one mark in each half of the sequence; the
  target is the sum of the two marked values. numpy `default_rng(seed)`, one seed per split.
- ListOps by the Long Range Arena rules (google-research/long-range-arena, lra_benchmarks/data/listops.py):
  operators MIN, MAX, MED (integer median), SM (sum mod 10) over values 0-9, nested up to depth 10 with
  2 to 10 arguments, kept when min_length < tokens < max_length, every expression once in its split.
  Python's `random.Random(seed)` draws in LRA's order. Tokens keep the operators' brackets ("[MAX" ...
  "]"); LRA's parentheses only mark the tree's binary nesting and are no tokens (as in LRA's input pipeline).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

# ListOps vocabulary: 0 pads; the ten digits, the four operators (each opens its bracket) and "]"
OPERATORS = ("[MIN", "[MAX", "[MED", "[SM")
END = "]"
VOCAB = ("<pad>", *(str(v) for v in range(10)), *OPERATORS, END)
TOKEN_ID = {token: i for i, token in enumerate(VOCAB)}
VALUE_P = 0.25  # LRA: a node below max_depth is an operator with this probability, else a value
MAX_DEPTH, MAX_ARGS = 10, 10


def adding_problem(n: int, length: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """n adding-problem sequences: float32 inputs (n, length, 2) and float32 targets (n,)."""
    rng = np.random.default_rng(seed)
    values = rng.uniform(0.0, 1.0, size=(n, length)).astype(np.float32)
    half = length // 2
    first, second = rng.integers(0, half, size=n), rng.integers(half, length, size=n)
    marker = np.zeros((n, length), np.float32)
    rows = np.arange(n)
    marker[rows, first] = marker[rows, second] = 1.0
    targets = values[rows, first] + values[rows, second]
    return np.stack([values, marker], axis=-1), targets.astype(np.float32)


@dataclass(frozen=True)
class ListOpsLengths:
    """Token-count bounds (exclusive, as in LRA) and the padded length."""

    min_length: int
    max_length: int


class _TooLong(Exception):
    """A tree grew to max_length tokens: it would be rejected, so its drawing stops there."""


def _tree(rng: random.Random, depth: int, room: int):
    """One LRA ListOps tree (an int, or (operator, [children])) and its token count; draws in LRA's order.
    `room` is how many tokens it may still take: stopping early a tree that the length filter would reject
    anyway keeps the distribution of the kept trees (each tree's draws are its own) and saves most of the time."""
    r = rng.random() if depth < MAX_DEPTH else 1.0
    if r > VALUE_P:
        return rng.choice(range(10)), 1
    children, length = [], 2  # the operator's token and its "]"
    for _ in range(rng.randint(2, MAX_ARGS)):
        if length >= room:
            raise _TooLong
        child, child_length = _tree(rng, depth + 1, room - length)
        children.append(child)
        length += child_length
    return (rng.choice(OPERATORS), children), length


def _draw(rng: random.Random, lengths: ListOpsLengths):
    """The next tree whose token count lies strictly between the bounds, and that count."""
    while True:
        try:
            tree, length = _tree(rng, 1, lengths.max_length)
        except _TooLong:
            continue
        if lengths.min_length < length < lengths.max_length:
            return tree, length


def evaluate_tree(tree) -> int:
    """The value of a ListOps tree, as LRA's `to_value` computes it."""
    if isinstance(tree, int):
        return tree
    op, children = tree
    values = [evaluate_tree(c) for c in children]
    results = {"[MIN": min, "[MAX": max, "[MED": lambda v: int(np.median(v)), "[SM": lambda v: sum(v) % 10}
    return int(results[op](values))


def tree_tokens(tree) -> list[str]:
    """The token sequence of a tree: "[MAX 2 [MIN 4 7 ] 0 ]"."""
    if isinstance(tree, int):
        return [str(tree)]
    op, children = tree
    return [op, *(t for c in children for t in tree_tokens(c)), END]


def listops_split(n: int, lengths: ListOpsLengths, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """n expressions from `seed`, each once: (token ids uint8 (n, max_length - 1), attention mask uint8,
    labels int64). Expression i depends only on the seed and the ones before it, so a shorter split is a prefix
    of a longer one. Splits come from different seeds; two equal expressions of 50 or more tokens in
    different splits are too unlikely to matter (the tests find none), so splits are not checked against each other."""
    rng, seen, rows, labels = random.Random(seed), set(), [], []
    while len(rows) < n:
        tree, _ = _draw(rng, lengths)
        tokens = tuple(tree_tokens(tree))
        if tokens in seen:
            continue
        seen.add(tokens)
        rows.append([TOKEN_ID[t] for t in tokens])
        labels.append(evaluate_tree(tree))
    ids = np.zeros((n, lengths.max_length - 1), np.uint8)
    for i, row in enumerate(rows):
        ids[i, :len(row)] = row
    return ids, (ids > 0).astype(np.uint8), np.asarray(labels, np.int64)
