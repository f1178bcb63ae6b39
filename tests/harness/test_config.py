from __future__ import annotations

from harness.config import compose, from_dict


def test_profile_sets_defaults_and_overrides_win():
    smoke = compose(["task=digits", "method=mlp", "profile=smoke"])
    assert smoke.trainer.epochs == 2 and smoke.method.hidden == 32 and smoke.data.train_size == 256
    mine = compose(["task=digits", "method=mlp", "profile=smoke", "method.hidden=256", "trainer.epochs=20", "seed=3"])
    assert mine.trainer.epochs == 20 and mine.method.hidden == 256 and mine.seed == 3
    assert mine.data.train_size == 256  # untouched keys keep the profile's value


def test_default_profile_is_default():
    cfg = compose(["task=digits", "method=cnn"])
    assert cfg.profile == "default" and cfg.trainer.epochs == 30


def test_list_and_null_values():
    cfg = compose(["task=digits", "method=resnet", "method.depths=[2,2]", "data.train_size=null"])
    assert cfg.method.depths == [2, 2] and cfg.data.train_size is None


def test_hash_ignores_where_results_go_but_not_what_they_depend_on():
    a = compose(["task=digits", "method=cnn", "output_dir=/tmp/a"])
    b = compose(["task=digits", "method=cnn", "output_dir=/tmp/b", "resume=true"])
    c = compose(["task=digits", "method=cnn", "seed=1"])
    assert a.hash() == b.hash() != c.hash()


def test_record_config_round_trips():
    cfg = compose(["task=digits", "method=vit", "profile=smoke", "method.hidden=24", "trainer.lr=0.01"])
    again = from_dict(cfg.to_dict())
    assert again == cfg and again.hash() == cfg.hash()


def test_a_methods_profile_for_one_task_sits_between_its_profile_and_the_command_line():
    digits = compose(["task=digits-gen", "method=ddpm"])
    shapes = compose(["task=shapes-gen", "method=ddpm"])
    assert digits.trainer.epochs > shapes.trainer.epochs  # digits-gen's images cost a quarter as much
    assert digits.trainer.lr == shapes.trainer.lr  # what the task's layer leaves alone comes from the profile
    assert compose(["task=digits-gen", "method=ddpm", "trainer.epochs=3"]).trainer.epochs == 3
    assert compose(["task=digits-gen", "method=ddpm", "profile=smoke"]).trainer.epochs == 1
