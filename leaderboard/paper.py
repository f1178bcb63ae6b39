"""`bench paper`: regenerate paper/tables/*.tex, paper/figures/* and paper/references.bib, then build
paper/main.pdf if TeX exists, and fail when the PDF would not fit its page or cites nothing.

main.tex never changes when tasks are added: it inputs tables/summary.tex (each task's best method, by
family), tables/all.tex (one subsection per task: its tables, one figure row, its examples), and
tables/published.tex (every task reference beside the reproduced mean, its own section). Tasks and methods
are cited from their registry entries (`cite=`, harness/bibliography.py). After compiling, main.log is read:
an overfull box wider than OVERFULL_PT or an undefined citation fails the command (exit 1), so a table that
runs off the page never lands. Without latexmk or pdflatex the sources are still written and the command
says, in one line, that the PDF was not built (exit 0).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from harness.errors import UserError
from harness.io import atomic_write_text
from leaderboard.aggregate import current_tasks, metric_direction, summarise
from leaderboard.figures import bar_chart, learning_curves
from leaderboard.published import published_sections
from leaderboard.render import render_published_latex
from leaderboard.table import build_table, render_table, slug
from leaderboard.templating import render
from leaderboard.views import fmt_metric, task_metrics

if TYPE_CHECKING:
    import pandas as pd

LATEX_TIMEOUT_S = 300
METRICS_PER_TABLE = 4  # metric columns beside the method (and cost) before a task's table continues below
OVERFULL_PT = 1.0  # the widest overfull box the built paper may report


def reference_values(task: str, section: pd.DataFrame) -> dict[str, float]:
    """Reference metrics of `task` (Metric.reference) -> their mean over the section's records."""
    from harness import registry

    spec = registry.tasks().get(task)
    out = {}
    for metric in spec.metrics if spec is not None else ():
        column = f"m.{metric.name}"
        if metric.reference and column in section and section[column].notna().any():
            out[metric.name] = float(section[column].mean())
    return out


def _published_lines(task: str, metric: str) -> dict[str, float]:
    """Published numbers of the primary metric, drawn as reference lines (at most three, in declared order)."""
    from harness import registry

    spec = registry.tasks().get(task)
    refs = [r for r in (spec.references if spec is not None else ()) if r.metric == metric]
    # the label names the method only: sources are sentences, and the published section cites them in full
    return {f"published: {r.method}": r.value for r in refs[:3]}


def _cites(names: list[str], kind: str) -> dict[str, tuple[str, ...]]:
    from harness import registry

    specs = registry.tasks() if kind == "task" else registry.methods()
    return {n: tuple(specs[n].cite) for n in names if n in specs and getattr(specs[n], "cite", ())}


def write_task(task: str, runs: pd.DataFrame, paper_dir: Path) -> dict[str, object]:
    """tables/<task>[-N].tex, figures/<task>-bar.pdf and -curves.pdf; what all.tex and summary.tex need."""
    from harness import registry

    name = slug(task)
    metrics = task_metrics(task, runs)
    chunks = [metrics[i:i + METRICS_PER_TABLE] for i in range(0, len(metrics), METRICS_PER_TABLE)]
    tables = [build_table(runs, [task], chunk, label=task if i == 0 else f"{task}-{i + 1}", cost=i == 0)
              for i, chunk in enumerate(chunks)]
    profile, metric = tables[0].columns[0].profile, metrics[0]
    board = summarise(runs[runs["task"] == task], metric)
    board = board[~board["stale"] & (board["profile"] == profile)]
    methods = list(board.sort_values(["rank", "method"])["method"])
    cites = _cites(methods, "method")
    files = []
    for i, table in enumerate(tables):
        table.cites, table.placement, table.brief = cites, "!htbp", True
        files.append(name if i == 0 else f"{name}-{i + 1}")
        if i:
            table.subject = f"{task} (continued)"
        atomic_write_text(paper_dir / "tables" / f"{files[-1]}.tex", render_table(table))
    version = board["task_version"].iloc[0]
    section = runs[(runs["task"] == task) & (runs["task_version"] == version) & (runs["profile"] == profile)]
    references = reference_values(task, section)
    lines = {f"{k} (reference)": v for k, v in references.items() if _same_units(k, metric)}
    bar_chart(board, paper_dir / "figures" / f"{name}-bar.pdf", lines=lines | _published_lines(task, metric))
    curves = learning_curves(section, metric, paper_dir / "figures" / f"{name}-curves.pdf")
    best = board[board["rank"] == 1].sort_values("n_seeds", ascending=False).iloc[0]
    spec = registry.tasks().get(task)
    return {"task": task, "slug": name, "tables": files, "profile": profile, "metric": metric,
            "curves": curves is not None, "higher_is_better": metric_direction(task, metric, runs),
            "family": spec.family if spec is not None else "other",
            "dataset": spec.dataset if spec is not None else "", "cite": _cites([task], "task").get(task, ()),
            "references": {k: fmt_metric(v) for k, v in references.items()},
            "best": {"method": best["method"], "mean": fmt_metric(best["mean"]),
                     "std": "" if best["n_seeds"] < 2 else fmt_metric(best["std"]),
                     "cite": cites.get(best["method"], ()), "methods": len(board)},
            "methods": methods,
            "examples": _examples(task, methods, paper_dir / "figures" / f"{name}-examples.pdf")}


def _same_units(reference: str, metric: str) -> bool:
    """A reference metric is drawn on the primary metric's axis only when it measures the same thing
    (fd_real_floor beside fd): same name stem."""
    return reference.startswith(metric + "_")


def _examples(task: str, methods: list[str], path: Path) -> str | None:
    """The task's own figure of its methods on a few test examples, when it has one: its caption."""
    from harness import registry

    spec = registry.tasks().get(task)
    if spec is None or spec.paper_figure is None:
        return None
    return spec.paper_figure(sorted(methods), path)


def _by_family(tasks: list[dict[str, object]]) -> list[tuple[str, list[dict[str, object]]]]:
    """Tasks grouped by family, families in registry order (the course's order), tasks by name."""
    from harness import registry

    order = {name: i for i, name in enumerate(registry.families())}
    families: dict[str, list[dict[str, object]]] = {}
    for t in sorted(tasks, key=lambda t: (order.get(str(t["family"]), len(order)), str(t["task"]))):
        families.setdefault(str(t["family"]), []).append(t)
    return list(families.items())


def write_bibliography(tasks: list[dict[str, object]], paper_dir: Path) -> int:
    """references.bib: the entries every task and method of the paper cites, plus the libraries the
    harness runs on. Returns the number of entries."""
    from harness.bibliography import HARNESS_KEYS, write_bib
    from harness.registry import cite_keys

    methods = sorted({m for t in tasks for m in t["methods"]})
    keys = list(dict.fromkeys([*HARNESS_KEYS, *cite_keys([str(t["task"]) for t in tasks], methods)]))
    # at most three authors per entry: library papers list twenty and the bibliography is part of the page count
    write_bib(keys, paper_dir / "references.bib", max_authors=3)
    return len(keys)


def build_paper(runs: pd.DataFrame, paper_dir: Path, compile_pdf: bool = True) -> int:
    from harness import registry

    if not (paper_dir / "main.tex").is_file():
        raise UserError(f"no main.tex in {paper_dir}: point out= at the paper folder (the repository's paper/)")
    tasks = [write_task(task, runs, paper_dir) for task in current_tasks(runs)]
    families = _by_family(tasks)
    atomic_write_text(paper_dir / "tables" / "summary.tex", render("latex", "summary.tex.j2", families=families))
    atomic_write_text(paper_dir / "tables" / "all.tex", render("latex", "all.tex.j2", families=families))
    # the references of the paper's tasks: a task without records has nothing to hold against them
    specs = [registry.tasks()[str(t["task"])] for t in tasks if str(t["task"]) in registry.tasks()]
    atomic_write_text(paper_dir / "tables" / "published.tex",
                      render_published_latex(published_sections(runs, tasks=specs)))
    entries = write_bibliography(tasks, paper_dir)
    print(f"bench paper: wrote tables and figures for {len(tasks)} task(s), the published-versus-reproduced "
          f"table and {entries} bibliography entries under {paper_dir}", file=sys.stderr)
    return build_pdf(paper_dir) if compile_pdf else 0


def _latex_commands() -> list[list[str]] | None:
    flags = ["-interaction=nonstopmode", "-halt-on-error", "-file-line-error"]
    if shutil.which("latexmk"):
        return [["latexmk", "-pdf", "-bibtex", *flags, "main.tex"]]
    if shutil.which("pdflatex") and shutil.which("bibtex"):
        # references, citations and captions settle over three passes with BibTeX after the first
        return [["pdflatex", *flags, "main.tex"], ["bibtex", "main"], *[["pdflatex", *flags, "main.tex"]] * 2]
    return None


def log_problems(log: str) -> list[str]:
    """What a finished LaTeX log says is wrong with the PDF: overfull boxes wider than OVERFULL_PT (where
    they are), undefined citations or references. Empty: the paper fits its page and cites what exists."""
    problems = []
    for found in re.finditer(r"Overfull \\([hv])box \(([\d.]+)pt too \w+\) (.*)", log):
        kind, width, where = found.groups()
        if float(width) > OVERFULL_PT:
            # the log names the file being read as "(./path.tex" before its messages: the last one opened
            opened = re.findall(r"\(\./([^\s()]+\.tex)", log[:found.start()])
            inside = f" in {opened[-1]}" if opened else ""
            problems.append(f"an overfull \\{kind}box {float(width):.1f} pt too wide {where.strip()}{inside}")
    problems += [f"citation '{key}' undefined" for key in
                 dict.fromkeys(re.findall(r"Citation [`']([^']+)' .*undefined", log))]
    problems += [f"reference '{key}' undefined" for key in
                 dict.fromkeys(re.findall(r"Reference [`']([^']+)' .*undefined", log))]
    return problems


def build_pdf(paper_dir: Path) -> int:
    """Compile main.tex in `paper_dir`; 0 also when no TeX is installed (said in one line), 1 on a LaTeX
    error or when the log reports an overfull box or an undefined citation (`log_problems`)."""
    commands = _latex_commands()
    if commands is None:
        print("bench paper: main.pdf not built: latexmk, or pdflatex and bibtex, are not installed "
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
    problems = log_problems((paper_dir / "main.log").read_text(errors="replace"))
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        print(f"bench paper: built {paper_dir / 'main.pdf'} but {problems[0]}{more}; see {paper_dir / 'main.log'}",
              file=sys.stderr)
        return 1
    print(f"bench paper: built {paper_dir / 'main.pdf'}", file=sys.stderr)
    return 0
