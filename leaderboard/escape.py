"""Escapers for text that comes from records (method, task, metric names): it must render literally.

A record is untrusted input: a method named `\\input{/etc/passwd}` or `<script>` has to come out as
those characters, never as a command. HTML uses markupsafe (jinja2 autoescape); LaTeX and Markdown
have no well-kept escaper in our dependencies, so each has one small table here, applied by its
template environment to every `<< value >>` (see `leaderboard.templates`), never by hand.
"""

from __future__ import annotations

# The ten LaTeX special characters, plus the three that OT1-encoded fonts print as other glyphs.
# `str.translate` replaces in one pass, so the backslash of `\&` is never escaped a second time.
_LATEX = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
    "^": r"\textasciicircum{}", "_": r"\_", "~": r"\textasciitilde{}", "%": r"\%",
    "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}",
}
# line breaks and tabs would end a table row or a paragraph; other control characters are dropped
_LATEX_TABLE = {ord(k): v for k, v in _LATEX.items()} | {c: " " for c in (9, 10, 13)} | {
    c: None for c in [*range(0, 9), 11, 12, *range(14, 32), 127]}

# inside a table cell only these start markup (`(`, `!`, `#`, `-` need a `[` or a line start); `$` opens
# math on GitHub and in Jupyter, which would typeset `$x$` instead of showing it
_MARKDOWN_SPECIAL = "\\`*_[]<>&|~$"


def escape_latex(value: object) -> str:
    """Text that LaTeX typesets literally (used as the LaTeX templates' finalize hook)."""
    return str(value).translate(_LATEX_TABLE)


def escape_markdown(value: object) -> str:
    """Text that a Markdown table cell shows literally (CommonMark backslash escapes, one line)."""
    text = " ".join(str(value).split())
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in text)


def plain_matplotlib(value: object) -> str:
    """Text for a matplotlib label: `$...$` would otherwise be typeset as mathtext."""
    return str(value).replace("$", r"\$")
