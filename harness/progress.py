"""What a run tells its reader while it runs: lines through the `dlbench` logger, bars through tqdm.auto.

The engine only logs (never prints), so whoever drives it decides where the lines go: `bench` and sweep
workers call `show_lines()` (stdout, as before), `import dlbench` calls it on its first run, and a notebook
silences them with `logging.getLogger("dlbench").setLevel(logging.WARNING)`. Bars are drawn where someone
watches (a terminal, or a Jupyter kernel with ipywidgets, where tqdm.auto draws a widget) and nowhere else,
so logs and CI output hold lines, not carriage returns.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

LOGGER = "dlbench"
DETAIL = 15  # between DEBUG and INFO: lines for a run's run.log that the console leaves out (file names, timings)
log = logging.getLogger(LOGGER)


class StdoutHandler(logging.StreamHandler):
    """Writes each line to the sys.stdout of the moment (a notebook cell's, pytest's capture, a sweep worker's
    log file), not the one that existed when the handler was made, through tqdm.write so that a bar on the
    terminal is cleared first and redrawn below the line."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(logging.Formatter("%(message)s"))

    @property
    def stream(self) -> Any:  # type: ignore[override]
        return sys.stdout

    @stream.setter
    def stream(self, value: Any) -> None:
        pass  # always the current sys.stdout

    def emit(self, record: logging.LogRecord) -> None:
        from tqdm.auto import tqdm

        try:
            tqdm.write(self.format(record), file=sys.stdout)
            sys.stdout.flush()
        except BrokenPipeError:
            raise  # the reader left (`bench run ... | head`): cli.main stops quietly, as it did for print
        except Exception:  # logging's own rule: a failing handler never stops the program
            self.handleError(record)


def show_lines(level: int = logging.INFO) -> None:
    """Print the engine's lines at `level` and above on stdout; once per process, however often it is called.
    The logger's own level is left to the user (set only when nobody has): it also feeds each run's run.log."""
    if log.level == logging.NOTSET:
        log.setLevel(DETAIL)
    log.propagate = False  # some libraries (open_clip) configure the root logger; each line is printed once
    handler = next((h for h in log.handlers if isinstance(h, StdoutHandler)), None)
    if handler is None:
        handler = StdoutHandler()
        log.addHandler(handler)
    handler.setLevel(level)


def interactive() -> bool:
    """Someone watches: stderr is a terminal, or this is a Jupyter kernel where tqdm.auto draws widgets
    (without ipywidgets it falls back to text bars, which a notebook would only pile up)."""
    if sys.stderr.isatty():
        return True
    if "ipykernel" not in sys.modules:
        return False
    from tqdm.auto import tqdm
    from tqdm.notebook import tqdm as notebook_tqdm

    return issubclass(tqdm, notebook_tqdm)


def bar(total: int, desc: str, main: bool = True, **kwargs: Any) -> Any:
    """A tqdm.auto progress bar, drawn only by the main process and only where `interactive()`."""
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, disable=not (main and interactive()), **kwargs)
