"""The example machines shipped as package data (spec/03-fsm.md section "Example machines").

Each ``<name>.yaml`` beside this file is a definition; :func:`load_machine`
loads and checks one by name.
"""

from __future__ import annotations

from importlib import resources

from chipstack.fsm.definition import Definition
from chipstack.fsm.expr import DEFAULT_LIBRARY, Library


def machine_names() -> list[str]:
    """Return the names of the shipped machines, sorted."""
    root = resources.files(__name__)
    return sorted(p.name[:-5] for p in root.iterdir() if p.name.endswith(".yaml"))


def machine_text(name: str) -> str:
    """Return the YAML text of the shipped machine ``name``."""
    if name not in machine_names():
        raise KeyError(name)
    return resources.files(__name__).joinpath(f"{name}.yaml").read_text(encoding="utf-8")


def load_machine(name: str, library: Library = DEFAULT_LIBRARY) -> Definition:
    """Load and check the shipped machine ``name``."""
    from chipstack.fsm.loader import load_definition

    return load_definition(machine_text(name), library)
