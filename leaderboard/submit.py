"""Check run records before they join the leaderboard, and copy them there when all pass.

    bench validate runs/digits                  # check only
    bench submit runs/digits/mlp                # check, then copy to leaderboard/records/<task>/<method>/<run_id>.json
    bench validate leaderboard/records          # before merging: the committed records still pass

A run's per-example test outputs travel with its record: the parquet file beside it (per_example.parquet in
a run folder, <run_id>.parquet beside a leaderboard record; leaderboard/per_example.py) must match the
sha256 and row count the record's `per_example` gives, and is copied to <run_id>.parquet beside the copied
record. A missing file is allowed: the record stays valid, and is compared over seeds only.

A submission is data: each file is read as text and validated by the strict pydantic `Record` schema
(`Record.model_validate_json`: no NaN or Infinity anywhere, no booleans or strings for numbers, names
and ids in a safe character set); nothing in it is imported, unpickled, instantiated or executed, and
names in it are only looked up in the registry's dicts. Every rule is a small function in CHECKS that
returns its reasons for rejecting one record (empty: no objection), so a new rule is one new function.

`submit` is all or nothing: under one lock on the records folder (`filelock`, so concurrent submits
take turns) every file is checked against the folder as it is then, all (records and their per-example
files, each staged copy checked again) are staged in a hidden folder inside it, and each is hard-linked
into place, which never overwrites a file of the same name. A failure at any point removes what this
submit placed: the folder is left as it was.
"""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from harness import registry
from harness.errors import UserError, did_you_mean
from harness.record import Record
from leaderboard import per_example
from leaderboard.load import read_record
from leaderboard.load import record_files as files_under

RECORDS_ROOT = Path("leaderboard/records")  # relative to the project root, like runs/; where leaderboard.load reads
MAX_BYTES = 10_000_000  # a record is a few KB; refuse to parse anything absurd
LOCK = ".submit.lock"  # in the records folder; hidden, so never read as a record
LOCK_TIMEOUT = 120.0  # seconds a submit waits for another to finish before it gives up
REQUIRED_VERSIONS = ("dlbench_version", "python", "torch", "accelerate", "datasets")


@dataclass
class Context:
    """What a record is checked against besides the registry: the records accepted before it."""

    leaderboard_ids: dict[str, Path] = field(default_factory=dict)  # run_id -> file in the records root
    submitted_ids: dict[str, Path] = field(default_factory=dict)  # run_id -> earlier file of this submission
    # (task, version, profile) -> fingerprints of accepted records; profiles cap the data, so each has its own
    fingerprints: dict[tuple[str, str, str], set[str]] = field(default_factory=dict)


@dataclass
class Verdict:
    path: Path
    record: Record | None
    reasons: list[str]

    @property
    def accepted(self) -> bool:
        return not self.reasons


# -- the checks: (record, context) -> reasons ------------------------------------------------------

def check_task(rec: Record, ctx: Context) -> list[str]:
    tasks = registry.tasks()
    task = tasks.get(rec.task.name)
    if task is None:
        return [f"unknown task '{rec.task.name}'{did_you_mean(rec.task.name, tasks)}"]
    if task.version != rec.task.version:
        return [f"task {task.name} is version {task.version} in the registry but the record has version "
                f"{rec.task.version}; re-run it with the current task"]
    return []


def check_metric_names(rec: Record, ctx: Context) -> list[str]:
    task = registry.tasks().get(rec.task.name)
    if task is None:
        return []  # check_task says why
    expected = [m.name for m in task.metrics]
    missing = [n for n in expected if n not in rec.metrics]
    extra = [n for n in rec.metrics if n not in expected]
    if not missing and not extra:
        return []
    return [f"metric names differ from task {task.name}'s {expected}: missing {missing}, unexpected {extra}"]


def check_primary_metric(rec: Record, ctx: Context) -> list[str]:
    task = registry.tasks().get(rec.task.name)
    if task is None:
        return []
    ours = (task.primary.name, task.primary.higher_is_better)
    theirs = (rec.primary_metric.name, rec.primary_metric.higher_is_better)
    return [] if ours == theirs else [f"primary metric {theirs} differs from task {task.name}'s {ours}"]


def check_metric_values(rec: Record, ctx: Context) -> list[str]:
    task = registry.tasks().get(rec.task.name)
    ranges = {m.name: m.range for m in task.metrics} if task else {}
    reasons = []
    for name, value in rec.metrics.items():
        low_high = ranges.get(name)
        if not math.isfinite(value):
            reasons.append(f"metric {name} is {value}, not a finite number")
        elif low_high and not low_high[0] <= value <= low_high[1]:
            reasons.append(f"metric {name} = {value} is outside its range [{low_high[0]}, {low_high[1]}]")
    return reasons


def check_method(rec: Record, ctx: Context) -> list[str]:
    methods = registry.methods()
    method = methods.get(rec.method.name)
    if method is None:
        return [f"unknown method '{rec.method.name}'{did_you_mean(rec.method.name, methods)}; "
                "a new method must land its baselines/<name>.py first"]
    if method.version != rec.method.version:
        return [f"method {method.name} is version {method.version} in the registry but the record has version "
                f"{rec.method.version}; re-run it with the current method"]
    return []


def check_status(rec: Record, ctx: Context) -> list[str]:
    return [] if rec.status == "completed" else [f"status is {rec.status} ({rec.error}); only completed runs count"]


def check_provenance(rec: Record, ctx: Context) -> list[str]:
    prov = rec.provenance
    reasons = [] if prov.git_commit else ["provenance.git_commit is missing: run from a git checkout"]
    missing = [name for name in REQUIRED_VERSIONS if getattr(prov, name) in ("", "unknown")]
    if missing:
        reasons.append(f"provenance lacks versions of {missing}")
    return reasons


def check_config(rec: Record, ctx: Context) -> list[str]:
    cfg = rec.config
    method_node = cfg.get("method")
    recorded = {
        "task": (rec.task.name, cfg.get("task")),
        "method.name": (rec.method.name, method_node.get("name") if isinstance(method_node, dict) else None),
        "seed": (rec.seed, cfg.get("seed")),
        "profile": (rec.profile, cfg.get("profile")),
    }
    reasons = [f"config.{key} is {theirs!r} but the record says {ours!r}"
               for key, (ours, theirs) in recorded.items() if ours != theirs]
    return reasons or check_config_rebuilds(rec)


def check_config_rebuilds(rec: Record) -> list[str]:
    """The recorded config passes every check a run's config passes (types, ranges: epochs=-3 fails) and
    hashes to the recorded config_hash: what `bench reproduce` would re-run is what was measured."""
    from harness.config import from_dict

    if rec.task.name not in registry.tasks() or rec.method.name not in registry.methods():
        return []  # check_task and check_method say why
    try:
        rebuilt = from_dict(rec.config).hash()
    except UserError as err:
        return [f"config does not rebuild: {err}"]
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        return [f"config does not rebuild: {type(err).__name__}: {err}"]
    if rebuilt != rec.config_hash:
        return [f"config_hash {rec.config_hash} is not the hash of the recorded config ({rebuilt})"]
    return []


def check_run_id(rec: Record, ctx: Context) -> list[str]:
    if rec.run_id in ctx.leaderboard_ids:
        return [f"run_id {rec.run_id} is already on the leaderboard ({ctx.leaderboard_ids[rec.run_id]})"]
    if rec.run_id in ctx.submitted_ids:
        return [f"run_id {rec.run_id} appears twice in this submission (also {ctx.submitted_ids[rec.run_id]})"]
    return []


def check_fingerprint(rec: Record, ctx: Context) -> list[str]:
    known = ctx.fingerprints.get(_data_key(rec))
    if not known or rec.task.dataset_fingerprint in known:
        return []
    return [f"dataset fingerprint {rec.task.dataset_fingerprint} differs from the other accepted records of "
            f"{rec.task.name} v{rec.task.version}, profile {rec.profile} ({', '.join(sorted(known))}): "
            "different data was used"]


def _data_key(rec: Record) -> tuple[str, str, str]:
    return rec.task.name, rec.task.version, rec.profile


Check = Callable[[Record, Context], list[str]]
CHECKS: list[Check] = [
    check_task, check_metric_names, check_primary_metric, check_metric_values, check_method,
    check_status, check_provenance, check_config, check_run_id, check_fingerprint,
]


# -- files ---------------------------------------------------------------------------------------

def parse_record(path: Path) -> tuple[Record | None, list[str]]:
    """The file's text validated by the Record schema; the reasons when it is not JSON or not a record."""
    try:
        if path.stat().st_size > MAX_BYTES:
            return None, [f"file is larger than {MAX_BYTES:,} bytes; a record is a few KB"]
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        return None, [f"cannot read: {err}"]
    except ValueError as err:  # UnicodeDecodeError: not text, so not JSON
        return None, [f"not JSON: {err}"]
    try:
        return Record.model_validate_json(text), []
    except ValidationError as err:
        errors = err.errors()
        if errors[0]["type"] == "json_invalid":  # syntax, or nesting past the parser's recursion limit
            return None, [f"not JSON: {errors[0]['msg']}"]
        return None, [f"schema: {'.'.join(map(str, e['loc'])) or 'record'}: {e['msg']}" for e in errors]


def record_files(paths: list[str]) -> list[Path]:
    """Files given, plus every record JSON under folders given; each file once, in order."""
    found: dict[Path, Path] = {}
    for arg in paths:
        top = Path(arg)
        if not top.exists():
            raise UserError(f"path does not exist: {top}")
        files = files_under(top)  # the same rule as the tables: no checkpoint/state.json, no hidden files
        if not files:
            raise UserError(f"no record JSON files under {top}")
        for path in files:
            found.setdefault(path.resolve(), path)
    return list(found.values())


def leaderboard_context(root: Path, inputs: list[Path]) -> Context:
    """Run ids and fingerprints of the records already in `root`, except the inputs themselves."""
    ctx = Context()
    skip = {p.resolve() for p in inputs}
    for path in files_under(root) if root.is_dir() else []:
        if path.resolve() in skip:
            continue
        record, _ = read_record(path)  # an invalid one is reported by `bench validate` on the root
        if record is None:
            ctx.leaderboard_ids[path.stem] = path  # records there are named <run_id>.json: still taken
            continue
        ctx.leaderboard_ids[record.run_id] = path
        if record.status == "completed":
            ctx.fingerprints.setdefault(_data_key(record), set()).add(record.task.dataset_fingerprint)
    return ctx


def check_files(files: list[Path], root: Path = RECORDS_ROOT) -> list[Verdict]:
    """Every record through every check, in order; accepted ones join the context of the next."""
    ctx = leaderboard_context(root, files)
    verdicts = []
    for path in files:
        rec, reasons = parse_record(path)
        if rec is not None:
            reasons = [reason for check in CHECKS for reason in check(rec, ctx)]
            reasons += per_example.check_beside(path, rec)  # a file check, not a record check: not in CHECKS
            ctx.submitted_ids.setdefault(rec.run_id, path)
            if not reasons:
                ctx.fingerprints.setdefault(_data_key(rec), set()).add(rec.task.dataset_fingerprint)
        verdicts.append(Verdict(path, rec, reasons))
    return verdicts


def check_root(root: Path, writing: bool) -> None:
    """The records folder exists, is a folder and (to submit) can be written: checked before any record."""
    if not str(root) or str(root) == ".":
        raise UserError("root= is empty; give the leaderboard's records folder, e.g. root=leaderboard/records")
    if not root.exists():
        raise UserError(f"root: no such folder: {root}; create it first or check the path")
    if not root.is_dir():
        raise UserError(f"root: {root} is a file, not the leaderboard's records folder")
    if not os.access(root, os.R_OK | os.X_OK) or (writing and not os.access(root, os.W_OK)):
        raise UserError(f"root: {root} is not {'writable' if writing else 'readable'}; check its permissions")


def destination(rec: Record, root: Path) -> Path:
    """<root>/<task>/<method>/<run_id>.json, refused if it would leave `root` (names are checked by the schema;
    this is the second line of defence)."""
    path = root / rec.task.name / rec.method.name / f"{rec.run_id}.json"
    if not path.resolve().is_relative_to(root.resolve()):
        raise UserError(f"record {rec.run_id!r} would be written outside {root}")
    return path


# -- reporting and copying -----------------------------------------------------------------------

def report(verdicts: list[Verdict]) -> None:
    """One line per accepted record, one per reason a record is rejected, and the count."""
    for v in verdicts:
        if v.accepted and v.record is not None:
            r = v.record
            print(f"{v.path}: accepted ({r.task.name}/{r.method.name} seed {r.seed}, run {r.run_id})")
        for reason in v.reasons:
            print(f"{v.path}: {reason}")
    rejected = sum(not v.accepted for v in verdicts)
    print(f"{len(verdicts)} record(s): {len(verdicts) - rejected} accepted, {rejected} rejected")


def submit(files: list[Path], root: Path) -> tuple[list[Verdict], list[Path]]:
    """Check `files` against `root` and, when every one is accepted, place them all; under the folder's lock.

    Returns the verdicts and the files written (none unless all were accepted)."""
    from filelock import FileLock, Timeout

    try:
        with FileLock(root / LOCK, timeout=LOCK_TIMEOUT):
            verdicts = check_files(files, root)  # under the lock: another submit may have landed a moment ago
            if not all(v.accepted for v in verdicts):
                return verdicts, []
            return verdicts, _place([(v.record, v.path) for v in verdicts if v.record is not None], root)
    except Timeout:
        raise UserError(f"another submit has held {root / LOCK} for {LOCK_TIMEOUT:.0f} s; try again") from None
    except OSError as err:
        raise UserError(f"cannot lock {root / LOCK}: {err.strerror or err}; nothing copied") from None


def _stage(records: list[tuple[Record, Path]], staging: Path, root: Path) -> list[tuple[Path, Path]]:
    """(staged file, destination) of every record and of every per-example file beside one."""
    staged = []
    for i, (rec, path) in enumerate(records):
        target = destination(rec, root)
        staged.append((rec.write(staging / f"{i}.json"), target))
        source = per_example.parquet_path(path, rec)
        if source is not None and source.is_file():
            copy = Path(shutil.copyfile(source, staging / f"{i}{per_example.SUFFIX}"))
            changed = per_example.problems(copy, rec)  # the copy is what lands: checked again, after copying
            if changed:
                raise UserError(f"{source} changed while submitting ({changed[0]}); nothing copied")
            staged.append((copy, target.with_suffix(per_example.SUFFIX)))
    return staged


def _place(records: list[tuple[Record, Path]], root: Path) -> list[Path]:
    """Stage every (record, its file) and the per-example file beside it in a hidden folder inside `root`,
    then link each into place; all or none. Returns the records' destinations."""
    placed: list[Path] = []
    made: list[Path] = []  # folders this submit created, removed again on failure
    try:
        staging = Path(tempfile.mkdtemp(dir=root, prefix=".staging-"))
    except OSError as err:
        raise UserError(f"cannot write in {root}: {err.strerror or err}; nothing copied") from None
    try:
        staged = _stage(records, staging, root)
        for source, target in staged:
            made += _mkdirs(target.parent, root)
            os.link(source, target)  # fails on an existing name: a clash is refused, never overwritten
            placed.append(target)
    except FileExistsError as err:
        _undo(placed, made)
        raise UserError(f"{err.filename} appeared while submitting; nothing copied") from None
    except OSError as err:
        _undo(placed, made)
        raise UserError(f"cannot write {err.filename or root}: {err.strerror or err}; nothing copied") from None
    except BaseException:
        _undo(placed, made)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [target for target in placed if target.suffix == ".json"]


def _mkdirs(folder: Path, root: Path) -> list[Path]:
    """Create `folder` under `root`; the folders created, deepest last."""
    missing = []
    while folder != root and not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        path.mkdir()
    return list(reversed(missing))


def _undo(placed: list[Path], made: list[Path]) -> None:
    for path in placed:
        path.unlink(missing_ok=True)
    for folder in reversed(made):
        with contextlib.suppress(OSError):  # not empty: a file landed there meanwhile
            folder.rmdir()
