"""Check run records before they join the leaderboard, and copy them there when all pass.

    bench validate runs/digits                  # check only
    bench submit runs/digits/mlp                # check, then copy to leaderboard/records/<task>/<method>/<run_id>.json
    bench validate leaderboard/records          # before merging: the committed records still pass

A submission is data: each file is read as text and validated by the pydantic `Record` schema
(`Record.model_validate_json`); nothing in it is imported, unpickled, instantiated or executed, and names in it are only
looked up in the registry's dicts. Every rule is a small function in CHECKS that returns its
reasons for rejecting one record (empty: no objection), so a new rule is one new function.
`submit` copies nothing unless every record is accepted: a pull request is fixed as a whole.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from harness import registry
from harness.errors import UserError, did_you_mean
from harness.record import Record
from leaderboard.load import read_record
from leaderboard.load import record_files as files_under

RECORDS_ROOT = Path("leaderboard/records")  # relative to the project root, like runs/; where leaderboard.load reads
MAX_BYTES = 10_000_000  # a record is a few KB; refuse to parse anything absurd
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")  # run_id becomes a file name under the root
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
    return [f"config.{key} is {theirs!r} but the record says {ours!r}"
            for key, (ours, theirs) in recorded.items() if ours != theirs]


def check_run_id(rec: Record, ctx: Context) -> list[str]:
    if not SAFE_NAME.fullmatch(rec.run_id):
        return [f"run_id {rec.run_id!r} is not a plain name (letters, digits, '.', '_', '-')"]
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
            ctx.submitted_ids.setdefault(rec.run_id, path)
            if not reasons:
                ctx.fingerprints.setdefault(_data_key(rec), set()).add(rec.task.dataset_fingerprint)
        verdicts.append(Verdict(path, rec, reasons))
    return verdicts


def destination(rec: Record, root: Path) -> Path:
    return root / rec.task.name / rec.method.name / f"{rec.run_id}.json"


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


def copy(verdict: Verdict, root: Path) -> Path:
    """Write an accepted record to its place under `root`: <task>/<method>/<run_id>.json."""
    if verdict.record is None or not verdict.accepted:
        raise ValueError(f"{verdict.path} was not accepted")
    return verdict.record.write(destination(verdict.record, root))
