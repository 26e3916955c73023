"""The list of every vector suite, area by area.

Each area module named in :data:`SUITE_MODULES` exposes ``SUITES: list[Suite]``.
Adding an area means adding its module name here, nothing else.
"""

from __future__ import annotations

import importlib

from chipstack.vectors.model import Suite

#: Modules holding suites, in the order files are generated and reported.
SUITE_MODULES: tuple[str, ...] = (
    "chipstack.vectors.encoding_suites",
    "chipstack.vectors.crypto_suites",
    "chipstack.chain.vectors",
    "chipstack.sync.negentropy.vectors",
    "chipstack.sync.vectors",
    "chipstack.sync.channel_vectors",
    "chipstack.sync.limits_vectors",
    "chipstack.sync.addr_vectors",
    "chipstack.fsm.vectors",
    "chipstack.fsm.expr.vectors",
)


def all_suites() -> list[Suite]:
    """Return every registered suite, in registry order; names are unique."""
    suites: list[Suite] = []
    for name in SUITE_MODULES:
        suites.extend(importlib.import_module(name).SUITES)
    names = [s.name for s in suites]
    if len(names) != len(set(names)):
        raise ValueError(f"duplicate suite names: {names}")
    return suites


def suite_by_name(name: str) -> Suite:
    """Return the suite called ``name`` (``area/stem``) or raise KeyError."""
    for s in all_suites():
        if s.name == name:
            return s
    raise KeyError(name)
