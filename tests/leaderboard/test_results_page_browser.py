"""The results page in a real browser: Debian's chromium driven by Playwright (headless, one launch for the
module). It loads with no console error and no page error, shows every task of the fixture with a plot, and
clicking a header sorts the rows, numbers as numbers, references last. Skipped without chromium
(scripts/install_browser.sh installs it), except where DLBENCH_REQUIRE_BROWSER=1 (.ci/run): CI installs the
browser, so a skip there would hide a broken install and the test fails instead."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import RESULTS, write_results_records

from cli.main import main

TASKS = sorted({row[0] for row in RESULTS})


@pytest.fixture(scope="module")
def browser():
    executable = shutil.which("chromium")
    if executable is None:
        if os.environ.get("DLBENCH_REQUIRE_BROWSER") == "1":
            pytest.fail("DLBENCH_REQUIRE_BROWSER=1 but no chromium on PATH (scripts/install_browser.sh)")
        pytest.skip("no chromium: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def loaded(browser, tmp_path_factory):
    """The fixture's page, opened from disk; the console errors and page errors it raised."""
    root = tmp_path_factory.mktemp("results")
    runs = write_results_records(root / "runs")
    out = root / "site" / "index.html"
    assert main(["leaderboard", "format=html", f"out={out}", f"dirs=[{runs}]"]) == 0
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(Path(out).as_uri())
    yield page, errors
    page.close()


def _methods(page, task: str) -> list[str]:
    """The method column of the task's table, top to bottom (reference rows included)."""
    return page.locator(f"#task-{task} table tbody tr td:nth-child(2)").all_inner_texts()


def test_loads_without_errors(loaded):
    page, errors = loaded
    assert page.title() == "dlbench results"
    assert errors == []


def test_every_task_is_present_with_a_plot(loaded):
    page, _ = loaded
    for task in TASKS:
        assert page.locator(f"#task-{task} h3").inner_text() == task
        assert page.locator(f"#task-{task} svg.cost").count() == 1
        assert page.locator(f"#task-{task} svg.cost circle").count() > 0
    assert page.locator("nav a[href='#task-toy-task']").is_visible()


def test_clicking_a_header_sorts_numerically(loaded):
    page, _ = loaded
    ranked = ["cnn", "mlp", "linear", "reference: sklearn-svc [1]"]  # the page's order: by rank
    assert _methods(page, "digits") == ranked
    header = page.locator("#task-digits th", has_text="train s")
    header.click()  # ascending: 1 s, 3 s, 6 s; the reference has no cost and stays last
    assert _methods(page, "digits") == ["linear", "cnn", "mlp", ranked[-1]]
    assert header.get_attribute("aria-sort") == "ascending"
    header.click()
    assert _methods(page, "digits") == ["mlp", "cnn", "linear", ranked[-1]]
    page.locator("#task-digits th", has_text="f1_macro").click()  # a metric sorts best first
    assert _methods(page, "digits")[:3] == ["cnn", "mlp", "linear"]


def test_a_lower_is_better_metric_sorts_best_first_and_text_sorts_alphabetically(loaded):
    page, _ = loaded
    mse = page.locator("#task-adding th", has_text="mse")
    mse.click()  # lowest first: 0.005 before 0.167 (the reference, 0.167 too, keeps its place after constant)
    assert _methods(page, "adding") == ["gru", "constant", "reference: constant [1]"]
    mse.click()
    assert _methods(page, "adding")[0] == "constant" and mse.get_attribute("aria-sort") == "descending"
    page.locator("#task-toy-task th", has_text="method").click()
    assert _methods(page, "toy-task") == ["m-a", "m-b"]  # ranked m-b first; a to z after the click
