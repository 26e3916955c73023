"""The pin-case helper (issue 8): exact reasons are enforced; the R = identity signer is right."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from chipstack.crypto import PrivateKey
from chipstack.errors import Reason, Rejected
from chipstack.testvectors.crypto.ed25519 import IDENTITY_R_MESSAGE, IDENTITY_R_SIGNATURE
from chipstack.testvectors.pins import IDENTITY_POINT, Pins, identity_r_signature
from chipstack.vectors.model import JSONObject


def _refuse(case_input: JSONObject) -> JSONObject:
    raise Rejected(Reason.CHAIN_TX_LOCKTIME, "always")


def test_a_pin_states_the_exact_reason() -> None:
    p = Pins({"op": _refuse})
    p.add("op", {}, "locktime", ["UTXO-3"], ["check_order"], "chain.tx_locktime")
    assert p.cases[0].reason == "chain.tx_locktime"
    with pytest.raises(ValueError, match=r"chain\.missing_input"):
        p.add("op", {}, "another reason", ["UTXO-1"], ["check_order"], "chain.missing_input")
    with pytest.raises(ValueError):
        p.add("op", {}, "not valid", ["UTXO-1"], ["normal"], "valid")


def test_identity_r_signature_is_the_committed_one_and_rfc8032_accepts_it() -> None:
    alice = PrivateKey.from_label("alice")
    message = bytes.fromhex(IDENTITY_R_MESSAGE)
    sig = identity_r_signature(alice.seed, alice.public_key.raw, message)
    assert sig.hex() == IDENTITY_R_SIGNATURE
    assert sig[:32] == IDENTITY_POINT
    # OpenSSL's RFC 8032 check accepts it; ours refuses the small-order R (SIG-7)
    Ed25519PublicKey.from_public_bytes(alice.public_key.raw).verify(sig, message)
    with pytest.raises(Rejected) as e:
        alice.public_key.verify(sig, message)
    assert e.value.reason is Reason.CRYPTO_BAD_SIGNATURE
