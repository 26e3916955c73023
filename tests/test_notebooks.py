"""Every notebook runs top to bottom without error, and is stored with outputs cleared.

The documentation build (``make docs``, which ``make test`` runs before pytest)
executes every notebook and keeps the executed copies in
``docs/_build/jupyter_execute/notebooks/``. To avoid running each notebook
twice, the execution test reads that copy when it is *fresh*: newer than the
notebook and than every file of the package and the vectors, and holding the
same code cells. Otherwise (pytest run on its own, or anything changed since
the build) the test executes the notebook itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import nbformat
import pytest
from nbclient import NotebookClient

read_notebook = cast(Callable[..., Any], nbformat.read)
ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
EXECUTED = ROOT / "docs" / "_build" / "jupyter_execute" / "notebooks"


def _code_sources(nb: Any) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "code"]


def _inputs(path: Path) -> Iterator[Path]:
    """Every file a notebook's outputs depend on: itself, the package, the vectors."""
    yield path
    for folder in (ROOT / "reference" / "chipstack", ROOT / "vectors"):
        yield from (p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def _fresh_executed_copy(path: Path) -> Any | None:
    """The docs build's executed copy of ``path`` if nothing changed since, else None."""
    copy = EXECUTED / path.name
    if not copy.is_file():
        return None
    built = copy.stat().st_mtime
    if any(p.stat().st_mtime > built for p in _inputs(path)):
        return None
    executed = read_notebook(copy, as_version=4)
    if _code_sources(executed) != _code_sources(read_notebook(path, as_version=4)):
        return None
    return executed


def _execute(path: Path) -> Any:
    nb = read_notebook(path, as_version=4)
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()
    return nb


def test_there_are_notebooks() -> None:
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_stored_clean(path: Path) -> None:
    nb = read_notebook(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_executes(path: Path) -> None:
    nb = _fresh_executed_copy(path)
    if nb is None:
        nb = _execute(path)
    code = [c for c in nb.cells if c.cell_type == "code"]
    counts = [c.execution_count for c in code]
    # Every code cell ran, once, in order from top to bottom.
    assert counts == list(range(1, len(code) + 1)), counts
    errors = [o for c in code for o in c.outputs if o.get("output_type") == "error"]
    assert errors == []
    # A notebook that draws shows its figures: the site renders them from these outputs.
    if any("plt." in c.source for c in code):
        images = [o for c in code for o in c.outputs if "image/png" in o.get("data", {})]
        assert images, f"{path.name} draws with matplotlib but produced no image"
