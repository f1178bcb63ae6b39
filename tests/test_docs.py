"""The documentation cannot drift from the code: CONTRIBUTING.md's code blocks are excerpts of real files,
and docs/contracts.md is what scripts/contracts_doc.py generates from the registry now."""

from __future__ import annotations

import re
import runpy
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# a ```python block, with the `<!-- excerpt: PATH -->` line just before it when there is one
BLOCK = re.compile(r"(?:<!-- excerpt: (?P<path>\S+) -->\n)?```python\n(?P<code>.*?)```", re.DOTALL)


def _blocks() -> list[tuple[str | None, str]]:
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    return [(m["path"], m["code"]) for m in BLOCK.finditer(text)]


def test_contributing_shows_the_worked_example_of_a_family_task_and_method():
    code = "".join(c for path, c in _blocks() if path == "examples/toy_family.py")
    for part in ("register_family(FamilySpec(", "register_task(TaskSpec(", "@register_method("):
        assert part in code, part


@pytest.mark.parametrize(("path", "code"), _blocks(), ids=lambda v: v.splitlines()[0][:40] if v else "unmarked")
def test_every_python_block_of_contributing_is_an_excerpt_of_the_file_it_names(path, code):
    assert path is not None, f"a ```python block without <!-- excerpt: PATH -->:\n{code}"
    assert code in (ROOT / path).read_text(encoding="utf-8"), f"not (or no longer) in {path}:\n{code}"


def test_contracts_page_is_what_the_script_generates_now():
    render = runpy.run_path(str(ROOT / "scripts" / "contracts_doc.py"))["render"]
    committed = (ROOT / "docs" / "contracts.md").read_text(encoding="utf-8")
    assert committed == render(), "docs/contracts.md is out of date: run .venv/bin/python scripts/contracts_doc.py"
