"""Multi-process runs: `num_processes=N` re-launches a `bench` command through Accelerate's launcher.

    bench run task=digits method=cnn num_processes=2          # what this module does for you
    accelerate launch --multi_gpu --num_processes 2 -m cli run task=digits method=cnn
    torchrun --standalone --nproc_per_node 2 -m cli run task=digits method=cnn

On a machine without GPUs the processes talk over gloo. Two traps, both handled here: Accelerate
only forms a CPU process group when told it runs on CPU (otherwise each of N processes silently
trains alone, with world size 1), and `accelerate launch --cpu --num_processes N` starts a single
process unless an MPI hostfile is given. So the launch goes through the `--multi_gpu` launcher
(torch.distributed.run underneath) and `make_accelerator` asks for CPU when there is no GPU.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accelerate import Accelerator


def launched_world_size() -> int:
    """The world size a launcher (torchrun, accelerate launch --multi_gpu) set up; 1 when none did."""
    return int(os.environ.get("WORLD_SIZE", "1"))


def _gpu_available() -> bool:
    import torch

    return torch.cuda.is_available()


def _cpu_launch_of_one() -> bool:
    """`accelerate launch --cpu --num_processes N`: it sets MASTER_PORT for N > 1 but starts one process."""
    use_cpu = os.environ.get("ACCELERATE_USE_CPU", "").lower() in ("1", "true", "yes")
    return use_cpu and launched_world_size() == 1 and "MASTER_PORT" in os.environ


def make_accelerator(mixed_precision: str = "no") -> Accelerator:
    """The Accelerator of one process; under a multi-process launch without GPUs, a gloo CPU group."""
    from accelerate import Accelerator

    launched = launched_world_size()
    if _cpu_launch_of_one():
        print("dlbench: 'accelerate launch --cpu --num_processes N' starts one process (CPU multi-process needs "
              "an MPI hostfile); use `bench run ... num_processes=N` or `accelerate launch --multi_gpu "
              "--num_processes N`", file=sys.stderr)
    cpu = launched > 1 and not _gpu_available()
    accelerator = Accelerator(mixed_precision=mixed_precision, cpu=cpu)
    if accelerator.num_processes != launched:
        raise RuntimeError(f"the launcher started {launched} processes but Accelerate formed a group of "
                           f"{accelerator.num_processes} ({accelerator.distributed_type}); see docs/distributed.md")
    return accelerator


def should_launch(num_processes: int) -> bool:
    """True when this process must start `num_processes` workers instead of doing the work itself."""
    return num_processes > 1 and launched_world_size() == 1


def launch(command: list[str], num_processes: int, mixed_precision: str = "no") -> int:
    """Run `bench COMMAND...` in `num_processes` processes on this machine; the first failing rank's exit code.

    Accelerate's launcher runs in this process (its `--multi_gpu` path is torch.distributed.run), so a
    failing worker gives back its exit code instead of a launcher traceback.
    """
    from accelerate.commands.launch import launch_command, launch_command_parser
    from accelerate.utils import patch_environment
    from torch.distributed.elastic.multiprocessing.errors import ChildFailedError

    argv = ["--multi_gpu", "--num_processes", str(num_processes), "--num_machines", "1",
            "--mixed_precision", mixed_precision, "--dynamo_backend", "no", "--main_process_port", "0",
            "-m", "cli", *command]
    # no ACCELERATE_USE_CPU here: make_accelerator, in every worker, picks CPU when there is no GPU
    env = {}
    if "OMP_NUM_THREADS" not in os.environ:  # N processes share the cores; torchrun would say so loudly
        env["OMP_NUM_THREADS"] = str(max(1, (os.cpu_count() or 1) // num_processes))
    sys.stdout.flush()
    try:
        with patch_environment(**env):
            launch_command(launch_command_parser().parse_args(argv))
    except ChildFailedError as err:
        failures = sorted(err.failures.items())
        code = failures[0][1].exitcode
        return code if code > 0 else 1
    return 0
