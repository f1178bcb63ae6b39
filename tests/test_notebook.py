"""The course notebook (docs/notebooks/course.ipynb) runs top to bottom in a fresh Jupyter kernel, as a student
would run it: training, leaderboard, curves, prediction grid, LaTeX table. It is stored without outputs."""

from __future__ import annotations

import time
from pathlib import Path

NOTEBOOK = Path(__file__).resolve().parents[1] / "docs" / "notebooks" / "course.ipynb"


def test_the_notebook_is_stored_without_outputs():
    import nbformat

    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)


def test_the_notebook_runs_top_to_bottom(tmp_path, monkeypatch):
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.setenv("TMPDIR", str(tmp_path))  # its run folders land here (tempfile.mkdtemp in the kernel)
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel's own inline backend draws the figures
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    start = time.perf_counter()
    client.execute()  # a failing cell raises CellExecutionError with its traceback
    seconds = time.perf_counter() - start
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "refused: unknown key 'trainer.epoch'" in text
    assert "\\begin{tabular}" in text and "\\toprule" in text
    images = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if "image/png" in o.get("data", {})]
    assert len(images) == 3  # intervals, curves, prediction grid
    bars = [o["data"]["text/plain"] for c in nb.cells if c.cell_type == "code" for o in c.outputs
            if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert any(b.startswith("train:") for b in bars), "no training bar drawn as a widget (is ipywidgets installed?)"
    tables = list(tmp_path.glob("dlbench-course-*/digits.tex"))
    assert len(tables) == 1 and len(list(tables[0].parent.glob("digits/*/*/record.json"))) == 9
    print(f"notebook ran in {seconds:.1f} s")  # shown with pytest -s
