"""`bench leaderboard`, `bench table`, `bench paper`: parse key=value options, then call the library.

    bench leaderboard [task=NAME] [format=table|md|csv|json|latex|html] [out=PATH] [dirs=[a,b]] [stale=true]
    bench table [tasks=[a,b]] [metric=NAME|[a,b]] [profile=NAME] [out=PATH] [dirs=[a,b]]
    bench paper [dirs=[a,b]] [out=paper] [pdf=false]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from harness.errors import UserError, unknown
from harness.io import atomic_write_text
from leaderboard.load import DEFAULT_DIRS, gc_paused, report_rejected

LEADERBOARD_KEYS = ("task", "format", "out", "dirs", "stale")
TABLE_KEYS = ("tasks", "metric", "profile", "out", "dirs", "label")
PAPER_KEYS = ("dirs", "out", "pdf")


def options(command: str, args: list[str], keys: tuple[str, ...]) -> dict[str, Any]:
    """Hydra-grammar `key=value` pairs, each key checked against the command's keys."""
    from harness.config import parse_overrides

    pairs = dict(parse_overrides(args))
    for key in pairs:
        if key not in keys:
            raise unknown("option", key, keys, where=f"'bench {command}'")
    return pairs


def names(key: str, value: Any) -> list[str]:
    """`x` or `[x, y]` as a list of strings."""
    values = value if isinstance(value, list) else [value]
    if not values or any(isinstance(v, (list, dict)) or v is None for v in values):
        raise UserError(f"'{key}' takes a name or a list of names, got {value!r}")
    return [str(v) for v in values]


def flag(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise UserError(f"'{key}' takes true or false, got {value!r}")
    return value


def record_dirs(opts: dict[str, Any]) -> list[Path]:
    """The folders to read: `dirs=` (each must exist), else leaderboard/records and runs."""
    if "dirs" not in opts:
        return list(DEFAULT_DIRS)
    dirs = [Path(d) for d in names("dirs", opts["dirs"])]
    for d in dirs:
        if not d.exists():
            raise UserError(f"dirs: no such folder: {d}")
    return dirs


def load_runs(dirs: list[Path]):
    """Completed runs under `dirs`; rejected files are reported on stderr and skipped."""
    from leaderboard.aggregate import collect

    runs, rejected = collect(dirs)
    report_rejected(rejected)
    return runs


def check_tasks(wanted: list[str], runs) -> None:
    """Unknown names get close matches from the registry and the records."""
    from harness import registry

    have = set(runs["task"]) if len(runs) else set()
    for task in wanted:
        if task not in have:
            if task in registry.tasks():
                raise UserError(f"no completed records of task '{task}' under the folders read")
            raise unknown("task", task, set(registry.tasks()) | have)


def emit(text: str, out: Any) -> None:
    if out is None:
        sys.stdout.write(text)
    else:
        path = atomic_write_text(str(out), text)
        print(f"wrote {path}", file=sys.stderr)


def cmd_leaderboard(args: list[str]) -> int:
    # a short-lived command that keeps every object it creates: the cyclic GC would only rescan them
    with gc_paused():
        return _leaderboard(args)


def _leaderboard(args: list[str]) -> int:
    from leaderboard.render import FORMATS, SUFFIXES, render_board

    opts = options("leaderboard", args, LEADERBOARD_KEYS)
    out = opts.get("out")
    fmt = str(opts.get("format", SUFFIXES.get(Path(str(out)).suffix, "table") if out else "table"))
    if fmt not in FORMATS:
        raise unknown("format", fmt, FORMATS)
    stale = flag("stale", opts.get("stale", False))
    runs = load_runs(record_dirs(opts))
    if "task" in opts:
        task = names("task", opts["task"])
        check_tasks(task, runs)
        runs = runs[runs["task"].isin(task)]
    from leaderboard.aggregate import summarise

    board = summarise(runs)
    if board.empty:
        print("bench leaderboard: no completed records under the folders read", file=sys.stderr)
    elif board["stale"].all() and not stale and fmt not in ("csv", "json"):
        print("bench leaderboard: only records of older task versions; stale=true shows them", file=sys.stderr)
    page_dir = Path(str(out)).parent if out else Path.cwd()
    emit(render_board(board, fmt, page_dir, include_stale=stale, color=out is None and sys.stdout.isatty()), out)
    return 0


def cmd_table(args: list[str]) -> int:
    from leaderboard.table import build_table, render_table

    opts = options("table", args, TABLE_KEYS)
    runs = load_runs(record_dirs(opts))
    if "tasks" in opts:
        tasks = names("tasks", opts["tasks"])
    else:
        from leaderboard.aggregate import current_tasks

        tasks = current_tasks(runs)
    check_tasks(tasks, runs)
    metrics = names("metric", opts["metric"]) if "metric" in opts else None
    profile = str(opts["profile"]) if "profile" in opts else None
    if profile is not None:
        from harness.specs import PROFILES

        if profile not in PROFILES:
            raise unknown("profile", profile, PROFILES)
    label = str(opts["label"]) if "label" in opts else Path(str(opts["out"])).stem if "out" in opts else None
    emit(render_table(build_table(runs, tasks, metrics, profile, label)), opts.get("out"))
    return 0


def cmd_paper(args: list[str]) -> int:
    from leaderboard.paper import build_paper

    opts = options("paper", args, PAPER_KEYS)
    runs = load_runs(record_dirs(opts))
    return build_paper(runs, Path(str(opts.get("out", "paper"))), compile_pdf=flag("pdf", opts.get("pdf", True)))
