"""The ``sync/addr`` vector suite (spec/01-sync.md section 3.4): ADDR messages ([SYNC-60])
and address groups ([SYNC-62]).
"""

from __future__ import annotations

from chipstack.encoding import from_hex
from chipstack.errors import Reason, Rejected
from chipstack.sync.peers import address_group
from chipstack.sync.wire import Addr, decode_message, encode_message
from chipstack.testvectors.flags import FLAGS, REASON_FLAGS
from chipstack.vectors.model import Case, CaseTable, JSONObject, Operation, Suite


def op_addr_decode(inp: JSONObject) -> JSONObject:
    """Decode an ADDR message into ``[[ip text, port], ...]`` ([SYNC-60])."""
    msg = decode_message(from_hex(inp["encoded"]))
    if not isinstance(msg, Addr):
        raise Rejected(Reason.SYNC_UNKNOWN_MESSAGE, "not ADDR")
    return {"addresses": [[h, p] for h, p in msg.addresses]}


def op_addr_encode(inp: JSONObject) -> JSONObject:
    """Encode ``[[ip text, port], ...]`` as an ADDR message ([SYNC-60])."""
    msg = Addr(tuple((str(h), int(p)) for h, p in inp["addresses"]))
    return {"encoded": encode_message(msg).hex()}


def op_address_group(inp: JSONObject) -> JSONObject:
    """The address group of an IP address ([SYNC-62])."""
    return {"group": address_group(inp["host"])}


ADDR_OPS: dict[str, Operation] = {"addr_decode": op_addr_decode, "addr_encode": op_addr_encode,
                                  "address_group": op_address_group}


def _cases() -> list[Case]:
    t = CaseTable(ADDR_OPS)
    good = [["192.0.2.1", 9000], ["2001:db8::7", 443], ["0.0.0.0", 1], ["::", 65535]]
    t.valid("addr_encode", {"addresses": good}, "IPv4, IPv6 and 'where you see me'",
            ["SYNC-60"])
    enc = op_addr_encode({"addresses": good})["encoded"]
    t.valid("addr_decode", {"encoded": enc}, "the same, decoded", ["SYNC-60"])
    t.valid("addr_decode", {"encoded": "0c00"}, "no addresses", ["SYNC-60"], ["boundary"])
    sixty_four = [[f"198.51.100.{k}", 1000 + k] for k in range(64)]
    t.valid("addr_encode", {"addresses": sixty_four}, "64 addresses, the most", ["SYNC-60"],
            ["boundary"])
    big = "0c41" + "04c633640a03e8" * 65
    t.invalid("addr_decode", {"encoded": "0c01050102030400"}, "family 5", ["SYNC-60"],
              ["out_of_range"])
    t.invalid("addr_decode", {"encoded": "0c010401020304" + "0000"}, "port 0", ["SYNC-60"],
              ["out_of_range"])
    t.invalid("addr_decode", {"encoded": "0c0104010203"}, "truncated IPv4 address",
              ["SYNC-60"])
    t.invalid("addr_decode", {"encoded": big}, "65 addresses", ["SYNC-60"])
    t.invalid("addr_decode", {"encoded": "0c01040102030401" + "00" + "00"}, "a trailing byte",
              ["SYNC-60"])
    t.invalid("addr_encode", {"addresses": [["example.org", 80]]}, "a name, not an IP",
              ["SYNC-60"], ["out_of_range"])
    for host in ("203.0.113.9", "::ffff:203.0.113.9", "2001:db8:abcd::1", "127.0.0.1"):
        t.valid("address_group", {"host": host}, f"group of {host}", ["SYNC-62"])
    return t.cases


#: The ``sync/addr`` suite.
SUITE = Suite(
    name="sync/addr",
    description="ADDR messages (addresses where nodes listen) and address groups.",
    notes=FLAGS,
    reason_flags=REASON_FLAGS,
    operations=ADDR_OPS,
    build_cases=_cases,
)
