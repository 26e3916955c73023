"""Write ``index.html`` at the top of the HTML output, redirecting to the root page.

The site's source folder is the repository, so the root page is
``docs/index.html``; this keeps ``docs/_build/html/index.html`` the one entry
point to open.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>chipstack documentation</title>
<meta http-equiv="refresh" content="0; url={target}">
<link rel="canonical" href="{target}">
</head><body><p><a href="{target}">chipstack documentation</a></p></body></html>
"""


def _write(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    target = app.builder.get_target_uri(app.config.root_doc)
    out = Path(app.outdir) / "index.html"
    if target != "index.html":
        out.write_text(PAGE.format(target=target), encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    """Connect the writer to the end of the build."""
    app.connect("build-finished", _write)
    return {"parallel_read_safe": True, "version": "1"}
