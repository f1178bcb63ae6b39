"""Property-based tests (hypothesis): a randomly mutated record never crashes `validate`, `submit` or the
leaderboard renderers, and a record that gets in is a good one; any values the schema admits render."""

from __future__ import annotations

import copy
import json
import math
import re
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_submit import good_record

from harness.record import MAX_METRIC, Record
from harness.registry import get_task
from harness.specs import NAME_PATTERN
from leaderboard import submit
from leaderboard.aggregate import collect, summarise
from leaderboard.render import FORMATS, render_board
from leaderboard.table import build_table, render_table

GOOD = good_record()
SETTINGS = settings(max_examples=60, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# what a careless or hostile submitter puts in a field: wrong types, non-finite and huge numbers, paths
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from(["", "../../x", "a/b", "not a date", "0" * 300, "digits", "linear", "1e308", "NaN"])
    | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=6,
)


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value in a JSON tree (dict keys and list indices), the root's children first."""
    found = []
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for key, child in items:
        found.append((*prefix, key))
        found += _paths(child, (*prefix, key))
    return found


PATHS = _paths(GOOD)


@st.composite
def mutated_records(draw) -> dict:
    """The good record with one to three fields replaced, deleted or added."""
    data = copy.deepcopy(GOOD)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS))
        parent = data
        try:
            for key in path[:-1]:
                parent = parent[key]
            action = draw(st.sampled_from(["replace", "replace", "delete", "add"]))
            if action == "replace":
                parent[path[-1]] = draw(JSON_VALUES)
            elif action == "delete" and isinstance(parent, dict):
                del parent[path[-1]]
            elif isinstance(parent, dict):
                parent[draw(st.text(min_size=1, max_size=8))] = draw(JSON_VALUES)
        except (KeyError, IndexError, TypeError):
            pass  # an earlier mutation removed or retyped this path
    return data


def _is_good(rec: Record) -> bool:
    """An independent look at an accepted record: names, seed, every number finite and in range."""
    ranges = {m.name: m.range for m in get_task(rec.task.name).metrics}
    values = [*rec.metrics.values(), *(h.train_loss for h in rec.history), *(v for h in rec.history
                                                                              for v in h.val.values())]
    return (re.fullmatch(NAME_PATTERN, rec.task.name) is not None and re.fullmatch(NAME_PATTERN, rec.method.name)
            is not None and 0 <= rec.seed < 2**32 and all(math.isfinite(v) and abs(v) <= MAX_METRIC for v in values)
            and set(rec.metrics) == set(ranges) and all(ranges[k][0] <= v <= ranges[k][1]
                                                         for k, v in rec.metrics.items()))


@SETTINGS
@given(data=mutated_records())
def test_a_mutated_record_never_crashes_submit_and_only_good_ones_get_in(data):
    with tempfile.TemporaryDirectory() as tmp:
        root, path = Path(tmp) / "records", Path(tmp) / "sub" / "r.json"
        root.mkdir()
        path.parent.mkdir()
        path.write_text(json.dumps(data, allow_nan=True), encoding="utf-8")
        verdicts, placed = submit.submit([path], root)  # must not raise
        assert len(verdicts) == 1 and bool(placed) == verdicts[0].accepted
        if placed:
            rec = Record.model_validate_json(placed[0].read_bytes())
            assert _is_good(rec) and placed[0].resolve().is_relative_to(root.resolve())
        runs, rejected = collect([root, path.parent])  # the leaderboard reads both without raising
        assert len(runs) + len(rejected) >= 1
        for fmt in FORMATS:
            render_board(summarise(runs), fmt, Path(tmp))


METRIC_VALUES = st.floats(min_value=-MAX_METRIC, max_value=MAX_METRIC, allow_nan=False)


@settings(SETTINGS, max_examples=25)  # each example renders six formats and a table: ~0.2 s
@given(rows=st.lists(st.tuples(st.sampled_from(["m-a", "m-b", "m-c"]), st.integers(0, 3), METRIC_VALUES),
                     min_size=1, max_size=8))
def test_any_values_the_schema_admits_render_in_every_format(rows, write_record):
    """Extreme but admitted values (an unregistered task: no declared range) never crash a renderer."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "runs"
        for i, (method, seed, value) in enumerate(rows):
            write_record(root=root, task="toy-task", method=method, seed=seed, value=value, run_id=f"r{i}",
                         metric="score")
        runs, rejected = collect([root])
        assert not rejected
        board = summarise(runs)
        for fmt in FORMATS:
            render_board(board, fmt, Path(tmp))
        render_table(build_table(runs, ["toy-task"]))
