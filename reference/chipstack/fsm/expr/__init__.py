"""The FSM expression language: guards and effects that always terminate alike everywhere.

Spec: ``spec/03-fsm.md`` (rules ``[EXPR-*]``). Public API::

    from chipstack.fsm.expr import (
        Expr, Type, INT, BOOL, BYTES, ListType, Value,
        parse, to_text, encode_expr, decode_expr, write_expr, read_expr,
        typecheck, evaluate, check_and_evaluate, Library, Builtin, DEFAULT_LIBRARY,
        parse_type, write_type, read_type, check_value, default_value,
        write_value, read_value, encode_value, value_to_json, value_from_json,
    )

Surface text and trees
    ``parse(text) -> Expr``: surface syntax (a string inside YAML) to a tree;
    rejects with ``fsm.expr_syntax`` / ``fsm.expr_limit`` / ``fsm.expr_overflow``.
    ``to_text(e) -> str`` prints a tree so that ``parse(to_text(e)) == e``.
    Example texts: ``vars.stack[args.seat] >= args.amount and signer == vars.owner``,
    ``min(vars.bet, 100) if vars.round > 0 else 0``, ``set(vars.stacks, 2, 0)``,
    ``[:int]`` (an empty ``list[int]``), ``x"00ff"`` (bytes).

Canonical bytes
    ``encode_expr(e) -> bytes`` / ``decode_expr(data) -> Expr`` (strict, whole input);
    ``write_expr(w: Writer, e)`` / ``read_expr(r: Reader) -> Expr`` to embed an
    expression inside a larger encoding (a machine definition). The encoding
    carries no library version: the enclosing definition MUST name it
    (``Library.ident``, e.g. ``"core/1"``).

Types
    ``INT``, ``BOOL``, ``BYTES``, ``ListType(elem)``; ``parse_type("list[int]")``,
    ``str(t)`` spells a type; ``write_type(w, t)`` / ``read_type(r)``.

Static checking (at definition load)
    ``typecheck(e, env_types: Mapping[str, Type], library=DEFAULT_LIBRARY) -> Type``
    rejects unknown names (``fsm.expr_unknown_name``), unknown built-ins
    (``fsm.expr_unknown_builtin``) and ill-typed trees (``fsm.expr_type_error``).
    A guard must have type ``BOOL``; an effect assigning ``vars.x`` must have
    the declared type of ``vars.x`` (the engine checks that equality).
    ``typecheck_bound(e, env_types, library) -> (Type, int)`` also returns the
    static cost bound of the tree ([EXPR-57]).

Evaluation
    ``evaluate(e, env: Mapping[str, Value], library=DEFAULT_LIBRARY) -> Value``
    for a tree that passed ``typecheck`` against the types of ``env``.
    Rejections: ``fsm.expr_overflow``, ``fsm.expr_division_by_zero``,
    ``fsm.expr_index_out_of_range``, ``fsm.expr_bad_argument``, ``fsm.expr_limit``,
    ``fsm.expr_unknown_name``, and ``fsm.expr_type_error`` when called on an
    unchecked ill-typed tree. ``check_and_evaluate(e, env, env_types, library)``
    does both steps.

Values
    Python ``int`` (i64), ``bool``, ``bytes``, ``tuple`` (lists). ``bool`` is not
    an ``int`` here. ``check_value(v, t)``; ``default_value(t)`` (0, false, b"", ());
    ``write_value(w, v, t)`` / ``read_value(r, t)`` / ``encode_value(v, t)`` for the
    state encoding; ``values_equal(a, b)``; ``value_size(v)`` (encoded length) and
    ``check_size(v)`` (at most 65536 bytes, else ``fsm.expr_limit``);
    ``value_to_json(v, t)`` / ``value_from_json(j, t)`` for vectors (bytes as
    lowercase hex, lists as arrays).

Cost ([EXPR-50] .. [EXPR-56])
    ``weight(v)`` (the size measure of costs), ``max_weight(t)``; ``NODE_COST``,
    ``CALL_COST``; ``Meter(limit)`` counts units (``meter.spent``) and refuses
    past its limit with ``fsm.over_budget``: ``evaluate(e, env, lib, meter)``.
    A built-in's ``cost`` is a ``Cost(exact, bound)``: ``exact(args) -> int``
    charged after the arguments are evaluated and before the implementation
    runs, ``bound(arg_types) -> int`` an upper bound for static checks;
    ``linear_cost(base, per_weight)`` builds ``base + per_weight * weights``.

Library
    ``DEFAULT_LIBRARY`` (``"core/1"``): min, max, abs, len, sum, count, contains,
    index_of, concat, slice, set, append, range, repeat, all, any, sha256.
    ``lib.extend("poker", 1, [Builtin(name, signature, type_rule, impl, doc, cost), ...])``
    returns a new library (``ident == "core/1+poker/1"``); the engine needs no change.
    A ``type_rule`` maps argument types to the result type or raises
    ``type_error(detail)``; an ``impl`` maps argument values to a value, using
    ``checked_int(v)`` for every int it computes and ``check_size(v)`` for lists
    it builds.
"""

from chipstack.fsm.expr.ast import (
    Binary,
    BinOp,
    BoolLit,
    BytesLit,
    Call,
    Cond,
    EmptyList,
    Expr,
    Index,
    IntLit,
    ListLit,
    Name,
    Unary,
    UnaryOp,
)
from chipstack.fsm.expr.codec import decode_expr, encode_expr, read_expr, write_expr
from chipstack.fsm.expr.core import DEFAULT_LIBRARY
from chipstack.fsm.expr.cost import (
    CALL_COST,
    NODE_COST,
    Cost,
    Meter,
    linear_cost,
    max_weight,
    weight,
)
from chipstack.fsm.expr.evaluate import check_and_evaluate, evaluate
from chipstack.fsm.expr.library import LIBRARY_VERSION, Builtin, Library, checked_int, type_error
from chipstack.fsm.expr.parser import parse
from chipstack.fsm.expr.printer import to_text
from chipstack.fsm.expr.typecheck import typecheck, typecheck_bound
from chipstack.fsm.expr.types import (
    BOOL,
    BYTES,
    INT,
    ListType,
    ScalarType,
    Type,
    check_type,
    parse_type,
    read_type,
    write_type,
)
from chipstack.fsm.expr.values import (
    Value,
    check_size,
    check_value,
    default_value,
    encode_value,
    read_value,
    value_checker,
    value_encoder,
    value_from_json,
    value_size,
    value_to_json,
    values_equal,
    write_value,
)

__all__ = [
    "BOOL",
    "BYTES",
    "CALL_COST",
    "DEFAULT_LIBRARY",
    "INT",
    "LIBRARY_VERSION",
    "NODE_COST",
    "BinOp",
    "Binary",
    "BoolLit",
    "Builtin",
    "BytesLit",
    "Call",
    "Cond",
    "Cost",
    "EmptyList",
    "Expr",
    "Index",
    "IntLit",
    "Library",
    "ListLit",
    "ListType",
    "Meter",
    "Name",
    "ScalarType",
    "Type",
    "Unary",
    "UnaryOp",
    "Value",
    "check_and_evaluate",
    "check_size",
    "check_type",
    "check_value",
    "checked_int",
    "decode_expr",
    "default_value",
    "encode_expr",
    "encode_value",
    "evaluate",
    "linear_cost",
    "max_weight",
    "parse",
    "parse_type",
    "read_expr",
    "read_type",
    "read_value",
    "to_text",
    "type_error",
    "typecheck",
    "typecheck_bound",
    "value_checker",
    "value_encoder",
    "value_from_json",
    "value_size",
    "value_to_json",
    "values_equal",
    "weight",
    "write_expr",
    "write_type",
    "write_value",
]
