"""Append the site's table of contents (``docs/nav.md``) to the README as it is read.

The README is the site's root page, so its relative links work as they do on
a code host; the toctree directives that Sphinx needs in the root page live
in ``docs/nav.md`` and are added at read time, keeping the README itself
plain Markdown.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

NAV = Path(__file__).resolve().parents[1] / "nav.md"


def _append(app: Sphinx, docname: str, source: list[str]) -> None:
    if docname == app.config.root_doc:
        app.env.note_dependency(str(NAV))
        # On the site, the README's link to the built site is the site's own root.
        text = source[0].replace("(docs/_build/html/index.html)", f"({app.config.root_doc}.md)")
        source[0] = text + "\n\n" + NAV.read_text(encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    """Connect the handler."""
    app.connect("source-read", _append)
    return {"parallel_read_safe": True, "version": "1"}
