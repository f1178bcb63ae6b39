"""Property-based test (hypothesis): random command lines never end in a traceback.

Every command is called with random keys and values (known keys with absurd values, typos, paths that
are files or folders, sweeps, interpolations). The work itself is replaced by stubs (training, launching,
sweeping, scoring, LaTeX), so what is exercised is everything between the arguments and the work: the
parsers, the config checks, the path checks. The outcome must be an exit code of 0, 1 or 2, and a 2
comes with exactly one line on stderr."""

from __future__ import annotations

import os
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from cli.main import COMMANDS, main

KEYS = ["task", "method", "profile", "seed", "resume", "output_dir", "trainer.lr", "trainer.epochs",
        "trainer.batch_size", "trainer.optimizer", "trainer.mixed_precision", "method.width", "method.dropout",
        "method.hidden", "data.path", "data.cache_dir", "data.train_size", "metrics.inception_weights", "out",
        "dirs", "root", "format", "tasks", "metric", "label", "stale", "pdf", "jobs", "rerun", "launcher",
        "max_runs", "num_processes", "slurm.time_min", "tolerance", "eval_batch_size", "trainer", "method.",
        "x.y", "Task", "seed "]
VALUES = ["digits", "cnn", "mlp", "linear", "smoke", "default", "shapes-det", "digits-gen", "dcgan", "0", "1", "-1",
          "1.5", "1e308", "inf", "nan", "-inf", "4294967296", "99999999999999999999", "true", "null", "", "[]",
          "[digits,x]", "a,b", "range(0,100000000)", "range(0,3)", "choice(a,b)", "${oc.env:HOME}", "'quoted'",
          "a-file", "a-folder", "a-file/x", "missing/x", "out.xyz", "table.tex", "board.md", "../escape", "=",
          "latex", "html", "slurm", "local", "fp16"]
VALID = ["task=digits", "method=cnn", "profile=smoke"]
TOKENS = st.one_of(
    st.tuples(st.sampled_from(KEYS), st.sampled_from(VALUES)).map("=".join),
    st.sampled_from(["a-file", "a-folder", "missing", "--help", "-h", "a-folder/r.json"]),
    st.text(alphabet="abc=.,[]{}()$:'\"-_/ 0", max_size=12),
)


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    """A working folder with a file and a folder to point at, and every piece of real work stubbed out."""
    import harness.distributed
    import harness.evaluate
    import harness.runner
    import harness.sweep
    import leaderboard.paper
    import leaderboard.reproduce

    monkeypatch.chdir(tmp_path)
    (tmp_path / "a-file").write_text("x")
    (tmp_path / "a-folder").mkdir()
    done = SimpleNamespace(record=SimpleNamespace(status="completed"))
    monkeypatch.setattr(harness.runner, "run", lambda cfg: done)
    monkeypatch.setattr(harness.distributed, "launch", lambda *a, **k: 0)
    monkeypatch.setattr(harness.evaluate, "evaluate_and_report", lambda *a, **k: None)
    monkeypatch.setattr(leaderboard.paper, "build_paper", lambda *a, **k: 0)
    monkeypatch.setattr(leaderboard.reproduce, "reproduce_all", lambda *a, **k: [])
    real = harness.sweep.get_launcher

    def no_runs(name):  # the real name check and availability check; no run starts
        launcher = real(name)
        return SimpleNamespace(check=launcher.check, run=lambda todo, opts, report: None)

    monkeypatch.setattr(harness.sweep, "get_launcher", no_runs)
    return tmp_path


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(command=st.sampled_from(sorted(COMMANDS)), valid=st.booleans(), args=st.lists(TOKENS, max_size=5))
def test_random_command_lines_never_end_in_a_traceback(command, valid, args, sandbox, capsys):
    before = _tree(sandbox)
    if valid:  # half the lines start from a good one, so that the random part reaches the deeper checks
        command, args = ("run" if command < "s" else "sweep"), [*VALID, *args]
    code = main([command, *args])  # any exception but UserError escapes main and fails the test
    out, err = capsys.readouterr()
    assert code in (0, 1, 2), (command, args, code)
    event(f"exit {code}")
    if code == 2:
        assert err.startswith("bench: error: ") and err.count("\n") == 1, (command, args, err)
        assert _tree(sandbox) == before, (command, args)  # refused input leaves nothing behind


def _tree(root) -> set[str]:
    return {os.path.relpath(os.path.join(d, f), root) for d, dirs, files in os.walk(root) for f in [*dirs, *files]}
