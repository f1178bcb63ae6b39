"""`bench sweep`: expand a grid of overrides, skip what is already done, run the rest, summarise.

    bench sweep task=digits method=linear,mlp,cnn seed=0,1,2 jobs=2 profile=smoke
    bench sweep task=digits method=cnn trainer.lr=1e-3,3e-3 'seed=range(0,3)' launcher=slurm slurm.partition=gpu

The grid uses Hydra's multirun grammar (`a,b,c`, `range(0,3)`, `choice(a,b)`), parsed by Hydra's own
override parser; every combination is one `bench run`. A grid of more than max_runs points is refused from
its size alone, before it is listed. Every grid point is composed and checked before anything runs. A
point whose completed record already exists (same task version, method, resolved config hash and seed)
is skipped unless rerun=true, so re-running a sweep after a crash finishes only what is missing; each run
gets resume=true (unless given), so one cut off mid-training continues from its last checkpoint.
"""

from __future__ import annotations

import dataclasses
import decimal
import itertools
import math
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from harness import progress, rundir
from harness.config import RunConfig
from harness.errors import UserError
from harness.launchers import Job, Outcome, get_launcher, outcome_from_record
from harness.sweep_options import DEFAULT_MAX_RUNS, SweepOptions

SWEEP_DIR = ".sweep"  # under output_dir: one log per run, submitit's files; hidden from record scans


def _key(arg: str) -> str:
    return arg.split("=", 1)[0]


# -- the grid ---------------------------------------------------------------------------------------

def _parse(args: list[str]) -> list:
    """Hydra's parsed overrides of `args`; only plain key=value (a sweep or not) is accepted."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import OverrideParseException

    for arg in args:
        if "=" not in arg:
            raise UserError(f"expected key=value, got '{arg}' (for example method=linear,mlp seed=0,1,2)")
    try:
        parsed = OverridesParser.create().parse_overrides(list(args))
    except OverrideParseException as err:
        raise UserError(f"cannot parse override: {str(err).splitlines()[0]}") from None
    for ov in parsed:
        if ov.is_delete() or ov.is_add() or ov.is_force_add():
            raise UserError(f"'{ov.input_line}': only plain key=value overrides are supported")
    return parsed


def _unlistable(ov) -> UserError:
    return UserError(f"'{ov.input_line}' cannot be listed; sweep with a,b,c or range(start,stop[,step])")


def _axis_size(ov, cap: int) -> int:
    """How many values a sweep override lists, found without listing more than `cap` + 1 of them."""
    from hydra.core.override_parser.types import ChoiceSweep, RangeSweep

    value = ov.value()
    if isinstance(value, ChoiceSweep):
        return len(value.list)
    if not isinstance(value, RangeSweep):
        raise _unlistable(ov)  # interval(...), glob(...)
    if value.step == 0:
        raise UserError(f"'{ov.input_line}': a range's step must not be 0")
    values = value.range()
    if isinstance(values, range):
        return len(values)
    # a float range is stepped in Decimal by Hydra: count it the same way, up to the cap
    counted = sum(1 for _ in itertools.islice(values, cap + 1))
    if counted <= cap:
        return counted
    estimate = (decimal.Decimal(value.stop) - decimal.Decimal(value.start)) / decimal.Decimal(value.step)
    return max(cap + 1, math.ceil(estimate))


def _check_size(parsed: list, max_runs: int) -> None:
    """Refuse a grid of more than `max_runs` points before listing any of it (range(0,10**8) would fill memory)."""
    sizes = [(ov, _axis_size(ov, max_runs)) for ov in parsed if ov.is_sweep_override()]
    for ov, size in sizes:
        if size == 0:
            raise UserError(f"'{ov.input_line}' sweeps over no values")
    total = math.prod(size for _, size in sizes)
    if total > max_runs:
        axes = " x ".join(f"{ov.key_or_group} {size:,}" for ov, size in sizes)
        raise UserError(f"the grid has {total:,} runs ({axes}), more than max_runs={max_runs:,}; "
                        f"narrow the sweep, or raise the limit with max_runs={total}")


def expand(args: list[str], max_runs: int = DEFAULT_MAX_RUNS) -> tuple[list[list[str]], list[str]]:
    """Every combination of the swept values (the last key varies fastest), and the swept keys.

    The grid's size is computed from each sweep's length first; one of more than `max_runs` points is refused."""
    from hydra.errors import HydraException

    parsed = _parse(args)
    _check_size(parsed, max_runs)
    axes, swept = [], []
    for ov in parsed:
        if not ov.is_sweep_override():
            axes.append([ov.input_line])
            continue
        try:
            values = list(ov.sweep_string_iterator())
        except HydraException:
            raise _unlistable(ov) from None
        axes.append([f"{ov.key_or_group}={v}" for v in values])
        swept.append(ov.key_or_group)
    return [list(point) for point in itertools.product(*axes)], swept


@dataclass(frozen=True)
class Point:
    args: tuple[str, ...]
    cfg: RunConfig
    label: str
    existing: Path | None  # the completed record that makes this point skippable


def _label(cfg: RunConfig, args: list[str], swept: list[str]) -> str:
    shown = [a for a in args if _key(a) in swept and _key(a) not in ("task", "method", "seed")]
    return " ".join([f"{cfg.task}/{cfg.method_name} seed={cfg.seed}", *shown])


RecordKey = tuple[str, str, str, int]  # what makes two runs the same: task version, method, config hash, seed


def completed_records(root: Path) -> dict[RecordKey, Path]:
    """Completed records under runs/<task>/<method>/, by RecordKey."""
    from pydantic import ValidationError

    from harness.record import Record

    found: dict[RecordKey, Path] = {}
    for path in sorted(root.glob(f"*/{rundir.RECORD}")):  # oldest first: the newest wins
        try:
            record = Record.model_validate_json(path.read_bytes())
        except (OSError, ValidationError):
            continue  # not a record we can trust to skip a run
        if record.status == "completed":
            found[(record.task.version, record.method.name, record.config_hash, record.seed)] = path
    return found


def plan(grid: list[list[str]], swept: list[str], rerun: bool) -> list[Point]:
    """Compose every grid point (all checked before anything runs) and find those already done."""
    from harness import registry
    from harness.config import compose

    points, seen = [], set()
    records: dict[Path, dict[RecordKey, Path]] = {}
    for args in grid:
        if not any(_key(a) == "resume" for a in args):
            args = [*args, "resume=true"]
        try:
            cfg = compose(args)
        except UserError as err:
            raise UserError(f"grid point {' '.join(a for a in args if a != 'resume=true')}: {err}") from None
        if (cfg.output_dir, cfg.task, cfg.method_name, cfg.hash()) in seen:
            continue  # the same run twice (seed=0,0): once is enough
        seen.add((cfg.output_dir, cfg.task, cfg.method_name, cfg.hash()))
        existing = None
        if not rerun:
            root = rundir.run_root(cfg.output_dir, cfg.task, cfg.method_name)
            if root not in records:
                records[root] = completed_records(root)
            version = registry.get_task(cfg.task).version
            existing = records[root].get((version, cfg.method_name, cfg.hash(), cfg.seed))
        points.append(Point(tuple(args), cfg, _label(cfg, args, swept), existing))
    return points


def _log_path(cfg: RunConfig) -> Path:
    name = re.sub(r"[^A-Za-z0-9._-]", "_", f"{cfg.task}.{cfg.method_name}.{cfg.hash()}")
    return Path(cfg.output_dir) / SWEEP_DIR / f"{name}.log"


# -- progress and summary ---------------------------------------------------------------------------

def _clock(seconds: float) -> str:
    m, s = divmod(int(round(seconds)), 60)
    return f"{m // 60}:{m % 60:02d}:{s:02d}" if m >= 60 else f"{m}:{s:02d}"


class Progress:
    """One line per finished run (with the sweep's ETA), and a bar with ETA when stderr is a terminal."""

    def __init__(self, total: int) -> None:
        self.total, self.finished, self.start = total, 0, time.perf_counter()
        self.outcomes: list[Outcome] = []
        self.bar = progress.bar(total, "sweep", unit="run", file=sys.stderr, dynamic_ncols=True)

    def report(self, outcome: Outcome) -> None:
        self.finished += 1
        self.outcomes.append(outcome)
        elapsed = time.perf_counter() - self.start
        eta = elapsed / self.finished * (self.total - self.finished)
        what = outcome.score if outcome.status == "done" else outcome.reason
        progress.log.info(f"[{self.finished}/{self.total}] {outcome.status:<6} {outcome.job.label}  {what}  "
                          f"({outcome.seconds:.1f}s; eta {_clock(eta)})")
        self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


def _print_grid(points: list[Point], swept: list[str], opts: SweepOptions) -> None:
    skipped = sum(p.existing is not None for p in points)
    where = f"launcher {opts.launcher}, {opts.jobs} at a time"
    if opts.num_processes > 1:
        where += f", {opts.num_processes} processes per run"
    progress.log.info(f"sweep: {len(points)} run(s) over {', '.join(swept) or 'no swept key'}; {where}"
                      + (f"; {skipped} already done (rerun=true runs them again)" if skipped else ""))
    for i, p in enumerate(points, 1):
        state = f"skip: {p.existing}" if p.existing else f"config {p.cfg.hash()}"
        progress.log.info(f"  {i:>3}  {p.label:<40} {state}")


def _print_summary(outcomes: list[Outcome], seconds: float) -> None:
    count = {s: sum(o.status == s for o in outcomes) for s in ("done", "skipped", "failed")}
    progress.log.info(f"\nsweep finished in {_clock(seconds)}: {count['done']} done, {count['skipped']} skipped, "
                      f"{count['failed']} failed")
    for o in sorted(outcomes, key=lambda o: o.job.index):
        if o.status == "failed":
            progress.log.info(f"  failed   {o.job.label}: {o.reason}" + (f"  record {o.record}" if o.record else ""))
        else:
            progress.log.info(f"  {o.status:<8} {o.job.label}  {o.score}  {o.record}")


# -- the sweep -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SweepResult:
    outcomes: list[Outcome]  # one per grid point that ended (done, skipped or failed)
    total: int  # grid points
    interrupted: bool  # Ctrl-C stopped it: the same command finishes the rest


def run_sweep(run_args: list[str], opts: SweepOptions) -> SweepResult:
    """Expand `run_args` (Hydra's multirun grammar), check every point, skip the done ones, run the rest."""
    launcher = get_launcher(opts.launcher)
    grid, swept = expand(run_args, opts.max_runs)
    points = plan(grid, swept, opts.rerun)
    launcher.check()
    for output_dir in sorted({p.cfg.output_dir for p in points if p.existing is None}):
        rundir.check_writable(output_dir)
    _print_grid(points, swept, opts)
    start = time.perf_counter()
    jobs = [Job(i, p.args, p.label, _log_path(p.cfg)) for i, p in enumerate(points)]
    outcomes = [dataclasses.replace(outcome_from_record(job, str(p.existing), 0.0), status="skipped")
                for job, p in zip(jobs, points, strict=True) if p.existing is not None]
    todo = [job for job, p in zip(jobs, points, strict=True) if p.existing is None]
    interrupted = False
    if todo:
        progress = Progress(len(todo))
        try:
            launcher.run(todo, opts, progress.report)
        except KeyboardInterrupt:
            interrupted = True
        finally:
            progress.close()
        outcomes += progress.outcomes
    _print_summary(outcomes, time.perf_counter() - start)
    return SweepResult(outcomes, len(points), interrupted)
