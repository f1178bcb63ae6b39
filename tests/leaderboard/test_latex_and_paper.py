"""`bench table` output compiles with pdflatex; `bench paper` writes tables and figures and builds the PDF."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from cli.main import main

REPO = Path(__file__).resolve().parents[2]
needs_pdflatex = pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
DOCUMENT = ("\\documentclass{article}\n\\usepackage{booktabs}\n\\usepackage{graphicx}\n"
            "\\begin{document}\n\\input{table}\n\\end{document}\n")


@pytest.fixture
def results(write_record, runs_dir):
    # names with LaTeX specials cannot reach a record any more (the schema allows [a-z0-9-]); metric names
    # still carry `_`, and tests/leaderboard/test_escaping.py feeds the renderers what the schema refuses
    names = {"cnn": 0.95, "linear": 0.90, "deep-cnn-2": 0.94}
    for i, (method, value) in enumerate(names.items()):
        for seed in range(3):
            write_record(method=method, seed=seed, value=value + seed / 200, run_id=f"m{i}-s{seed}",
                         extra={"f1_macro": value - 0.05})
    write_record(method="single", seed=0, value=0.5, run_id="single")
    return runs_dir


COMMANDS = {
    "table": ["table", "tasks=[digits]", "metric=[accuracy,f1_macro]"],
    "leaderboard": ["leaderboard", "format=latex"],
}


@needs_pdflatex
@pytest.mark.parametrize("command", COMMANDS)
def test_latex_output_compiles_with_escaped_names(results, tmp_path, command):
    assert main([*COMMANDS[command], f"out={tmp_path / 'table.tex'}", f"dirs=[{results}]"]) == 0
    tex = (tmp_path / "table.tex").read_text(encoding="utf-8")
    assert r"\textbf{" in tex and r"\underline{" in tex and r"$^{\dagger}$" in tex
    (tmp_path / "doc.tex").write_text(DOCUMENT, encoding="utf-8")
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "doc.tex"],
                          cwd=tmp_path, capture_output=True, text=True, errors="replace", timeout=120,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stdout[-2000:]
    assert (tmp_path / "doc.pdf").stat().st_size > 0
    assert "deep-cnn-2" in tex and ("f1\\_macro" in tex or command == "leaderboard")


def _paper_dir(tmp_path: Path) -> Path:
    paper = tmp_path / "paper"
    paper.mkdir()
    shutil.copy(REPO / "paper" / "main.tex", paper / "main.tex")
    return paper


def test_paper_writes_tables_figures_and_the_include_list(results, tmp_path, capsys):
    paper = _paper_dir(tmp_path)
    assert main(["paper", f"dirs=[{results}]", f"out={paper}", "pdf=false"]) == 0
    assert (paper / "tables" / "digits.tex").is_file()
    assert (paper / "figures" / "digits-bar.pdf").stat().st_size > 0
    assert (paper / "figures" / "digits-curves.pdf").stat().st_size > 0
    include = (paper / "tables" / "all.tex").read_text(encoding="utf-8")
    assert r"\input{tables/digits}" in include
    assert r"{figures/digits-bar}" in include and r"{figures/digits-curves}" in include
    summary = (paper / "tables" / "summary.tex").read_text(encoding="utf-8")
    assert "classification" in summary and r"cnn" in summary  # the best method, under its family
    bib = (paper / "references.bib").read_text(encoding="utf-8")
    assert "@" in bib and r"\cite{" in include  # the task's data is cited where its numbers appear


def test_a_reference_metric_is_stated_not_ranked(write_record, runs_dir, tmp_path):
    """fd_real_floor is the same for every method: it is never bold, underlined or daggered, and the
    paper states it in the text instead of giving it a ranked column."""
    for i, (method, fd) in enumerate({"vae": 20.0, "dcgan": 30.0}.items()):
        for seed in range(3):
            write_record(task="digits-gen", method=method, seed=seed, value=fd + seed, metric="fd",
                         higher_is_better=False, run_id=f"g{i}-{seed}", extra={"fd_real_floor": 1.5})
    paper = _paper_dir(tmp_path)
    assert main(["paper", f"dirs=[{runs_dir}]", f"out={paper}", "pdf=false"]) == 0
    table = (paper / "tables" / "digits-gen.tex").read_text(encoding="utf-8")
    assert "fd\\_real\\_floor" not in table and "1.500" not in table  # no column of the floor
    include = (paper / "tables" / "all.tex").read_text(encoding="utf-8")
    assert "fd\\_real\\_floor = 1.500" in include
    assert main(["table", "tasks=[digits-gen]", "metric=[fd,fd_real_floor]", f"out={tmp_path / 't.tex'}",
                 f"dirs=[{runs_dir}]"]) == 0
    rows = [r for r in (tmp_path / "t.tex").read_text(encoding="utf-8").splitlines() if r.startswith(("vae", "dcgan"))]
    assert all(r.count(r"\textbf{") <= 1 and "1.500" in r for r in rows)  # fd ranked, the floor not
    assert all(r.split("&")[2].strip().startswith("1.500") for r in rows)


def test_log_problems_names_wide_boxes_and_undefined_citations():
    from leaderboard.paper import log_problems

    log = ("(./tables/wide.tex\nOverfull \\hbox (12.5pt too wide) in alignment at lines 5--9\n)"
           "\nOverfull \\hbox (0.4pt too wide) in paragraph at lines 1--2\n"
           "LaTeX Warning: Citation `he2016deep' on page 3 undefined on input line 7.\n")
    problems = log_problems(log)
    assert problems == ["an overfull \\hbox 12.5 pt too wide in alignment at lines 5--9 in tables/wide.tex",
                        "citation 'he2016deep' undefined"]
    assert log_problems("Overfull \\hbox (0.9pt too wide) in paragraph at lines 1--2\n") == []


def test_paper_without_tex_says_so_and_exits_0(results, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    paper = _paper_dir(tmp_path)
    assert main(["paper", f"dirs=[{results}]", f"out={paper}"]) == 0
    assert "main.pdf not built" in capsys.readouterr().err
    assert (paper / "tables" / "digits.tex").is_file() and not (paper / "main.pdf").exists()


@needs_pdflatex
def test_paper_compiles(results, tmp_path, capsys):
    paper = _paper_dir(tmp_path)
    assert main(["paper", f"dirs=[{results}]", f"out={paper}"]) == 0, capsys.readouterr().err
    assert (paper / "main.pdf").stat().st_size > 0
    log = (paper / "main.log").read_text(errors="replace")
    assert "Overfull" not in log and "undefined" not in log  # bench paper's own check passed: no box at all
    assert (paper / "main.bbl").read_text(encoding="utf-8").count(r"\bibitem") >= 3


@needs_pdflatex
def test_paper_compiles_with_no_results(tmp_path, capsys):
    paper = _paper_dir(tmp_path)
    (tmp_path / "empty").mkdir()
    assert main(["paper", f"dirs=[{tmp_path / 'empty'}]", f"out={paper}"]) == 0, capsys.readouterr().err
    assert (paper / "main.pdf").is_file()


def test_a_task_with_its_own_figure_gets_it_in_the_paper(results, tmp_path, monkeypatch):
    """A task's `paper_figure` is called with the methods that have records and its caption is used."""
    import dataclasses

    from harness import registry

    seen = []

    def figure(methods, path):
        seen.append(list(methods))
        path.write_bytes(b"%PDF-1.4 placeholder")
        return "digits: what the methods drew"

    spec = dataclasses.replace(registry.get_task("digits"), paper_figure=figure)
    monkeypatch.setitem(registry._TASKS, "digits", spec)
    paper = _paper_dir(tmp_path)
    assert main(["paper", f"dirs=[{results}]", f"out={paper}", "pdf=false"]) == 0
    assert seen == [["cnn", "deep-cnn-2", "linear", "single"]]
    include = (paper / "tables" / "all.tex").read_text(encoding="utf-8")
    assert r"{figures/digits-examples}" in include
    assert "digits: what the methods drew" in include
