"""`bench reproduce`: a fresh smoke record reproduces exactly; a tampered one does not, and says by how much."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli.main import main
from harness.config import compose
from harness.record import Provenance
from harness.runner import run
from leaderboard.reproduce import DEFAULT_TOLERANCE, choose_tolerance


@pytest.fixture(scope="module")
def smoke_record(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("runs")
    result = run(compose(["task=digits", "method=linear", "profile=smoke", f"output_dir={out}"]))
    return result.run_dir / "record.json"


def test_fresh_record_reproduces_exactly(smoke_record, tmp_path, capsys):
    assert main(["reproduce", str(smoke_record), f"output_dir={tmp_path}"]) == 0
    out = capsys.readouterr().out
    assert "tolerance 0 (exact: same package versions, platform and device as recorded)" in out
    assert "verdict: reproduced" in out and "1 record(s): 1 reproduced, 0 not" in out


def test_tampered_record_does_not_reproduce(smoke_record, tmp_path, capsys):
    data = json.loads(smoke_record.read_text())
    data["metrics"]["accuracy"] += 0.1
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(data))
    assert main(["reproduce", str(tampered), f"output_dir={tmp_path / 'again'}"]) == 1
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.strip().startswith("accuracy"))
    assert row.split()[-1] == "-0.1"  # reproduced - recorded
    assert "verdict: NOT reproduced: a difference exceeds 0" in out


def test_tolerance_rule():
    recorded = Provenance(git_commit="a" * 40, git_dirty=False, dlbench_version="0.1.0", python="3.11.7",
                          torch="2.14.1", transformers=None, accelerate="1.15.0", datasets="5.2.0",
                          platform="Linux", device="cpu: x86_64", world_size=1, per_device_batch_size=64)
    assert choose_tolerance(recorded, recorded, None)[0] == 0.0
    elsewhere = recorded.model_copy(update={"device": "NVIDIA H200", "git_commit": "d" * 40})
    value, rule = choose_tolerance(recorded, elsewhere, None)
    assert value == DEFAULT_TOLERANCE and "device cpu: x86_64 -> NVIDIA H200" in rule
    assert choose_tolerance(recorded, elsewhere, 0.05) == (0.05, "given with tolerance=")


@pytest.mark.parametrize(("argv", "message"), [
    (["reproduce"], "needs record files"),
    (["reproduce", "/no/such/record.json"], "record not found"),
    (["reproduce", "x.json", "tolerance=-1"], "tolerance must be a finite number >= 0"),
    (["reproduce", "x.json", "tolerence=0.1"], "unknown option 'tolerence'"),
])
def test_usage_errors_exit_2(argv, message, capsys):
    assert main(argv) == 2
    assert message in capsys.readouterr().err
