"""Declared parameter ranges: bad numbers and paths fail at compose time, with one line naming the key,
before any run folder exists; every registered method and task passes its own checks in every profile."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pytest

from harness import registry
from harness.config import DataConfig, compose
from harness.errors import UserError
from harness.params import Range, check_ranges, param, undeclared
from harness.specs import PROFILES

CNN = ["task=digits", "method=cnn", "profile=smoke"]
BAD = [  # (argument, key the message names, part of the rule it states)
    ("seed=-1", "'seed'", "in [0, 4294967295]"),
    ("seed=4294967296", "'seed'", "in [0, 4294967295]"),
    ("method.width=99999999999999999999", "'method.width'", "in [1, 4096]"),
    ("method.width=0", "'method.width'", "in [1, 4096]"),
    ("method.dropout=1.5", "'method.dropout'", "in [0, 1)"),
    ("trainer.lr=inf", "'trainer.lr'", "finite"),
    ("trainer.lr=nan", "'trainer.lr'", "finite"),
    ("trainer.weight_decay=-1e-3", "'trainer.weight_decay'", ">= 0"),
    ("trainer.grad_clip=inf", "'trainer.grad_clip'", "finite"),
    ("trainer.epochs=100001", "'trainer.epochs'", "in [0, 100000]"),
    ("trainer.batch_size=0", "'trainer.batch_size'", "in [1, 1048576]"),
    ("trainer.log_every=0", "'trainer.log_every'", ">= 1"),
    ("data.num_workers=257", "'data.num_workers'", "in [0, 256]"),
    ("data.train_size=0", "'data.train_size'", ">= 1"),
    ("data.path=/tmp", "task 'digits' reads no data.path", "drop data.path=/tmp"),
]


def _one_line_error(args: list[str]) -> str:
    with pytest.raises(UserError) as err:
        compose(args)
    message = str(err.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize(("arg", "key", "rule"), BAD, ids=[arg for arg, _, _ in BAD])
def test_a_bad_number_or_path_is_one_line_naming_the_key(arg, key, rule):
    message = _one_line_error([*CNN, arg])
    assert key in message and rule in message, message


@pytest.mark.parametrize("key", ["data.cache_dir", "output_dir"])
def test_a_folder_that_is_a_file_is_refused(key, tmp_path):
    file = tmp_path / "a-file"
    file.write_text("x")
    for path in (file, file / "below"):
        message = _one_line_error([*CNN, f"{key}={path}"])
        assert f"{key}={path}" in message and "is a file, not a folder" in message


def test_data_path_must_exist_for_a_task_that_reads_one(tmp_path):
    message = _one_line_error(["task=mnist", "method=linear", f"data.path={tmp_path / 'missing'}"])
    assert "data.path" in message and "does not exist" in message
    assert compose(["task=mnist", "method=linear", f"data.path={tmp_path}"]).data.path == str(tmp_path)
    assert compose(["task=modelnet40", "method=pointnet", f"data.path={tmp_path}"]).data.path == str(tmp_path)


def test_which_tasks_read_a_data_path():
    tasks = registry.tasks()
    assert tasks["modelnet40"].reads_data_path and tasks["ucf101"].reads_data_path  # local copies, no hub
    assert tasks["mnist"].reads_data_path and not tasks["digits"].reads_data_path


def test_a_bad_value_on_the_command_line_writes_no_folder(tmp_path, capsys):
    from cli.main import main

    out = tmp_path / "runs"
    assert main(["run", *CNN, "method.width=0", f"output_dir={out}"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'method.width'" in err and "Traceback" not in err
    assert not out.exists()


@dataclass
class _Undeclared:
    width: int = 3
    scale: float | None = None
    sizes: list[int] = dataclasses.field(default_factory=lambda: [1])
    flag: bool = True  # not a number: needs no range
    name: str = "x"
    ok: int = param(2, ge=1)


def test_registration_refuses_numeric_params_without_a_range():
    assert undeclared(_Undeclared) == ["width", "scale", "sizes"]
    with pytest.raises(ValueError, match=r"_Undeclared declares no range for width, scale, sizes"):
        registry.register_method(name="test-undeclared", version="1", fits=("classification",), params=_Undeclared,
                                 description="test only")(lambda i, p: None)
    assert "test-undeclared" not in registry.methods()


def _tasks_for(method: str) -> list[str]:
    """One task the method fits, and each task it refines a profile for (task_profiles)."""
    spec, tasks = registry.get_method(method), registry.tasks()
    first = next(t for t in sorted(tasks) if tasks[t].family in spec.fits)
    return sorted({first, *spec.task_profiles})


@pytest.mark.parametrize("name", sorted(registry.methods()))
def test_every_method_declares_ranges_its_defaults_and_profiles_keep(name):
    params = registry.get_method(name).params
    assert undeclared(params) == []
    check_ranges(params(), "method")
    for task in _tasks_for(name):  # the method's layers do not depend on the task, but for task_profiles
        for profile in PROFILES:
            compose([f"task={task}", f"method={name}", f"profile={profile}"])


@pytest.mark.parametrize("name", sorted(registry.tasks()))
def test_every_task_declares_ranges_its_defaults_and_profiles_keep(name):
    task = registry.get_task(name)
    if task.metric_params is not None:
        assert undeclared(task.metric_params) == []
        check_ranges(task.metric_params(), "metrics")
    for profile in PROFILES:  # a task's profile layer holds data caps only
        check_ranges(DataConfig(**task.profiles.get(profile, {})), "data")


def test_range_states_its_rule_as_messages_say_it():
    assert [str(r) for r in (Range(ge=0, lt=1), Range(gt=0, le=1), Range(ge=1), Range(gt=0), Range(le=2.5), Range())] \
        == ["in [0, 1)", "in (0, 1]", ">= 1", "> 0", "<= 2.5", "finite"]
    assert Range(ge=0, lt=1).contains(0) and not Range(ge=0, lt=1).contains(1)
    with pytest.raises(ValueError, match="one lower bound"):
        Range(ge=0, gt=0)


def test_param_copies_list_defaults_and_shows_its_rule_in_help():
    @dataclass
    class P:
        sizes: list[int] = param([1, 2], ge=1, help="blocks per stage")

    a, b = P(), P()
    a.sizes.append(3)
    assert b.sizes == [1, 2]
    assert dataclasses.fields(P)[0].metadata["help"] == "blocks per stage; >= 1"
    with pytest.raises(UserError, match=r"invalid value 0 for 'method.sizes\[1\]': must be >= 1"):
        check_ranges(P(sizes=[1, 0]), "method")


def test_epoch_seed_keeps_small_seeds_and_stays_in_numpys_range():
    from harness.runner import epoch_seed

    for seed in range(3):
        for epoch in (0, 1, 99, 100_000):
            assert epoch_seed(seed, epoch) == seed * 100_003 + epoch
    assert 0 <= epoch_seed(2**32 - 1, 100_000) < 2**32
