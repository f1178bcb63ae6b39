"""The engine's lines go through the `dlbench` logger to the sys.stdout of the moment; bars only where watched."""

from __future__ import annotations

import logging

from harness import progress


def test_lines_reach_the_current_stdout_once_and_details_stay_in_the_log(capsys):
    progress.show_lines()
    progress.show_lines()  # the CLI, then dlbench in the same process: still one handler
    assert sum(isinstance(h, progress.StdoutHandler) for h in progress.log.handlers) == 1
    progress.log.info("epoch 1/2  loss 0.5")
    progress.log.log(progress.DETAIL, "per-example outputs: a file")  # run.log only
    assert capsys.readouterr().out == "epoch 1/2  loss 0.5\n"


def test_a_level_the_user_sets_silences_the_lines(capsys):
    progress.show_lines()
    level = progress.log.level
    progress.log.setLevel(logging.WARNING)
    try:
        progress.show_lines()  # a later run keeps the user's level
        progress.log.info("epoch 1/2")
        assert progress.log.level == logging.WARNING and capsys.readouterr().out == ""
    finally:
        progress.log.setLevel(level)


def test_no_bar_where_nobody_watches():
    """Under pytest stderr is no terminal and there is no Jupyter kernel: the bar is off (CI logs stay lines)."""
    assert not progress.interactive()
    bar = progress.bar(10, "train")
    assert bar.disable
    bar.close()
