"""Every metric of an attribution task's records, mean ± std over seeds per method, as a Markdown table.

The leaderboard's own aggregation (`leaderboard.aggregate.summarise`, once per metric): the current task
version only, one profile, methods in the primary metric's rank order.

    python scripts/attribution_table.py --task shapes-attribution
"""

from __future__ import annotations

import argparse
from pathlib import Path


def table(task: str, dirs: list[str], profile: str = "default") -> str:
    from harness import registry
    from leaderboard.aggregate import collect, summarise

    runs, _ = collect([Path(d) for d in dirs])
    runs = runs[(runs["task"] == task) & (runs["profile"] == profile)]
    spec = registry.get_task(task)
    boards = {m.name: summarise(runs, m.name) for m in spec.metrics}
    boards = {name: board[~board["stale"]].set_index("method") for name, board in boards.items()}
    head = ["method", *(f"{m.name} ({'↑' if m.higher_is_better else '↓'})" for m in spec.metrics), "seeds",
            "eval s (max)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    primary = boards[spec.primary_metric]
    for method, row in primary.iterrows():
        cells = [f"{boards[m.name].at[method, 'mean']:.3f} ± {boards[m.name].at[method, 'std']:.3f}"
                 for m in spec.metrics]
        records = runs[(runs["method"] == method) & (runs["task_version"] == row["task_version"])]["record"]
        slowest = max(r.timings.eval_seconds for r in records)
        lines.append(f"| {method} | " + " | ".join(cells) + f" | {row['n_seeds']} | {slowest:.0f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", default="shapes-attribution")
    parser.add_argument("--profile", default="default")
    parser.add_argument("--dirs", nargs="+", default=["leaderboard/records"])
    args = parser.parse_args()
    print(table(args.task, args.dirs, args.profile))


if __name__ == "__main__":
    main()
