"""Every metric of an attribution task's records, mean ± std over seeds per method, as a Markdown table.

    python scripts/attribution_table.py --task shapes-attribution
"""

from __future__ import annotations

import argparse
from pathlib import Path


def table(task: str, dirs: list[str]) -> str:
    from harness import registry
    from leaderboard.aggregate import collect

    runs, _ = collect([Path(d) for d in dirs])
    runs = runs[(runs["task"] == task) & (runs["status"] == "completed")]
    metrics = registry.get_task(task).metrics
    head = ["method", *(f"{m.name} ({'↑' if m.higher_is_better else '↓'})" for m in metrics), "seeds", "eval s (max)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    primary = f"m.{registry.get_task(task).primary_metric}"
    order = runs.groupby("method")[primary].mean().sort_values(ascending=False).index
    for method in order:
        rows = runs[runs["method"] == method]
        cells = [f"{rows[f'm.{m.name}'].mean():.3f} ± {rows[f'm.{m.name}'].std(ddof=1):.3f}" for m in metrics]
        slowest = max(r.timings.eval_seconds for r in rows["record"])
        lines.append(f"| {method} | " + " | ".join(cells) + f" | {len(rows)} | {slowest:.0f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", default="shapes-attribution")
    parser.add_argument("--dirs", nargs="+", default=["leaderboard/records"])
    args = parser.parse_args()
    print(table(args.task, args.dirs))


if __name__ == "__main__":
    main()
