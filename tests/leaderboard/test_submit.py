"""`bench validate` / `bench submit`: one test per kind of bad record, a good one copied, and data stays data."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

import pytest

from cli.main import main
from harness.record import Record

FINGERPRINT = "965e177a4084a61b"


def good_record(run_id: str = "20260101-000000-abcdef123456-00001", seed: int = 0) -> dict:
    """A valid digits/linear record built by hand: no training needed."""
    return {
        "schema_version": 1, "run_id": run_id, "created_at": "2026-01-01T00:00:00+00:00",
        "status": "completed", "error": None,
        "task": {"name": "digits", "version": "1", "dataset_fingerprint": FINGERPRINT},
        "method": {"name": "linear", "version": "1"},
        "seed": seed, "profile": "smoke", "config_hash": "abcdef123456",
        "metrics": {"accuracy": 0.9, "f1_macro": 0.89, "balanced_accuracy": 0.9},
        "primary_metric": {"name": "accuracy", "higher_is_better": True},
        "history": [{"epoch": 1, "train_loss": 0.5, "val": {"accuracy": 0.88}, "seconds": 0.1}],
        "config": {"task": "digits", "method": {"name": "linear"}, "profile": "smoke", "seed": seed,
                   "trainer": {"epochs": 2}, "data": {"train_size": 256}, "resume": False, "output_dir": "runs"},
        "timings": {"train_seconds": 0.1, "eval_seconds": 0.01, "train_samples_per_second": 2560.0,
                    "eval_samples_per_second": 35900.0},
        "num_parameters": 650,
        "provenance": {"git_commit": "561d126992dae3939ee4523e3219012bd9c2f12b", "git_dirty": False,
                       "dlbench_version": "0.1.0", "python": "3.11.7", "torch": "2.14.1", "transformers": "5.24.0",
                       "accelerate": "1.15.0", "datasets": "5.2.0", "platform": "Linux", "device": "cpu: x86_64",
                       "world_size": 1, "per_device_batch_size": 64},
    }


def write(path: Path, data: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, allow_nan=True), encoding="utf-8")
    return path


def _set(data: dict, dotted: str, value) -> dict:
    data = copy.deepcopy(data)
    *parents, last = dotted.split(".")
    node = data
    for key in parents:
        node = node[key]
    node[last] = value
    return data


def _drop(data: dict, key: str) -> dict:
    data = copy.deepcopy(data)
    del data[key]
    return data


BAD = {
    "schema": (_drop(good_record(), "created_at"), "schema: created_at: Field required"),
    "schema-extra-key": (_set(good_record(), "leaderboard_rank", 1), "schema: leaderboard_rank"),
    "unknown-task": (_set(_set(good_record(), "task.name", "digitz"), "config.task", "digitz"),
                     "unknown task 'digitz'; did you mean 'digits'"),
    "task-version": (_set(good_record(), "task.version", "0"), "task digits is version 1 in the registry"),
    "metric-names": (_set(good_record(), "metrics", {"accuracy": 0.9, "f1": 0.8}),
                     "missing ['f1_macro', 'balanced_accuracy'], unexpected ['f1']"),
    "non-finite": (_set(good_record(), "metrics.f1_macro", float("nan")), "non-finite metric values: ['f1_macro']"),
    "out-of-range": (_set(good_record(), "metrics.accuracy", 1.5), "accuracy = 1.5 is outside its range [0.0, 1.0]"),
    "failed": (_set(_set(good_record(), "status", "failed"), "error", "boom"), "status is failed (boom)"),
    "provenance-commit": (_set(good_record(), "provenance.git_commit", None), "provenance.git_commit is missing"),
    "provenance-versions": (_set(good_record(), "provenance.torch", "unknown"), "lacks versions of ['torch']"),
    "unknown-method": (_set(_set(good_record(), "method.name", "linaer"), "config.method.name", "linaer"),
                       "unknown method 'linaer'; did you mean 'linear'?; a new method must land its baselines"),
    "config-task": (_set(good_record(), "config.task", "mnist"), "config.task is 'mnist' but the record says 'digits'"),
    "config-method": (_set(good_record(), "config.method.name", "mlp"), "config.method.name is 'mlp'"),
    "run-id-path": (_set(good_record(), "run_id", "../../escape"), "is not a plain name"),
}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "leaderboard"


def run_cli(*argv: str) -> int:
    return main(list(argv))


@pytest.mark.parametrize(("data", "reason"), BAD.values(), ids=BAD.keys())
def test_bad_record_is_rejected_with_its_reason(data, reason, tmp_path, root, capsys):
    path = write(tmp_path / "sub" / "record.json", data)
    assert run_cli("submit", str(path), f"root={root}") == 1
    out = capsys.readouterr().out
    assert f"{path}: " in out and reason in out, out
    assert [line for line in out.splitlines() if reason in line][0].startswith(f"{path}: ")
    assert not root.exists()  # nothing copied


def test_every_reason_is_printed(tmp_path, root, capsys):
    data = _set(_set(good_record(), "status", "failed"), "error", "boom")
    data = _set(_set(data, "provenance.git_commit", None), "metrics.accuracy", -0.5)
    path = write(tmp_path / "sub" / "record.json", data)
    assert run_cli("validate", str(path), f"root={root}") == 1
    lines = [x for x in capsys.readouterr().out.splitlines() if x.startswith(f"{path}: ")]
    assert len(lines) == 3 and "outside its range" in lines[0] and "status" in lines[1] and "git_commit" in lines[2]


def test_good_record_is_accepted_and_copied(tmp_path, root, capsys):
    data = good_record()
    path = write(tmp_path / "runs" / "digits" / "linear" / data["run_id"] / "record.json", data)
    write(path.parent / "checkpoint" / "state.json", {"epoch": 2})  # not a record: skipped in folders
    assert run_cli("validate", str(tmp_path / "runs"), f"root={root}") == 0
    assert not root.exists()  # validate only checks
    assert run_cli("submit", str(tmp_path / "runs"), f"root={root}") == 0
    copied = root / "digits" / "linear" / f"{data['run_id']}.json"
    assert json.loads(copied.read_text()) == Record.model_validate(data).model_dump(mode="json")
    out = capsys.readouterr().out
    assert "1 record(s): 1 accepted, 0 rejected" in out and f"-> {copied}" in out
    # the committed records validate against themselves; submitting the same run again does not
    assert run_cli("validate", str(root), f"root={root}") == 0
    assert run_cli("submit", str(path), f"root={root}") == 1
    assert "is already on the leaderboard" in capsys.readouterr().out


def test_duplicate_run_id_within_a_submission(tmp_path, root, capsys):
    first = write(tmp_path / "sub" / "a.json", good_record(seed=0))
    second = write(tmp_path / "sub" / "b.json", good_record(seed=1))
    assert run_cli("submit", str(tmp_path / "sub"), f"root={root}") == 1
    out = capsys.readouterr().out
    assert f"{second}: run_id 20260101-000000-abcdef123456-00001 appears twice in this submission (also {first})" in out
    assert "nothing copied" in out and not root.exists()


def test_dataset_fingerprint_must_match_accepted_records(tmp_path, root, capsys):
    write(root / "digits" / "linear" / "old.json", good_record(run_id="old"))
    path = write(tmp_path / "new.json", _set(good_record(run_id="new"), "task.dataset_fingerprint", "0000"))
    assert run_cli("validate", str(path), f"root={root}") == 1
    assert f"{path}: dataset fingerprint 0000 differs" in capsys.readouterr().out
    # another profile caps the data differently, so it has its own fingerprint
    other = _set(_set(_set(good_record(run_id="new"), "task.dataset_fingerprint", "0000"), "profile", "default"),
                 "config.profile", "default")
    assert run_cli("validate", str(write(tmp_path / "default.json", other)), f"root={root}") == 0


@pytest.mark.parametrize(("argv", "message"), [
    (["validate"], "needs record files or folders"),
    (["submit", "root=/tmp"], "needs record files or folders"),
    (["validate", "/no/such/record.json"], "path does not exist: /no/such/record.json"),
    (["validate", ".", "rooot=/tmp"], "unknown option 'rooot'"),
])
def test_usage_errors_exit_2_with_one_line(argv, message, capsys):
    assert run_cli(*argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_empty_folder_is_a_usage_error(tmp_path, capsys):
    assert run_cli("validate", str(tmp_path)) == 2
    assert "no record JSON files" in capsys.readouterr().err


def test_a_malicious_submission_stays_data(tmp_path, root, monkeypatch, capsys):
    """Names and payloads in a submission are never imported, unpickled or executed."""
    marker = tmp_path / "pwned"
    module = tmp_path / "mods" / "evilmod.py"
    module.parent.mkdir()
    module.write_text(f"open({str(marker)!r}, 'w').close()\n")
    monkeypatch.syspath_prepend(str(module.parent))
    shell = f"os.system('touch {marker}')"
    data = _set(_set(good_record(), "method.name", shell), "config.method.name", shell)
    data = _set(data, "task.name", "evilmod")
    data["config"].update({"_target_": "evilmod.run", "__reduce__": ["os.system", [f"touch {marker}"]],
                           "__class__": "subprocess.Popen", "py/object": "evilmod.Evil"})
    evil = write(tmp_path / "sub" / "a.json", data)
    pickled = tmp_path / "sub" / "b.json"
    pickled.write_bytes(b"\x80\x04cos\nsystem\n(Vtouch " + str(marker).encode() + b"\ntR.")  # a pickle, not JSON
    assert run_cli("submit", str(evil.parent), f"root={root}") == 1
    out = capsys.readouterr().out
    assert f"{evil}: unknown method 'os.system('touch" in out and f"{evil}: unknown task 'evilmod'" in out
    assert f"{pickled}: not JSON" in out
    assert not marker.exists() and "evilmod" not in sys.modules and not root.exists()
