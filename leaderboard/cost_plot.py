"""The cost-versus-quality plot of one leaderboard section, as pixel positions an inline-SVG template draws.

x: training seconds, log scale (methods here cost from one second to over ten minutes); y: the section's
primary metric. Each method is a point at its seeds' mean time and mean score, a bar over its seeds' range
and one dot per seed; each published reference on the metric is a dashed line with its tolerance band.

Methods that do not train (a fixed classifier explained by an attribution method, a random encoder, a
zero-shot model: `train_seconds` is 0) have no place on a log axis: they sit in a strip of their own,
left of it, marked "0 s". Tick positions come from matplotlib's locators; the drawing is a handful of SVG
elements in templates/cost_plot.svg.j2, so a plot weighs ~3 KB (matplotlib's own SVG ~20 KB) and every
label passes through jinja's autoescape.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

WIDTH, HEIGHT = 580, 300
LEFT, RIGHT, TOP, BOTTOM = 58, 440, 14, 256  # the plot area; the right margin holds reference labels
ZERO_STRIP = 46  # px left of the log axis for methods that do not train
LINE_PX = 12  # one label line: labels closer than this are moved apart
CHAR_PX = 6.2  # average width of one character of the 11 px label font
LABEL_CHARS = 22  # longer reference labels are cut (the full text is the tooltip)
NUDGES = [k for step in range(9) for k in dict.fromkeys((step, -step))]  # label lines tried: 0, 1, -1, 2, -2, ...


@dataclass
class MethodPoints:
    """What the plot needs of one leaderboard row."""

    method: str
    train_seconds: float  # mean over seeds
    mean: float
    seeds: list[tuple[float, float]]  # (train seconds, value) per seed
    vs_best: str  # best, tied, worse, untested: the point's colour
    title: str  # the tooltip


@dataclass
class ReferenceLine:
    label: str
    value: float
    tolerance: float | None
    title: str


@dataclass
class Tick:
    at: float  # px
    text: str


@dataclass
class Mark:
    method: str
    status: str
    title: str
    x: float
    y: float
    low: float  # px of the seeds' lowest and highest value
    high: float
    seeds: list[tuple[float, float]]
    label_x: float
    label_y: float
    anchor: str  # SVG text-anchor of the label


@dataclass
class Line:
    label: str
    title: str
    y: float
    band: tuple[float, float] | None  # (top, height) px of the tolerance band
    label_y: float


@dataclass
class Plot:
    metric: str
    higher_is_better: bool
    marks: list[Mark]
    lines: list[Line]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    zero_x: float | None  # the strip of methods that do not train, beside a log axis (None: no strip or no axis)
    axis_left: float  # where the log axis starts
    x_label: str
    not_drawn: list[str] = field(default_factory=list)  # methods without a training time or a score
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = RIGHT
    top: int = TOP
    bottom: int = BOTTOM


def _finite(x: float) -> bool:
    return x is not None and math.isfinite(x)


def _x_scale(seconds: list[float]) -> tuple[Callable[[float], float], list[Tick], float | None, float]:
    """Seconds -> px: a log axis over the positive times, and a strip at its left for zeros. Without a
    positive time there is no log axis: the strip is the whole plot (axis_left is its right edge)."""
    from matplotlib.ticker import LogLocator

    positive = [s for s in seconds if s > 0]
    zero_x = LEFT + ZERO_STRIP / 2 if any(s <= 0 for s in seconds) else None
    axis_left = LEFT + ZERO_STRIP if zero_x is not None else LEFT
    ticks = [Tick(zero_x, "0 s")] if zero_x is not None else []
    if not positive:
        return (lambda s: zero_x), ticks, zero_x, axis_left
    lo, hi = math.log10(min(positive)) - 0.15, math.log10(max(positive)) + 0.15
    if hi - lo < 1:  # at least one decade, centred, so a single method still has an axis
        mid = (lo + hi) / 2
        lo, hi = mid - 0.5, mid + 0.5

    def to_px(s: float) -> float:
        return zero_x if s <= 0 else axis_left + (math.log10(s) - lo) / (hi - lo) * (RIGHT - axis_left)

    for subs in ((1.0,), (1.0, 2.0, 5.0)):  # decades; within one or two decades also 2 and 5 of each
        values = [v for v in LogLocator(base=10, subs=subs).tick_values(10**lo, 10**hi) if lo <= math.log10(v) <= hi]
        if len(values) >= 3:
            break
    ticks += [Tick(to_px(v), f"{v:,.0f} s" if v >= 1 else f"{v:g} s") for v in values]
    return to_px, ticks, zero_x, axis_left


def _y_scale(values: list[float]) -> tuple[Callable[[float], float], list[Tick]]:
    from matplotlib.ticker import MaxNLocator

    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.06 or abs(hi) * 0.05 or 0.5
    lo, hi = lo - pad, hi + pad
    ticks = [v for v in MaxNLocator(nbins=5).tick_values(lo, hi) if lo <= v <= hi]
    step = ticks[1] - ticks[0] if len(ticks) > 1 else pad
    # the fewest decimals that write every tick exactly: 0.25 needs two, 0.2 one
    decimals = next((d for d in range(8) if all(abs(round(v, d) - v) <= step * 1e-6 for v in ticks)), 8)

    def to_px(v: float) -> float:
        return BOTTOM - (v - lo) / (hi - lo) * (BOTTOM - TOP)

    big = max(abs(v) for v in ticks) >= 1e6 if ticks else False  # 1e+15, not 19 digits in a 58 px margin
    return to_px, [Tick(to_px(v), f"{v:.3g}" if big else f"{v:,.{decimals}f}") for v in ticks]


def _spread(ys: list[float], low: float = TOP + 6, high: float = BOTTOM + 4) -> list[float]:
    """Label baselines in the given order, moved down (then back up, if they run off the end) to be LINE_PX apart."""
    out: list[float] = []
    for y in ys:
        out.append(max(y, out[-1] + LINE_PX) if out else max(y, low))
    overflow = (out[-1] - high) if out else 0
    return [max(low, y - overflow) for y in out] if overflow > 0 else out


Box = tuple[float, float, float]  # (x0, x1, baseline) of a label or a point


def _label_box(mark: Mark, side: str, y: float) -> Box:
    width = len(mark.method) * CHAR_PX
    return (mark.x + 7, mark.x + 7 + width, y) if side == "start" else (mark.x - 7 - width, mark.x - 7, y)


def _overlaps(box: Box, others: list[Box]) -> bool:
    x0, x1, y = box
    return any(x0 < b1 and b0 < x1 and abs(y - by) < LINE_PX for b0, b1, by in others)


def _place_labels(marks: list[Mark], right: float) -> None:
    """Each method's name beside its point: right of it, else left, else a line lower or higher, whichever
    first covers no other point and no label already placed (the plain right-hand spot when none is free)."""
    points = {id(m): (m.x - 5, m.x + 5, m.y + 4) for m in marks}
    labels: list[Box] = []
    for mark in sorted(marks, key=lambda m: m.y):
        others = [box for key, box in points.items() if key != id(mark)] + labels
        spots = [(side, mark.y + 4 + k * LINE_PX) for k in NUDGES for side in ("start", "end")]
        inside = [spot for spot in spots if _inside(_label_box(mark, *spot), right)]
        free = [spot for spot in inside if not _overlaps(_label_box(mark, *spot), others)]
        mark.anchor, mark.label_y = (free or inside or [("start", mark.y + 4)])[0]
        mark.label_x = mark.x + 7 if mark.anchor == "start" else mark.x - 7
        labels.append(_label_box(mark, mark.anchor, mark.label_y))


def _inside(box: Box, right: float) -> bool:
    x0, x1, y = box
    return x0 >= LEFT + 2 and x1 <= right - 2 and TOP + 9 <= y <= BOTTOM - 2


def cost_plot(points: list[MethodPoints], references: list[ReferenceLine], metric: str,
              higher_is_better: bool) -> Plot:
    """The plot of one section: its methods' points and the references on its primary metric."""
    drawn = [p for p in points if _finite(p.train_seconds) and _finite(p.mean)]
    not_drawn = [p.method for p in points if p not in drawn]
    seed_x = [s for p in drawn for s, _ in p.seeds if _finite(s)]
    times = [p.train_seconds for p in drawn] + seed_x
    x_of, x_ticks, zero_x, axis_left = _x_scale(times)
    ys = [p.mean for p in drawn] + [v for p in drawn for _, v in p.seeds if _finite(v)]
    ys += [r.value + sign * (r.tolerance or 0) for r in references for sign in (-1, 1)]
    y_of, y_ticks = _y_scale(ys or [0.0])
    marks = []
    for p in drawn:
        values = [v for _, v in p.seeds if _finite(v)] or [p.mean]
        seeds = [(x_of(s if _finite(s) else p.train_seconds), y_of(v)) for s, v in p.seeds if _finite(v)]
        marks.append(Mark(p.method, p.vs_best, p.title, x_of(p.train_seconds), y_of(p.mean), y_of(min(values)),
                          y_of(max(values)), seeds, 0.0, 0.0, "start"))
    log_axis = any(t > 0 for t in times)
    # no method trains: the plot shrinks to the 0 s strip and its labels
    right = RIGHT if log_axis else int(axis_left + max((len(m.method) * CHAR_PX for m in marks), default=0) + 12)
    _place_labels(marks, right)
    lines = [Line(_cut(r.label), r.title, y_of(r.value), _band(y_of, r), 0.0) for r in references]
    lines.sort(key=lambda line: line.y)
    for line, y in zip(lines, _spread([line.y + 4 for line in lines]), strict=True):
        line.label_y = y
    x_label = "training time per run (s, log scale)" if log_axis else "no method here trains (0 s)"
    return Plot(metric, higher_is_better, marks, lines, x_ticks, y_ticks, zero_x if log_axis else None, axis_left,
                x_label, not_drawn, width=right + (WIDTH - RIGHT if lines else 12), right=right)


def _band(y_of: Callable[[float], float], ref: ReferenceLine) -> tuple[float, float] | None:
    if not ref.tolerance:
        return None
    top = y_of(ref.value + ref.tolerance)
    return top, y_of(ref.value - ref.tolerance) - top


def _cut(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1] + "…"
