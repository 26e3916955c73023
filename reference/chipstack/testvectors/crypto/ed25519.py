"""The ``crypto/ed25519`` vector suite (spec/00-encoding.md section 4): key derivation from
seeds, deterministic signing, verification, the tagged signing domain, and malformed keys
and signatures. Three cases restate RFC 8032 section 7.1 tests 1-3 (flag ``rfc8032``)."""

from __future__ import annotations

from chipstack.crypto import PrivateKey, PublicKey, derive_seed, tagged_hash
from chipstack.encoding import from_hex
from chipstack.errors import Reason, Rejected
from chipstack.testvectors.crypto.common import tag_field
from chipstack.testvectors.flags import FLAGS, REASON_FLAGS
from chipstack.vectors.model import Case, JSONObject, Operation, Suite, make_case


def op_derive_seed(case_input: JSONObject) -> JSONObject:
    """The test-key seed for ``label``, and the public key it gives."""
    label = case_input["label"]
    if not isinstance(label, str):
        raise Rejected(Reason.VECTORS_BAD_INPUT, "label must be a string")
    seed = derive_seed(label)
    return {"seed": seed.hex(), "public_key": PrivateKey(seed).public_key.hex()}


def op_public_key(case_input: JSONObject) -> JSONObject:
    """The Ed25519 public key of a 32-byte ``seed``."""
    return {"public_key": PrivateKey(from_hex(case_input["seed"])).public_key.hex()}


def op_sign(case_input: JSONObject) -> JSONObject:
    """The RFC 8032 signature of ``message`` by the key of ``seed``."""
    key = PrivateKey(from_hex(case_input["seed"]))
    return {"signature": key.sign(from_hex(case_input["message"])).hex()}


def op_verify(case_input: JSONObject) -> JSONObject:
    """Verify ``signature`` over ``message`` by ``public_key``; valid means it verifies."""
    key = PublicKey(from_hex(case_input["public_key"]))
    key.verify(from_hex(case_input["signature"]), from_hex(case_input["message"]))
    return {}


def op_sign_tagged(case_input: JSONObject) -> JSONObject:
    """Sign in the tagged domain: the signed bytes are ``tagged_hash(tag, message)``."""
    key = PrivateKey(from_hex(case_input["seed"]))
    tag, message = tag_field(case_input), from_hex(case_input["message"])
    return {
        "signed_digest": tagged_hash(tag, message).hex(),
        "signature": key.sign_tagged(tag, message).hex(),
    }


def op_verify_tagged(case_input: JSONObject) -> JSONObject:
    """Verify a tagged-domain signature."""
    key = PublicKey(from_hex(case_input["public_key"]))
    key.verify_tagged(
        from_hex(case_input["signature"]), tag_field(case_input), from_hex(case_input["message"])
    )
    return {}



ED25519_OPS: dict[str, Operation] = {
    "derive_seed": op_derive_seed,
    "public_key": op_public_key,
    "sign": op_sign,
    "verify": op_verify,
    "sign_tagged": op_sign_tagged,
    "verify_tagged": op_verify_tagged,
}

#: RFC 8032 section 7.1, TEST 1-3: (secret key, public key, message, signature).
RFC8032_TESTS: tuple[tuple[str, str, str, str], ...] = (
    (
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065"
        "224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    ),
    (
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
        "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    ),
    (
        "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
        "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
        "af82",
        "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
        "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
    ),
)

#: The order of the Ed25519 base point (RFC 8032 section 5.1), used to build a malleated S.
ED25519_L = 2**252 + 27742317777372353535851937790883648493

#: [SIG-7] A public key with a small-order component: ``a*B + T`` with
#: ``a = SHA256("chipstack review mixed-order key") mod L`` and ``T`` the order-8 point
#: ``c7176a70...ac037a``. Signatures by it were made offline with ``r = SHA256("chipstack
#: review nonce") mod L``; ``tests/test_crypto.py`` re-checks both equations independently.
MIXED_ORDER_KEY = "3e3e10c605deff14b8f544e1cd175425259569d3fd2d8b0050b68e7114ee8ed2"
#: (message, signature, whether the cofactorless equation holds) for MIXED_ORDER_KEY.
MIXED_ORDER_SIGNATURES: tuple[tuple[str, str, bool], ...] = (
    (
        b"mixed-order key 8".hex(),
        "0136fc02926e09f3bb8dedfa8a783ab71644d6b1a6ccc6ae9a42e9a6f6284af9"
        "56fefce5cdbde32db6bb74c07861b86bb306612888a2d3d1d841adb038a96c08",
        True,
    ),
    (
        b"mixed-order key 0".hex(),
        "0136fc02926e09f3bb8dedfa8a783ab71644d6b1a6ccc6ae9a42e9a6f6284af9"
        "472fed5c5e41b96192819a7f3b31b15db3bc3b57e06f000257b4914deeef0009",
        False,
    ),
)
#: [SIG-7] By the key of label "alice": ``R`` = identity, ``S = k*a mod L``. The
#: cofactorless equation holds, but ``R`` has small order.
IDENTITY_R_MESSAGE = b"R is the identity".hex()
IDENTITY_R_SIGNATURE = (
    "0100000000000000000000000000000000000000000000000000000000000000"
    "cd1b5c49bb4b0ddae0bdb802594b70433d66303d9d1fd4434796aad66d32a905"
)
#: [SIG-7] By the key of label "alice": ``R = r*B + T`` (``T`` the order-8 point above),
#: ``S = r + k*a mod L``. Only the cofactored equation holds.
MIXED_R_MESSAGE = b"R has a small-order component".hex()
MIXED_R_SIGNATURE = (
    "24d91d2dd5a9828edf3a7a43d60efc8474b7ef403f2051dadf9103c806229a5c"
    "c302be870fcd265204d10842441b6c410234d190c32a9b3de78871cd94e69f0e"
)



def _ed25519_cases() -> list[Case]:
    ops = ED25519_OPS
    c: list[Case] = []
    for i, (sk, pk, msg, sig) in enumerate(RFC8032_TESTS, start=1):
        c.append(
            make_case(
                ops,
                "public_key",
                {"seed": sk},
                f"RFC 8032 7.1 TEST {i}: public key",
                ["SIG-1", "SIG-2"],
                ["rfc8032"],
                expect="valid",
            )
        )
        c.append(
            make_case(
                ops,
                "sign",
                {"seed": sk, "message": msg},
                f"RFC 8032 7.1 TEST {i}: signature",
                ["SIG-2"],
                ["rfc8032"],
                expect="valid",
            )
        )
        c.append(
            make_case(
                ops,
                "verify",
                {"public_key": pk, "message": msg, "signature": sig},
                f"RFC 8032 7.1 TEST {i}: verifies",
                ["SIG-3", "SIG-6"],
                ["rfc8032"],
                expect="valid",
            )
        )
    for label in ("alice", "bob", "notary-0"):
        c.append(
            make_case(
                ops,
                "derive_seed",
                {"label": label},
                f"test key '{label}'",
                ["SIG-5"],
                expect="valid",
            )
        )
    sk, pk, msg, sig = RFC8032_TESTS[1]
    raw = bytes.fromhex(sig)
    flipped_r = bytes([raw[0] ^ 1]) + raw[1:]
    flipped_s = raw[:40] + bytes([raw[40] ^ 1]) + raw[41:]
    s_plus_l = raw[:32] + (int.from_bytes(raw[32:], "little") + ED25519_L).to_bytes(32, "little")
    bad = [
        ({"public_key": pk, "message": "73", "signature": sig}, "other message", "bad_signature"),
        (
            {"public_key": pk, "message": msg, "signature": flipped_r.hex()},
            "R bit flipped",
            "bad_signature",
        ),
        (
            {"public_key": pk, "message": msg, "signature": flipped_s.hex()},
            "S bit flipped",
            "bad_signature",
        ),
        (
            {"public_key": pk, "message": msg, "signature": s_plus_l.hex()},
            "S replaced by S + L (malleated, non-canonical S)",
            "malleable",
        ),
        (
            {"public_key": RFC8032_TESTS[0][1], "message": msg, "signature": sig},
            "other key",
            "bad_signature",
        ),
        (
            {"public_key": "02" + "00" * 31, "message": msg, "signature": sig},
            "public key that is not a curve point",
            "bad_key",
        ),
    ]
    for inp, what, flag in bad:
        c.append(make_case(ops, "verify", inp, what, ["SIG-3"], [flag], expect="invalid"))
    identity = "01" + "00" * 31
    forged = identity + "00" * 32  # R = identity, S = 0: passes RFC 8032 for any message
    weak_keys = [
        (identity, "the identity point"),
        ("ec" + "ff" * 30 + "7f", "the point of order 2"),
        ("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", "a point of order 8"),
        ("01" + "00" * 30 + "80", "identity with the sign bit set (non-canonical)"),
        ("ed" + "ff" * 30 + "7f", "y = p (non-canonical)"),
    ]
    for weak, what in weak_keys:
        inp = {"public_key": weak, "message": msg, "signature": forged}
        c.append(make_case(ops, "verify", inp, f"weak key: {what}", ["SIG-6"], ["weak_key"],
                           expect="invalid"))
    c.append(
        make_case(
            ops,
            "verify",
            {"public_key": pk[:-2], "message": msg, "signature": sig},
            "31-byte public key",
            ["SIG-1"],
            ["bad_length"],
            expect="invalid",
        )
    )
    c.append(
        make_case(
            ops,
            "verify",
            {"public_key": pk, "message": msg, "signature": sig[:-2]},
            "63-byte signature",
            ["SIG-1"],
            ["bad_length"],
            expect="invalid",
        )
    )
    c.append(
        make_case(
            ops,
            "public_key",
            {"seed": sk + "00"},
            "33-byte seed",
            ["SIG-2"],
            ["bad_length"],
            expect="invalid",
        )
    )
    seed = derive_seed("alice").hex()
    signed = op_sign_tagged({"seed": seed, "tag": "chipstack/sync/item", "message": "c0ffee"})
    alice = op_derive_seed({"label": "alice"})["public_key"]
    c.append(
        make_case(
            ops,
            "sign_tagged",
            {"seed": seed, "tag": "chipstack/sync/item", "message": "c0ffee"},
            "alice signs in the sync item domain",
            ["SIG-4"],
            expect="valid",
        )
    )
    c.append(
        make_case(
            ops,
            "verify_tagged",
            {
                "public_key": alice,
                "tag": "chipstack/sync/item",
                "message": "c0ffee",
                "signature": signed["signature"],
            },
            "tagged signature verifies in its own domain",
            ["SIG-4"],
            expect="valid",
        )
    )
    c.append(
        make_case(
            ops,
            "verify_tagged",
            {
                "public_key": alice,
                "tag": "chipstack/fsm/event",
                "message": "c0ffee",
                "signature": signed["signature"],
            },
            "the same signature does not verify in another domain",
            ["SIG-4"],
            ["cross_domain"],
            expect="invalid",
        )
    )
    c.append(
        make_case(
            ops,
            "verify",
            {"public_key": alice, "message": "c0ffee", "signature": signed["signature"]},
            "a tagged signature is not a signature over the raw message",
            ["SIG-4"],
            ["cross_domain"],
            expect="invalid",
        )
    )
    for message, signature, cofactorless in MIXED_ORDER_SIGNATURES:
        c.append(
            make_case(
                ops,
                "verify",
                {"public_key": MIXED_ORDER_KEY, "message": message, "signature": signature},
                "key with a small-order component; both equations hold"
                if cofactorless
                else "key with a small-order component; only the cofactored equation holds",
                ["SIG-3", "SIG-7"],
                ["cofactor"],
                expect="valid" if cofactorless else "invalid",
            )
        )
    c.append(
        make_case(
            ops,
            "verify",
            {"public_key": alice, "message": IDENTITY_R_MESSAGE, "signature": IDENTITY_R_SIGNATURE},
            "R is the identity (made by alice's owner): the equation holds but R has small order",
            ["SIG-7"],
            ["small_order_r"],
            expect="invalid",
        )
    )
    c.append(
        make_case(
            ops,
            "verify",
            {"public_key": alice, "message": MIXED_R_MESSAGE, "signature": MIXED_R_SIGNATURE},
            "R with a small-order component; only the cofactored equation holds",
            ["SIG-7"],
            ["cofactor"],
            expect="invalid",
        )
    )
    return c


#: The ``crypto/ed25519`` suite.
SUITE = Suite(
    name="crypto/ed25519",
    description="Ed25519 (RFC 8032) keys from seeds, signing, verification, the tagged "
    "signing domain, malformed keys and signatures.",
    notes=FLAGS,
    reason_flags=REASON_FLAGS,
    operations=ED25519_OPS,
    build_cases=_ed25519_cases,
)
