"""The bad command lines that once ended in a traceback (issue 19): each now exits 2 with one line on
stderr, before any work, and leaves nothing behind. None of them trains."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from cli.main import main
from harness.config import build_config
from harness.registry import get_method, get_task


def _run_folder(tmp: Path, config: bytes | None = None, weights: bytes | None = None) -> Path:
    """A fake finished run of digits/linear: config.yaml and a checkpoint, with the given bytes swapped in."""
    run = tmp / "runs" / "digits" / "linear" / "r1"
    (run / "checkpoint").mkdir(parents=True)
    cfg = build_config(get_task("digits"), get_method("linear"), "smoke").to_dict()
    (run / "config.yaml").write_bytes(config if config is not None else yaml.safe_dump(cfg).encode())
    (run / "checkpoint" / "state.json").write_text('{"epoch": 1}')
    (run / "checkpoint" / "model.safetensors").write_bytes(weights if weights is not None else b"\x08" * 64)
    return run


def _file(tmp: Path) -> Path:
    path = tmp / "a-file"
    path.write_text("x")
    return path


RUN = ["run", "task=digits", "method=cnn", "profile=smoke"]
# (name, argv built from tmp_path, what the one line must say)
CASES: list[tuple[str, Callable[[Path], list[str]], str]] = [
    ("seed-negative", lambda t: [*RUN, "seed=-1"], "'seed'"),
    ("seed-2**32", lambda t: [*RUN, "seed=4294967296"], "'seed'"),
    ("width-huge", lambda t: [*RUN, "method.width=99999999999999999999"], "'method.width'"),
    ("dropout-1.5", lambda t: [*RUN, "method.dropout=1.5"], "'method.dropout'"),
    ("width-0", lambda t: [*RUN, "method.width=0"], "'method.width'"),
    ("lr-inf", lambda t: [*RUN, "trainer.lr=inf"], "'trainer.lr'"),
    ("cache-dir-file", lambda t: [*RUN, f"data.cache_dir={_file(t)}"], "data.cache_dir"),
    ("data-path-unused", lambda t: [*RUN, f"data.path={t}"], "data.path"),
    ("evaluate-config-bytes", lambda t: ["evaluate", str(_run_folder(t, config=os.urandom(512) + b"\xff"))],
     "not a run config"),
    ("evaluate-config-list", lambda t: ["evaluate", str(_run_folder(t, config=b"- 1\n- 2\n"))], "not a run config"),
    ("evaluate-weights-corrupt", lambda t: ["evaluate", str(_run_folder(t))], "not a readable safetensors"),
    ("evaluate-out-folder", lambda t: ["evaluate", str(_run_folder(t)), f"out={t}"], "is a folder"),
    ("evaluate-out-under-file", lambda t: ["evaluate", str(_run_folder(t)), f"out={_file(t)}/x"], "is a file"),
    ("leaderboard-out-folder", lambda t: ["leaderboard", f"out={t}"], "is a folder"),
    ("leaderboard-out-under-file", lambda t: ["leaderboard", f"out={_file(t)}/x.md"], "is a file"),
    ("table-out-folder", lambda t: ["table", f"out={t}"], "is a folder"),
    ("table-out-under-file", lambda t: ["table", f"out={_file(t)}/x.tex"], "is a file"),
    ("paper-out-file", lambda t: ["paper", f"out={_file(t)}", "pdf=false"], "is a file, not a folder"),
    ("reproduce-output-dir-file", lambda t: ["reproduce", "r.json", f"output_dir={_file(t)}"], "is a file"),
    ("submit-root-file", lambda t: ["submit", str(t), f"root={_file(t)}"], "is a file"),
    ("submit-root-empty", lambda t: ["submit", str(t), "root="], "root= is empty"),
    ("validate-root-missing", lambda t: ["validate", str(t), f"root={t / 'nowhere'}"], "root: no such folder"),
    ("show-samples-suffix", lambda t: ["show", "task=shapes-det", f"samples={t / 'out.xyz'}"], "cannot write a '.xyz'"),
]


@pytest.mark.parametrize(("make_argv", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_one_line_and_leaves_nothing(make_argv, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # runs/ and any stray output would land here
    argv = make_argv(tmp_path)
    before = sorted(p for p in tmp_path.rglob("*"))
    assert main([*argv, f"output_dir={tmp_path / 'out'}"] if argv[0] == "run" else argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err, err
    assert sorted(p for p in tmp_path.rglob("*")) == before  # no run folder, no half-written file
