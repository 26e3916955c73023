"""Where vector files live, and reading and writing them (spec/05-vectors.md section 2)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from importlib import resources
from pathlib import Path

from chipstack.vectors.model import JSONObject, Suite


def source_tree() -> Path | None:
    """Return the repository this package runs from (an editable install or a checkout), if any."""
    repo = Path(__file__).resolve().parents[3]
    if (repo / "pyproject.toml").is_file() and (repo / "vectors" / "schema").is_dir():
        return repo
    return None


def packaged_dir(name: str) -> Path | None:
    """Return ``chipstack/_data/<name>`` shipped in an installed wheel (``vectors`` or ``spec``).

    The build copies the repository's top-level folders there (``setup.py``);
    ``importlib.resources`` finds them wherever the package is installed.
    """
    found = resources.files("chipstack") / "_data" / name
    return found if isinstance(found, Path) and found.is_dir() else None


def default_vectors_dir() -> Path:
    """Return the ``vectors/`` folder: ``$CHIPSTACK_VECTORS``, the source tree's, or the packaged.

    Raises FileNotFoundError (with a one-line message) when there is none.
    """
    env = os.environ.get("CHIPSTACK_VECTORS")
    if env:
        return Path(env)
    repo = source_tree()
    if repo is not None:
        return repo / "vectors"
    packaged = packaged_dir("vectors")
    if packaged is not None:
        return packaged
    raise FileNotFoundError("no vectors/ folder found: set CHIPSTACK_VECTORS or pass --dir")


def default_spec_dir() -> Path:
    """Return the ``spec/`` folder: the source tree's, or the one packaged with the vectors."""
    repo = source_tree()
    if repo is not None:
        return repo / "spec"
    packaged = packaged_dir("spec")
    if packaged is not None:
        return packaged
    raise FileNotFoundError("no spec/ folder found: pass --spec")


def is_packaged(root: Path) -> bool:
    """True when ``root`` is the copy of the vectors inside an installed package."""
    packaged = packaged_dir("vectors")
    return packaged is not None and root.resolve() == packaged.resolve()


def load(root: Path, suite: Suite) -> JSONObject:
    """Read and parse the committed file of ``suite``."""
    with open(root / suite.path, encoding="utf-8") as fh:
        doc: JSONObject = json.load(fh)
    return doc


def cases(doc: JSONObject) -> list[JSONObject]:
    """Return the cases of a loaded file, flattened: each with its group's ``operation`` and
    its whole ``input`` (the group's ``shared`` keys and its own), in file order.

    This is the case an implementation runs (spec/05-vectors.md section 1).
    """
    out: list[JSONObject] = []
    for group in doc["groups"]:
        for case in group["cases"]:
            out.append(
                {
                    **case,
                    "operation": group["operation"],
                    "input": {**group["shared"], **case["input"]},
                }
            )
    return out


def load_schema(root: Path, suite: Suite) -> JSONObject:
    """Read and parse the JSON Schema of ``suite``."""
    with open(root / suite.schema_path, encoding="utf-8") as fh:
        schema: JSONObject = json.load(fh)
    return schema


def write_all(root: Path, suites: list[Suite]) -> list[tuple[Path, bool]]:
    """Regenerate ``suites`` into ``root``; return each path and whether its bytes changed.

    Every file is rendered and written to a temporary folder inside ``root``
    first; only when all succeeded are the changed ones moved into place, each
    by an atomic rename. A failing suite leaves every file as it was.
    """
    root.mkdir(parents=True, exist_ok=True)
    rendered = [(suite, suite.render()) for suite in suites]  # raises before anything is written
    staging = Path(tempfile.mkdtemp(prefix=".generate-", dir=root))
    try:
        moves: list[tuple[Path, Path, bool]] = []
        for suite, text in rendered:
            path = root / suite.path
            old = path.read_text(encoding="utf-8") if path.exists() else None
            staged = staging / suite.path
            staged.parent.mkdir(parents=True, exist_ok=True)
            staged.write_text(text, encoding="utf-8")
            moves.append((staged, path, old != text))
        for staged, path, changed in moves:
            if changed:
                path.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staged, path)
        return [(path, changed) for _, path, changed in moves]
    finally:
        shutil.rmtree(staging, ignore_errors=True)
