"""`bench validate` / `bench submit`: one test per kind of bad record, a good one copied, and data stays data."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

import pytest

from cli.main import main
from harness.config import build_config
from harness.record import Record
from harness.registry import get_method, get_task

FINGERPRINT = "965e177a4084a61b"


def smoke_config(seed: int = 0, profile: str = "smoke") -> dict:
    """digits/linear's resolved config, as a run writes it into its record."""
    return build_config(get_task("digits"), get_method("linear"), profile, [("seed", seed)]).to_dict()


CONFIGS = {(seed, profile): smoke_config(seed, profile) for seed in (0, 1) for profile in ("smoke", "default")}


def config_hash(config: dict) -> str:
    from harness.config import from_dict

    return from_dict(config).hash()


def good_record(run_id: str = "20260101-000000-abcdef123456-00001", seed: int = 0, profile: str = "smoke") -> dict:
    """A valid digits/linear record built by hand: no training needed."""
    config = copy.deepcopy(CONFIGS[seed, profile])
    return {
        "schema_version": 1, "run_id": run_id, "created_at": "2026-01-01T00:00:00+00:00",
        "status": "completed", "error": None,
        "task": {"name": "digits", "version": "1", "dataset_fingerprint": FINGERPRINT},
        "method": {"name": "linear", "version": "1"},
        "seed": seed, "profile": profile, "config_hash": config_hash(config),
        "metrics": {"accuracy": 0.9, "f1_macro": 0.89, "balanced_accuracy": 0.9},
        "primary_metric": {"name": "accuracy", "higher_is_better": True},
        "history": [{"epoch": 1, "train_loss": 0.5, "val": {"accuracy": 0.88}, "seconds": 0.1}],
        "config": config,
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
        node = node[int(key)] if isinstance(node, list) else node[key]
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
    "non-finite": (_set(good_record(), "metrics.f1_macro", float("nan")), "metrics.f1_macro: Input should be a finite"),
    "out-of-range": (_set(good_record(), "metrics.accuracy", 1.5), "accuracy = 1.5 is outside its range [0.0, 1.0]"),
    "failed": (_set(_set(good_record(), "status", "failed"), "error", "boom"), "status is failed (boom)"),
    "provenance-commit": (_set(good_record(), "provenance.git_commit", None), "provenance.git_commit is missing"),
    "provenance-versions": (_set(good_record(), "provenance.torch", "unknown"), "lacks versions of ['torch']"),
    "unknown-method": (_set(_set(good_record(), "method.name", "linaer"), "config.method.name", "linaer"),
                       "unknown method 'linaer'; did you mean 'linear'?; a new method must land its baselines"),
    "config-task": (_set(good_record(), "config.task", "mnist"), "config.task is 'mnist' but the record says 'digits'"),
    "config-method": (_set(good_record(), "config.method.name", "mlp"), "config.method.name is 'mlp'"),
    "run-id-path": (_set(good_record(), "run_id", "../../escape"), "schema: run_id: String should match pattern"),
    "run-id-long": (_set(good_record(), "run_id", "a" * 250), "schema: run_id: String should match pattern"),
    # strict JSON and strict types: each of these once passed every check (issue 19)
    "history-nan": (_set(good_record(), "history.0.train_loss", float("nan")),
                    "schema: history.0.train_loss: Input should be a finite number"),
    "history-inf": (_set(good_record(), "history.0.val.accuracy", float("inf")),
                    "schema: history.0.val.accuracy: Input should be a finite number"),
    "config-nan": (_set(good_record(), "config.trainer.lr", float("nan")), "config.trainer.lr is nan"),
    "huge-metric": (_set(good_record(), "metrics.accuracy", 1.7e308), "metrics.accuracy: Input should be less than"),
    "bool-metric": (_set(good_record(), "metrics.accuracy", True), "metrics.accuracy: Input should be a valid number"),
    "string-metric": (_set(good_record(), "metrics.accuracy", "0.9"), "metrics.accuracy: Input should be a valid"),
    "seed-huge": (_set(good_record(), "seed", 10**30), "schema: seed: Input should be less than or equal to 429496"),
    "seed-negative": (_set(good_record(), "seed", -5), "schema: seed: Input should be greater than or equal to 0"),
    "seed-float": (_set(good_record(), "seed", 0.0), "schema: seed: Input should be a valid integer"),
    "created-at": (_set(good_record(), "created_at", "not a date"), "created_at: Value error, not an ISO 8601"),
    "config-hash-garbage": (_set(good_record(), "config_hash", "garbage!"), "schema: config_hash: String should match"),
    "config-hash-other": (_set(good_record(), "config_hash", "0123456789ab"),
                          "config_hash 0123456789ab is not the hash of the recorded config"),
    "config-epochs": (_set(good_record(), "config.trainer.epochs", -3),
                      "config does not rebuild: invalid value -3 for 'trainer.epochs'"),
    "fd-negative": (_set(_set(_set(good_record(), "task.name", "digits-gen"), "metrics", {"fd": -1000.0}),
                         "primary_metric", {"name": "fd", "higher_is_better": False}),
                    "metric fd = -1000.0 is outside its range [0.0, inf]"),
}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    path = tmp_path / "leaderboard"
    path.mkdir()
    return path


def records_in(root: Path) -> list[Path]:
    """Every file under the records folder but the lock: what a submit left there."""
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name != ".submit.lock")


def run_cli(*argv: str) -> int:
    return main(list(argv))


@pytest.mark.parametrize(("data", "reason"), BAD.values(), ids=BAD.keys())
def test_bad_record_is_rejected_with_its_reason(data, reason, tmp_path, root, capsys):
    path = write(tmp_path / "sub" / "record.json", data)
    assert run_cli("submit", str(path), f"root={root}") == 1
    out = capsys.readouterr().out
    assert f"{path}: " in out and reason in out, out
    assert [line for line in out.splitlines() if reason in line][0].startswith(f"{path}: ")
    assert not records_in(root)  # nothing copied


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
    assert not records_in(root)  # validate only checks
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
    assert "nothing copied" in out and not records_in(root)


OTHER = "00000000000000ff"


def test_dataset_fingerprint_must_match_accepted_records(tmp_path, root, capsys):
    write(root / "digits" / "linear" / "old.json", good_record(run_id="old"))
    path = write(tmp_path / "new.json", _set(good_record(run_id="new"), "task.dataset_fingerprint", OTHER))
    assert run_cli("validate", str(path), f"root={root}") == 1
    assert f"{path}: dataset fingerprint {OTHER} differs" in capsys.readouterr().out
    # another profile caps the data differently, so it has its own fingerprint
    other = _set(good_record(run_id="new", profile="default"), "task.dataset_fingerprint", OTHER)
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
    assert f"{evil}: schema: method.name: String should match pattern" in out  # the schema refuses the names
    assert f"{pickled}: not JSON" in out
    assert not marker.exists() and "evilmod" not in sys.modules and not records_in(root)


def test_a_failed_write_leaves_the_folder_as_it_was(tmp_path, root, monkeypatch, capsys):
    """All or nothing: the second of three links fails (a full disk); the first is taken back."""
    import leaderboard.submit as submit

    for seed, run_id in ((0, "a"), (1, "b"), (0, "c")):
        write(tmp_path / "sub" / f"{run_id}.json", good_record(run_id=run_id, seed=seed))
    real_link, calls = submit.os.link, []

    def failing_link(source, target):
        calls.append(target)
        if len(calls) == 2:
            raise OSError(28, "No space left on device", str(target))
        real_link(source, target)

    monkeypatch.setattr(submit.os, "link", failing_link)
    assert run_cli("submit", str(tmp_path / "sub"), f"root={root}") == 2
    assert "No space left on device; nothing copied" in capsys.readouterr().err
    assert len(calls) == 2 and not records_in(root) and [p.name for p in root.iterdir()] == [".submit.lock"]


def _submit_in_processes(files: list[Path], root: Path) -> list[tuple[int, str]]:
    """`bench submit FILE root=ROOT` for every file at once, each in its own process: (exit code, stdout)."""
    import subprocess

    repo = Path(__file__).resolve().parents[2]
    procs = [subprocess.Popen([sys.executable, "-m", "cli", "submit", str(f), f"root={root}"], cwd=repo,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for f in files]
    return [(p.wait(timeout=120), p.stdout.read()) for p in procs]


def test_concurrent_submits_of_one_run_id_land_once(tmp_path, root):
    """Eight submits of one run_id at once (threads: each takes the folder's file lock as a process does)."""
    from concurrent.futures import ThreadPoolExecutor

    import leaderboard.submit as submit

    files = [write(tmp_path / "same" / f"{i}.json", good_record(run_id="clash", seed=i % 2)) for i in range(8)]
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda f: submit.submit([f], root), files))
    landed = [placed for _, placed in results if placed]
    refused = [verdicts[0].reasons for verdicts, placed in results if not placed]
    assert len(landed) == 1 and len(refused) == 7
    assert all(any("run_id clash is already on the leaderboard" in r for r in reasons) for reasons in refused)
    assert records_in(root) == landed[0]


def test_concurrent_submits_with_conflicting_fingerprints_in_processes(tmp_path, root):
    """Two processes submit the same task and profile with different data at once: one lands, the other
    is refused, and the folder still passes its own validate."""
    conflicting = [write(tmp_path / "fp" / f"{i}.json",
                         _set(good_record(run_id=f"fp{i}"), "task.dataset_fingerprint", f"{i:016x}"))
                   for i in range(2)]
    results = _submit_in_processes(conflicting, root)
    assert sorted(code for code, _ in results) == [0, 1], results
    assert "differs from the other accepted records" in next(out for code, out in results if code == 1)
    assert len(records_in(root)) == 1
    assert run_cli("validate", str(root), f"root={root}") == 0


@pytest.mark.parametrize(("make_root", "message"), [
    (lambda tmp: "", "root= is empty"),
    (lambda tmp: str(tmp / "nowhere"), "root: no such folder"),
    (lambda tmp: str(write(tmp / "file.json", {})), "is a file, not the leaderboard's records folder"),
])
def test_bad_root_is_one_line(make_root, message, tmp_path, capsys):
    path = write(tmp_path / "sub" / "r.json", good_record())
    for command in ("validate", "submit"):
        assert run_cli(command, str(path), f"root={make_root(tmp_path)}") == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1, err


def test_read_only_root_refuses_submit_up_front(tmp_path, root, capsys):
    import os

    if os.geteuid() == 0:
        pytest.skip("root ignores file permissions")
    path = write(tmp_path / "sub" / "r.json", good_record())
    root.chmod(0o555)
    try:
        assert run_cli("submit", str(path), f"root={root}") == 2
        assert "is not writable" in capsys.readouterr().err
        assert run_cli("validate", str(path), f"root={root}") == 0  # reading is enough to validate
    finally:
        root.chmod(0o755)
