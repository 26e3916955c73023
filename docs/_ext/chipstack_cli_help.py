"""A Sphinx directive that prints the ``chipstack`` command's help, every sub-command.

``.. chipstack-cli-help::`` walks the real argument parser
(:func:`chipstack.cli.build_parser`), so the page lists whatever commands are
registered, with the same text ``chipstack ... --help`` prints.
"""

from __future__ import annotations

import argparse
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective


def _walk(parser: argparse.ArgumentParser, path: list[str]) -> list[tuple[list[str], str]]:
    out = [(path, parser.format_help())]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                out.extend(_walk(sub, [*path, name]))
    return out


class CliHelp(SphinxDirective):
    """Emit one section with a literal block per command."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        """Return the sections, one per command path (``chipstack``, ``chipstack demo``, ...)."""
        import os

        from chipstack.cli import build_parser

        os.environ["COLUMNS"] = "88"
        result: list[nodes.Node] = []
        for path, text in _walk(build_parser(), ["chipstack"]):
            title = " ".join(path)
            section = nodes.section(ids=[nodes.make_id("cli-" + title)])
            section += nodes.title(text=title)
            section += nodes.literal_block(text, text)
            result.append(section)
        return result


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directive."""
    app.add_directive("chipstack-cli-help", CliHelp)
    return {"parallel_read_safe": True, "version": "1"}
