"""Score a finished (or interrupted) run's checkpoint on the test split, in one or several processes.

    bench evaluate runs/digits/cnn/<run_id> [num_processes=2] [eval_batch_size=64] [out=metrics.json]

The run's config.yaml rebuilds the task data and the model; the weights come from the run's
checkpoint (safetensors). Scoring goes through the task's protocol, which collects predictions with
`accelerator.gather_for_metrics`, so every test example counts exactly once at any world size.
"""

from __future__ import annotations

import dataclasses
import sys
from dataclasses import dataclass
from pathlib import Path

from harness import distributed, options, rundir
from harness.config import RunConfig
from harness.contracts import Evaluation
from harness.errors import UserError


@dataclass
class EvaluateOptions:
    num_processes: int = 1
    eval_batch_size: int | None = None  # per device; default: the run's trainer.eval_batch_size
    out: str | None = None  # also write {"metrics", "num_samples", "world_size", ...} as JSON here

    def __post_init__(self) -> None:
        options.check_at_least("num_processes", self.num_processes, 1)
        if self.eval_batch_size is not None:
            options.check_at_least("eval_batch_size", self.eval_batch_size, 1)


def load_run_config(run_dir: Path) -> RunConfig:
    """The resolved config a run was started with (config.yaml), checked against the current registry."""
    import yaml

    from harness.config import from_dict

    path = run_dir / rundir.CONFIG
    if not run_dir.is_dir():
        raise UserError(f"run folder not found: {run_dir}")
    try:
        return from_dict(yaml.safe_load(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        hint = "is it a run folder, runs/<task>/<method>/<run_id>?"
        raise UserError(f"{run_dir} has no {rundir.CONFIG}; {hint}") from None
    except (OSError, yaml.YAMLError, KeyError, TypeError) as err:
        raise UserError(f"{path}: not a run config ({type(err).__name__}: {err})") from None


def checkpoint_weights(run_dir: Path) -> Path:
    for name in (rundir.CHECKPOINT, rundir.CHECKPOINT + ".old"):  # .old: killed between the save's renames
        weights = run_dir / name / "model.safetensors"
        if (run_dir / name / "state.json").is_file() and weights.is_file():
            return weights
    raise UserError(f"{run_dir} has no checkpoint to evaluate (checkpoint/model.safetensors)")


def evaluate(cfg: RunConfig, weights: Path) -> Evaluation:
    """Build the run's model, load its weights, and score the test split in this process's share."""
    from accelerate.utils import set_seed
    from safetensors.torch import load_model
    from torch.utils.data import DataLoader

    from harness import registry

    task, method = registry.get_task(cfg.task), registry.get_method(cfg.method_name)
    accelerator = distributed.make_accelerator(cfg.trainer.mixed_precision)
    set_seed(cfg.seed)
    with accelerator.main_process_first():  # the first process builds the dataset cache
        data = task.build_data(cfg.data, cfg.profile, cfg.metrics)
    model = method.build(data.info, cfg.method)
    load_model(model, str(weights))
    loader = DataLoader(data.test, batch_size=cfg.trainer.eval_batch_size, collate_fn=data.collate,
                        num_workers=cfg.data.num_workers)
    model, loader = accelerator.prepare(model, loader)
    return data.protocol.evaluate(accelerator, model, loader, "test")


def evaluate_command(args: list[str]) -> int:
    """`bench evaluate RUN_DIR [num_processes=N] [eval_batch_size=B] [out=PATH]`."""
    folders = [a for a in args if "=" not in a]
    opts = options.parse([a for a in args if "=" in a], EvaluateOptions, "evaluate")
    if len(folders) != 1:
        raise UserError("'bench evaluate' takes one run folder, for example: bench evaluate runs/digits/cnn/<run_id>")
    run_dir = Path(folders[0])
    cfg = load_run_config(run_dir)
    weights = checkpoint_weights(run_dir)
    if opts.eval_batch_size is not None:
        cfg = dataclasses.replace(cfg, trainer=dataclasses.replace(cfg.trainer, eval_batch_size=opts.eval_batch_size))
    if distributed.should_launch(opts.num_processes):
        rest = [a for a in args if options.option_key(a) != "num_processes"]
        return distributed.launch(["evaluate", *rest], opts.num_processes, cfg.trainer.mixed_precision)
    result = evaluate(cfg, weights)
    from accelerate import PartialState

    state = PartialState()  # the one `evaluate` set up
    if state.is_main_process:
        _report(run_dir, weights, cfg, result, state.num_processes, opts.out)
    return 0


def _report(run_dir: Path, weights: Path, cfg: RunConfig, result: Evaluation, world: int, out: str | None) -> None:
    from harness.io import atomic_write_json

    shown = "  ".join(f"{k} {v:.4f}" for k, v in result.metrics.items())
    print(f"evaluate {run_dir}  ({weights.parent.name}, world size {world}, "
          f"eval batch {cfg.trainer.eval_batch_size} per device)")
    print(f"test  {shown}  ({result.num_samples} examples)")
    if out:
        atomic_write_json(out, {"run_dir": str(run_dir), "metrics": result.metrics, "num_samples": result.num_samples,
                                "world_size": world, "per_device_batch_size": cfg.trainer.eval_batch_size})
        print(f"metrics {out}")
    sys.stdout.flush()
