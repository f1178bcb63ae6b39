"""dlbench from Python: the engine behind `bench`, as typed functions for notebooks and scripts.

    import dlbench

    record = dlbench.run("digits", "cnn", profile="smoke", overrides={"trainer": {"epochs": 1}})
    record.metrics                                  # {'accuracy': ..., 'f1_macro': ..., ...}
    board = dlbench.leaderboard("digits")           # pandas: mean, std, 95% CI, rank, vs_best, p_value, test
    latex = dlbench.table(["digits"])               # the booktabs table of `bench table`

Each function is the command of the same name without its string parsing: configs are composed and checked by
harness.config exactly as on the command line, and bad input raises `dlbench.Error` (an `UnknownNameError` or a
`ConfigError` where that is what went wrong) carrying the line `bench` prints before exiting with code 2.
Importing this package is light: torch, pandas and pydantic load when a function first needs them. Runs log
their lines to the `dlbench` logger; `logging.getLogger("dlbench").setLevel(logging.WARNING)` silences them.
"""

from dlbench.board import leaderboard, records, table
from dlbench.catalog import methods, show, tasks
from dlbench.runs import config, evaluate, reproduce, run, sweep
from harness.errors import ConfigError, UnknownNameError
from harness.errors import UserError as Error

__all__ = [
    "ConfigError", "Error", "UnknownNameError",
    "config", "evaluate", "leaderboard", "methods", "records", "reproduce", "run", "show", "sweep", "table", "tasks",
]
