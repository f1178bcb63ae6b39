"""`bench paper`: regenerate paper/tables/*.tex and paper/figures/*, then build paper/main.pdf if TeX exists.

main.tex never changes when tasks are added: it inputs tables/all.tex, generated here, which lists one
subsection per task (its table and figures), and tables/published.tex, every task reference beside the
reproduced mean (leaderboard/published.py), its own section. Without latexmk or pdflatex the tables and figures are
still written and the command says, in one line, that the PDF was not built (exit 0).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from harness.errors import UserError
from harness.io import atomic_write_text
from leaderboard.aggregate import current_tasks, metric_direction, primary_metric, summarise
from leaderboard.figures import bar_chart, learning_curves
from leaderboard.published import published_sections
from leaderboard.render import render_published_latex
from leaderboard.table import build_table, render_table, slug
from leaderboard.templating import render

if TYPE_CHECKING:
    import pandas as pd

LATEX_TIMEOUT_S = 300


def task_metrics(task: str, runs: pd.DataFrame) -> list[str]:
    """The task's metrics that its records report, primary first (registry order, else the primary only)."""
    from harness import registry

    primary = primary_metric(task, runs)
    spec = registry.tasks().get(task)
    if spec is None:
        return [primary]
    task_runs = runs[runs["task"] == task]
    reported = [m.name for m in spec.metrics if f"m.{m.name}" in task_runs and task_runs[f"m.{m.name}"].notna().any()]
    return [primary] + [m for m in reported if m != primary]


def write_task(task: str, runs: pd.DataFrame, paper_dir: Path) -> dict[str, object]:
    """tables/<task>.tex, figures/<task>-bar.pdf and figures/<task>-curves.pdf; what all.tex needs."""
    name = slug(task)
    metrics = task_metrics(task, runs)
    table = build_table(runs, [task], metrics, label=task)
    atomic_write_text(paper_dir / "tables" / f"{name}.tex", render_table(table))
    profile, metric = table.columns[0].profile, metrics[0]
    board = summarise(runs[runs["task"] == task], metric)
    board = board[~board["stale"] & (board["profile"] == profile)]
    bar_chart(board, paper_dir / "figures" / f"{name}-bar.pdf")
    version = board["task_version"].iloc[0]
    section = runs[(runs["task"] == task) & (runs["task_version"] == version) & (runs["profile"] == profile)]
    curves = learning_curves(section, metric, paper_dir / "figures" / f"{name}-curves.pdf")
    return {"task": task, "slug": name, "profile": profile, "metric": metric, "curves": curves is not None,
            "higher_is_better": metric_direction(task, metric, runs),
            "examples": _examples(task, list(board["method"]), paper_dir / "figures" / f"{name}-examples.pdf")}


def _examples(task: str, methods: list[str], path: Path) -> str | None:
    """The task's own figure of its methods on a few test examples, when it has one: its caption."""
    from harness import registry

    spec = registry.tasks().get(task)
    if spec is None or spec.paper_figure is None:
        return None
    return spec.paper_figure(sorted(methods), path)


def build_paper(runs: pd.DataFrame, paper_dir: Path, compile_pdf: bool = True) -> int:
    if not (paper_dir / "main.tex").is_file():
        raise UserError(f"no main.tex in {paper_dir}: point out= at the paper folder (the repository's paper/)")
    tasks = [write_task(task, runs, paper_dir) for task in current_tasks(runs)]
    atomic_write_text(paper_dir / "tables" / "all.tex", render("latex", "all.tex.j2", tasks=tasks))
    # every registered task's references, also those of tasks without records (they show as not run)
    atomic_write_text(paper_dir / "tables" / "published.tex", render_published_latex(published_sections(runs)))
    print(f"bench paper: wrote tables and figures for {len(tasks)} task(s) and the published-versus-reproduced "
          f"table under {paper_dir}", file=sys.stderr)
    return build_pdf(paper_dir) if compile_pdf else 0


def _latex_commands() -> list[list[str]] | None:
    flags = ["-interaction=nonstopmode", "-halt-on-error", "-file-line-error"]
    if shutil.which("latexmk"):
        return [["latexmk", "-pdf", *flags, "main.tex"]]
    if shutil.which("pdflatex"):
        return [["pdflatex", *flags, "main.tex"]] * 2  # twice: references and captions settle
    return None


def build_pdf(paper_dir: Path) -> int:
    """Compile main.tex in `paper_dir`; 0 also when no TeX is installed (said in one line), 1 on a LaTeX error."""
    commands = _latex_commands()
    if commands is None:
        print("bench paper: main.pdf not built: neither latexmk nor pdflatex is installed "
              "(bash scripts/install_tex.sh installs them)", file=sys.stderr)
        return 0
    for cmd in commands:
        try:
            done = subprocess.run(cmd, cwd=paper_dir, capture_output=True, text=True, errors="replace",
                                  timeout=LATEX_TIMEOUT_S, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            print(f"bench paper: {cmd[0]} ran past {LATEX_TIMEOUT_S} s; see {paper_dir / 'main.log'}", file=sys.stderr)
            return 1
        if done.returncode != 0:
            errors = [line for line in done.stdout.splitlines() if line.startswith("!") or ":error:" in line
                      or ".tex:" in line]
            first = errors[0] if errors else f"{cmd[0]} exited {done.returncode}"
            print(f"bench paper: LaTeX failed: {first} (see {paper_dir / 'main.log'})", file=sys.stderr)
            return 1
    print(f"bench paper: built {paper_dir / 'main.pdf'}", file=sys.stderr)
    return 0
