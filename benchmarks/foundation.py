"""Foundation figures: encoding and decoding speed, hashes and Ed25519 operations per second.

Run: ``python benchmarks/foundation.py`` (``--quick`` for a short smoke run).
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from timing import rate

from chipstack.crypto import PrivateKey, Tag, sha256d, tagged_hash
from chipstack.encoding import Reader, Writer, decode_exact


def record() -> bytes:
    """A typical small object: version, timestamp, two strings, a hash, a list."""
    w = Writer().u8(1).u64(1_700_000_000_000).string("table", 32).string("7", 32)
    w.fixed(b"\x11" * 32, 32).count(4, 16)
    for i in range(4):
        w.u32(i)
    return w.getvalue()


def read_record(r: Reader) -> tuple[object, ...]:
    """Decode what :func:`record` wrote."""
    return (r.version({1}), r.u64(), r.string(32), r.string(32), r.fixed(32),
            r.items(16, Reader.u32))


def main() -> None:
    """Print the figures table."""
    seconds = 0.2 if "--quick" in sys.argv else 1.0
    blob = record()
    header = (blob * 2)[:80]
    key = PrivateKey.from_label("bench")
    sig = key.sign_tagged(Tag.SYNC_ITEM, blob)
    ops: list[tuple[str, Callable[[], object]]] = [
        (f"encode a {len(blob)}-byte record", record),
        ("decode it strictly", lambda: decode_exact(blob, read_record)),
        (f"tagged_hash ({len(blob)} bytes)", lambda: tagged_hash(Tag.SYNC_ITEM, blob)),
        ("sha256d (80 bytes, a header)", lambda: sha256d(header)),
        ("Ed25519 sign_tagged", lambda: key.sign_tagged(Tag.SYNC_ITEM, blob)),
        ("Ed25519 verify_tagged", lambda: key.public_key.verify_tagged(sig, Tag.SYNC_ITEM, blob)),
    ]
    rows = [(name, rate(fn, seconds, batch=100)) for name, fn in ops]
    print(f"{'operation':<28} {'per second':>12}")
    print(f"{'-' * 28} {'-' * 12}")
    for name, per_s in rows:
        print(f"{name:<28} {per_s:>12,.0f}")


if __name__ == "__main__":
    main()
