"""Published versus reproduced: verdicts from records, every format escaped, the paper's own section."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import make_record

from cli.main import main
from harness import registry
from harness.specs import Metric, Reference, TaskSpec
from leaderboard.aggregate import collect
from leaderboard.escape import escape_latex
from leaderboard.published import published_sections, verdict
from leaderboard.render import FORMATS, render_published

REPO = Path(__file__).resolve().parents[2]
METHODS = {"linear", "cnn", "mlp", "svm", "vit"}  # what the fake task's references may match
INJECT_TEX = r"\input{/etc/passwd}"
INJECT_HTML = "<script>alert(1)</script>"


def _task(*references: Reference, name: str = "pub-test") -> TaskSpec:
    """An unregistered task: its current version is the latest its records show."""
    return TaskSpec(name=name, version="1", family="classification", description="", dataset="",
                    splits={"train": 1000, "test": 100}, primary_metric="accuracy", protocol="", build=print,
                    metrics=(Metric("accuracy", True, "test", range=(0.0, 1.0)),), references=references)


def _ref(method: str, value: float, tolerance: float | None = 0.02, source: str = "a paper", why: str = "budget"):
    return Reference(method, "accuracy", value, source, tolerance=tolerance, why=why)


@pytest.fixture
def runs(write_record, runs_dir):
    """linear 0.89/0.90/0.91 (default) and 0.5 (smoke); cnn 0.95; svm 0.80; vit smoke only; mlp an old version."""
    for seed, value in enumerate((0.89, 0.90, 0.91)):
        write_record(task="pub-test", method="linear", seed=seed, value=value, profile="default")
        write_record(task="pub-test", method="cnn", seed=seed, value=0.95, profile="default")
        write_record(task="pub-test", method="svm", seed=seed, value=0.80, profile="default")
        write_record(task="pub-test", method="linear", seed=seed, value=0.5, profile="smoke")
    write_record(task="pub-test", method="vit", seed=0, value=0.7, profile="smoke")
    write_record(task="pub-test", method="mlp", seed=0, value=0.9, profile="default", version="0")
    write_record(task="pub-test", method="sklearn-svc", seed=0, value=0.9, profile="default")
    rec = make_record(task="pub-test", method="cnn", seed=0, value=0.6, profile="full", run_id="capped")
    rec = rec.model_copy(update={"config": {**rec.config, "data": {"train_size": 100}}})
    path = runs_dir / "pub-test" / "cnn" / "capped" / "record.json"
    path.parent.mkdir(parents=True)
    path.write_text(rec.model_dump_json(), encoding="utf-8")
    frame, rejected = collect([runs_dir])
    assert not rejected
    return frame


def _rows(runs, *references):
    (section,) = published_sections(runs, [_task(*references)], METHODS)
    return section.rows


def test_verdicts_from_records(runs):
    within, outside, unregistered, untolerated, external, stale = _rows(
        runs, _ref("linear", 0.90), _ref("cnn", 0.99, 0.01), _ref("resnet-not-here", 0.9),
        _ref("svm", 0.85, None), _ref("sklearn-svc", 0.9), _ref("mlp", 0.9))
    assert within.verdict == "within" and within.profile == "default" and within.n_seeds == 3
    assert within.mean == pytest.approx(0.90) and within.difference == pytest.approx(0.0)
    assert within.ci95_half_width == pytest.approx(4.303 * 0.01 / 3 ** 0.5, rel=1e-3)  # t(0.975, 2) * s / sqrt(n)
    assert outside.verdict == "outside" and outside.difference == pytest.approx(-0.04)
    assert untolerated.verdict == "no tolerance" and untolerated.difference == pytest.approx(-0.05)
    # records of a method that is not registered are never matched: the number is a reference
    assert external.verdict == "reference only" and external.n_seeds == 0
    assert unregistered.verdict == "reference only"  # not a method here either
    assert stale.verdict == "not run" and stale.n_seeds == 0  # only records of an older task version


def test_registered_method_without_records_is_not_run(runs):
    (row,) = _rows(runs, _ref("mlp", 0.9))
    assert row.verdict == "not run" and row.cells()["mean"] == "–" and row.cells()["difference"] == "–"


def test_default_profile_preferred_then_others_and_train_size_said(runs):
    linear, vit = _rows(runs, _ref("linear", 0.9), _ref("vit", 0.7, 0.01))
    assert (linear.profile, linear.mean) == ("default", pytest.approx(0.90)) and linear.train_size == "all"
    assert vit.profile == "smoke" and vit.verdict == "within" and vit.cells()["half_width"] == ""
    (cnn,) = published_sections(runs, [_task(_ref("cnn", 0.6))], {"linear"})[0].rows
    assert cnn.verdict == "reference only"
    full_only = runs[~((runs["method"] == "cnn") & (runs["profile"] == "default"))]
    (cnn,) = _rows(full_only, _ref("cnn", 0.6))
    assert (cnn.profile, cnn.train_size, cnn.verdict) == ("full", "100 of 1,000", "within")


@pytest.mark.parametrize(("mean", "tolerance", "expected"), [
    (0.92, 0.02, "within"), (0.88, 0.02, "within"), (0.9201, 0.02, "outside"), (0.5, None, "no tolerance")])
def test_verdict_edges(mean, tolerance, expected):
    assert verdict(_ref("linear", 0.90, tolerance), True, 3, mean) == expected
    assert verdict(_ref("linear", 0.90, tolerance), True, 0, float("nan")) == "not run"
    assert verdict(_ref("linear", 0.90, tolerance), False, 3, mean) == "reference only"


def test_every_registered_reference_declares_a_tolerance_and_why():
    refs = [(t.name, r) for t in registry.tasks().values() for r in t.references]
    assert len(refs) >= 10
    missing = [(name, r.method, r.metric) for name, r in refs if r.tolerance is None or not r.why.strip()]
    assert not missing, f"references without tolerance= and why=: {missing}"
    assert all(0 < r.tolerance < 1 for _, r in refs if r.metric != "fd")


@pytest.fixture
def nasty(runs):
    """References whose every string is hostile: they come from task specs, and must render literally."""
    ref = Reference("linear", "accuracy", 0.9, f"a_b&c%$# {INJECT_TEX} {INJECT_HTML} [bold red]rich[/] x|y *z*",
                    note="50% of {train}", tolerance=0.02, why=f"{INJECT_HTML} ~^\\ {INJECT_TEX}")
    return published_sections(runs, [_task(ref, _ref("cnn", 0.99, 0.01))], METHODS)


def test_latex_escapes_every_string(nasty):
    tex = render_published(nasty, "latex")
    assert INJECT_TEX not in tex and r"\textbackslash{}input\{/etc/passwd\}" in tex
    assert escape_latex("a_b&c%$#") in tex and r"50\% of \{train\}" in tex
    assert r"\begin{longtable}" in tex and "within & [1]" in tex and "outside & [2]" in tex
    assert r"0.900\,$\pm$\,0.025" in tex  # mean and 95% CI half-width from the three linear seeds


def test_html_escapes_every_string(nasty):
    page = render_published(nasty, "html")
    assert INJECT_HTML not in page and page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2
    assert "<script" not in page and 'class="name within"' in page and "a_b&amp;c" in page


def test_markdown_keeps_one_row_per_reference(nasty):
    md = render_published(nasty, "md")
    rows = [line for line in md.splitlines() if line.startswith("| linear ")]
    assert len(rows) == 1 and rows[0].count("|") - rows[0].count("\\|") == 13  # 12 cells
    assert r"x\|y \*z\*" in rows[0] and r"\<script\>" in rows[0]


def test_terminal_prints_markup_literally(nasty):
    text = render_published(nasty, "table", color=False)
    assert "[bold red]rich[/]" in text and INJECT_TEX in text and "pub-test v1" in text
    assert re.search(r"\[1\]\s+linear\s+accuracy\s+0\.90\s+0\.900 ± 0\.025\s+3\s+default\s+all\s+\+0\.000", text)


def test_csv_and_json_round_trip_raw_values(nasty):
    import pandas as pd

    rows = json.loads(render_published(nasty, "json"))
    table = pd.read_csv(io.StringIO(render_published(nasty, "csv")))
    for data in (rows, table.to_dict("records")):
        assert [r["verdict"] for r in data] == ["within", "outside"]
        assert data[0]["source"].startswith("a_b&c%$# " + INJECT_TEX) and data[1]["difference"] == pytest.approx(-0.04)
        assert data[0]["tolerance"] == 0.02 and data[0]["n_seeds"] == 3


@pytest.mark.parametrize("fmt", FORMATS)
def test_cli_view_published_every_format(fmt, runs_dir, write_record, tmp_path, capsys):
    for seed in range(2):
        write_record(task="digits", method="cnn", seed=seed, value=0.98, profile="default")
    out = tmp_path / f"published.{fmt}"
    assert main(["leaderboard", "view=published", "task=[digits,mnist]", f"format={fmt}", f"out={out}",
                 f"dirs=[{runs_dir}]"]) == 0
    text = out.read_text(encoding="utf-8")
    assert "sklearn-svc" in text and "LeCun" in text and "reference only" in text and "not run" in text


def test_cli_rejects_an_unknown_view_or_task(runs_dir, capsys):
    assert main(["leaderboard", "view=publishd", f"dirs=[{runs_dir}]"]) == 2
    assert "unknown view 'publishd'" in capsys.readouterr().err
    assert main(["leaderboard", "view=published", "task=mnistt", f"dirs=[{runs_dir}]"]) == 2
    assert "unknown task 'mnistt'" in capsys.readouterr().err


def _paper(tmp_path: Path, runs_dir: Path) -> Path:
    paper = tmp_path / "paper"
    paper.mkdir()
    shutil.copy(REPO / "paper" / "main.tex", paper / "main.tex")
    assert main(["paper", f"dirs=[{runs_dir}]", f"out={paper}", "pdf=false"]) == 0
    return paper


def test_paper_has_the_section_and_its_table(runs_dir, write_record, tmp_path, capsys):
    """The section holds the references of the tasks the paper reports (digits: sklearn-svc), not those of
    tasks without records (fashion-mnist's LeCun et al. row): they have nothing to be held against."""
    for seed in range(2):
        write_record(task="digits", method="linear", seed=seed, value=0.95, profile="default")
    paper = _paper(tmp_path, runs_dir)
    main_tex = (paper / "main.tex").read_text(encoding="utf-8")
    assert r"\section{Published versus reproduced}" in main_tex and r"\input{tables/published}" in main_tex
    table = (paper / "tables" / "published.tex").read_text(encoding="utf-8")
    assert r"\label{tab:published}" in table and "sklearn-svc" in table and "LeCun" not in table


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_paper_table_compiles_within_the_text_width(runs_dir, write_record, tmp_path):
    """The paper's own preamble and page size, every registered reference, the widest cells a record can give:
    no row of the table may stick out into the margin."""
    for seed in range(3):  # a mean with a CI and a difference, on the longest metric name
        write_record(task="modelnet40", method="dgcnn", seed=seed, value=0.123 + seed / 100, profile="default",
                     metric="overall_accuracy", extra={"mean_class_accuracy": 0.1 + seed / 100})
    frame, _ = collect([runs_dir])
    paper = tmp_path / "paper"
    (paper / "tables").mkdir(parents=True)
    (paper / "tables" / "published.tex").write_text(render_published(published_sections(frame), "latex"),
                                                    encoding="utf-8")
    preamble = (REPO / "paper" / "main.tex").read_text(encoding="utf-8").split(r"\begin{document}")[0]
    (paper / "doc.tex").write_text(preamble + "\\begin{document}\n\\input{tables/published}\n\\end{document}\n",
                                   encoding="utf-8")
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "doc.tex"],
                          cwd=paper, capture_output=True, text=True, errors="replace", timeout=120,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stdout[-2000:]
    log = (paper / "doc.log").read_text(encoding="utf-8", errors="replace")
    assert "Overfull \\hbox" not in log, log[log.find("Overfull"):][:600]
    assert "0.133\\,$\\pm$\\," in (paper / "tables" / "published.tex").read_text(encoding="utf-8")
