"""Vector suite ``fsm/expr``: parsing, tree decoding, typing, evaluation, value decoding.

Spec: ``spec/03-fsm.md``. Trees travel as hex of their canonical
encoding ([EXPR-11]); each case's comment shows the surface text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from chipstack.encoding import Writer, decode_exact
from chipstack.fsm.expr.ast import MAX_ARGS, MAX_DEPTH, Expr, IntLit, ListLit, Unary, UnaryOp
from chipstack.fsm.expr.codec import decode_expr, encode_expr
from chipstack.fsm.expr.core import DEFAULT_LIBRARY
from chipstack.fsm.expr.evaluate import check_and_evaluate
from chipstack.fsm.expr.parser import parse
from chipstack.fsm.expr.printer import to_text
from chipstack.fsm.expr.typecheck import typecheck
from chipstack.fsm.expr.types import Type, parse_type, read_type
from chipstack.fsm.expr.values import (
    Value,
    encode_value,
    read_value,
    value_from_json,
    value_to_json,
)
from chipstack.testvectors.flags import FLAGS, REASON_FLAGS
from chipstack.testvectors.fsm import pins
from chipstack.vectors.inputs import hex_field
from chipstack.vectors.model import Case, CaseTable, JSONObject, Operation, Result, Suite


def op_parse(case_input: JSONObject) -> JSONObject:
    """Parse surface ``text``; return the tree encoding and the canonical text."""
    e = parse(case_input["text"])
    return {"expr": encode_expr(e).hex(), "text": to_text(e)}


def op_decode(case_input: JSONObject) -> JSONObject:
    """Decode the tree encoding ``expr`` strictly; return its canonical text."""
    return {"text": to_text(decode_expr(hex_field(case_input, "expr")))}


def op_typecheck(case_input: JSONObject) -> JSONObject:
    """Type-check tree ``expr`` against ``env`` (name -> type spelling); return its type."""
    env = {str(k): parse_type(v) for k, v in case_input["env"].items()}
    expr = decode_expr(hex_field(case_input, "expr"))
    return {"type": str(typecheck(expr, env, DEFAULT_LIBRARY))}


def op_evaluate(case_input: JSONObject) -> JSONObject:
    """Type-check then evaluate tree ``expr`` in ``env`` (name -> {type, value})."""
    types: dict[str, Type] = {}
    values: dict[str, Value] = {}
    for name, entry in case_input["env"].items():
        t = parse_type(entry["type"])
        types[str(name)] = t
        values[str(name)] = value_from_json(entry["value"], t)
    e = decode_expr(hex_field(case_input, "expr"))
    t, v = check_and_evaluate(e, values, types, DEFAULT_LIBRARY)
    return {"type": str(t), "value": value_to_json(v, t), "encoded": encode_value(v, t).hex()}


def op_value_decode(case_input: JSONObject) -> JSONObject:
    """Decode ``encoded`` as a value of type ``type`` ([EXPR-5]); return its JSON form."""
    t = parse_type(case_input["type"])
    v = decode_exact(hex_field(case_input, "encoded"), lambda r: read_value(r, t))
    return {"value": value_to_json(v, t)}


def op_type_decode(case_input: JSONObject) -> JSONObject:
    """Decode ``encoded`` as a type ([EXPR-4]); return its spelling."""
    return {"type": str(decode_exact(hex_field(case_input, "encoded"), read_type))}


OPERATIONS: dict[str, Operation] = {
    "parse": op_parse,
    "decode": op_decode,
    "typecheck": op_typecheck,
    "evaluate": op_evaluate,
    "value_decode": op_value_decode,
    "type_decode": op_type_decode,
}

_Env = dict[str, tuple[str, object]]


class _Builder(CaseTable):
    """The case table of ``fsm/expr``; its lines turn surface text into tree hex."""

    def __init__(self) -> None:
        super().__init__(OPERATIONS)

    def add(
        self,
        op: str,
        case_input: JSONObject,
        comment: str,
        covers: tuple[str, ...],
        expect: str,
        flags: tuple[str, ...] = (),
    ) -> None:
        assert expect in ("valid", "invalid")
        self.add_case(cast(Result, expect), op, case_input, comment, covers, flags)

    def parse(self, text: str, comment: str, covers: tuple[str, ...], expect: str) -> None:
        self.add("parse", {"text": text}, comment, covers, expect)

    def ev(
        self,
        text: str,
        comment: str,
        covers: tuple[str, ...],
        expect: str,
        env: _Env | None = None,
        flags: tuple[str, ...] = (),
    ) -> None:
        env_json = {k: {"type": t, "value": v} for k, (t, v) in (env or {}).items()}
        shown = text if len(text) <= 120 else text[:117] + "..."
        self.add(
            "evaluate",
            {"expr": encode_expr(parse(text)).hex(), "env": env_json},
            f"{shown} -- {comment}",
            covers,
            expect,
            flags,
        )

    def tc(self, text: str, env: dict[str, str], comment: str, covers: tuple[str, ...],
           expect: str) -> None:
        self.add(
            "typecheck",
            {"expr": encode_expr(parse(text)).hex(), "env": env},
            f"{text} -- {comment}",
            covers,
            expect,
        )

    def dec(self, data: bytes, comment: str, covers: tuple[str, ...], expect: str) -> None:
        self.add("decode", {"expr": data.hex()}, comment, covers, expect)


def _tree_hex(text: str) -> bytes:
    return encode_expr(parse(text))


def _deep_neg(levels: int) -> Expr:
    e: Expr = IntLit(1)
    for _ in range(levels - 1):
        e = Unary(UnaryOp.NEG, e)
    return e


def _raw_tree(build: Callable[[Writer], object]) -> bytes:
    w = Writer()
    build(w)
    return w.getvalue()


def _parse_cases(b: _Builder) -> None:
    ok = "valid"
    bad = "invalid"
    b.parse("vars.stack[args.seat] >= args.amount and signer == vars.owner",
            "a typical guard", ("EXPR-17", "EXPR-18", "EXPR-19"), ok)
    b.parse("1 + 2 * 3 - 4 / 2 % 3", "multiplicative binds tighter; left grouping",
            ("EXPR-19",), ok)
    b.parse("not a == b or c and d", "not is looser than ==, and tighter than or",
            ("EXPR-19",), ok)
    b.parse("a if c else b if d else e", "the conditional groups to the right", ("EXPR-19",), ok)
    b.parse("(a if c else b) if d else e", "parenthesized conditional in the then position",
            ("EXPR-19",), ok)
    b.parse("-9223372036854775808", "the smallest int is one literal", ("EXPR-21", "EXPR-22"), ok)
    b.parse("-(5)", "unary minus applied to a parenthesized literal", ("EXPR-21",), ok)
    b.parse("-5[0]", "minus before an indexed literal is the operator", ("EXPR-21",), ok)
    b.parse("a - -5", "binary minus then a negative literal", ("EXPR-21",), ok)
    b.parse('x"00FFab"', "bytes literal, hex digits of either case", ("EXPR-18",), ok)
    b.parse("[:list[int]]", "an empty list of lists", ("EXPR-23",), ok)
    b.parse("min(vars.bets) + len(x\"\") + f()", "calls, including no arguments",
            ("EXPR-18", "EXPR-23"), ok)
    b.parse("\tvars.pot\n  + 1 ", "white space of every kind", ("EXPR-18",), ok)
    b.parse("[[1, 2], [3]][0][1]", "nested list literal then two indexes", ("EXPR-19",), ok)
    b.parse("1 < 2 < 3", "comparisons do not chain", ("EXPR-20",), bad)
    b.parse("a == b != c", "mixed comparisons do not chain either", ("EXPR-20",), bad)
    b.parse("9223372036854775808", "2^63 is not an int", ("EXPR-22",), bad)
    b.parse("-9223372036854775809", "below -2^63", ("EXPR-22",), bad)
    b.parse("007", "leading zero", ("EXPR-22",), bad)
    b.parse("[]", "empty list without element type", ("EXPR-23",), bad)
    b.parse("[:float]", "unknown element type", ("EXPR-23",), bad)
    b.parse('x"abc"', "odd number of hex digits", ("EXPR-18",), bad)
    b.parse("1 $ 2", "unknown character", ("EXPR-18",), bad)
    b.parse("'a'", "no string literals", ("EXPR-18",), bad)
    b.parse("1 2", "two expressions", ("EXPR-17",), bad)
    b.parse("", "empty text", ("EXPR-17",), bad)
    b.parse("(1 + 2", "unclosed parenthesis", ("EXPR-17",), bad)
    b.parse("vars.if", "a keyword as a name segment", ("EXPR-9",), bad)
    b.parse("a" * 65, "name longer than 64 characters", ("EXPR-9",), bad)
    b.parse("1" + " + 1" * 1100, "text longer than 4096 characters", ("EXPR-17",), bad)
    b.parse("(" * 64 + "1" + ")" * 64, "nesting level 65 through parentheses",
            ("EXPR-19",), bad)
    b.parse("(" * 63 + "1" + ")" * 63, "nesting level 64 is accepted", ("EXPR-19",), ok)
    b.parse("1" + " + 1" * 64, "a left-grouped chain makes a tree of depth 65",
            ("EXPR-8", "EXPR-19"), bad)
    b.parse("1" + " + 1" * 63, "tree depth 64 is accepted", ("EXPR-8",), ok)
    b.parse("f(" + ", ".join(["1"] * (MAX_ARGS + 1)) + ")", "a call with 17 arguments",
            ("EXPR-8",), bad)


def _decode_cases(b: _Builder) -> None:
    ok = "valid"
    bad = "invalid"
    b.dec(_tree_hex("if_(a.b, -1) if true else [:bytes][0]"), "every kind of node",
          ("EXPR-11", "EXPR-12", "EXPR-16"), ok)
    b.dec(bytes.fromhex("0c"), "unknown node tag 0x0c", ("EXPR-13",), bad)
    b.dec(bytes.fromhex("00"), "node tag 0x00", ("EXPR-13",), bad)
    b.dec(bytes.fromhex("080e") + _tree_hex("1") * 2, "unknown binary operator 0x0e",
          ("EXPR-13",), bad)
    b.dec(bytes.fromhex("0703") + _tree_hex("true"), "unknown unary operator 0x03",
          ("EXPR-13",), bad)
    b.dec(_raw_tree(lambda w: w.u8(0x04).string("if", 64)), "a keyword as a name",
          ("EXPR-9", "EXPR-13"), bad)
    b.dec(_raw_tree(lambda w: w.u8(0x04).string("a..b", 64)), "empty name segment",
          ("EXPR-9", "EXPR-13"), bad)
    b.dec(_raw_tree(lambda w: w.u8(0x0B).string("1f", 64).u8(0)), "a call of a bad name",
          ("EXPR-9", "EXPR-13"), bad)
    b.dec(bytes.fromhex("0500"), "list literal with no items", ("EXPR-10",), bad)
    b.dec(encode_expr(_deep_neg(MAX_DEPTH)), "depth 64", ("EXPR-8", "EXPR-14"), ok)
    b.dec(bytes.fromhex("0701") * MAX_DEPTH + _tree_hex("1"), "depth 65",
          ("EXPR-8", "EXPR-14"), bad)
    triple = _tree_hex("[true, true, true]")
    many = _raw_tree(lambda w: w.u8(0x05).compact_size(1024).raw(triple * 1024))
    b.dec(many, "4097 nodes", ("EXPR-8", "EXPR-14"), bad)
    b.dec(encode_expr(ListLit(tuple(IntLit(i) for i in range(1024)))),
          "list literal of 1024 items", ("EXPR-8", "EXPR-10"), ok)
    b.dec(_raw_tree(lambda w: w.u8(0x03).var_bytes(b"\x00" * 4097)), "bytes literal of 4097",
          ("EXPR-14",), bad)
    b.dec(_raw_tree(lambda w: w.u8(0x0B).string("f", 64).u8(17).raw(_tree_hex("1") * 17)),
          "a call with 17 arguments", ("EXPR-8", "EXPR-14"), bad)
    b.dec(bytes.fromhex("0604040401"), "empty list of list[list[list[int]]]: depth 5",
          ("EXPR-15",), bad)
    b.dec(bytes.fromhex("06040401"), "empty list of list[list[int]]: depth 4", ("EXPR-15",), ok)
    b.dec(bytes.fromhex("0605"), "empty list with unknown type tag", ("EXPR-15", "EXPR-4"), bad)
    b.dec(_tree_hex("1") + b"\x00", "trailing byte", ("EXPR-16",), bad)
    b.dec(_tree_hex("1")[:-1], "truncated integer literal", ("EXPR-16",), bad)
    b.dec(bytes.fromhex("0802"), "truncated binary node", ("EXPR-16",), bad)
    b.dec(bytes.fromhex("0202"), "boolean literal byte 0x02", ("EXPR-16",), bad)
    b.dec(b"", "empty input", ("EXPR-16",), bad)


def _typecheck_cases(b: _Builder) -> None:
    ok = "valid"
    bad = "invalid"
    env = {"vars.stacks": "list[int]", "args.amount": "int", "signer": "bytes",
           "vars.folded": "list[bool]", "vars.hands": "list[list[int]]"}
    b.tc("vars.stacks[0] >= args.amount and not vars.folded[0]", env, "a guard is bool",
         ("EXPR-25", "EXPR-27"), ok)
    b.tc("vars.hands[1]", env, "indexing a list of lists", ("EXPR-27",), ok)
    b.tc("signer[0]", env, "indexing bytes gives int", ("EXPR-27",), ok)
    b.tc("signer < x\"ff\"", env, "bytes are ordered", ("EXPR-27",), ok)
    b.tc("set(vars.stacks, 0, 1) == [1]", env, "lists compare with ==", ("EXPR-27", "EXPR-29"),
         ok)
    b.tc("[:int] == vars.stacks", env, "empty list has its stated type", ("EXPR-28",), ok)
    b.tc("args.amount + true", env, "int + bool", ("EXPR-27",), bad)
    b.tc("1 == true", env, "bool is not int", ("EXPR-2", "EXPR-27"), bad)
    b.tc("vars.folded < vars.folded", env, "lists are not ordered", ("EXPR-27",), bad)
    b.tc("1 if args.amount else 2", env, "condition must be bool", ("EXPR-27",), bad)
    b.tc("1 if true else false", env, "branches must agree", ("EXPR-27",), bad)
    b.tc("[1, true]", env, "heterogeneous list", ("EXPR-28",), bad)
    b.tc("[vars.stacks, [:bool]]", env, "list[int] and list[bool] items", ("EXPR-28",), bad)
    b.tc("[:bool] == vars.stacks", env, "list[bool] vs list[int]", ("EXPR-27", "EXPR-28"), bad)
    b.tc("vars.pot", env, "unknown name", ("EXPR-26", "EXPR-47"), bad)
    b.tc("shuffle(vars.stacks)", env, "unknown built-in", ("EXPR-26",), bad)
    b.tc("shuffle(vars.pot)", env, "the argument is checked first: unknown name wins",
         ("EXPR-26",), bad)
    b.tc("(1 + true) + vars.pot", env, "left before right: the type error wins", ("EXPR-26",),
         bad)
    b.tc("len(1)", env, "len of int", ("EXPR-34",), bad)
    b.tc("min()", env, "min with no arguments", ("EXPR-34",), bad)
    b.tc("min(1)", env, "min of one int", ("EXPR-34",), bad)
    b.tc("count(vars.stacks, true)", env, "value type differs from items", ("EXPR-34",), bad)
    b.tc("concat(signer, vars.stacks)", env, "concat of bytes and list", ("EXPR-34",), bad)
    b.tc("repeat(repeat(repeat(repeat(1, 1), 1), 1), 1)", env, "type depth 5",
         ("EXPR-1",), bad)
    b.tc("repeat(repeat(repeat(1, 1), 1), 1)", env, "type depth 4", ("EXPR-1",), ok)
    b.add("typecheck", {"expr": _tree_hex("x").hex(), "env": {"x": "list[list[list[list[int]]]]"}},
          "an environment type of depth 5", ("EXPR-1",), bad)
    b.add("typecheck", {"expr": _tree_hex("x").hex(), "env": {"x": "uint"}},
          "an unknown environment type", ("EXPR-1",), bad)


_I64_MAX = 2**63 - 1
_I64_MIN = -(2**63)


def _evaluate_cases(b: _Builder) -> None:
    ok = "valid"
    bad = "invalid"
    table: _Env = {
        "vars.stacks": ("list[int]", [100, 50, 0]),
        "vars.owner": ("bytes", "01"),
        "signer": ("bytes", "01"),
        "args.seat": ("int", 1),
        "args.amount": ("int", 30),
        "vars.folded": ("list[bool]", [False, True, False]),
    }
    b.ev("vars.stacks[args.seat] >= args.amount and signer == vars.owner", "a guard",
         ("EXPR-40", "EXPR-47"), ok, table)
    b.ev("set(vars.stacks, args.seat, vars.stacks[args.seat] - args.amount)", "an effect",
         ("EXPR-32",), ok, table)
    b.ev("count(vars.folded, false) == 2", "two seats have not folded", ("EXPR-32",), ok, table)
    b.ev("1 + 2 * 3", "precedence", ("EXPR-19",), ok)
    b.ev("9223372036854775807 + 1", "i64 max + 1", ("EXPR-42",), bad)
    b.ev("-9223372036854775808 - 1", "i64 min - 1", ("EXPR-42",), bad)
    b.ev("9223372036854775807 + -1 + 1", "max stays max", ("EXPR-42",), ok)
    b.ev("4294967296 * 4294967296", "2^64", ("EXPR-42",), bad)
    b.ev("-4294967296 * 2147483648", "exactly -2^63", ("EXPR-42",), ok)
    b.ev("-(-9223372036854775808)", "negating the smallest int", ("EXPR-42",), bad)
    b.ev("-9223372036854775808 / -1", "the one overflowing division", ("EXPR-42", "EXPR-43"), bad)
    b.ev("-9223372036854775808 % -1", "its remainder is 0", ("EXPR-43",), ok)
    b.ev("[7 / 2, -7 / 2, 7 / -2, -7 / -2]", "division truncates toward zero",
         ("EXPR-43", "EXPR-44"), ok)
    b.ev("[7 % 2, -7 % 2, 7 % -2, -7 % -2]", "remainder takes the dividend's sign",
         ("EXPR-43",), ok)
    b.ev("1 / 0", "division by zero", ("EXPR-44",), bad)
    b.ev("1 % 0", "remainder by zero", ("EXPR-44",), bad)
    b.ev("false and 1 / 0 == 1", "and does not evaluate its right side when false",
         ("EXPR-40",), ok)
    b.ev("true or 1 / 0 == 1", "or does not evaluate its right side when true", ("EXPR-40",), ok)
    b.ev("true and 1 / 0 == 1", "and evaluates its right side when true", ("EXPR-40", "EXPR-44"),
         bad)
    b.ev("1 if true else 1 / 0", "only the chosen branch runs", ("EXPR-40",), ok)
    b.ev("[1 / 0, [1][5]][0]", "left to right: division by zero first",
         ("EXPR-40", "EXPR-44"), bad)
    b.ev("[[1][5], 1 / 0][0]", "left to right: index first", ("EXPR-40", "EXPR-45"), bad)
    b.ev("vars.stacks[3]", "index equal to length", ("EXPR-45",), bad, table)
    b.ev("vars.stacks[-1]", "no negative indices", ("EXPR-45",), bad, table)
    b.ev("vars.stacks[2]", "last item", ("EXPR-45",), ok, table)
    b.ev('x"0aff"[1]', "a byte of bytes is an int", ("EXPR-45", "EXPR-27"), ok)
    b.ev("[[1, 2], [3]] == [[1, 2], [3]]", "deep equality", ("EXPR-46",), ok)
    b.ev("[[1, 2], [3]] != [[1, 2], [3, 0]]", "deep inequality", ("EXPR-46",), ok)
    b.ev('[x"01" < x"0100", x"02" < x"0100", x"" < x"00", x"ff" <= x"ff"]',
         "bytes order: prefix is smaller, then unsigned bytes", ("EXPR-46",), ok)
    b.ev("vars.pot", "unknown name", ("EXPR-47", "EXPR-26"), bad, table)
    b.ev("x", "a value that does not fit its declared type", ("EXPR-6",), bad,
         {"x": ("int", True)})
    b.ev("x", "upper-case hex digits are read too (ENC-13)", ("EXPR-6", "ENC-13"), ok,
         {"x": ("bytes", "AB")})
    b.ev("x", "an int over 2^63 - 1 is not an int", ("EXPR-6",), bad,
         {"x": ("int", 2**63)})
    b.ev("x", "a list of 1025 items", ("EXPR-3", "EXPR-6"), bad,
         {"x": ("list[int]", [0] * 1025)})
    b.ev("x", "every kind of value round-trips", ("EXPR-5", "EXPR-6"), ok,
         {"x": ("list[list[bytes]]", [["00ff", ""], []])})
    b.ev("x", "the largest int", ("EXPR-2", "EXPR-6"), ok, {"x": ("int", _I64_MAX)})
    b.ev("1 + true", "type-checked before evaluation", ("EXPR-25",), bad)
    # built-ins
    b.ev("[min(3, 1, 2), max(3, 1, 2), min([5, -5]), max([5, -5])]", "min and max",
         ("EXPR-32", "EXPR-34"), ok)
    b.ev("min([:int])", "min of an empty list", ("EXPR-32",), bad)
    b.ev("max(x)", "max of an empty list", ("EXPR-32",), bad, {"x": ("list[int]", [])})
    b.ev("[abs(-5), abs(5), abs(0)]", "abs", ("EXPR-32",), ok)
    b.ev("abs(-9223372036854775808)", "abs overflows", ("EXPR-32", "EXPR-42"), bad)
    b.ev('[len([1, 2]), len(x"010203"), len([:bool])]', "len", ("EXPR-32",), ok)
    b.ev("[sum([1, 2, 3]), sum([:int])]", "sum", ("EXPR-32",), ok)
    b.ev("sum([9223372036854775807, 1, -1])", "a partial sum overflows", ("EXPR-32",), bad)
    b.ev("sum([9223372036854775807, -1, 1])", "partial sums stay in range", ("EXPR-32",), ok)
    b.ev("[contains([1, 2], 2), contains([1, 2], 3), contains([[1]], [1])]", "contains",
         ("EXPR-32",), ok)
    b.ev("[index_of([5, 6, 5], 5), index_of([5], 7)]", "index_of", ("EXPR-32",), ok)
    b.ev('concat(x"01", x"0203")', "concat bytes", ("EXPR-32",), ok)
    b.ev("concat([1], [2, 3])", "concat lists", ("EXPR-32",), ok)
    b.ev("concat(range(1000), range(25))", "concat to 1025 items", ("EXPR-3",), bad)
    b.ev("len(concat(range(1000), range(24)))", "concat to exactly 1024 items", ("EXPR-3",), ok,
         flags=("large",))
    b.ev("len(concat(x, x\"00\"))", "bytes of 4097", ("EXPR-3",), bad,
         {"x": ("bytes", "00" * 4096)}, flags=("large",))
    b.ev("append(range(1024), 0)", "append to a full list", ("EXPR-3",), bad)
    b.ev("len(repeat(range(1024), 7))", "a value whose encoding is 57366 bytes", ("EXPR-3",), ok)
    b.ev("len(repeat(range(1024), 8))", "a value whose encoding is 65561 bytes", ("EXPR-3",), bad)
    b.ev("len([x, x, x, x, x, x, x, x])", "a list literal over the size limit", ("EXPR-3",), bad,
         {"x": ("list[int]", list(range(1024)))}, flags=("large",))
    b.ev("len(repeat(repeat(repeat(1, 1024), 1024), 1024))", "nested repeats are bounded",
         ("EXPR-3",), bad)
    b.ev("[slice([1, 2, 3], 1, 3), slice([1, 2, 3], 3, 3)]", "slice", ("EXPR-32",), ok)
    b.ev('slice(x"010203", 0, 2)', "slice bytes", ("EXPR-32",), ok)
    b.ev("slice([1, 2, 3], 2, 1)", "slice with start > end", ("EXPR-32",), bad)
    b.ev("slice([1, 2, 3], 0, 4)", "slice past the end", ("EXPR-32",), bad)
    b.ev("set([1, 2, 3], 0, 9)", "set", ("EXPR-32",), ok)
    b.ev("set([1, 2, 3], 3, 9)", "set past the end", ("EXPR-32",), bad)
    b.ev("append([1], 2)", "append", ("EXPR-32",), ok)
    b.ev("[range(3), range(0)]", "range", ("EXPR-32",), ok)
    b.ev("range(-1)", "negative range", ("EXPR-33",), bad)
    b.ev("range(1025)", "range over the list limit", ("EXPR-33", "EXPR-3"), bad)
    b.ev("len(range(1024))", "range at the limit", ("EXPR-33",), ok)
    b.ev("repeat(x\"00\", 2)", "repeat", ("EXPR-32", "EXPR-33"), ok)
    b.ev("repeat(0, -2)", "repeat a negative number of times", ("EXPR-33",), bad)
    b.ev("[all([true, true]), all([:bool]), any([false, true]), any([:bool])]", "all and any",
         ("EXPR-32",), ok)
    b.ev('sha256(x"616263")', "sha256 of 'abc' (FIPS 180-4 example)", ("EXPR-32",), ok)
    b.ev("sha256(1)", "sha256 of an int", ("EXPR-34",), bad)


def build_cases() -> list[Case]:
    """Build every case of the ``fsm/expr`` suite."""
    b = _Builder()
    _parse_cases(b)
    _decode_cases(b)
    _typecheck_cases(b)
    _evaluate_cases(b)
    for t, data, comment, expect in [
        ("int", "ffffffffffffffff", "-1 as i64", "valid"),
        ("bool", "02", "bad boolean byte", "invalid"),
        ("list[int]", "020100000000000000", "list cut short", "invalid"),
        ("list[bytes]", "0201aa00", "two byte strings", "valid"),
        ("list[int]", "fd0104", "a count of 1025 items", "invalid"),
        ("bytes", "fd0110", "a length of 4097 bytes", "invalid"),
        ("bytes", "0100ff", "trailing byte", "invalid"),
        ("list[bool]", "fd0100" + "00", "non-minimal count", "invalid"),
    ]:
        b.add("value_decode", {"type": t, "encoded": data}, comment, ("EXPR-5",), expect)
    for data, comment, expect in [
        ("04040401", "list[list[list[int]]]", "valid"),
        ("0404040401", "depth 5", "invalid"),
        ("03", "bytes", "valid"),
        ("05", "unknown tag", "invalid"),
        ("04", "list without element type", "invalid"),
        ("0101", "trailing byte", "invalid"),
    ]:
        b.add("type_decode", {"encoded": data}, comment, ("EXPR-4",), expect)
    return b.cases


#: The ``fsm/expr`` suite.
SUITE = Suite(
    name="fsm/expr",
    description=(
        "The FSM expression language: parsing surface text, strict decoding of tree "
        "encodings, static typing, evaluation (overflow, division by zero, index out of "
        "range, limits) and value and type encodings. Library core/1."
    ),
    notes=FLAGS,
    reason_flags=REASON_FLAGS,
    operations=OPERATIONS,
    build_cases=lambda: build_cases() + pins.expr_pins(OPERATIONS),
)
