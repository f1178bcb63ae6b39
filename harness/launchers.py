"""Where the runs of a sweep execute: a registry of launchers, each `run(jobs, options, report)`.

    local   `jobs` worker processes on this machine (the default)
    slurm   one SLURM job per run, submitted with submitit (a job array of at most `jobs` at once)

Every launcher runs the same entry point, `run_job`: the `bench run` command as a function, which
returns the path of the record it wrote. A failing run never stops the others; its outcome says why.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from harness import distributed, progress, rundir
from harness.errors import UserError, unknown
from harness.sweep_options import SweepOptions


@dataclass(frozen=True)
class Job:
    """One grid point to run: its `bench run` arguments, a short label, and a log file for its output."""

    index: int
    args: tuple[str, ...]
    label: str
    log: Path


@dataclass(frozen=True)
class Outcome:
    job: Job
    status: Literal["done", "skipped", "failed"]
    record: str | None = None
    reason: str | None = None
    seconds: float = 0.0
    score: str = ""  # "accuracy 0.9443" for a finished run


Report = Callable[[Outcome], None]


class JobFailed(Exception):
    """A run that raised; carries one picklable line (worker processes send exceptions back pickled)."""


def run_job(args: list[str], num_processes: int = 1) -> str:
    """The `bench run` entry point as a function: train and score one config; the record's path.

    With num_processes > 1 the run goes through Accelerate's launcher (harness.distributed) and the
    record is the newest one of this config written since the launch.
    """
    from harness.config import compose

    progress.show_lines()  # a worker process (local pool, SLURM job): its lines go to the run's log
    cfg = compose(list(args))
    if not distributed.should_launch(num_processes):
        from harness.runner import run

        return str(run(cfg).run_dir / rundir.RECORD)
    started = time.time()
    code = distributed.launch(["run", *args], num_processes, cfg.trainer.mixed_precision)
    root = rundir.run_root(cfg.output_dir, cfg.task, cfg.method_name)
    written = [p for p in root.glob(f"*-{cfg.hash()}-*/{rundir.RECORD}") if p.stat().st_mtime >= started - 1]
    if not written:
        raise JobFailed(f"'bench run' in {num_processes} processes exited with code {code} before writing a record")
    return str(max(written, key=lambda p: p.stat().st_mtime))


def outcome_from_record(job: Job, path: str, seconds: float) -> Outcome:
    """done or failed, as the record says (a run that stopped on a non-finite loss wrote a failed record)."""
    from harness.record import load_record

    try:
        record = load_record(path)
    except UserError as err:
        return Outcome(job, "failed", path, f"record unreadable: {err}", seconds)
    if record.status != "completed":
        return Outcome(job, "failed", path, str(record.error), seconds)
    name = record.primary_metric.name
    return Outcome(job, "done", path, None, seconds, f"{name} {record.metrics[name]:.4f}")


def _one_line(err: BaseException) -> str:
    if isinstance(err, (UserError, JobFailed)):
        return str(err)
    text = str(err).strip()
    return f"{type(err).__name__}: {text.splitlines()[-1]}" if text else type(err).__name__


# -- local ----------------------------------------------------------------------------------------

@contextlib.contextmanager
def _output_to(log: Path) -> Iterator[None]:
    """stdout and stderr of this process, C libraries and launched workers included, into `log`."""
    log.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with open(log, "a", encoding="utf-8") as fh:
        os.dup2(fh.fileno(), 1)
        os.dup2(fh.fileno(), 2)
        try:
            yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


def _die_with_parent() -> None:
    """Ask Linux to end this worker when the sweep that spawned it ends. Without it, `kill` on
    `bench sweep` (or a scheduler cancelling it) left the running worker training to the end and
    writing its record. The pool spawns workers from the sweep's main thread, whose exit is what
    PR_SET_PDEATHSIG watches. Elsewhere (macOS, Windows) nothing is asked."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    pr_set_pdeathsig = 1
    ctypes.CDLL(None).prctl(pr_set_pdeathsig, int(signal.SIGTERM))
    if os.getppid() == 1:  # the sweep died before the request was made
        os._exit(1)


def _init_worker(threads: int) -> None:
    _die_with_parent()
    if "OMP_NUM_THREADS" not in os.environ:  # `jobs` workers share the cores
        import torch

        torch.set_num_threads(threads)


def _local_job(args: tuple[str, ...], num_processes: int, log: Path) -> tuple[str, float]:
    t0 = time.perf_counter()
    with _output_to(log):
        print(f"\n== bench run {' '.join(args)}", flush=True)
        try:
            path = run_job(list(args), num_processes)
        except Exception as err:
            traceback.print_exc()
            raise JobFailed(_one_line(err)) from None
    return path, time.perf_counter() - t0


def run_local(jobs: list[Job], opts: SweepOptions, report: Report) -> None:
    """`opts.jobs` worker processes (spawned: no fork after torch has started threads)."""
    threads = max(1, (os.cpu_count() or 1) // opts.jobs)
    queue, deaths = list(jobs), dict.fromkeys((j.index for j in jobs), 0)
    while queue:  # a new pool only when a worker died and took its pool down
        queue = _run_pool(queue, opts, threads, deaths, report)


def _run_pool(queue: list[Job], opts: SweepOptions, threads: int, deaths: dict[int, int], report: Report) -> list[Job]:
    """Run the queue in one pool; the jobs to run again in a new pool."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    again = []
    pool = ProcessPoolExecutor(min(opts.jobs, len(queue)), multiprocessing.get_context("spawn"), _init_worker,
                               (threads,))
    try:
        futures = {pool.submit(_local_job, job.args, opts.num_processes, job.log): job for job in queue}
        for future in as_completed(futures):
            job = futures[future]
            try:
                outcome = outcome_from_record(job, *future.result())
            except BrokenProcessPool:  # a worker died (killed, out of memory): every unfinished job lands here
                deaths[job.index] += 1
                if deaths[job.index] < 2:
                    again.append(job)  # resume=true continues it from its checkpoint
                    continue
                outcome = Outcome(job, "failed", reason="its worker process died twice (killed? out of memory?)")
            except Exception as err:
                outcome = Outcome(job, "failed", reason=f"{_one_line(err)} (log: {job.log})")
            report(outcome)
    except KeyboardInterrupt:
        pool.shutdown(wait=False, cancel_futures=True)  # not the queued runs too
        raise
    pool.shutdown()
    return again


# -- slurm ----------------------------------------------------------------------------------------

SUBMITIT_CLUSTER = "slurm"  # tests use "local": submitit's LocalExecutor runs this same code path on one machine
POLL_SECONDS = {"slurm": 15.0, "local": 0.5}  # how often submitit is asked which jobs ended


def _submitit_failure(err: BaseException) -> str:
    """The last line of the job's traceback (submitit wraps it in a FailedJobError with log paths)."""
    lines = [ln.strip() for ln in str(err).splitlines() if ln.strip()]
    errors = [ln for ln in lines if ln.startswith(("harness.", "JobFailed", "UserError")) or "Error:" in ln]
    line = errors[-1] if errors else (lines[-1] if lines else type(err).__name__)
    for prefix in ("harness.errors.UserError: ", "harness.launchers.JobFailed: "):
        line = line.removeprefix(prefix)
    return line


def check_slurm() -> None:
    if SUBMITIT_CLUSTER == "slurm" and shutil.which("sbatch") is None:
        raise UserError("launcher=slurm needs SLURM's sbatch on PATH: start the sweep on a login node of the "
                        "cluster, or use launcher=local")


def run_slurm(jobs: list[Job], opts: SweepOptions, report: Report) -> None:
    """One job per run through submitit; GPUs, time limit and partition from `slurm.*` options."""
    import submitit

    check_slurm()
    cluster = SUBMITIT_CLUSTER
    s = opts.slurm
    folder = jobs[0].log.parent / "submitit"
    executor = submitit.AutoExecutor(folder=folder, cluster=cluster)
    executor.update_parameters(name="dlbench", timeout_min=s.time_min, gpus_per_node=s.gpus_per_run,
                               cpus_per_task=s.cpus_per_run, tasks_per_node=1, slurm_partition=s.partition,
                               slurm_array_parallelism=opts.jobs)
    # one process per GPU unless num_processes says otherwise
    processes = opts.num_processes if opts.num_processes > 1 else max(1, s.gpus_per_run)
    submitted_at = time.perf_counter()
    with executor.batch():
        pending = [(executor.submit(run_job, list(job.args), processes), job) for job in jobs]
    progress.log.info(f"submitted {len(pending)} job(s) to {cluster}: {', '.join(sj.job_id for sj, _ in pending)}; "
                      f"logs in {folder}")
    by_id = {sj.job_id: job for sj, job in pending}
    try:
        for sj in submitit.helpers.as_completed([sj for sj, _ in pending], poll_frequency=POLL_SECONDS[cluster]):
            job, seconds = by_id[sj.job_id], time.perf_counter() - submitted_at
            try:
                outcome = outcome_from_record(job, sj.result(), seconds)
            except Exception as err:
                reason = f"{_submitit_failure(err)} (job {sj.job_id}, logs in {folder})"
                outcome = Outcome(job, "failed", reason=reason, seconds=seconds)
            report(outcome)
    except KeyboardInterrupt:
        left = [sj.job_id for sj, _ in pending if not sj.done()]
        print(f"the submitted jobs still run on the cluster: {' '.join(left)} (scancel them, or wait for them "
              "before running this sweep again)", file=sys.stderr)
        raise


def _nothing_to_check() -> None:
    pass


@dataclass(frozen=True)
class Launcher:
    run: Callable[[list[Job], SweepOptions, Report], None]  # calls report(outcome) as each run ends
    check: Callable[[], None] = _nothing_to_check  # before the grid is printed: can this launcher work here?


LAUNCHERS: dict[str, Launcher] = {"local": Launcher(run_local), "slurm": Launcher(run_slurm, check_slurm)}


def get_launcher(name: str) -> Launcher:
    """The launcher called `name`; an unknown name is a UserError with close matches."""
    if name not in LAUNCHERS:
        raise unknown("launcher", name, LAUNCHERS)
    return LAUNCHERS[name]
