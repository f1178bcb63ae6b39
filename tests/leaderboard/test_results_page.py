"""The results page's HTML, read with html.parser (no browser needed): families and tasks in the navigation,
every metric a task reports, a plot per section, rows the sorting script can sort, references, and links
that resolve to the records and pictures beside the page, with nothing fetched from the network."""

from __future__ import annotations

import math
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import PICTURE, RESULTS, write_results_records

from cli.main import main
from leaderboard.cost_plot import MethodPoints, ReferenceLine, cost_plot

TASKS = sorted({row[0] for row in RESULTS})


class Page(HTMLParser):
    """The page as a flat list of (tag, attrs, text inside it up to the next tag) and the tables' rows."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.stack: list[str] = []
        self.tables: list[dict] = []  # {"section": id, "head": [th text], "rows": [[td text]], "classes": [...]}
        self.section = ""

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        self.tags.append((tag, attrs))
        if tag == "div" and "section" in attrs.get("class", "").split():
            self.section = attrs["id"]
        if tag == "table":
            self.tables.append({"section": self.section, "head": [], "rows": [], "classes": []})
        elif tag == "tr" and self.tables and "thead" not in self.stack:
            self.tables[-1]["rows"].append([])
            self.tables[-1]["classes"].append(attrs.get("class", ""))
        elif tag in ("td", "th"):
            cells = self.tables[-1]["head"] if tag == "th" else self.tables[-1]["rows"][-1]
            cells.append("")
        if tag not in ("meta", "br"):  # void elements: no end tag follows
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data):
        self.text.append(data)
        cell = next((t for t in reversed(self.stack) if t in ("td", "th")), None)
        if cell and self.tables:
            cells = self.tables[-1]["head"] if cell == "th" else self.tables[-1]["rows"][-1]
            cells[-1] += data


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, str]:
    """`bench leaderboard format=html` over the fixture records, the page one folder away from them."""
    root = tmp_path_factory.mktemp("results")
    runs = write_results_records(root / "runs")
    out = root / "site" / "index.html"
    assert main(["leaderboard", "format=html", f"out={out}", f"dirs=[{runs}]"]) == 0
    return out, out.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def page(built) -> Page:
    parsed = Page()
    parsed.feed(built[1])
    return parsed


def test_navigation_groups_tasks_by_family(page):
    nav = [a["href"] for tag, a in page.tags if tag == "a" and a.get("href", "").startswith("#")]
    for family, tasks in {"classification": ["digits", "fashion-mnist"], "sequence": ["adding"],
                          "unregistered": ["toy-task"]}.items():
        assert f"#family-{family}" in nav
        start = nav.index(f"#family-{family}")
        assert nav[start + 1:start + 1 + len(tasks)] == [f"#task-{t}" for t in tasks]
    ids = {a.get("id") for _, a in page.tags}
    assert all(href[1:] in ids for href in nav)  # every link lands somewhere


def test_every_task_has_a_plot_and_a_table(page):
    sections = [a["id"] for tag, a in page.tags if tag == "section"]
    assert sections == ["task-digits", "task-fashion-mnist", "task-adding", "task-toy-task"]  # by family
    assert sum(tag == "svg" for tag, _ in page.tags) == len(TASKS)
    assert sorted(t["section"].split("-v")[0] for t in page.tables) == TASKS


def _table(page: Page, task: str) -> dict:
    return next(t for t in page.tables if t["section"].startswith(f"{task}-v"))


def test_every_reported_metric_primary_first_and_every_row_sortable(page):
    digits = _table(page, "digits")
    assert [h.split()[0] for h in digits["head"][2:5]] == ["accuracy", "f1_macro", "balanced_accuracy"]
    for table in page.tables:  # the sorting script indexes cells by column: no row may be short or long
        assert all(len(row) == len(table["head"]) for row in table["rows"])
    cnn = next(r for r in digits["rows"] if r[1] == "cnn")
    assert cnn[2].startswith("0.985 ± 0.005") and "[0.973, 0.997]" in cnn[2]  # mean ± std, t-interval
    assert cnn[3].startswith("0.975 ± 0.005")  # f1_macro = accuracy - 0.01 in the fixture
    mlp = next(r for r in digits["rows"] if r[1] == "mlp")
    assert "p = " in mlp[5]  # the comparison with the best


def test_seed_values_cost_columns_and_reference_rows(page):
    heads = _table(page, "fashion-mnist")["head"]
    rows = _table(page, "fashion-mnist")["rows"]
    col = {h.split()[0]: i for i, h in enumerate(heads)}
    linear = next(r for r in rows if r[1] == "linear")
    assert [v for v in ("0.840", "0.842", "0.844") if v in linear[col["seeds"]]] == ["0.840", "0.842", "0.844"]
    assert linear[col["train"]] == "30.0" and linear[col["params"]] == "12K"  # mean of 6,000, 12,000, 18,000
    assert "ref: within" in linear[col["accuracy"]]  # fashion-mnist's linear reference: 0.842 ± 0.02
    references = [r for r, c in zip(rows, _table(page, "fashion-mnist")["classes"], strict=True) if c == "reference"]
    assert {r[1].split("[")[0].strip() for r in references} >= {"reference: linear", "reference: sklearn-svc"}
    assert any("reference only" in r[col["vs"]] for r in references)


def test_links_are_relative_resolve_and_include_pictures(built, page):
    out, text = built
    hrefs = [a["href"] for tag, a in page.tags if tag == "a" and not a["href"].startswith("#")]
    assert len([h for h in hrefs if h.endswith("record.json")]) == sum(len(row[-1]) for row in RESULTS)
    for href in hrefs:
        assert not href.startswith(("/", "http", "javascript")) and (out.parent / unquote(href)).is_file()
    assert sum(h.endswith(PICTURE) for h in hrefs) == 1


def test_the_page_is_offline(built, page):
    text = built[1]
    assert sum(tag == "script" for tag, _ in page.tags) == 1
    assert not [a for tag, a in page.tags if a.get("src") or (tag == "link" and a.get("href"))]
    assert "http://" not in text.replace("http://www.w3.org/2000/svg", "") and "https://" not in text
    assert "@import" not in text and "url(" not in text


def test_plot_puts_methods_that_do_not_train_in_their_own_strip():
    def point(method, seconds, mean):
        return MethodPoints(method, seconds, mean, [(seconds, mean)], "worse", method)

    plot = cost_plot([point("a", 0.0, 0.5), point("b", 10.0, 0.7), point("c", 100.0, 0.9)],
                     [ReferenceLine("ref 0.8", 0.8, 0.05, "ref")], "accuracy", True)
    x = {m.method: m.x for m in plot.marks}
    assert x["a"] == plot.zero_x < plot.axis_left < x["b"] < x["c"]
    assert math.isclose(x["c"] - x["b"], (plot.right - plot.axis_left) / (math.log10(100) - math.log10(10) + 0.3))
    y = {m.method: m.y for m in plot.marks}
    assert y["c"] < plot.lines[0].y < y["b"] < y["a"]  # higher values higher up (smaller SVG y)
    assert [t.text for t in plot.x_ticks][:2] == ["0 s", "10 s"]
    only_zero = cost_plot([point("a", 0.0, 0.5)], [], "accuracy", True)
    assert only_zero.zero_x is None and only_zero.width < plot.width  # no log axis: the strip alone


def test_plot_tick_labels_write_each_tick_exactly():
    plot = cost_plot([MethodPoints("a", 1.0, 0.0, [], "best", ""), MethodPoints("b", 2.0, 1.0, [], "worse", "")],
                     [], "recall", True)
    texts = [t.text for t in plot.y_ticks]
    assert len(set(texts)) == len(texts) and all(float(t) >= 0 for t in texts)
    assert "0.25" in texts or "0.2" in texts


def test_no_records_still_make_a_page(tmp_path):
    out, empty = tmp_path / "index.html", tmp_path / "records"
    empty.mkdir()
    assert main(["leaderboard", "format=html", f"out={out}", f"dirs=[{empty}]"]) == 0
    text = out.read_text(encoding="utf-8")
    assert "No completed records." in text and "<svg" not in text
