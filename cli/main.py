"""`bench`: parse the command line and dispatch. No training logic lives here.

    bench list
    bench show task=digits | method=cnn
    bench run task=digits method=cnn [key=value ...]
    bench sweep task=digits method=linear,mlp seed=0,1,2 jobs=2
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from harness.errors import UserError, unknown

USAGE = """usage: bench COMMAND [key=value ...]

commands:
  list                              tasks and methods, grouped by family
  show task=NAME [samples=PNG] | method=NAME  what a task measures (data, splits, metrics, protocol, references)
  run task=NAME method=NAME [k=v] [num_processes=N]
                                    train, evaluate, write a record under runs/ (N processes: Accelerate)
  sweep k=a,b k2=range(0,3) [jobs=N] [rerun=true] [launcher=local|slurm] [num_processes=N] [slurm.*=...]
                                    every combination as a run; skips completed ones; summary at the end
  evaluate RUN_DIR [num_processes=N] [eval_batch_size=B] [out=PATH]
                                    score a run's checkpoint on the test split (docs/distributed.md)
  leaderboard [task=NAME] [format=F] [out=PATH] [dirs=[a,b]] [stale=true]
                                    rank methods per task: mean, std, 95% CI, Welch ties, cost
                                    (F: table md csv json latex html; dirs: leaderboard/records, runs)
  table [tasks=[a,b]] [metric=NAME] [profile=NAME] [out=PATH]
                                    booktabs LaTeX table: methods x tasks, best bold, ties marked
  paper [out=paper] [pdf=false]     regenerate paper/tables and paper/figures, build paper/main.pdf
  validate PATH... [root=DIR]       check record files (or folders of them) against the leaderboard's rules
  submit PATH... [root=DIR]         validate, then copy them all to leaderboard/records/ (or none)
  reproduce RECORD... [tolerance=X] re-run records from their config; compare metrics (exit 1 if any differ)

overrides use Hydra's grammar with dotted keys: seed=3 profile=smoke trainer.epochs=20 method.hidden=256
profiles: smoke (seconds), default (the leaderboard's CPU numbers), full (GPU scale)"""


def cmd_list(args: list[str]) -> int:
    from harness import registry

    if args:
        raise UserError(f"'bench list' takes no arguments, got '{args[0]}'")
    tasks, methods = registry.tasks(), registry.methods()
    for family in registry.families():
        fam_tasks = [t for t in tasks.values() if t.family == family]
        fam_methods = [m for m in methods.values() if family in m.fits]
        if not fam_tasks and not fam_methods:
            continue
        print(family)
        for t in sorted(fam_tasks, key=lambda t: t.name):
            print(f"  task    {t.name:<16} v{t.version:<3} {t.description}")
        for m in sorted(fam_methods, key=lambda m: m.name):
            print(f"  method  {m.name:<16} v{m.version:<3} {m.description}")
    return 0


def cmd_show(args: list[str]) -> int:
    from harness import registry
    from harness.config import parse_overrides

    pairs = dict(parse_overrides(args))
    if set(pairs) == {"task"}:
        print(_describe_task(registry.get_task(str(pairs["task"]))))
    elif set(pairs) == {"task", "samples"}:
        _write_samples(registry.get_task(str(pairs["task"])), str(pairs["samples"]))
    elif set(pairs) == {"method"}:
        print(_describe_method(registry.get_method(str(pairs["method"]))))
    else:
        raise UserError("'bench show' takes task=NAME [samples=PATH.png] or method=NAME")
    return 0


def _write_samples(task, path: str) -> None:
    """A PNG grid of ground-truth samples, for tasks whose spec has a `preview`."""
    from pathlib import Path

    from harness.config import DataConfig

    if task.preview is None:
        raise UserError(f"task '{task.name}' has no sample preview; samples= works for tasks that define one")
    if not Path(path).expanduser().parent.is_dir():
        raise UserError(f"samples='{path}': folder {Path(path).parent} does not exist")
    task.preview(DataConfig(), str(Path(path).expanduser()))
    print(f"wrote {path}")


def _describe_task(t) -> str:
    from harness import registry

    lines = [
        f"task {t.name} (version {t.version}, family {t.family})",
        f"  {t.description}",
        f"  data:      {t.dataset}",
        "  splits:    " + ", ".join(f"{k} {v:,}" for k, v in t.splits.items()),
        f"  input:     {'x'.join(map(str, t.input_shape))}, {t.num_classes} classes",
        "  metrics:",
        *(f"    {m.name:<18} {'higher' if m.higher_is_better else 'lower'} is better; {m.source}"
          + ("  [primary]" if m.name == t.primary_metric else "") for m in t.metrics),
        f"  protocol:  {t.protocol}",
    ]
    if t.profiles:
        lines.append("  profiles:  " + "; ".join(f"{p}: {dict(v)}" for p, v in t.profiles.items()))
    lines.append("  references:")
    lines += [f"    {r.method:<12} {r.metric} {r.value:.4g}  ({r.source})" for r in t.references] or ["    none"]
    lines.append("  methods:   " + (", ".join(registry.fitting_methods(t)) or "none"))
    return "\n".join(lines)


def _describe_method(m) -> str:
    import dataclasses

    fields = ", ".join(f"{f.name}" for f in dataclasses.fields(m.params)) or "none"
    lines = [
        f"method {m.name} (version {m.version}; fits {', '.join(m.fits)})",
        f"  {m.description}",
        f"  objective: {m.objective}",
        f"  method.* keys: {fields}",
    ]
    lines += [f"  profile {p}: {dict(v)}" for p, v in m.profiles.items()]
    lines += [f"  profile {p} on {t}: {dict(v)}" for t, per in m.task_profiles.items() for p, v in per.items()]
    return "\n".join(lines)


def cmd_run(args: list[str]) -> int:
    from harness import distributed
    from harness.config import compose

    num_processes, args = distributed.pop_num_processes(args, "run")
    cfg = compose(args)  # every key, type and name checked before any heavy import
    if distributed.should_launch(num_processes):
        return distributed.launch(["run", *args], num_processes, cfg.trainer.mixed_precision)
    from harness.runner import run

    try:
        result = run(cfg)
    except KeyboardInterrupt:
        print("interrupted: the last checkpoint is kept; add resume=true to the same command", file=sys.stderr)
        return 130
    return 0 if result.record.status == "completed" else 1


def cmd_sweep(args: list[str]) -> int:
    from harness.sweep import sweep_command

    return sweep_command(args)


def cmd_evaluate(args: list[str]) -> int:
    from harness.evaluate import evaluate_command

    return evaluate_command(args)


def cmd_validate(args: list[str]) -> int:
    from leaderboard.submit import validate_command

    return validate_command(args)


def cmd_submit(args: list[str]) -> int:
    from leaderboard.submit import submit_command

    return submit_command(args)


def cmd_reproduce(args: list[str]) -> int:
    from leaderboard.reproduce import reproduce_command

    return reproduce_command(args)


def cmd_leaderboard(args: list[str]) -> int:
    from leaderboard.commands import cmd_leaderboard

    return cmd_leaderboard(args)


def cmd_table(args: list[str]) -> int:
    from leaderboard.commands import cmd_table

    return cmd_table(args)


def cmd_paper(args: list[str]) -> int:
    from leaderboard.commands import cmd_paper

    return cmd_paper(args)


COMMANDS: dict[str, Callable[[list[str]], int]] = {
    "list": cmd_list, "show": cmd_show, "run": cmd_run, "sweep": cmd_sweep, "evaluate": cmd_evaluate,
    "validate": cmd_validate, "submit": cmd_submit, "reproduce": cmd_reproduce,
    "leaderboard": cmd_leaderboard, "table": cmd_table, "paper": cmd_paper,
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0
    command, *args = argv
    try:
        if command not in COMMANDS:
            raise unknown("command", command, COMMANDS)
        return COMMANDS[command](args)
    except UserError as err:
        print(f"bench: error: {err}", file=sys.stderr)
        return 2
    finally:
        _leave_process_group()


def _leave_process_group() -> None:
    """A worker that exits with its gloo group still open can abort in teardown ("terminate called
    without an active exception", exit -6) after its work is done; leave the group explicitly, and
    together: a rank that tears its group down while the main rank still writes its report aborted
    the same way (1 run in 6 of `bench evaluate ... num_processes=2`)."""
    dist = sys.modules.get("torch.distributed")  # never import torch here: `bench list` stays light
    if dist is not None and dist.is_available() and dist.is_initialized():
        from datetime import timedelta

        try:  # bounded on gloo (CPU): a rank that failed alone must not hold the others forever
            if dist.get_backend() == "gloo":
                dist.monitored_barrier(timeout=timedelta(seconds=120))
            else:  # monitored_barrier is gloo-only; NCCL's barrier ends at the group's own timeout
                dist.barrier()
        except RuntimeError:
            pass  # a missing rank already failed the run; its exit code is what the launcher reports
        dist.destroy_process_group()


if __name__ == "__main__":
    sys.exit(main())
