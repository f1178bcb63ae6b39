"""`bench leaderboard` output formats: terminal (rich), Markdown, CSV, JSON, LaTeX and one HTML page.

Two views share them: the ranking (`render_board`) and published versus reproduced (`render_published`).

CSV and JSON are the full board (stale rows included, flagged); the other views show current task
versions only unless asked. HTML is the results page (leaderboard/results_page.py): record paths in it
are relative to the page, so the page and the records can move together.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from leaderboard.published import CI_NOTE, PROFILE_PREFERENCE, VERDICTS, published_frame
from leaderboard.published import Section as PublishedSection
from leaderboard.results_page import render_results_page
from leaderboard.stats import ALPHA
from leaderboard.templating import render
from leaderboard.views import sections

if TYPE_CHECKING:
    import pandas as pd

FORMATS = ("table", "md", "csv", "json", "latex", "html")
SUFFIXES = {".txt": "table", ".md": "md", ".csv": "csv", ".json": "json", ".tex": "latex", ".html": "html"}
HIDDEN = ["values", "records"]  # lists: kept in JSON, left out of CSV


def render_terminal(board: pd.DataFrame, include_stale: bool = False, width: int | None = None,
                    color: bool = True) -> str:
    """Rich tables, one per section. Every cell is `Text`, never markup, so `[bold]` in a name prints as is."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    out = io.StringIO()
    width = width or shutil.get_terminal_size((160, 24)).columns
    console = Console(file=out, width=width, force_terminal=color, color_system="standard" if color else None)
    for sec in sections(board, include_stale):
        table = Table(title=Text(sec.heading), caption=Text(sec.note), box=box.SIMPLE_HEAD, title_justify="left")
        for name in ("rank", "method", f"{sec.metric} mean ± std", "95% CI", "seeds", "vs best", "params",
                     "train s", "eval samples/s"):
            table.add_column(Text(name), justify="left" if name in ("method", "vs best") else "right")
        for r in sec.rows:
            style = "bold" if r.vs_best == "best" else ""
            score = f"{r.mean} ± {r.std}" if r.std else r.mean
            cells = (str(r.rank), r.method, score, r.ci95, str(r.n_seeds), r.mark, r.params, r.train_seconds,
                     r.eval_rate)
            table.add_row(*(Text(c, style=style if i in (1, 2) else "") for i, c in enumerate(cells)))
        console.print(table)
    return out.getvalue()


def render_markdown(board: pd.DataFrame, include_stale: bool = False) -> str:
    return render("markdown", "leaderboard.md.j2", sections=sections(board, include_stale))


def render_latex(board: pd.DataFrame, include_stale: bool = False) -> str:
    return render("latex", "leaderboard.tex.j2", sections=sections(board, include_stale), alpha=ALPHA)


def render_html(board: pd.DataFrame, page_dir: Path, include_stale: bool = False,
                runs: pd.DataFrame | None = None) -> str:
    """The results page (leaderboard/results_page.py); links to records relative to `page_dir`. `runs` adds
    every metric the records report and each seed's own training time."""
    return render_results_page(board, page_dir, include_stale, runs)


def render_csv(board: pd.DataFrame) -> str:
    return board.drop(columns=[c for c in HIDDEN if c in board]).to_csv(index=False)


def render_json(board: pd.DataFrame) -> str:
    return board.to_json(orient="records", indent=2) + "\n"


def render_board(board: pd.DataFrame, fmt: str, page_dir: Path, include_stale: bool = False,
                 color: bool = True, runs: pd.DataFrame | None = None) -> str:
    """The board in `fmt` (one of FORMATS); `runs`, the runs behind it, is read by the HTML page only."""
    renderers = {
        "table": lambda: render_terminal(board, include_stale, color=color),
        "md": lambda: render_markdown(board, include_stale),
        "csv": lambda: render_csv(board),
        "json": lambda: render_json(board),
        "latex": lambda: render_latex(board, include_stale),
        "html": lambda: render_html(board, page_dir, include_stale, runs),
    }
    return renderers[fmt]()


# -- the published-versus-reproduced view (leaderboard/published.py) ------------------------------------

def render_published_terminal(secs: list[PublishedSection], width: int | None = None, color: bool = True) -> str:
    """Rich tables, one per task, each followed by its sources and tolerances; every cell is `Text`, never markup."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    out = io.StringIO()
    width = width or shutil.get_terminal_size((160, 24)).columns
    console = Console(file=out, width=width, force_terminal=color, color_system="standard" if color else None)
    styles = {"within": "green", "outside": "bold red"}
    for sec in secs:
        table = Table(title=Text(sec.heading), box=box.SIMPLE_HEAD, title_justify="left")
        for name in ("ref", "method", "metric", "published", "mean ± 95% CI", "seeds", "profile", "train examples",
                     "difference", "tolerance", "verdict"):
            numeric = name in ("published", "mean ± 95% CI", "seeds", "difference", "tolerance")
            table.add_column(Text(name), justify="right" if numeric else "left", no_wrap=name != "train examples")
        notes = []
        for i, row in enumerate(sec.rows, 1):
            c = row.cells()
            mean = f"{c['mean']} ± {c['half_width']}" if c["half_width"] else c["mean"]
            cells = (f"[{i}]", c["method"], c["metric"], c["published"], mean, c["seeds"], c["profile"], c["train"],
                     c["difference"], c["tolerance"], c["verdict"])
            table.add_row(*(Text(v, style=styles.get(v, "") if v is cells[-1] else "") for v in cells))
            source = f"{c['source']} ({c['note']})" if c["note"] else c["source"]
            notes.append(Text(f"  [{i}] {source}. Tolerance: {c['why'] or 'none given'}"))
        console.print(table)
        for note in notes:
            console.print(note)
        console.print()
    console.print(Text(f"{CI_NOTE}. Verdicts: " + "; ".join(f"{k}: {v}" for k, v in VERDICTS.items()) + "."))
    return out.getvalue()


def _published_context() -> dict[str, object]:
    return {"verdicts": VERDICTS, "ci_note": CI_NOTE, "profiles": ", ".join(PROFILE_PREFERENCE)}


def render_published_latex(secs: list[PublishedSection]) -> str:
    """The view as a longtable and a numbered list of sources: paper/tables/published.tex."""
    return render("latex", "published.tex.j2", sections=secs, **_published_context())


def render_published(secs: list[PublishedSection], fmt: str, color: bool = True) -> str:
    """The published-versus-reproduced view in `fmt` (one of FORMATS)."""
    renderers = {
        "table": lambda: render_published_terminal(secs, color=color),
        "md": lambda: render("markdown", "published.md.j2", sections=secs, **_published_context()),
        "csv": lambda: published_frame(secs).to_csv(index=False),
        "json": lambda: published_frame(secs).to_json(orient="records", indent=2) + "\n",
        "latex": lambda: render_published_latex(secs),
        "html": lambda: render("html", "published.html.j2", sections=secs, **_published_context()),
    }
    return renderers[fmt]()
