"""Bad input through the API raises dlbench.Error (one hierarchy with the CLI's UserError) carrying the very
line `bench` prints before exiting with code 2; overrides, nested or dotted, compose the CLI's config."""

from __future__ import annotations

import pytest

import dlbench
from cli.main import main
from harness.config import compose
from harness.errors import UserError

# (dlbench.config arguments, the same on the command line, the expected subclass)
CASES = [
    (("digitz", "cnn", {}), ["task=digitz", "method=cnn"], dlbench.UnknownNameError),
    (("digits", "cnnn", {}), ["task=digits", "method=cnnn"], dlbench.UnknownNameError),
    (("digits", "cnn", {"profile": "fast"}), ["task=digits", "method=cnn", "profile=fast"], dlbench.UnknownNameError),
    (("digits", "cnn", {"overrides": {"trainer": {"epoch": 3}}}), ["task=digits", "method=cnn", "trainer.epoch=3"],
     dlbench.UnknownNameError),
    (("digits", "mlp", {"overrides": {"method.hiden": 3}}), ["task=digits", "method=mlp", "method.hiden=3"],
     dlbench.UnknownNameError),
    (("digits", "cnn", {"overrides": {"trainer.epochs": "abc"}}),
     ["task=digits", "method=cnn", "trainer.epochs=abc"], dlbench.ConfigError),
    (("digits", "mlp", {"overrides": {"method": {"hidden": 1.5}}}),
     ["task=digits", "method=mlp", "method.hidden=1.5"], dlbench.ConfigError),
    (("digits", "cnn", {"overrides": {"trainer": {"epochs": -1}}}),
     ["task=digits", "method=cnn", "trainer.epochs=-1"], dlbench.ConfigError),
    (("digits", "cnn", {"overrides": {"trainer.optimizer": "adamm"}}),
     ["task=digits", "method=cnn", "trainer.optimizer=adamm"], dlbench.ConfigError),
    (("digits", "cnn", {"seed": -3}), ["task=digits", "method=cnn", "seed=-3"], dlbench.ConfigError),
    (("digits", "fcos", {}), ["task=digits", "method=fcos"], dlbench.ConfigError),
]


@pytest.mark.parametrize(("call", "argv", "kind"), CASES, ids=[" ".join(a) for _, a, _ in CASES])
def test_the_api_raises_the_line_the_cli_prints(call, argv, kind, capsys):
    task, method, kwargs = call
    assert main(["run", *argv]) == 2
    line = capsys.readouterr().err.removeprefix("bench: error: ").rstrip("\n")
    with pytest.raises(dlbench.Error) as caught:
        dlbench.config(task, method, **kwargs)
    assert str(caught.value) == line and type(caught.value) is kind
    assert dlbench.Error is UserError and issubclass(kind, dlbench.Error)


def test_nested_and_dotted_overrides_compose_the_command_lines_config(tmp_path):
    args = ["task=digits", "method=mlp", "profile=smoke", "seed=3", f"output_dir={tmp_path}", "trainer.epochs=1",
            "trainer.lr=0.01", "method.hidden=32", "data.train_size=null"]
    nested = dlbench.config("digits", "mlp", seed=3, profile="smoke", output_dir=tmp_path,
                            overrides={"trainer": {"epochs": 1, "lr": 0.01}, "method.hidden": 32,
                                       "data": {"train_size": None}})
    assert nested == compose(args) and nested.hash() == compose(args).hash()
    assert nested.trainer.epochs == 1 and nested.method.hidden == 32 and nested.data.train_size is None


@pytest.mark.parametrize(("overrides", "message"), [
    ({"trainer": {"epochs": 1}, "trainer.epochs": 2}, "key 'trainer.epochs' is given twice"),
    ({"seed": 1}, "'seed' is an argument of its own; pass seed=... instead of putting it in overrides"),
    ({"task": "mnist"}, "'task' is an argument of its own"),
    ({3: 1}, "override keys are names such as 'trainer.epochs', got 3"),
])
def test_overrides_that_say_one_thing_twice_are_refused(overrides, message):
    with pytest.raises(dlbench.ConfigError, match=message):
        dlbench.config("digits", "mlp", overrides=overrides)
