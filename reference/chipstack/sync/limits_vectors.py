"""Vectors for the bounds on reconciliation frames (``vectors/sync/limits.json``), [SYNC-50].

One operation, ``frame_ranges``: parse a Negentropy frame with a bound on its ranges;
the output is the number of ranges, or ``sync.too_many_ranges`` when the frame holds
more than the bound (the parser stops at the first range beyond it). This module is
the suite's own generator (registered beside the others until the vector layout moves).
"""

from __future__ import annotations

from chipstack.encoding import from_hex
from chipstack.sync.negentropy.protocol import parse_message
from chipstack.sync.params import honest_max_ranges
from chipstack.vectors.model import Case, JSONObject, Operation, Suite, make_case

NOTES = {"edge": "exactly at a limit: checks that the boundary is inclusive/exclusive as stated",
         "attack": "a hostile peer's input: the node must refuse it with the reason given"}


def op_frame_ranges(inp: JSONObject) -> JSONObject:
    """Count the ranges of ``frame`` under the bound ``max_ranges`` ([SYNC-50])."""
    _, ranges = parse_message(from_hex(inp["frame"]), int(inp["max_ranges"]))
    return {"ranges": len(ranges)}


def op_honest_max_ranges(inp: JSONObject) -> JSONObject:
    """The most ranges an honest frame of ``frame_limit`` bytes can carry ([SYNC-50])."""
    return {"max_ranges": honest_max_ranges(int(inp["frame_limit"]))}


LIMIT_OPS: dict[str, Operation] = {"frame_ranges": op_frame_ranges,
                                   "honest_max_ranges": op_honest_max_ranges}


def _skips(n: int) -> str:
    return (b"\x61" + b"\x02\x00\x00" * n).hex()


def _cases() -> list[Case]:
    ops = LIMIT_OPS
    cases: list[Case] = []
    add = cases.append
    add(make_case(ops, "frame_ranges", {"frame": _skips(4), "max_ranges": 4},
                  "four Skip ranges, bound four", ("SYNC-50",), ("edge",), expect="valid"))
    add(make_case(ops, "frame_ranges", {"frame": _skips(5), "max_ranges": 4},
                  "five Skip ranges, bound four", ("SYNC-50",), ("edge", "attack"),
                  expect="invalid"))
    fp = (b"\x61" + b"\x00\x00\x01" + bytes(16)).hex()
    add(make_case(ops, "frame_ranges", {"frame": fp, "max_ranges": 1},
                  "one Fingerprint range to infinity, bound one", ("SYNC-50",), ("edge",),
                  expect="valid"))
    add(make_case(ops, "frame_ranges", {"frame": "61", "max_ranges": 0},
                  "no ranges at all, bound zero", ("SYNC-50",), ("edge",), expect="valid"))
    # the bad range is beyond the bound: the bound is reported, the tail never parsed
    add(make_case(ops, "frame_ranges", {"frame": _skips(3) + "ffff", "max_ranges": 3},
                  "three ranges then garbage, bound three: the garbage is over the bound",
                  ("SYNC-50",), ("attack",), expect="invalid"))
    for limit in (4096, 60_000, 1024 * 1024):
        add(make_case(ops, "honest_max_ranges", {"frame_limit": limit},
                      f"ranges an honest frame of {limit} bytes can hold", ("SYNC-50",),
                      expect="valid"))
    return cases


SUITES: list[Suite] = [
    Suite(
        name="sync/limits",
        description="Bounds on reconciliation frames: ranges per frame ([SYNC-50]).",
        notes=NOTES,
        operations=LIMIT_OPS,
        build_cases=_cases,
    ),
]
