"""Every kind of bad input: exit code 2, one line naming the culprit, no traceback, nothing written."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cli.main import main
from harness import registry

CASES = [
    (["run", "task=digits", "method=cnnn"], "unknown method 'cnnn'; did you mean 'cnn' or 'dgcnn' or 'cnn1d'?"),
    (["run", "task=digitz", "method=cnn"], "unknown task 'digitz'; did you mean 'digits'"),
    (["run", "task=digits", "method=cnn", "trainer.epoch=3"], "unknown key 'trainer.epoch'"),
    (["run", "task=digits", "method=cnn", "trainer.epoch=3"], "did you mean 'trainer.epochs'"),
    (["run", "task=digits", "method=mlp", "method.hiden=3"], "unknown key 'method.hiden' in method mlp"),
    (["run", "task=digits", "method=cnn", "trainer.epochs=abc"], "wrong type for 'trainer.epochs'"),
    (["run", "task=digits", "method=mlp", "method.hidden=1.5"], "wrong type for 'method.hidden'"),
    (["run", "task=digits", "method=cnn", "seed=x"], "wrong type for 'seed'"),
    (["run", "task=digits", "method=cnn", "trainer.epochs=-1"], "invalid value -1 for 'trainer.epochs'"),
    (["run", "task=digits", "method=cnn", "trainer.optimizer=adamm"], "did you mean 'adam'"),
    (["run", "task=digits", "method=cnn", "profile=fast"], "unknown profile 'fast'"),
    (["run", "task=digits", "method=cnn", "seed=1,2"], "is a sweep"),
    (["run", "task=digits", "method=cnn", "epochs"], "expected key=value"),
    (["run", "task=digits", "method=cnn", "seed=1", "seed=2"], "given twice"),
    (["run", "method=cnn"], "missing task=NAME"),
    (["run", "task=digits"], "missing method=NAME"),
    (["rnu", "task=digits"], "unknown command 'rnu'; did you mean 'run'?"),
    (["show", "task=digitz"], "unknown task 'digitz'"),
    (["show"], "takes task=NAME [samples=PATH.png] or method=NAME"),
    (["list", "extra"], "takes no arguments"),
]


@pytest.mark.parametrize(("argv", "message"), CASES, ids=[" ".join(a) for a, _ in CASES])
def test_bad_input_exits_2_with_one_line(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1 and err.startswith("bench: error: ")


def test_method_that_does_not_fit_the_task(capsys):
    registry.register_method(name="toy-detector", version="1", fits=("detection",), objective="model_loss",
                             params=registry.get_method("linear").params, description="test only")(lambda i, p: None)
    try:
        assert main(["run", "task=digits", "method=toy-detector"]) == 2
        err = capsys.readouterr().err
        assert "method 'toy-detector' does not fit task 'digits'" in err and "cnn" in err
    finally:
        registry.unregister("toy-detector")


@pytest.mark.parametrize(("fields", "message"), [
    ({"fits": ("detektion",)}, "unknown family 'detektion' in method 'toy' (fits=); did you mean 'detection'?"),
    ({"fits": ("detection",)}, "method 'toy': objective 'cross_entropy' is not offered by family 'detection' "
                               "(it offers model_loss)"),
])
def test_register_method_checks_fits_at_registration(fields, message):
    from harness.errors import UserError

    with pytest.raises(UserError) as err:
        registry.register_method(name="toy", version="1", params=registry.get_method("linear").params,
                                 description="test only", **fields)(lambda i, p: None)
    assert str(err.value) == message
    assert "toy" not in registry.methods()


def test_bad_data_path_writes_nothing(tmp_path, capsys):
    out = tmp_path / "runs"
    code = main(["run", "task=mnist", "method=linear", "profile=smoke",
                 f"data.path={tmp_path / 'missing'}", f"output_dir={out}"])
    assert code == 2
    assert "data.path" in capsys.readouterr().err
    assert not any(p.is_file() for p in out.rglob("*"))


def test_unwritable_output_dir_fails_before_training(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert main(["run", "task=digits", "method=linear", "profile=smoke", f"output_dir={blocker / 'runs'}"]) == 2
    assert "output_dir" in capsys.readouterr().err


def test_no_traceback_from_the_console_script():
    proc = subprocess.run([sys.executable, "-m", "cli", "run", "task=digits", "method=cnnn"],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip() == "bench: error: unknown method 'cnnn'; did you mean 'cnn' or 'dgcnn' or 'cnn1d'?"
