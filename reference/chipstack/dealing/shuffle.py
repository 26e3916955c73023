"""The proof of a correct shuffle: Terelius-Wikstrom, as specified for Verificatum.

Spec: ``spec/07-dealing.md`` section 4 ([DEAL-20] .. [DEAL-24]). The construction is
the one of D. Wikstrom, "A commitment-consistent proof of a shuffle" (ACISP 2009) and
B. Terelius, D. Wikstrom, "Proofs of restricted shuffles" (AFRICACRYPT 2010), in the
non-interactive form written out as pseudo-code by R. Haenni, P. Locher, R. Koenig,
E. Dubuis, "Pseudo-code algorithms for verifiable re-encryption mix-nets" (FC 2017
Workshops, Voting), here in additive notation over secp256k1. The prover commits to
its permutation matrix (``C``), to a chain that fixes the product of the permuted
challenges (``Chat``), and answers one Fiat-Shamir challenge ``c``. The proof sends
the challenge instead of the commitments ``T``; the verifier recomputes ``T`` from the
responses and checks that they hash to ``c``. Size: ``2N`` points and ``2N + 5``
scalars; verification: about ``9N`` scalar multiplications.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from coincurve import PublicKey

from chipstack.crypto import Tag, tagged_hash
from chipstack.dealing.elgamal import DECK_SIZE, Ciphertext, reencrypt
from chipstack.dealing.group import (
    ORDER,
    Point,
    add,
    add_all,
    base_mul,
    encode_point,
    encode_scalar,
    generator,
    hash_to_scalar,
    linear_combination,
    mul,
    neg,
    read_point,
    read_scalar,
)
from chipstack.dealing.randomness import Randomness
from chipstack.encoding import Reader
from chipstack.errors import Reason, Rejected


@cache
def commitment_generators(n: int) -> tuple[PublicKey, ...]:
    """``H_0 .. H_n``: ``hash_to_point("chipstack/dealing/generator", u32le(i))`` ([DEAL-20])."""
    return tuple(generator(i.to_bytes(4, "little")) for i in range(n + 1))


@dataclass(frozen=True)
class ShuffleProof:
    """A Terelius-Wikstrom proof: ``C``, ``Chat``, ``c``, ``s1..s4``, ``shat``, ``sprime``."""

    commitments: tuple[PublicKey, ...]
    chain: tuple[PublicKey, ...]
    challenge: int
    s: tuple[int, int, int, int]
    s_hat: tuple[int, ...]
    s_prime: tuple[int, ...]

    def encode(self) -> bytes:
        """``C || Chat || c || s1 .. s4 || shat || s'``, lists N long ([DEAL-24])."""
        return b"".join(
            [
                *(encode_point(p) for p in self.commitments),
                *(encode_point(p) for p in self.chain),
                *(encode_scalar(x) for x in (self.challenge, *self.s)),
                *(encode_scalar(x) for x in self.s_hat),
                *(encode_scalar(x) for x in self.s_prime),
            ]
        )

    @classmethod
    def read(cls, reader: Reader, n: int) -> ShuffleProof:
        """Read a proof for a deck of ``n`` cards, field by field ([DEAL-24])."""
        commitments = tuple(read_point(reader) for _ in range(n))
        chain = tuple(read_point(reader) for _ in range(n))
        challenge = read_scalar(reader)
        s = (read_scalar(reader), read_scalar(reader), read_scalar(reader), read_scalar(reader))
        s_hat = tuple(read_scalar(reader) for _ in range(n))
        s_prime = tuple(read_scalar(reader) for _ in range(n))
        return cls(commitments, chain, challenge, s, s_hat, s_prime)


def _statement_digest(
    context: bytes,
    joint: PublicKey,
    deck_in: Sequence[Ciphertext],
    deck_out: Sequence[Ciphertext],
    commitments: Sequence[PublicKey],
) -> bytes:
    # [DEAL-21] the statement: context, Y, input deck, output deck, permutation commitment
    parts = [context, encode_point(joint)]
    parts += [ct.encode() for ct in deck_in]
    parts += [ct.encode() for ct in deck_out]
    parts += [encode_point(p) for p in commitments]
    return tagged_hash(Tag.DEALING_SHUFFLE_STATEMENT, b"".join(parts))


def _challenges(digest: bytes, n: int) -> list[int]:
    # [DEAL-21] u_j = H_s("chipstack/dealing/shuffle-challenge", digest || u8 j)
    return [hash_to_scalar(Tag.DEALING_SHUFFLE_CHALLENGE, digest + bytes([j])) for j in range(n)]


def _final_challenge(digest: bytes, chain: Sequence[PublicKey], ts: Sequence[Point]) -> int:
    # [DEAL-22] c = H_s("chipstack/dealing/shuffle-proof", digest || Chat || T1..T42 || That)
    parts = [digest, *(encode_point(p) for p in chain), *(encode_point(t) for t in ts)]
    return hash_to_scalar(Tag.DEALING_SHUFFLE_PROOF, b"".join(parts))


def shuffle_and_prove(
    deck: Sequence[Ciphertext], joint: PublicKey, context: bytes, rng: Randomness
) -> tuple[list[Ciphertext], ShuffleProof]:
    """Permute and re-encrypt ``deck``; return the new deck and its proof ([DEAL-20] .. [DEAL-23]).

    Output position ``i`` holds input ``perm[i]`` re-encrypted with ``r'_i``. The
    random values are drawn from ``rng`` in the order the spec states ([DEAL-23]), so
    a fixed seed gives a fixed proof.
    """
    n = len(deck)
    # [DEAL-23] draw order: permutation, r'_i, rho_j, rhat_i, w1..w4, what_i, w'_i
    perm = rng.permutation(n)
    r_out = [rng.scalar() for _ in range(n)]
    out = [reencrypt(deck[perm[i]], r_out[i], joint) for i in range(n)]
    return out, prove_shuffle(deck, out, perm, r_out, joint, context, rng)


def prove_shuffle(
    deck: Sequence[Ciphertext],
    out: Sequence[Ciphertext],
    perm: Sequence[int],
    r_out: Sequence[int],
    joint: PublicKey,
    context: bytes,
    rng: Randomness,
) -> ShuffleProof:
    """The proof that ``out[i]`` is ``deck[perm[i]]`` re-encrypted with ``r_out[i]`` ([DEAL-21]).

    ``shuffle_and_prove`` calls it after drawing ``perm`` and ``r_out``; the rest of
    the stream is drawn here. Given a false statement (``out`` not such a re-encryption,
    or ``perm`` not a permutation) it still returns a proof, which a verifier refuses:
    that is how the vectors' cheating provers are made.
    """
    n = len(deck)
    gens = commitment_generators(n)
    h0, hs = gens[0], gens[1:]
    rho = [rng.scalar() for _ in range(n)]
    r_hat = [rng.scalar() for _ in range(n)]
    w = [rng.scalar() for _ in range(4)]
    w_hat = [rng.scalar() for _ in range(n)]
    w_prime = [rng.scalar() for _ in range(n)]

    inverse = [0] * n
    for i, j in enumerate(perm):
        inverse[j] = i
    commitments = [_nonzero(add(base_mul(rho[j]), hs[inverse[j]])) for j in range(n)]
    digest = _statement_digest(context, joint, deck, out, commitments)
    u = _challenges(digest, n)
    u_out = [u[perm[i]] for i in range(n)]

    chain: list[PublicKey] = []
    previous = h0
    for i in range(n):
        previous = _nonzero(add(base_mul(r_hat[i]), mul(previous, u_out[i])))
        chain.append(previous)
    t1 = base_mul(w[0])
    t2 = base_mul(w[1])
    t3 = add(base_mul(w[2]), linear_combination(w_prime, hs))
    t41 = add(neg(mul(joint, w[3])), linear_combination(w_prime, [ct.b for ct in out]))
    t42 = add(neg(base_mul(w[3])), linear_combination(w_prime, [ct.a for ct in out]))
    t_hat = [add(base_mul(w_hat[i]), mul(chain[i - 1] if i else h0, w_prime[i])) for i in range(n)]
    c = _final_challenge(digest, chain, [t1, t2, t3, t41, t42, *t_hat])

    v = [1] * n
    for i in range(n - 1, 0, -1):
        v[i - 1] = u_out[i] * v[i] % ORDER
    r_bar = sum(rho) % ORDER
    r_chain = sum(r_hat[i] * v[i] for i in range(n)) % ORDER
    r_tilde = sum(rho[j] * u[j] for j in range(n)) % ORDER
    r_prime = sum(r_out[i] * u_out[i] for i in range(n)) % ORDER
    s = (
        (w[0] + c * r_bar) % ORDER,
        (w[1] + c * r_chain) % ORDER,
        (w[2] + c * r_tilde) % ORDER,
        (w[3] + c * r_prime) % ORDER,
    )
    s_hat = tuple((w_hat[i] + c * r_hat[i]) % ORDER for i in range(n))
    s_prime = tuple((w_prime[i] + c * u_out[i]) % ORDER for i in range(n))
    return ShuffleProof(tuple(commitments), tuple(chain), c, s, s_hat, s_prime)


def verify_shuffle(
    deck_in: Sequence[Ciphertext],
    deck_out: Sequence[Ciphertext],
    proof: ShuffleProof,
    joint: PublicKey,
    context: bytes,
) -> None:
    """Check that ``deck_out`` is a permuted re-encryption of ``deck_in`` ([DEAL-22]).

    Refused with ``dealing.bad_deck_size`` when the decks or the proof's vectors are not
    all 52 long, and with ``dealing.bad_shuffle_proof`` when the recomputed commitments
    do not hash to the proof's challenge or one of them is the point at infinity.
    """
    n = len(deck_in)
    lengths = {len(deck_out), len(proof.commitments), len(proof.chain), len(proof.s_hat)}
    if lengths | {len(proof.s_prime), n} != {DECK_SIZE}:  # [DEAL-22] (u8(j) needs j < 256)
        raise Rejected(Reason.DEALING_BAD_DECK_SIZE, "deck and proof lengths are not all 52")
    gens = commitment_generators(n)
    h0, hs = gens[0], gens[1:]
    c, (s1, s2, s3, s4) = proof.challenge, proof.s
    digest = _statement_digest(context, joint, deck_in, deck_out, proof.commitments)
    u = _challenges(digest, n)
    u_product = 1
    for x in u:
        u_product = u_product * x % ORDER
    minus_c = (-c) % ORDER
    c_bar = add(add_all(proof.commitments), neg(_sum_of(hs)))
    c_hat = add(proof.chain[-1], neg(mul(h0, u_product)))
    c_tilde = linear_combination(u, proof.commitments)
    a_tilde = linear_combination(u, [ct.a for ct in deck_in])
    b_tilde = linear_combination(u, [ct.b for ct in deck_in])
    t1 = add(base_mul(s1), mul(c_bar, minus_c))
    t2 = add(base_mul(s2), mul(c_hat, minus_c))
    t3 = add(base_mul(s3), linear_combination(proof.s_prime, hs), mul(c_tilde, minus_c))
    t41 = add(
        linear_combination(proof.s_prime, [ct.b for ct in deck_out]),
        mul(b_tilde, minus_c),
        neg(mul(joint, s4)),
    )
    t42 = add(
        linear_combination(proof.s_prime, [ct.a for ct in deck_out]),
        mul(a_tilde, minus_c),
        neg(base_mul(s4)),
    )
    t_hat = [
        add(
            base_mul(proof.s_hat[i]),
            mul(proof.chain[i - 1] if i else h0, proof.s_prime[i]),
            mul(proof.chain[i], minus_c),
        )
        for i in range(n)
    ]
    ts = [t1, t2, t3, t41, t42, *t_hat]
    if any(t is None for t in ts):
        raise Rejected(Reason.DEALING_BAD_SHUFFLE_PROOF, "a T is infinity")  # [DEAL-6], [DEAL-22]
    if _final_challenge(digest, proof.chain, ts) != c:
        raise Rejected(Reason.DEALING_BAD_SHUFFLE_PROOF, "the proof does not verify")  # [DEAL-22]


@cache
def _sum_of(points: tuple[PublicKey, ...]) -> Point:
    return add_all(points)


def _nonzero(point: Point) -> PublicKey:
    if point is None:  # probability 2^-256 for honest randomness
        raise Rejected(Reason.DEALING_BAD_POINT, "a commitment is the point at infinity")
    return point
