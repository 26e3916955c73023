"""The hold'em machine definition, shipped as package data (spec/06-poker.md)."""

from __future__ import annotations

from functools import cache
from importlib import resources

from chipstack.fsm.definition import Definition


def holdem_text() -> str:
    """Return the YAML text of ``holdem.yaml``."""
    return resources.files(__name__).joinpath("holdem.yaml").read_text(encoding="utf-8")


@cache
def load_holdem() -> Definition:
    """Load and check the hold'em machine with the ``core/1+poker/1`` library (cached)."""
    from chipstack.fsm.loader import load_definition
    from chipstack.poker.builtins import POKER_LIBRARY

    return load_definition(holdem_text(), POKER_LIBRARY)


@cache
def holdem_id() -> bytes:
    """The definition id of the hold'em machine ([FSM-9]; cached)."""
    from chipstack.fsm.codec import definition_id

    return definition_id(load_holdem())
