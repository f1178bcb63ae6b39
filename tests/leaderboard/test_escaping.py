"""Names from records are data: they render literally in LaTeX, HTML, Markdown and the terminal."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import make_record

from harness.record import MethodRef
from leaderboard.aggregate import runs_frame, summarise
from leaderboard.escape import escape_latex, escape_markdown
from leaderboard.render import render_board
from leaderboard.table import build_table, render_table, slug

NASTY = "a_b&c%$#{}~^\\"
INJECT_TEX = r"\input{/etc/passwd}"
INJECT_HTML = "<script>alert(1)</script>"


@pytest.mark.parametrize(("char", "escaped"), [
    ("&", r"\&"), ("%", r"\%"), ("$", r"\$"), ("#", r"\#"), ("_", r"\_"), ("{", r"\{"), ("}", r"\}"),
    ("~", r"\textasciitilde{}"), ("^", r"\textasciicircum{}"), ("\\", r"\textbackslash{}"),
])
def test_each_latex_special_character(char, escaped):
    assert escape_latex(char) == escaped


def test_latex_escape_is_one_pass():
    assert escape_latex(NASTY) == (r"a\_b\&c\%\$\#\{\}\textasciitilde{}\textasciicircum{}\textbackslash{}")
    assert escape_latex(INJECT_TEX) == r"\textbackslash{}input\{/etc/passwd\}"
    assert escape_latex("two\nlines") == "two lines"  # a newline would end the table row


def test_file_names_from_records_cannot_leave_their_folder():
    assert slug("../../etc/passwd") == "etc-passwd" and slug("a_b&c") == "a-b-c" and slug("..") == "unnamed"


def test_markdown_escape_keeps_one_cell():
    assert escape_markdown("a|b *c* [x](y)") == r"a\|b \*c\* \[x\](y)"
    assert escape_markdown("$x$") == r"\$x\$"  # GitHub and Jupyter typeset $...$ as math


@pytest.fixture
def nasty_runs(tmp_path):
    """Records whose method names the schema would refuse (it allows [a-z0-9-] only), built past it: the
    renderers escape whatever reaches them, a second line of defence behind the schema."""
    loaded = []
    for method, value in ((NASTY, 0.9), (INJECT_TEX, 0.8), (INJECT_HTML, 0.7), ("[bold red]rich[/]", 0.6)):
        for seed in range(2):
            rec = make_record(seed=seed, value=value + seed / 100, run_id=f"r{value}-{seed}")
            rec = rec.model_copy(update={"method": MethodRef.model_construct(name=method, version="1")})
            path = tmp_path / "runs" / f"{rec.run_id}.json"  # the HTML page links each record's file
            path.parent.mkdir(exist_ok=True)
            path.write_text(rec.model_dump_json(), encoding="utf-8")
            loaded.append((path, rec))
    return runs_frame([loaded])


def test_latex_table_renders_names_literally(nasty_runs):
    tex = render_table(build_table(nasty_runs, ["digits"]))
    assert escape_latex(NASTY) + " &" in tex
    assert r"\textbackslash{}input\{/etc/passwd\}" in tex and INJECT_TEX not in tex
    assert r"\textless{}script\textgreater{}" in tex


def test_leaderboard_latex_renders_names_literally(nasty_runs):
    tex = render_board(summarise(nasty_runs), "latex", Path("."))
    assert INJECT_TEX not in tex and escape_latex(NASTY) in tex


def test_html_escapes_names(nasty_runs, tmp_path):
    page = render_board(summarise(nasty_runs), "html", tmp_path)
    assert INJECT_HTML not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert len(re.findall(r"<script", page)) == 1  # only the page's own sorting script
    plot = re.search(r"<svg.*?</svg>", page, re.S).group(0)  # the plot's labels and tooltips are escaped too
    assert "&lt;script&gt;alert(1)&lt;/script&gt;</text>" in plot and "a_b&amp;c%$#{}~^\\</text>" in plot
    assert "a_b&amp;c%$#{}~^\\" in page


def test_html_links_are_relative_and_resolve(nasty_runs, tmp_path):
    page_dir = tmp_path / "site"
    page = render_board(summarise(nasty_runs), "html", page_dir)
    hrefs = re.findall(r'href="([^"#][^"]*)"', page)  # "#..." links are the page's own navigation
    assert len(hrefs) == 8
    for href in hrefs:
        assert not href.startswith(("/", "http", "javascript"))
        from urllib.parse import unquote

        assert (page_dir / unquote(href)).resolve().is_file()


def test_markdown_and_terminal_render_names_literally(nasty_runs):
    board = summarise(nasty_runs)
    md = render_board(board, "md", Path("."))
    lines = [line for line in md.splitlines() if line.startswith("| 1 ")]
    assert len(lines) == 1 and lines[0].count("|") - lines[0].count("\\|") == 10
    text = render_board(board, "table", Path("."), color=False)
    assert "[bold red]rich[/]" in text and INJECT_TEX in text
