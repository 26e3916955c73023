"""Types of the expression language and their canonical encoding.

Spec: ``spec/03-fsm.md`` "Types and values" (rules ``[EXPR-1]`` .. ``[EXPR-4]``).
There are three scalar types (``int``, ``bool``, ``bytes``) and homogeneous
lists of any type, nested at most :data:`MAX_TYPE_DEPTH` levels deep.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias

from chipstack.encoding import Reader, Writer
from chipstack.errors import Reason, Rejected

#: Smallest and largest ``int`` value: 64-bit two's complement ([EXPR-2]).
I64_MIN = -(2**63)
I64_MAX = 2**63 - 1
#: Most items a list value may hold ([EXPR-3]).
MAX_LIST_LEN = 1024
#: Most bytes a ``bytes`` value may hold ([EXPR-3]).
MAX_BYTES_LEN = 4096
#: Largest canonical encoding ([EXPR-5]) of any one value, in bytes ([EXPR-3]).
MAX_VALUE_SIZE = 65536
#: Deepest type: ``int`` has depth 1, ``list[int]`` 2, ... ([EXPR-1]).
MAX_TYPE_DEPTH = 4

ScalarName = Literal["int", "bool", "bytes"]


@dataclass(frozen=True, slots=True)
class ScalarType:
    """One of the three scalar types ``int``, ``bool`` and ``bytes``."""

    name: ScalarName

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class ListType:
    """The type ``list[elem]``: a homogeneous, immutable sequence ([EXPR-1])."""

    elem: Type

    def __str__(self) -> str:
        # Iterative, so that printing a (programmatically built) very deep type
        # cannot exhaust the Python stack.
        lists = 1
        t = self.elem
        while isinstance(t, ListType):
            lists += 1
            t = t.elem
        return "list[" * lists + t.name + "]" * lists


#: Any type of the language.
Type: TypeAlias = ScalarType | ListType

INT = ScalarType("int")
BOOL = ScalarType("bool")
BYTES = ScalarType("bytes")

_SCALARS: dict[str, ScalarType] = {"int": INT, "bool": BOOL, "bytes": BYTES}

#: Type tags of the canonical type encoding ([EXPR-4]).
TYPE_TAGS: dict[str, int] = {"int": 0x01, "bool": 0x02, "bytes": 0x03, "list": 0x04}


def type_depth(t: Type) -> int:
    """Return the nesting depth of ``t`` (scalars have depth 1)."""
    depth = 1
    while isinstance(t, ListType):
        depth += 1
        t = t.elem
    return depth


def check_type(t: Type) -> Type:
    """Return ``t`` if its depth is within :data:`MAX_TYPE_DEPTH`, else reject ([EXPR-1])."""
    if type_depth(t) > MAX_TYPE_DEPTH:
        raise Rejected(Reason.FSM_EXPR_LIMIT, f"type {t} nests deeper than {MAX_TYPE_DEPTH}")
    return t


def type_to_text(t: Type) -> str:
    """Return the surface spelling of ``t`` (``int``, ``list[bytes]``, ...)."""
    return str(t)


def parse_type(text: str) -> Type:
    """Parse a type spelling such as ``"list[int]"`` ([EXPR-1]); no spaces allowed.

    Unknown spellings are rejected with ``fsm.expr_unknown_type``.
    """
    if not isinstance(text, str):
        raise Rejected(Reason.FSM_EXPR_UNKNOWN_TYPE, f"not a string: {text!r}")
    lists = 0
    rest = text
    while rest.startswith("list[") and rest.endswith("]"):
        rest = rest[5:-1]
        lists += 1
    scalar = _SCALARS.get(rest)
    if scalar is None:
        raise Rejected(Reason.FSM_EXPR_UNKNOWN_TYPE, f"unknown type {text!r}")
    if lists + 1 > MAX_TYPE_DEPTH:
        raise Rejected(Reason.FSM_EXPR_LIMIT, f"type {text!r} nests deeper than {MAX_TYPE_DEPTH}")
    t: Type = scalar
    for _ in range(lists):
        t = ListType(t)
    return t


def write_type(w: Writer, t: Type) -> None:
    """Append the canonical encoding of ``t``: one tag byte per level ([EXPR-4])."""
    check_type(t)
    while isinstance(t, ListType):
        w.u8(TYPE_TAGS["list"])
        t = t.elem
    w.u8(TYPE_TAGS[t.name])


def read_type(r: Reader) -> Type:
    """Read a type strictly: unknown tags -> ``fsm.expr_unknown_type``, too deep -> limit."""
    lists = 0
    while True:
        tag = r.u8()
        if tag == TYPE_TAGS["list"]:
            lists += 1
            if lists >= MAX_TYPE_DEPTH:
                raise Rejected(Reason.FSM_EXPR_LIMIT, f"type nests deeper than {MAX_TYPE_DEPTH}")
            continue
        for name, code in TYPE_TAGS.items():
            if code == tag and name != "list":
                t: Type = _SCALARS[name]
                for _ in range(lists):
                    t = ListType(t)
                return t
        raise Rejected(Reason.FSM_EXPR_UNKNOWN_TYPE, f"type tag 0x{tag:02x}")
