"""Sphinx configuration for the chipstack documentation site (``make docs``).

Why Sphinx with MyST-NB rather than MkDocs: the package's docstrings are
written in reStructuredText roles (``:data:``, ``:func:``, double-backquoted
literals), which Sphinx renders natively and checks (nitpicky mode turns a
broken reference to a ``chipstack`` object into a warning, and ``-W`` into an
error); MyST-NB executes every notebook at build time and fails the build on a
cell error; and sphinx-autoapi documents every ``chipstack.*`` module from
source without a hand-kept list.

The source folder is the repository itself (``sphinx-build -c docs .``), so
the README, the spec files and the notebooks are read in place, their
relative links work unchanged, and the notebooks run in their own folder;
``include_patterns`` names what belongs to the site and the table of contents
(``docs/nav.md``, appended to the README when the README is read) picks spec
files and notebooks up by glob.  The root page is the README; the entry point
``docs/_build/html/index.html`` redirects to it.
"""

from __future__ import annotations

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(DOCS / "_ext"))
sys.path.insert(0, str(ROOT / "reference"))

import chipstack  # noqa: E402

project = "chipstack"
author = "the chipstack authors"
copyright = "the chipstack authors, MIT licence"
version = release = chipstack.__version__

extensions = [
    "myst_nb",
    "autoapi.extension",
    "sphinx.ext.viewcode",
    "chipstack_cli_help",
    "chipstack_vector_suites",
    "chipstack_reexports",
    "chipstack_redirect",
    "chipstack_nav",
]

source_suffix = {".md": "myst-nb", ".ipynb": "myst-nb", ".rst": "restructuredtext"}
include_patterns = [
    "README.md",
    "CHANGELOG.md",
    "docs/*.md",
    "docs/api/**",
    "spec/*.md",
    "notebooks/*.ipynb",
]
exclude_patterns = [".venv", ".git", "docs/_build", "docs/nav.md", "**/.ipynb_checkpoints"]
root_doc = "README"

# --- MyST and notebooks ------------------------------------------------------
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3
nb_execution_mode = "force"          # every notebook runs at every build
nb_execution_timeout = 600
nb_execution_raise_on_error = True   # a failing cell fails the build
nb_execution_show_tb = True
nb_merge_streams = True

# --- API reference -------------------------------------------------------------
autoapi_type = "python"
autoapi_dirs = [str(ROOT / "reference" / "chipstack")]
autoapi_root = "docs/api"
autoapi_add_toctree_entry = False
autoapi_keep_files = False
autoapi_member_order = "bysource"
autoapi_options = ["members", "undoc-members", "show-inheritance", "show-module-summary"]
autoapi_ignore = ["*/__main__.py"]

# Warnings are errors (``-W``), and every cross-reference must resolve
# (``-n``).  References to names outside chipstack (the standard library,
# third-party types in annotations) are not checked: the site is built
# offline, with no intersphinx inventories to resolve them against.
nitpicky = True
nitpick_ignore_regex = [
    (r"py:.*", r"(?!chipstack\b).*"),
]

# --- HTML ----------------------------------------------------------------------
html_theme = "furo"
html_title = f"chipstack {release}"
html_static_path: list[str] = []
html_show_sourcelink = True
