"""cli/options.py, the one option parser: Hydra's grammar, OmegaConf's checks, and the plain-name shortcut."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from cli import options
from cli.board_commands import LeaderboardOptions, PaperOptions, ReproduceOptions
from cli.main import main
from cli.registry_commands import ShowOptions
from harness.errors import UserError
from harness.sweep_options import SweepOptions

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Nested:
    name: str | None = None
    size: int = 1


@dataclass
class Toy:
    word: str = "a"
    flag: bool = False
    names: list[str] | None = None
    rate: float | None = None
    inner: Nested = field(default_factory=Nested)


@pytest.mark.parametrize("args", [
    ["task=digits"], ["task=digits-gen", "samples=/tmp/x.png"], ["method=a/b.c_d"], ["samples=tmp/x-1.png"],
])
def test_plain_names_parse_as_hydra_and_omegaconf_would(args):
    shortcut = options._plain(ShowOptions, args)
    assert shortcut is not None and shortcut == options._parse("show", ShowOptions, args)


@pytest.mark.parametrize("args", [["task=null"], ["task=True"], ["task=nan"], ["task=3"], ["task='x y'"],
                                  ["task=a", "task=b"], ["task=[a,b]"]])
def test_anything_else_goes_through_hydra(args):
    assert options._plain(ShowOptions, args) is None


def test_values_are_typed_and_checked():
    opts = options.parse("toy", Toy, ["word=x", "flag=true", "names=one", "rate=0.5", "inner.size=3"])
    assert opts == Toy("x", True, ["one"], 0.5, Nested(None, 3))
    assert options.parse("toy", Toy, ["names=[a,b]", "inner.name=n"]).names == ["a", "b"]
    assert options.parse("toy", Toy, []) == Toy()


@pytest.mark.parametrize(("args", "message"), [
    (["flag=1"], "'flag' takes true or false, got 1"),
    (["flag=maybe"], "'flag' takes true or false, got 'maybe'"),
    (["rate=true"], "wrong type for 'rate': True is not float | None"),
    (["rate=abc"], "wrong type for 'rate': 'abc' is not float | None"),
    (["inner.size=x"], "wrong type for 'inner.size': 'x' is not int"),
    (["names=[]"], "'names' takes a name or a list of names, got []"),
    (["names=[a,null]"], "'names' takes a name or a list of names"),
    (["wrod=x"], "unknown option 'wrod' in 'bench toy'; did you mean 'word'?"),
    (["inner.nam=x"], "unknown option 'inner.nam' in 'bench toy'; did you mean 'inner.name'"),
    (["word=a", "word=b"], "key 'word' is given twice"),
    (["word=a,b"], "`bench toy` takes one value per key"),
    (["word"], "expected key=value, got 'word'"),
])
def test_bad_values_are_one_line_user_errors(args, message):
    with pytest.raises(UserError) as err:
        options.parse("toy", Toy, args)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_dataclass_checks_run_after_parsing():
    with pytest.raises(UserError, match="invalid value 0 for 'jobs': must be >= 1"):
        options.parse("sweep", SweepOptions, ["jobs=0"])
    with pytest.raises(UserError, match="tolerance must be a finite number >= 0"):
        options.parse("reproduce", ReproduceOptions, ["tolerance=-1"])
    assert options.parse("paper", PaperOptions, ["pdf=false"]).pdf is False
    assert options.parse("leaderboard", LeaderboardOptions, ["task=digits"]).task == ["digits"]


def test_split_takes_a_commands_keys_and_its_nested_nodes():
    args = ["task=digits", "jobs=2", "slurm.partition=gpu", "slurm.gpus=1", "seed=0,1", "jobsx=1"]
    assert options.split(args, SweepOptions) == (["jobs=2", "slurm.partition=gpu", "slurm.gpus=1"],
                                                 ["task=digits", "seed=0,1", "jobsx=1"])


def test_positional_arguments_come_back_in_order():
    opts, paths = options.parse_with_paths("reproduce", ReproduceOptions, ["a.json", "tolerance=0.1", "b.json"])
    assert paths == ["a.json", "b.json"] and opts.tolerance == 0.1


def test_show_names_the_family_and_an_unpinned_revision(capsys):
    assert main(["show", "task=ade20k-seg"]) == 0
    out = capsys.readouterr().out
    assert "  family:    segmentation: " in out
    revision = next(line for line in out.splitlines() if line.startswith("  revision:"))
    assert revision.endswith("UNPINNED (not a commit id; results may change if the hub dataset changes)")
    assert main(["show", "task=cifar10"]) == 0
    out = capsys.readouterr().out
    assert "UNPINNED" not in out and "  revision:  " in out and "  family:    classification: " in out


def test_list_into_a_closed_pipe_ends_quietly():
    """`bench list | head -1`: the reader leaves early; no BrokenPipeError traceback, SIGPIPE's exit code."""
    proc = subprocess.Popen([sys.executable, "-m", "cli", "list"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdout.close()  # before the interpreter has started: every write meets a closed pipe
    err = proc.stderr.read().decode()
    assert proc.wait() == 141 and err == ""
