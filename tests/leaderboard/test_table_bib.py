"""`bench table bib=PATH`: the BibTeX entries of the table's tasks and methods, beside its LaTeX."""

from __future__ import annotations

import pytest

from cli.main import main
from harness import bibliography


@pytest.fixture
def results(write_record, runs_dir):
    # deep-cnn-2 is no registered method (a record from elsewhere): it cites nothing and is named on stderr
    for i, (method, value) in enumerate({"cnn": 0.95, "deep-cnn-2": 0.94, "linear": 0.90}.items()):
        for seed in range(2):
            write_record(method=method, seed=seed, value=value + seed / 200, run_id=f"m{i}-s{seed}")
    return runs_dir


def test_table_writes_the_bib_of_its_tasks_then_methods(results, tmp_path, capsys):
    bib = tmp_path / "cites" / "table.bib"
    assert main(["table", "tasks=[digits]", f"out={tmp_path / 'table.tex'}", f"bib={bib}", f"dirs=[{results}]"]) == 0
    # digits' dataset and library, then cnn's paper and library; linear cites only the library, already there
    assert list(bibliography.parse(bib.read_text(encoding="utf-8"))) == [
        "alpaydin1998optdigits", "pedregosa2011sklearn", "lecun1998gradient", "paszke2019pytorch"]
    err = capsys.readouterr().err
    assert f"wrote {bib}" in err and "deep-cnn-2: not registered here" in err
    assert (tmp_path / "table.tex").is_file()


def test_table_without_bib_writes_no_bib(results, tmp_path):
    assert main(["table", "tasks=[digits]", f"out={tmp_path / 'table.tex'}", f"dirs=[{results}]"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["runs", "table.tex"]


@pytest.mark.parametrize("bib, message", [("table.tex", "name the same file"), ("runs", "is a folder")])
def test_bad_bib_is_one_line_before_any_work(results, tmp_path, capsys, monkeypatch, bib, message):
    monkeypatch.chdir(tmp_path)
    assert main(["table", "tasks=[digits]", "out=table.tex", f"bib={bib}", f"dirs=[{results}]"]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "table.tex").exists()
