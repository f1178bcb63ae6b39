"""Score a finished (or interrupted) run's checkpoint on the test split, in one or several processes.

    bench evaluate runs/digits/cnn/<run_id> [num_processes=2] [eval_batch_size=64] [out=metrics.json]

The run's config.yaml rebuilds the task data and the model; the weights come from the run's
checkpoint (safetensors). Scoring goes through the task's protocol, which collects predictions with
`accelerator.gather_for_metrics`, so every test example counts exactly once at any world size.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from harness import distributed, rundir
from harness.config import RunConfig
from harness.contracts import Evaluation
from harness.errors import UserError, check_rule
from harness.progress import log


def load_run_config(run_dir: Path) -> RunConfig:
    """The resolved config a run was started with (config.yaml), checked against the current registry."""
    import yaml

    from harness.config import from_dict

    path = run_dir / rundir.CONFIG
    if not run_dir.is_dir():
        raise UserError(f"run folder not found: {run_dir}")
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        hint = "is it a run folder, runs/<task>/<method>/<run_id>?"
        raise UserError(f"{run_dir} has no {rundir.CONFIG}; {hint}") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:  # random bytes, a truncated file
        reason = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise UserError(f"{path}: not a run config ({type(err).__name__}: {reason})") from None
    required = ("task", "method", "profile", "seed")
    if not isinstance(config, dict) or not isinstance(config.get("method"), dict) or \
            any(key not in config for key in required):
        raise UserError(f"{path}: not a run config (it needs the keys {', '.join(required)}, as a run writes them)")
    try:
        return from_dict(config)
    except (KeyError, TypeError, ValueError) as err:
        raise UserError(f"{path}: not a run config ({type(err).__name__}: {err})") from None


def checkpoint_weights(run_dir: Path) -> Path:
    """The run's finished checkpoint weights, whose safetensors header is read (and so checked) here."""
    for name in (rundir.CHECKPOINT, rundir.CHECKPOINT + ".old"):  # .old: killed between the save's renames
        weights = run_dir / name / "model.safetensors"
        if (run_dir / name / "state.json").is_file() and weights.is_file():
            _check_safetensors(weights)
            return weights
    raise UserError(f"{run_dir} has no checkpoint to evaluate (checkpoint/model.safetensors)")


def _check_safetensors(weights: Path) -> None:
    """A corrupt or truncated file fails here, in one line, before any data is built: safetensors checks
    the header and that every tensor's bytes lie inside the file."""
    from safetensors import SafetensorError, safe_open

    try:
        with safe_open(str(weights), framework="pt") as fh:
            fh.keys()
    except (SafetensorError, OSError, ValueError) as err:
        raise UserError(f"{weights}: not a readable safetensors checkpoint ({err})") from None


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
    try:
        load_model(model, str(weights))
    except RuntimeError as err:  # tensors of another model: missing or unexpected keys, other shapes
        raise UserError(f"{weights}: does not fit the run's model {cfg.method_name} "
                        f"({str(err).splitlines()[0]})") from None
    loader = DataLoader(data.test, batch_size=cfg.trainer.eval_batch_size, collate_fn=data.collate,
                        num_workers=cfg.data.num_workers)
    model, loader = accelerator.prepare(model, loader)
    return data.protocol.evaluate(accelerator, model, loader, "test")


def check_eval_batch_size(eval_batch_size: int | None) -> None:
    if eval_batch_size is not None:
        check_rule("eval_batch_size", eval_batch_size, 1 <= eval_batch_size <= 2**20, "in [1, 2**20]")


def load_run(run_dir: Path, eval_batch_size: int | None = None) -> tuple[RunConfig, Path]:
    """A run's config (with `eval_batch_size` per device when given) and the weights to score."""
    check_eval_batch_size(eval_batch_size)
    cfg = load_run_config(run_dir)
    weights = checkpoint_weights(run_dir)
    if eval_batch_size is not None:
        cfg = dataclasses.replace(cfg, trainer=dataclasses.replace(cfg.trainer, eval_batch_size=eval_batch_size))
    return cfg, weights


def evaluate_and_report(run_dir: Path, cfg: RunConfig, weights: Path, out: str | None) -> Evaluation:
    """Score this process's share; the main process prints the metrics (and writes them to `out`)."""
    result = evaluate(cfg, weights)
    from accelerate import PartialState

    state = PartialState()  # the one `evaluate` set up
    if state.is_main_process:
        _report(run_dir, weights, cfg, result, state.num_processes, out)
    return result


def _report(run_dir: Path, weights: Path, cfg: RunConfig, result: Evaluation, world: int, out: str | None) -> None:
    from harness.io import atomic_write_json

    shown = "  ".join(f"{k} {v:.4f}" for k, v in result.metrics.items())
    log.info(f"evaluate {run_dir}  ({weights.parent.name}, world size {world}, "
             f"eval batch {cfg.trainer.eval_batch_size} per device)")
    log.info(f"test  {shown}  ({result.num_samples} examples)")
    if out:
        atomic_write_json(out, {"run_dir": str(run_dir), "metrics": result.metrics, "num_samples": result.num_samples,
                                "world_size": world, "per_device_batch_size": cfg.trainer.eval_batch_size})
        log.info(f"metrics {out}")
