from __future__ import annotations

import subprocess
import sys

import pytest

from harness import registry
from harness.specs import Metric, TaskSpec


def test_duplicate_task_name_is_an_error():
    existing = registry.get_task("digits")
    with pytest.raises(ValueError, match="already registered"):
        registry.register_task(existing)


def test_duplicate_method_name_is_an_error():
    spec = registry.get_method("mlp")
    with pytest.raises(ValueError, match="already registered"):
        registry.register_method(name="mlp", version="9", fits=("classification",), params=spec.params,
                                 description="dup")(lambda i, p: None)


def test_primary_metric_must_be_declared():
    with pytest.raises(ValueError, match="primary metric"):
        TaskSpec(name="x", version="1", family="classification", description="", dataset="", splits={},
                 metrics=(Metric("accuracy", True, "torchmetrics", range=(0, 1)),), primary_metric="f1", protocol="",
                 build=lambda c, p: None)


@pytest.mark.parametrize("command", [["list"], ["show", "task=digits"], ["show", "task=mnist"], ["show", "method=vit"]])
def test_list_and_show_do_not_import_heavy_modules(command):
    code = (
        "import sys\nfrom cli.main import main\n"
        f"assert main({command!r}) == 0\n"
        "heavy = [m for m in ('torch', 'transformers', 'diffusers', 'datasets', 'accelerate') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_every_task_has_a_fitting_method_and_references_name_metrics():
    for task in registry.tasks().values():
        assert registry.fitting_methods(task), task.name
        names = {m.name for m in task.metrics}
        for ref in task.references:
            assert ref.metric in names and ref.source, (task.name, ref)


def test_per_task_method_profiles_name_fitting_tasks():
    for method in registry.methods().values():
        for name in method.task_profiles:
            assert name in registry.tasks(), (method.name, name)
            assert registry.get_task(name).family in method.fits, (method.name, name)


@pytest.mark.parametrize("revision", ["main", "refs/convert/parquet", "56a0746", "0" * 39, "G" * 40])
def test_hub_source_refuses_a_revision_that_is_not_a_commit(revision):
    from harness.specs import HubSource

    with pytest.raises(ValueError, match="not a 40-hex commit id"):
        HubSource("org/data", revision)
    source = HubSource("org/data", revision, pinned=False)  # allowed only when marked
    assert source.label.endswith("(unpinned)")


def test_unpinned_tasks_are_the_three_without_a_commit():
    unpinned = sorted(name for name, task in registry.tasks().items() if task.unpinned)
    assert unpinned == ["ade20k-seg", "coco-inst", "flickr30k-retrieval"]
    assert registry.get_task("mnist").hub.label == "ylecun/mnist@77f3279092"
    # a commit id from public material that was never loaded here: pinned, but shown as not checked
    unchecked = sorted(name for name, task in registry.tasks().items() if task.hub and not task.hub.checked)
    assert unchecked == ["ag-news", "coco-inst", "fashion-mnist", "fashion-mnist-attribution", "fashion-mnist-gen",
                         "fashion-mnist-ssl", "imdb", "sst2"]


@pytest.mark.parametrize("name", ["../../../../escaped", "a/b", "Digits", "", "a_b", "-x", "x" * 65, "a b"])
def test_names_that_could_leave_a_folder_or_break_markup_are_refused_at_registration(name):
    """Names become folders (runs/<task>/<method>/) and labels: [a-z0-9-] only, checked when registered."""
    spec = registry.get_method("mlp")
    with pytest.raises(ValueError, match="is not allowed"):
        registry.register_method(name=name, version="1", fits=("classification",), params=spec.params,
                                 description="x")(lambda i, p: None)
    with pytest.raises(ValueError, match="is not allowed"):
        TaskSpec(name=name, version="1", family="classification", description="", dataset="", splits={},
                 metrics=(Metric("accuracy", True, "torchmetrics", range=(0, 1)),), primary_metric="accuracy",
                 protocol="", build=lambda c, p: None)
    assert name not in registry.methods()


def test_a_metric_must_declare_its_range():
    with pytest.raises(TypeError, match="range"):
        Metric("accuracy", True, "torchmetrics")  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="low < high"):
        Metric("accuracy", True, "torchmetrics", range=(1.0, 0.0))
