"""`bench leaderboard`, `table`, `paper`, `validate`, `submit`, `reproduce`: parse, then call leaderboard/.

    bench leaderboard [task=NAME] [format=table|md|csv|json|latex|html] [out=PATH] [dirs=[a,b]] [stale=true]
                      [view=ranking|published]
    bench table [tasks=[a,b]] [metric=NAME|[a,b]] [profile=NAME] [out=PATH] [bib=PATH] [dirs=[a,b]]
    bench paper [dirs=[a,b]] [out=paper] [pdf=false]
    bench validate PATH... [root=DIR]   |   bench submit PATH... [root=DIR]
    bench reproduce RECORD... [tolerance=X] [output_dir=DIR]

pandas, scipy and pydantic are imported by the commands, never by this module: `bench list` stays light.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from cli import options
from cli.options import Command
from dlbench.board import load_runs, paper_table, ranked
from harness.errors import UserError, unknown
from harness.io import atomic_write_text, check_output_file, check_output_folder

PATHS = (("PATH...", "record files, or folders searched for them (not checkpoint/ or hidden files)"),)
DIRS = "folders of records (a name or [a,b]); null: leaderboard/records and runs"
VIEWS = ("ranking", "published")  # `bench leaderboard view=...`; dispatched by _VIEWS below


@dataclass
class LeaderboardOptions:
    task: list[str] | None = field(default=None, metadata={"help": "only these tasks (a name or [a,b])"})
    format: str | None = field(default=None, metadata={
        "help": "table, md, csv, json, latex or html; null: from out's suffix, else table"})
    out: str | None = field(default=None, metadata={"help": "write to this file instead of the terminal"})
    dirs: list[str] | None = field(default=None, metadata={"help": DIRS})
    stale: bool = field(default=False, metadata={"help": "also show records of older task versions"})
    view: str = field(default="ranking", metadata={
        "help": "ranking: methods ranked per task; published: each task reference (published or independently "
                "computed) beside the mean ± 95% CI of its method, the difference and a verdict"})

    def __post_init__(self) -> None:
        if self.view not in VIEWS:
            raise unknown("view", self.view, VIEWS)
        if self.out is not None:
            check_output_file("out", self.out)


@dataclass
class TableOptions:
    tasks: list[str] | None = field(default=None, metadata={"help": "columns; null: every current task"})
    metric: list[str] | None = field(default=None, metadata={
        "help": "a metric, or one per task; null: each task's primary metric"})
    profile: str | None = field(default=None, metadata={"help": "only records of this profile"})
    out: str | None = field(default=None, metadata={"help": "write the LaTeX to this file instead of stdout"})
    dirs: list[str] | None = field(default=None, metadata={"help": DIRS})
    label: str | None = field(default=None, metadata={"help": "\\label{tab:LABEL}; null: out's file name"})
    bib: str | None = field(default=None, metadata={
        "help": "also write the BibTeX entries of the table's tasks and methods (their cite=) to this .bib file; "
                "methods not registered here cite nothing and are named on stderr"})

    def __post_init__(self) -> None:
        if self.out is not None:
            check_output_file("out", self.out)
        if self.bib is not None:
            check_output_file("bib", self.bib)
            if self.out is not None and Path(self.bib).resolve() == Path(self.out).resolve():
                raise UserError(f"bib= and out= name the same file ({self.bib}); give the .bib its own name")


@dataclass
class PaperOptions:
    dirs: list[str] | None = field(default=None, metadata={"help": DIRS})
    out: str = field(default="paper", metadata={"help": "folder of the paper: tables/, figures/, main.pdf"})
    pdf: bool = field(default=True, metadata={"help": "build main.pdf with latexmk after the tables and figures"})

    def __post_init__(self) -> None:
        check_output_folder("out", self.out)


@dataclass
class SubmitOptions:
    root: str | None = field(default=None, metadata={
        "help": "the leaderboard's records folder checked against (submit copies there); "
                "null: leaderboard/records"})


@dataclass
class ReproduceOptions:
    tolerance: float | None = field(default=None, metadata={
        "help": "absolute tolerance per metric; null: 0 in the recorded environment, else 0.01"})
    output_dir: str | None = field(default=None, metadata={"help": "where the re-runs go; null: a temporary folder"})

    def __post_init__(self) -> None:
        from leaderboard.reproduce import check_options

        check_options(self.tolerance, self.output_dir)


# -- leaderboard, table, paper ---------------------------------------------------------------------

def emit(text: str, out: str | None) -> None:
    """`text` to stdout, or written atomically to `out` (said on stderr)."""
    if out is None:
        sys.stdout.write(text)
        return
    try:
        print(f"wrote {atomic_write_text(out, text)}", file=sys.stderr)
    except OSError as err:  # checked up front; the disk can still fill or a folder vanish meanwhile
        raise UserError(f"cannot write out={out}: {err.strerror or err}") from None


def cmd_leaderboard(args: list[str]) -> int:
    """`bench leaderboard`: rank methods per task in the chosen format."""
    from leaderboard.load import gc_paused

    opts = options.parse("leaderboard", LeaderboardOptions, args)
    # a short-lived command that keeps every object it creates: the cyclic GC would only rescan them
    with gc_paused():
        return _leaderboard(opts)


def _format(opts: LeaderboardOptions) -> str:
    """`format=`, else the suffix of `out=`, else the terminal table; checked."""
    from leaderboard.render import FORMATS, SUFFIXES

    out = opts.out
    fmt = opts.format or (SUFFIXES.get(Path(out).suffix, "table") if out else "table")
    if fmt not in FORMATS:
        raise unknown("format", fmt, FORMATS)
    return fmt


def _leaderboard(opts: LeaderboardOptions) -> int:
    return _VIEWS[opts.view](opts)


def _ranking(opts: LeaderboardOptions) -> int:
    """`view=ranking`: one ranked table per (task, version, profile)."""
    from leaderboard.render import render_board

    out = opts.out
    fmt = _format(opts)
    board, runs = ranked(opts.task, opts.dirs)
    if board.empty:
        print("bench leaderboard: no completed records under the folders read", file=sys.stderr)
    elif board["stale"].all() and not opts.stale and fmt not in ("csv", "json"):
        print("bench leaderboard: only records of older task versions; stale=true shows them", file=sys.stderr)
    page_dir = Path(out).parent if out else Path.cwd()
    emit(render_board(board, fmt, page_dir, include_stale=opts.stale, color=out is None and sys.stdout.isatty(),
                      runs=runs), out)
    return 0


def _published(opts: LeaderboardOptions) -> int:
    """`view=published`: every registered task's references beside the leaderboard (leaderboard/published.py)."""
    from harness import registry
    from leaderboard.published import published_sections
    from leaderboard.render import render_published

    fmt = _format(opts)
    tasks = registry.tasks()
    for name in opts.task or ():  # a task without records is fine here: its references show as not run
        if name not in tasks:
            raise unknown("task", name, tasks)
    chosen = [tasks[name] for name in opts.task] if opts.task is not None else None
    secs = published_sections(load_runs(opts.dirs), chosen)
    if not secs:
        print("bench leaderboard: no reference declared by the tasks chosen", file=sys.stderr)
    emit(render_published(secs, fmt, color=opts.out is None and sys.stdout.isatty()), opts.out)
    return 0


_VIEWS = {"ranking": _ranking, "published": _published}


def cmd_table(args: list[str]) -> int:
    """`bench table`: one booktabs LaTeX table, methods x tasks."""
    from leaderboard.table import render_table

    opts = options.parse("table", TableOptions, args)
    label = opts.label if opts.label is not None else Path(opts.out).stem if opts.out is not None else None
    table = paper_table(opts.tasks, opts.metric, profile=opts.profile, label=label, dirs=opts.dirs)
    emit(render_table(table), opts.out)
    if opts.bib is not None:
        _write_bib(table, opts.bib)
    return 0


def _write_bib(table, path: str) -> None:
    """`bench table bib=PATH`: the table's citations, written atomically (said on stderr)."""
    from leaderboard.table import write_table_bib

    try:
        uncited = write_table_bib(table, path)
    except OSError as err:  # checked up front; the disk can still fill or a folder vanish meanwhile
        raise UserError(f"cannot write bib={path}: {err.strerror or err}") from None
    print(f"wrote {path}", file=sys.stderr)
    if uncited:
        print(f"bench table: {', '.join(uncited)}: not registered here, so cited nothing in {path}", file=sys.stderr)


def cmd_paper(args: list[str]) -> int:
    """`bench paper`: regenerate the paper's tables and figures (and its PDF)."""
    from leaderboard.paper import build_paper

    opts = options.parse("paper", PaperOptions, args)
    return build_paper(load_runs(opts.dirs), Path(opts.out), compile_pdf=opts.pdf)


# -- validate, submit, reproduce --------------------------------------------------------------------

def _inputs(command: str, args: list[str]) -> tuple[list[Path], Path]:
    """The record files under the paths given, and the records root (checked: it exists, a folder)."""
    from leaderboard import submit

    opts, paths = options.parse_with_paths(command, SubmitOptions, args)
    if not paths:
        raise UserError(f"'bench {command}' needs record files or folders, for example: bench {command} runs/digits")
    root = Path(opts.root) if opts.root is not None else submit.RECORDS_ROOT
    submit.check_root(root, writing=command == "submit")
    return submit.record_files(paths), root


def cmd_validate(args: list[str]) -> int:
    """`bench validate PATH...`: 0 when every record is accepted, 1 otherwise."""
    from leaderboard import submit

    files, root = _inputs("validate", args)
    verdicts = submit.check_files(files, root)
    submit.report(verdicts)
    return 0 if all(v.accepted for v in verdicts) else 1


def cmd_submit(args: list[str]) -> int:
    """`bench submit PATH...`: validate, then copy all of them or none, under the records folder's lock."""
    from leaderboard import submit

    files, root = _inputs("submit", args)
    verdicts, placed = submit.submit(files, root)
    submit.report(verdicts)
    if not placed:
        print("nothing copied: fix or remove the rejected records and submit again")
        return 1
    for v, target in zip(verdicts, placed, strict=True):
        print(f"copied {v.path} -> {target}")
    return 0


def cmd_reproduce(args: list[str]) -> int:
    """`bench reproduce RECORD...`: 0 when every record reproduces."""
    from leaderboard.reproduce import reproduce_all

    opts, paths = options.parse_with_paths("reproduce", ReproduceOptions, args)
    if not paths:
        raise UserError("'bench reproduce' needs record files, for example: bench reproduce runs/.../record.json")
    comparisons = reproduce_all([Path(p) for p in paths], opts.output_dir, opts.tolerance)
    failed = sum(not c.reproduced_ok for c in comparisons)
    print(f"\n{len(comparisons)} record(s): {len(comparisons) - failed} reproduced, {failed} not")
    return 1 if failed else 0


COMMANDS = [
    Command("leaderboard", "rank methods per task: mean, std, 95% CI, ties by paired or Welch tests, cost",
            "[task=NAME] [format=F] [out=PATH] [dirs=[a,b]] [stale=true] [view=published]", LeaderboardOptions,
            cmd_leaderboard),
    Command("table", "booktabs LaTeX table: methods x tasks, best bold, ties marked",
            "[tasks=[a,b]] [metric=NAME] [profile=NAME] [out=PATH] [bib=PATH]", TableOptions, cmd_table),
    Command("paper", "regenerate paper/tables and paper/figures, build paper/main.pdf",
            "[out=paper] [pdf=false]", PaperOptions, cmd_paper),
    Command("validate", "check record files (or folders of them) against the leaderboard's rules",
            "PATH... [root=DIR]", SubmitOptions, cmd_validate, arguments=PATHS),
    Command("submit", "validate, then copy them all to leaderboard/records/ (or none)",
            "PATH... [root=DIR]", SubmitOptions, cmd_submit, arguments=PATHS),
    Command("reproduce", "re-run records from their config; compare metrics (exit 1 if any differ)",
            "RECORD... [tolerance=X] [output_dir=DIR]", ReproduceOptions, cmd_reproduce,
            arguments=(("RECORD...", "record files to re-run (runs/.../record.json, leaderboard/records/...)"),)),
]
