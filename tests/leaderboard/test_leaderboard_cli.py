"""`bench leaderboard` and `bench table`: every format, bad records skipped, bad input exits 2 in one line."""

from __future__ import annotations

import io
import json

import pytest

from cli.main import main


@pytest.fixture
def two_methods(write_record, runs_dir):
    for seed in range(3):
        write_record(method="cnn", seed=seed, value=0.95 + seed / 100, num_parameters=21482)
        write_record(method="linear", seed=seed, value=0.90 + seed / 100)
    return runs_dir


def test_terminal_table_by_default(two_methods, capsys):
    assert main(["leaderboard", f"dirs=[{two_methods}]"]) == 0
    out = capsys.readouterr().out
    assert "digits v1" in out and "Welch's t-test" in out and "21.5K" in out
    assert out.index("cnn") < out.index("linear")


@pytest.mark.parametrize("fmt", ["md", "csv", "json", "latex", "html"])
def test_each_format_to_a_file(two_methods, tmp_path, fmt, capsys):
    out = tmp_path / "out" / f"board.{fmt}"
    assert main(["leaderboard", "task=digits", f"format={fmt}", f"out={out}", f"dirs=[{two_methods}]"]) == 0
    text = out.read_text(encoding="utf-8")
    assert "cnn" in text and "linear" in text
    if fmt == "json":
        rows = json.loads(text)
        assert [r["method"] for r in rows] == ["cnn", "linear"] and rows[0]["n_seeds"] == 3
    if fmt == "csv":
        import pandas as pd

        assert list(pd.read_csv(io.StringIO(text))["rank"]) == [1, 2]


def test_format_follows_the_out_suffix(two_methods, tmp_path):
    out = tmp_path / "board.html"
    assert main(["leaderboard", f"out={out}", f"dirs=[{two_methods}]"]) == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_a_bad_record_is_reported_and_skipped(two_methods, capsys):
    (two_methods / "junk.json").write_text('{"run_id": "x"}', encoding="utf-8")
    assert main(["leaderboard", "format=csv", f"dirs=[{two_methods}]"]) == 0
    captured = capsys.readouterr()
    assert "cnn" in captured.out
    lines = captured.err.splitlines()
    assert len(lines) == 1 and "junk.json" in lines[0] and "invalid record" in lines[0]


def test_table_command_writes_latex(two_methods, tmp_path):
    out = tmp_path / "paper" / "tables" / "digits.tex"
    assert main(["table", "tasks=[digits]", "metric=accuracy", f"out={out}", f"dirs=[{two_methods}]"]) == 0
    tex = out.read_text(encoding="utf-8")
    assert r"\toprule" in tex and r"\label{tab:digits}" in tex and "Welch's t-test" in tex
    assert r"\textbf{0.960\,$\pm$\,0.010}" in tex


CASES = [
    (["leaderboard", "task=digitz"], "unknown task 'digitz'; did you mean 'digits'"),
    (["leaderboard", "format=xlsx"], "unknown format 'xlsx'"),
    (["leaderboard", "formt=md"], "unknown option 'formt' in 'bench leaderboard'; did you mean 'format'?"),
    (["leaderboard", "stale=maybe"], "'stale' takes true or false"),
    (["leaderboard", "dirs=[/nonexistent/folder]"], "no such folder"),
    (["leaderboard", "task"], "expected key=value"),
    (["table", "tasks=[digits]", "metric=acc"], "unknown metric 'acc'"),
    (["table", "tasks=[digitz]"], "did you mean 'digits'"),
    (["table", "profile=fast"], "unknown profile 'fast'"),
    (["table", "tasks=[digits]", "profile=full"], "no completed records of task 'digits' at profile 'full'"),
    (["paper", "pdf=1"], "'pdf' takes true or false"),
]


@pytest.mark.parametrize(("argv", "message"), CASES, ids=[" ".join(a) for a, _ in CASES])
def test_bad_input_exits_2_with_one_line(two_methods, argv, message, capsys):
    if not any(a.startswith("dirs=") for a in argv):
        argv = [*argv, f"dirs=[{two_methods}]"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1 and err.startswith("bench: error: ")


def test_list_does_not_import_the_heavy_stack():
    import subprocess
    import sys

    code = ("import sys; from cli.main import main; main(['list']); "
            "print(sorted(m for m in ('pandas', 'matplotlib', 'scipy', 'rich', 'torch') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"
