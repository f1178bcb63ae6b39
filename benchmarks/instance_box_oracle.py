"""What a perfect box detector scores on an instance-segmentation task without knowing any shape.

Every true box is predicted with its true class and score 1, and its mask is the filled box. Box AP is
then 1 by construction, and mask AP measures how much of a box an object fills: a mask method must
beat this to show that it segments, not only detects. The task's `box-oracle` reference comes from
here, scored by the task's own metric code (the protocol's `instance_metrics`).

    python benchmarks/instance_box_oracle.py --task shapes-inst
"""

from __future__ import annotations

import argparse


def oracle(task: str, profile: str = "default") -> dict[str, float]:
    import torch

    from baselines._tv_detection import box_masks
    from harness import registry
    from harness.config import compose
    from tasks.instance_segmentation.protocol import instance_metrics

    spec = registry.get_task(task)
    cfg = compose([f"task={task}", f"method={registry.fitting_methods(spec)[0]}", f"profile={profile}"])
    test = spec.build_data(cfg.data, cfg.profile).test
    batch = test.__getitems__(list(range(len(test))))
    h, w = batch["pixel_values"].shape[-2:]
    items = [{"image_id": int(i), "boxes": b, "scores": torch.ones(len(b)), "labels": c,
              "masks": box_masks(b, h, w), "gt_boxes": b, "gt_labels": c, "gt_masks": m}
             for i, b, c, m in zip(batch["image_id"], batch["boxes"], batch["labels"], batch["instance_masks"],
                                   strict=True)]
    return instance_metrics(items) | {"images": len(items)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", default="shapes-inst")
    parser.add_argument("--profile", default="default")
    args = parser.parse_args()
    out = oracle(args.task, args.profile)
    print(f"{args.task} ({args.profile}, {out.pop('images')} test images), true boxes filled as masks: "
          + "  ".join(f"{k} {v:.4f}" for k, v in out.items()))


if __name__ == "__main__":
    main()
