"""Key proofs, shuffle proofs and decryption shares: honest ones verify, altered ones do not."""

from __future__ import annotations

from dataclasses import replace

import pytest
from coincurve import PublicKey

from chipstack.dealing.elgamal import (
    CIPHERTEXT_LEN,
    DECK_SIZE,
    Ciphertext,
    decrypt,
    opening_deck,
    reencrypt,
)
from chipstack.dealing.group import ORDER, POINT_LEN, SCALAR_LEN, G, add, base_mul, mul
from chipstack.dealing.keys import joint_key, proof_context, prove_key, verify_key
from chipstack.dealing.local import LocalHand
from chipstack.dealing.randomness import Randomness
from chipstack.dealing.shares import make_shares, verify_shares
from chipstack.dealing.shuffle import shuffle_and_prove, verify_shuffle
from chipstack.errors import Reason, Rejected

HAND = bytes(range(32))
RNG_SEED = b"\x07" * 32
SECRETS = [Randomness(bytes([i]) * 32).scalar() for i in range(1, 4)]


JOINT = joint_key([k for k in (base_mul(x) for x in SECRETS) if k is not None])
DECK0 = opening_deck(JOINT)
CTX = proof_context(HAND, 0)
DECK1, PROOF = shuffle_and_prove(DECK0, JOINT, CTX, Randomness(RNG_SEED))


def _times(point: PublicKey, scalar: int) -> PublicKey:
    out = mul(point, scalar)
    assert out is not None
    return out


def _reason(fn: object, *args: object) -> Reason:
    with pytest.raises(Rejected) as exc:
        fn(*args)  # type: ignore[operator]
    return exc.value.reason


def test_key_proof_verifies_only_in_its_context() -> None:
    key, proof = prove_key(SECRETS[0], CTX, Randomness(RNG_SEED))
    assert key == base_mul(SECRETS[0])
    verify_key(key, proof, CTX)
    assert _reason(verify_key, key, proof, proof_context(HAND, 1)) is Reason.DEALING_BAD_KEY_PROOF
    other = base_mul(SECRETS[1])
    assert _reason(verify_key, other, proof, CTX) is Reason.DEALING_BAD_KEY_PROOF
    forged = replace(proof, s=(proof.s + 1) % ORDER)
    assert _reason(verify_key, key, forged, CTX) is Reason.DEALING_BAD_KEY_PROOF


def test_joint_key_is_the_sum_of_secrets() -> None:
    assert JOINT == base_mul(sum(SECRETS) % ORDER)


def test_honest_shuffle_verifies_and_is_a_permutation_of_the_deck() -> None:
    verify_shuffle(DECK0, DECK1, PROOF, JOINT, CTX)
    y = sum(SECRETS) % ORDER
    cards = [decrypt(ct, [_times(ct.a, y)]) for ct in DECK1]  # the joint secret opens all
    assert sorted(cards) == list(range(52)) and cards != list(range(52))
    assert len(PROOF.encode()) == 52 * (33 + 33 + 32 + 32) + 5 * 32


def test_shuffle_changes_every_ciphertext() -> None:
    before = {ct.encode() for ct in DECK0}
    assert not before & {ct.encode() for ct in DECK1}


def _swap(deck: list[Ciphertext], i: int, j: int) -> list[Ciphertext]:
    out = list(deck)
    out[i], out[j] = out[j], out[i]
    return out


@pytest.mark.parametrize(
    "name",
    ["duplicate", "swap", "replace", "drop_reencryption", "context", "wrong_input"],
)
def test_altered_shuffles_fail(name: str) -> None:
    deck_in, deck_out, ctx = list(DECK0), list(DECK1), CTX
    if name == "duplicate":
        deck_out[1] = reencrypt(deck_out[0], 5, JOINT)
    elif name == "swap":
        deck_out = _swap(deck_out, 0, 1)
    elif name == "replace":  # card 0's opening ciphertext, freshly re-encrypted
        deck_out[3] = reencrypt(DECK0[0], 9, JOINT)
    elif name == "drop_reencryption":
        deck_out[2] = Ciphertext(G, deck_out[2].b)  # first point no longer matches
    elif name == "context":
        ctx = proof_context(HAND, 1)
    else:
        deck_in = _swap(deck_in, 4, 5)
    reason = _reason(verify_shuffle, deck_in, deck_out, PROOF, JOINT, ctx)
    assert reason is Reason.DEALING_BAD_SHUFFLE_PROOF


def test_short_deck_is_a_size_error() -> None:
    reason = _reason(verify_shuffle, DECK0, DECK1[:51], PROOF, JOINT, CTX)
    assert reason is Reason.DEALING_BAD_DECK_SIZE


@pytest.mark.parametrize("size", [0, 300])
def test_decks_of_other_sizes_are_size_errors_not_crashes(size: int) -> None:
    """An empty deck or one past u8 indices is refused before any proof arithmetic."""
    deck = (DECK0 * 6)[:size]
    vector = (PROOF.s_hat * 6)[:size]
    points = (PROOF.commitments * 6)[:size]
    proof = replace(PROOF, commitments=points, chain=points, s_hat=vector, s_prime=vector)
    reason = _reason(verify_shuffle, deck, deck, proof, JOINT, CTX)
    assert reason is Reason.DEALING_BAD_DECK_SIZE


def test_shares_open_cards_and_one_wrong_share_fails() -> None:
    positions = (0, 1, 2)
    firsts = [DECK1[p].a for p in positions]
    all_shares = []
    for seat, x in enumerate(SECRETS):
        ctx = proof_context(HAND, seat)
        shares, proof = make_shares(x, positions, firsts, ctx, Randomness(RNG_SEED))
        key = base_mul(x)
        assert key is not None
        verify_shares(key, positions, firsts, shares, proof, ctx)
        all_shares.append(shares)
        bad = [*shares[:2], add(shares[2], G)]
        reason = _reason(verify_shares, key, positions, firsts, bad, proof, ctx)
        assert reason is Reason.DEALING_BAD_SHARE_PROOF
    y = sum(SECRETS) % ORDER
    for j, p in enumerate(positions):
        expected = decrypt(DECK1[p], [_times(DECK1[p].a, y)])
        assert decrypt(DECK1[p], [s[j] for s in all_shares]) == expected


def test_any_coalition_short_of_all_seats_cannot_open() -> None:
    ct = DECK1[0]
    shares = [mul(ct.a, x) for x in SECRETS]
    for missing in range(3):
        subset = [s for i, s in enumerate(shares) if i != missing and s is not None]
        assert _reason(decrypt, ct, subset) is Reason.DEALING_UNKNOWN_CARD


class _FixedMap(Randomness):
    """A prover stream whose 'permutation' is the map it is given (a cheating prover)."""

    def __init__(self, mapping: list[int]) -> None:
        super().__init__(RNG_SEED)
        self._mapping = mapping

    def permutation(self, n: int) -> list[int]:
        return list(self._mapping)


def _cheat(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Run the honest prover's algorithm on a false statement; the verifier must refuse it."""
    target = "chipstack.dealing.shuffle.reencrypt"
    mapping = list(range(52))
    if name == "duplicate_in_map":  # output 1 takes input 0 again: not a permutation
        mapping[1] = 0
    elif name == "duplicate_reencryption":  # commits to a permutation, outputs a duplicate
        calls: list[Ciphertext] = []

        def duplicating(ct: Ciphertext, r: int, joint: PublicKey) -> Ciphertext:
            calls.append(ct)
            return reencrypt(calls[0] if len(calls) == 2 else ct, r, joint)

        monkeypatch.setattr(target, duplicating)
    elif name == "wrong_key":  # re-encrypts under a key nobody at the table shares
        rogue = base_mul(12345)
        assert rogue is not None
        monkeypatch.setattr(target, lambda ct, r, joint: reencrypt(ct, r, rogue))
    elif name == "replace_card":  # output 2 is card 0's point, not input 2 re-encrypted
        card0 = DECK0[0]

        def replacing(ct: Ciphertext, r: int, joint: PublicKey) -> Ciphertext:
            return reencrypt(card0 if ct == DECK0[2] else ct, r, joint)

        monkeypatch.setattr(target, replacing)
    deck_out, proof = shuffle_and_prove(DECK0, JOINT, CTX, _FixedMap(mapping))
    assert deck_out != DECK0
    reason = _reason(verify_shuffle, DECK0, deck_out, proof, JOINT, CTX)
    assert reason is Reason.DEALING_BAD_SHUFFLE_PROOF


@pytest.mark.parametrize(
    "name", ["duplicate_in_map", "duplicate_reencryption", "wrong_key", "replace_card"]
)
def test_a_prover_cannot_prove_a_bad_shuffle(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Unlike the altered proofs above, these proofs are computed for the bad deck itself."""
    _cheat(monkeypatch, name)


def test_the_cheating_prover_is_otherwise_reencrypt() -> None:
    """Control: the same fixed-map prover with a true permutation is accepted."""
    mapping = [51, *range(51)]
    deck_out, proof = shuffle_and_prove(DECK0, JOINT, CTX, _FixedMap(mapping))
    verify_shuffle(DECK0, deck_out, proof, JOINT, CTX)


def test_a_prover_cannot_prove_shares_whose_errors_cancel(monkeypatch: pytest.MonkeyPatch) -> None:
    """Shares off by +G and -G sum right under equal weights; the hashed weights catch them.

    The prover runs the honest algorithm over its wrong shares ([DEAL-31]), so only the
    weights' dependence on the shares can refuse it.
    """
    positions = (0, 1, 2)
    firsts = [DECK1[p].a for p in positions]
    honest_mul = mul
    minus_g = mul(G, ORDER - 1)

    def skewed(point: PublicKey | None, scalar: int) -> PublicKey | None:
        out = honest_mul(point, scalar)
        if point == firsts[1]:
            return add(out, G)
        if point == firsts[2]:
            return add(out, minus_g)
        return out

    monkeypatch.setattr("chipstack.dealing.shares.mul", skewed)
    x = SECRETS[0]
    shares, proof = make_shares(x, positions, firsts, CTX, Randomness(RNG_SEED))
    key = base_mul(x)
    assert key is not None
    honest = [_times(a, x) for a in firsts]
    assert shares[0] == honest[0] and shares[1:] != honest[1:]
    assert add(*shares) == add(*honest)  # the unweighted sum cannot tell
    reason = _reason(verify_shares, key, positions, firsts, shares, proof, CTX)
    assert reason is Reason.DEALING_BAD_SHARE_PROOF


def test_shuffle_message_size_is_the_sum_of_its_fields() -> None:
    # [DEAL-40] header, [DEAL-42] count and deck, [DEAL-24] proof: 2N points, 2N + 5 scalars
    table = LocalHand(2, RNG_SEED)
    table.keys()
    raw = table.nodes[0].shuffle_message()
    header = 1 + 1 + 32 + 1
    proof = 2 * DECK_SIZE * POINT_LEN + (2 * DECK_SIZE + 5) * SCALAR_LEN
    assert len(raw) == header + 1 + DECK_SIZE * CIPHERTEXT_LEN + proof == 10_388
