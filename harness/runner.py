"""Train and evaluate one (task, method, config) with Accelerate, and write its record.

One Accelerator drives devices, mixed precision and multi-process runs. Evaluation goes through
`accelerator.gather_for_metrics` (inside the task's protocol), so every test example counts
exactly once at any world size. Each epoch is reseeded from (seed, epoch), which is what makes a
resumed run end with the same metrics as an uninterrupted one.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import math
import time
from dataclasses import dataclass
from pathlib import Path

import torch
from accelerate import Accelerator
from accelerate.utils import broadcast_object_list, set_seed
from torch.utils.data import DataLoader

from harness import checkpoint, distributed, optim, per_example, progress, provenance, registry, rundir
from harness.config import RunConfig
from harness.contracts import Evaluation, TaskData
from harness.io import atomic_write_text
from harness.record import MAX_METRIC, PerExampleRef, Record, load_record

log = progress.log  # lines go wherever the caller sent them (harness/progress.py), and to the run's run.log


# what resume=true says when there is no checkpoint to continue from (rundir.Resumable's states and "new")
RESUME_NOTES = {
    "new": "resume=true: no unfinished run of this config found; starting fresh",
    "restart": "resume=true: {run_dir} stopped before its first checkpoint; training it again from epoch 0, in place",
}


class NonFiniteLoss(RuntimeError):
    pass


def _within_scale(metrics: dict[str, float], split: str) -> dict[str, float]:
    """The metrics, unless one is non-finite or beyond what a record holds: then the run has diverged."""
    bad = {k: v for k, v in metrics.items() if not abs(v) <= MAX_METRIC}
    if bad:
        raise NonFiniteLoss(f"{split} metrics diverged ({', '.join(f'{k} = {v}' for k, v in bad.items())}); "
                            "try a lower trainer.lr or trainer.grad_clip=1.0")
    return metrics


@dataclass
class RunResult:
    record: Record
    run_dir: Path


def _cache_accelerate_package_probe() -> None:
    """accelerate's AcceleratedOptimizer.step calls `is_lomo_available()` twice per step, and each
    call searches sys.path on disk (~0.25 ms: 13% of a digits CNN step, measured with
    benchmarks/step_time.py). Whether a package is installed cannot change during a run, so the
    answer is cached; behaviour is otherwise unchanged."""
    import accelerate.optimizer

    probe = accelerate.optimizer.is_lomo_available
    if not hasattr(probe, "cache_info"):
        accelerate.optimizer.is_lomo_available = functools.cache(probe)


def backward_for(accelerator: Accelerator):
    """`accelerator.backward`, or plain `Tensor.backward` where the two are the same: accelerate divides
    the loss by gradient_accumulation_steps (a tensor op and an autograd node even when it is 1: ~35 us
    of a 2-core CPU step, measured) and dispatches on a grad scaler, DeepSpeed or Megatron; with none
    of those in play it ends in `loss.backward()`."""
    from accelerate.utils import DistributedType

    special = (DistributedType.DEEPSPEED, DistributedType.MEGATRON_LM)
    if accelerator.scaler is None and accelerator.gradient_accumulation_steps == 1 and \
            accelerator.distributed_type not in special:
        return torch.Tensor.backward
    return accelerator.backward


def epoch_seed(seed: int, epoch: int) -> int:
    """The seed of one epoch, within NumPy's range (< 2**32): unchanged for small seeds, so records still reproduce."""
    return (seed * 100_003 + epoch) % 2**32


def _worker_init(worker_id: int) -> None:
    # forked workers would otherwise share numpy's state (pytorch#5059)
    import random

    import numpy as np

    s = torch.initial_seed() % 2**32
    np.random.seed(s)
    random.seed(s)


def _loaders(data: TaskData, cfg: RunConfig) -> tuple[DataLoader, DataLoader, DataLoader, torch.Generator]:
    gen = torch.Generator()
    common = dict(collate_fn=data.collate, num_workers=cfg.data.num_workers, worker_init_fn=_worker_init)
    # an evaluation-only task has an empty train split, which a shuffling sampler refuses
    train = DataLoader(data.train, batch_size=cfg.trainer.batch_size, shuffle=len(data.train) > 0, generator=gen,
                       **common)
    val = DataLoader(data.val, batch_size=cfg.trainer.eval_batch_size, **common)
    test = DataLoader(data.test, batch_size=cfg.trainer.eval_batch_size, **common)
    return train, val, test, gen


def _setup_logging(run_dir: Path, main: bool) -> logging.Handler | None:
    if log.level == logging.NOTSET:  # a level the user chose (a quiet notebook) is kept
        log.setLevel(progress.DETAIL)
    log.propagate = False  # some libraries (open_clip) configure the root logger; lines are printed once
    if not main:
        return None
    handler = logging.FileHandler(run_dir / rundir.LOG)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    log.addHandler(handler)
    return handler


def _say(accelerator: Accelerator, msg: str) -> None:
    """One line for the reader, from the main process only (the others would repeat it)."""
    if accelerator.is_main_process:
        log.info(msg)


class Run:
    """One run's state; `execute` is the whole life cycle."""

    def __init__(self, cfg: RunConfig, accelerator: Accelerator | None = None) -> None:
        self.cfg = cfg
        self.task = registry.get_task(cfg.task)
        self.method = registry.get_method(cfg.method_name)
        _cache_accelerate_package_probe()
        self.accelerator = accelerator or distributed.make_accelerator(cfg.trainer.mixed_precision)
        self.history: list[dict] = []
        self.train_seconds = 0.0
        self.train_samples = 0
        self.start_epoch = 0

    # -- folders -----------------------------------------------------------------------------
    def _choose_folder(self) -> tuple[str, str]:
        """(run_id, state): with resume=true what rundir.find_resumable picks, else a new folder ("new").
        The main process decides and broadcasts it, so every process agrees on the folder and on
        whether to continue, restart or stop."""
        cfg, acc = self.cfg, self.accelerator
        choice = ("", "new")
        if acc.is_main_process:
            found = rundir.find_resumable(cfg.output_dir, cfg.task, cfg.method_name, cfg.hash(),
                                          self.task.version) if cfg.resume else None
            choice = (found.run_dir.name, found.state) if found else (rundir.new_run_id(cfg.hash()), "new")
        if acc.num_processes > 1:
            choice = tuple(broadcast_object_list(list(choice)))
        return choice

    def _run_dir(self, run_id: str) -> Path:
        cfg, acc = self.cfg, self.accelerator
        run_dir = rundir.run_root(cfg.output_dir, cfg.task, cfg.method_name) / run_id
        if acc.is_main_process:
            run_dir.mkdir(parents=True, exist_ok=True)
            import yaml

            atomic_write_text(run_dir / rundir.CONFIG, yaml.safe_dump(cfg.to_dict(), sort_keys=False))
        return run_dir

    def _already_complete(self, run_id: str) -> RunResult:
        """resume=true after the record was written (a kill just after it): the record stands, nothing trains."""
        cfg = self.cfg
        run_dir = rundir.run_root(cfg.output_dir, cfg.task, cfg.method_name) / run_id
        path = run_dir / rundir.RECORD
        _say(self.accelerator, f"resume=true: run {run_dir} of this config is already complete (record {path}); "
                               "nothing to do")
        return RunResult(record=load_record(path), run_dir=run_dir)

    # -- life cycle ----------------------------------------------------------------------------
    def execute(self) -> RunResult:
        cfg, acc = self.cfg, self.accelerator
        run_id, self.resume_state = self._choose_folder()
        if self.resume_state == "completed":
            return self._already_complete(run_id)
        if acc.is_main_process:
            rundir.check_writable(cfg.output_dir)
        set_seed(cfg.seed)
        # Data and model first: a bad data.path or pretrained path fails before any folder exists.
        with acc.main_process_first():  # the first process builds the dataset cache
            self.data = self.task.build_data(cfg.data, cfg.profile, cfg.metrics)
        set_seed(cfg.seed)
        model = self.method.build(self.data.info, cfg.method)
        if acc.is_main_process:  # now that the model's size is known
            rundir.check_writable(cfg.output_dir, rundir.bytes_needed(sum(p.numel() for p in model.parameters())))
        self.run_dir = self._run_dir(run_id)
        handler = _setup_logging(self.run_dir, acc.is_main_process)
        try:
            return self._execute(model)
        finally:
            if handler:
                log.removeHandler(handler)
                handler.close()

    def _execute(self, model: torch.nn.Module) -> RunResult:
        cfg, acc, data = self.cfg, self.accelerator, self.data
        # the model's own size: frozen copies (ddpm's moving average of its weights) are not counted
        self.num_parameters = sum(p.numel() for p in model.parameters() if p.requires_grad)
        train_dl, val_dl, test_dl, self.gen = _loaders(data, cfg)
        optimizer, scheduler = optim.build(model, cfg.trainer, math.ceil(len(train_dl) / acc.num_processes))
        # batches already live on the CPU: moving them there again is a no-op that costs a recursive
        # send_to_device per step, so loaders are placed only when the device is an accelerator
        place = acc.device.type != "cpu"
        model, optimizer, train_dl, val_dl, test_dl, scheduler = acc.prepare(
            model, optimizer, train_dl, val_dl, test_dl, scheduler,
            device_placement=[True, True, place, place, place, True],
        )
        self.model, self.optimizer, self.scheduler = model, optimizer, scheduler
        ckpt = self.run_dir / rundir.CHECKPOINT
        if self.resume_state == "checkpoint":
            state = checkpoint.load(ckpt, acc.unwrap_model(model), optimizer, scheduler)
            self.start_epoch, self.history = state["epoch"], state["history"]
            self.train_seconds, self.train_samples = state["train_seconds"], state["train_samples"]
            _say(acc, f"resumed from {ckpt} after epoch {self.start_epoch}")
        elif cfg.resume:
            _say(acc, RESUME_NOTES[self.resume_state].format(run_dir=self.run_dir))
        _say(acc, f"run {self.run_dir}  ({self.num_parameters:,} parameters, "
                  f"{len(data.train)} train / {len(data.test)} test, world size {acc.num_processes})")
        try:
            self._train(train_dl, val_dl, ckpt)
        except NonFiniteLoss as err:
            return self._finish(None, error=str(err))
        except KeyboardInterrupt:
            msg = (f"interrupted after epoch {self.start_epoch}; the last checkpoint is kept: "
                   "run the same command with resume=true to continue")
            self._finish(None, error=msg)
            raise
        test = data.protocol.evaluate(acc, model, test_dl, "test", per_example=True)
        try:
            _within_scale(test.metrics, "test")
        except NonFiniteLoss as err:
            return self._finish(None, error=str(err))
        write_artifacts = getattr(data.protocol, "write_artifacts", None)
        if write_artifacts is not None and acc.is_main_process:
            write_artifacts(acc, acc.unwrap_model(model), data.test, self.run_dir)
        return self._finish(test)

    def _train(self, train_dl: DataLoader, val_dl: DataLoader, ckpt: Path) -> None:
        cfg, acc, protocol = self.cfg, self.accelerator, self.data.protocol
        epochs = cfg.trainer.epochs
        backward = backward_for(acc)
        bar = progress.bar(epochs * len(train_dl), "train", acc.is_main_process,
                           initial=self.start_epoch * len(train_dl), leave=False)
        for epoch in range(self.start_epoch + 1, epochs + 1):
            set_seed(epoch_seed(cfg.seed, epoch))
            self.gen.manual_seed(epoch_seed(cfg.seed, epoch))
            self.model.train()
            t0, total, steps = time.perf_counter(), 0.0, 0
            for step, batch in enumerate(train_dl):
                loss = protocol.training_step(self.model, batch, self.method.objective)
                value = self._checked(loss, epoch, step)
                backward(loss)
                if cfg.trainer.grad_clip > 0:
                    acc.clip_grad_norm_(self.model.parameters(), cfg.trainer.grad_clip)
                self.optimizer.step()
                self.scheduler.step()
                # model.zero_grad: same effect as the optimizer's (it holds every parameter), without
                # accelerate's per-call inspect.signature in AcceleratedOptimizer.zero_grad
                self.model.zero_grad(set_to_none=True)
                total, steps = total + value, steps + 1
                bar.update(1)
            seconds = time.perf_counter() - t0
            self.train_seconds += seconds
            self.train_samples += len(train_dl.dataset)
            entry = {"epoch": epoch, "train_loss": total / max(steps, 1), "val": {}, "seconds": seconds}
            if epoch % cfg.trainer.log_every == 0 or epoch == epochs:
                entry["val"] = _within_scale(protocol.evaluate(acc, self.model, val_dl, "val").metrics, "val")
            self.history.append(entry)
            self._log_epoch(entry, epochs)
            self.start_epoch = epoch
            self._save(ckpt)
        bar.close()

    def _checked(self, loss: torch.Tensor, epoch: int, step: int) -> float:
        check = loss.detach()
        if self.accelerator.num_processes > 1:
            check = self.accelerator.reduce(check, "mean")
        value = float(check)
        # past MAX_METRIC a loss has diverged as surely as at inf (trainer.lr=1e30), and no record holds it
        if not math.isfinite(value) or abs(value) > MAX_METRIC:
            raise NonFiniteLoss(f"loss became {value} at epoch {epoch}, step {step}; "
                                "try a lower trainer.lr or trainer.grad_clip=1.0")
        return value

    def _log_epoch(self, entry: dict, epochs: int) -> None:
        val = "  ".join(f"val {k} {v:.4f}" for k, v in entry["val"].items())
        _say(self.accelerator, f"epoch {entry['epoch']}/{epochs}  loss {entry['train_loss']:.4f}  {val}  "
                               f"{entry['seconds']:.1f}s")

    def _save(self, ckpt: Path) -> None:
        acc = self.accelerator
        acc.wait_for_everyone()
        if acc.is_main_process:
            state = {"epoch": self.start_epoch, "history": self.history,
                     "train_seconds": self.train_seconds, "train_samples": self.train_samples}
            checkpoint.save(ckpt, acc.unwrap_model(self.model), self.optimizer, self.scheduler, state)

    def _write_per_example(self, test: Evaluation | None) -> PerExampleRef | None:
        """The main process writes the test split's per-example columns; every process gets the reference."""
        acc, ref = self.accelerator, None
        if test is not None and test.per_example is not None and acc.is_main_process:
            t0 = time.perf_counter()
            ref = per_example.write(test.per_example, self.run_dir / rundir.PER_EXAMPLE)
            log.log(progress.DETAIL, f"per-example outputs: {ref.file}, {ref.rows} rows "
                                     f"({time.perf_counter() - t0:.3f}s)")
        if test is not None and acc.num_processes > 1:
            ref = broadcast_object_list([ref])[0]
        return ref

    def _finish(self, test: Evaluation | None, error: str | None = None) -> RunResult:
        cfg, acc = self.cfg, self.accelerator
        primary = self.task.primary
        per_example_ref = self._write_per_example(test)
        record = Record(
            run_id=self.run_dir.name,
            created_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            status="completed" if error is None else "failed",
            error=error,
            task={"name": self.task.name, "version": self.task.version,
                  "dataset_fingerprint": self.data.fingerprint, "unpinned": self.task.unpinned},
            method={"name": self.method.name, "version": self.method.version},
            seed=cfg.seed,
            profile=cfg.profile,
            config_hash=cfg.hash(),
            metrics=test.metrics if test else {},
            primary_metric={"name": primary.name, "higher_is_better": primary.higher_is_better},
            history=self.history,
            config=cfg.to_dict(),
            timings={
                "train_seconds": self.train_seconds,
                "eval_seconds": test.seconds if test else 0.0,
                "train_samples_per_second": self.train_samples / self.train_seconds if self.train_seconds else 0.0,
                "eval_samples_per_second": test.num_samples / test.seconds if test and test.seconds else 0.0,
            },
            num_parameters=self.num_parameters,
            provenance=provenance.collect(acc.device, acc.num_processes, cfg.trainer.batch_size),
            per_example=per_example_ref,
        )
        if acc.is_main_process:
            record.write(self.run_dir / rundir.RECORD)
        if error:
            _say(acc, f"run failed: {error}")
        else:
            shown = "  ".join(f"{k} {v:.4f}" for k, v in record.metrics.items())
            _say(acc, f"test  {shown}  (train {self.train_seconds:.1f}s)")
            _say(acc, f"record {self.run_dir / rundir.RECORD}")
        return RunResult(record=record, run_dir=self.run_dir)


def run(cfg: RunConfig) -> RunResult:
    return Run(cfg).execute()
