"""Citations: every registered task and method cites entries of harness/references.bib, every entry there is
read by bibtex without a warning, and nothing in it goes unused; the parser and writer of harness.bibliography."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from harness import bibliography, registry
from harness.errors import UserError
from harness.registry import register_method, register_task, unregister
from harness.specs import MethodSpec, TaskSpec

TASKS = sorted(registry.tasks())
METHODS = sorted(registry.methods())
ENTRIES = bibliography.entries()
SHARED = bibliography.parse(bibliography.BIB_FILE.read_text(encoding="utf-8"))  # the file alone, no plugin's


@pytest.mark.parametrize("name", TASKS)
def test_every_task_cites_known_entries(name):
    cite = registry.get_task(name).cite
    assert cite, f"task {name} cites nothing: give it cite=(dataset paper, ...)"
    assert [k for k in cite if k not in ENTRIES] == []


@pytest.mark.parametrize("name", METHODS)
def test_every_method_cites_known_entries(name):
    cite = registry.get_method(name).cite
    assert cite, f"method {name} cites nothing: give it cite=(method paper, library)"
    assert [k for k in cite if k not in ENTRIES] == []


def test_no_entry_goes_unused():
    used = {k for spec in [*registry.tasks().values(), *registry.methods().values()] for k in spec.cite}
    unused = sorted(set(SHARED) - used - set(bibliography.HARNESS_KEYS))
    assert unused == [], "entries no task or method cites (remove them, or cite them)"


@pytest.mark.parametrize("key", sorted(SHARED))
def test_every_entry_has_title_author_and_year(key):
    entry = SHARED[key]
    assert entry.count("{") == entry.count("}")
    fields = bibliography.fields(entry)
    assert fields.get("title") and (fields.get("author") or fields.get("organization"))
    assert re.fullmatch(r"(19|20)\d\d", fields.get("year", "")), fields.get("year")
    assert entry.isascii(), "plain ASCII; accents as LaTeX in braces"


def test_keys_for_keeps_task_then_method_order_once_each():
    keys = registry.cite_keys(["digits", "digits-gen"], ["cnn", "linear"])
    assert keys == ["alpaydin1998optdigits", "pedregosa2011sklearn", "heusel2017fid", "kynkaanniemi2019precision",
                    "lecun1998gradient", "paszke2019pytorch"]
    # names from records that no registered task or method has (a plugin's, not loaded) cite nothing
    assert registry.cite_keys(["no-such-task"], ["cnnn", "linear"]) == ["paszke2019pytorch"]
    assert registry.unregistered(["no-such-task", "digits"], ["cnnn", "linear"]) == ["no-such-task", "cnnn"]


def test_write_bib_writes_the_entries_in_order(tmp_path):
    path = bibliography.write_bib(["lecun1998gradient", "alpaydin1998optdigits", "lecun1998gradient"],
                                  tmp_path / "out" / "refs.bib")
    assert list(bibliography.parse(path.read_text(encoding="utf-8"))) == ["lecun1998gradient",
                                                                          "alpaydin1998optdigits"]
    with pytest.raises(ValueError, match="no BibTeX entry for nosuch2020"):
        bibliography.write_bib(["nosuch2020"], tmp_path / "x.bib")
    assert not (tmp_path / "x.bib").exists()


@pytest.mark.parametrize("text, message", [
    ("@article{a2020,\n title = {x}", "unbalanced braces"),
    ("@article{a2020, title={x}}\n@misc{a2020, title={y}}", "appears twice"),
    ("@article(a2020, title={x})", "in parentheses"),
    ("@article{a key, title={x}}", "bad citation key"),
])
def test_parse_refuses_what_it_cannot_read(text, message):
    with pytest.raises(ValueError, match=message):
        bibliography.parse(text, "plugin.bib")


def test_fields_reads_braced_quoted_and_bare_values():
    entry = '@article{k2020,\n  title = {A {B} c},\n  journal = "J {X}",\n  year = 2020,\n}'
    assert bibliography.fields(entry) == {"title": "A {B} c", "journal": "J {X}", "year": "2020"}
    with pytest.raises(ValueError, match="concatenation"):
        bibliography.fields('@misc{k, title = "a" # b}')


def _task(name: str, cite: tuple[str, ...]) -> TaskSpec:
    spec = registry.get_task("digits")
    return TaskSpec(name=name, version="1", family=spec.family, description="d", dataset="d", splits={"test": 1},
                    metrics=spec.metrics, primary_metric=spec.primary_metric, protocol="p", build=spec.build,
                    cite=cite)


def test_registration_refuses_a_key_without_an_entry():
    with pytest.raises(UserError, match="unknown citation key 'lecun1998gradiant'.*lecun1998gradient"):
        register_task(_task("cite-probe", ("lecun1998gradiant",)))
    assert "cite-probe" not in registry.tasks()
    method = registry.get_method("linear")
    with pytest.raises(UserError, match="unknown citation key 'nosuch1999'"):
        register_method(name="cite-probe-m", version="1", fits=method.fits, params=method.params, description="d",
                        cite=("nosuch1999",))(method.build)
    assert "cite-probe-m" not in registry.methods()


@pytest.mark.parametrize("cite", ["he2016resnet", ("he2016resnet", "he2016resnet"), ("bad key",)])
def test_cite_must_be_a_tuple_of_distinct_keys(cite):
    with pytest.raises(ValueError, match="cite="):
        _task("cite-shape", cite)
    with pytest.raises(ValueError, match="cite="):
        MethodSpec(name="m", version="1", fits=(), description="d", params=object, build=print, cite=cite)


def test_a_plugin_brings_its_own_entry(monkeypatch):
    monkeypatch.setattr(bibliography, "_EXTRA", {})
    entry = "@misc{plugin2024data,\n  author = {Doe, Jane},\n  title = {A Data Set},\n  year = {2024}\n}"
    assert bibliography.add_entries(entry, "plugin") == ["plugin2024data"]
    try:
        register_task(_task("cite-plugin", ("plugin2024data",)))
        assert registry.cite_keys(["cite-plugin"], []) == ["plugin2024data"]
    finally:
        unregister("cite-plugin")
    assert bibliography.add_entries(entry) == ["plugin2024data"]  # the same text again is fine
    with pytest.raises(ValueError, match="already defined differently: he2016resnet"):
        bibliography.add_entries("@misc{he2016resnet, title = {Other}, year = {2016}}")


@pytest.mark.skipif(shutil.which("bibtex") is None or shutil.which("pdflatex") is None,
                    reason="bibtex and pdflatex are not installed (texlive-binaries, texlive-latex-base)")
def test_every_entry_goes_through_bibtex_and_latex_without_a_warning(tmp_path: Path):
    keys = sorted(SHARED)
    bibliography.write_bib(keys, tmp_path / "refs.bib")
    (tmp_path / "doc.tex").write_text(
        "\\documentclass{article}\n\\usepackage{url}\n\\begin{document}\n\\nocite{" + ",".join(keys) + "}\n"
        "\\bibliographystyle{plain}\n\\bibliography{refs}\n\\end{document}\n", encoding="utf-8")
    run = {"cwd": tmp_path, "capture_output": True, "text": True, "errors": "replace", "timeout": 60,
           "stdin": subprocess.DEVNULL}
    latex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "doc.tex"]
    assert subprocess.run(latex, **run).returncode == 0
    done = subprocess.run(["bibtex", "doc"], **run)
    log = (tmp_path / "doc.blg").read_text(encoding="utf-8", errors="replace")
    assert done.returncode == 0 and "Warning" not in log and "error" not in log.lower(), log[-3000:]
    final = subprocess.run(latex, **run)  # the bibliography itself typesets (no undefined macro such as \url)
    assert final.returncode == 0, final.stdout[-2000:]
    assert (tmp_path / "doc.bbl").read_text(encoding="utf-8").count("\\bibitem") == len(keys)
