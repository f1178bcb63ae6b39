from __future__ import annotations

import pytest

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


def test_every_committed_record_rebuilds_to_its_config_hash():
    """from_dict merges a record's config into the structured schema: the hash reproduce and resume rely on."""
    from pathlib import Path

    from harness.record import load_record

    records = sorted((Path(__file__).parents[2] / "leaderboard" / "records").rglob("*.json"))
    assert records
    for path in records:
        rec = load_record(path)
        assert from_dict(rec.config).hash() == rec.config_hash, path


@pytest.mark.parametrize(("node", "key", "value", "message"), [
    ("trainer", "epochs", "abc", "wrong type for 'trainer.epochs': 'abc' is not int"),
    ("trainer", "epoch", 3, "unknown key 'trainer.epoch' in the run config; did you mean 'trainer.epochs'"),
    ("method", "hiden", 3, "unknown key 'method.hiden' in method vit; did you mean 'method.hidden'"),
    ("method", "hidden", 1.5, "wrong type for 'method.hidden': 1.5 is not int"),
    (None, "seed", "x", "wrong type for 'seed': 'x' is not int"),
    ("trainer", "optimizer", "adamm", "invalid value 'adamm' for 'trainer.optimizer'; did you mean 'adam'"),
])
def test_a_bad_record_config_gets_the_command_lines_messages(node, key, value, message):
    from harness.errors import UserError

    config = compose(["task=digits", "method=vit", "profile=smoke"]).to_dict()
    (config[node] if node else config)[key] = value
    with pytest.raises(UserError) as err:
        from_dict(config)
    assert message in str(err.value)


def test_optimizer_and_scheduler_names_come_from_harness_optim():
    import subprocess
    import sys

    from harness import config, optim

    assert config.OPTIMIZERS is optim.OPTIMIZERS and config.SCHEDULERS is optim.SCHEDULERS
    for name in optim.OPTIMIZERS:
        assert compose(["task=digits", "method=cnn", f"trainer.optimizer={name}"]).trainer.optimizer == name
    code = "import sys, harness.config; print(sorted(m for m in ('torch', 'transformers') if m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "[]"


def test_a_neutral_param_at_its_default_leaves_the_hash_of_older_records_alone():
    """simclr's intensity_jitter came after the digits-ssl records: at its default (off) it is not hashed."""
    import hashlib
    import json

    plain = compose(["task=digits-ssl", "method=simclr"])
    d = plain.to_dict()
    for key in ("resume", "output_dir"):
        d.pop(key)
    d["data"] = {k: v for k, v in d["data"].items() if k not in ("cache_dir", "num_workers")}
    d["method"].pop("intensity_jitter")
    assert plain.hash() == hashlib.sha256(json.dumps(d, sort_keys=True).encode()).hexdigest()[:12]
    assert compose(["task=digits-ssl", "method=simclr", "method.intensity_jitter=0.4"]).hash() != plain.hash()
