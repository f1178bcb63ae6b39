"""Per-task training budgets of the sequence methods on the default profile: the epochs (and batch size)
that keep each run within 5 minutes on 2 CPU cores, even on one thread each (the records were made two
runs at a time, OMP_NUM_THREADS=1), from one-epoch timings of every method on every task (2026-11-30).
`task_profiles(method)` turns them into a method's `task_profiles`.

The UCR/UEA training sets are tiny (36 to 270 series), so they train with batches of 16 for hundreds of
epochs, as the archive's deep-learning baselines do (Wang et al. 2017 train 2,000 epochs at batch 16), with
validation every 10 epochs. ListOps trains on the first 5,000 of its 20,000 training expressions: a full
pass costs a GRU about 70 s and the transformer about 300 s here.
"""

from __future__ import annotations

UCR_TRAINER = {"batch_size": 16, "log_every": 10}

# task -> method -> epochs (seconds per epoch measured here: gunpoint 0.1-0.4, italypowerdemand 0.04-0.12,
# arrowhead 0.1-0.6, osuleaf 0.9-11 (the transformer on 427 steps), basicmotions 0.06-0.16, japanesevowels 0.1-0.3)
UCR_EPOCHS = {
    "ucr-gunpoint": {"rnn": 300, "lstm": 300, "gru": 250, "cnn1d": 300, "transformer": 200, "linear": 500},
    "ucr-italypowerdemand": {"rnn": 600, "lstm": 600, "gru": 600, "cnn1d": 600, "transformer": 600, "linear": 600},
    "ucr-arrowhead": {"rnn": 300, "lstm": 300, "gru": 250, "cnn1d": 300, "transformer": 150, "linear": 500},
    "ucr-osuleaf": {"rnn": 60, "lstm": 80, "gru": 40, "cnn1d": 50, "transformer": 10, "linear": 500},
    "ucr-basicmotions": {"rnn": 300, "lstm": 300, "gru": 300, "cnn1d": 300, "transformer": 300, "linear": 300},
    "ucr-japanesevowels": {"rnn": 150, "lstm": 150, "gru": 150, "cnn1d": 150, "transformer": 150, "linear": 150},
}

# task -> method -> epochs (seconds per epoch here: mnist1d 1.1-4.5, pixel-digits 0.5-2.1, adding 11-78, listops
# at 5,000 expressions 5.5-77; one thread costs 1.1-1.5 times two)
OTHER = {
    "mnist1d": {"rnn": 40, "lstm": 40, "gru": 40, "cnn1d": 20, "transformer": 25},
    "mnist1d-shuffled": {"rnn": 40, "lstm": 40, "gru": 40, "cnn1d": 20, "transformer": 25},
    "pixel-digits": {"rnn": 60, "lstm": 60, "gru": 60, "cnn1d": 40, "transformer": 40},
    "pixel-digits-permuted": {"rnn": 60, "lstm": 60, "gru": 60, "cnn1d": 40, "transformer": 40},
    "adding": {"rnn": 15, "lstm": 7, "gru": 7, "cnn1d": 3, "transformer": 2},
    "listops": {"rnn": 12, "lstm": 8, "gru": 7, "cnn1d": 5, "transformer": 2},
}
ADDING_LR = 1e-3  # the recurrent nets' default 2e-3 diverges now and then on 100 steps
SHORT_WARMUP = {"adding", "listops"}  # the transformer's 2 warmup epochs would be all of a 2-epoch run


def task_profiles(method: str) -> dict[str, dict]:
    """The method's `task_profiles` for the sequence tasks (default profile only)."""
    out: dict[str, dict] = {}
    for task, epochs in UCR_EPOCHS.items():
        out[task] = {"default": {"trainer": {**UCR_TRAINER, "epochs": epochs[method]}}}
    for task, epochs in OTHER.items():
        if method not in epochs:
            continue
        trainer: dict = {"epochs": epochs[method]}
        if task == "adding" and method in ("rnn", "lstm", "gru"):
            trainer["lr"] = ADDING_LR
        if task in SHORT_WARMUP and method == "transformer":
            trainer["warmup_epochs"] = 1
        out[task] = {"default": {"trainer": trainer}}
    return out
