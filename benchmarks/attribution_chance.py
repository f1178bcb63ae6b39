"""Chance levels of an attribution task, computed from its masks alone (no method, no Quantus).

A heatmap of uniform noise puts its maximum on the deciding object with probability |mask| / (H*W),
and its expected relevance mass and rank accuracy inside the mask are the same fraction; so the mean
mask fraction over the scored test images is what the `random-map` floor must reproduce. The task's
reference for `random-map` comes from here.

    python benchmarks/attribution_chance.py --task shapes-attribution
"""

from __future__ import annotations

import argparse


def chance(task: str, profile: str = "default") -> tuple[float, float, int]:
    """(mean mask fraction, its standard error over images, number of images) of the task's test split."""
    from harness import registry
    from harness.config import compose

    cfg = compose([f"task={task}", f"method={registry.fitting_methods(registry.get_task(task))[0]}",
                   f"profile={profile}"])
    test = registry.get_task(task).build_data(cfg.data, cfg.profile).test
    fraction = test.tensors["masks"].flatten(1).float().mean(1).double()
    return float(fraction.mean()), float(fraction.std() / len(fraction) ** 0.5), len(fraction)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", default="shapes-attribution")
    parser.add_argument("--profile", default="default")
    args = parser.parse_args()
    mean, se, n = chance(args.task, args.profile)
    print(f"{args.task} ({args.profile}, {n} test images): mean mask fraction {mean:.4f} (standard error {se:.4f}) "
          "= the expected pointing game, relevance mass and relevance rank of uniform noise")


if __name__ == "__main__":
    main()
