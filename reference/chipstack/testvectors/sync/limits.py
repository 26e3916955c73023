"""The ``sync/limits`` vector suite (spec/01-sync.md section 3.3): ranges per frame, [SYNC-50].

``frame_ranges`` parses a Negentropy frame under a bound on its ranges: the output is
the number of ranges, or ``sync.too_many_ranges`` when the frame holds more than the
bound (the parser stops at the first range beyond it). ``honest_max_ranges`` gives the
most ranges an honest frame of a given size can hold.
"""

from __future__ import annotations

from chipstack.encoding import from_hex
from chipstack.sync.negentropy.protocol import parse_message
from chipstack.sync.params import honest_max_ranges
from chipstack.testvectors.flags import FLAGS, REASON_FLAGS
from chipstack.vectors.model import Case, CaseTable, JSONObject, Operation, Suite


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
    t = CaseTable(LIMIT_OPS)
    t.valid("frame_ranges", {"frame": _skips(4), "max_ranges": 4},
            "four Skip ranges, bound four", ["SYNC-50"], ["boundary"])
    t.invalid("frame_ranges", {"frame": _skips(5), "max_ranges": 4},
              "five Skip ranges, bound four", ["SYNC-50"], ["boundary"])
    fp = (b"\x61" + b"\x00\x00\x01" + bytes(16)).hex()
    t.valid("frame_ranges", {"frame": fp, "max_ranges": 1},
            "one Fingerprint range to infinity, bound one", ["SYNC-50"], ["boundary"])
    t.valid("frame_ranges", {"frame": "61", "max_ranges": 0},
            "no ranges at all, bound zero", ["SYNC-50"], ["boundary"])
    # the bad range is beyond the bound: the bound is reported, the tail never parsed
    t.invalid("frame_ranges", {"frame": _skips(3) + "ffff", "max_ranges": 3},
              "three ranges then garbage, bound three: the garbage is over the bound",
              ["SYNC-50"], ["limit"])
    for limit in (4096, 60_000, 1024 * 1024):
        t.valid("honest_max_ranges", {"frame_limit": limit},
                f"ranges an honest frame of {limit} bytes can hold", ["SYNC-50"])
    return t.cases


#: The ``sync/limits`` suite.
SUITE = Suite(
    name="sync/limits",
    description="Bounds on reconciliation frames: ranges per frame ([SYNC-50]).",
    notes=FLAGS,
    reason_flags=REASON_FLAGS,
    operations=LIMIT_OPS,
    build_cases=_cases,
)
