"""Times on the wire: seconds since the Unix epoch, a u64 at most ``2**63 - 1`` ([FSM-16]).

Times enter expressions as ``int`` (an i64), so the encoding refuses larger ones.
"""

from __future__ import annotations

from chipstack.encoding import Reader, Writer
from chipstack.errors import Reason, Rejected

#: Largest time a state, instance or event may carry.
MAX_TIME = 2**63 - 1


def write_time(w: Writer, t: int) -> None:
    """Write a time as a u64, refusing values above :data:`MAX_TIME`."""
    if not 0 <= t <= MAX_TIME:
        raise Rejected(Reason.ENCODING_OUT_OF_RANGE, f"time {t}")
    w.u64(t)


def read_time(r: Reader) -> int:
    """Read a time written by :func:`write_time`."""
    t = r.u64()
    if t > MAX_TIME:
        raise Rejected(Reason.ENCODING_OUT_OF_RANGE, f"time {t}")
    return t
