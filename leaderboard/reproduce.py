"""Re-run recorded runs from their resolved config and compare the metrics.

    bench reproduce runs/digits/mlp/<run_id>/record.json [tolerance=0.01] [output_dir=DIR]

Same package versions, platform and device as recorded: the metrics must match exactly (the
runner reseeds everything, so a CPU run repeats bit for bit). Anything else differs: a stated
absolute tolerance applies (DEFAULT_TOLERANCE unless tolerance= is given), and the output says
which rule applied and why. Exit 1 when any record does not reproduce.
"""

from __future__ import annotations

import dataclasses
import tempfile
from dataclasses import dataclass
from pathlib import Path

from harness.errors import UserError
from harness.io import check_output_folder
from harness.progress import log
from harness.record import Provenance, Record, load_record

DEFAULT_TOLERANCE = 0.01
# what must be equal for "exact": the code's and libraries' versions and where the numbers were computed
ENVIRONMENT = ("dlbench_version", "python", "torch", "transformers", "accelerate", "datasets",
               "platform", "device", "world_size")


@dataclass
class Comparison:
    path: Path
    recorded: Record
    reproduced: Record
    tolerance: float
    rule: str  # which tolerance applied, and why

    def differences(self) -> dict[str, float | None]:
        """reproduced - recorded per recorded metric; None when the reproduction lacks it."""
        got = self.reproduced.metrics
        return {k: (got[k] - v if k in got else None) for k, v in self.recorded.metrics.items()}

    @property
    def reproduced_ok(self) -> bool:
        diffs = self.differences()
        return (self.reproduced.status == "completed" and set(self.reproduced.metrics) == set(diffs)
                and all(d is not None and abs(d) <= self.tolerance for d in diffs.values()))


def check_options(tolerance: float | None, output_dir: str | Path | None) -> None:
    """`tolerance=` and `output_dir=` of `bench reproduce` and `dlbench.reproduce`, checked before any re-run."""
    if tolerance is not None and not 0 <= tolerance < float("inf"):
        raise UserError(f"tolerance must be a finite number >= 0, got {tolerance!r}")
    if output_dir is not None:
        check_output_folder("output_dir", output_dir)


def choose_tolerance(recorded: Provenance, current: Provenance, given: float | None) -> tuple[float, str]:
    """Exact in the recorded environment, DEFAULT_TOLERANCE elsewhere; a given tolerance always wins."""
    if given is not None:
        return given, "given with tolerance="
    changed = [f"{name} {getattr(recorded, name)} -> {getattr(current, name)}"
               for name in ENVIRONMENT if getattr(recorded, name) != getattr(current, name)]
    if not changed:
        return 0.0, "exact: same package versions, platform and device as recorded"
    return DEFAULT_TOLERANCE, "default for a different environment: " + "; ".join(changed)


def rerun(record: Record, output_dir: str) -> Record:
    """Train and evaluate the record's config again, writing under output_dir."""
    from harness.config import from_dict
    from harness.runner import run

    cfg = dataclasses.replace(from_dict(record.config), output_dir=output_dir, resume=False)
    return run(cfg).record


def reproduce(path: Path, record: Record, output_dir: str, tolerance: float | None) -> Comparison:
    again = rerun(record, output_dir)
    value, rule = choose_tolerance(record.provenance, again.provenance, tolerance)
    return Comparison(path, record, again, value, rule)


def report(c: Comparison) -> None:
    r = c.recorded
    log.info(f"\n{c.path}: {r.task.name}/{r.method.name} seed {r.seed}, profile {r.profile}, run {r.run_id}")
    log.info(f"  {'metric':<20} {'recorded':>12} {'reproduced':>12} {'difference':>12}")
    for name, diff in c.differences().items():
        again = c.reproduced.metrics.get(name)
        shown = ("missing", "") if again is None or diff is None else (f"{again:.6f}", f"{diff:+.3g}")
        log.info(f"  {name:<20} {r.metrics[name]:>12.6f} {shown[0]:>12} {shown[1]:>12}")
    log.info(f"  tolerance {c.tolerance:g} ({c.rule})")
    if c.reproduced_ok:
        log.info("  verdict: reproduced")
    elif c.reproduced.status != "completed":
        log.info(f"  verdict: NOT reproduced: the re-run failed ({c.reproduced.error})")
    else:
        log.info(f"  verdict: NOT reproduced: a difference exceeds {c.tolerance:g}")


def reproduce_all(paths: list[Path], output_dir: str | None, tolerance: float | None) -> list[Comparison]:
    """Every record re-run (under output_dir, else a temporary folder) and compared; each comparison printed."""
    loaded = [(path, load_record(path)) for path in paths]  # every file checked before any training
    for path, rec in loaded:
        if rec.status != "completed":
            raise UserError(f"{path}: the recorded run {rec.status}; there are no metrics to reproduce")
    with tempfile.TemporaryDirectory(prefix="dlbench-reproduce-") as tmp:
        comparisons = [reproduce(path, rec, output_dir or tmp, tolerance) for path, rec in loaded]
        for c in comparisons:
            report(c)
    return comparisons
