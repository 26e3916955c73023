"""Fair dealing with no trusted dealer: joint key, verifiable shuffles, decryption shares.

Spec: ``spec/07-dealing.md``. Modules: :mod:`~chipstack.dealing.group` (secp256k1 via
coincurve, encodings), :mod:`~chipstack.dealing.randomness` (the prover's random
stream), :mod:`~chipstack.dealing.keys` (key shares and their Schnorr proofs),
:mod:`~chipstack.dealing.elgamal` (cards as points, the deck),
:mod:`~chipstack.dealing.shuffle` (the Terelius-Wikstrom proof of a shuffle),
:mod:`~chipstack.dealing.shares` (decryption shares and their Chaum-Pedersen proof),
:mod:`~chipstack.dealing.messages` (the protocol messages), :mod:`~chipstack.dealing.hand`
(one node's view of one hand: turns, faults, timeouts, the void rule) and
:mod:`~chipstack.dealing.local` (a whole hand run in one process).
"""
