"""resume=true at the edges: a run killed before its first checkpoint restarts in its own folder; one killed
after its record was written is not trained again; "latest" is the last run to start or finish."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli.main import main
from harness import checkpoint, rundir
from harness.config import compose
from harness.record import load_record
from harness.runner import Run, run

ROOT = Path(__file__).resolve().parents[2]
HASH = "0123456789ab"


def _record(status: str, created_at: str, version: str) -> dict:
    record = json.loads(next((ROOT / "leaderboard" / "records").rglob("*.json")).read_text())
    record["task"]["version"] = version
    return {**record, "status": status, "created_at": created_at, "config_hash": HASH}


def _folder(root: Path, started: str, *, checkpoint: bool = False, record: tuple[str, str] | None = None,
            version: str = "1") -> Path:
    """A run folder as a run leaves it: config.yaml, then maybe a checkpoint, then maybe a record."""
    run_dir = root / f"{started}-{HASH}-00001-abcdef"
    run_dir.mkdir(parents=True)
    (run_dir / rundir.CONFIG).write_text("task: digits\n")
    if checkpoint:
        (run_dir / rundir.CHECKPOINT).mkdir()
        (run_dir / rundir.CHECKPOINT / "state.json").write_text('{"epoch": 1}')
    if record is not None:
        status, finished = record
        (run_dir / rundir.RECORD).write_text(json.dumps(_record(status, finished, version)))
    return run_dir


DONE_AT_10 = ("completed", "2026-01-01T10:00:00+00:00")
CASES = {  # folders (started, checkpoint, record, task version) -> (the one picked, its state)
    "an orphan restarts in place": ([("20260101-090000", False, None, "1")], 0, "restart"),
    "a checkpoint continues": ([("20260101-090000", True, None, "1"), ("20260101-080000", False, None, "1")],
                               0, "checkpoint"),
    "an older checkpoint beats a newer orphan": (
        [("20260101-090000", True, None, "1"), ("20260101-093000", False, None, "1")], 0, "checkpoint"),
    "older completed, newer orphan": ([("20260101-080000", True, DONE_AT_10, "1"),
                                       ("20260101-100001", False, None, "1")], 1, "restart"),
    "older completed, newer cut off": ([("20260101-080000", True, DONE_AT_10, "1"),
                                        ("20260101-100000", True, ("failed", "2026-01-01T11:00:00+00:00"), "1")],
                                       1, "checkpoint"),
    "the latest run completed": ([("20260101-080000", True, None, "1"), ("20260101-090000", True, DONE_AT_10, "1")],
                                 1, "completed"),
    "an orphan left before a later run completed": (
        [("20260101-093000", False, None, "1"), ("20260101-090000", True, DONE_AT_10, "1")], 1, "completed"),
    "a completed record of another task version is ignored": (
        [("20260101-090000", True, DONE_AT_10, "0"), ("20260101-080000", False, None, "1")], 1, "restart"),
}


@pytest.mark.parametrize("case", CASES)
def test_which_folder_resume_picks(case, tmp_path):
    folders, picked, state = CASES[case]
    root = rundir.run_root(str(tmp_path), "digits", "linear")
    made = [_folder(root, started, checkpoint=ckpt, record=rec, version=v) for started, ckpt, rec, v in folders]
    _folder(root.parent / "mlp", "20260101-110000")  # another method's folder is never a candidate
    assert rundir.find_resumable(str(tmp_path), "digits", "linear", HASH, "1") == rundir.Resumable(made[picked], state)


def test_nothing_to_resume(tmp_path):
    assert rundir.find_resumable(str(tmp_path), "digits", "linear", HASH, "1") is None
    _folder(rundir.run_root(str(tmp_path), "digits", "linear"), "20260101-090000", record=DONE_AT_10, version="0")
    assert rundir.find_resumable(str(tmp_path), "digits", "linear", HASH, "1") is None


def test_an_orphan_restarts_in_place_then_a_complete_run_is_not_trained_again(smoke_args, capsys, monkeypatch):
    args = smoke_args("digits", "linear", "trainer.epochs=1", "resume=true")
    cfg = compose(args)
    orphan = rundir.run_root(cfg.output_dir, cfg.task, cfg.method_name) / rundir.new_run_id(cfg.hash())
    orphan.mkdir(parents=True)  # killed before its first checkpoint: a config.yaml and a log line
    (orphan / rundir.CONFIG).write_text("stale: true\n")
    (orphan / rundir.LOG).write_text("first start\n")

    result = run(cfg)
    assert result.run_dir == orphan and list(orphan.parent.iterdir()) == [orphan]
    assert result.record.status == "completed" and [h.epoch for h in result.record.history] == [1]
    assert "stale" not in (orphan / rundir.CONFIG).read_text()
    log = (orphan / rundir.LOG).read_text()
    assert log.startswith("first start\n") and "stopped before its first checkpoint" in log
    record_bytes = (orphan / rundir.RECORD).read_bytes()
    capsys.readouterr()

    def no_training(*a, **kw):
        raise AssertionError("a completed run was started again")

    monkeypatch.setattr(Run, "_run_dir", no_training)
    monkeypatch.setattr(checkpoint, "save", no_training)
    assert main(["run", *args]) == 0
    out = capsys.readouterr().out
    assert (f"resume=true: run {orphan} of this config is already complete (record {orphan / rundir.RECORD}); "
            "nothing to do") in out
    assert (orphan / rundir.RECORD).read_bytes() == record_bytes and list(orphan.parent.iterdir()) == [orphan]
    again = run(cfg)
    assert again.run_dir == orphan and again.record == load_record(orphan / rundir.RECORD) == result.record
