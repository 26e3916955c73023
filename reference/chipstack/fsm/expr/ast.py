"""The abstract syntax tree of an expression: small immutable node classes.

Spec: ``spec/03-fsm.md`` "Trees" (rules ``[EXPR-7]`` .. ``[EXPR-10]``).
Nodes are frozen dataclasses, so two equal trees compare equal and hash alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import TypeAlias

from chipstack.errors import Reason, Rejected
from chipstack.fsm.expr.types import Type

#: Deepest allowed tree: a leaf has depth 1 ([EXPR-8]).
MAX_DEPTH = 64
#: Most nodes in one tree ([EXPR-8]).
MAX_NODES = 4096
#: Longest name (variable or built-in), in characters ([EXPR-9]).
MAX_NAME_LEN = 64
#: Most arguments of one call ([EXPR-8]).
MAX_ARGS = 16

#: Words that are not names ([EXPR-9]).
KEYWORDS = frozenset({"true", "false", "and", "or", "not", "if", "else"})

_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*\Z")


def is_valid_name(name: str) -> bool:
    """Return whether ``name`` is a well-formed (possibly dotted) name ([EXPR-9])."""
    if not isinstance(name, str) or not 0 < len(name) <= MAX_NAME_LEN:
        return False
    return _valid_text(name)


@lru_cache(maxsize=4096)
def _valid_text(name: str) -> bool:
    # Cached: a definition repeats the same few names thousands of times.
    if not _NAME_RE.match(name):
        return False
    return not any(part in KEYWORDS for part in name.split("."))


def check_name(name: str) -> str:
    """Return ``name`` if valid, else reject with ``fsm.expr_bad_name`` ([EXPR-9])."""
    if not is_valid_name(name):
        raise Rejected(Reason.FSM_EXPR_BAD_NAME, f"bad name {name!r}")
    return name


class UnaryOp(StrEnum):
    """Prefix operators."""

    NEG = "-"
    NOT = "not"


class BinOp(StrEnum):
    """Infix operators; the value is the surface spelling."""

    ADD = "+"
    SUB = "-"
    MUL = "*"
    DIV = "/"
    MOD = "%"
    EQ = "=="
    NE = "!="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="
    AND = "and"
    OR = "or"


@dataclass(frozen=True, slots=True)
class IntLit:
    """An integer literal, an i64 (negative literals are one node)."""

    value: int


@dataclass(frozen=True, slots=True)
class BoolLit:
    """``true`` or ``false``."""

    value: bool


@dataclass(frozen=True, slots=True)
class BytesLit:
    """A bytes literal, written ``x"00ff"``."""

    value: bytes


@dataclass(frozen=True, slots=True)
class Name:
    """A reference to a value of the environment, e.g. ``vars.pot`` or ``signer``."""

    name: str


@dataclass(frozen=True, slots=True)
class ListLit:
    """A non-empty list literal ``[a, b, ...]``; its items must share one type."""

    items: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class EmptyList:
    """An empty list of a stated element type, written ``[:int]``."""

    elem: Type


@dataclass(frozen=True, slots=True)
class Unary:
    """A prefix operation: ``-x`` or ``not x``."""

    op: UnaryOp
    operand: Expr


@dataclass(frozen=True, slots=True)
class Binary:
    """An infix operation ``left op right``."""

    op: BinOp
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class Index:
    """Indexing ``target[index]`` of a list or of bytes."""

    target: Expr
    index: Expr


@dataclass(frozen=True, slots=True)
class Cond:
    """The conditional ``then if cond else other``; only one branch is evaluated."""

    cond: Expr
    then: Expr
    other: Expr


@dataclass(frozen=True, slots=True)
class Call:
    """A call ``func(args...)`` of a named built-in of the library."""

    func: str
    args: tuple[Expr, ...]


#: Any expression node.
Expr: TypeAlias = (
    IntLit | BoolLit | BytesLit | Name | ListLit | EmptyList | Unary | Binary | Index | Cond | Call
)


def children(e: Expr) -> tuple[Expr, ...]:
    """Return the direct sub-expressions of ``e`` in evaluation order."""
    if isinstance(e, ListLit):
        return e.items
    if isinstance(e, Unary):
        return (e.operand,)
    if isinstance(e, Binary):
        return (e.left, e.right)
    if isinstance(e, Index):
        return (e.target, e.index)
    if isinstance(e, Cond):
        return (e.cond, e.then, e.other)
    if isinstance(e, Call):
        return e.args
    return ()


def depth(e: Expr) -> int:
    """Return the depth of the tree (a leaf has depth 1); iterative, so any tree is safe."""
    best = 0
    stack: list[tuple[Expr, int]] = [(e, 1)]
    while stack:
        node, level = stack.pop()
        best = max(best, level)
        stack.extend((k, level + 1) for k in children(node))
    return best


def node_count(e: Expr) -> int:
    """Return the number of nodes in the tree; iterative."""
    count = 0
    stack: list[Expr] = [e]
    while stack:
        count += 1
        stack.extend(children(stack.pop()))
    return count


def check_limits(e: Expr) -> Expr:
    """Return ``e`` if it is within :data:`MAX_DEPTH` and :data:`MAX_NODES`, else reject.

    One iterative walk that stops as soon as a limit is passed.
    """
    count = 0
    stack: list[tuple[Expr, int]] = [(e, 1)]
    while stack:
        node, level = stack.pop()
        count += 1
        if level > MAX_DEPTH:
            raise Rejected(Reason.FSM_EXPR_LIMIT, f"expression deeper than {MAX_DEPTH}")
        if count > MAX_NODES:
            raise Rejected(Reason.FSM_EXPR_LIMIT, f"expression has more than {MAX_NODES} nodes")
        for k in children(node):
            stack.append((k, level + 1))
    return e
