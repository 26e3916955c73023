"""A Sphinx directive that tabulates the committed vector files.

``.. chipstack-vector-suites::`` reads every ``vectors/<area>/<suite>.json``
(found by glob, so new areas and suites appear without editing the docs) and
emits a table: suite, description, operations, valid and invalid case counts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

VECTORS = Path(__file__).resolve().parents[2] / "vectors"


def _row(cells: list[str]) -> nodes.row:
    row = nodes.row()
    for text in cells:
        entry = nodes.entry()
        entry += nodes.paragraph(text=text)
        row += entry
    return row


class VectorSuites(SphinxDirective):
    """Emit one table row per vector file."""

    has_content = False
    headers: ClassVar[list[str]] = ["suite", "what it checks", "operations", "valid", "invalid"]

    def run(self) -> list[nodes.Node]:
        """Return the table, one row per ``vectors/<area>/<suite>.json`` file."""
        paths = sorted(p for p in VECTORS.glob("*/*.json") if p.parent.name != "schema")
        table = nodes.table()
        group = nodes.tgroup(cols=len(self.headers))
        table += group
        for width in (18, 44, 22, 8, 8):
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        head += _row(self.headers)
        group += head
        body = nodes.tbody()
        for path in paths:
            self.env.note_dependency(str(path))
            doc = json.loads(path.read_text(encoding="utf-8"))
            cases = doc.get("cases", [])
            ops = sorted({str(c.get("operation", "")) for c in cases})
            body += _row([
                f"{doc.get('area', path.parent.name)}/{doc.get('suite', path.stem)}",
                str(doc.get("description", "")),
                ", ".join(ops),
                str(sum(c.get("result") == "valid" for c in cases)),
                str(sum(c.get("result") == "invalid" for c in cases)),
            ])
        group += body
        return [table]


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directive."""
    app.add_directive("chipstack-vector-suites", VectorSuites)
    return {"parallel_read_safe": True, "version": "1"}
