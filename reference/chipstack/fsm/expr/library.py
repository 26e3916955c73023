"""The library of named pure built-ins, versioned and extensible.

Spec: ``spec/03-fsm.md`` "The built-in library" ([EXPR-30], [EXPR-31]). A
:class:`Library` maps names to :class:`Builtin` objects (typing rule and
implementation). Later areas extend it without touching the engine::

    POKER = DEFAULT_LIBRARY.extend("poker", 1, [Builtin(...), ...])

Each built-in carries a :class:`~chipstack.fsm.expr.cost.Cost` ([EXPR-53]):
the cost units a call is charged from its evaluated arguments before the
implementation runs, and a bound from the argument types for the static
worst case of a definition. A built-in that states none costs
``linear_cost()`` (``CALL_COST`` plus the arguments' weight). A definition
names the library it needs names the library it needs by :attr:`Library.ident`
(``"core/1"``, ``"core/1+poker/1"``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from chipstack.errors import Reason, Rejected
from chipstack.fsm.expr.ast import is_valid_name
from chipstack.fsm.expr.cost import DEFAULT_CALL_COST, Cost
from chipstack.fsm.expr.types import I64_MAX, I64_MIN, Type
from chipstack.fsm.expr.values import Value

#: Version of the core library defined by this module ([EXPR-30]).
LIBRARY_VERSION = 1

#: A typing rule: argument types -> result type, or ``Rejected`` (``fsm.expr_type_error``).
TypeRule = Callable[[tuple[Type, ...]], Type]
#: An implementation: argument values (already checked by the rule) -> result value.
Impl = Callable[[tuple[Value, ...]], Value]


def type_error(detail: str) -> Rejected:
    """Return the rejection for an ill-typed expression or call (``fsm.expr_type_error``)."""
    return Rejected(Reason.FSM_EXPR_TYPE_ERROR, detail)


def checked_int(v: int) -> int:
    """Return ``v`` if it fits in i64, else reject with ``fsm.expr_overflow`` ([EXPR-42])."""
    if not I64_MIN <= v <= I64_MAX:
        raise Rejected(Reason.FSM_EXPR_OVERFLOW, f"{v} outside i64")
    return v


@dataclass(frozen=True)
class Builtin:
    """One named pure built-in: its typing rule, implementation, documentation and cost.

    The implementation must be total and deterministic: it returns a value or
    raises :class:`Rejected`, and does no more work than ``cost.exact`` of its
    arguments charged before it ran ([EXPR-53]). ``cost`` defaults to
    ``linear_cost()``: ``CALL_COST`` plus the summed weight of the arguments.

    ``trusted`` (optional) is the same function for a call that passed the
    type check ([EXPR-25]): it may leave out the checks of the arguments'
    number and kinds that the typing rule guarantees, never any other check
    (lengths, ranges, sizes), and gives the same value or rejection as
    ``impl`` on every such call. Compiled code of checked definitions uses
    it (``compile_expr(..., typed=True)``); the evaluator always uses ``impl``.
    """

    name: str
    signature: str
    type_rule: TypeRule
    impl: Impl
    doc: str
    cost: Cost = DEFAULT_CALL_COST
    trusted: Impl | None = None


class Library:
    """An immutable set of built-ins with an identity string ``name/version[+name/version]``."""

    def __init__(
        self, name: str, version: int, builtins: Iterable[Builtin], parent: Library | None = None
    ) -> None:
        if not is_valid_name(name) or "+" in name or "/" in name:
            raise ValueError(f"bad library name {name!r}")
        table: dict[str, Builtin] = dict(parent._table) if parent else {}
        for b in builtins:
            if not is_valid_name(b.name):
                raise ValueError(f"bad built-in name {b.name!r}")
            if b.name in table:
                raise ValueError(f"built-in {b.name!r} already defined")
            table[b.name] = b
        self._table: dict[str, Builtin] = table
        self.name: str = name
        self.version: int = version
        self.ident: str = f"{parent.ident}+{name}/{version}" if parent else f"{name}/{version}"

    def lookup(self, name: str) -> Builtin:
        """Return the built-in called ``name`` or reject with ``fsm.expr_unknown_builtin``."""
        b = self._table.get(name)
        if b is None:
            raise Rejected(Reason.FSM_EXPR_UNKNOWN_BUILTIN, f"{name!r} not in {self.ident}")
        return b

    def __contains__(self, name: object) -> bool:
        return name in self._table

    def names(self) -> tuple[str, ...]:
        """Return the names of every built-in, sorted."""
        return tuple(sorted(self._table))

    @property
    def builtins(self) -> Mapping[str, Builtin]:
        """A read-only view of the name -> built-in table."""
        return dict(self._table)

    def extend(self, name: str, version: int, builtins: Iterable[Builtin]) -> Library:
        """Return a new library holding these built-ins plus ``builtins`` (names must be new)."""
        return Library(name, version, builtins, parent=self)

    def __repr__(self) -> str:
        return f"Library({self.ident!r}, {len(self._table)} built-ins)"
