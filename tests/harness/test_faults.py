"""Faults: SIGKILL mid-training then resume, a killed sweep, a kill between checkpoint renames, concurrent
record writers, and an unwritable or full output folder."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from collections import namedtuple
from pathlib import Path

import pytest

from cli.main import main
from harness import checkpoint, rundir
from harness.config import compose
from harness.record import load_record
from harness.runner import run

ROOT = Path(__file__).resolve().parents[2]


def _epoch(state: Path) -> int:
    try:
        return json.loads(state.read_text())["epoch"]
    except (OSError, ValueError, KeyError):
        return 0  # not there yet, or swapped in right now


def test_sigkill_mid_training_then_the_same_command_resumes_to_the_same_metrics(tmp_path):
    args = ["task=digits", "method=mlp", "profile=smoke", "data.train_size=null", "trainer.epochs=20", "resume=true"]
    reference = run(compose([*args, f"output_dir={tmp_path / 'reference'}"])).record

    out = tmp_path / "runs"
    command = [sys.executable, "-m", "cli", "run", *args, f"output_dir={out}"]
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while not any(_epoch(s) >= 1 for s in out.glob("digits/mlp/*/checkpoint/state.json")):
        assert proc.poll() is None and time.monotonic() < deadline, "the run ended before its first checkpoint"
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    (run_dir,) = out.glob("digits/mlp/*")
    assert not (run_dir / "record.json").exists(), "killed too late: training had finished"

    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert list(out.glob("digits/mlp/*")) == [run_dir]  # continued in the same folder
    assert "resumed from" in (run_dir / "run.log").read_text()
    resumed = load_record(run_dir / "record.json")
    assert resumed.status == "completed"
    assert resumed.metrics == reference.metrics
    assert [h.train_loss for h in resumed.history] == [h.train_loss for h in reference.history]


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie has stopped; only its reaping is left


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the worker's parent-death signal is Linux's")
def test_killing_a_sweep_ends_the_run_its_worker_is_training(tmp_path):
    out = tmp_path / "runs"
    args = ["task=digits", "method=mlp", "profile=smoke", "data.train_size=null", "trainer.epochs=100000"]
    sweep = subprocess.Popen([sys.executable, "-m", "cli", "sweep", *args, "seed=0,1", f"output_dir={out}"],
                             cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while not any(_epoch(s) >= 1 for s in out.glob("digits/mlp/*/checkpoint/state.json")):
        assert sweep.poll() is None and time.monotonic() < deadline, "the sweep ended before its first checkpoint"
        time.sleep(0.05)
    workers = [int(pid) for pid in Path(f"/proc/{sweep.pid}/task/{sweep.pid}/children").read_text().split()]
    assert workers
    os.kill(sweep.pid, signal.SIGKILL)
    sweep.wait()
    deadline = time.monotonic() + 60
    try:
        while any(_running(pid) for pid in workers):
            assert time.monotonic() < deadline, "a worker kept training after its sweep was killed"
            time.sleep(0.1)
    finally:  # on failure, do not leave it training 100,000 epochs
        for pid in filter(_running, workers):
            os.kill(pid, signal.SIGKILL)


def test_a_kill_between_the_checkpoint_renames_is_recovered(smoke_args, tmp_path, monkeypatch):
    args = smoke_args("digits", "mlp", "trainer.epochs=3")
    reference = run(compose(args)).record
    real_save, saves = checkpoint.save, []

    def save_then_interrupt(*a, **kw):
        real_save(*a, **kw)
        saves.append(1)
        if len(saves) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(checkpoint, "save", save_then_interrupt)
    assert main(["run", *args]) == 130
    monkeypatch.setattr(checkpoint, "save", real_save)
    (run_dir,) = [p.parent for p in (tmp_path / "runs").glob("digits/mlp/*/record.json")
                  if load_record(p).status == "failed"]
    # the state checkpoint.save leaves when killed after `checkpoint -> checkpoint.old`, before `tmp -> checkpoint`
    (run_dir / "checkpoint").rename(run_dir / "checkpoint.old")
    (run_dir / "checkpoint.tmp").mkdir()
    (run_dir / "checkpoint.tmp" / "model.safetensors").write_bytes(b"half written")

    resumed = run(compose([*args, "resume=true"]))
    assert resumed.run_dir == run_dir
    assert resumed.record.metrics == reference.metrics
    assert [h.train_loss for h in resumed.record.history] == [h.train_loss for h in reference.history]
    assert sorted(p.name for p in run_dir.glob("checkpoint*")) == ["checkpoint"]


WRITER = """
import json, sys, time
from pathlib import Path
from harness.record import Record
from harness.rundir import RECORD, new_run_id
base, root, start, seed = json.loads(sys.argv[1]), Path(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
time.sleep(max(0.0, start - time.time()))
for _ in range(5):
    run_id = new_run_id(base["config_hash"])  # one config everywhere: the worst case for folder names
    record = Record.model_validate({**base, "run_id": run_id, "seed": seed})
    record.write(root / "digits" / "linear" / run_id / RECORD)
    record.write(root / "same.json")  # and every writer on one path at once
"""


def test_eight_runs_finishing_at_once_lose_and_corrupt_nothing(tmp_path):
    base = json.loads(next((ROOT / "leaderboard" / "records" / "digits" / "linear").glob("*.json")).read_text())
    start = time.time() + 3  # after every interpreter has started
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, json.dumps(base), str(tmp_path), str(start), str(i)],
                                cwd=ROOT) for i in range(8)]
    assert [w.wait() for w in writers] == [0] * 8
    records = sorted(tmp_path.glob("digits/linear/*/record.json"))
    assert len(records) == 40  # no two runs shared a folder
    loaded = [load_record(p) for p in records]  # every one complete and valid
    assert sorted(r.seed for r in loaded) == sorted(list(range(8)) * 5)
    assert load_record(tmp_path / "same.json").seed in range(8)
    assert not [p for p in tmp_path.rglob("*") if p.name.startswith(".")]  # no temporary files left


def test_run_ids_of_one_config_in_one_second_differ():
    assert len({rundir.new_run_id("0123456789ab") for _ in range(2000)}) == 2000


def test_a_full_output_folder_fails_before_training(smoke_args, tmp_path, capsys, monkeypatch):
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(rundir.shutil, "disk_usage", lambda path: usage(2**40, 2**40 - 2**20, 2**20))
    assert main(["run", *smoke_args("digits", "linear")]) == 2
    err = capsys.readouterr().err
    assert "has 1 MiB free but a run needs about 64 MiB" in err and err.count("\n") == 1
    assert not (tmp_path / "runs" / "digits").exists()


def test_an_unwritable_output_folder_fails_before_training(smoke_args, tmp_path, capsys, monkeypatch):
    def read_only(self, data):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(self))

    monkeypatch.setattr(Path, "write_bytes", read_only)
    assert main(["run", *smoke_args("digits", "linear")]) == 2
    err = capsys.readouterr().err
    assert "is not writable (Read-only file system)" in err and err.count("\n") == 1
    assert not (tmp_path / "runs" / "digits").exists()


def test_checkpoint_space_estimate_grows_with_the_model():
    assert rundir.bytes_needed(1_000) == rundir.MIN_FREE_BYTES
    assert rundir.bytes_needed(100_000_000) > 2 * 10**9  # weights + two Adam moments, twice during a swap
