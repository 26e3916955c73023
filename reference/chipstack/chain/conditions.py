"""Output conditions: the small, closed sum type saying who may spend an output.

Spec: ``spec/02-chain.md`` section 3.2 (rules ``[TX-5]`` .. ``[TX-9]``).
Four kinds, each with a one-byte kind tag in its encoding:

==========  ====================================  =========================================
kind byte   class                                 fields after the kind byte
==========  ====================================  =========================================
``0x01``    :class:`KeyCondition`                 ``key[32]``
``0x02``    :class:`MultisigCondition`            ``u8 threshold, count(<=16), key[32]*``
``0x03``    :class:`CCCondition`                  ``u8 eval_code, var_bytes(<=10000) data``
``0x04``    :class:`OpReturn`                     ``var_bytes(<=100000) data``
==========  ====================================  =========================================

A :class:`CCCondition` is spent under the rules of the validator registered
for its ``eval_code`` (Komodo CC style, e.g. ``EVAL_FSM = 0xe7``); an
:class:`OpReturn` output carries data and can never be spent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from chipstack.crypto import PUBLIC_KEY_LEN, PublicKey
from chipstack.encoding import Reader, Writer, from_hex
from chipstack.errors import Reason, Rejected, require

#: Kind bytes of the four conditions ([TX-5] .. [TX-9]).
KIND_KEY: Final = 0x01
KIND_MULTISIG: Final = 0x02
KIND_CC: Final = 0x03
KIND_OP_RETURN: Final = 0x04

#: Most keys in an M-of-N condition ([TX-6]).
MAX_MULTISIG_KEYS = 16
#: Largest ``data`` of a CC condition, in bytes ([TX-7]).
MAX_CC_DATA = 10_000
#: Largest OP_RETURN payload, in bytes ([TX-8]).
MAX_OP_RETURN = 100_000
#: Komodo's eval code for FSM contracts (``EVAL_FSM``), used by chipstack.fsm.
EVAL_FSM = 0xE7


@dataclass(frozen=True)
class KeyCondition:
    """Spendable by one Ed25519 signature of ``key`` ([TX-5])."""

    key: PublicKey

    def encode(self) -> bytes:
        """Return ``0x01 || key``."""
        return bytes([KIND_KEY]) + self.key.raw


@dataclass(frozen=True)
class MultisigCondition:
    """Spendable by exactly ``threshold`` signatures of distinct ``keys`` ([TX-6])."""

    threshold: int
    keys: tuple[PublicKey, ...]

    def __post_init__(self) -> None:
        n = len(self.keys)
        require(1 <= n <= MAX_MULTISIG_KEYS, Reason.CHAIN_BAD_MULTISIG, f"{n} keys")
        require(1 <= self.threshold <= n, Reason.CHAIN_BAD_MULTISIG, f"threshold {self.threshold}")
        require(len({k.raw for k in self.keys}) == n, Reason.CHAIN_BAD_MULTISIG, "repeated key")

    def encode(self) -> bytes:
        """Return ``0x02 || u8 threshold || count || keys``."""
        w = Writer().u8(KIND_MULTISIG).u8(self.threshold).count(len(self.keys), MAX_MULTISIG_KEYS)
        for k in self.keys:
            w.fixed(k.raw, PUBLIC_KEY_LEN)
        return w.getvalue()


@dataclass(frozen=True)
class CCCondition:
    """Spendable when the validator registered for ``eval_code`` accepts the spend ([TX-7])."""

    eval_code: int
    data: bytes

    def __post_init__(self) -> None:
        require(0 <= self.eval_code <= 0xFF, Reason.ENCODING_OUT_OF_RANGE, "eval code")
        require(len(self.data) <= MAX_CC_DATA, Reason.ENCODING_OVER_LENGTH, "CC data")

    def encode(self) -> bytes:
        """Return ``0x03 || u8 eval_code || var_bytes data``."""
        return Writer().u8(KIND_CC).u8(self.eval_code).var_bytes(self.data, MAX_CC_DATA).getvalue()


@dataclass(frozen=True)
class OpReturn:
    """Unspendable data carrier (Komodo CC payloads go here, e.g. ``0xe7 funcid ...``) ([TX-8])."""

    data: bytes

    def __post_init__(self) -> None:
        require(len(self.data) <= MAX_OP_RETURN, Reason.ENCODING_OVER_LENGTH, "OP_RETURN data")

    def encode(self) -> bytes:
        """Return ``0x04 || var_bytes data``."""
        return Writer().u8(KIND_OP_RETURN).var_bytes(self.data, MAX_OP_RETURN).getvalue()


#: Any output condition.
Condition = KeyCondition | MultisigCondition | CCCondition | OpReturn


def read_condition(reader: Reader) -> Condition:
    """Read one condition; an unknown kind byte is ``chain.unknown_condition`` ([TX-9])."""
    kind = reader.u8()
    if kind == KIND_KEY:
        return KeyCondition(PublicKey(reader.fixed(PUBLIC_KEY_LEN)))
    if kind == KIND_MULTISIG:
        threshold = reader.u8()
        keys = reader.items(MAX_MULTISIG_KEYS, lambda r: PublicKey(r.fixed(PUBLIC_KEY_LEN)))
        return MultisigCondition(threshold, tuple(keys))
    if kind == KIND_CC:
        eval_code = reader.u8()
        return CCCondition(eval_code, reader.var_bytes(MAX_CC_DATA))
    if kind == KIND_OP_RETURN:
        return OpReturn(reader.var_bytes(MAX_OP_RETURN))
    raise Rejected(Reason.CHAIN_UNKNOWN_CONDITION, f"condition kind 0x{kind:02x}")


def condition_to_json(c: Condition) -> dict[str, object]:
    """Return the JSON form used by vectors (bytes as lowercase hex)."""
    if isinstance(c, KeyCondition):
        return {"kind": "key", "key": c.key.hex()}
    if isinstance(c, MultisigCondition):
        return {"kind": "multisig", "threshold": c.threshold, "keys": [k.hex() for k in c.keys]}
    if isinstance(c, CCCondition):
        return {"kind": "cc", "eval_code": c.eval_code, "data": c.data.hex()}
    return {"kind": "op_return", "data": c.data.hex()}


def condition_from_json(obj: dict[str, object]) -> Condition:
    """Parse the JSON form written by :func:`condition_to_json`."""
    kind = obj["kind"]
    if kind == "key":
        return KeyCondition(PublicKey(from_hex(str(obj["key"]))))
    if kind == "multisig":
        keys = obj["keys"]
        if not isinstance(keys, list):
            raise TypeError("keys must be a list")
        threshold = obj["threshold"]
        if not isinstance(threshold, int):
            raise TypeError("threshold must be an integer")
        return MultisigCondition(threshold, tuple(PublicKey(from_hex(str(k))) for k in keys))
    if kind == "cc":
        code = obj["eval_code"]
        if not isinstance(code, int):
            raise TypeError("eval_code must be an integer")
        return CCCondition(code, from_hex(str(obj["data"])))
    if kind == "op_return":
        return OpReturn(from_hex(str(obj["data"])))
    raise Rejected(Reason.CHAIN_UNKNOWN_CONDITION, f"condition kind {kind!r}")
