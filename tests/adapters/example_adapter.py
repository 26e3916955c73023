"""An example external implementation for `chipstack vectors check --impl`.

It implements two suites from scratch with only the standard library, as an
implementer in another language would: `encoding/compactsize` and
`crypto/hashes`. Everything else is answered `unsupported`. With `--wrong` it
deliberately gets CompactSize encoding wrong (always the 9-byte form), to show
that the checker notices.

Protocol (spec/05-vectors.md section 4): one JSON request per stdin line, one
JSON response per stdout line, flushed.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

SPEC = Path(__file__).resolve().parents[2] / "spec" / "00-encoding.md"


def registered_tags() -> set[str]:
    """The tag registry, read from the table in spec/00-encoding.md section 3."""
    text = SPEC.read_text(encoding="utf-8")
    return set(re.findall(r"^\| `(chipstack/[a-z0-9/-]+)` \|", text, re.MULTILINE))


TAGS = registered_tags()


class Refused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def unhex(text: str) -> bytes:
    # Only pairs of hex digits: bytes.fromhex alone would skip whitespace (spec ENC-13).
    if re.fullmatch(r"(?:[0-9a-fA-F]{2})*", text) is None:
        raise Refused("encoding.bad_hex")
    return bytes.fromhex(text)


def cs_encode(n: int, wrong: bool) -> bytes:
    if not 0 <= n < 2**64:
        raise Refused("encoding.out_of_range")
    if wrong:
        return b"\xff" + n.to_bytes(8, "little")
    for limit, prefix, width in ((0xFC, b"", 1), (0xFFFF, b"\xfd", 2), (0xFFFFFFFF, b"\xfe", 4)):
        if n <= limit:
            return prefix + n.to_bytes(width, "little")
    return b"\xff" + n.to_bytes(8, "little")


def cs_decode(data: bytes, maximum: int) -> int:
    if not data:
        raise Refused("encoding.truncated")
    widths = {0xFD: (2, 0xFD), 0xFE: (4, 0x10000), 0xFF: (8, 0x100000000)}
    if data[0] in widths:
        width, smallest = widths[data[0]]
        if len(data) < 1 + width:
            raise Refused("encoding.truncated")
        value = int.from_bytes(data[1 : 1 + width], "little")
        used = 1 + width
        if value < smallest:
            raise Refused("encoding.non_minimal_compactsize")
    else:
        value, used = data[0], 1
    if value > maximum:
        raise Refused("encoding.over_length")
    if used != len(data):
        raise Refused("encoding.trailing_bytes")
    return value


def answer(req: dict[str, Any], wrong: bool) -> dict[str, Any]:
    op, inp = req["operation"], req["input"]
    if req["suite"] == "encoding/compactsize":
        if op == "compact_size_encode":
            return {"encoded": cs_encode(inp["value"], wrong).hex()}
        if op == "compact_size_decode":
            return {"value": cs_decode(unhex(inp["encoded"]), inp["max"])}
    if req["suite"] == "crypto/hashes":
        if op == "sha256":
            return {"digest": hashlib.sha256(unhex(inp["data"])).hexdigest()}
        if op == "sha256d":
            once = hashlib.sha256(unhex(inp["data"])).digest()
            return {"digest": hashlib.sha256(once).hexdigest()}
        if op == "tagged_hash":
            if inp["tag"] not in TAGS:
                raise Refused("crypto.unknown_tag")
            t = hashlib.sha256(inp["tag"].encode()).digest()
            return {"digest": hashlib.sha256(t + t + unhex(inp["data"])).hexdigest()}
    raise NotImplementedError


def main() -> int:
    wrong = "--wrong" in sys.argv[1:]
    for line in sys.stdin:
        req = json.loads(line)
        try:
            resp: dict[str, Any] = {"result": "valid", "output": answer(req, wrong)}
        except Refused as exc:
            resp = {"result": "invalid", "reason": exc.reason}
        except NotImplementedError:
            resp = {"result": "unsupported"}
        sys.stdout.write(json.dumps(resp) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
