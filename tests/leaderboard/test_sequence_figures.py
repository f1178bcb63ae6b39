"""The figures of scripts/sequence_figures.py: ordered versus permuted accuracy, and curves over training time."""

from __future__ import annotations

import pytest
from conftest import make_record

from leaderboard.aggregate import runs_frame
from leaderboard.figures import curves_over_time, variant_bars


def _frame(records):
    return runs_frame([[(f"r{i}.json", rec) for i, rec in enumerate(records)]])


def _png_size(path):
    from PIL import Image

    with Image.open(path) as image:
        return image.size


def test_variant_bars_draw_one_panel_per_pair(tmp_path):
    records = [make_record(task, method, seed, value, profile="default")
               for task, value in (("a", 0.9), ("a-shuffled", 0.5), ("b", 0.8), ("b-permuted", 0.7))
               for method in ("gru", "linear") for seed in (0, 1)]
    one = variant_bars(_frame(records), [("a", "a-shuffled")], ["gru", "linear"], "accuracy", tmp_path / "one.png")
    two = variant_bars(_frame(records), [("a", "a-shuffled"), ("b", "b-permuted")], ["gru", "linear"], "accuracy",
                       tmp_path / "two.png")
    assert _png_size(two)[0] > 1.8 * _png_size(one)[0]  # a second panel, not a squeezed one


def test_a_method_without_records_leaves_a_gap_not_an_error(tmp_path):
    records = [make_record("a", "gru", 0, 0.9, profile="default")]
    path = variant_bars(_frame(records), [("a", "a-shuffled")], ["gru", "lstm"], "accuracy", tmp_path / "x.png")
    assert path.stat().st_size > 0


def test_curves_over_time_put_every_seed_on_the_time_axis(tmp_path):
    from matplotlib.figure import Figure

    records = [make_record("adding", m, s, 0.05, profile="default", metric="mse", higher_is_better=False)
               for m in ("rnn", "gru") for s in (0, 1)]
    drawn = []
    original = Figure.savefig

    def spy(fig, *args, **kwargs):
        (ax,) = fig.axes
        drawn.extend(line.get_xdata().tolist() for line in ax.get_lines() if line.get_linestyle() != "--")
        return original(fig, *args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Figure, "savefig", spy)
        curves_over_time(_frame(records), ["rnn", "gru"], "mse", tmp_path / "c.png", lines={"floor": 1 / 6})
    assert len(drawn) == 4  # one line per (method, seed)
    assert all(xs == pytest.approx([0.1, 0.2, 0.3]) for xs in drawn)  # cumulative seconds, not epochs
