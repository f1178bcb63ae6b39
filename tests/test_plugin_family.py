"""A new family changes no file in harness/: examples/toy_family.py adds a family, a task and a method
from a plugin module (DLBENCH_PLUGINS), and the real `bench` executable lists, runs, evaluates and
ranks them end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(sys.executable).parent / "bench"
PLUGIN = "examples.toy_family"
SEEDS = (0, 1)


def bench(*args: str, cwd: Path, plugins: str = PLUGIN, pythonpath: tuple[Path, ...] = ()
          ) -> subprocess.CompletedProcess:
    """The installed `bench` executable, with the plugin (and the repository root) importable."""
    env = {**os.environ, "DLBENCH_PLUGINS": plugins,
           "PYTHONPATH": os.pathsep.join(str(p) for p in (ROOT, *pythonpath))}
    return subprocess.run([str(BENCH), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def toy_family():
    """The plugin module, imported here (it registers its family, task and method), then unregistered so
    that the registry-parametrised tests of this session do not meet it."""
    import importlib

    from harness import registry

    loaded = PLUGIN in sys.modules
    module = importlib.import_module(PLUGIN)
    yield module
    if not loaded:
        for name in (module.FAMILY.name, module.TASK.name, "toy-linear"):
            registry.unregister(name)
        del sys.modules[PLUGIN]


def test_least_squares_reference_is_what_the_data_gives(toy_family):
    """The task's reference number, recomputed here from its generated splits."""
    (x, y), (xt, yt) = toy_family.make_split("train"), toy_family.make_split("test")
    with_intercept = np.c_[x, np.ones(len(x))].astype(np.float64)
    w = np.linalg.lstsq(with_intercept, y.astype(np.float64), rcond=None)[0]
    rmse = float(np.sqrt(np.mean((np.c_[xt, np.ones(len(xt))] @ w - yt) ** 2)))
    (reference,) = toy_family.TASK.references
    assert reference.value == pytest.approx(rmse, abs=5e-5)


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> tuple[Path, list[dict]]:
    """Two seeds of toy-linear on toy-line, run by `bench run` with the plugin loaded."""
    work = tmp_path_factory.mktemp("plugin")
    for seed in SEEDS:
        args = ("task=toy-line", "method=toy-linear", f"seed={seed}", f"output_dir={work / 'runs'}")
        proc = bench("run", *args, cwd=work)
        assert proc.returncode == 0, proc.stderr[-2000:]
    paths = sorted((work / "runs" / "toy-line" / "toy-linear").glob("*/record.json"))
    return work, [json.loads(p.read_text()) | {"dir": str(p.parent)} for p in paths]


def test_bench_list_shows_the_plugin_family_task_and_method(tmp_path):
    proc = bench("list", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    family = proc.stdout.split("toy-regression\n", 1)[1]
    assert "task    toy-line" in family and "method  toy-linear" in family


def test_runs_complete_near_the_least_squares_reference(runs, toy_family):
    _, records = runs
    assert sorted(r["seed"] for r in records) == list(SEEDS)
    for record in records:
        assert record["status"] == "completed" and set(record["metrics"]) == {"rmse", "r2"}
        assert record["metrics"]["rmse"] == pytest.approx(toy_family.LSTSQ_TEST_RMSE, abs=0.01)


def test_bench_evaluate_reproduces_the_recorded_metrics(runs):
    work, records = runs
    out = work / "evaluated.json"
    proc = bench("evaluate", records[0]["dir"], f"out={out}", cwd=work)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert json.loads(out.read_text())["metrics"] == records[0]["metrics"]


def test_bench_leaderboard_ranks_the_plugin_method(runs):
    work, records = runs
    proc = bench("leaderboard", f"dirs=[{work / 'runs'}]", "format=json", cwd=work)
    assert proc.returncode == 0, proc.stderr
    (row,) = json.loads(proc.stdout)
    assert (row["task"], row["method"], row["metric"], row["rank"], row["n_seeds"]) == (
        "toy-line", "toy-linear", "rmse", 1, len(SEEDS))
    assert row["mean"] == pytest.approx(np.mean([r["metrics"]["rmse"] for r in records]), abs=1e-9)


BAD_METHODS = {
    "unknown family": ('fits=("toy-regresion",), objective="mse"', "did you mean 'toy-regression'"),
    "objective the family lacks": ('fits=("toy-regression",), objective="cross_entropy"', "offers mse"),
}


@pytest.mark.parametrize("case", sorted(BAD_METHODS))
def test_a_method_for_a_family_that_cannot_take_it_fails_at_registration(case, tmp_path):
    fields, expected = BAD_METHODS[case]
    (tmp_path / "bad_plugin.py").write_text(
        "from dataclasses import dataclass\n\nfrom harness.registry import register_method\n\n\n"
        "@dataclass\nclass P:\n    pass\n\n\n"
        f'register_method(name="bad", version="1", {fields}, params=P, description="x")(lambda info, p: None)\n')
    proc = bench("list", plugins=f"{PLUGIN},bad_plugin", cwd=tmp_path, pythonpath=(tmp_path,))
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("bench: error: "), proc.stderr
    assert "method 'bad'" in proc.stderr and expected in proc.stderr


def test_a_plugin_with_an_invalid_spec_is_one_line_and_exit_2(tmp_path):
    """A registry refusal inside a plugin (here a hub revision that is not a commit) is bad input, not a crash."""
    (tmp_path / "bad_hub_plugin.py").write_text(
        "from harness.specs import HubSource\nHubSource('org/data', 'main')\n", encoding="utf-8")
    env = {**os.environ, "DLBENCH_PLUGINS": "bad_hub_plugin", "PYTHONPATH": str(tmp_path)}
    proc = subprocess.run([str(Path(sys.executable).parent / "bench"), "list"], capture_output=True, text=True,
                          env=env)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert "DLBENCH_PLUGINS: 'bad_hub_plugin' registers an invalid entry" in proc.stderr
    assert "not a 40-hex commit id" in proc.stderr


def test_a_plugin_method_whose_name_is_a_path_is_refused(tmp_path):
    """A method named `../../../../escaped` once wrote its run folder outside output_dir."""
    (tmp_path / "path_plugin.py").write_text(
        "from dataclasses import dataclass\n\nfrom harness.registry import register_method\n\n\n"
        "@dataclass\nclass P:\n    pass\n\n\n"
        'register_method(name="../../../../escaped", version="1", fits=("classification",), params=P, '
        'description="x")(lambda info, p: None)\n')
    proc = bench("list", plugins="path_plugin", cwd=tmp_path, pythonpath=(tmp_path,))
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1, proc.stderr
    assert "method name '../../../../escaped' is not allowed" in proc.stderr
