"""Expression-language figures: evaluations per second of typical guards and effects.

Run: ``python benchmarks/fsm_expr.py`` (``--quick`` for a short smoke run).
Each expression is parsed, encoded and type-checked once; the timed loops
measure evaluation alone (the per-event cost in the engine), then parsing,
decoding and type checking (the per-definition cost at load time).
Spec: spec/03-fsm.md.
"""

from __future__ import annotations

import sys
from functools import partial

from timing import rate

from chipstack.fsm.expr import (
    BOOL,
    BYTES,
    INT,
    ListType,
    Type,
    Value,
    decode_expr,
    encode_expr,
    evaluate,
    parse,
    typecheck,
)
from chipstack.fsm.expr.ast import node_count

TYPES: dict[str, Type] = {
    "vars.stacks": ListType(INT),
    "vars.bets": ListType(INT),
    "vars.folded": ListType(BOOL),
    "vars.players": ListType(BYTES),
    "vars.bet_to_call": INT,
    "vars.round": INT,
    "args.seat": INT,
    "args.amount": INT,
    "signer": BYTES,
}
ENV: dict[str, Value] = {
    "vars.stacks": (1000, 950, 0, 420, 1500, 800),
    "vars.bets": (10, 20, 0, 20, 20, 0),
    "vars.folded": (False, False, True, False, False, True),
    "vars.players": tuple(bytes([i]) * 32 for i in range(6)),
    "vars.bet_to_call": 20,
    "vars.round": 1,
    "args.seat": 3,
    "args.amount": 40,
    "signer": b"\x03" * 32,
}
EXPRESSIONS: list[tuple[str, str]] = [
    ("guard: signer and stack", "signer == vars.players[args.seat] and "
     "vars.stacks[args.seat] >= args.amount"),
    ("guard: raise size", "args.amount >= 2 * vars.bet_to_call - vars.bets[args.seat] "
     "and not vars.folded[args.seat]"),
    ("effect: pay into pot", "set(vars.stacks, args.seat, vars.stacks[args.seat] - args.amount)"),
    ("effect: to call", "min(vars.bet_to_call - vars.bets[args.seat], vars.stacks[args.seat]) "
     "if vars.round > 0 else 0"),
    ("guard: round over", "count(vars.folded, false) == 1 or max(vars.bets) == vars.bet_to_call"),
    ("pot total", "sum(vars.bets) + sum(slice(vars.stacks, 0, 2))"),
]


def main() -> None:
    """Print the figures table."""
    seconds = 0.1 if "--quick" in sys.argv else 1.0
    print(f"{'expression':<26} {'nodes':>5} {'bytes':>5} {'eval/s':>10} {'parse/s':>9} "
          f"{'decode/s':>9} {'check/s':>9}")
    for label, text in EXPRESSIONS:
        e = parse(text)
        data = encode_expr(e)
        typecheck(e, TYPES)
        nodes = node_count(e)
        rows = (
            rate(partial(evaluate, e, ENV), seconds, batch=50),
            rate(partial(parse, text), seconds, batch=50),
            rate(partial(decode_expr, data), seconds, batch=50),
            rate(partial(typecheck, e, TYPES), seconds, batch=50),
        )
        print(f"{label:<26} {nodes:>5} {len(data):>5} " + " ".join(
            f"{r:>{w},.0f}" for r, w in zip(rows, (10, 9, 9, 9), strict=True)))


if __name__ == "__main__":
    main()
