"""`bench`: parse the command line and dispatch. No training logic lives here.

    bench list
    bench show task=digits | method=cnn
    bench run task=digits method=cnn [key=value ...]
    bench sweep task=digits method=linear,mlp seed=0,1,2 jobs=2
    bench COMMAND --help

Each command is one `Command` in the table below (cli/options.py): its options dataclass parses its
arguments and writes its --help; the command groups live in cli/*_commands.py.
"""

from __future__ import annotations

import os
import sys

from cli import board_commands, registry_commands, run_commands
from cli.help import command_help, overview
from cli.options import Command
from harness.errors import UserError, unknown
from harness.progress import show_lines

COMMANDS: dict[str, Command] = {
    cmd.name: cmd for cmd in (*registry_commands.COMMANDS, *run_commands.COMMANDS, *board_commands.COMMANDS)
}
HELP = ("-h", "--help")


def main(argv: list[str] | None = None) -> int:
    """`bench ARGS...`: the exit code (2 for bad input, with one line on stderr and no traceback)."""
    show_lines()  # the engine logs; on the command line its lines go to stdout
    try:
        code = dispatch(sys.argv[1:] if argv is None else argv)
        sys.stdout.flush()  # a reader that left (`bench list | head`) shows here, not in Python's exit
        return code
    except UserError as err:
        print(f"bench: error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # the reader of our output closed the pipe: stop quietly, as `ls | head` does; stdout goes to
        # /dev/null so that the interpreter's final flush does not raise again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + 13  # killed by SIGPIPE, in the shell's words
    finally:
        _leave_process_group()


def dispatch(argv: list[str]) -> int:
    """Help, or the command named first, on the rest of the arguments."""
    if not argv or argv[0] in (*HELP, "help"):
        print(overview(COMMANDS))
        return 0
    command, *args = argv
    if command not in COMMANDS:
        raise unknown("command", command, COMMANDS)
    if any(a in HELP for a in args):
        print(command_help(COMMANDS[command], [a for a in args if a not in HELP]))
        return 0
    return COMMANDS[command].run(args)


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
