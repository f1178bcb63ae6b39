"""`bench sweep`: grid expansion, checks before any run, skip on re-run, failures, the SLURM launcher."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from cli.main import main
from harness import launchers
from harness.errors import UserError
from harness.sweep import expand, plan


def test_grid_uses_hydras_sweep_grammar():
    grid, swept = expand(["task=digits", "method=linear,mlp", "seed=range(0,2)", 'output_dir="/tmp/a b"'])
    assert swept == ["method", "seed"]
    assert [[a for a in p if a.startswith(("method", "seed"))] for p in grid] == [
        ["method=linear", "seed=0"], ["method=linear", "seed=1"], ["method=mlp", "seed=0"], ["method=mlp", "seed=1"]]
    assert all(p[0] == "task=digits" and p[-1] == 'output_dir="/tmp/a b"' for p in grid)


def test_a_huge_range_is_refused_before_anything_is_listed(capsys):
    """range(0,100000000) used to be listed (14 GB in a minute); its size is now known from start/stop/step."""
    start = time.perf_counter()
    with pytest.raises(UserError) as err:
        expand(["task=digits", "method=linear,mlp", "seed=range(0,100000000)"])
    assert time.perf_counter() - start < 2
    message = str(err.value)
    assert "200,000,000 runs (method 2 x seed 100,000,000)" in message and "max_runs=10,000" in message
    assert "raise the limit with max_runs=200000000" in message and "\n" not in message
    assert main(["sweep", "task=digits", "method=cnn", "seed=range(0,100000000)", "max_runs=100"]) == 2
    captured = capsys.readouterr()
    assert "100,000,000 runs (seed 100,000,000), more than max_runs=100" in captured.err and captured.out == ""


def test_max_runs_bounds_the_grid():
    args = ["task=digits", "method=linear,mlp", "seed=range(0,3)", "profile=smoke"]
    with pytest.raises(UserError, match=r"the grid has 6 runs \(method 2 x seed 3\), more than max_runs=5"):
        expand(args, max_runs=5)
    points = plan(*expand(args, max_runs=6), rerun=False)
    assert [p.label for p in points] == [f"digits/{m} seed={s}" for m in ("linear", "mlp") for s in range(3)]
    # a float range is counted as Hydra steps it (in Decimal): 0.1, 0.2, ... 0.9
    assert len(expand(["trainer.lr=range(0.1,1,0.1)"], max_runs=9)[0]) == 9
    with pytest.raises(UserError, match="the grid has 9 runs"):
        expand(["trainer.lr=range(0.1,1,0.1)"], max_runs=8)


BAD = [
    (["method=linear,mlpp", "seed=0,1"], "grid point task=digits method=mlpp seed=0"),
    (["method=linear,mlpp", "seed=0,1"], "did you mean 'mlp'?"),
    (["method=linear", "trainer.lr=interval(0,1)"], "cannot be listed"),
    (["method=linear", "trainer.epochz=1,2"], "unknown key 'trainer.epochz'"),
    (["method=linear", "jobz=2"], "unknown key 'jobz'"),
    (["method=linear", "jobs=0"], "invalid value 0 for 'jobs'"),
    (["method=linear", "max_runs=0"], "invalid value 0 for 'max_runs'"),
    (["method=linear", "seed=range(0,3,0)"], "a range's step must not be 0"),
    (["method=linear", "seed=range(3,0)"], "sweeps over no values"),
    (["method=linear", "jobs=1,2"], "`bench sweep` takes one value per key"),
    (["method=linear", "launcher=slurn"], "unknown launcher 'slurn'; did you mean 'slurm'?"),
    (["method=linear", "slurm.gpus=1"], "unknown option 'slurm.gpus'"),
]


@pytest.mark.parametrize(("extra", "message"), BAD, ids=[m for _, m in BAD])
def test_a_bad_grid_point_exits_2_before_anything_runs(extra, message, tmp_path, capsys):
    out = tmp_path / "runs"
    assert main(["sweep", "task=digits", *extra, "profile=smoke", f"output_dir={out}"]) == 2
    captured = capsys.readouterr()
    assert message in captured.err and captured.err.count("\n") == 1
    assert captured.out == "" and not out.exists()


@pytest.fixture
def mnist_path(tmp_path, hub_fixture_writer) -> Path:
    """A tiny mnist in the hub's layout: the run that works, beside one whose data.path is a file."""
    from harness import registry

    return hub_fixture_writer(tmp_path / "mnist", registry.get_task("mnist").hub, (28, 28))


def test_sweep_runs_reports_failures_then_skips_what_is_done(tmp_path, mnist_path, capsys):
    """A run that fails (its data.path is a file) does not stop the other; a re-run skips the done one."""
    out, not_a_folder = tmp_path / "runs", tmp_path / "a-file"
    not_a_folder.write_text("")  # passes the checks before the sweep; the run's loader refuses it
    args = ["sweep", "task=mnist", "method=linear", "profile=smoke", "trainer.epochs=1",
            f"data.path={mnist_path},{not_a_folder}", f"output_dir={out}"]
    assert main([*args, "jobs=2"]) == 1
    log = capsys.readouterr().out
    assert "sweep: 2 run(s) over data.path; launcher local, 2 at a time" in log
    assert "1 done, 0 skipped, 1 failed" in log
    assert f"failed   mnist/linear seed=0 data.path={not_a_folder}: data.path" in log and "is not a folder" in log
    records = sorted(out.glob("mnist/linear/*/record.json"))
    assert len(records) == 1 and str(records[0]) in log
    assert f"done     mnist/linear seed=0 data.path={mnist_path}  accuracy " in log
    assert (out / ".sweep").is_dir()  # each run's output went to a log, not to the terminal

    assert main([*args[:5], f"data.path={mnist_path}", *args[6:]]) == 0  # nothing left to run: no worker starts
    log = capsys.readouterr().out
    assert f"skip: {records[0]}" in log and "0 done, 1 skipped, 0 failed" in log
    assert sorted(out.glob("mnist/linear/*/record.json")) == records
    points = plan(*expand(args[1:]), rerun=False)
    assert [p.existing for p in points] == [records[0], None]
    assert all(p.existing is None for p in plan(*expand(args[1:]), rerun=True))
    assert all("resume=true" in p.args for p in points)


def test_slurm_launcher_through_submitits_local_executor(tmp_path, mnist_path, capsys, monkeypatch):
    """The real submitit code path, with LocalExecutor standing in for the cluster."""
    monkeypatch.setattr(launchers, "SUBMITIT_CLUSTER", "local")
    out, not_a_folder = tmp_path / "runs", tmp_path / "a-file"
    not_a_folder.write_text("")
    code = main(["sweep", "task=mnist", "method=linear", "profile=smoke", "trainer.epochs=1",
                 f"data.path={mnist_path},{not_a_folder}", f"output_dir={out}", "launcher=slurm",
                 "slurm.gpus_per_run=0", "slurm.time_min=10", "jobs=2"])
    log = capsys.readouterr().out
    assert code == 1, log
    assert "submitted 2 job(s) to local" in log and "1 done, 0 skipped, 1 failed" in log
    assert f"failed   mnist/linear seed=0 data.path={not_a_folder}: data.path" in log and "is not a folder" in log
    records = list(out.glob("mnist/linear/*/record.json"))
    assert len(records) == 1 and str(records[0]) in log


def test_slurm_launcher_needs_sbatch(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(launchers.shutil, "which", lambda name: None)
    assert main(["sweep", "task=digits", "method=linear", "profile=smoke", "launcher=slurm",
                 f"output_dir={tmp_path}"]) == 2
    captured = capsys.readouterr()
    assert "launcher=slurm needs SLURM's sbatch" in captured.err and captured.out == ""


def test_list_imports_no_torch_hydra_or_submitit():
    code = ("import sys\nfrom cli.main import main\nassert main(['list']) == 0\n"
            "heavy = [m for m in ('torch', 'hydra', 'omegaconf', 'submitit', 'accelerate') if m in sys.modules]\n"
            "assert not heavy, heavy\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=Path(__file__).parents[2])
    assert proc.returncode == 0, proc.stderr


def test_records_are_read_through_the_record_schema(tmp_path):
    """A record.json that says "completed" but is not a valid Record neither skips a run nor counts as done."""
    import json

    from harness import rundir
    from harness.sweep import completed_records

    good = json.loads(next((Path(__file__).parents[2] / "leaderboard" / "records").rglob("*.json")).read_text())
    root = tmp_path / "digits" / "linear"
    for name, data in {"a-good": good, "b-bad": {**good, "metrics": "not a dict"}}.items():
        (root / name).mkdir(parents=True)
        (root / name / rundir.RECORD).write_text(json.dumps(data))
    assert list(completed_records(root).values()) == [root / "a-good" / rundir.RECORD]
    assert rundir.is_completed(root / "a-good") and not rundir.is_completed(root / "b-bad")
    job = launchers.Job(0, (), "digits/linear", tmp_path / "log")
    done = launchers.outcome_from_record(job, str(root / "a-good" / rundir.RECORD), 1.0)
    assert done.status == "done" and done.score.startswith(good["primary_metric"]["name"])
    bad = launchers.outcome_from_record(job, str(root / "b-bad" / rundir.RECORD), 1.0)
    assert bad.status == "failed" and "record unreadable" in bad.reason and "invalid record at 'metrics'" in bad.reason
