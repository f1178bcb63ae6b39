"""The sequence family's two figures, from the committed records (default profile):

    python scripts/sequence_figures.py [--records leaderboard/records] [--out docs/figures]

- sequence-order.png: test accuracy of every method on MNIST-1D and digits read a pixel per step, each in
  order and under one fixed permutation of the steps (what an order-sensitive model loses); a pair is drawn
  once both of its tasks have records;
- adding-curves.png: the adding problem's validation MSE against training seconds for rnn, lstm and gru,
  every seed, with the constant-prediction floor (1/6) and the issue's bar (0.01).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from leaderboard.aggregate import collect  # noqa: E402
from leaderboard.figures import curves_over_time, variant_bars  # noqa: E402

METHODS = ["rnn", "lstm", "gru", "cnn1d", "transformer", "linear"]
PAIRS = [("mnist1d", "mnist1d-shuffled"), ("pixel-digits", "pixel-digits-permuted")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=Path, default=Path("leaderboard/records"))
    parser.add_argument("--out", type=Path, default=Path("docs/figures"))
    args = parser.parse_args(argv)
    runs, _ = collect([args.records])
    runs = runs[runs["profile"] == "default"]
    pairs = [pair for pair in PAIRS if all((runs["task"] == task).any() for task in pair)]  # both sides run
    print(variant_bars(runs, pairs, METHODS, "accuracy", args.out / "sequence-order.png"))
    adding = runs[runs["task"] == "adding"]
    print(curves_over_time(adding, ["rnn", "lstm", "gru"], "mse", args.out / "adding-curves.png",
                           lines={"constant prediction 1/6": 1 / 6, "bar 0.01": 0.01}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
