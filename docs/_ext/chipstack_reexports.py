"""Resolve references to names a ``chipstack`` package re-exports.

Annotations and docstrings name objects where users import them from
(``chipstack.fsm.expr.Type``), while the API reference documents each object
once, in the module that defines it (``chipstack.fsm.expr.types.Type``). When
a Python cross-reference to ``chipstack.*`` finds no target, this handler
imports the named object, reads where it is defined, and resolves the
reference there; a name that does not import stays unresolved, so a broken
reference still fails the build.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import Any

from docutils import nodes
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment


def _lookup(target: str) -> tuple[str, Any] | None:
    """Import ``target``: return (module it was found in, object), or None."""
    parts = target.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for attr in parts[cut:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return None
        return ".".join(parts[:cut]), obj
    return None


def _canonical(target: str, documented: Iterable[str]) -> str | None:
    """Return the documented name of the object ``target`` names, if it is one object.

    Classes and functions say where they are defined (``__module__``); type
    aliases do not, so a documented name below the same package, with the same
    last part, bound to the very same object, is taken instead.
    """
    found = _lookup(target)
    if found is None:
        return None
    package, obj = found
    documented = set(documented)
    module = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", None)
    if isinstance(module, str) and isinstance(qualname, str):
        name = f"{module}.{qualname}"
        if name != target and name in documented:
            return name
    last = target.rsplit(".", 1)[1]
    same = []
    for name in documented:
        if name.startswith(package + ".") and name.rsplit(".", 1)[1] == last and name != target:
            other = _lookup(name)
            if other is not None and other[1] is obj:
                same.append(name)
    return same[0] if len(same) == 1 else None


def _resolve(
    app: Sphinx, env: BuildEnvironment, node: pending_xref, contnode: nodes.TextElement
) -> nodes.reference | None:
    if node.get("refdomain") != "py":
        return None
    target = str(node.get("reftarget", ""))
    if not target.startswith("chipstack."):
        return None
    domain = env.get_domain("py")
    canonical = _canonical(target, (name for name, *_ in domain.get_objects()))
    if canonical is None:
        return None
    node["reftarget"] = canonical
    builder = app.builder
    found: nodes.reference | None = domain.resolve_xref(
        env, node["refdoc"], builder, node["reftype"], canonical, node, contnode
    )
    if found is None:
        node["reftarget"] = target
    return found


def setup(app: Sphinx) -> dict[str, Any]:
    """Connect the handler."""
    app.connect("missing-reference", _resolve)
    return {"parallel_read_safe": True, "version": "1"}
