"""Parser from the surface syntax (a string inside YAML) to an expression tree.

Spec: ``spec/03-fsm.md`` "Surface syntax" (rules ``[EXPR-17]`` .. ``[EXPR-24]``).
A hand-written tokenizer and recursive-descent parser with one function per
precedence level, bounded in input length and nesting depth.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from chipstack.errors import Reason, Rejected
from chipstack.fsm.expr.ast import (
    KEYWORDS,
    MAX_ARGS,
    MAX_DEPTH,
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
    check_limits,
    check_name,
)
from chipstack.fsm.expr.types import (
    BOOL,
    BYTES,
    I64_MAX,
    I64_MIN,
    INT,
    MAX_BYTES_LEN,
    MAX_LIST_LEN,
    ListType,
    Type,
    check_type,
)

#: Longest accepted source text, in characters ([EXPR-17]).
MAX_TEXT_LEN = 4096

_TOKEN_RE = re.compile(
    r"""(?P<ws>[ \t\r\n]+)
      | (?P<bytes>x"(?P<hex>[^"]*)")
      | (?P<int>[0-9]+)
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
      | (?P<op>==|!=|<=|>=|[-+*/%<>()\[\],:])""",
    re.VERBOSE,
)
_HEX_RE = re.compile(r"(?:[0-9A-Fa-f]{2})*\Z")

_COMPARISONS = {op.value: op for op in (BinOp.EQ, BinOp.NE, BinOp.LT, BinOp.LE, BinOp.GT, BinOp.GE)}
_ADDITIVE = {"+": BinOp.ADD, "-": BinOp.SUB}
_MULTIPLICATIVE = {"*": BinOp.MUL, "/": BinOp.DIV, "%": BinOp.MOD}
_SCALAR_TYPES: dict[str, Type] = {"int": INT, "bool": BOOL, "bytes": BYTES}


class _Tok(NamedTuple):
    kind: str  # "int", "name", "kw", "bytes", "op", "end"
    text: str
    pos: int


def _syntax(detail: str) -> Rejected:
    return Rejected(Reason.FSM_EXPR_SYNTAX, detail)


def tokenize(text: str) -> list[_Tok]:
    """Split ``text`` into tokens ([EXPR-18]); anything unrecognised is a syntax error."""
    toks: list[_Tok] = []
    pos = 0
    end = len(text)
    match = _TOKEN_RE.match
    while pos < end:
        m = match(text, pos)
        if m is None:
            raise _syntax(f"unexpected character {text[pos]!r} at {pos}")
        kind = m.lastgroup
        if kind != "ws":
            word = m.group()
            if kind == "hex":
                kind = "bytes"
            elif kind == "name" and word in KEYWORDS:
                kind = "kw"
            toks.append(_Tok(kind or "", word, pos))
        pos = m.end()
    toks.append(_Tok("end", "", end))
    return toks


#: Copies of the end token added after it: the parser takes at most one token past the
#: end (then refuses) and looks at most two ahead, so no index needs a bounds check.
_PAD = 4


class _Parser:
    def __init__(self, toks: list[_Tok]) -> None:
        end = toks[-1]
        self.toks = toks + [end] * _PAD
        # The text of each operator and keyword token, and "" for every other token,
        # so that ``at`` is one list lookup and one string comparison.
        self.ops = [t.text if t.kind in ("op", "kw") else "" for t in self.toks]
        self.i = 0
        self.level = 0

    # -- token helpers ---------------------------------------------------------
    def peek(self, ahead: int = 0) -> _Tok:
        return self.toks[self.i + ahead]

    def at(self, text: str) -> bool:
        return self.ops[self.i] == text

    def take(self) -> _Tok:
        t = self.toks[self.i]
        self.i += 1
        return t

    def expect(self, text: str) -> None:
        t = self.take()
        if t.kind not in ("op", "kw") or t.text != text:
            raise _syntax(f"expected {text!r} at {t.pos}, found {t.text or 'end of text'!r}")

    def enter(self) -> None:
        self.level += 1
        if self.level > MAX_DEPTH:
            raise Rejected(Reason.FSM_EXPR_LIMIT, f"nesting deeper than {MAX_DEPTH}")

    # -- grammar, lowest precedence first ([EXPR-19]) --------------------------
    def conditional(self) -> Expr:
        self.enter()
        then = self.disjunction()
        if self.at("if"):
            self.take()
            cond = self.disjunction()
            self.expect("else")
            then = Cond(cond, then, self.conditional())
        self.level -= 1
        return then

    def disjunction(self) -> Expr:
        left = self.conjunction()
        while self.at("or"):
            self.take()
            left = Binary(BinOp.OR, left, self.conjunction())
        return left

    def conjunction(self) -> Expr:
        left = self.negation()
        while self.at("and"):
            self.take()
            left = Binary(BinOp.AND, left, self.negation())
        return left

    def negation(self) -> Expr:
        if self.at("not"):
            self.take()
            self.enter()
            e = Unary(UnaryOp.NOT, self.negation())
            self.level -= 1
            return e
        return self.comparison()

    def comparison(self) -> Expr:
        left = self.additive()
        op = _COMPARISONS.get(self.ops[self.i])
        if op is not None:
            self.take()
            left = Binary(op, left, self.additive())
            if self.ops[self.i] in _COMPARISONS:  # [EXPR-20]
                raise _syntax(f"chained comparison at {self.peek().pos}: use 'and'")
        return left

    def additive(self) -> Expr:
        left = self.multiplicative()
        while (op := _ADDITIVE.get(self.ops[self.i])) is not None:
            self.take()
            left = Binary(op, left, self.multiplicative())
        return left

    def multiplicative(self) -> Expr:
        left = self.unary()
        while (op := _MULTIPLICATIVE.get(self.ops[self.i])) is not None:
            self.take()
            left = Binary(op, left, self.unary())
        return left

    def unary(self) -> Expr:
        if not self.at("-"):
            return self.postfix()
        self.take()
        nxt, after = self.peek(), self.peek(1)
        if nxt.kind == "int" and not (after.kind == "op" and after.text == "["):
            self.take()
            return IntLit(_int_value(nxt, negative=True))
        self.enter()
        e = Unary(UnaryOp.NEG, self.unary())
        self.level -= 1
        return e

    def postfix(self) -> Expr:
        e = self.atom()
        while self.at("["):
            self.take()
            e = Index(e, self.conditional())
            self.expect("]")
        return e

    def atom(self) -> Expr:
        t = self.take()
        if t.kind == "int":
            return IntLit(_int_value(t, negative=False))
        if t.kind == "bytes":
            return BytesLit(_bytes_value(t))
        if t.kind == "kw" and t.text in ("true", "false"):
            return BoolLit(t.text == "true")
        if t.kind == "name":
            name = check_name(t.text)
            if self.at("("):
                return self.call(name)
            return Name(name)
        if t.kind == "op" and t.text == "(":
            e = self.conditional()
            self.expect(")")
            return e
        if t.kind == "op" and t.text == "[":
            return self.list_literal()
        raise _syntax(f"unexpected {t.text or 'end of text'!r} at {t.pos}")

    def call(self, func: str) -> Expr:
        self.expect("(")
        args: list[Expr] = []
        if not self.at(")"):
            args.append(self.conditional())
            while self.at(","):
                self.take()
                args.append(self.conditional())
                if len(args) > MAX_ARGS:
                    raise Rejected(Reason.FSM_EXPR_LIMIT, f"more than {MAX_ARGS} arguments")
        self.expect(")")
        return Call(func, tuple(args))

    def list_literal(self) -> Expr:
        if self.at(":"):
            self.take()
            elem = self.type_()
            self.expect("]")
            check_type(ListType(elem))
            return EmptyList(elem)
        if self.at("]"):
            # [EXPR-23]
            raise _syntax(f"empty list at {self.peek().pos} needs an element type, e.g. [:int]")
        items = [self.conditional()]
        while self.at(","):
            self.take()
            items.append(self.conditional())
            if len(items) > MAX_LIST_LEN:
                raise Rejected(Reason.FSM_EXPR_LIMIT, f"more than {MAX_LIST_LEN} list items")
        self.expect("]")
        return ListLit(tuple(items))

    def type_(self) -> Type:
        t = self.take()
        if t.kind == "name" and t.text in _SCALAR_TYPES:
            return _SCALAR_TYPES[t.text]
        if t.kind == "name" and t.text == "list":
            self.expect("[")
            self.enter()
            elem = self.type_()
            self.level -= 1
            self.expect("]")
            return ListType(elem)
        # [EXPR-23]
        raise Rejected(Reason.FSM_EXPR_UNKNOWN_TYPE, f"unknown type {t.text!r} at {t.pos}")


def _int_value(t: _Tok, negative: bool) -> int:
    if len(t.text) > 1 and t.text.startswith("0"):
        raise _syntax(f"leading zero in {t.text!r} at {t.pos}")  # [EXPR-22]
    if len(t.text) > 20:
        # [EXPR-22]
        raise Rejected(Reason.FSM_EXPR_OVERFLOW, f"integer literal at {t.pos} outside i64")
    v = -int(t.text) if negative else int(t.text)
    if not I64_MIN <= v <= I64_MAX:
        raise Rejected(Reason.FSM_EXPR_OVERFLOW, f"integer literal {v} outside i64")  # [EXPR-22]
    return v


def _bytes_value(t: _Tok) -> bytes:
    digits = t.text[2:-1]
    if not _HEX_RE.match(digits):
        raise _syntax(f"bad hex in bytes literal at {t.pos}")
    if len(digits) // 2 > MAX_BYTES_LEN:
        raise Rejected(Reason.FSM_EXPR_LIMIT, f"bytes literal longer than {MAX_BYTES_LEN}")
    return bytes.fromhex(digits)


def parse(text: str) -> Expr:
    """Parse surface syntax into a tree ([EXPR-17]); the whole text must be one expression."""
    if not isinstance(text, str):
        raise _syntax("expression text must be a string")
    if len(text) > MAX_TEXT_LEN:
        raise Rejected(Reason.FSM_EXPR_LIMIT, f"text longer than {MAX_TEXT_LEN} characters")
    p = _Parser(tokenize(text))
    e = p.conditional()
    end = p.peek()
    if end.kind != "end":
        raise _syntax(f"unexpected {end.text!r} at {end.pos}")
    return check_limits(e)
