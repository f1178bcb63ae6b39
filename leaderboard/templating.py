"""The jinja2 environments for leaderboard/templates: escaping is the environment's job, not the caller's.

Every `<< value >>` in a LaTeX template and every `{{ value }}` in a Markdown template passes through the
format's escaper (jinja's `finalize` hook); HTML uses jinja's own autoescape (markupsafe). Markup belongs
in the template text, so a value can never inject a command or a tag.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from leaderboard.escape import escape_latex, escape_markdown

if TYPE_CHECKING:
    from jinja2 import Environment

TEMPLATES = Path(__file__).parent / "templates"


@cache
def environment(kind: str) -> Environment:
    """`latex`, `markdown` or `html`."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    common = {"loader": FileSystemLoader(TEMPLATES), "undefined": StrictUndefined, "keep_trailing_newline": True,
              "trim_blocks": True, "lstrip_blocks": True}
    if kind == "latex":
        # LaTeX is full of `{` and `%`: jinja's markers become << >>, <% %> and <# #>
        return Environment(**common, autoescape=False, finalize=escape_latex,
                           variable_start_string="<<", variable_end_string=">>", block_start_string="<%",
                           block_end_string="%>", comment_start_string="<#", comment_end_string="#>")
    if kind == "markdown":
        return Environment(**common, autoescape=False, finalize=escape_markdown)
    if kind == "html":
        return Environment(**common, autoescape=True)
    raise ValueError(f"unknown template kind {kind!r}")


def render(kind: str, template: str, **context: object) -> str:
    return environment(kind).get_template(template).render(**context)
