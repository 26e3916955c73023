"""Where vector files live, and reading and writing them (spec/05-vectors.md section 2)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from chipstack.vectors.model import JSONObject, Suite


def default_vectors_dir() -> Path:
    """Return the ``vectors/`` folder: ``$CHIPSTACK_VECTORS``, the source tree's, or ./vectors."""
    env = os.environ.get("CHIPSTACK_VECTORS")
    if env:
        return Path(env)
    source_tree = Path(__file__).resolve().parents[3] / "vectors"
    if (source_tree / "schema").is_dir():
        return source_tree
    return Path.cwd() / "vectors"


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


def write(root: Path, suite: Suite) -> tuple[Path, bool]:
    """Regenerate ``suite`` into its file; return the path and whether the bytes changed."""
    path = root / suite.path
    text = suite.render()
    old = path.read_text(encoding="utf-8") if path.exists() else None
    if old != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return path, old != text
