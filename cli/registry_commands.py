"""`bench list` and `bench show`: what the registry holds. Light on purpose: no torch, Hydra or pandas."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

import dlbench
from cli import options
from cli.options import Command
from harness.errors import UserError
from harness.io import check_output_file

UNPINNED = "UNPINNED (not a commit id; results may change if the hub dataset changes)"
UNCHECKED = "revision not checked: taken from public material and never loaded here (the hub was unreachable)"


@dataclass
class ListOptions:
    """`bench list` takes no options."""


@dataclass
class ShowOptions:
    task: str | None = field(default=None, metadata={
        "help": "a task: its family, data, revision, splits, metrics, protocol, references"})
    method: str | None = field(default=None, metadata={"help": "a method: what it fits, its method.* keys, profiles"})
    samples: str | None = field(default=None, metadata={
        "help": "with task=: write a PNG grid of the task's ground-truth samples to this path"})


def cmd_list(args: list[str]) -> int:
    """`bench list`: every task and method, grouped by family."""
    from harness import registry

    options.parse("list", ListOptions, args)
    for family in registry.families():
        fam_tasks, fam_methods = dlbench.tasks(family), dlbench.methods(family)
        if not fam_tasks and not fam_methods:
            continue
        print(family)
        for t in fam_tasks.values():
            print(f"  task    {t.name:<16} v{t.version:<3} {t.description}")
        for m in fam_methods.values():
            print(f"  method  {m.name:<16} v{m.version:<3} {m.description}")
    return 0


def cmd_show(args: list[str]) -> int:
    """`bench show task=NAME [samples=PNG] | method=NAME`."""
    from harness import registry

    opts = options.parse("show", ShowOptions, args)
    given = {f.name for f in dataclasses.fields(opts) if getattr(opts, f.name) is not None}
    if given == {"task"}:
        print(describe_task(registry.get_task(str(opts.task))))
    elif given == {"task", "samples"}:
        _write_samples(registry.get_task(str(opts.task)), str(opts.samples))
    elif given == {"method"}:
        print(describe_method(registry.get_method(str(opts.method))))
    else:
        raise UserError("'bench show' takes task=NAME [samples=PATH.png] or method=NAME")
    return 0


def _write_samples(task, path: str) -> None:
    """A PNG grid of ground-truth samples, for tasks whose spec has a `preview`."""
    from harness.config import DataConfig

    if task.preview is None:
        raise UserError(f"task '{task.name}' has no sample preview; samples= works for tasks that define one")
    if not Path(path).expanduser().parent.is_dir():
        raise UserError(f"samples='{path}': folder {Path(path).parent} does not exist")
    check_output_file("samples", Path(path).expanduser())
    _check_image_suffix(path)
    task.preview(DataConfig(), str(Path(path).expanduser()))
    print(f"wrote {path}")


def _check_image_suffix(path: str) -> None:
    """The file name ends in a format Pillow can write (the grid is a PIL image)."""
    from PIL import Image

    Image.init()
    suffix = Path(path).suffix.lower()
    writable = sorted(ext for ext, fmt in Image.registered_extensions().items() if fmt in Image.SAVE)
    if Image.registered_extensions().get(suffix) not in Image.SAVE:
        raise UserError(f"samples='{path}': cannot write a '{suffix or 'file without a suffix'}' image; "
                        f"use .png (or {', '.join(e for e in writable if e in ('.jpg', '.pdf', '.webp'))})")


def describe_task(t) -> str:
    """What `bench show task=NAME` prints."""
    from harness import registry

    family = registry.get_family(t.family)
    lines = [
        f"task {t.name} (version {t.version}, family {t.family})",
        f"  {t.description}",
        f"  family:    {family.name}: {family.description}",
        f"  data:      {t.dataset}",
    ]
    if t.hub is not None:
        lines.append(f"  revision:  {t.hub.repo_id}@{t.hub.revision}" + (f" {UNPINNED}" if t.unpinned else ""))
        if not t.hub.checked:
            lines.append(f"             {UNCHECKED}")
    lines += [
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
    lines.append("  cite:      " + (", ".join(t.cite) or "none"))
    return "\n".join(lines)


def describe_method(m) -> str:
    """What `bench show method=NAME` prints."""
    fields = ", ".join(f.name for f in dataclasses.fields(m.params)) or "none"
    lines = [
        f"method {m.name} (version {m.version}; fits {', '.join(m.fits)})",
        f"  {m.description}",
        f"  objective: {m.objective}",
        "  cite:      " + (", ".join(m.cite) or "none"),
        f"  method.* keys: {fields}  (bench run method={m.name} --help: types, defaults)",
    ]
    lines += [f"  profile {p}: {dict(v)}" for p, v in m.profiles.items()]
    lines += [f"  profile {p} on {t}: {dict(v)}" for t, per in m.task_profiles.items() for p, v in per.items()]
    return "\n".join(lines)


COMMANDS = [
    Command("list", "tasks and methods, grouped by family", "", ListOptions, cmd_list),
    Command("show", "what a task measures (data, splits, metrics, protocol, references) or a method's keys",
            "task=NAME [samples=PNG] | method=NAME", ShowOptions, cmd_show),
]
