"""`bench COMMAND --help`: every command, generated from the dataclasses that parse its options."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import typing
from pathlib import Path

import pytest

from cli.main import COMMANDS, main
from harness.config import flat_keys, type_name

ROOT = Path(__file__).resolve().parents[2]
ELEVEN = ("list", "show", "run", "sweep", "evaluate", "leaderboard", "table", "paper", "validate", "submit",
          "reproduce")


def _default(f: dataclasses.Field) -> str:
    """The default as typed on the command line (a field without one is required)."""
    if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
        return "required"
    value = f.default if f.default is not dataclasses.MISSING else f.default_factory()
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return "[" + ",".join(map(str, value)) + "]"
    return str(value)


def _leaves(schema: type, prefix: str = "") -> list[tuple[str, dataclasses.Field]]:
    """(dotted key, field) of every leaf of a dataclass, nested dataclasses flattened."""
    hints = typing.get_type_hints(schema)
    out = []
    for f in dataclasses.fields(schema):
        if dataclasses.is_dataclass(hints[f.name]):
            out += _leaves(hints[f.name], f"{prefix}{f.name}.")
        else:
            out.append((f"{prefix}{f.name}", f))
    return out


def _line(out: str, key: str) -> str:
    rows = [row for row in out.splitlines() if row.split()[:1] == [key]]
    assert len(rows) == 1, (key, out)
    return rows[0]


def test_the_command_table_has_the_eleven_commands():
    assert tuple(COMMANDS) == ELEVEN


@pytest.mark.parametrize("command", ELEVEN)
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_lists_every_key_with_its_type_default_and_meaning(command, flag, capsys):
    assert main([command, flag]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: bench {command}")
    schema = COMMANDS[command].options
    types = flat_keys(schema)
    for key, f in _leaves(schema):
        row = _line(out, key)
        assert f"  {type_name(types[key])}  " in row, row
        assert f"  {_default(f)}  " in row, (row, _default(f))
        assert f.metadata.get("help") and row.rstrip().endswith(f.metadata["help"]), row


RUN_KEYS = ["task", "method", "profile", "seed", "resume", "output_dir", "num_processes"]


def test_run_help_shows_the_run_config_and_num_processes(capsys):
    from harness.config import DataConfig, TrainerConfig

    assert main(["run", "--help"]) == 0
    out = capsys.readouterr().out
    keys = RUN_KEYS + [f"trainer.{f.name}" for f in dataclasses.fields(TrainerConfig)]
    keys += [f"data.{f.name}" for f in dataclasses.fields(DataConfig)]
    for key in keys:
        assert _line(out, key)
    for schema, node in ((TrainerConfig, "trainer"), (DataConfig, "data")):
        for f in dataclasses.fields(schema):
            row = _line(out, f"{node}.{f.name}")
            assert f"  {_default(f)}  " in row and row.rstrip().endswith(f.metadata["help"]), row
    assert "task                     str" in out and "required" in _line(out, "task")


def test_run_help_with_a_method_and_task_adds_their_keys(capsys):
    from harness import registry

    assert main(["run", "task=digits-gen", "method=vae", "--help"]) == 0
    out = capsys.readouterr().out
    for f in dataclasses.fields(registry.get_method("vae").params):
        assert f"  {_default(f)}" in _line(out, f"method.{f.name}")
    assert "null" in _line(out, "metrics.inception_weights")
    assert main(["run", "method=cnn", "-h"]) == 0
    assert "method.width" in capsys.readouterr().out


def test_sweep_help_says_any_run_key_takes_a_list_or_a_range(capsys):
    assert main(["sweep", "--help"]) == 0
    out = capsys.readouterr().out
    assert "slurm.gpus_per_run" in out and "range(" in out and "a,b" in out


def test_bench_help_lists_every_command(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for name, cmd in COMMANDS.items():
        assert f"  {name} " in out and cmd.summary in out


def test_help_of_an_unknown_command_or_method_is_an_error(capsys):
    assert main(["rnu", "--help"]) == 2
    assert main(["run", "method=cnnn", "--help"]) == 2
    assert "did you mean 'cnn'" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["list"], ["show", "task=digits"], ["run", "method=cnn", "task=digits", "--help"],
                                  ["leaderboard", "--help"], ["sweep", "--help"], ["reproduce", "-h"]])
def test_light_commands_import_no_heavy_stack(argv):
    code = (f"import sys\nfrom cli.main import main\nassert main({argv!r}) == 0\n"
            "heavy = ('torch', 'transformers', 'datasets', 'accelerate', 'pandas', 'hydra', 'omegaconf', 'pydantic')\n"
            "print([m for m in heavy if m in sys.modules])\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[]"
